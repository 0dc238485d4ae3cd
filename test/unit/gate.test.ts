/**
 * The run's rate gate, on a fake clock: n8n-workflow's `sleep` advances it instead of waiting, so
 * what each request waits is exact. Headers as Composio sends them on every answer.
 */
import * as n8nWorkflow from 'n8n-workflow';

import { PROBE_MS, parseWindow, RateGate } from '../../nodes/ComposioMcp/transport/gate';
import type { AttemptOutcome } from '../../nodes/ComposioMcp/transport/retry';

let clock = 0;
const waits: number[] = [];

beforeEach(() => {
	clock = 1_000_000;
	waits.length = 0;
	jest.spyOn(n8nWorkflow, 'sleep').mockImplementation(async (ms: number) => {
		waits.push(ms);
		clock += ms;
	});
});
afterEach(() => jest.restoreAllMocks());

const ok: AttemptOutcome = { kind: 'status', status: 201 };
const tooMany = (retryAfterSeconds: number): AttemptOutcome => ({
	kind: 'status',
	status: 429,
	retryAfterSeconds,
});
const headers = (remaining: number, limit = 100, window = '1s') => ({
	'x-ratelimit': String(limit),
	'x-ratelimit-remaining': String(remaining),
	'x-ratelimit-window-size': window,
});

function gate(maxWaitMs = 60_000) {
	return new RateGate(maxWaitMs, () => clock);
}

describe('a 429 closes the gate for every request', () => {
	it('another request waits what is left of the Retry-After; the one refused waits it whole', async () => {
		const g = gate();
		const first = await g.pass();
		const second = await g.pass();
		const held = g.settle(first, tooMany(3), headers(5000, 20000, '60s'), 3000);
		expect(held).toBe(3000);
		clock += 400;
		await g.pass();
		expect(waits).toEqual([2600]);
		g.settle(second, ok, headers(4999, 20000, '60s'));
		await g.waitOut(held);
		expect(waits).toEqual([2600, 3000]);
	});

	it('Max Wait caps how long a 429 closes it', async () => {
		const g = gate(10_000);
		const ticket = await g.pass();
		expect(g.settle(ticket, tooMany(3600), undefined)).toBe(10_000);
	});

	it('without rate-limit headers, the whole Retry-After', async () => {
		const g = gate();
		const ticket = await g.pass();
		expect(g.settle(ticket, tooMany(2), undefined)).toBe(2000);
		await g.pass();
		expect(waits).toEqual([2000]);
	});
});

describe('the window the answers describe', () => {
	it('requests stop when those sent since the last answer use up what it said was left', async () => {
		const g = gate();
		const first = await g.pass();
		g.settle(first, ok, headers(2));
		await g.pass();
		await g.pass();
		// Spent, and no window start seen yet: one request goes to ask, the others wait for it.
		const probe = await g.pass();
		let waiting = true;
		const next = g.pass().then(() => (waiting = false));
		await Promise.resolve();
		expect(waiting).toBe(true);
		g.settle(probe, ok, headers(99));
		await next;
		expect(waiting).toBe(false);
		expect(waits).toEqual([]);
	});

	it('fixed windows: asks every PROBE_MS from a second before Retry-After ends, then knows where windows start and needs no 429', async () => {
		const g = gate();
		g.settle(await g.pass(), ok, headers(0));
		// The answers said the window is spent: the next request asks.
		let probe = await g.pass();
		expect(g.settle(probe, tooMany(1), headers(0))).toBe(PROBE_MS);
		await g.waitOut(PROBE_MS);
		probe = await g.pass();
		g.settle(probe, tooMany(1), headers(0));
		await g.waitOut(PROBE_MS);
		probe = await g.pass();
		// A fresh window: it began between the last 429 and now.
		g.settle(probe, ok, headers(99));
		expect(waits).toEqual([PROBE_MS, PROBE_MS]);

		// 99 left: they go, the 100th waits for the next window, with no request to ask.
		for (let i = 0; i < 99; i++) await g.pass();
		clock += 300;
		await g.pass();
		// Until the next window starts (a second after this one, plus a 5 ms margin).
		expect(waits.at(-1)).toBe(1000 - 300 + 5);
	});

	it('answers to requests sent before the next window opens do not count against it', async () => {
		const g = gate();
		g.settle(await g.pass(), ok, headers(0));
		let probe = await g.pass();
		g.settle(probe, tooMany(1), headers(0));
		await g.waitOut(PROBE_MS);
		probe = await g.pass();
		g.settle(probe, ok, headers(3));
		// Three left: three go, the fourth finds the window spent and waits for the next one...
		const late = [await g.pass(), await g.pass(), await g.pass()];
		waits.length = 0;
		const opened = g.pass();
		// ...while the three are answered (the window spent), after the wait began.
		for (const ticket of late) g.settle(ticket, ok, headers(0));
		await opened;
		// One wait, until the next window starts; not a second one for a whole window more.
		expect(waits).toHaveLength(1);
		expect(waits[0]).toBeLessThanOrEqual(1000 + 5);
		// The new window is fresh: requests go without waiting.
		await g.pass();
		await g.pass();
		expect(waits).toHaveLength(1);
	});

	it('a limit that refills gradually (the answer after the wait is no fresh window) waits out Retry-After', async () => {
		const g = gate();
		g.settle(await g.pass(), ok, headers(0));
		const probe = await g.pass();
		g.settle(probe, tooMany(1), headers(0));
		await g.waitOut(PROBE_MS);
		const next = await g.pass();
		g.settle(next, ok, headers(1));
		await g.pass();
		expect(waits).toEqual([PROBE_MS, 1000]);
	});

	it('a 429 while the answers say much is left is no window of theirs: the whole Retry-After', async () => {
		const g = gate();
		g.settle(await g.pass(), ok, headers(19_000, 20_000, '60s'));
		expect(g.settle(await g.pass(), tooMany(2), headers(19_000, 20_000, '60s'))).toBe(2000);
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
