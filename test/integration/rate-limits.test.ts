/**
 * The rate gate under n8n-core's engine, in real time, against the simulator: Instance › Create at
 * its defaults for 30 users, against every limiter shape (a token bucket, one-second windows
 * aligned to the clock, one-second windows from the first request after the last expired) and
 * every kind of X-RateLimit headers (honest, absent, lying). Every user gets one instance, in
 * order, no item fails, and 429s come only where the limit first binds. (test/unit/gate-limiters
 * runs the gate alone in virtual time, test/e2e/rate-limits in a real n8n, `npm run bench` times it.)
 */
import type { RateLimit } from '../simulator';
import { createInstanceParameters } from '../engine/runWorkflow';
import { useSimulator } from '../support/simulator';

const context = useSimulator();

const USERS = 30;
const CONCURRENCY = 5;
const kinds: Array<NonNullable<RateLimit['kind']>> = ['bucket', 'window', 'firstHit'];
const modes: Array<NonNullable<RateLimit['headers']>> = ['honest', 'absent', 'lying'];

describe.each(kinds)('%s limiter, 20 requests/s', (kind) => {
	it.each(modes)(
		'%s headers: every user created once, in order, no item fails',
		async (headers) => {
			const server = context.sim.addServer();
			context.sim.setRateLimit({ perSecond: 20, kind, headers });
			const users = Array.from({ length: USERS }, (_, i) => ({ userId: `user-${i}` }));

			const result = await context.run(users, createInstanceParameters(server.id));

			expect(result.error).toBeUndefined();
			expect(result.success.map((item) => item.json.instance_id)).toEqual(
				users.map((user) => user.userId),
			);
			for (const { userId } of users) expect(context.sim.createCount(server.id, userId)).toBe(1);
			// Honest headers stop the node before the limiter must; otherwise the requests in flight
			// when the limit first binds are refused, once per window until the limit is known.
			expect(context.sim.rateLimited).toBeLessThanOrEqual(
				headers === 'honest' ? 1 : 3 * CONCURRENCY,
			);
		},
		30_000,
	);
});
