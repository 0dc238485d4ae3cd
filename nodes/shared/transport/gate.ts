/**
 * One rate gate per Composio organisation in an n8n process, shared by every run of every
 * workflow there (many executions at once on a worker in queue mode). Composio limits requests
 * per organisation, L requests per window of W; past the limit it answers 429 with a Retry-After
 * in whole seconds and says "Limit: L requests per W". Limiters differ in where windows start
 * (aligned to the clock, or at the first request after the last window expired) and in whether
 * they refill gradually (a token bucket); headers may be honest, stripped by a proxy, or about
 * another limit. The gate assumes none of it:
 *
 * - Free: requests go as fast as the run sends them. While the answers' X-RateLimit-Remaining is
 *   believed, the gate stops when the requests sent since the last answer use it up.
 * - A 429 is the truth: the limit binds. Every request waits until the window it spent must have
 *   ended: W after the first request of that window (the window began then or before it), within
 *   the second before Retry-After ends (whole seconds round up). Then the gate paces:
 *   one request every W/L (plus a margin). Paced, no limiter of any shape lets fewer through: a
 *   clock-aligned window sees at most L, a window that starts at its first request ends before
 *   the L+1st, a bucket refills faster than it is drawn.
 * - A 429 while paced means the pace is too fast (another process shares the limit): it slows.
 * - Idle for a window: the limit has nothing of the gate's left; free again.
 * - A 429 whose own X-RateLimit-Remaining says requests remain proves the headers describe some
 *   other limit (or lie): from then on they change nothing. L and W come from the 429's message,
 *   else the headers while believed, else from what was seen (the requests a window let through,
 *   Retry-After for its length).
 *
 * Waits go through pause() (n8n-workflow's `sleep`, ended at once when the signal aborts), so that
 * tests record them instead of sleeping.
 */
import { pause } from '../helpers/pause';

import type { AttemptOutcome } from './retry';
import type { Headers } from './headers';
import { header } from './headers';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "60s", "1m", "500ms", "1" (seconds) as milliseconds; undefined when it is none of those. */
export function parseWindow(value: string | undefined): number | undefined {
	const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(value ?? '');
	if (!match) return undefined;
	const ms = Number(match[1]) * (UNITS[(match[2] ?? 's').toLowerCase()] ?? 1000);
	return ms > 0 ? ms : undefined;
}

/** The limit a 429 names: "Rate limit exceeded. Limit: 100 requests per 1 minutes". */
export function parseLimitMessage(message: string | undefined): LimitSeen | undefined {
	const match =
		/limit:\s*(\d+)\s*requests?\s*per\s*(\d+(?:\.\d+)?)?\s*(ms|millisecond|second|sec|s|minute|min|m|hour|h)/i.exec(
			message ?? '',
		);
	if (!match) return undefined;
	const unit = match[3].toLowerCase();
	const ms = unit.startsWith('ms') || unit.startsWith('milli') ? 1 : (UNITS[unit[0]] ?? 1000);
	const limit = Number(match[1]);
	const windowMs = Number(match[2] ?? 1) * ms;
	return limit > 0 && windowMs > 0 ? { limit, windowMs } : undefined;
}

export interface LimitSeen {
	/** Requests per window. */
	limit: number;
	windowMs: number;
}

/** Paced, requests are spaced this much wider than W/L: late by a little rather than early. */
export const PACE_MARGIN = 0.02;

/** The slowest pace: however slow a limit, a request may go at least once a minute. */
const MAX_PACE_MS = 60_000;

/** A 429 while paced slows the pace by this factor; a window without one speeds it up again. */
const SLOW_DOWN = 1.25;
const SPEED_UP = 1.1;

/** Waited past a window's predicted end: an answer a few ms late costs less than a 429. */
const MARGIN_MS = 5;

/** A request let through by pass(), handed back to settle(). */
export interface Ticket {
	/** When it was let through. */
	sentAt: number;
	/** The window it was sent in (bumped when the limit binds): answers from older ones are stale. */
	epoch: number;
	/** What the believed headers said was left when it went (after it), if they said anything. */
	budget: number | undefined;
}

export class RateGate {
	/** Until when every request waits (ms since the epoch). */
	private closedUntil = 0;

	/** Bumped at each closing, so a request that waited knows whether it was closed again meanwhile. */
	private closings = 0;

	/** What the gate knows of the limit: from 429 messages, believed headers, or what it saw. */
	private known: Partial<LimitSeen> & {
		from?: 'message' | 'headers' | 'seen';
		/** Whether to pace by it (what was seen paces once two windows agreed on it). */
		paced?: boolean;
	} = {};

	/** What the last window seen let through, and when it ended. */
	private lastSeen: { limit: number; at: number } | undefined;

	/**
	 * Whether X-RateLimit-* are believed: not after a 429 that came while they said requests were
	 * left (until the gate is idle for a window: the limit may have been shared for a while), and
	 * never again after a 429 that itself said requests were left.
	 */
	private headersBelieved = true;

	private headersLied = false;

	/** Requests the window has left by the last believed answer, minus those sent since. */
	private budget: number | undefined;

	/** X-RateLimit-Remaining of the last believed answer (a rise says a new window began). */
	private lastRemaining: number | undefined;

	/** Paced: the time between requests; undefined while free. */
	private intervalMs: number | undefined;

	/** Paced: W/L with the margin, the fastest pace. */
	private floorMs = 0;

	/** Paced: when the pace last changed (a 429 slowed it, or a quiet window sped it up). */
	private pacedAt = 0;

	/** Paced: when the next request may go. */
	private nextSlot = 0;

	/** The window requests go into: bumped when the limit binds. */
	private epoch = 0;

	/** When the first request of the current window went (the window began then or before). */
	private windowStart: number | undefined;

	/** Requests of the current window that got through (what L is, when nothing else says). */
	private passedInWindow = 0;

	/** Paced: 429s since the last request that got through. */
	private refusedInARow = 0;

	private lastSent = Number.NEGATIVE_INFINITY;

	private inFlight = 0;

	/** The end of the latest wait: the gate's time never runs behind what it waited for. */
	private sleptUntil = 0;

	constructor(
		/** The longest a 429 may hold requests (Request Options › Max Wait). */
		private readonly maxWaitMs: number,
		private readonly clock: () => number = Date.now,
	) {}

	/**
	 * The gate's time: the clock, or the end of the latest wait if that is later (a timer that
	 * fires a millisecond early; or, in tests, a wait that is recorded rather than slept).
	 */
	private now(): number {
		return Math.max(this.clock(), this.sleptUntil);
	}

	private async sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
		const until = this.now() + ms;
		await pause(ms, signal);
		this.sleptUntil = Math.max(this.sleptUntil, until);
	}

	/** Waits until a request may be sent, and counts it as sent; settle() takes the ticket back. */
	async pass(signal?: AbortSignal, maxWaitMs = Number.POSITIVE_INFINITY): Promise<Ticket> {
		// The caller's Max Wait bounds its own wait here; the gate stays closed for the others.
		const deadline = this.now() + maxWaitMs;
		for (;;) {
			const closings = this.closings;
			const wait = Math.min(this.closedUntil, deadline) - this.now();
			if (wait > 0) {
				await this.sleep(wait, signal);
				if (this.now() >= deadline) return this.sent();
				// Closed again meanwhile (a 429 to another request): wait for that too.
				if (this.closings !== closings) continue;
				this.waitedOut();
			}
			const now = this.now();
			// Idle for a whole window (not waiting one out): nothing of the gate's counts any more.
			const idleFor = now - Math.max(this.lastSent, this.closedUntil);
			const windowMs = this.windowMs ?? (this.intervalMs === undefined ? undefined : 1000);
			if (windowMs !== undefined && idleFor > windowMs && this.inFlight === 0) {
				this.free();
			}
			if (this.intervalMs !== undefined) {
				if (this.intervalMs > this.floorMs && now - this.pacedAt > (this.windowMs ?? 1000)) {
					// A window without a 429 since the pace slowed: try a little faster.
					this.intervalMs = Math.max(this.floorMs, this.intervalMs / SPEED_UP);
					this.pacedAt = now;
				}
				const slot = Math.min(Math.max(now, this.nextSlot), deadline);
				this.nextSlot = Math.max(this.nextSlot, slot + this.intervalMs);
				if (slot > now) {
					await this.sleep(slot - now, signal);
					if (this.closings !== closings && this.now() < deadline) continue;
				}
			} else if (this.budget !== undefined && this.budget <= 0) {
				// The believed headers say the window is spent: the limit binds without a 429.
				this.bind(now);
				continue;
			} else if (this.budget !== undefined) {
				this.budget--;
			}
			return this.sent();
		}
	}

	private sent(): Ticket {
		const now = this.now();
		this.windowStart ??= now;
		this.lastSent = now;
		this.inFlight++;
		return { sentAt: now, epoch: this.epoch, budget: this.budget };
	}

	/**
	 * Takes in how an attempt ended: `headers` when there was an answer, and for a 429 the wait the
	 * retry policy gives it (Retry-After capped by Max Wait, or a backoff without one). Returns how
	 * long a refused request waits before it is sent again (see waitOut).
	 */
	settle(ticket: Ticket, outcome: AttemptOutcome, headers?: Headers, retryWaitMs?: number): number {
		this.inFlight = Math.max(0, this.inFlight - 1);
		if (outcome.kind !== 'status') return 0;
		const remaining = this.headersBelieved
			? Number(header(headers, 'x-ratelimit-remaining'))
			: Number.NaN;
		if (outcome.status === 429) {
			const now = this.now();
			this.limited(now, ticket, outcome, remaining, retryWaitMs);
			return Math.max(0, this.closedUntil - now);
		}
		if (ticket.epoch !== this.epoch) return 0;
		this.passedInWindow++;
		this.refusedInARow = 0;
		if (!this.headersBelieved) return 0;
		this.learn(
			{
				limit: Number(header(headers, 'x-ratelimit')),
				windowMs: parseWindow(header(headers, 'x-ratelimit-window-size')),
			},
			'headers',
		);
		// Sent before the window began that the answers now describe: about the window before.
		const stale = this.windowStart !== undefined && ticket.sentAt < this.windowStart;
		if (this.intervalMs === undefined && Number.isFinite(remaining) && !stale) {
			if (this.lastRemaining !== undefined && remaining > this.lastRemaining + this.inFlight + 1) {
				// More left than the last answer said, beyond what came back since: a new window
				// began, after the window's first request. It began by now at the latest.
				this.windowStart = this.now();
				this.passedInWindow = 1;
			}
			this.lastRemaining = remaining;
			this.budget = remaining - this.inFlight;
		}
		return 0;
	}

	/**
	 * For the request that got a 429: waits what settle() said, and marks the closing waited out,
	 * so that the request does not wait for it twice in pass().
	 */
	async waitOut(ms: number, signal?: AbortSignal): Promise<void> {
		const closings = this.closings;
		await this.sleep(ms, signal);
		if (this.closings === closings) this.waitedOut();
	}

	/** A closing waited out (timers may fire a millisecond early): nobody waits for it again. */
	private waitedOut(): void {
		const until = this.closedUntil;
		this.closedUntil = Math.min(until, this.now());
		// The first paced request after it may go at once.
		if (this.nextSlot <= until) this.nextSlot = Math.min(this.nextSlot, this.now());
	}

	/** The window size the gate goes by, when it knows one. */
	private get windowMs(): number | undefined {
		return this.known.windowMs;
	}

	private learn(seen: Partial<LimitSeen>, from: 'message' | 'headers' | 'seen'): void {
		const rank = { seen: 0, headers: 1, message: 2 };
		if (this.known.from !== undefined && rank[from] < rank[this.known.from]) return;
		const limit = Number.isFinite(seen.limit) && seen.limit! > 0 ? seen.limit : undefined;
		const windowMs = seen.windowMs !== undefined && seen.windowMs > 0 ? seen.windowMs : undefined;
		if (windowMs === undefined || (limit === undefined && from !== 'seen')) return;
		this.known = { limit, windowMs, from, paced: from !== 'seen' };
	}

	private limited(
		now: number,
		ticket: Ticket,
		outcome: { retryAfterSeconds?: number; limit?: LimitSeen },
		remaining: number,
		retryWaitMs: number | undefined,
	): void {
		const said = Number.isFinite(remaining) ? remaining : ticket.budget;
		if (this.headersBelieved && said !== undefined && said > 0) {
			// The limiter refused while the headers said requests were left: they are not about it
			// (or someone else spent what they said was left).
			this.headersBelieved = false;
			this.headersLied = Number.isFinite(remaining);
			if (this.known.from === 'headers') this.known = {};
		}
		if (outcome.limit) this.learn(outcome.limit, 'message');
		// The run's policy: Retry-After capped by its Max Wait, or a backoff without one.
		const asked =
			outcome.retryAfterSeconds === undefined ? undefined : outcome.retryAfterSeconds * 1000;
		const ms = retryWaitMs ?? Math.min(this.maxWaitMs, asked ?? 1000);
		const retryAfter: RetryAfter = { ms, rounded: ms === asked };
		// A stale 429 (sent in a window that has already ended) says nothing about the current one.
		if (ticket.epoch !== this.epoch) return;
		if (this.intervalMs !== undefined) {
			// Paced, and still refused: the limit is shared, or a clock-aligned window ended a little
			// later than the gate thought. Slow down, and ask again after a wait that doubles while
			// the refusals go on, up to a window (within what Retry-After allows).
			this.intervalMs = Math.min(MAX_PACE_MS, this.intervalMs * SLOW_DOWN);
			// A limit named only now (the headers it paced by were about another): paced by it.
			if (outcome.limit && this.known.from === 'message') {
				this.floorMs = paceOf(outcome.limit.windowMs, outcome.limit.limit);
				this.intervalMs = Math.max(this.intervalMs, this.floorMs);
			}
			this.pacedAt = now;
			const backoff = Math.min(this.windowMs ?? 1000, this.intervalMs * 2 ** this.refusedInARow);
			this.refusedInARow++;
			this.closeUntil(now + within(backoff, retryAfter));
			this.nextSlot = this.closedUntil;
			this.newWindow();
			return;
		}
		if (this.known.from === undefined || this.known.from === 'seen') this.seen(now, retryAfter.ms);
		this.bind(now, retryAfter);
	}

	/**
	 * Nothing names the limit: what this window let through, and Retry-After for its length. Paced
	 * by only once two windows in a row agree on it, so that one stray 429 slows nothing down.
	 */
	private seen(now: number, retryAfterMs: number): void {
		const limit = this.passedInWindow;
		const windowMs = Math.max(retryAfterMs, 1000);
		const before = this.lastSeen;
		this.lastSeen = { limit, at: now };
		const agree =
			before !== undefined &&
			now - before.at <= 2 * windowMs + MARGIN_MS &&
			Math.abs(limit - before.limit) <= 0.2 * Math.max(limit, before.limit);
		this.learn({ limit: agree ? Math.min(limit, before.limit) : undefined, windowMs }, 'seen');
		if (agree) this.known.paced = true;
	}

	/**
	 * The limit binds at `now`: wait out the window just spent, then pace, at a limit something
	 * named (a 429's message, believed headers) or two windows agreed on, when this process itself
	 * used a good part of the window (a quarter: a stray 429, or a window others spent, is only
	 * waited out).
	 */
	private bind(now: number, retryAfter?: RetryAfter): void {
		const { windowMs } = this;
		const { limit, paced } = this.known;
		const start = this.windowStart ?? now;
		// A window length only guessed from one Retry-After says nothing of where the window ends.
		// More requests through than a window allows crossed into a window that began after the
		// first of them, by now at the latest: it ends a window from now at the latest.
		const guessed = this.known.from === 'seen' && !paced;
		const crossed = limit !== undefined && this.passedInWindow > limit;
		const spent =
			windowMs === undefined || guessed
				? undefined
				: (crossed ? now : start) + windowMs + MARGIN_MS - now;
		const wait =
			retryAfter === undefined ? (spent ?? 0) : within(spent ?? retryAfter.ms, retryAfter);
		// Retry-After is capped by the refused request's own Max Wait already (`within`).
		this.closeUntil(now + wait);
		if (
			windowMs !== undefined &&
			limit !== undefined &&
			paced &&
			this.passedInWindow >= limit / 4
		) {
			this.floorMs = paceOf(windowMs, limit);
			this.intervalMs = this.floorMs;
			this.pacedAt = now;
			this.nextSlot = this.closedUntil;
		}
		this.newWindow();
	}

	private newWindow(): void {
		this.epoch++;
		this.windowStart = undefined;
		this.passedInWindow = 0;
		this.budget = undefined;
		this.lastRemaining = undefined;
	}

	/** Back to sending freely (the gate was idle for a window). */
	private free(): void {
		this.intervalMs = undefined;
		this.headersBelieved = !this.headersLied;
		this.newWindow();
	}

	private closeUntil(until: number): void {
		// A closing already over (a window that ended before the 429 came) holds nobody.
		if (until <= Math.max(this.closedUntil, this.now())) return;
		this.closedUntil = until;
		this.closings++;
	}
}

/** The wait a 429 asked for: Retry-After (whole seconds, rounded up), or the policy's backoff. */
interface RetryAfter {
	ms: number;
	rounded: boolean;
}

/**
 * A wait of `ms`, moved into what the 429 allows: a Retry-After in whole seconds rounded up says
 * the window ends in its last second; without one, the policy's backoff is all there is to go by.
 */
function within(ms: number, retryAfter: RetryAfter): number {
	if (!retryAfter.rounded) return retryAfter.ms;
	return Math.min(Math.max(ms, retryAfter.ms - 1000), retryAfter.ms);
}

/** The time between paced requests for `limit` per `windowMs`, with the margin. */
function paceOf(windowMs: number, limit: number): number {
	return Math.min(MAX_PACE_MS, (windowMs / limit) * (1 + PACE_MARGIN));
}

/** The gates of this process, one per organisation (a Base URL and an API key, hashed). */
const gates = new Map<string, RateGate>();

/** The process's gate for an organisation; `key` identifies it without holding the API key. */
export function rateGateFor(key: string, maxWaitMs: number): RateGate {
	let gate = gates.get(key);
	if (!gate) {
		gate = new RateGate(maxWaitMs);
		gates.set(key, gate);
	}
	return gate;
}

/** Forgets every gate: for tests, so that one test's rate limit does not hold the next. */
export function forgetRateGates(): void {
	gates.clear();
}
