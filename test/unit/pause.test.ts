/**
 * pause(): every wait of the package. n8n 1.x's `sleep(ms)` ignores an abort signal (its timer
 * runs out regardless; n8n-workflow 1.123's utils.js), n8n 2.x's ends on it. Here `sleep` is
 * replaced by 1.x's kind: the signal is never looked at, and the timer is one the test fires.
 */
import * as n8nWorkflow from 'n8n-workflow';

import { linkedController, pause } from '../../nodes/shared/helpers/pause';
import { RateGate } from '../../nodes/shared/transport/gate';

/** The pending 1.x timers, each with the ms it was asked for; fire() ends one. */
let timers: Array<{ ms: number; fire: () => void }> = [];

beforeEach(() => {
	timers = [];
	jest.spyOn(n8nWorkflow, 'sleep').mockImplementation(
		async (ms: number) =>
			await new Promise<void>((resolve) => {
				timers.push({ ms, fire: resolve });
			}),
	);
});
afterEach(() => jest.restoreAllMocks());

/** Whether the promise has settled, after the pending callbacks have run. */
async function settled(promise: Promise<unknown>): Promise<'resolved' | 'rejected' | 'pending'> {
	let state: 'resolved' | 'rejected' | 'pending' = 'pending';
	promise.then(
		() => (state = 'resolved'),
		() => (state = 'rejected'),
	);
	for (let i = 0; i < 5; i++) await Promise.resolve();
	return state;
}

describe('pause with n8n 1.x’s sleep, which ignores the signal', () => {
	it('ends when the timer does, without an abort', async () => {
		const stop = new AbortController();
		const waiting = pause(5000, stop.signal);

		expect(timers.map((timer) => timer.ms)).toEqual([5000]);
		expect(await settled(waiting)).toBe('pending');
		timers[0].fire();
		expect(await settled(waiting)).toBe('resolved');
	});

	it('rejects at once with the signal’s reason on an abort, the timer still pending', async () => {
		const stop = new AbortController();
		const waiting = pause(300_000, stop.signal);
		const reason = new Error('stopped');

		stop.abort(reason);

		await expect(waiting).rejects.toBe(reason);
		expect(timers).toHaveLength(1);
	});

	it('an abort without an Error reason rejects with an Error saying the execution was cancelled', async () => {
		const stop = new AbortController();
		const waiting = pause(1000, stop.signal);

		stop.abort('user');

		await expect(waiting).rejects.toThrow('The execution was cancelled');
	});

	it('a signal aborted before: rejects without starting a timer', async () => {
		const stop = new AbortController();
		stop.abort(new Error('already'));

		await expect(pause(1000, stop.signal)).rejects.toThrow('already');
		expect(timers).toEqual([]);
	});

	it('leaves no listener on the signal once it has ended', async () => {
		const stop = new AbortController();
		const removed = jest.spyOn(stop.signal, 'removeEventListener');
		const waiting = pause(10, stop.signal);
		timers[0].fire();
		await waiting;

		expect(removed).toHaveBeenCalledWith('abort', expect.any(Function));
	});

	it('the rate gate’s wait for a 429 ends at once on an abort', async () => {
		const gate = new RateGate(60_000);
		const stop = new AbortController();
		const tooMany = { kind: 'status', status: 429, retryAfterSeconds: 30 } as const;
		const held = gate.settle(await gate.pass(), tooMany, undefined, 30_000);
		expect(held).toBeGreaterThan(0);
		const waiting = gate.waitOut(held, stop.signal);
		const passing = gate.pass(stop.signal);

		stop.abort(new Error('stopped'));

		await expect(waiting).rejects.toThrow('stopped');
		await expect(passing).rejects.toThrow('stopped');
	});
});

describe('linkedController', () => {
	it('aborts with its parent, with the parent’s reason; unlinked, it no longer follows', () => {
		const parent = new AbortController();
		const { controller } = linkedController(parent.signal);
		const reason = new Error('cancelled');

		parent.abort(reason);
		expect(controller.signal.reason).toBe(reason);

		const other = new AbortController();
		const unlinked = linkedController(other.signal);
		unlinked.unlink();
		other.abort();
		expect(unlinked.controller.signal.aborted).toBe(false);
	});

	it('a parent aborted before: aborted at once; no parent: aborts only by itself', () => {
		const parent = new AbortController();
		parent.abort(new Error('before'));

		expect(linkedController(parent.signal).controller.signal.aborted).toBe(true);
		expect(linkedController(undefined).controller.signal.aborted).toBe(false);
	});
});
