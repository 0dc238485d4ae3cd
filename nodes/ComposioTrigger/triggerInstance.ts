/**
 * The Trigger Instance option: the chosen trigger on a connected account is upserted on
 * activation and disabled on deactivation, but only when this node turned it on (a trigger that
 * was already running stays running: another workflow may rely on it).
 */
import type { IDataObject } from 'n8n-workflow';

import type { ComposioClient } from '../ComposioMcp/transport';
import { buildPath } from '../ComposioMcp/transport';

export interface ManagedTriggerInstance {
	id: string;
	slug: string;
	connectedAccountId: string;
	/** True when the trigger was not running before this node: deactivation disables it. */
	enabledHere: boolean;
}

export interface TriggerInstanceSetup {
	slug: string;
	connectedAccountId: string;
	config: IDataObject;
	previous: ManagedTriggerInstance | undefined;
}

async function runningBefore(
	client: ComposioClient,
	slug: string,
	connectedAccountId: string,
): Promise<boolean> {
	const answer = await client.request({
		method: 'GET',
		path: '/trigger_instances/active',
		qs: { trigger_names: slug, connected_account_ids: connectedAccountId, limit: 50 },
	});
	const items = Array.isArray(answer.items) ? (answer.items as IDataObject[]) : [];
	return items.some(
		(item) =>
			item.trigger_name === slug &&
			item.connected_account_id === connectedAccountId &&
			(item.disabled_at === null || item.disabled_at === undefined),
	);
}

export async function activateTriggerInstance(
	client: ComposioClient,
	setup: TriggerInstanceSetup,
): Promise<ManagedTriggerInstance> {
	const { slug, connectedAccountId, config, previous } = setup;
	const same =
		previous?.slug === slug && previous.connectedAccountId === connectedAccountId
			? previous
			: undefined;
	const enabledHere = same
		? same.enabledHere
		: !(await runningBefore(client, slug, connectedAccountId));
	// An upsert: sending it twice leaves one instance with this config.
	const answer = await client.request({
		method: 'POST',
		path: buildPath('/trigger_instances/{slug}/upsert', { slug }),
		body: { connected_account_id: connectedAccountId, trigger_config: config },
	});
	return { id: String(answer.trigger_id), slug, connectedAccountId, enabledHere };
}

export async function deactivateTriggerInstance(
	client: ComposioClient,
	managed: ManagedTriggerInstance,
): Promise<void> {
	if (!managed.enabledHere) return;
	await client.request({
		method: 'PATCH',
		path: buildPath('/trigger_instances/manage/{triggerId}', { triggerId: managed.id }),
		body: { status: 'disable' },
		ifAlreadyDone: { when: (error) => error.httpCode === '404', resolve: async () => ({}) },
	});
}
