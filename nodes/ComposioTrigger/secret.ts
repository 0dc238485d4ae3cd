/**
 * The signing secret a delivery is verified with. Managed mode keeps the subscription's secret in
 * static data. Manual mode's is the credential's Webhook Signing Secret; reading a credential in
 * n8n 2.x costs an expression isolate (its defaults are resolved in one), as much as the rest of a
 * delivery, so this process keeps what it read for a minute, and reads again at once when a
 * delivery does not verify with it (the secret was just changed).
 */
import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../shared/transport';
import type { Verdict } from './signature';

/** How long a secret read from the credential is used without reading it again. */
export const SECRET_FRESH_MS = 60_000;

/** Deliveries that do not verify read the credential again at most this often (forgeries too). */
export const REREAD_AFTER_MS = 1_000;

/** Manual mode's signing secret: the credential's Webhook Signing Secret, if one is set. */
export async function credentialSecret(
	context: IHookFunctions | IWebhookFunctions,
): Promise<string | undefined> {
	const { webhookSecret } = await context.getCredentials(CREDENTIAL_TYPE);
	return typeof webhookSecret === 'string' && webhookSecret.trim() !== ''
		? webhookSecret.trim()
		: undefined;
}

interface Read {
	/** Shared by the deliveries that arrive while it is being read. */
	secret: Promise<string | undefined>;
	at: number;
}

/** What this process read, per workflow and node. */
const lastRead = new Map<string, Read>();

/**
 * Verifies with manual mode's secret: the one read less than a minute ago, else a fresh read; when
 * the kept one does not verify, once more with a fresh read (unless it is under a second old).
 */
export async function verifyWithCredentialSecret(
	context: IWebhookFunctions,
	scope: string,
	now: number,
	verify: (secret: string | undefined) => Verdict,
): Promise<Verdict> {
	const read = (): Read => {
		const fresh = { secret: credentialSecret(context), at: now };
		lastRead.set(scope, fresh);
		// A failed read is not kept: the next delivery reads again.
		fresh.secret.catch(() => lastRead.get(scope) === fresh && lastRead.delete(scope));
		return fresh;
	};
	const kept = lastRead.get(scope);
	const current = kept && now - kept.at < SECRET_FRESH_MS ? kept : read();
	const verdict = verify(await current.secret);
	if (verdict.ok || current !== kept || now - kept.at < REREAD_AFTER_MS) return verdict;
	// Deliveries that failed at once share one fresh read (a burst of forgeries reads once).
	const latest = lastRead.get(scope);
	return verify(await (latest && latest !== kept ? latest : read()).secret);
}

/** Forgets what this process read (tests). */
export function forgetSecrets(): void {
	lastRead.clear();
}
