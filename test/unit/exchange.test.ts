/* eslint-disable @n8n/community-nodes/no-restricted-imports -- a unit test that builds response streams; n8n Cloud's runtime rules are for node code */
import { Readable } from 'node:stream';

import type { IN8nHttpFullResponse } from 'n8n-workflow';

import type { Send, SendOptions } from '../../nodes/shared/transport/exchange';
import {
	exchange,
	MAX_ANSWER_BYTES,
	MAX_REDIRECTS,
} from '../../nodes/shared/transport/exchange';

const BASE = 'http://127.0.0.1:4000/api/v3';

/** Lets pending promise callbacks run. */
async function flush(): Promise<void> {
	for (let i = 0; i < 20; i++) await Promise.resolve();
}

function answer(statusCode: number, body: Readable | string, headers = {}): IN8nHttpFullResponse {
	return {
		statusCode,
		statusMessage: '',
		headers,
		body: typeof body === 'string' ? Readable.from([Buffer.from(body)]) : body,
	};
}

/** A send that answers each call with the next of `answers`, recording what it was asked. */
function scripted(...answers: Array<(options: SendOptions) => IN8nHttpFullResponse>) {
	const calls: SendOptions[] = [];
	const send: Send = async (options) => {
		calls.push(options);
		const next = answers[calls.length - 1];
		if (!next) throw new Error(`unexpected request ${calls.length}`);
		return next(options);
	};
	return { send, calls };
}

/** A body that sends its head at once, then nothing more: the connection stays open. */
function neverEnding(head = '{"id":'): Readable {
	return new Readable({
		read() {
			if (head) {
				this.push(head);
				head = '';
			}
		},
	});
}

const post = {
	method: 'POST' as const,
	url: `${BASE}/mcp/servers/s/instances`,
	body: { user_id: 'u' },
};
const get = { method: 'GET' as const, url: `${BASE}/mcp/servers`, qs: { page_no: 1 } };

describe('exchange: redirects stay on the origin', () => {
	it('follows a 307 on the same origin with the same method and body, and the Location query', async () => {
		const { send, calls } = scripted(
			() => answer(307, '', { location: '/api/v3.1/mcp/servers/s/instances?x=1' }),
			() => answer(201, '{"id":"i1"}'),
		);
		const result = await exchange(send, post, 5_000);
		expect(result).toEqual({
			ok: true,
			answer: expect.objectContaining({ statusCode: 201, text: '{"id":"i1"}' }),
		});
		expect(calls.map(({ method, url, body, qs }) => ({ method, url, body, qs }))).toEqual([
			{ method: 'POST', url: post.url, body: post.body, qs: undefined },
			{
				method: 'POST',
				url: 'http://127.0.0.1:4000/api/v3.1/mcp/servers/s/instances?x=1',
				body: post.body,
				qs: undefined,
			},
		]);
	});

	it('follows a 301/302/303 of a GET on the same origin', async () => {
		for (const status of [301, 302, 303]) {
			const { send, calls } = scripted(
				() => answer(status, '', { location: `${BASE}/mcp/servers?page_no=1` }),
				() => answer(200, '{"items":[]}'),
			);
			expect(await exchange(send, get, 5_000)).toMatchObject({ ok: true });
			expect(calls).toHaveLength(2);
		}
	});

	it.each([
		['another host', 'http://127.0.0.2:4000/api/v3/x', 'http://127.0.0.2:4000'],
		['another port', 'http://127.0.0.1:4001/api/v3/x', 'http://127.0.0.1:4001'],
		['another scheme', 'https://127.0.0.1:4000/api/v3/x', 'https://127.0.0.1:4000'],
		['a protocol-relative URL', '//evil.example/x', 'http://evil.example'],
		['a non-http URL', 'file:///etc/passwd', 'file:'],
	])('never follows a redirect to %s', async (_, location, origin) => {
		for (const request of [post, get]) {
			const { send, calls } = scripted(() => answer(307, '', { location }));
			expect(await exchange(send, request, 5_000)).toEqual({
				ok: false,
				fault: { kind: 'redirect', statusCode: 307, reason: 'crossOrigin', origin },
			});
			expect(calls).toHaveLength(1);
		}
	});

	it.each([301, 302, 303])(
		'never follows a %p of a write, which would turn it into a GET',
		async (status) => {
			const { send, calls } = scripted(() => answer(status, '', { location: post.url }));
			expect(await exchange(send, post, 5_000)).toMatchObject({
				ok: false,
				fault: { kind: 'redirect', reason: 'toGet', statusCode: status },
			});
			expect(calls).toHaveLength(1);
		},
	);

	it(`stops after ${MAX_REDIRECTS} redirects`, async () => {
		const loop = () => answer(308, '', { location: get.url });
		const { send, calls } = scripted(...Array.from({ length: 10 }, () => loop));
		expect(await exchange(send, get, 5_000)).toMatchObject({
			ok: false,
			fault: { kind: 'redirect', reason: 'tooMany' },
		});
		expect(calls).toHaveLength(MAX_REDIRECTS + 1);
	});

	it('takes a 3xx without a Location as the answer it is', async () => {
		const { send } = scripted(() => answer(304, ''));
		expect(await exchange(send, get, 5_000)).toMatchObject({
			ok: true,
			answer: { statusCode: 304 },
		});
	});
});

describe('exchange: the deadline covers the whole answer', () => {
	it('ends an answer whose body never ends at the deadline, as a timeout with its status', async () => {
		const body = neverEnding();
		const { send } = scripted(() => answer(201, body));
		expect(await exchange(send, post, 100)).toEqual({
			ok: false,
			fault: { kind: 'timeout', statusCode: 201 },
		});
		expect(body.destroyed).toBe(true);
	});

	it('ends a send that never answers at the deadline, and discards an answer that comes later', async () => {
		let resolveLate: (value: IN8nHttpFullResponse) => void = () => {};
		const late = answer(200, neverEnding());
		const send: Send = async () => await new Promise((resolve) => (resolveLate = resolve));
		expect(await exchange(send, get, 100)).toEqual({ ok: false, fault: { kind: 'timeout' } });
		resolveLate(late);
		await flush();
		expect((late.body as Readable).destroyed).toBe(true);
	});

	it('stops at once when the execution is cancelled', async () => {
		const cancel = new AbortController();
		const { send } = scripted(() => answer(200, neverEnding()));
		const result = exchange(send, get, 60_000, cancel.signal);
		await flush();
		cancel.abort();
		expect(await result).toEqual({ ok: false, fault: { kind: 'cancelled' } });
	});
});

describe('exchange: answers cut or too large', () => {
	it('reports a body cut after the headers as a cut, with the status that had arrived', async () => {
		const body = new Readable({
			read() {
				this.push('{"id":');
				this.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
			},
		});
		const { send } = scripted(() => answer(201, body));
		expect(await exchange(send, post, 5_000)).toEqual({
			ok: false,
			fault: { kind: 'cut', statusCode: 201, code: 'ECONNRESET' },
		});
	});

	it('refuses an answer that declares more than the cap, before reading it', async () => {
		const body = neverEnding();
		const { send } = scripted(() =>
			answer(200, body, { 'content-length': String(MAX_ANSWER_BYTES + 1) }),
		);
		expect(await exchange(send, get, 5_000)).toEqual({
			ok: false,
			fault: { kind: 'tooLarge', statusCode: 200, bytes: MAX_ANSWER_BYTES + 1 },
		});
		expect(body.destroyed).toBe(true);
	});

	it('stops reading an undeclared answer once it passes the cap', async () => {
		const chunk = Buffer.alloc(1024 * 1024, 0x20);
		let sent = 0;
		const body = new Readable({
			read() {
				sent++;
				this.push(chunk);
			},
		});
		const { send } = scripted(() => answer(200, body));
		expect(await exchange(send, get, 5_000)).toMatchObject({
			ok: false,
			fault: { kind: 'tooLarge', statusCode: 200 },
		});
		expect(sent).toBeLessThan(MAX_ANSWER_BYTES / chunk.length + 5);
	});

	it('reports what the helper threw before any answer as a send fault', async () => {
		const error = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
		const send: Send = async () => {
			throw error;
		};
		expect(await exchange(send, get, 5_000)).toEqual({ ok: false, fault: { kind: 'send', error } });
	});

	it('reads a whole answer and drops a byte-order mark', async () => {
		const { send } = scripted(() => answer(200, '\uFEFF{"ok":true}'));
		expect(await exchange(send, get, 5_000)).toMatchObject({
			ok: true,
			answer: { text: '{"ok":true}' },
		});
	});
});
