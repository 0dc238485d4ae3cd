import type { IDataObject } from 'n8n-workflow';

import type { ComposioContext, ComposioRequest } from './index';
import { composioApiRequest } from './index';

/** Composio's page size cap for MCP lists is not documented; 100 is accepted and keeps calls few. */
const MAX_PAGE_SIZE = 100;

export interface ListRequest extends ComposioRequest {
	/** Where the array sits in the answer: `items` for servers, `instances` for instances. */
	itemsKey: string;
	/** Stop after this many items; undefined returns all. */
	limit?: number;
	/** Stop at the first page holding an item for which this is true. */
	until?: (item: IDataObject) => boolean;
}

/** MCP lists page by number (`page_no`, 1-based) and say how many pages there are (`total_pages`). */
export async function requestAllPages(
	this: ComposioContext,
	list: ListRequest,
): Promise<IDataObject[]> {
	const { itemsKey, limit, until, ...request } = list;
	const pageSize = Math.min(MAX_PAGE_SIZE, limit ?? MAX_PAGE_SIZE);
	const results: IDataObject[] = [];
	for (let page = 1; ; page++) {
		const answer = await composioApiRequest.call(this, {
			...request,
			qs: { ...request.qs, page_no: page, limit: pageSize },
		});
		const items = Array.isArray(answer[itemsKey]) ? (answer[itemsKey] as IDataObject[]) : [];
		results.push(...items);
		if (limit !== undefined && results.length >= limit) return results.slice(0, limit);
		if (until && items.some(until)) return results;
		const totalPages = Number(answer.total_pages);
		// An empty page also ends the loop, so a wrong total_pages cannot make it spin.
		if (items.length === 0 || !Number.isFinite(totalPages) || page >= totalPages) return results;
	}
}

/** Connected accounts and auth configs page by cursor (`cursor` in, `next_cursor` out). */
export async function requestAllCursor(
	this: ComposioContext,
	request: ComposioRequest,
): Promise<IDataObject[]> {
	const results: IDataObject[] = [];
	const seen = new Set<string>();
	let cursor: string | undefined;
	do {
		const answer = await composioApiRequest.call(this, {
			...request,
			qs: { ...request.qs, limit: MAX_PAGE_SIZE, ...(cursor ? { cursor } : {}) },
		});
		results.push(...((Array.isArray(answer.items) ? answer.items : []) as IDataObject[]));
		cursor =
			typeof answer.next_cursor === 'string' && answer.next_cursor ? answer.next_cursor : undefined;
		if (cursor && seen.has(cursor)) break;
		if (cursor) seen.add(cursor);
	} while (cursor);
	return results;
}
