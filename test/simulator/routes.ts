/**
 * Composio's behaviour per operation of the spec, keyed `METHOD template`. Requests reach a
 * handler only after authentication and validation against the spec, so bodies have their shape.
 */
import { type Answer, fail, ok } from './answers';
import { connectionRoutes } from './connections';
import { sessionRoutes } from './sessions';
import { triggerRoutes } from './triggers';
import type { State } from './state';
import type { ServerRecord } from './types';
import {
	customServerView,
	instanceView,
	list,
	mcpUrl,
	paginate,
	serverDetailView,
	serverView,
	sortBy,
} from './views';

export interface RouteContext {
	params: Record<string, string>;
	query: Record<string, unknown>;
	/** Already validated against the operation's body schema, hence the casts below. */
	body: unknown;
	state: State;
	baseUrl: string;
	/** The version the request's path names (`/api/v3.1/…` maps onto the spec's `/api/v3/…`). */
	apiVersion: 'v3' | 'v3.1';
}

type Handler = (ctx: RouteContext) => Answer;

interface ServerBody {
	name: string;
	auth_config_ids?: string[];
	toolkits?: string[];
	no_auth_apps?: string[];
	allowed_tools?: string[];
	custom_tools?: string[];
	managed_auth_via_composio?: boolean;
}

interface GenerateBody {
	mcp_server_id: string;
	user_ids?: string[];
	connected_account_ids?: string[];
}

const SERVER_NOT_FOUND =
	'MCP server not found. No server with the specified ID exists or it has been deleted.';
const LIST_SERVERS_FIX =
	'List your MCP servers with GET /api/v3/mcp/servers and use one of their ids.';
const MISSING_ACCOUNTS =
	'The user does not have connected accounts for all required auth configurations.';
const DUPLICATE_INSTANCE = 'An instance with this ID already exists for the server.';

function unique(values: string[]): string[] {
	return [...new Set(values)];
}

function listServers(ctx: RouteContext, extra: (server: ServerRecord) => boolean = () => true) {
	const { query, state, baseUrl } = ctx;
	const name = typeof query.name === 'string' ? query.name.toLowerCase() : '';
	const toolkits = list(query.toolkits).map((t) => t.toLowerCase());
	const configIds = list(query.auth_config_ids);
	const matching = [...state.servers.values()].filter(
		(s) =>
			!s.deleted &&
			s.name.toLowerCase().includes(name) &&
			(toolkits.length === 0 || s.toolkits.some((t) => toolkits.includes(t.toLowerCase()))) &&
			(configIds.length === 0 || s.auth_config_ids.some((id) => configIds.includes(id))) &&
			extra(s),
	);
	const sorted = sortBy(matching, query.order_by, query.order_direction, 'updated_at');
	const page = paginate(sorted, query.page_no, query.limit, 10);
	return ok(200, {
		items: page.slice.map((s) => serverView(state, baseUrl, s)),
		total_pages: page.total_pages,
		current_page: page.current_page,
	});
}

function unknownAuthConfigs(state: State, ids: string[] | undefined): string[] {
	return (ids ?? []).filter((id) => !state.authConfigs.has(id));
}

function configToolkits(state: State, ids: string[]): string[] {
	return ids.map((id) => state.authConfigs.get(id)?.toolkit ?? '').filter((t) => t !== '');
}

const mcpRoutes: Record<string, Handler> = {
	'GET /api/v3/mcp/servers': (ctx) => listServers(ctx),

	'POST /api/v3/mcp/servers': ({ body: raw, state, baseUrl }) => {
		const body = raw as ServerBody;
		const configIds = body.auth_config_ids ?? [];
		const missing = unknownAuthConfigs(state, configIds);
		if (missing.length > 0) return fail(404, `Auth config not found: ${missing.join(', ')}`);
		const server = state.addServer({
			name: body.name,
			auth_config_ids: configIds,
			toolkits: unique([...configToolkits(state, configIds), ...(body.no_auth_apps ?? [])]),
			allowed_tools: body.allowed_tools ?? [],
			managed_auth_via_composio: body.managed_auth_via_composio ?? false,
		});
		return ok(201, serverView(state, baseUrl, server));
	},

	'POST /api/v3/mcp/servers/custom': ({ body: raw, state, baseUrl }) => {
		const body = raw as ServerBody;
		const configIds = body.auth_config_ids ?? [];
		const missing = unknownAuthConfigs(state, configIds);
		if (missing.length > 0) return fail(400, `Auth config not found: ${missing.join(', ')}`);
		const server = state.addServer({
			name: body.name,
			auth_config_ids: configIds,
			toolkits: unique([...(body.toolkits ?? []), ...configToolkits(state, configIds)]),
			allowed_tools: unique([...(body.allowed_tools ?? []), ...(body.custom_tools ?? [])]),
			managed_auth_via_composio: body.managed_auth_via_composio ?? false,
		});
		return ok(201, customServerView(baseUrl, server));
	},

	'POST /api/v3/mcp/servers/generate': ({ body: raw, state, baseUrl }) => {
		const body = raw as GenerateBody;
		const server = state.liveServer(body.mcp_server_id);
		if (!server) return fail(404, SERVER_NOT_FOUND, LIST_SERVERS_FIX);
		const url = mcpUrl(baseUrl, server.id);
		const withParam = (name: string) => (value: string) =>
			`${url}?${name}=${encodeURIComponent(value)}`;
		return ok(200, {
			mcp_url: url,
			connected_account_urls: (body.connected_account_ids ?? []).map(
				withParam('connected_account_id'),
			),
			user_ids_url: (body.user_ids ?? []).map(withParam('user_id')),
		});
	},

	'GET /api/v3/mcp/{id}': ({ params, state, baseUrl }) => {
		const server = state.liveServer(params.id);
		if (!server) return fail(404, SERVER_NOT_FOUND, LIST_SERVERS_FIX);
		return ok(200, serverDetailView(state, baseUrl, server));
	},

	'PATCH /api/v3/mcp/{id}': ({ params, body: raw, state, baseUrl }) => {
		const body = raw as Partial<ServerBody>;
		const server = state.liveServer(params.id);
		if (!server) return fail(404, SERVER_NOT_FOUND, LIST_SERVERS_FIX);
		const missing = unknownAuthConfigs(state, body.auth_config_ids);
		if (missing.length > 0) return fail(400, `Auth config not found: ${missing.join(', ')}`);
		if (body.name !== undefined) server.name = body.name;
		if (body.auth_config_ids !== undefined) server.auth_config_ids = [...body.auth_config_ids];
		if (body.toolkits !== undefined) server.toolkits = [...body.toolkits];
		else if (body.auth_config_ids !== undefined) {
			server.toolkits = unique(configToolkits(state, server.auth_config_ids));
		}
		if (body.allowed_tools !== undefined) server.allowed_tools = [...body.allowed_tools];
		if (body.managed_auth_via_composio !== undefined) {
			server.managed_auth_via_composio = body.managed_auth_via_composio;
		}
		server.updated_at = state.now();
		return ok(200, serverDetailView(state, baseUrl, server));
	},

	'DELETE /api/v3/mcp/{id}': ({ params, state }) => {
		const server = state.liveServer(params.id);
		if (!server) return fail(404, SERVER_NOT_FOUND, LIST_SERVERS_FIX);
		server.deleted = true;
		server.updated_at = state.now();
		return ok(200, { id: server.id, deleted: true });
	},

	'GET /api/v3/mcp/app/{appKey}': (ctx) => {
		const appKey = ctx.params.appKey.toLowerCase();
		const known = [...ctx.state.knownToolkits()].some((t) => t.toLowerCase() === appKey);
		if (!known) return fail(404, `Application not found: ${ctx.params.appKey}`);
		return listServers(ctx, (s) => s.toolkits.some((t) => t.toLowerCase() === appKey));
	},
};

const instanceRoutes: Record<string, Handler> = {
	'GET /api/v3/mcp/servers/{serverId}/instances': ({ params, query, state }) => {
		const server = state.liveServer(params.serverId);
		if (!server) return fail(404, SERVER_NOT_FOUND, LIST_SERVERS_FIX);
		const search = typeof query.search === 'string' ? query.search.toLowerCase() : '';
		const matching = state
			.instancesOf(server.id)
			.filter((i) => i.instance_id.toLowerCase().includes(search));
		const sorted = sortBy(matching, query.order_by, query.order_direction, 'updated_at');
		const page = paginate(sorted, query.page_no, query.limit, 20);
		return ok(200, {
			instances: page.slice.map(instanceView),
			server_id: server.id,
			server_name: server.name,
			total_pages: page.total_pages,
			current_page: page.current_page,
		});
	},

	'POST /api/v3/mcp/servers/{serverId}/instances': ({ params, body, state }) => {
		const server = state.liveServer(params.serverId);
		if (!server) return fail(404, SERVER_NOT_FOUND, LIST_SERVERS_FIX);
		const userId = (body as { user_id: string }).user_id;
		const missing = state.missingAccounts(server, userId);
		if (missing.length > 0) {
			return fail(
				403,
				MISSING_ACCOUNTS,
				`Connect the user to auth config ${missing.join(', ')} first (POST /api/v3/connected_accounts/link).`,
			);
		}
		if (state.instances.get(server.id)?.has(userId)) {
			return fail(409, DUPLICATE_INSTANCE, 'Use the existing instance, or delete it first.');
		}
		return ok(201, instanceView(state.addInstance(server.id, userId)));
	},

	'DELETE /api/v3/mcp/servers/{serverId}/instances/{instanceId}': ({ params, state }) => {
		const server = state.liveServer(params.serverId);
		const deleted = server && state.deleteInstance(server, params.instanceId);
		if (deleted === undefined) return fail(404, 'MCP server or instance not found.');
		return ok(200, {
			message: 'Instance deleted successfully',
			deleted_connected_accounts: deleted,
		});
	},
};

export const ROUTES: Record<string, Handler> = {
	...mcpRoutes,
	...instanceRoutes,
	...connectionRoutes,
	...sessionRoutes,
	...triggerRoutes,
};
