/**
 * The rate gate against every limiter the simulator has, in virtual time (Jest's fake timers: the
 * run's clock, not the machine's): N requests from C workers with a latency each, through one
 * gate, as the node sends them. Whatever the limiter's shape and whatever its headers say, every
 * request gets through, close to the limit's own bound N/R, with few 429s.
 */
import { sleep } from 'n8n-workflow';

import { parseLimitMessage, RateGate } from '../../nodes/shared/transport/gate';
import { createLimiter } from '../simulator/limiter';
import type { RateLimit } from '../simulator';

interface Drive {
	limit: RateLimit;
	requests?: number;
	concurrency?: number;
	latencyMs?: number;
	/** Whether the 429 says "Limit: N requests per 1 seconds" (Composio's does; a proxy's may not). */
	message?: boolean;
	/** Where in the clock's second the run starts (clock-aligned windows begin mid-run). */
	phaseMs?: number;
	/** Processes sharing the limit, each with its own gate and an equal share of the requests. */
	processes?: number;
}

async function drive({
	limit,
	requests = 1000,
	concurrency = 5,
	latencyMs = 20,
	message = true,
	phaseMs = 377,
	processes = 1,
}: Drive) {
	jest.useFakeTimers({ now: 1_790_000_000_000 + phaseMs });
	const limiter = createLimiter(limit, Date.now());
	const named = message
		? parseLimitMessage(`Rate limit exceeded. Limit: ${limit.perSecond} requests per 1 seconds`)
		: undefined;
	let done = 0;
	let refused = 0;
	const start = Date.now();
	const process = async () => {
		const gate = new RateGate(60_000);
		let next = 0;
		const share = requests / processes;
		const worker = async () => {
			while (next < share) {
				next++;
				for (;;) {
					const ticket = await gate.pass();
					await sleep(latencyMs / 2);
					const retryAfter = limiter.take(Date.now());
					const headers = limiter.headers(Date.now());
					await sleep(latencyMs / 2);
					if (retryAfter === undefined) {
						gate.settle(ticket, { kind: 'status', status: 201 }, headers);
						done++;
						break;
					}
					refused++;
					gate.settle(
						ticket,
						{ kind: 'status', status: 429, retryAfterSeconds: retryAfter, limit: named },
						headers,
					);
				}
			}
		};
		await Promise.all(Array.from({ length: concurrency }, worker));
	};
	let finished = false;
	void Promise.all(Array.from({ length: processes }, process)).then(() => (finished = true));
	while (!finished) await jest.advanceTimersToNextTimerAsync();
	const seconds = (Date.now() - start) / 1000;
	jest.useRealTimers();
	return { seconds, refused, done };
}

afterEach(() => jest.useRealTimers());

const KINDS = ['bucket', 'window', 'firstHit'] as const;
const MODES = ['honest', 'absent', 'lying'] as const;
/** N/R for 1,000 requests at 100 per second. */
const BOUND_S = 10;

describe.each(KINDS)('limiter %s, 1,000 requests at 100/s', (kind) => {
	describe.each(MODES)('headers %s', (headers) => {
		it.each([
			[5, true, 377],
			[50, true, 977],
			[5, false, 3],
			[50, false, 512],
		])(
			'concurrency %p, limit named in the 429: %p, run starting %p ms into a second: within 1.1 × N/R, 429s only where the limit first binds',
			async (concurrency, message, phaseMs) => {
				const result = await drive({
					limit: { perSecond: 100, kind, headers },
					concurrency,
					message,
					phaseMs,
				});
				expect(result.done).toBe(1000);
				expect(result.seconds).toBeLessThanOrEqual(1.1 * BOUND_S);
				// Honest headers stop the gate before the limit does (a bucket refilling between
				// answers may cost one); otherwise the requests in flight when the first 429 comes get
				// one each; without the limit's message, in the two windows it takes to learn it too,
				// and a bucket's windows overstate it a little.
				const refusals =
					headers === 'honest' ? 1 : concurrency * (message ? 2 : 3) + (message ? 0 : 10);
				expect(result.refused).toBeLessThanOrEqual(refusals);
			},
		);
	});
});

describe('a limit shared by two processes (queue mode: two workers)', () => {
	it.each(KINDS)('%s: every request gets through within 1.3 × N/R', async (kind) => {
		const result = await drive({ limit: { perSecond: 100, kind }, processes: 2, concurrency: 10 });
		expect(result.done).toBe(1000);
		expect(result.seconds).toBeLessThanOrEqual(1.3 * BOUND_S);
	});
});
