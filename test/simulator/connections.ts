/**
 * Connected accounts and auth configs as the simulator plays them
 * (test/fixtures/openapi-connections-v3.json, and v3.1's differences in spec-v31.ts): a state
 * machine per account. Create Link makes an INITIATED account and a link; the hosted connect page
 * at the link's `redirect_url` (`<sim>/link/<token>`) turns it ACTIVE or FAILED and sends the
 * browser on to the callback URL; Composio's side (test hooks) expires it; disable makes it
 * INACTIVE, enable ACTIVE (whatever it was, as the spec says); refresh makes it INITIATED with a
 * new link; delete removes it. An INITIATED account whose latest link has expired is EXPIRED.
 */
import { randomUUID } from 'node:crypto';

import { type Answer, fail, ok } from './answers';
import type { RouteContext } from './routes';
import { v31Keys } from './spec-v31';
import type { State } from './state';
import type { AccountRecord } from './types';
import { accountView, authConfigView, connectionState, cursorPage, list, sortBy } from './views';

type Handler = (ctx: RouteContext) => Answer;

interface AccountBody {
	auth_config: { id: string };
	connection: { state?: { val?: { status?: string } }; user_id?: string };
}

interface LinkBody {
	auth_config_id: string;
	user_id: string;
	callback_url?: string;
	/** v3.1 only (v3's spec refuses it before a handler runs). */
	alias?: string;
}

interface AuthConfigBody {
	toolkit: { slug: string };
	auth_config?: { type: string; name?: string; authScheme?: string };
}

const ACCOUNT_NOT_FOUND = (id: string) =>
	fail(
		404,
		`Connected account not found: ${id}`,
		"List the user's connected accounts with GET /api/v3/connected_accounts and use one of their ids.",
	);
const AUTH_CONFIG_NOT_FOUND = (id: string) =>
	fail(
		404,
		`Auth config not found: ${id}`,
		'List your auth configs with GET /api/v3/auth_configs.',
	);
const INVALID_CURSOR = () =>
	fail(400, 'Invalid cursor', 'Pass the next_cursor of the previous page.');

/** The status codes of the redirect and pages the hosted connect page answers with. */
export interface LinkPage {
	status: number;
	headers: Record<string, string>;
	body: string;
}

/** The browser's path to a link: `/link/<token>`. */
export function linkToken(path: string): string | undefined {
	return /^\/link\/([^/]+)$/.exec(path)?.[1];
}

/** The callback URL with `status` and `connected_account_id` appended, its own query and fragment kept as sent. */
export function callbackWith(callbackUrl: string, status: string, accountId: string): string {
	const hashAt = callbackUrl.indexOf('#');
	const base = hashAt < 0 ? callbackUrl : callbackUrl.slice(0, hashAt);
	const fragment = hashAt < 0 ? '' : callbackUrl.slice(hashAt);
	const separator = !base.includes('?') ? '?' : /[?&]$/.test(base) ? '' : '&';
	const added = `status=${encodeURIComponent(status)}&connected_account_id=${encodeURIComponent(accountId)}`;
	return `${base}${separator}${added}${fragment}`;
}

function page(status: number, title: string, text: string): LinkPage {
	const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
	return {
		status,
		headers: { 'content-type': 'text/html; charset=utf-8' },
		body: `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1><p>${escape(text)}</p></body></html>`,
	};
}

/**
 * The hosted connect page (GET `/link/<token>?outcome=success|failed`): the user finishes the
 * link, the account turns ACTIVE or FAILED (the default outcome is success unless the user is in
 * the failing set), and the browser goes on to the callback URL with `status` and
 * `connected_account_id` appended; without a callback, a small page says how it went.
 */
export function serveLinkPage(
	state: State,
	method: string,
	token: string,
	query: Record<string, string>,
): LinkPage {
	if (method !== 'GET') return page(405, 'Method not allowed', 'Open this link in a browser.');
	const link = state.links.get(token);
	if (!link) return page(404, 'Unknown link', 'This connect link does not exist.');
	const outcome = query.outcome;
	if (outcome !== undefined && outcome !== 'success' && outcome !== 'failed') {
		return page(400, 'Bad outcome', 'outcome must be success or failed.');
	}
	const done = state.completeLink(link, outcome);
	if (typeof done === 'string') return page(410, 'Link no longer valid', done);
	const status = link.outcome!;
	if (link.callback_url) {
		return {
			status: 302,
			headers: { location: callbackWith(link.callback_url, status, done.id) },
			body: '',
		};
	}
	return status === 'success'
		? page(200, 'Connected', `Your ${done.toolkit} account is connected. You can close this page.`)
		: page(200, 'Connection failed', `Connecting ${done.toolkit} failed: ${done.status_reason}.`);
}

function aliasTaken(state: State, account: { user_id: string; toolkit: string }, alias: string) {
	return state.accounts.some(
		(other) =>
			other.alias === alias &&
			other.user_id === account.user_id &&
			other.toolkit === account.toolkit,
	);
}

/** A live account, or Composio's 404. */
function found(state: State, id: string): AccountRecord | Answer {
	return state.account(id) ?? ACCOUNT_NOT_FOUND(id);
}

function isAnswer(value: AccountRecord | Answer): value is Answer {
	return 'status' in value && !('id' in value);
}

const accountRoutes: Record<string, Handler> = {
	'GET /api/v3/connected_accounts': ({ query, state, apiVersion }) => {
		const filters: Array<[string[], (a: AccountRecord) => string]> = [
			[list(query.toolkit_slugs), (a) => a.toolkit],
			[list(query.statuses), (a) => a.status],
			[list(query.user_ids), (a) => a.user_id],
			[list(query.auth_config_ids), (a) => a.auth_config_id],
			[list(query.connected_account_ids), (a) => a.id],
		];
		const matching = state.accounts.filter((a) =>
			filters.every(([wanted, field]) => wanted.length === 0 || wanted.includes(field(a))),
		);
		const sorted = sortBy(matching, query.order_by, query.order_direction, 'created_at');
		const page = cursorPage(sorted, query.cursor, query.limit, 20);
		if (!page) return INVALID_CURSOR();
		const { slice, ...rest } = page;
		return ok(200, { items: slice.map((a) => accountView(state, a, apiVersion)), ...rest });
	},

	'GET /api/v3/connected_accounts/{nanoid}': ({ params, state, apiVersion }) => {
		const account = found(state, params.nanoid);
		if (isAnswer(account)) return account;
		state.poll(account);
		state.answered(account);
		return ok(200, { ...accountView(state, account, apiVersion), params: {} });
	},

	'DELETE /api/v3/connected_accounts/{nanoid}': ({ params, query, state }) => {
		const account = found(state, params.nanoid);
		if (isAnswer(account)) return account;
		state.accounts = state.accounts.filter((other) => other !== account);
		state.pending.delete(account.id);
		// Only v3.1's spec has the parameter: a v3 request with it never gets here.
		const revoke = query.revoke_on_delete === true;
		return ok(200, { success: true, ...(revoke ? { revoke_job_id: `rj_${randomUUID()}` } : {}) });
	},

	'PATCH /api/v3/connected_accounts/{nanoId}/status': ({ params, body, state }) => {
		const account = found(state, params.nanoId);
		if (isAnswer(account)) return account;
		const { enabled } = body as { enabled: boolean };
		// The spec: "If enabled=true, the account status is set to ACTIVE; if enabled=false, the
		// status is set to INACTIVE", whatever the status was (an EXPIRED or FAILED one too).
		account.is_disabled = !enabled;
		state.setStatus(account, enabled ? 'ACTIVE' : 'INACTIVE');
		return ok(200, { success: true });
	},

	'POST /api/v3/connected_accounts/{nanoid}/refresh': ({ params, query, body, state, baseUrl }) => {
		const account = found(state, params.nanoid);
		if (isAnswer(account)) return account;
		const given = (body as { redirect_url?: string } | undefined)?.redirect_url;
		const callback =
			given ??
			(typeof query.redirect_url === 'string' ? query.redirect_url : undefined) ??
			state.linkOf(account.id)?.callback_url;
		state.pending.delete(account.id);
		state.setStatus(account, 'INITIATED');
		const link = state.newLink(account, baseUrl, callback);
		return ok(200, { id: account.id, status: account.status, redirect_url: link.redirect_url });
	},

	'POST /api/v3/connected_accounts': ({ body: raw, state, baseUrl }) => {
		const body = raw as AccountBody;
		const config = state.authConfigs.get(body.auth_config.id);
		if (!config) return AUTH_CONFIG_NOT_FOUND(body.auth_config.id);
		const given = body.connection.state;
		const status = given?.val?.status ?? 'INITIATED';
		const account = state.addAccount(body.connection.user_id ?? 'default', config.id, { status });
		const redirect = status === 'INITIATED' ? state.newLink(account, baseUrl).redirect_url : null;
		return ok(201, {
			id: account.id,
			connectionData: given ?? connectionState(status),
			status,
			redirect_url: redirect,
			redirect_uri: redirect,
			deprecated: { uuid: randomUUID(), authConfigUuid: config.uuid },
		});
	},

	'POST /api/v3/connected_accounts/link': ({ body: raw, state, baseUrl }) => {
		const body = raw as LinkBody;
		const config = state.authConfigs.get(body.auth_config_id);
		if (!config) return AUTH_CONFIG_NOT_FOUND(body.auth_config_id);
		const owner = { user_id: body.user_id, toolkit: config.toolkit };
		if (body.alias !== undefined && aliasTaken(state, owner, body.alias)) {
			return fail(
				400,
				`Alias ${body.alias} is already used by another ${config.toolkit} account of user ${body.user_id}`,
				'Choose an alias unique per user and toolkit.',
			);
		}
		const account = state.addAccount(body.user_id, config.id, {
			status: 'INITIATED',
			alias: body.alias,
		});
		const link = state.newLink(account, baseUrl, body.callback_url);
		return ok(201, {
			link_token: link.token,
			redirect_url: link.redirect_url,
			expires_at: link.expires_at,
			connected_account_id: account.id,
		});
	},
};

const authConfigRoutes: Record<string, Handler> = {
	'GET /api/v3/auth_configs': ({ query, state }) => {
		// The spec: toolkit_slug is one string (its description: comma-separated slugs); search
		// matches the name only ("Search auth configs by name").
		const slugs = typeof query.toolkit_slug === 'string' ? query.toolkit_slug : '';
		const toolkits = list(slugs).map((slug) => slug.toLowerCase());
		const search = typeof query.search === 'string' ? query.search.toLowerCase() : '';
		const managed = query.is_composio_managed;
		const matching = [...state.authConfigs.values()].filter(
			(c) =>
				(toolkits.length === 0 || toolkits.includes(c.toolkit.toLowerCase())) &&
				(search === '' || c.name.toLowerCase().includes(search)) &&
				(managed === undefined || String(c.is_composio_managed) === String(managed)),
		);
		const page = cursorPage(matching, query.cursor, query.limit, 20);
		if (!page) return INVALID_CURSOR();
		const { slice, ...rest } = page;
		return ok(200, { items: slice.map((c) => authConfigView(state, c)), ...rest });
	},

	'GET /api/v3/auth_configs/{nanoid}': ({ params, state }) => {
		const config = state.authConfigs.get(params.nanoid);
		return config ? ok(200, authConfigView(state, config)) : AUTH_CONFIG_NOT_FOUND(params.nanoid);
	},

	'POST /api/v3/auth_configs': ({ body: raw, state }) => {
		const body = raw as AuthConfigBody;
		const custom = body.auth_config?.type === 'use_custom_auth';
		const config = state.addAuthConfig({
			toolkit: body.toolkit.slug,
			name: body.auth_config?.name,
			auth_scheme: custom ? body.auth_config?.authScheme : 'OAUTH2',
			is_composio_managed: !custom,
		});
		return ok(201, {
			toolkit: { slug: config.toolkit },
			auth_config: {
				id: config.id,
				auth_scheme: config.auth_scheme,
				is_composio_managed: config.is_composio_managed,
				restrict_to_following_tools: [],
			},
		});
	},
};

export const connectionRoutes: Record<string, Handler> = {
	...accountRoutes,
	...v31Keys(accountRoutes),
	...authConfigRoutes,
};
