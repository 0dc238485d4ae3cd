/**
 * Instance › Create under every fault mode of the simulator, through n8n's real engine. The node's
 * waits are recorded instead of slept (test/support/faults.ts), so each test checks the waits the retry policy
 * asked for, and runs in milliseconds. Timeouts, which need real time, are in timeout.faults.test.ts.
 */
import type { NodeRun } from '../engine/runWorkflow';
import { createInstanceParameters } from '../engine/runWorkflow';
import { instanceFixtures } from '../support/instances';
import { errorJson, expectEachItemOnce, pairedIndex, useSimulator } from '../support/simulator';
import type { Fault, ServerRecord } from '../simulator';
import {
	backoffBound,
	createsFor,
	DEFAULTS,
	expectBackoffs,
	forUser,
	HTML_502,
	HTML_503,
	instanceOf,
	isCreate,
	isList,
	jsonError,
	sum,
	useSleepRecorder,
} from '../support/faults';

const context = useSimulator();
const sleeps = useSleepRecorder();
const { serverFor, create } = instanceFixtures(context, { onError: 'continueErrorOutput' });

/** One user's creates get these faults, in order; later creates are answered normally. */
function injectForUser(user: string, faults: Fault[]): void {
	for (const fault of faults) context.sim.inject(forUser(user, fault));
}

/** At most one instance per user, listed once, and created at most once. */
function expectNoDuplicates(server: ServerRecord, users: string[]): void {
	const listed = context.sim.instancesOf(server.id).map((instance) => instance.instance_id);
	expect(new Set(listed).size).toBe(listed.length);
	for (const user of users) {
		expect({ user, created: context.sim.createCount(server.id, user) <= 1 }).toEqual({
			user,
			created: true,
		});
	}
}

/** The run ended with the user's instance on the success output, paired to item 0. */
function expectCreated(result: NodeRun, server: ServerRecord, user: string): void {
	expect(result.errorOutput).toEqual([]);
	expect(result.success).toHaveLength(1);
	expect(result.success[0].json).toEqual(instanceOf(context.sim, server.id, user));
	expect(result.success[0].pairedItem).toEqual({ item: 0 });
	expect(context.sim.createCount(server.id, user)).toBe(1);
}

const RATE_LIMITED = { message: 'Rate limit exceeded. Limit: 100 requests per 1 minutes' };

function tooMany(retryAfter: string, times = 1): Fault {
	return { status: 429, body: RATE_LIMITED, headers: { 'retry-after': retryAfter }, times };
}

it('the recorder really replaces the node’s waits', async () => {
	// A Retry-After of an hour, capped at the default Max Wait of 60 s: twice jest's 30 s test
	// timeout, so this test can only pass if the node's sleep never really waited.
	const server = serverFor(['alice']);
	injectForUser('alice', [tooMany('3600')]);

	const result = await create(server, ['alice']);

	expectCreated(result, server, 'alice');
	expect(sleeps.waits).toEqual([DEFAULTS.maxWaitMs]);
});

describe('429 storms with Retry-After', () => {
	it('waits the Retry-After seconds before each retry, then creates once', async () => {
		const server = serverFor(['alice']);
		injectForUser('alice', [tooMany('7', 3)]);

		const result = await create(server, ['alice']);

		expectCreated(result, server, 'alice');
		expect(sleeps.waits).toEqual([7000, 7000, 7000]);
		expect(createsFor(context.sim, 'alice')).toHaveLength(4);
		// A 429 comes before the API runs: the 201 is trusted as is, no look-up needed.
		expect(context.sim.requests.filter(isList)).toEqual([]);
	});

	it('reads Retry-After as an HTTP date', async () => {
		const server = serverFor(['alice', 'bob']);
		const inThirtySeconds = new Date(Date.now() + 30_000).toUTCString();
		const inThePast = new Date(Date.now() - 600_000).toUTCString();
		injectForUser('alice', [tooMany(inThirtySeconds)]);

		const result = await create(server, ['alice']);

		expectCreated(result, server, 'alice');
		expect(sleeps.waits).toHaveLength(1);
		// The date has whole seconds: 29–30 s from when the node read it (less if the machine stalls).
		expect(sleeps.waits[0]).toBeGreaterThanOrEqual(25_000);
		expect(sleeps.waits[0]).toBeLessThanOrEqual(30_000);
		expect(sleeps.waits[0] % 1000).toBe(0);

		sleeps.waits.length = 0;
		injectForUser('bob', [tooMany(inThePast)]);
		const past = await create(server, ['bob']);
		expect(past.success.map((item) => item.json.instance_id)).toEqual(['bob']);
		expect(sleeps.waits).toEqual([0]);
	});

	it('caps Retry-After at Max Wait', async () => {
		const server = serverFor(['alice']);
		injectForUser('alice', [tooMany('120', 2)]);

		const result = await create(server, ['alice'], { requestOptions: { maxWait: 2 } });

		expectCreated(result, server, 'alice');
		expect(sleeps.waits).toEqual([2000, 2000]);
	});

	it('a storm longer than Max Retries fails the item with the 429 after Max Retries + 1 sends', async () => {
		const server = serverFor(['alice']);
		injectForUser('alice', [tooMany('5', 50)]);

		const result = await create(server, ['alice'], { requestOptions: { maxRetries: 2 } });

		expect(result.success).toEqual([]);
		expect(result.errorOutput.map(pairedIndex)).toEqual([0]);
		const failed = errorJson(result.errorOutput[0]);
		expect(failed).toMatchObject({ error: RATE_LIMITED.message, httpCode: '429', userId: 'alice' });
		expect(failed.description).toMatch(/retry after 5 s/);
		expect(createsFor(context.sim, 'alice')).toHaveLength(3);
		expect(sleeps.waits).toEqual([5000, 5000]);
		expect(context.sim.instancesOf(server.id)).toEqual([]);
	});

	it('a 429 without Retry-After backs off exponentially instead', async () => {
		const server = serverFor(['alice']);
		injectForUser('alice', [{ status: 429, body: RATE_LIMITED, times: 3 }]);

		const result = await create(server, ['alice']);

		expectCreated(result, server, 'alice');
		expect(sleeps.waits).toHaveLength(3);
		expectBackoffs(sleeps.waits);
	});

	it('Max Wait 0 retries at once', async () => {
		const server = serverFor(['alice']);
		injectForUser('alice', [tooMany('30', 2), { status: 503, body: HTML_503, times: 1 }]);

		const result = await create(server, ['alice'], { requestOptions: { maxWait: 0 } });

		expectCreated(result, server, 'alice');
		expect(sleeps.waits).toEqual([0, 0, 0]);
	});

	it('Max Retries 0 sends once and never waits', async () => {
		const server = serverFor(['alice']);
		injectForUser('alice', [tooMany('1', 50)]);

		const result = await create(server, ['alice'], { requestOptions: { maxRetries: 0 } });

		expect(errorJson(result.errorOutput[0]).httpCode).toBe('429');
		expect(createsFor(context.sim, 'alice')).toHaveLength(1);
		expect(sleeps.waits).toEqual([]);
	});

	it('through the rate limiter: every item once, each created once, one gate for all items', async () => {
		const users = Array.from({ length: 12 }, (_, index) => `user-${index}`);
		const server = serverFor(users);
		// Three requests pass, then the bucket is empty for ~1000 s; the first wait "lets time pass"
		// by lifting the limit, so the retries go through.
		context.sim.setRateLimit({ perSecond: 0.001, burst: 3 });
		sleeps.onSleep = () => context.sim.setRateLimit(undefined);

		const result = await create(server, users);

		expect(result.errorOutput).toEqual([]);
		expect(result.success.map((item) => item.json.instance_id)).toEqual(users);
		expectEachItemOnce(result, users.length);
		// The answers said the bucket was empty: the gate held every item before the limiter had to
		// refuse one (and a 429 would close it for all: never more refusals than items in flight).
		expect(context.sim.rateLimited).toBeLessThanOrEqual(DEFAULTS.concurrency);
		expect(sleeps.waits.length).toBeGreaterThan(0);
		for (const wait of sleeps.waits) expect(wait).toBeLessThanOrEqual(DEFAULTS.maxWaitMs);
		for (const user of users) expect(context.sim.createCount(server.id, user)).toBe(1);
		expectNoDuplicates(server, users);
	});
});

describe('5xx bursts', () => {
	it('HTML and JSON 5xx answers are retried with exponential backoff and jitter, then the item is created once', async () => {
		const server = serverFor(['alice']);
		injectForUser('alice', [
			{ status: 503, body: HTML_503, contentType: 'text/html; charset=utf-8', times: 2 },
			{ status: 500, body: jsonError(500, 'Internal error') },
		]);

		const result = await create(server, ['alice']);

		expectCreated(result, server, 'alice');
		expect(createsFor(context.sim, 'alice')).toHaveLength(4);
		expect(sleeps.waits).toHaveLength(3);
		expectBackoffs(sleeps.waits);
		expect(sum(sleeps.waits)).toBeLessThanOrEqual(backoffBound(3));
	});

	it('a 502 from a gateway after Composio created the instance ends on the success output, created once', async () => {
		const server = serverFor(['alice']);
		injectForUser('alice', [
			{ handle: true, status: 502, body: HTML_502, contentType: 'text/html' },
		]);

		const result = await create(server, ['alice'], { ifExists: 'returnExisting' });

		expect(result.errorOutput).toEqual([]);
		// Our own instance, not one that "already existed".
		expect(result.success.map((item) => item.json)).toEqual([
			{ ...instanceOf(context.sim, server.id, 'alice'), alreadyExisted: false },
		]);
		expect(context.sim.createCount(server.id, 'alice')).toBe(1);
		expect(createsFor(context.sim, 'alice')).toHaveLength(2);
		expectBackoffs(sleeps.waits);
	});

	it.each([
		['an HTML 503', { status: 503, body: HTML_503, contentType: 'text/html' }, '503'],
		['a JSON 500', { status: 500, body: jsonError(500, 'Internal error') }, '500'],
		['a bare 504', { status: 504 }, '504'],
		['a 408', { status: 408, body: { message: 'Request timeout' } }, '408'],
	])(
		'a burst of %s longer than Max Retries fails the item after Max Retries + 1 sends',
		async (_, fault: Fault, httpCode) => {
			const server = serverFor(['alice']);
			injectForUser('alice', [{ ...fault, times: 50 }]);

			const result = await create(server, ['alice'], { requestOptions: { maxRetries: 2 } });

			expect(result.success).toEqual([]);
			const failed = errorJson(result.errorOutput[0]);
			expect(failed.httpCode).toBe(httpCode);
			expect(failed.error).not.toMatch(/<[a-z!/]/i);
			expect(createsFor(context.sim, 'alice')).toHaveLength(3);
			expect(sleeps.waits).toHaveLength(2);
			expectBackoffs(sleeps.waits);
			expect(context.sim.instancesOf(server.id)).toEqual([]);
		},
	);

	it('Max Wait caps every backoff step', async () => {
		const server = serverFor(['alice']);
		injectForUser('alice', [{ status: 503, body: HTML_503, contentType: 'text/html', times: 6 }]);

		const result = await create(server, ['alice'], {
			requestOptions: { maxRetries: 6, maxWait: 1 },
		});

		expectCreated(result, server, 'alice');
		expect(sleeps.waits).toHaveLength(6);
		expectBackoffs(sleeps.waits, 1000);
		expect(Math.max(...sleeps.waits)).toBeLessThanOrEqual(1000);
		// The later steps (2 s, 4 s, 8 s) are all cut to Max Wait.
		expect(sleeps.waits.slice(2)).toEqual([1000, 1000, 1000, 1000]);
	});
});

describe('connection resets', () => {
	it('a reset before Composio did anything: retried, created once', async () => {
		const server = serverFor(['alice']);
		injectForUser('alice', [{ destroy: true }]);

		const result = await create(server, ['alice']);

		expectCreated(result, server, 'alice');
		expect(createsFor(context.sim, 'alice')).toHaveLength(2);
		expectBackoffs(sleeps.waits);
		expect(sleeps.waits).toHaveLength(1);
	});

	it.each([
		['the answer is lost (reset after the create)', { loseAnswer: true }],
		['the status line and headers arrive, then a reset', { passThrough: true, cut: 'headers' }],
		['half the body arrives, then a reset', { passThrough: true, cut: 'body' }],
	] as Array<[string, Fault]>)(
		'%s: the item ends on the success output with the instance, created once',
		async (_, fault) => {
			const server = serverFor(['alice', 'bob']);
			injectForUser('alice', [fault]);

			const result = await create(server, ['alice', 'bob']);

			expect(result.errorOutput).toEqual([]);
			expect(result.success.map((item) => item.json)).toEqual([
				instanceOf(context.sim, server.id, 'alice'),
				instanceOf(context.sim, server.id, 'bob'),
			]);
			expect(result.success.map(pairedIndex)).toEqual([0, 1]);
			expect(context.sim.createCount(server.id, 'alice')).toBe(1);
			expect(context.sim.createCount(server.id, 'bob')).toBe(1);
			// The retry met the instance (409) and the node looked it up instead of failing.
			expect(createsFor(context.sim, 'alice')).toHaveLength(2);
			expect(context.sim.requests.filter(isList)).toHaveLength(1);
			expect(sleeps.waits).toHaveLength(1);
			expectBackoffs(sleeps.waits);
		},
	);

	it('a reset half-way through a 5xx answer (nothing created): retried, created once', async () => {
		const server = serverFor(['alice']);
		injectForUser('alice', [
			{ status: 500, body: jsonError(500, 'Internal error, with details'), cut: 'body' },
		]);

		const result = await create(server, ['alice']);

		expectCreated(result, server, 'alice');
		expect(createsFor(context.sim, 'alice')).toHaveLength(2);
	});

	it('resets on every send fail the item after Max Retries + 1 sends, saying the connection closed', async () => {
		const server = serverFor(['alice']);
		injectForUser('alice', [{ destroy: true, times: 50 }]);

		const result = await create(server, ['alice'], { requestOptions: { maxRetries: 2 } });

		expect(result.success).toEqual([]);
		const failed = errorJson(result.errorOutput[0]);
		expect(failed.error).toBe('The connection to Composio closed before it answered');
		expect(failed.httpCode).toBeNull();
		expect(createsFor(context.sim, 'alice')).toHaveLength(3);
		expect(sleeps.waits).toHaveLength(2);
		expectBackoffs(sleeps.waits);
		expect(context.sim.instancesOf(server.id)).toEqual([]);
	});

	it('with stopWorkflow, a lost answer still ends the run successfully with the instance', async () => {
		const server = serverFor(['alice']);
		injectForUser('alice', [{ loseAnswer: true }]);

		const result = await create(server, ['alice'], { onError: 'stopWorkflow' });

		expect(result.status).toBe('success');
		expect(result.success.map((item) => item.json)).toEqual([
			instanceOf(context.sim, server.id, 'alice'),
		]);
		expect(context.sim.createCount(server.id, 'alice')).toBe(1);
	});
});

describe('malformed JSON', () => {
	it('a 201 with broken JSON from a proxy (nothing created): retried, created once', async () => {
		const server = serverFor(['alice']);
		injectForUser('alice', [{ status: 201, body: '{"id": "5b6f", "instance_id": "alice", ' }]);

		const result = await create(server, ['alice']);

		expectCreated(result, server, 'alice');
		expect(createsFor(context.sim, 'alice')).toHaveLength(2);
		expectBackoffs(sleeps.waits);
	});

	it('Composio’s own 201, mangled on the way: the item ends on the success output, created once', async () => {
		const server = serverFor(['alice']);
		injectForUser('alice', [{ passThrough: true, garble: true }]);

		const result = await create(server, ['alice']);

		expectCreated(result, server, 'alice');
		expect(createsFor(context.sim, 'alice')).toHaveLength(2);
		expect(context.sim.requests.filter(isList)).toHaveLength(1);
	});

	it('broken JSON on every send fails the item after Max Retries + 1 sends', async () => {
		const server = serverFor(['alice']);
		injectForUser('alice', [{ status: 201, body: '{"id": ', times: 50 }]);

		const result = await create(server, ['alice'], { requestOptions: { maxRetries: 1 } });

		const failed = errorJson(result.errorOutput[0]);
		expect(failed.error).toMatch(/not valid JSON/);
		expect(failed.httpCode).toBe('201');
		expect(createsFor(context.sim, 'alice')).toHaveLength(2);
		expect(sleeps.waits).toHaveLength(1);
		expect(context.sim.instancesOf(server.id)).toEqual([]);
	});
});

describe('errors that will not heal are sent exactly once', () => {
	it.each([
		[400, 'user_id must not be longer than 255 characters'],
		[401, 'Invalid API key'],
		[403, 'The user does not have connected accounts for all required auth configurations.'],
		[404, 'MCP server not found'],
		[409, 'An instance with this ID already exists for the server.'],
	])('%i', async (status, message) => {
		const server = serverFor(['alice']);
		injectForUser('alice', [{ status, body: jsonError(status, message), times: 50 }]);

		const result = await create(server, ['alice']);

		expect(result.success).toEqual([]);
		const failed = errorJson(result.errorOutput[0]);
		expect(failed.httpCode).toBe(String(status));
		expect(failed.error).toBe(message);
		expect(createsFor(context.sim, 'alice')).toHaveLength(1);
		expect(context.sim.requests).toHaveLength(1);
		expect(sleeps.waits).toEqual([]);
	});

	it('the real ones too: a wrong key (401), no connected account (403), an unknown server (404), a duplicate (409)', async () => {
		const server = serverFor(['alice', 'dave']);
		await create(server, ['dave']);
		context.sim.requests.length = 0;

		const wrongCredential = 'ak_wrong_key_0123456789';
		const wrongKey = await context.run([{ userId: 'alice' }], createInstanceParameters(server.id), {
			apiKey: wrongCredential,
			onError: 'continueErrorOutput',
		});
		const noAccount = await create(server, ['carol']);
		const noServer = await create({ ...server, id: 'no-such-server' }, ['alice']);
		const duplicate = await create(server, ['dave']);

		expect(
			[wrongKey, noAccount, noServer, duplicate].map(
				(result) => errorJson(result.errorOutput[0]).httpCode,
			),
		).toEqual(['401', '403', '404', '409']);
		expect(context.sim.requests.filter(isCreate)).toHaveLength(4);
		expect(context.sim.requests).toHaveLength(4);
		expect(sleeps.waits).toEqual([]);
	});

	it('after a transient failure, a final 403 is not retried again', async () => {
		const server = serverFor([]);
		injectForUser('nobody', [{ status: 503, body: HTML_503, contentType: 'text/html' }]);

		const result = await create(server, ['nobody']);

		expect(errorJson(result.errorOutput[0]).httpCode).toBe('403');
		expect(createsFor(context.sim, 'nobody')).toHaveLength(2);
		expect(sleeps.waits).toHaveLength(1);
	});

	it('a 409 after only 429s is a real duplicate: the item fails, nothing is looked up or created', async () => {
		// A 429 comes from the limiter before the API runs, so the instance cannot be ours.
		const server = serverFor(['alice']);
		await create(server, ['alice']);
		context.sim.requests.length = 0;
		injectForUser('alice', [tooMany('1', 2)]);

		const result = await create(server, ['alice']);

		expect(result.success).toEqual([]);
		const failed = errorJson(result.errorOutput[0]);
		expect(failed.httpCode).toBe('409');
		expect(failed.error).toMatch(/already exists/);
		expect(createsFor(context.sim, 'alice')).toHaveLength(3);
		expect(context.sim.requests.filter(isList)).toEqual([]);
		expect(sleeps.waits).toEqual([1000, 1000]);
		expect(context.sim.createCount(server.id, 'alice')).toBe(1);
	});
});

describe('many items, faults mixed', () => {
	it('each item exactly once, paired to its input, each user created at most once', async () => {
		const users = Array.from({ length: 10 }, (_, index) => `user-${index}`);
		const server = serverFor(users.filter((user) => user !== 'user-7'));
		injectForUser('user-0', [{ loseAnswer: true }]);
		injectForUser('user-1', [tooMany('2', 2)]);
		injectForUser('user-2', [{ status: 503, body: HTML_503, contentType: 'text/html', times: 9 }]);
		injectForUser('user-3', [{ passThrough: true, cut: 'body' }, { destroy: true }]);
		injectForUser('user-4', [{ passThrough: true, garble: true }]);
		injectForUser('user-5', [{ status: 400, body: jsonError(400, 'Bad user id') }]);
		injectForUser('user-6', [
			{ handle: true, status: 502, body: HTML_502, contentType: 'text/html' },
		]);

		const result = await create(server, users, { requestOptions: { concurrency: 4 } });

		expectEachItemOnce(result, users.length);
		expect(result.success.map(pairedIndex)).toEqual([0, 1, 3, 4, 6, 8, 9]);
		for (const item of result.success) {
			expect(item.json).toEqual(instanceOf(context.sim, server.id, users[pairedIndex(item)]));
		}
		expect(result.errorOutput.map(pairedIndex)).toEqual([2, 5, 7]);
		expect(result.errorOutput.map((item) => errorJson(item).httpCode)).toEqual([
			'503',
			'400',
			'403',
		]);
		expect(createsFor(context.sim, 'user-2')).toHaveLength(DEFAULTS.maxRetries + 1);
		expect(createsFor(context.sim, 'user-5')).toHaveLength(1);
		expectNoDuplicates(server, users);
		for (const user of users) {
			expect(context.sim.createCount(server.id, user)).toBe(
				['user-2', 'user-5', 'user-7'].includes(user) ? 0 : 1,
			);
		}
	});
});
