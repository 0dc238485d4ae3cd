/**
 * Triggers as the simulator plays them: the project's one webhook subscription
 * (test/fixtures/openapi-webhook-subscriptions-v3.json), trigger types and trigger instances on
 * connected accounts (openapi-sessions-triggers-v3.json), and the events Composio sends to the
 * subscription's URL (its V3 payloads), signed as Composio signs them.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';

import { type Answer, fail, ok } from './answers';
import type { State } from './state';
import { shortId } from './state';
import type {
	AccountRecord,
	Delivery,
	DeliveryOptions,
	SubscriptionRecord,
	TriggerInstanceRecord,
	WebhookEvent,
} from './types';
import { accountView, cursorPage, list } from './views';

/** The trigger types every simulated project offers, one per toolkit of the sessions. */
export const TRIGGER_TYPES = [
	{ slug: 'GITHUB_COMMIT_EVENT', toolkit: 'github', name: 'Commit Event' },
	{ slug: 'GMAIL_NEW_GMAIL_MESSAGE', toolkit: 'gmail', name: 'New Gmail Message' },
	{ slug: 'SLACK_RECEIVE_MESSAGE', toolkit: 'slack', name: 'Receive Message' },
];

export function newSecret(): string {
	return `whsec_${randomBytes(24).toString('base64')}`;
}

/** Composio's signature: base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the secret's text. */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
	return `v1,${createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** Composio sends webhooks to public https URLs; loopback stands in for n8n in tests. */
function acceptableWebhookUrl(url: string): boolean {
	try {
		const parsed = new URL(url);
		if (parsed.protocol === 'https:') return true;
		return (
			parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)
		);
	} catch {
		return false;
	}
}

function subscriptionView(subscription: SubscriptionRecord, withSecret: boolean) {
	const { secret, ...rest } = subscription;
	return withSecret ? { ...rest, secret } : rest;
}

function triggerTypeView(type: (typeof TRIGGER_TYPES)[number]) {
	return {
		slug: type.slug,
		name: type.name,
		description: `Fires on ${type.name.toLowerCase()} in ${type.toolkit}`,
		instructions: `Connect ${type.toolkit}, then create the trigger.`,
		type: 'webhook',
		toolkit: {
			slug: type.toolkit,
			name: type.toolkit,
			logo: `https://logos.composio.dev/api/${type.toolkit}`,
		},
		config: { type: 'object', properties: {} },
		payload: { type: 'object', properties: {} },
		version: '20260101_00',
	};
}

function triggerInstanceView(instance: TriggerInstanceRecord, account: AccountRecord | undefined) {
	return {
		uuid: instance.uuid,
		id: instance.id,
		connected_account_id: instance.connected_account_id,
		trigger_name: instance.trigger_name,
		connected_account_uuid: account ? `uuid-${account.id}` : '',
		user_id: instance.user_id,
		trigger_config: instance.trigger_config,
		state: {},
		updated_at: instance.updated_at,
		disabled_at: instance.disabled_at,
		disabledAt: instance.disabled_at,
		connectedAccountId: instance.connected_account_id,
		triggerName: instance.trigger_name,
		updatedAt: instance.updated_at,
		triggerConfig: instance.trigger_config,
		deprecated: { createdAt: instance.updated_at },
	};
}

interface RouteContext {
	params: Record<string, string>;
	query: Record<string, unknown>;
	body: unknown;
	state: State;
}

const SUBSCRIPTION_NOT_FOUND = (id: string) => fail(404, `Webhook subscription not found: ${id}`);

function subscriptionById(state: State, id: string): SubscriptionRecord | undefined {
	return state.subscription?.id === id ? state.subscription : undefined;
}

export const triggerRoutes: Record<string, (ctx: RouteContext) => Answer> = {
	'POST /api/v3/webhook_subscriptions': ({ body: raw, state }) => {
		const body = raw as { webhook_url: string; enabled_events: string[]; version?: string };
		if (state.subscription) {
			return fail(
				409,
				'Subscription already exists',
				'Only one subscription is allowed per project: update or delete the existing one.',
			);
		}
		if (!acceptableWebhookUrl(body.webhook_url)) {
			return fail(400, 'webhook_url must be a valid https URL', 'Use a public https URL.');
		}
		const at = state.now();
		state.subscription = {
			id: shortId('whs'),
			webhook_url: body.webhook_url,
			version: body.version ?? 'V3',
			enabled_events: [...new Set(body.enabled_events)],
			secret: newSecret(),
			created_at: at,
			updated_at: at,
		};
		return ok(201, subscriptionView(state.subscription, true));
	},

	'GET /api/v3/webhook_subscriptions': ({ query, state }) => {
		const items = state.subscription
			? [subscriptionView(state.subscription, state.secretOnRead)]
			: [];
		const page = cursorPage(items, query.cursor, query.limit, 20);
		if (!page) return fail(400, 'Invalid cursor');
		const { slice, ...rest } = page;
		return ok(200, { items: slice, ...rest });
	},

	'GET /api/v3/webhook_subscriptions/{id}': ({ params, state }) => {
		const subscription = subscriptionById(state, params.id);
		return subscription
			? ok(200, subscriptionView(subscription, state.secretOnRead))
			: SUBSCRIPTION_NOT_FOUND(params.id);
	},

	'PATCH /api/v3/webhook_subscriptions/{id}': ({ params, body: raw, state }) => {
		const subscription = subscriptionById(state, params.id);
		if (!subscription) return SUBSCRIPTION_NOT_FOUND(params.id);
		const body = raw as { webhook_url?: string; enabled_events?: string[] };
		if (body.webhook_url !== undefined && !acceptableWebhookUrl(body.webhook_url)) {
			return fail(400, 'webhook_url must be a valid https URL', 'Use a public https URL.');
		}
		if (body.webhook_url !== undefined) subscription.webhook_url = body.webhook_url;
		if (body.enabled_events) subscription.enabled_events = [...new Set(body.enabled_events)];
		subscription.updated_at = state.now();
		return ok(200, subscriptionView(subscription, state.secretOnRead));
	},

	'DELETE /api/v3/webhook_subscriptions/{id}': ({ params, state }) => {
		if (!subscriptionById(state, params.id)) return SUBSCRIPTION_NOT_FOUND(params.id);
		state.subscription = undefined;
		return ok(200, { success: true });
	},

	'POST /api/v3/webhook_subscriptions/{id}/rotate_secret': ({ params, state }) => {
		const subscription = subscriptionById(state, params.id);
		if (!subscription) return SUBSCRIPTION_NOT_FOUND(params.id);
		subscription.secret = newSecret();
		subscription.updated_at = state.now();
		return ok(200, { id: subscription.id, secret: subscription.secret });
	},

	'GET /api/v3/triggers_types': ({ query }) => {
		const toolkits = list(query.toolkit_slugs);
		const items = TRIGGER_TYPES.filter(
			(type) => toolkits.length === 0 || toolkits.includes(type.toolkit),
		).map(triggerTypeView);
		const page = cursorPage(items, query.cursor, query.limit, 20);
		if (!page) return fail(400, 'Invalid cursor');
		const { slice, ...rest } = page;
		return ok(200, { items: slice, ...rest });
	},

	'GET /api/v3/triggers_types/list/enum': () =>
		ok(
			200,
			TRIGGER_TYPES.map((type) => type.slug),
		),

	'GET /api/v3/triggers_types/{slug}': ({ params }) => {
		const type = TRIGGER_TYPES.find((candidate) => candidate.slug === params.slug);
		return type
			? ok(200, triggerTypeView(type))
			: fail(404, `Trigger type ${params.slug} not found`);
	},

	'POST /api/v3/trigger_instances/{slug}/upsert': ({ params, body: raw, state }) => {
		const type = TRIGGER_TYPES.find((candidate) => candidate.slug === params.slug);
		if (!type) return fail(404, `Trigger type ${params.slug} not found`);
		const body = raw as { connected_account_id?: string; trigger_config?: Record<string, unknown> };
		const account = state.accounts.find((candidate) => candidate.id === body.connected_account_id);
		if (!account) {
			return fail(400, `Connected account ${String(body.connected_account_id)} not found`);
		}
		if (account.toolkit !== type.toolkit) {
			return fail(
				400,
				`Trigger ${type.slug} needs a ${type.toolkit} account, not ${account.toolkit}`,
			);
		}
		const existing = [...state.triggerInstances.values()].find(
			(instance) =>
				instance.trigger_name === type.slug && instance.connected_account_id === account.id,
		);
		const instance: TriggerInstanceRecord = existing ?? {
			id: shortId('ti'),
			uuid: randomUUID(),
			trigger_name: type.slug,
			connected_account_id: account.id,
			user_id: account.user_id,
			trigger_config: {},
			disabled_at: null,
			updated_at: state.now(),
		};
		instance.trigger_config = body.trigger_config ?? instance.trigger_config;
		instance.disabled_at = null;
		instance.updated_at = state.now();
		state.triggerInstances.set(instance.id, instance);
		return ok(200, { trigger_id: instance.id, deprecated: { uuid: instance.uuid } });
	},

	'GET /api/v3/trigger_instances/active': ({ query, state }) => {
		const ids = list(query.trigger_ids);
		const accounts = list(query.connected_account_ids);
		const names = list(query.trigger_names);
		const items = [...state.triggerInstances.values()]
			.filter((instance) => query.show_disabled === true || instance.disabled_at === null)
			.filter((instance) => ids.length === 0 || ids.includes(instance.id))
			.filter(
				(instance) => accounts.length === 0 || accounts.includes(instance.connected_account_id),
			)
			.filter((instance) => names.length === 0 || names.includes(instance.trigger_name))
			.map((instance) =>
				triggerInstanceView(
					instance,
					state.accounts.find((account) => account.id === instance.connected_account_id),
				),
			);
		const page = cursorPage(items, query.cursor, query.limit, 20);
		if (!page) return fail(400, 'Invalid cursor');
		const { slice, ...rest } = page;
		return ok(200, { items: slice, ...rest });
	},

	'PATCH /api/v3/trigger_instances/manage/{triggerId}': ({ params, body: raw, state }) => {
		const instance = state.triggerInstances.get(params.triggerId);
		if (!instance) return fail(404, `Trigger instance ${params.triggerId} not found`);
		const { status } = raw as { status: 'enable' | 'disable' };
		instance.disabled_at = status === 'disable' ? state.now() : null;
		instance.updated_at = state.now();
		return ok(200, { status: 'success' });
	},

	'DELETE /api/v3/trigger_instances/manage/{triggerId}': ({ params, state }) => {
		if (!state.triggerInstances.delete(params.triggerId)) {
			return fail(404, `Trigger instance ${params.triggerId} not found`);
		}
		return ok(200, { trigger_id: params.triggerId });
	},
};

const PROJECT = { project_id: 'pr_simulated', org_id: 'ok_simulated' };

export function triggerMessageEvent(
	state: State,
	instance: TriggerInstanceRecord,
	data: unknown,
): WebhookEvent {
	const account = state.accounts.find(
		(candidate) => candidate.id === instance.connected_account_id,
	);
	return {
		id: shortId('msg'),
		type: 'composio.trigger.message',
		timestamp: new Date().toISOString(),
		metadata: {
			log_id: shortId('log'),
			trigger_slug: instance.trigger_name,
			trigger_id: instance.id,
			connected_account_id: instance.connected_account_id,
			auth_config_id: account?.auth_config_id ?? '',
			user_id: instance.user_id,
		},
		data,
	};
}

/** The account expires (its status changes) and the event carries it as GET would show it. */
export function accountExpiredEvent(state: State, account: AccountRecord): WebhookEvent {
	state.setStatus(account, 'EXPIRED', 'The refresh token was revoked');
	return {
		id: shortId('msg'),
		type: 'composio.connected_account.expired',
		timestamp: new Date().toISOString(),
		metadata: { ...PROJECT },
		data: accountView(state, account),
	};
}

/** Composio disables a trigger instance (its account went away, say) and says so. */
export function triggerDisabledEvent(
	state: State,
	instance: TriggerInstanceRecord,
	reason: string,
): WebhookEvent {
	instance.disabled_at = state.now();
	return {
		id: shortId('msg'),
		type: 'composio.trigger.disabled',
		timestamp: new Date().toISOString(),
		metadata: { ...PROJECT },
		data: {
			id: instance.id,
			connected_account_id: instance.connected_account_id,
			trigger_name: instance.trigger_name,
			user_id: instance.user_id,
			trigger_config: instance.trigger_config,
			disabled_at: instance.disabled_at,
			disabled_reason: reason,
		},
	};
}

/** What a delivery carries: Composio's headers, signed, and the body as sent. */
export function signedDelivery(
	event: WebhookEvent,
	secret: string,
	options: Omit<DeliveryOptions, 'url' | 'secret'> = {},
): { headers: Record<string, string>; rawBody: string } {
	const rawBody = JSON.stringify(event);
	const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
	const signature =
		options.signature === undefined
			? sign(secret, event.id, timestamp, rawBody)
			: options.signature;
	return {
		headers: {
			'content-type': 'application/json',
			'webhook-id': event.id,
			'webhook-timestamp': String(timestamp),
			...(signature === null ? {} : { 'webhook-signature': signature }),
			'x-composio-webhook-version': 'V3',
			'x-composio-delivery-attempt': String(options.attempt ?? 1),
		},
		rawBody,
	};
}

/** One delivery of an event to a URL, with Composio's headers. */
export async function deliver(
	event: WebhookEvent,
	subscription: SubscriptionRecord | undefined,
	options: DeliveryOptions = {},
): Promise<Delivery> {
	const url = options.url ?? subscription?.webhook_url;
	const secret = options.secret ?? subscription?.secret;
	if (!url || secret === undefined) throw new Error('no subscription to deliver to');
	const { headers, rawBody } = signedDelivery(event, secret, options);
	const response = await fetch(url, { method: 'POST', headers, body: rawBody });
	return { status: response.status, body: await response.text(), attempt: options.attempt ?? 1 };
}
