/**
 * What a scoped Composio project API key needs for each request the nodes send: an area and Read
 * or Write, from Composio's "Scoped Project API Key" page (a key's levels are fixed when it is
 * created). Used only to say which permission is missing when Composio answers 403. The
 * simulator keeps its own table (test/simulator/scopes.ts); a test compares the two.
 */

/** A request as the client sends it: the path comes after the API prefix, ids encoded. */
export interface RequestRoute {
	method: string;
	path: string;
}

export interface RoutePermission {
	/** The route as Composio's page writes it, after the API prefix. */
	route: string;
	access: 'read' | 'write';
	/** The areas as Composio's dashboard names them; any one of them grants the route. */
	areas: string[];
}

/** Legacy MCP server routes: either area grants them ("Sessions" for backward compatibility). */
const LEGACY = ['MCP servers (legacy)', 'Sessions'];
/** Running a session's tools: "Tool execution: write" or "Sessions: write". */
const SESSION_TOOLS = ['Tool execution', 'Sessions'];

const read = (route: string, ...areas: string[]): RoutePermission => ({
	route,
	access: 'read',
	areas,
});
const write = (route: string, ...areas: string[]): RoutePermission => ({
	route,
	access: 'write',
	areas,
});

/** Every request the Composio MCP node and the Composio Trigger send. */
export const PERMISSIONS: RoutePermission[] = [
	read('GET /mcp/servers', ...LEGACY),
	write('POST /mcp/servers', ...LEGACY),
	write('POST /mcp/servers/custom', ...LEGACY),
	write('POST /mcp/servers/generate', ...LEGACY),
	read('GET /mcp/{id}', ...LEGACY),
	write('PATCH /mcp/{id}', ...LEGACY),
	write('DELETE /mcp/{id}', ...LEGACY),
	read('GET /mcp/servers/{server_id}/instances', ...LEGACY),
	write('POST /mcp/servers/{server_id}/instances', ...LEGACY),
	write('DELETE /mcp/servers/{server_id}/instances/{instance_id}', ...LEGACY),
	read('GET /auth_configs', 'Auth configs'),
	read('GET /auth_configs/{id}', 'Auth configs'),
	read('GET /connected_accounts', 'Connected accounts'),
	write('POST /connected_accounts/link', 'Connected accounts'),
	read('GET /connected_accounts/{id}', 'Connected accounts'),
	write('DELETE /connected_accounts/{id}', 'Connected accounts'),
	write('PATCH /connected_accounts/{id}/status', 'Connected accounts'),
	write('POST /connected_accounts/{id}/refresh', 'Connected accounts'),
	write('POST /tool_router/session', 'Sessions'),
	read('GET /tool_router/session/{session_id}', 'Sessions'),
	write('PATCH /tool_router/session/{session_id}', 'Sessions'),
	write('DELETE /tool_router/session/{session_id}', 'Sessions'),
	write('POST /tool_router/session/{session_id}/link', 'Sessions'),
	read('GET /tool_router/session/{session_id}/toolkits', 'Sessions'),
	write('POST /tool_router/session/{session_id}/execute', ...SESSION_TOOLS),
	read('GET /triggers_types', 'Triggers'),
	read('GET /trigger_instances/active', 'Triggers'),
	write('POST /trigger_instances/{slug}/upsert', 'Triggers'),
	write('PATCH /trigger_instances/manage/{triggerId}', 'Triggers'),
	read('GET /webhook_subscriptions', 'Webhooks'),
	write('POST /webhook_subscriptions', 'Webhooks'),
	write('PATCH /webhook_subscriptions/{id}', 'Webhooks'),
	write('DELETE /webhook_subscriptions/{id}', 'Webhooks'),
	write('POST /webhook_subscriptions/{id}/rotate_secret', 'Webhooks'),
];

/** The segments of a path, and how many of them a route has as literals (or undefined: no fit). */
function literalsMatched(route: string, method: string, segments: string[]): number | undefined {
	const [routeMethod, template] = route.split(' ');
	const parts = template.split('/');
	if (routeMethod !== method.toUpperCase() || parts.length !== segments.length) return undefined;
	let literals = 0;
	for (const [index, part] of parts.entries()) {
		if (/^\{\w+\}$/.test(part)) continue;
		if (part !== segments[index]) return undefined;
		literals++;
	}
	return literals;
}

/** The permission a request needs; literal segments beat parameters (`/mcp/servers` is not `/mcp/{id}`). */
export function permissionFor({ method, path }: RequestRoute): RoutePermission | undefined {
	const segments = path.split('/');
	let best: { permission: RoutePermission; literals: number } | undefined;
	for (const permission of PERMISSIONS) {
		const literals = literalsMatched(permission.route, method, segments);
		if (literals !== undefined && (!best || literals > best.literals)) {
			best = { permission, literals };
		}
	}
	return best?.permission;
}

/**
 * 403s that Composio documents for something other than the key's scope, each on the routes it
 * can come from: a user without connected accounts for a server's auth configs (instance create),
 * a session of another user (a session's routes), and an address outside a key's IP allowlist
 * (any route). Elsewhere the same words (a message naming "Connected accounts", say) do not
 * excuse the scope.
 */
const NOT_THE_SCOPE: Array<{ pattern: RegExp; routes?: string[] }> = [
	{ pattern: /connected account/i, routes: ['POST /mcp/servers/{server_id}/instances'] },
	{
		pattern: /does not belong/i,
		routes: PERMISSIONS.map(({ route }) => route).filter((route) =>
			route.includes(' /tool_router/session/{session_id}'),
		),
	},
	{ pattern: /\bIP\b|allow-?list/i },
];

/**
 * The missing permission, when a 403 from Composio may be its refusal of the key's scope.
 * Composio's wording for that refusal is not documented, so waiting for words such as
 * "permission" could miss it; instead every 403 carrying Composio's own message is taken as
 * possibly the scope, unless the message names one of the reasons above for its route. Scoped
 * keys are the one documented cause of 403 on every route, but a full-access key may get an
 * undocumented one: the hint says "if this API key is scoped", and follows Composio's own
 * message, which comes first.
 */
export function scopeRefusal(
	route: RequestRoute,
	composioMessage: string,
): { message: string; fix: string } | undefined {
	const permission = permissionFor(route);
	if (
		!permission ||
		NOT_THE_SCOPE.some(
			({ pattern, routes }) =>
				(!routes || routes.includes(permission.route)) && pattern.test(composioMessage),
		)
	) {
		return undefined;
	}
	const needed = permission.areas.map((area) => `"${area}: ${permission.access}"`).join(' or ');
	const access = permission.access === 'read' ? 'Read' : 'Write';
	const areas = permission.areas.map((area) => `"${area}"`).join(' or ');
	return {
		message: `${composioMessage} (if this API key is scoped, it needs ${needed} for ${permission.route})`,
		fix: `If so, put a key that has it in the credential: a full-access key, or one created in the Composio dashboard (Settings → API Keys) with ${access} access to ${areas} (a key's permissions cannot be changed afterwards).`,
	};
}
