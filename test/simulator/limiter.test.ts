/** The simulator's two limiters, on explicit clocks. */
import { createLimiter } from './limiter';

describe('fixed one-second windows', () => {
	it('lets perSecond requests through per whole second, then answers Retry-After rounded up', () => {
		const limiter = createLimiter({ perSecond: 3, kind: 'window' }, 0);
		const t = 10_200;
		expect([t, t + 1, t + 2].map((now) => limiter.take(now))).toEqual([
			undefined,
			undefined,
			undefined,
		]);
		expect(limiter.headers(t + 3)).toEqual({
			'X-RateLimit': '3',
			'X-RateLimit-Remaining': '0',
			'X-RateLimit-Window-Size': '1s',
		});
		// 0.797 s are left in the window: whole seconds, rounded up.
		expect(limiter.take(t + 3)).toBe(1);
		expect(limiter.take(10_999)).toBe(1);
		// The next window starts at 11.000 s exactly, with its full count.
		expect(limiter.take(11_000)).toBeUndefined();
		expect(limiter.headers(11_000)['X-RateLimit-Remaining']).toBe('2');
	});
});

describe('token bucket', () => {
	it('refills gradually; its headers say the tokens left', () => {
		const limiter = createLimiter({ perSecond: 10, burst: 2 }, 0);
		expect(limiter.take(0)).toBeUndefined();
		expect(limiter.take(0)).toBeUndefined();
		expect(limiter.take(0)).toBe(1);
		expect(limiter.headers(0)).toEqual({
			'X-RateLimit': '2',
			'X-RateLimit-Remaining': '0',
			'X-RateLimit-Window-Size': '0.2s',
		});
		// One token after 100 ms.
		expect(limiter.take(100)).toBeUndefined();
		expect(limiter.take(100)).toBe(1);
	});
});
