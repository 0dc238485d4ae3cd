/**
 * Composio's per-organisation rate limit, the ways limiters are built: a token bucket (refills
 * gradually), fixed windows aligned to the clock (a count per window that resets at once), and
 * fixed windows that start at the first request after the last one expired (a counter with an
 * expiry set on its first hit: the most common limiter there is). Past the limit: a bare 429 with
 * Retry-After in whole seconds, rounded up as most limiters do. Answers carry the limiter's state
 * in Composio's headers (honest), none (a proxy stripped them), or another limit's (lying: a quota
 * header beside a per-second limit, or a second limiter in front of Composio).
 */
import type { RateLimit } from './types';

export interface Limiter {
	/** Takes one request: undefined when it may pass, else the Retry-After in whole seconds. */
	take(now: number): number | undefined;
	/** X-RateLimit, X-RateLimit-Remaining, X-RateLimit-Window-Size as of now. */
	headers(now: number): Record<string, string>;
	readonly limit: RateLimit;
}

/** What lying headers say, whatever the limiter's state: plenty left of a big limit. */
export const LYING_HEADERS = {
	'X-RateLimit': '10000',
	'X-RateLimit-Remaining': '9999',
	'X-RateLimit-Window-Size': '1s',
};

class TokenBucket implements Limiter {
	private tokens: number;

	private at: number;

	constructor(
		readonly limit: RateLimit,
		now: number,
	) {
		this.tokens = this.capacity;
		this.at = now;
	}

	private get capacity() {
		return this.limit.burst ?? this.limit.perSecond;
	}

	private refill(now: number) {
		this.tokens = Math.min(
			this.capacity,
			this.tokens + ((now - this.at) / 1000) * this.limit.perSecond,
		);
		this.at = now;
	}

	take(now: number): number | undefined {
		this.refill(now);
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return undefined;
		}
		return Math.max(1, Math.ceil((1 - this.tokens) / this.limit.perSecond));
	}

	headers(now: number): Record<string, string> {
		this.refill(now);
		return {
			'X-RateLimit': String(this.capacity),
			'X-RateLimit-Remaining': String(Math.floor(this.tokens)),
			'X-RateLimit-Window-Size': `${this.capacity / this.limit.perSecond}s`,
		};
	}
}

/** perSecond requests in each whole second of the clock (windows start at .000 of each second). */
class FixedWindow implements Limiter {
	private window = -1;

	private used = 0;

	constructor(readonly limit: RateLimit) {}

	private roll(now: number) {
		const window = Math.floor(now / 1000);
		if (window !== this.window) {
			this.window = window;
			this.used = 0;
		}
	}

	take(now: number): number | undefined {
		this.roll(now);
		if (this.used < this.limit.perSecond) {
			this.used++;
			return undefined;
		}
		return Math.max(1, Math.ceil(((this.window + 1) * 1000 - now) / 1000));
	}

	headers(now: number): Record<string, string> {
		this.roll(now);
		return {
			'X-RateLimit': String(this.limit.perSecond),
			'X-RateLimit-Remaining': String(Math.max(0, this.limit.perSecond - this.used)),
			'X-RateLimit-Window-Size': '1s',
		};
	}
}

/** perSecond requests per second from the first request after the last window expired. */
class FirstHitWindow implements Limiter {
	private start = Number.NEGATIVE_INFINITY;

	private used = 0;

	constructor(readonly limit: RateLimit) {}

	private expired(now: number) {
		return now - this.start >= 1000;
	}

	take(now: number): number | undefined {
		if (this.expired(now)) {
			this.start = now;
			this.used = 0;
		}
		if (this.used < this.limit.perSecond) {
			this.used++;
			return undefined;
		}
		return Math.max(1, Math.ceil((this.start + 1000 - now) / 1000));
	}

	headers(now: number): Record<string, string> {
		const used = this.expired(now) ? 0 : this.used;
		return {
			'X-RateLimit': String(this.limit.perSecond),
			'X-RateLimit-Remaining': String(Math.max(0, this.limit.perSecond - used)),
			'X-RateLimit-Window-Size': '1s',
		};
	}
}

/** The limiter's headers as the client sees them, in the limit's header mode. */
class Presented implements Limiter {
	constructor(private readonly inner: Limiter) {}

	get limit() {
		return this.inner.limit;
	}

	take(now: number) {
		return this.inner.take(now);
	}

	headers(now: number): Record<string, string> {
		const mode = this.limit.headers ?? 'honest';
		if (mode === 'absent') return {};
		if (mode === 'lying') return { ...LYING_HEADERS };
		return this.inner.headers(now);
	}
}

export function createLimiter(limit: RateLimit, now: number): Limiter {
	const inner =
		limit.kind === 'window'
			? new FixedWindow(limit)
			: limit.kind === 'firstHit'
				? new FirstHitWindow(limit)
				: new TokenBucket(limit, now);
	return new Presented(inner);
}
