/** The simulator's limiters and header modes, on explicit clocks. */
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

describe('fixed windows that start at the first request after the last one expired', () => {
	it('count from that request, a second long, whatever the clock says', () => {
		const limiter = createLimiter({ perSecond: 2, kind: 'firstHit' }, 0);
		expect([10_700, 10_800].map((now) => limiter.take(now))).toEqual([undefined, undefined]);
		// The window runs to 11.700 s: a clock-aligned one would have ended at 11.000 s.
		expect(limiter.take(11_100)).toBe(1);
		expect(limiter.headers(11_100)['X-RateLimit-Remaining']).toBe('0');
		expect(limiter.take(11_699)).toBe(1);
		// Expired: the next request starts a window, and nothing in between does.
		expect(limiter.headers(12_500)['X-RateLimit-Remaining']).toBe('2');
		expect(limiter.take(12_500)).toBeUndefined();
		expect(limiter.take(13_400)).toBeUndefined();
		expect(limiter.take(13_499)).toBe(1);
		expect(limiter.take(13_500)).toBeUndefined();
	});
});

describe('header modes', () => {
	it('absent: no X-RateLimit headers at all; lying: the same plenty whatever the state', () => {
		const absent = createLimiter({ perSecond: 1, kind: 'window', headers: 'absent' }, 0);
		expect(absent.take(0)).toBeUndefined();
		expect(absent.take(1)).toBe(1);
		expect(absent.headers(1)).toEqual({});
		const lying = createLimiter({ perSecond: 1, headers: 'lying' }, 0);
		expect(lying.take(0)).toBeUndefined();
		expect(lying.take(0)).toBe(1);
		expect(lying.headers(0)).toEqual({
			'X-RateLimit': '10000',
			'X-RateLimit-Remaining': '9999',
			'X-RateLimit-Window-Size': '1s',
		});
	});
});
