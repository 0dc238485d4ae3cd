/**
 * Tool Router sessions (`/api/v3/tool_router/session…`), as the simulator plays them: one session
 * per create, an MCP URL on the simulator itself, connect links, the session's toolkits with the
 * user's connected accounts, and a tool per toolkit that answers from the simulator's state.
 * v3.1 adds update (PATCH) and delete, and takes and shows connected accounts as a list of ids per
 * toolkit where v3 has one id (test/fixtures/session-lifecycle.schema.json, hand-made; the spec's
 * validation refuses the other version's shape before a route runs). A session holds at most one
 * account per toolkit unless v3.1's `multi_account.enable` is on (CONNECTIONS.md), then at most
 * `max_accounts_per_toolkit` (Composio's default 5).
 */
import { type Answer, fail, ok } from './answers';
import type { State } from './state';
import { shortId } from './state';
import type { AccountRecord, MultiAccountConfig, SessionRecord } from './types';
import { cursorPage } from './views';

/** The toolkits every project can use in a session, beside those of its own auth configs. */
export const SESSION_TOOLKITS = ['github', 'gmail', 'slack'];

export const META_TOOLS = [
	'COMPOSIO_SEARCH_TOOLS',
	'COMPOSIO_MULTI_EXECUTE_TOOL',
	'COMPOSIO_MANAGE_CONNECTIONS',
];

/** The one tool of each toolkit in the simulator: it says who the user is on that toolkit. */
export function whoamiTool(toolkit: string): string {
	return `${toolkit.toUpperCase()}_WHOAMI`;
}

export function toolkitOfTool(slug: string): string | undefined {
	return /^([A-Z0-9]+)_WHOAMI$/.exec(slug)?.[1].toLowerCase();
}

/** Where the simulator serves a session's MCP endpoint (as Composio: `/tool_router/v3/<id>/mcp`). */
export function sessionMcpUrl(baseUrl: string, sessionId: string): string {
	return `${baseUrl}/tool_router/v3/${encodeURIComponent(sessionId)}/mcp`;
}

export function sessionToolkits(state: State, session: SessionRecord): string[] {
	const all = [...new Set([...SESSION_TOOLKITS, ...state.knownToolkits()])].sort();
	if (session.enable) return all.filter((slug) => session.enable!.includes(slug));
	if (session.disable) return all.filter((slug) => !session.disable!.includes(slug));
	return all;
}

/**
 * The user's account the session uses for a toolkit: the first one named at create or update,
 * else an ACTIVE one.
 */
export function sessionAccount(
	state: State,
	session: SessionRecord,
	toolkit: string,
): AccountRecord | undefined {
	const named = session.connected_accounts[toolkit]?.[0];
	if (named) return state.accounts.find((account) => account.id === named);
	return state.accounts.find(
		(account) =>
			account.user_id === session.user_id &&
			account.toolkit === toolkit &&
			account.status === 'ACTIVE' &&
			(!session.auth_configs[toolkit] || account.auth_config_id === session.auth_configs[toolkit]),
	);
}

/** Connected accounts as a version shows them: v3.1 a list per toolkit, v3 the first id. */
function accountsView(session: SessionRecord, apiVersion: ApiVersion) {
	if (apiVersion === 'v3.1') return session.connected_accounts;
	return Object.fromEntries(
		Object.entries(session.connected_accounts).map(([toolkit, ids]) => [toolkit, ids[0]]),
	);
}

export function sessionView(session: SessionRecord, baseUrl: string, apiVersion: ApiVersion) {
	return {
		session_id: session.session_id,
		mcp: { type: 'http', url: sessionMcpUrl(baseUrl, session.session_id) },
		tool_router_tools: META_TOOLS,
		config: {
			user_id: session.user_id,
			...(session.enable ? { toolkits: { enabled: session.enable } } : {}),
			...(session.disable ? { toolkits: { disabled: session.disable } } : {}),
			auth_configs: session.auth_configs,
			connected_accounts: accountsView(session, apiVersion),
			manage_connections: session.manage_connections,
			...(session.tags ? { tags: tagsView(session.tags) } : {}),
			...(apiVersion === 'v3.1' && session.multi_account
				? { multi_account: session.multi_account }
				: {}),
		},
	};
}

/** Tags as a create sends them (a list, or `{enable, disable}`) and as a session shows them. */
function tagsView(tags: unknown): { enabled?: string[]; disabled?: string[] } {
	if (Array.isArray(tags)) return { enabled: tags as string[] };
	const { enable, disable } = tags as { enable?: string[]; disable?: string[] };
	return { ...(enable ? { enabled: enable } : {}), ...(disable ? { disabled: disable } : {}) };
}

function toolkitView(state: State, session: SessionRecord, slug: string) {
	const account = sessionAccount(state, session, slug);
	const config = account ? state.authConfigs.get(account.auth_config_id) : undefined;
	return {
		name: slug.charAt(0).toUpperCase() + slug.slice(1),
		slug,
		enabled: true,
		is_no_auth: false,
		composio_managed_auth_schemes: ['OAUTH2'],
		meta: { logo: `https://logos.composio.dev/api/${slug}`, description: `The ${slug} toolkit` },
		connected_account: account
			? {
					id: account.id,
					user_id: account.user_id,
					status: account.status,
					created_at: account.created_at,
					auth_config: {
						id: account.auth_config_id,
						auth_scheme: config?.auth_scheme ?? 'OAUTH2',
						is_composio_managed: config?.is_composio_managed ?? true,
					},
				}
			: null,
	};
}

/**
 * What a tool call answers: Composio answers 200 even when the tool failed, with `error` set.
 * Shared by the REST route and the MCP endpoint.
 */
export function executeTool(
	state: State,
	session: SessionRecord,
	slug: string,
	args: Record<string, unknown>,
): { data: Record<string, unknown>; error: string | null; log_id: string } {
	const log_id = shortId('log');
	const toolkit = toolkitOfTool(slug);
	if (!toolkit || !sessionToolkits(state, session).includes(toolkit)) {
		return { data: {}, error: `Tool ${slug} is not available in this session`, log_id };
	}
	const account = sessionAccount(state, session, toolkit);
	if (!account) {
		return {
			data: {},
			error: `No active connection for ${toolkit}: connect it first (user ${session.user_id})`,
			log_id,
		};
	}
	return {
		data: { toolkit, user_id: session.user_id, connected_account_id: account.id, arguments: args },
		error: null,
		log_id,
	};
}

type ApiVersion = 'v3' | 'v3.1';

/** A create's or update's body; the spec has checked its shape for the request's version. */
interface SessionBody {
	user_id: string;
	toolkits?: { enable?: string[]; disable?: string[] };
	auth_configs?: Record<string, string>;
	/** v3: toolkit → one id; v3.1: toolkit → ids (update: null clears them). */
	connected_accounts?: Record<string, string | string[]> | null;
	manage_connections?: { enable?: boolean | null; callback_url?: string } | null;
	tags?: unknown;
	/** v3.1 only (update: null clears it). */
	multi_account?: MultiAccountConfig | null;
}

interface RouteContext {
	params: Record<string, string>;
	query: Record<string, unknown>;
	body: unknown;
	state: State;
	baseUrl: string;
	apiVersion: ApiVersion;
}

const NOT_FOUND = (id: string) =>
	fail(
		404,
		`Tool router session not found: ${id}`,
		'Create a session with POST /api/v3/tool_router/session.',
	);

/** Composio's default for max_accounts_per_toolkit when multi-account is on. */
const DEFAULT_MAX_ACCOUNTS = 5;

/**
 * Composio's 400 when a session would hold more accounts for a toolkit than its multi-account
 * settings (`multi`, after an update) allow: one without them.
 */
function tooManyAccounts(
	pinned: Record<string, string[]>,
	multi: MultiAccountConfig | null | undefined,
): Answer | undefined {
	const most = multi?.enable ? (multi.max_accounts_per_toolkit ?? DEFAULT_MAX_ACCOUNTS) : 1;
	const crowded = Object.entries(pinned).find(([, ids]) => ids.length > most);
	if (!crowded) return undefined;
	const [toolkit, { length }] = crowded;
	return fail(
		400,
		multi?.enable
			? `${length} connected accounts for ${toolkit}: this session allows at most ${most} per toolkit (multi_account.max_accounts_per_toolkit)`
			: `${length} connected accounts for ${toolkit}: a session without multi-account holds at most one per toolkit`,
		'Pin one account per toolkit, or enable multi_account for the session.',
	);
}

/**
 * The accounts a create or update pins, as lists; or Composio's 400 for one that is not a live
 * account of the session's user for that toolkit.
 */
function pinnedAccounts(
	state: State,
	userId: string,
	given: Record<string, string | string[]> | null | undefined,
): { pinned: Record<string, string[]> } | { refused: Answer } {
	const pinned: Record<string, string[]> = {};
	for (const [toolkit, ids] of Object.entries(given ?? {})) {
		pinned[toolkit] = typeof ids === 'string' ? [ids] : [...new Set(ids)];
		for (const id of pinned[toolkit]) {
			const account = state.accounts.find((candidate) => candidate.id === id);
			if (!account || account.toolkit !== toolkit || account.is_disabled) {
				return {
					refused: fail(400, `Connected account ${id} is not a ${toolkit} account of this project`),
				};
			}
			if (account.user_id !== userId) {
				return {
					refused: fail(
						400,
						`Connected account ${id} belongs to another user than the session's (${userId})`,
					),
				};
			}
		}
	}
	return { pinned };
}

const createSession = ({ body: raw, state, baseUrl, apiVersion }: RouteContext): Answer => {
	const body = raw as SessionBody;
	const accounts = pinnedAccounts(state, body.user_id, body.connected_accounts);
	if ('refused' in accounts) return accounts.refused;
	const crowded = tooManyAccounts(accounts.pinned, body.multi_account);
	if (crowded) return crowded;
	const session: SessionRecord = {
		session_id: shortId('trs'),
		user_id: body.user_id,
		enable: body.toolkits?.enable,
		disable: body.toolkits?.disable,
		auth_configs: body.auth_configs ?? {},
		connected_accounts: accounts.pinned,
		manage_connections: {
			enabled: body.manage_connections?.enable ?? true,
			...(body.manage_connections?.callback_url
				? { callback_url: body.manage_connections.callback_url }
				: {}),
		},
		tags: body.tags,
		...(body.multi_account ? { multi_account: { ...body.multi_account } } : {}),
		config_version: 1,
	};
	state.sessions.set(session.session_id, session);
	return ok(201, sessionView(session, baseUrl, apiVersion));
};

const getSession = ({ params, state, baseUrl, apiVersion }: RouteContext): Answer => {
	const session = state.sessions.get(params.session_id);
	return session
		? ok(200, sessionView(session, baseUrl, apiVersion))
		: NOT_FOUND(params.session_id);
};

/**
 * v3.1's update: each field given replaces the session's (null clears connected accounts or
 * connection management); manage_connections changes only the keys it gives. Composio's exact
 * merge of nested fields is not documented: this is the simulator's reading.
 */
const updateSession = ({ params, body: raw, state, baseUrl }: RouteContext): Answer => {
	const session = state.sessions.get(params.session_id);
	if (!session) return NOT_FOUND(params.session_id);
	const body = (raw ?? {}) as Partial<SessionBody>;
	const accounts = pinnedAccounts(state, session.user_id, body.connected_accounts);
	if ('refused' in accounts) return accounts.refused;
	// The accounts after the update, against the multi-account settings after it.
	const crowded = tooManyAccounts(
		body.connected_accounts === undefined ? session.connected_accounts : accounts.pinned,
		body.multi_account === undefined ? session.multi_account : body.multi_account,
	);
	if (crowded) return crowded;
	if (body.toolkits) {
		session.enable = body.toolkits.enable;
		session.disable = body.toolkits.disable;
	}
	if (body.auth_configs) session.auth_configs = { ...body.auth_configs };
	if (body.connected_accounts !== undefined) session.connected_accounts = accounts.pinned;
	if (body.manage_connections === null) session.manage_connections = { enabled: true };
	else if (body.manage_connections) {
		const { enable, callback_url } = body.manage_connections;
		if (enable !== undefined) session.manage_connections.enabled = enable ?? true;
		if (callback_url !== undefined) session.manage_connections.callback_url = callback_url;
	}
	if (body.tags !== undefined) {
		session.tags = Array.isArray(body.tags) && body.tags.length === 0 ? undefined : body.tags;
	}
	if (body.multi_account !== undefined) session.multi_account = body.multi_account ?? undefined;
	session.config_version = (session.config_version ?? 1) + 1;
	return ok(200, {
		...sessionView(session, baseUrl, 'v3.1'),
		config_version: session.config_version,
		warnings: [],
	});
};

export const sessionRoutes: Record<string, (ctx: RouteContext) => Answer> = {
	'POST /api/v3/tool_router/session': createSession,
	'POST /api/v3.1/tool_router/session': createSession,
	'GET /api/v3/tool_router/session/{session_id}': getSession,
	'GET /api/v3.1/tool_router/session/{session_id}': getSession,
	'PATCH /api/v3.1/tool_router/session/{session_id}': updateSession,

	'DELETE /api/v3.1/tool_router/session/{session_id}': ({ params, state }) => {
		if (!state.sessions.delete(params.session_id)) return NOT_FOUND(params.session_id);
		return ok(200, { session_id: params.session_id, deleted: true });
	},

	'POST /api/v3/tool_router/session/{session_id}/link': ({ params, body: raw, state, baseUrl }) => {
		const session = state.sessions.get(params.session_id);
		if (!session) return NOT_FOUND(params.session_id);
		const { toolkit, callback_url } = raw as { toolkit: string; callback_url?: string };
		if (!sessionToolkits(state, session).includes(toolkit)) {
			return fail(400, `Toolkit ${toolkit} is not enabled in this session`);
		}
		const authConfigId =
			session.auth_configs[toolkit] ??
			[...state.authConfigs.values()].find((config) => config.toolkit === toolkit)?.id ??
			state.addAuthConfig({ toolkit }).id;
		const account = state.addAccount(session.user_id, authConfigId, {
			status: 'INITIATED',
			toolkit,
		});
		// The hosted connect page completes it (connections.ts), as a Create Link's.
		const link = state.newLink(
			account,
			baseUrl,
			callback_url ?? session.manage_connections.callback_url,
		);
		return ok(201, {
			link_token: link.token,
			redirect_url: link.redirect_url,
			connected_account_id: account.id,
		});
	},

	'GET /api/v3/tool_router/session/{session_id}/toolkits': ({ params, query, state }) => {
		const session = state.sessions.get(params.session_id);
		if (!session) return NOT_FOUND(params.session_id);
		const only = Array.isArray(query.toolkits) ? (query.toolkits as string[]) : undefined;
		const search = typeof query.search === 'string' ? query.search.toLowerCase() : '';
		const items = sessionToolkits(state, session)
			.filter((slug) => !only || only.includes(slug))
			.filter((slug) => search === '' || slug.includes(search))
			.map((slug) => toolkitView(state, session, slug))
			.filter((item) => query.is_connected !== true || item.connected_account?.status === 'ACTIVE');
		const page = cursorPage(items, query.cursor, query.limit, 20);
		if (!page) return fail(400, 'Invalid cursor', 'Pass the next_cursor of the previous page.');
		const { slice, ...rest } = page;
		return ok(200, { items: slice, ...rest });
	},

	'POST /api/v3/tool_router/session/{session_id}/execute': ({ params, body: raw, state }) => {
		const session = state.sessions.get(params.session_id);
		if (!session) return NOT_FOUND(params.session_id);
		const body = raw as { tool_slug: string; arguments?: Record<string, unknown> };
		return ok(200, executeTool(state, session, body.tool_slug, body.arguments ?? {}));
	},

	'POST /api/v3/tool_router/session/{session_id}/execute_meta': ({ params, body: raw, state }) => {
		const session = state.sessions.get(params.session_id);
		if (!session) return NOT_FOUND(params.session_id);
		const body = raw as { slug: string; arguments?: Record<string, unknown> };
		if (body.slug !== 'COMPOSIO_SEARCH_TOOLS') {
			return ok(200, {
				data: {},
				error: `Meta tool ${body.slug} is not simulated`,
				log_id: shortId('log'),
			});
		}
		const tools = sessionToolkits(state, session).map(whoamiTool);
		return ok(200, { data: { tools }, error: null, log_id: shortId('log') });
	},
};
