import {
	DEFAULT_RETRY_POLICY,
	isTransient,
	mayHaveReached,
	retryDelay,
} from '../../nodes/shared/transport/retry';
import type { AttemptOutcome } from '../../nodes/shared/transport/retry';
import { toRequestSettings, toScheduling } from '../../nodes/shared/transport/settings';

const status = (code: number, retryAfterSeconds?: number): AttemptOutcome => ({
	kind: 'status',
	status: code,
	retryAfterSeconds,
});
const network = (code?: string, timedOut = false): AttemptOutcome => ({
	kind: 'network',
	code,
	timedOut,
});
const policy = { ...DEFAULT_RETRY_POLICY, maxRetries: 3, maxWaitMs: 10_000 };

describe('retryDelay', () => {
	it.each([400, 401, 403, 404, 409, 422])('never retries %p', (code) => {
		expect(retryDelay(status(code), 1, policy)).toBeUndefined();
	});

	it('waits as long as Retry-After says on a 429, capped by Max Wait', () => {
		expect(retryDelay(status(429, 2), 1, policy)).toBe(2000);
		expect(retryDelay(status(429, 0), 1, policy)).toBe(0);
		expect(retryDelay(status(429, 3600), 1, policy)).toBe(10_000);
	});

	it('backs off exponentially with jitter between half and all of each step', () => {
		const low = () => 0;
		const high = () => 0.999999;
		expect([1, 2, 3].map((n) => retryDelay(status(503), n, policy, low))).toEqual([250, 500, 1000]);
		expect([1, 2, 3].map((n) => retryDelay(status(503), n, policy, high))).toEqual([
			500, 1000, 2000,
		]);
		expect(retryDelay(network('ECONNRESET'), 1, policy, high)).toBe(500);
		expect(retryDelay(status(429), 1, policy, high)).toBe(500);
	});

	it('caps the backoff step and the wait', () => {
		const many = { ...policy, maxRetries: 20, maxWaitMs: 60_000 };
		expect(retryDelay(status(500), 10, many, () => 0.999999)).toBe(many.maxBackoffMs);
		expect(retryDelay(status(500), 2, { ...policy, maxWaitMs: 300 }, () => 0.999999)).toBe(300);
	});

	it('stops after Max Retries', () => {
		expect(retryDelay(status(503), 3, policy)).toEqual(expect.any(Number));
		expect(retryDelay(status(503), 4, policy)).toBeUndefined();
		expect(retryDelay(status(429, 1), 1, { ...policy, maxRetries: 0 })).toBeUndefined();
	});
});

describe('isTransient and mayHaveReached', () => {
	it.each([
		[status(408), true, true],
		[status(429, 1), true, false],
		[status(500), true, true],
		[status(503), true, true],
		[network('ECONNRESET'), true, true],
		[network('ETIMEDOUT', true), true, true],
		[network('ECONNREFUSED'), true, false],
		[network(undefined, true), true, true],
		[{ kind: 'refused' } as AttemptOutcome, false, false],
		[status(404), false, true],
	])('%p: transient %p, may have reached %p', (outcome, transient, reached) => {
		expect(isTransient(outcome)).toBe(transient);
		expect(mayHaveReached(outcome)).toBe(reached);
	});
});

describe('Request Options', () => {
	it('defaults: 60 s timeout, 3 retries, 60 s max wait, concurrency 5, no interval', () => {
		expect(toRequestSettings({})).toEqual({
			timeoutMs: 60_000,
			retry: { ...DEFAULT_RETRY_POLICY, maxRetries: 3, maxWaitMs: 60_000 },
		});
		expect(toScheduling(undefined)).toEqual({ concurrency: 5, batchIntervalMs: 0 });
	});

	it('reads and bounds what the user set', () => {
		const settings = toRequestSettings({ timeout: 5, maxRetries: 99, maxWait: 2.5 });
		expect(settings.timeoutMs).toBe(5000);
		expect(settings.retry.maxRetries).toBe(10);
		expect(settings.retry.maxWaitMs).toBe(2500);
		expect(toRequestSettings({ timeout: 0, maxRetries: -1 })).toMatchObject({
			timeoutMs: 1000,
			retry: { maxRetries: 0 },
		});
		expect(toScheduling({ concurrency: 0, batchInterval: 250 })).toEqual({
			concurrency: 1,
			batchIntervalMs: 250,
		});
		expect(toScheduling({ concurrency: 'x' })).toEqual({ concurrency: 5, batchIntervalMs: 0 });
	});
});
