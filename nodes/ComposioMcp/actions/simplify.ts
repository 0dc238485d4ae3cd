import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemContext } from './common';
import { invalidInput, readParameter } from './common';
import { fromOutputVersion, isVersion1 } from './version';

/** n8n's Simplify parameter, on by default as n8n asks for large answers; version 1.1 on. */
export function simplifyField(resource: string, operation: string): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description: 'Whether to return a simplified version of the response instead of the raw data',
		displayOptions: {
			show: { resource: [resource], operation: [operation], ...fromOutputVersion },
		},
	};
}

/** Whether the item's output is simplified. Version 1 has no Simplify: it outputs the raw data. */
export function readSimplify(this: IExecuteFunctions, item: ItemContext): boolean {
	if (isVersion1.call(this)) return false;
	// Absent from a saved workflow means its default: n8n does not store defaults.
	const value = readParameter.call(this, item, 'simplify', true);
	if (typeof value === 'boolean') return value;
	// An expression may give the text "false", which Boolean() would read as on.
	const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
	if (text === 'true' || text === 'false') return text === 'true';
	throw invalidInput.call(
		this,
		`Simplify must be true or false, got ${JSON.stringify(value) ?? String(value)}`,
		item.itemIndex,
	);
}

/**
 * What a workflow uses of a server, most used first, under Composio's own names so that an
 * expression reading one works with Simplify on or off. Left out: `commands` and `toolkit_icons`
 * (setup commands and logos for people), `deleted` (always false on an answer that has it).
 */
const SERVER_FIELDS = [
	'id',
	'name',
	'toolkits',
	'auth_config_ids',
	'allowed_tools',
	'mcp_url',
	'server_instance_count',
	'managed_auth_via_composio',
	'created_at',
	'updated_at',
];

/** A server as Get, Get Many, Create and Update answer it; a field Composio left out is null. */
export function simplifyServer(server: IDataObject): IDataObject {
	return Object.fromEntries(SERVER_FIELDS.map((field) => [field, server[field] ?? null]));
}

/**
 * A session as sessionOutput gives it, flattened: `sessionId` and `mcpUrl` stay on top and the
 * config's fields a workflow acts on come up beside them (named like the node's own fields); the
 * meta tool list and the tool, tag and workbench settings are left out.
 */
export function simplifySession(session: IDataObject): IDataObject {
	const config = (session.config ?? {}) as IDataObject;
	const toolkits = (config.toolkits ?? {}) as IDataObject;
	const connections = (config.manage_connections ?? {}) as IDataObject;
	return {
		sessionId: session.sessionId ?? null,
		mcpUrl: session.mcpUrl ?? null,
		userId: config.user_id ?? null,
		enabledToolkits: toolkits.enabled ?? null,
		disabledToolkits: toolkits.disabled ?? null,
		authConfigs: config.auth_configs ?? null,
		connectedAccounts: config.connected_accounts ?? null,
		manageConnections: connections.enabled ?? null,
		callbackUrl: connections.callback_url ?? null,
	};
}
