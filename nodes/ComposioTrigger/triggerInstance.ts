/**
 * The Create Trigger Instance option: the chosen trigger on a connected account is upserted on
 * activation and disabled on deactivation, but only when this node turned it on. A trigger that
 * was already running is used as it is and stays running: another workflow may rely on it.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ComposioClient } from '../shared/transport';
import { buildPath } from '../shared/transport';

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

/** The instance of this trigger on this account that is running now, if any. */
async function runningInstance(
	client: ComposioClient,
	slug: string,
	connectedAccountId: string,
): Promise<IDataObject | undefined> {
	const answer = await client.request({
		method: 'GET',
		path: '/trigger_instances/active',
		qs: { trigger_names: slug, connected_account_ids: connectedAccountId, limit: 50 },
	});
	const items = Array.isArray(answer.items) ? (answer.items as IDataObject[]) : [];
	return items.find(
		(item) =>
			item.trigger_name === slug &&
			item.connected_account_id === connectedAccountId &&
			(item.disabled_at === null || item.disabled_at === undefined),
	);
}

/** JSON with keys in order, so that two configs compare by content. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.entries(value as IDataObject).sort(([a], [b]) => (a < b ? -1 : 1));
		return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonical(entry)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

export async function activateTriggerInstance(
	client: ComposioClient,
	node: INode,
	setup: TriggerInstanceSetup,
): Promise<ManagedTriggerInstance> {
	const { slug, connectedAccountId, config, previous } = setup;
	const ours =
		previous?.slug === slug && previous.connectedAccountId === connectedAccountId
			? previous
			: undefined;
	if (!ours?.enabledHere) {
		const running = await runningInstance(client, slug, connectedAccountId);
		if (running) {
			// Someone else's: used as it is, never reconfigured (another workflow may rely on it).
			if (canonical(running.trigger_config ?? {}) !== canonical(config)) {
				throw new NodeOperationError(
					node,
					`Trigger ${slug} already runs for ${connectedAccountId} with another Trigger Config`,
					{
						description: `It is trigger instance ${String(running.id)}, and another workflow may rely on its config. Give the same Trigger Config here, or turn Create Trigger Instance off and filter on its Trigger ID.`,
					},
				);
			}
			return { id: String(running.id), slug, connectedAccountId, enabledHere: false };
		}
	}
	// An upsert: sending it twice leaves one instance with this config.
	const answer = await client.request({
		method: 'POST',
		path: buildPath('/trigger_instances/{slug}/upsert', { slug }),
		body: { connected_account_id: connectedAccountId, trigger_config: config },
	});
	return { id: String(answer.trigger_id), slug, connectedAccountId, enabledHere: true };
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
