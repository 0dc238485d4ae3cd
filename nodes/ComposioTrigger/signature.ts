/**
 * Composio's webhook signature, as its SDK's verifyWebhookSignature checks it: base64
 * HMAC-SHA256 of `${webhook-id}.${webhook-timestamp}.${raw body}`, keyed with the secret's text,
 * sent as `v1,<signature>` (several may be space-separated). A `whsec_` secret is also tried
 * base64-decoded, as Standard Webhooks keys are.
 */
import { createHmac, timingSafeEqual } from 'crypto';

/** How far a delivery's timestamp may be from now, either way. */
export const TOLERANCE_SECONDS = 300;

export interface SignedDelivery {
	id: string | undefined;
	timestamp: string | undefined;
	signature: string | undefined;
	rawBody: Buffer;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

function keysOf(secret: string): Buffer[] {
	const keys = [Buffer.from(secret, 'utf8')];
	if (secret.startsWith('whsec_')) {
		const decoded = Buffer.from(secret.slice('whsec_'.length), 'base64');
		if (decoded.length > 0) keys.push(decoded);
	}
	return keys;
}

export function verifySignature(
	delivery: SignedDelivery,
	secret: string,
	nowSeconds: number,
): Verdict {
	const { id, timestamp, signature, rawBody } = delivery;
	if (!id || !timestamp || !signature) {
		return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature' };
	}
	if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed webhook-timestamp' };
	if (Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) {
		return { ok: false, reason: `webhook-timestamp more than ${TOLERANCE_SECONDS} s from now` };
	}
	const given = signature
		.split(' ')
		.map((part) => /^v1,(.+)$/.exec(part.trim())?.[1])
		.filter((value): value is string => value !== undefined)
		.map((value) => Buffer.from(value, 'base64'));
	const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), rawBody]);
	for (const key of keysOf(secret)) {
		const expected = createHmac('sha256', key).update(signed).digest();
		if (
			given.some(
				(candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected),
			)
		) {
			return { ok: true };
		}
	}
	return { ok: false, reason: 'signature does not match' };
}
