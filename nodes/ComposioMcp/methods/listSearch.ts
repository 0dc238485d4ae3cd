import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { ComposioClient } from '../../shared/transport';
import { authConfigLabel } from './labels';

const PAGE_SIZE = 50;

/** Servers for the Server picker, filtered by Composio's own name search, a page at a time. */
export async function searchServers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = Math.max(1, Number(paginationToken) || 1);
	const qs: IDataObject = { page_no: page, limit: PAGE_SIZE };
	if (filter?.trim()) qs.name = filter.trim();

	const client = await ComposioClient.create(this);
	const response = await client.request({ method: 'GET', path: '/mcp/servers', qs });
	const servers = (Array.isArray(response.items) ? response.items : []) as IDataObject[];
	const totalPages = Number(response.total_pages) || 1;

	return {
		results: servers.map((server) => {
			const toolkits = Array.isArray(server.toolkits) ? (server.toolkits as string[]) : [];
			return {
				name: toolkits.length ? `${server.name} (${toolkits.join(', ')})` : String(server.name),
				value: String(server.id),
			};
		}),
		paginationToken: page < totalPages ? String(page + 1) : undefined,
	};
}

/** Auth configs for the Auth Config picker, filtered by Composio's own search, a page at a time. */
export async function searchAuthConfigs(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const qs: IDataObject = { limit: PAGE_SIZE };
	if (filter?.trim()) qs.search = filter.trim();
	if (paginationToken) qs.cursor = paginationToken;

	const client = await ComposioClient.create(this);
	const response = await client.request({ method: 'GET', path: '/auth_configs', qs });
	const configs = (Array.isArray(response.items) ? response.items : []) as IDataObject[];
	return {
		results: configs.map((config) => ({ name: authConfigLabel(config), value: String(config.id) })),
		paginationToken: nextCursor(response),
	};
}

/** Pages a filtered Connected Account search reads per call before handing back a cursor. */
const SEARCH_PAGES = 5;

/**
 * Connected accounts for the Connected Account picker, newest first, named by user, toolkit and
 * status. Composio's list has no text search: a filter is matched here against the user, toolkit,
 * status and ID, reading up to a few pages per call so a search does not come back empty while
 * more accounts follow.
 */
export async function searchConnectedAccounts(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const wanted = filter?.trim().toLowerCase() ?? '';
	const client = await ComposioClient.create(this);
	const results: INodeListSearchResult['results'] = [];
	let cursor = paginationToken || undefined;
	for (let page = 0; page < (wanted ? SEARCH_PAGES : 1); page++) {
		const response = await client.request({
			method: 'GET',
			path: '/connected_accounts',
			qs: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
		});
		const accounts = (Array.isArray(response.items) ? response.items : []) as IDataObject[];
		for (const account of accounts) {
			const toolkit = (account.toolkit as IDataObject | undefined)?.slug ?? '?';
			const name = `${String(account.user_id)} · ${String(toolkit)} · ${String(account.status)}`;
			const value = String(account.id);
			if (!wanted || `${name} ${value}`.toLowerCase().includes(wanted)) {
				results.push({ name, value });
			}
		}
		cursor = nextCursor(response);
		if (!cursor || results.length >= PAGE_SIZE) break;
	}
	return { results, paginationToken: cursor };
}

function nextCursor(response: IDataObject): string | undefined {
	const cursor = response.next_cursor;
	return typeof cursor === 'string' && cursor ? cursor : undefined;
}
