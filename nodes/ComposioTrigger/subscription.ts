/**
 * Managed mode: the project's one webhook subscription (Composio allows one per project) is
 * pointed at this node on activation and given back on deactivation. The node never takes over a
 * subscription that points elsewhere unless the user ticked Replace, and then remembers what it
 * replaced so that deactivation restores it. What it set up is kept in the node's static data.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ComposioClient } from '../ComposioMcp/transport';
import { settle } from '../ComposioMcp/helpers/settle';
import { addDescription, buildPath } from '../ComposioMcp/transport';

/** What static data keeps of the subscription this node set up. */
export interface ManagedSubscription {
	id: string;
	url: string;
	/** The signing secret, from create, a read or a rotation. */
	secret: string;
	/** True when this node created the subscription: deactivation deletes it. */
	createdHere: boolean;
	/** The URL and events of the subscription this node replaced: deactivation restores them. */
	replaced?: { url: string; events: string[] };
}

interface Subscription {
	id: string;
	webhook_url: string;
	enabled_events: string[];
	secret?: string;
}

const NEEDS_HTTPS =
	"Composio delivers only to public https URLs: set n8n's WEBHOOK_URL to the https address Composio can reach.";

function subscriptionOf(value: IDataObject): Subscription {
	return {
		id: String(value.id),
		webhook_url: String(value.webhook_url),
		enabled_events: Array.isArray(value.enabled_events) ? value.enabled_events.map(String) : [],
		secret: typeof value.secret === 'string' ? value.secret : undefined,
	};
}

/** A secret a read shows in full (Composio's references disagree on whether reads mask it). */
function usableSecret(secret: string | undefined): secret is string {
	return secret !== undefined && secret.length >= 16 && !/[*•…]|\.\.\./.test(secret);
}

function sameEvents(a: string[], b: string[]): boolean {
	return a.length === b.length && a.every((event) => b.includes(event));
}

export async function projectSubscription(
	client: ComposioClient,
): Promise<Subscription | undefined> {
	const answer = await client.request({ method: 'GET', path: '/webhook_subscriptions' });
	const items = Array.isArray(answer.items) ? (answer.items as IDataObject[]) : [];
	return items.length > 0 ? subscriptionOf(items[0]) : undefined;
}

async function secretOf(client: ComposioClient, subscription: Subscription, known?: string) {
	if (known) return known;
	if (usableSecret(subscription.secret)) return subscription.secret;
	const rotated = await client.request({
		method: 'POST',
		path: buildPath('/webhook_subscriptions/{id}/rotate_secret', { id: subscription.id }),
	});
	return String(rotated.secret);
}

async function update(
	client: ComposioClient,
	id: string,
	body: { webhook_url?: string; enabled_events?: string[] },
): Promise<void> {
	const updated = await settle(
		client.request({
			method: 'PATCH',
			path: buildPath('/webhook_subscriptions/{id}', { id }),
			body,
		}),
	);
	if (!updated.ok) throw withHttpsHint(updated.error, body.webhook_url !== undefined);
}

/** Composio answers 400 to a webhook URL it cannot deliver to: say what to change in n8n. */
function withHttpsHint(error: unknown, sentUrl: boolean): unknown {
	if (sentUrl && error instanceof NodeApiError && error.httpCode === '400') {
		addDescription(error, NEEDS_HTTPS);
	}
	return error;
}

export interface Activation {
	url: string;
	events: string[];
	replace: boolean;
	/** Listening for a test event rather than activating the workflow. */
	testing: boolean;
	/** What an earlier activation of this node set up, from static data. */
	previous: ManagedSubscription | undefined;
}

/** Points the project's subscription at this node; returns what static data is to keep. */
export async function activateSubscription(
	client: ComposioClient,
	node: INode,
	activation: Activation,
): Promise<ManagedSubscription> {
	const { url, events, replace, testing, previous } = activation;
	const existing = await projectSubscription(client);

	if (!existing) {
		const created = await settle(
			client.request({
				method: 'POST',
				path: '/webhook_subscriptions',
				body: { webhook_url: url, enabled_events: events, version: 'V3' },
				// A second create answers 409: never send it again after a lost answer.
				safeToRepeat: false,
				ifOutcomeUnknown:
					'The subscription may have been created: activate again, and the node will find it.',
			}),
		);
		if (!created.ok) throw withHttpsHint(created.error, true);
		const { value } = created;
		return { id: String(value.id), url, secret: String(value.secret), createdHere: true };
	}

	if (existing.webhook_url === url) {
		// Ours already: an earlier activation, or n8n restarting. Keep what that activation noted.
		if (!sameEvents(existing.enabled_events, events)) {
			await update(client, existing.id, { enabled_events: events });
		}
		const ownEarlier = previous?.id === existing.id ? previous : undefined;
		return {
			id: existing.id,
			url,
			secret: await secretOf(client, existing, ownEarlier?.secret),
			createdHere: ownEarlier?.createdHere ?? true,
			...(ownEarlier?.replaced ? { replaced: ownEarlier.replaced } : {}),
		};
	}

	if (!replace) {
		throw new NodeOperationError(
			node,
			`The Composio project's webhook already points at ${existing.webhook_url}`,
			{
				description: [
					"Composio sends all of a project's events to one webhook URL, and another receiver has it.",
					testing
						? 'Listening for a test event would take it over from that receiver.'
						: 'Activating this workflow would take it over from that receiver.',
					'Tick "Replace the Project\'s Webhook (Other Receivers Stop)" to take it over until this',
					'node stops (it is then given back), or use Manual mode with a webhook you route yourself.',
				].join(' '),
			},
		);
	}

	const replaced = previous?.replaced ?? {
		url: existing.webhook_url,
		events: existing.enabled_events,
	};
	await update(client, existing.id, { webhook_url: url, enabled_events: events });
	return {
		id: existing.id,
		url,
		// Read before any rotation: the receiver it goes back to keeps its secret if reads show it.
		secret: await secretOf(client, existing),
		createdHere: false,
		replaced,
	};
}

/**
 * Gives back what activation set up: restores a replaced subscription, deletes one this node
 * created. Leaves the subscription alone when it no longer points at this node (someone else
 * has it now).
 */
export async function deactivateSubscription(
	client: ComposioClient,
	managed: ManagedSubscription,
): Promise<void> {
	const existing = await projectSubscription(client);
	if (!existing || existing.id !== managed.id || existing.webhook_url !== managed.url) return;
	if (managed.replaced) {
		await update(client, existing.id, {
			webhook_url: managed.replaced.url,
			enabled_events: managed.replaced.events,
		});
		return;
	}
	if (!managed.createdHere) return;
	await client.request({
		method: 'DELETE',
		path: buildPath('/webhook_subscriptions/{id}', { id: existing.id }),
		ifAlreadyDone: {
			when: (error) => error.httpCode === '404',
			resolve: async () => ({ success: true }),
		},
	});
}
