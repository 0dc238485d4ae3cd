/* eslint-disable @n8n/community-nodes/require-node-api-error -- test tooling: a signup client on loopback that gives up after five sends; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * Signups as a signup service sends them to the webhook onboarding example: shared by the
 * queue-mode suite and the bench.
 */
import { randomBytes } from 'node:crypto';

import onboardingWebhook from '../../../examples/onboarding-webhook.json';

/** The node of the example that gives each signup an instance, and the server it uses. */
const WEBHOOK_NODE = 'Give the user an MCP instance';
export const SERVER_ID = (
	onboardingWebhook.nodes.find((node) => node.name === WEBHOOK_NODE)!.parameters as {
		serverId: { value: string };
	}
).serverId.value;

/** The example's production webhook path, under `/webhook/`. */
export const WEBHOOK_PATH = (
	onboardingWebhook.nodes.find((node) => node.type === 'n8n-nodes-base.webhook')!.parameters as {
		path: string;
	}
).path;

export interface Answer {
	userId: string;
	status: number;
	body: Record<string, unknown>;
	/** How many times the call was sent before it got an answer that is not a failure of n8n's. */
	sends: number;
	/** What the sends before the last got: a status and message, or a network error. */
	failures: string[];
}

/** `count` signups, `repeats` of them repeating an earlier user, shuffled. */
export function signups(prefix: string, count: number, repeats: number): string[] {
	const distinct = Array.from({ length: count - repeats }, (_, i) => `${prefix}-${i}@example.com`);
	const again = Array.from({ length: repeats }, (_, i) => distinct[(i * 7) % distinct.length]);
	const all = [...distinct, ...again];
	for (let i = all.length - 1; i > 0; i--) {
		const j = randomBytes(4).readUInt32BE() % (i + 1);
		[all[i], all[j]] = [all[j], all[i]];
	}
	return all;
}

/**
 * Posts every signup to the webhook, `inFlight` at a time, as a signup client would: a call that fails (the
 * connection, or n8n answering 5xx for an execution that did not finish) is sent again.
 */
export async function postSignups(
	url: string,
	users: string[],
	inFlight: number,
	onProgress?: (done: number) => void,
): Promise<Answer[]> {
	const answers: Answer[] = new Array(users.length);
	let next = 0;
	let done = 0;
	const worker = async () => {
		while (next < users.length) {
			const index = next++;
			const userId = users[index];
			const failures: string[] = [];
			for (let sends = 1; ; sends++) {
				try {
					const response = await fetch(url, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ userId }),
						signal: AbortSignal.timeout(90_000),
					});
					const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
					if (response.status < 500 || sends >= 5) {
						answers[index] = { userId, status: response.status, body, sends, failures };
						break;
					}
					failures.push(`${response.status} ${JSON.stringify(body).slice(0, 200)}`);
				} catch (error) {
					if (sends >= 5) throw error;
					failures.push((error as Error).message);
				}
			}
			onProgress?.(++done);
		}
	};
	await Promise.all(Array.from({ length: inFlight }, worker));
	return answers;
}
