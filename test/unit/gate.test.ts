/**
 * The rate gate, on a fake clock: n8n-workflow's `sleep` advances it instead of waiting, so what
 * each request waits is exact. (test/unit/gate-limiters.test.ts runs it against every limiter.)
 */
import * as n8nWorkflow from 'n8n-workflow';

import {
	PACE_MARGIN,
	parseLimitMessage,
	parseWindow,
	RateGate,
} from '../../nodes/shared/transport/gate';
import type { AttemptOutcome } from '../../nodes/shared/transport/retry';

let clock = 0;
const waits: number[] = [];

beforeEach(() => {
	clock = 1_000_000;
	waits.length = 0;
	jest.spyOn(n8nWorkflow, 'sleep').mockImplementation(async (ms: number) => {
		// To the microsecond: paces are fractions of a millisecond apart from the clock's sums.
		waits.push(Math.round(ms * 1000) / 1000);
		clock += ms;
	});
});
afterEach(() => jest.restoreAllMocks());

const ok: AttemptOutcome = { kind: 'status', status: 201 };
const tooMany = (
	retryAfterSeconds: number,
	limit?: { limit: number; windowMs: number },
): AttemptOutcome => ({ kind: 'status', status: 429, retryAfterSeconds, limit });
const headers = (remaining: number, limit = 100, window = '1s') => ({
	'x-ratelimit': String(limit),
	'x-ratelimit-remaining': String(remaining),
	'x-ratelimit-window-size': window,
});
/** The pace for L requests per W ms. */
const pace = (limit: number, windowMs: number) =>
	Math.round((windowMs / limit) * (1 + PACE_MARGIN) * 1000) / 1000;

function gate(maxWaitMs = 60_000) {
	return new RateGate(maxWaitMs, () => clock);
}

describe('free until the limit binds', () => {
	it('requests go without waiting while nothing says the window is spent', async () => {
		const g = gate();
		for (let i = 0; i < 50; i++) g.settle(await g.pass(), ok, headers(5000 - i, 20_000, '60s'));
		expect(waits).toEqual([]);
	});

	it('believed headers: the request that would overdraw waits until W after the window’s first request, then they are paced', async () => {
		const g = gate();
		g.settle(await g.pass(), ok, headers(2, 4));
		clock += 100;
		await g.pass();
		await g.pass();
		// Spent, without a 429: the window began at the first request (or before), 1 s ago at most.
		await g.pass();
		expect(waits).toEqual([1000 - 100 + 5]);
		// This process used a quarter of the window at least: from then on one request per W/L.
		await g.pass();
		await g.pass();
		expect(waits.slice(1)).toEqual([pace(4, 1000), pace(4, 1000)]);
	});

	it('believed headers that say others spent the window: it is waited out, and requests go free again', async () => {
		const g = gate();
		g.settle(await g.pass(), ok, headers(0, 100));
		await g.pass();
		for (let i = 0; i < 10; i++) await g.pass();
		expect(waits).toEqual([1005]);
	});
});

describe('a 429 binds the limit for every request', () => {
	it('holds until W after the window’s first request and at least a second before Retry-After ends', async () => {
		const g = gate();
		const first = await g.pass();
		clock += 300;
		const refused = await g.pass();
		g.settle(first, ok, undefined);
		g.settle(refused, tooMany(3, { limit: 4, windowMs: 1000 }), undefined);
		await g.pass();
		// Retry-After 3 s (rounded up): the window ends between 2 s and 3 s from now.
		expect(waits).toEqual([2000]);
		await g.pass();
		expect(waits.at(-1)).toBe(pace(4, 1000));
	});

	it('a window that began at its first request: waits exactly W after it (Retry-After adds nothing)', async () => {
		const g = gate();
		const first = await g.pass();
		clock += 400;
		g.settle(first, ok, undefined);
		g.settle(await g.pass(), tooMany(1, { limit: 100, windowMs: 1000 }), undefined);
		await g.pass();
		expect(waits).toEqual([1000 - 400 + 5]);
	});

	it('the refused request’s own Max Wait caps its hold, not that of the run that made the gate', async () => {
		// The gate was made by a run with Max Wait 0; this run's policy gives the 429 its 3 s.
		const g = gate(0);
		const ticket = await g.pass();
		expect(g.settle(ticket, tooMany(3), undefined, 3000)).toBe(3000);
	});

	it('a caller’s Max Wait bounds its own wait for a closed gate', async () => {
		const g = gate();
		g.settle(await g.pass(), tooMany(10), undefined, 10_000);
		await g.pass(undefined, 2000);
		expect(waits).toEqual([2000]);
	});

	it('Max Wait caps the hold', async () => {
		const g = gate(10_000);
		g.settle(await g.pass(), tooMany(3600), undefined);
		await g.pass();
		expect(waits).toEqual([10_000]);
	});

	it('with nothing that names the limit: one 429 is waited out, and paced by once two windows agree on it', async () => {
		const g = gate();
		/** A window: `passed` requests get through, the next one is refused (Retry-After 2 s). */
		const window = async (passed: number) => {
			const sent = [];
			for (let i = 0; i <= passed; i++) sent.push(await g.pass());
			for (const ticket of sent.slice(0, passed)) g.settle(ticket, ok, undefined);
			g.settle(sent[passed], tooMany(2), undefined);
		};
		await window(3);
		// A stray 429 slows nothing down: after its wait, requests go free again.
		await window(3);
		expect(waits).toEqual([2000]);
		// Two windows in a row let 3 through in 2 s: paced by that from now on.
		await g.pass();
		await g.pass();
		expect(waits).toEqual([2000, 2000, pace(3, 2000)]);
	});

	it('the refusals of requests sent before the limit bound say nothing more', async () => {
		const g = gate();
		const sent = [await g.pass(), await g.pass(), await g.pass(), await g.pass()];
		g.settle(sent[0], ok, undefined);
		g.settle(sent[1], tooMany(1, { limit: 4, windowMs: 1000 }), undefined);
		g.settle(sent[2], tooMany(1), undefined);
		g.settle(sent[3], tooMany(1), undefined);
		await g.pass();
		await g.pass();
		expect(waits).toEqual([1000, pace(4, 1000)]);
	});
});

describe('headers that a 429 contradicts change nothing', () => {
	it('a 429 whose X-RateLimit-Remaining says plenty is left: the headers are not believed again', async () => {
		const g = gate();
		const lie = {
			'x-ratelimit': '10000',
			'x-ratelimit-remaining': '9999',
			'x-ratelimit-window-size': '1s',
		};
		g.settle(await g.pass(), ok, lie);
		g.settle(await g.pass(), tooMany(1, { limit: 4, windowMs: 1000 }), lie);
		await g.pass();
		// Paced by the 429's limit (4 per second), not the headers' (10,000).
		await g.pass();
		expect(waits).toEqual([1000, pace(4, 1000)]);
	});

	it('not believed, a Remaining of 0 does not stop requests either', async () => {
		const g = gate();
		// Nothing names the limit and nothing got through: a wait for Retry-After, then free again.
		g.settle(await g.pass(), tooMany(1), headers(50));
		for (let i = 0; i < 5; i++) g.settle(await g.pass(), ok, headers(0));
		expect(waits).toEqual([1000]);
	});
});

describe('paced', () => {
	/** One request through, the next refused naming `limit` per second: the gate paces from then on. */
	async function paced(limit: number) {
		const g = gate();
		g.settle(await g.pass(), ok, undefined);
		g.settle(await g.pass(), tooMany(1, { limit, windowMs: 1000 }), undefined);
		return g;
	}

	it('a 429 while paced slows the pace; a window without one speeds it up again, to W/L at most', async () => {
		const g = await paced(4);
		await g.pass();
		const refused = await g.pass();
		g.settle(refused, tooMany(1), undefined);
		waits.length = 0;
		await g.pass();
		await g.pass();
		// Held one (slower) interval, then paced at it.
		expect(waits).toEqual([pace(4, 1000) * 1.25, pace(4, 1000) * 1.25]);
		clock += 1500;
		waits.length = 0;
		for (let i = 0; i < 4; i++) await g.pass();
		expect(Math.max(...waits.slice(1))).toBeCloseTo((pace(4, 1000) * 1.25) / 1.1, 2);
	});

	it('429s in a row while paced: the wait before asking again doubles, up to a window', async () => {
		const g = await paced(4);
		await g.pass();
		waits.length = 0;
		for (let i = 0; i < 5; i++) g.settle(await g.pass(), tooMany(1), undefined);
		await g.pass();
		const interval = pace(4, 1000);
		// Each refusal slows the pace by 1.25 and doubles the wait (1, 2, 4 intervals), up to a window.
		expect(waits.slice(1)).toEqual(
			[1.25, 1.25 ** 2 * 2]
				.map((factor) => Math.round(interval * factor * 1000) / 1000)
				.concat([1000, 1000, 1000]),
		);
	});

	it('idle for a window, it is free again', async () => {
		const g = await paced(4);
		const ticket = await g.pass();
		g.settle(ticket, ok, undefined);
		clock += 1001;
		waits.length = 0;
		for (let i = 0; i < 20; i++) await g.pass();
		expect(waits).toEqual([]);
	});
});

describe('parseWindow', () => {
	it.each([
		['60s', 60_000],
		['1m', 60_000],
		['500ms', 500],
		['2', 2000],
		[' 1.5 s ', 1500],
	])('%p is %p ms', (text, ms) => {
		expect(parseWindow(text)).toBe(ms);
	});

	it.each([undefined, '', 'soon', '0s', '-1s'])('%p is none', (text) => {
		expect(parseWindow(text)).toBeUndefined();
	});
});

describe('parseLimitMessage', () => {
	it.each([
		['Rate limit exceeded. Limit: 100 requests per 1 minutes', { limit: 100, windowMs: 60_000 }],
		['Rate limit exceeded. Limit: 100 requests per 1 seconds', { limit: 100, windowMs: 1000 }],
		['limit: 5 requests per 10 s', { limit: 5, windowMs: 10_000 }],
		['Limit: 3 requests per hour', { limit: 3, windowMs: 3_600_000 }],
	])('%p', (message, limit) => {
		expect(parseLimitMessage(message)).toEqual(limit);
	});

	it.each([undefined, 'Too Many Requests', 'Limit: 0 requests per 1 seconds'])(
		'%p names none',
		(message) => {
			expect(parseLimitMessage(message)).toBeUndefined();
		},
	);
});
