/**
 * Managed mode: the project's one webhook subscription (Composio allows one per project) is
 * pointed at this node on activation and given back on deactivation. The node never takes over a
 * subscription that points elsewhere unless the user ticked Replace, and then remembers what it
 * replaced so that deactivation restores it. What it set up is kept in the node's static data.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ComposioClient } from '../shared/transport';
import { settle } from '../shared/helpers/settle';
import { addDescription, buildPath } from '../shared/transport';

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

/** The project's subscriptions (Composio allows one per project today; its changelog says more may come). */
async function projectSubscriptions(client: ComposioClient): Promise<Subscription[]> {
	const items = await client.cursorPages({ method: 'GET', path: '/webhook_subscriptions' });
	return items.map(subscriptionOf);
}

/**
 * The signing secret of a subscription of this node's own: as a read shows it (Composio's word),
 * else as this node kept it, else a new one (nobody else receives from this subscription).
 */
async function secretOf(
	client: ComposioClient,
	node: INode,
	subscription: Subscription,
	kept?: string,
): Promise<string> {
	if (usableSecret(subscription.secret)) return subscription.secret;
	if (kept) return kept;
	const rotated = await client.request({
		method: 'POST',
		path: buildPath('/webhook_subscriptions/{id}/rotate_secret', { id: subscription.id }),
	});
	const secret = typeof rotated.secret === 'string' ? rotated.secret : undefined;
	if (!usableSecret(secret)) {
		throw new NodeOperationError(node, 'Composio gave the subscription no signing secret', {
			description: 'Without it no delivery could be verified. Activate the workflow again.',
		});
	}
	return secret;
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

function elsewhere(node: INode, url: string, description: string[]): NodeOperationError {
	return new NodeOperationError(node, `The Composio project's webhook already points at ${url}`, {
		description: [
			"Composio sends all of a project's events to one webhook URL, and another receiver has it.",
			...description,
		].join(' '),
	});
}

/** Points the project's subscription at this node; returns what static data is to keep. */
export async function activateSubscription(
	client: ComposioClient,
	node: INode,
	activation: Activation,
): Promise<ManagedSubscription> {
	const { url, events, replace, testing, previous } = activation;
	const subscriptions = await projectSubscriptions(client);

	// This node's own: at its URL, or the one it set up at its old URL (n8n's address changed).
	const own =
		subscriptions.find((subscription) => subscription.webhook_url === url) ??
		subscriptions.find(
			(subscription) =>
				subscription.id === previous?.id && subscription.webhook_url === previous.url,
		);
	if (own) {
		const changes = {
			...(own.webhook_url === url ? {} : { webhook_url: url }),
			...(sameEvents(own.enabled_events, events) ? {} : { enabled_events: events }),
		};
		if (Object.keys(changes).length > 0) await update(client, own.id, changes);
		// Keep what the activation that set it up noted (n8n restarting, the workflow saved again).
		const earlier = previous?.id === own.id ? previous : undefined;
		return {
			id: own.id,
			url,
			secret: await secretOf(client, node, own, earlier?.secret),
			createdHere: earlier?.createdHere ?? true,
			...(earlier?.replaced ? { replaced: earlier.replaced } : {}),
		};
	}

	const [existing] = subscriptions;
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
		const subscription = subscriptionOf(created.value);
		return {
			id: subscription.id,
			url,
			secret: await secretOf(client, node, subscription),
			createdHere: true,
		};
	}

	if (testing) {
		throw elsewhere(node, existing.webhook_url, [
			'Listening for a test event never takes it over, even with Replace ticked: deactivate the',
			'workflow that has it while you test, or test this node with mock data.',
		]);
	}
	if (!replace) {
		throw elsewhere(node, existing.webhook_url, [
			'Tick "Replace the Project\'s Webhook (Other Receivers Stop)" to take it over until this',
			'workflow is deactivated (it is then given back), or use Manual mode with a webhook you route',
			'yourself.',
		]);
	}
	if (!usableSecret(existing.secret)) {
		// Taking it over would need a new secret, which the receiver it goes back to would not know.
		throw elsewhere(node, existing.webhook_url, [
			'Composio does not show its signing secret, so taking it over would need a new one, and that',
			'receiver could no longer verify its events once it is given back. Remove that subscription in',
			'Composio first, or use Manual mode.',
		]);
	}
	// The secret stays: the receiver it goes back to keeps verifying with it.
	await update(client, existing.id, { webhook_url: url, enabled_events: events });
	return {
		id: existing.id,
		url,
		secret: existing.secret,
		createdHere: false,
		replaced: { url: existing.webhook_url, events: existing.enabled_events },
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
	const existing = (await projectSubscriptions(client)).find(
		(subscription) => subscription.id === managed.id,
	);
	if (!existing || existing.webhook_url !== managed.url) return;
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
