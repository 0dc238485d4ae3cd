/**
 * Tool Router sessions (`/api/v3/tool_router/session…`), as the simulator plays them: one session
 * per create, an MCP URL on the simulator itself, connect links, the session's toolkits with the
 * user's connected accounts, and a tool per toolkit that answers from the simulator's state.
 */
import { type Answer, fail, ok } from './answers';
import type { State } from './state';
import { shortId } from './state';
import type { AccountRecord, SessionRecord } from './types';
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

/** The user's account the session uses for a toolkit: the one named at create, else an ACTIVE one. */
export function sessionAccount(
	state: State,
	session: SessionRecord,
	toolkit: string,
): AccountRecord | undefined {
	const named = session.connected_accounts[toolkit];
	if (named) return state.accounts.find((account) => account.id === named);
	return state.accounts.find(
		(account) =>
			account.user_id === session.user_id &&
			account.toolkit === toolkit &&
			account.status === 'ACTIVE' &&
			(!session.auth_configs[toolkit] || account.auth_config_id === session.auth_configs[toolkit]),
	);
}

export function sessionView(session: SessionRecord, baseUrl: string) {
	return {
		session_id: session.session_id,
		mcp: { type: 'http', url: sessionMcpUrl(baseUrl, session.session_id) },
		tool_router_tools: META_TOOLS,
		config: {
			user_id: session.user_id,
			...(session.enable ? { toolkits: { enabled: session.enable } } : {}),
			...(session.disable ? { toolkits: { disabled: session.disable } } : {}),
			auth_configs: session.auth_configs,
			connected_accounts: session.connected_accounts,
			manage_connections: session.manage_connections,
			...(session.tags ? { tags: tagsView(session.tags) } : {}),
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

interface SessionBody {
	user_id: string;
	toolkits?: { enable?: string[]; disable?: string[] };
	auth_configs?: Record<string, string>;
	connected_accounts?: Record<string, string>;
	manage_connections?: { enable?: boolean | null; callback_url?: string };
	tags?: unknown;
}

interface RouteContext {
	params: Record<string, string>;
	query: Record<string, unknown>;
	body: unknown;
	state: State;
	baseUrl: string;
}

const NOT_FOUND = (id: string) =>
	fail(
		404,
		`Tool router session not found: ${id}`,
		'Create a session with POST /api/v3/tool_router/session.',
	);

export const sessionRoutes: Record<string, (ctx: RouteContext) => Answer> = {
	'POST /api/v3/tool_router/session': ({ body: raw, state, baseUrl }) => {
		const body = raw as SessionBody;
		for (const [toolkit, id] of Object.entries(body.connected_accounts ?? {})) {
			if (!state.accounts.some((account) => account.id === id && account.toolkit === toolkit)) {
				return fail(400, `Connected account ${id} is not a ${toolkit} account of this project`);
			}
		}
		const session: SessionRecord = {
			session_id: shortId('trs'),
			user_id: body.user_id,
			enable: body.toolkits?.enable,
			disable: body.toolkits?.disable,
			auth_configs: body.auth_configs ?? {},
			connected_accounts: body.connected_accounts ?? {},
			manage_connections: {
				enabled: body.manage_connections?.enable ?? true,
				...(body.manage_connections?.callback_url
					? { callback_url: body.manage_connections.callback_url }
					: {}),
			},
			tags: body.tags,
		};
		state.sessions.set(session.session_id, session);
		return ok(201, sessionView(session, baseUrl));
	},

	'GET /api/v3/tool_router/session/{session_id}': ({ params, state, baseUrl }) => {
		const session = state.sessions.get(params.session_id);
		return session ? ok(200, sessionView(session, baseUrl)) : NOT_FOUND(params.session_id);
	},

	'POST /api/v3/tool_router/session/{session_id}/link': ({ params, body: raw, state, baseUrl }) => {
		const session = state.sessions.get(params.session_id);
		if (!session) return NOT_FOUND(params.session_id);
		const { toolkit } = raw as { toolkit: string; callback_url?: string };
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
		const token = shortId('lt');
		return ok(201, {
			link_token: token,
			redirect_url: `${baseUrl}/link/${token}`,
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
