import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { ComposioClient } from '../../shared/transport';

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
