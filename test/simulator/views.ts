/** The JSON shapes Composio answers with, built from the simulator's records. */
import type { State } from './state';
import type { AccountRecord, AuthConfigRecord, InstanceRecord, ServerRecord } from './types';

export function mcpUrl(baseUrl: string, serverId: string): string {
	return `${baseUrl}/v3/mcp/${encodeURIComponent(serverId)}`;
}

function commands(url: string) {
	const setup = (client: string) => `npx @composio/mcp@latest setup "${url}" --client ${client}`;
	return { cursor: setup('cursor'), claude: setup('claude'), windsurf: setup('windsurf') };
}

export function serverView(state: State, baseUrl: string, server: ServerRecord) {
	const url = mcpUrl(baseUrl, server.id);
	return {
		id: server.id,
		name: server.name,
		auth_config_ids: [...server.auth_config_ids],
		allowed_tools: [...server.allowed_tools],
		mcp_url: url,
		toolkits: [...server.toolkits],
		toolkit_icons: Object.fromEntries(
			server.toolkits.map((slug) => [slug, `https://logos.composio.dev/api/${slug}`]),
		),
		commands: commands(url),
		created_at: server.created_at,
		updated_at: server.updated_at,
		server_instance_count: state.instancesOf(server.id).length,
		managed_auth_via_composio: server.managed_auth_via_composio,
	};
}

/** Get and update add `deleted`. */
export function serverDetailView(state: State, baseUrl: string, server: ServerRecord) {
	return { ...serverView(state, baseUrl, server), deleted: server.deleted };
}

export function customServerView(baseUrl: string, server: ServerRecord) {
	const url = mcpUrl(baseUrl, server.id);
	return {
		id: server.id,
		name: server.name,
		auth_config_ids: [...server.auth_config_ids],
		allowed_tools: [...server.allowed_tools],
		mcp_url: url,
		commands: commands(url),
	};
}

export function instanceView(instance: InstanceRecord) {
	return { ...instance };
}

/** A connection state that the spec's `oneOf` accepts for an OAuth2 account in this status. */
export function connectionState(status: string) {
	const extra: Record<string, string> = {};
	if (status === 'INITIATED') extra.redirectUrl = 'https://connect.composio.dev/simulated';
	if (status === 'ACTIVE' || status === 'INACTIVE') extra.access_token = 'simulated-access-token';
	return { authScheme: 'OAUTH2', val: { status, ...extra } };
}

export type ApiVersion = 'v3' | 'v3.1';

/** A connected account as the list shows it (GET by id adds `params`); v3.1 adds its names. */
export function accountView(state: State, account: AccountRecord, apiVersion: ApiVersion = 'v3') {
	const config = state.authConfigs.get(account.auth_config_id);
	const names =
		apiVersion === 'v3.1'
			? { word_id: `${account.toolkit}_${account.id.slice(-6)}`, alias: account.alias }
			: {};
	return {
		...names,
		toolkit: { slug: account.toolkit },
		auth_config: {
			id: account.auth_config_id,
			auth_scheme: config?.auth_scheme ?? 'OAUTH2',
			is_composio_managed: config?.is_composio_managed ?? true,
			is_disabled: false,
		},
		id: account.id,
		user_id: account.user_id,
		status: account.status,
		created_at: account.created_at,
		updated_at: account.updated_at,
		state: connectionState(account.status),
		data: {},
		status_reason: account.status_reason,
		is_disabled: account.is_disabled,
	};
}

export function authConfigView(state: State, config: AuthConfigRecord) {
	return {
		id: config.id,
		uuid: config.uuid,
		type: config.is_composio_managed ? 'default' : 'custom',
		toolkit: { slug: config.toolkit, logo: `https://logos.composio.dev/api/${config.toolkit}` },
		name: config.name,
		auth_scheme: config.auth_scheme,
		is_composio_managed: config.is_composio_managed,
		status: 'ENABLED',
		created_at: config.created_at,
		no_of_connections: state.accounts.filter((a) => a.auth_config_id === config.id).length,
		tool_access_config: {
			tools_for_connected_account_creation: [],
			tools_available_for_execution: [],
		},
	};
}

/** Comma-separated filter values; the spec's array parameters arrive already split. */
export function list(value: unknown): string[] {
	if (Array.isArray(value)) return value.map(String).filter((v) => v !== '');
	if (typeof value !== 'string' || value === '') return [];
	return value
		.split(',')
		.map((v) => v.trim())
		.filter((v) => v !== '');
}

export function sortBy<T extends { created_at: string; updated_at: string }>(
	items: T[],
	field: unknown,
	direction: unknown,
	defaultField: 'created_at' | 'updated_at',
): T[] {
	const key = field === 'created_at' || field === 'updated_at' ? field : defaultField;
	const sign = direction === 'asc' ? 1 : -1;
	return [...items].sort((a, b) => sign * a[key].localeCompare(b[key]));
}

function size(limit: unknown, fallback: number): number {
	return typeof limit === 'number' && limit >= 1 ? Math.floor(limit) : fallback;
}

/** Page-number pagination of the MCP lists. */
export function paginate<T>(items: T[], pageNo: unknown, limit: unknown, defaultLimit: number) {
	const perPage = size(limit, defaultLimit);
	const page = typeof pageNo === 'number' && pageNo >= 1 ? Math.floor(pageNo) : 1;
	return {
		slice: items.slice((page - 1) * perPage, page * perPage),
		total_pages: Math.ceil(items.length / perPage),
		current_page: page,
	};
}

export function encodeCursor(offset: number): string {
	return Buffer.from(`offset:${offset}`).toString('base64url');
}

/** Cursor pagination of connected accounts and auth configs; undefined for a foreign cursor. */
export function cursorPage<T>(items: T[], cursor: unknown, limit: unknown, defaultLimit: number) {
	let offset = 0;
	if (typeof cursor === 'string' && cursor !== '') {
		const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
		if (!match) return undefined;
		offset = Number(match[1]);
	}
	const perPage = size(limit, defaultLimit);
	const next = offset + perPage;
	return {
		slice: items.slice(offset, next),
		next_cursor: next < items.length ? encodeCursor(next) : null,
		total_pages: Math.ceil(items.length / perPage),
		current_page: Math.floor(offset / perPage) + 1,
		total_items: items.length,
	};
}
