/**
 * When to try a request again, and how long to wait first. Pure, so the policy is unit-tested
 * without clocks: the transport feeds it what happened and sleeps for what it answers.
 */

export interface RetryPolicy {
	/** Retries after the first attempt (0 = never retry). */
	maxRetries: number;
	/** No single wait is longer than this, whatever Retry-After asks. */
	maxWaitMs: number;
	/** The first backoff; each retry doubles it, up to maxBackoffMs. */
	baseDelayMs: number;
	maxBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
	maxRetries: 3,
	maxWaitMs: 60_000,
	baseDelayMs: 500,
	maxBackoffMs: 8_000,
};

/**
 * What one attempt ended with: an answer, a network fault, or a refusal by n8n itself before
 * anything was sent (e.g. its SSRF guard), which no retry can change.
 */
export type AttemptOutcome =
	| {
			kind: 'status';
			status: number;
			retryAfterSeconds?: number;
			/** The limit a 429 names in its message ("Limit: 100 requests per 1 minutes"). */
			limit?: { limit: number; windowMs: number };
	  }
	| { kind: 'network'; code?: string; timedOut: boolean }
	| { kind: 'refused' };

/** Network faults that can pass: connections refused, dropped or timed out, DNS hiccups. */
export const TRANSIENT_NETWORK_CODES = [
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENETDOWN',
];

/** Failures that can heal on their own: rate limits, timeouts, gateways, dropped connections. */
export function isTransient(outcome: AttemptOutcome): boolean {
	if (outcome.kind === 'refused') return false;
	if (outcome.kind === 'network') return true;
	return outcome.status === 408 || outcome.status === 429 || outcome.status >= 500;
}

/**
 * Whether Composio may have acted on a request that failed this way. A 429 comes from the rate
 * limiter before the API runs and a refused connection never arrived; anything else (a 5xx, a
 * timeout, a connection dropped mid-answer) may have done its work and lost only the answer.
 */
export function mayHaveReached(outcome: AttemptOutcome): boolean {
	if (outcome.kind === 'refused') return false;
	if (outcome.kind === 'network') {
		return !['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(outcome.code ?? '');
	}
	return outcome.status !== 429;
}

/**
 * Milliseconds to wait before retry number `retry` (1-based), or undefined when the failure
 * should not be retried. 429 waits as long as Retry-After says; the rest back off exponentially
 * with jitter (between half and all of the step), so parallel items do not retry in lockstep.
 */
export function retryDelay(
	outcome: AttemptOutcome,
	retry: number,
	policy: RetryPolicy,
	random: () => number = Math.random,
): number | undefined {
	if (retry > policy.maxRetries || !isTransient(outcome)) return undefined;
	if (
		outcome.kind === 'status' &&
		outcome.status === 429 &&
		outcome.retryAfterSeconds !== undefined
	) {
		return Math.min(policy.maxWaitMs, Math.max(0, outcome.retryAfterSeconds * 1000));
	}
	const step = Math.min(policy.maxBackoffMs, policy.baseDelayMs * 2 ** (retry - 1));
	return Math.min(policy.maxWaitMs, Math.round(step * (0.5 + random() * 0.5)));
}
