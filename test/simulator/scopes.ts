/**
 * Scoped project API keys, as Composio documents them (docs/content/reference/
 * authenticating-to-composio/project-api-key-permissions.mdx in ComposioHQ/composio): a key has
 * a level per permission area, and each route needs Read or Write in one area (a few in either of
 * two). This table is the simulator's own reading of that page. It must never import the node's
 * table (nodes/shared/transport/permissions.ts): a test compares the two, and a wrong table that
 * both used would pass its own tests.
 */
import { type Answer, fail } from './answers';
import { v31Keys } from './spec-v31';

export type Area =
	| 'auth_configs'
	| 'connected_accounts'
	| 'tools'
	| 'tool_execution'
	| 'proxy_execute'
	| 'toolkits'
	| 'triggers'
	| 'webhooks'
	| 'observability'
	| 'sessions'
	| 'mcp_servers';

export type Level = 'none' | 'read' | 'write' | 'readwrite';

/** A scoped key's levels; an area left out is No access. */
export type KeyScope = Partial<Record<Area, Level>>;

export interface Permission {
	access: 'read' | 'write';
	/** Any one of them grants the route. */
	areas: Area[];
}

/** The levels Composio's dashboard offers where it does not offer all four. */
const OFFERED: Partial<Record<Area, Level[]>> = {
	tools: ['none', 'read'],
	tool_execution: ['none', 'write'],
	proxy_execute: ['none', 'write'],
	observability: ['none', 'read'],
};

const read = (...areas: Area[]): Permission => ({ access: 'read', areas });
const write = (...areas: Area[]): Permission => ({ access: 'write', areas });

/** Legacy MCP server routes: "Sessions" grants them too, for backward compatibility. */
const LEGACY: Area[] = ['mcp_servers', 'sessions'];
/** Running tools in a session: "Tool execution: write" or "Sessions: write". */
const SESSION_TOOLS: Area[] = ['tool_execution', 'sessions'];

/** Connected accounts' routes, also under /api/v3.1/ (operations of their own: spec-v31.ts). */
const CONNECTED_ACCOUNTS: Record<string, Permission> = {
	'GET /api/v3/connected_accounts': read('connected_accounts'),
	'POST /api/v3/connected_accounts': write('connected_accounts'),
	'POST /api/v3/connected_accounts/link': write('connected_accounts'),
	'GET /api/v3/connected_accounts/{nanoid}': read('connected_accounts'),
	'DELETE /api/v3/connected_accounts/{nanoid}': write('connected_accounts'),
	'PATCH /api/v3/connected_accounts/{nanoId}/status': write('connected_accounts'),
	'POST /api/v3/connected_accounts/{nanoid}/refresh': write('connected_accounts'),
};

/**
 * Every operation the simulator serves, by `METHOD template` of the spec (v3.1 maps onto v3 but
 * where v3.1 has an operation of its own).
 */
export const PERMISSIONS: Record<string, Permission> = {
	'GET /api/v3/mcp/servers': read(...LEGACY),
	'POST /api/v3/mcp/servers': write(...LEGACY),
	'POST /api/v3/mcp/servers/custom': write(...LEGACY),
	'POST /api/v3/mcp/servers/generate': write(...LEGACY),
	'GET /api/v3/mcp/{id}': read(...LEGACY),
	'PATCH /api/v3/mcp/{id}': write(...LEGACY),
	'DELETE /api/v3/mcp/{id}': write(...LEGACY),
	'GET /api/v3/mcp/app/{appKey}': read(...LEGACY),
	'GET /api/v3/mcp/servers/{serverId}/instances': read(...LEGACY),
	'POST /api/v3/mcp/servers/{serverId}/instances': write(...LEGACY),
	'DELETE /api/v3/mcp/servers/{serverId}/instances/{instanceId}': write(...LEGACY),
	'GET /api/v3/auth_configs': read('auth_configs'),
	'GET /api/v3/auth_configs/{nanoid}': read('auth_configs'),
	'POST /api/v3/auth_configs': write('auth_configs'),
	...CONNECTED_ACCOUNTS,
	...v31Keys(CONNECTED_ACCOUNTS),
	'POST /api/v3/tool_router/session': write('sessions'),
	'GET /api/v3/tool_router/session/{session_id}': read('sessions'),
	'POST /api/v3/tool_router/session/{session_id}/link': write('sessions'),
	'GET /api/v3/tool_router/session/{session_id}/toolkits': read('sessions'),
	'POST /api/v3/tool_router/session/{session_id}/execute': write(...SESSION_TOOLS),
	'POST /api/v3/tool_router/session/{session_id}/execute_meta': write(...SESSION_TOOLS),
	// Hand-made v3.1 operations (test/fixtures/session-lifecycle.schema.json).
	'POST /api/v3.1/tool_router/session': write('sessions'),
	'GET /api/v3.1/tool_router/session/{session_id}': read('sessions'),
	'PATCH /api/v3.1/tool_router/session/{session_id}': write('sessions'),
	'DELETE /api/v3.1/tool_router/session/{session_id}': write('sessions'),
	'GET /api/v3/triggers_types': read('triggers'),
	'GET /api/v3/triggers_types/list/enum': read('triggers'),
	'GET /api/v3/triggers_types/{slug}': read('triggers'),
	'GET /api/v3/trigger_instances/active': read('triggers'),
	'POST /api/v3/trigger_instances/{slug}/upsert': write('triggers'),
	'PATCH /api/v3/trigger_instances/manage/{triggerId}': write('triggers'),
	'DELETE /api/v3/trigger_instances/manage/{triggerId}': write('triggers'),
	'GET /api/v3/webhook_subscriptions': read('webhooks'),
	'POST /api/v3/webhook_subscriptions': write('webhooks'),
	'GET /api/v3/webhook_subscriptions/{id}': read('webhooks'),
	'PATCH /api/v3/webhook_subscriptions/{id}': write('webhooks'),
	'DELETE /api/v3/webhook_subscriptions/{id}': write('webhooks'),
	'POST /api/v3/webhook_subscriptions/{id}/rotate_secret': write('webhooks'),
};

/**
 * The MCP endpoints the simulator serves (not in the spec): a session's (Composio's doc: GET
 * reads, POST and DELETE write, "Sessions" only) and a legacy server's (POST and DELETE write,
 * either area; a GET is taken as a read).
 */
export function mcpPermission(method: string, path: string): Permission {
	const access = method === 'GET' ? 'read' : 'write';
	const areas: Area[] = path.startsWith('/tool_router/') ? ['sessions'] : LEGACY;
	return { access, areas };
}

/** Why Composio could not have issued this scope (a level its dashboard does not offer), if so. */
export function scopeProblems(scope: KeyScope): string[] {
	return Object.entries(scope)
		.filter(([area, level]) => !(OFFERED[area as Area] ?? [level]).includes(level))
		.map(([area, level]) => `${area} cannot be ${level}`);
}

export function allows(scope: KeyScope, permission: Permission): boolean {
	return permission.areas.some((area) => {
		const level = scope[area] ?? 'none';
		return level === 'readwrite' || level === permission.access;
	});
}

/**
 * The 403 a scope refuses with. Composio's real wording is not documented: this message and fix
 * are the simulator's own, and say nothing of the area on purpose, so that the node's naming of
 * the missing area is its own (nodes/shared/transport/permissions.ts), not an echo of this text.
 */
export function scopeRefusal(): Answer {
	return fail(
		403,
		"This API key's permissions do not allow this request.",
		'Use a project API key with access to this route (Settings → API Keys in the Composio dashboard).',
	);
}
