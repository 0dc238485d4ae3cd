/**
 * Composio's V3 webhook events as the node's output: one flat item per event with the
 * fields a workflow routes on, whatever the event type keeps them in.
 */
import type { IDataObject } from 'n8n-workflow';

import { parseList } from '../shared/helpers/lists';

export const TRIGGER_MESSAGE = 'composio.trigger.message';
export const ACCOUNT_EXPIRED = 'composio.connected_account.expired';
export const TRIGGER_DISABLED = 'composio.trigger.disabled';

export const EVENT_OPTIONS = [
	{
		name: 'Trigger Message',
		value: TRIGGER_MESSAGE,
		description: "A connected app's event: a trigger instance fired (a new email, a new issue…)",
	},
	{
		name: 'Connected Account Expired',
		value: ACCOUNT_EXPIRED,
		description: "A user's connection expired: they need to connect the app again",
	},
	{
		name: 'Trigger Disabled',
		value: TRIGGER_DISABLED,
		description: 'Composio disabled a trigger instance (its connection went away, say)',
	},
];

export interface Filters {
	triggerSlugs: string[];
	triggerIds: string[];
	userIds: string[];
	connectedAccountIds: string[];
}

export type EventOutput = IDataObject & {
	event: string;
	triggerSlug: string | null;
	triggerId: string | null;
	userId: string | null;
	connectedAccountId: string | null;
};

function text(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

function object(value: unknown): IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: {};
}

/** The output item of a parsed event; undefined when the payload is not a Composio event. */
export function toOutput(payload: unknown, attempt: number | null): EventOutput | undefined {
	const body = object(payload);
	const event = text(body.type);
	if (!event) return undefined;
	const metadata = object(body.metadata);
	const data = object(body.data);
	const common = { event, id: text(body.id), timestamp: text(body.timestamp), attempt };

	if (event === ACCOUNT_EXPIRED) {
		return {
			...common,
			triggerSlug: null,
			triggerId: null,
			userId: text(data.user_id),
			connectedAccountId: text(data.id),
			authConfigId: text(object(data.auth_config).id),
			logId: null,
			toolkit: text(object(data.toolkit).slug),
			status: text(data.status),
			statusReason: text(data.status_reason),
			data: body.data ?? null,
		} as EventOutput;
	}
	if (event === TRIGGER_DISABLED) {
		return {
			...common,
			triggerSlug: text(data.trigger_name),
			triggerId: text(data.id),
			userId: text(data.user_id),
			connectedAccountId: text(data.connected_account_id),
			authConfigId: null,
			logId: null,
			disabledReason: text(data.disabled_reason),
			data: body.data ?? null,
		} as EventOutput;
	}
	// Trigger messages, and event types newer than this node, keep their routing in metadata.
	return {
		...common,
		triggerSlug: text(metadata.trigger_slug),
		triggerId: text(metadata.trigger_id),
		userId: text(metadata.user_id),
		connectedAccountId: text(metadata.connected_account_id),
		authConfigId: text(metadata.auth_config_id),
		logId: text(metadata.log_id),
		data: body.data ?? null,
	} as EventOutput;
}

/**
 * Whether the filters let the event through. Trigger filters apply to the events that concern a
 * trigger: an expired connection has none, so they do not hold it back.
 */
export function passesFilters(output: EventOutput, filters: Filters): boolean {
	const check = (wanted: string[], value: string | null) =>
		wanted.length === 0 || (value !== null && wanted.includes(value));
	const aboutTrigger = output.event !== ACCOUNT_EXPIRED;
	return (
		(!aboutTrigger || check(filters.triggerSlugs, output.triggerSlug)) &&
		(!aboutTrigger || check(filters.triggerIds, output.triggerId)) &&
		check(filters.userIds, output.userId) &&
		check(filters.connectedAccountIds, output.connectedAccountId)
	);
}

const FILTER_LABELS: Record<keyof Filters, string> = {
	triggerSlugs: 'Trigger Slugs',
	triggerIds: 'Trigger IDs',
	userIds: 'User IDs',
	connectedAccountIds: 'Connected Account IDs',
};

/**
 * The Filters collection as lists, read as the action node reads its lists (comma-separated
 * text or a list from an expression); or what is wrong with one of them.
 */
export function filtersOf(
	values: IDataObject,
): { ok: true; filters: Filters } | { ok: false; message: string } {
	const filters = {} as Filters;
	for (const [key, label] of Object.entries(FILTER_LABELS) as Array<[keyof Filters, string]>) {
		const parsed = parseList(values[key], `Filter ${label}`);
		if (!parsed.ok) return parsed;
		filters[key] = parsed.value;
	}
	return { ok: true, filters };
}
