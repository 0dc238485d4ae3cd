import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemContext } from './common';
import { readBoolean, readParameter } from './common';
import { fromOutputVersion, isVersion1 } from './version';

/**
 * n8n's Simplify parameter, on by default as n8n asks for large answers; version 1.1 on, or in
 * every version for resources that came after 1.1 (no saved workflow has their output to keep).
 */
export function simplifyField(
	resource: string,
	operation: string,
	everyVersion = false,
): INodeProperties {
	return {
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description: 'Whether to return a simplified version of the response instead of the raw data',
		displayOptions: {
			show: {
				resource: [resource],
				operation: [operation],
				...(everyVersion ? {} : fromOutputVersion),
			},
		},
	};
}

/**
 * Whether the item's output is simplified. Version 1 has no Simplify (it outputs the raw data),
 * except on resources that came after 1.1 (`everyVersion`, as in simplifyField).
 */
export function readSimplify(
	this: IExecuteFunctions,
	item: ItemContext,
	everyVersion = false,
): boolean {
	if (!everyVersion && isVersion1.call(this)) return false;
	// Absent from a saved workflow means its default: n8n does not store defaults.
	const value = readParameter.call(this, item, 'simplify', true);
	return readBoolean.call(this, value, 'Simplify', item.itemIndex);
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

/** The object cut down to these fields, in this order; a field Composio left out is null. */
function keepFields(fields: string[]): (object: IDataObject) => IDataObject {
	return (object) => Object.fromEntries(fields.map((field) => [field, object[field] ?? null]));
}

/** A server as Get, Get Many, Create and Update answer it. */
export const simplifyServer = keepFields(SERVER_FIELDS);

/**
 * A connected account, under Composio's names. `alias` (the name given at Create Link) and
 * `word_id` (Composio's short name for telling a user's accounts of one toolkit apart, as
 * multi-account sessions do) are v3.1's: null with v3. Left out: `state`, `data` and `params` (the
 * connection's credentials and settings, which may hold tokens), `test_request_endpoint` and
 * `deprecated`.
 */
export const simplifyConnectedAccount = keepFields([
	'id',
	'user_id',
	'status',
	'status_reason',
	'is_disabled',
	'toolkit',
	'auth_config',
	'alias',
	'word_id',
	'created_at',
	'updated_at',
]);

/**
 * An auth config, under Composio's names. Left out: its `credentials` and `shared_credentials`
 * (an OAuth app's client ID and secret), `uuid`, `type`, `proxy_config`, `created_by`,
 * `expected_input_fields`, `restrict_to_following_tools`, `tool_access_config` and
 * `deprecated_params`.
 */
export const simplifyAuthConfig = keepFields([
	'id',
	'name',
	'toolkit',
	'auth_scheme',
	'is_composio_managed',
	'status',
	'no_of_connections',
	'created_at',
	'last_updated_at',
]);

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
