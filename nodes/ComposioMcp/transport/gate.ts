/**
 * One rate gate per Composio organisation in an n8n process, shared by every run of every
 * workflow there (many executions at once on a worker in queue mode). Composio limits requests per organisation in windows,
 * says so on every answer (X-RateLimit, X-RateLimit-Remaining, X-RateLimit-Window-Size) and, past
 * the limit, answers 429 with a Retry-After in whole seconds.
 *
 * - While the answers say the window has requests left, requests go; when those sent since the last
 *   answer use them up, the gate closes for everyone, so that no request is sent only to get a 429.
 * - A 429 closes the gate for every request, not only the one that got it.
 * - Whole-second Retry-After rounds up: the window may open up to a second sooner. In windows of a
 *   known length the gate lets one request through every PROBE_MS from a second before Retry-After
 *   ends; the first that finds a fresh window marks where windows start, and from then on the gate
 *   reopens when the next window starts, with no 429 at all. A limit that refills gradually (a token
 *   bucket: the answer after the wait is not a fresh window) waits out Retry-After instead.
 * - Without rate-limit headers, a 429 closes the gate for its Retry-After.
 *
 * Waits go through n8n-workflow's `sleep`, so that tests record them instead of sleeping.
 */
import { sleep } from 'n8n-workflow';

import type { AttemptOutcome } from './retry';

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	const value =
		headers[name] ?? headers[Object.keys(headers).find((k) => k.toLowerCase() === name) ?? ''];
	return Array.isArray(value) ? value[0] : value;
}

/** "60s", "1m", "500ms", "1" (seconds) as milliseconds; undefined when it is none of those. */
export function parseWindow(value: string | undefined): number | undefined {
	const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(value ?? '');
	if (!match) return undefined;
	const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's').toLowerCase()] ?? 1000;
	const ms = Number(match[1]) * unit;
	return ms > 0 ? ms : undefined;
}

/** How often, at most, one request goes to ask whether a spent window has opened again. */
export const PROBE_MS = 100;

/** Added to a predicted window start: a request a little late costs little, one too early a 429. */
const MARGIN_MS = 5;

/** A request let through by pass(), handed back to settle(). */
export interface Ticket {
	/** Sent alone, to ask whether a spent window has opened again. */
	probe: boolean;
	/** When it was let through: an answer to a request sent before a window opened is stale. */
	sentAt: number;
}

/** What the gate last learnt of the organisation's limit. */
interface Limit {
	/** Requests per window (X-RateLimit). */
	limit?: number;
	/** Window length (X-RateLimit-Window-Size). */
	windowMs?: number;
	/** When a window is expected to start next (predicted from one seen starting). */
	nextStart?: number;
	/** The last Retry-After, for limits that refill gradually. */
	retryAfterMs: number;
}

export class RateGate {
	/** Until when the gate is closed (ms since the epoch). */
	private closedUntil = 0;

	/** Bumped at each closing, so a request that waited knows whether it was closed again meanwhile. */
	private closings = 0;

	/**
	 * Requests the window has left: the last answer's remaining count, minus the requests sent after
	 * it. Undefined when unknown (no headers yet, or a window has just opened).
	 */
	private budget: number | undefined;

	/** The remaining count of the last answer, to tell a fresh window (it jumps back up). */
	private lastRemaining: number | undefined;

	/** Whether requests are held because the window is spent, and one at a time is asking. */
	private probing = false;

	/**
	 * When the window the gate last waited for opened: answers to requests sent before it describe
	 * the spent window, not this one, and must not count against it.
	 */
	private windowOpensAt = 0;

	private readonly limit: Limit = { retryAfterMs: 1000 };

	/** The request asking while probing, and how the others wait for its answer. */
	private probe: { done: Promise<void>; end: () => void } | undefined;

	private inFlight = 0;

	/** When the budget was last read off an answer: older than a window, it says nothing. */
	private answeredAt = 0;

	constructor(
		/** The longest a 429 may close the gate (Request Options › Max Wait). */
		private readonly maxWaitMs: number,
		private readonly now: () => number = Date.now,
	) {}

	/** Waits until a request may be sent, and counts it as sent; settle() takes the ticket back. */
	async pass(signal?: AbortSignal): Promise<Ticket> {
		if (this.budget !== undefined && this.now() - this.answeredAt > (this.limit.windowMs ?? 1000)) {
			this.budget = undefined;
		}
		for (;;) {
			const closings = this.closings;
			const wait = this.closedUntil - this.now();
			if (wait > 0) {
				await sleep(wait, signal);
				// Closed again meanwhile (a 429 to another request): wait for that too.
				if (this.closings !== closings && this.closedUntil > this.now()) continue;
				// Waited out (timers may fire a millisecond early): nobody waits for it again.
				if (this.closings === closings) this.closedUntil = Math.min(this.closedUntil, this.now());
			}
			if (!this.probing && (this.budget === undefined || this.budget > 0)) break;
			if (!this.probing && this.limit.nextStart !== undefined) {
				// Spent, and the next window's start is known: everyone waits for it.
				this.windowOpensAt = this.nextWindowStart();
				this.closeUntil(this.windowOpensAt);
				this.budget = undefined;
				continue;
			}
			this.probing = true;
			if (!this.probe) {
				let end = () => {};
				const done = new Promise<void>((resolve) => (end = resolve));
				this.probe = { done, end };
				this.inFlight++;
				return { probe: true, sentAt: this.now() };
			}
			await this.probe.done;
		}
		if (this.budget !== undefined) this.budget--;
		this.inFlight++;
		return { probe: false, sentAt: this.now() };
	}

	/**
	 * Takes in how an attempt ended: `headers` when there was an answer, and for a 429 the wait the
	 * retry policy gives it (Retry-After capped by Max Wait, or a backoff without one).
	 */
	settle(ticket: Ticket, outcome: AttemptOutcome, headers?: Headers, retryWaitMs?: number): number {
		this.inFlight = Math.max(0, this.inFlight - 1);
		const limit = Number(header(headers, 'x-ratelimit'));
		if (Number.isFinite(limit) && limit > 0) this.limit.limit = limit;
		const windowMs = parseWindow(header(headers, 'x-ratelimit-window-size'));
		if (windowMs) this.limit.windowMs = windowMs;

		let wait = 0;
		if (outcome.kind === 'status' && outcome.status === 429)
			wait = this.limited(outcome, retryWaitMs);
		else if (outcome.kind === 'status') {
			this.answered(ticket, Number(header(headers, 'x-ratelimit-remaining')));
		}
		if (ticket.probe) this.endProbe();
		return wait;
	}

	/** Closes the gate after a 429; returns how long. */
	private limited(outcome: { retryAfterSeconds?: number }, retryWaitMs?: number): number {
		const retryAfterMs =
			retryWaitMs ?? Math.min(this.maxWaitMs, (outcome.retryAfterSeconds ?? 1) * 1000);
		this.limit.retryAfterMs = retryAfterMs;
		// Whether the answers had said the window was spent: then this 429 is that window's.
		const spent = this.probing || (this.budget !== undefined && this.budget <= 0);
		// A prediction that led here was wrong: learn the window's start again.
		this.limit.nextStart = undefined;
		this.budget = undefined;
		if (this.limit.windowMs === undefined || !spent) {
			this.probing = false;
			this.closeUntil(this.now() + retryAfterMs);
			return retryAfterMs;
		}
		// The window opens within the last second of Retry-After: ask from then on, one at a time.
		this.probing = true;
		const wait = Math.max(PROBE_MS, retryAfterMs - 1000);
		this.closeUntil(this.now() + wait);
		return wait;
	}

	private answered(ticket: Ticket, remaining: number): void {
		// Unknown, or what was left of a window that has ended since this request was sent.
		if (!Number.isFinite(remaining) || ticket.sentAt < this.windowOpensAt) return;
		const fresh = remaining > (this.lastRemaining ?? 0) + this.inFlight + 1;
		if (this.probing && ticket.probe) {
			this.probing = false;
			if (fresh && this.limit.windowMs !== undefined) {
				// The window opened between the last 429 and this answer: it starts about now.
				this.limit.nextStart = this.now() + this.limit.windowMs;
			} else if (!fresh) {
				// Not a fresh window but a trickle: the limit refills gradually. Let it fill.
				this.lastRemaining = remaining;
				this.budget = undefined;
				this.closeUntil(this.now() + this.limit.retryAfterMs);
				return;
			}
		}
		this.lastRemaining = remaining;
		this.budget = remaining - this.inFlight;
		this.answeredAt = this.now();
	}

	private nextWindowStart(): number {
		const { nextStart = this.now(), windowMs = 0 } = this.limit;
		let next = nextStart;
		while (windowMs > 0 && next + MARGIN_MS <= this.now()) next += windowMs;
		this.limit.nextStart = next;
		return next + MARGIN_MS;
	}

	/**
	 * For the request that got a 429: waits until the gate opens (at once when the 429 asked for no
	 * wait), and marks the closing waited out, so that the request does not wait for it twice.
	 */
	async waitOut(ms: number, signal?: AbortSignal): Promise<void> {
		const closings = this.closings;
		await sleep(ms, signal);
		if (this.closings === closings) this.closedUntil = Math.min(this.closedUntil, this.now());
	}

	private closeUntil(until: number): void {
		if (until <= this.closedUntil) return;
		this.closedUntil = until;
		this.closings++;
	}

	private endProbe(): void {
		const probe = this.probe;
		this.probe = undefined;
		probe?.end();
	}
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
