/** Composio's two ways of paging a list, read to the end (or a limit) within documented bounds. */
import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ComposioRequest } from './request';

/** Sends one request of a list; the client's request(). */
export type Requester = (request: ComposioRequest) => Promise<IDataObject>;

/** Composio's spec gives no largest page size for any list: 100 keeps calls few (MCP lists take it). */
const MAX_PAGE_SIZE = 100;

/**
 * The most one item reads from one list: a server that always says there is another page must
 * not keep a run going forever (the README documents both numbers).
 */
export const MAX_PAGES = 500;
export const MAX_ITEMS = 50_000;

function tooLong(node: INode, request: ComposioRequest, said: string): NodeOperationError {
	return new NodeOperationError(
		node,
		`Return All stopped after ${MAX_PAGES} pages: the list goes on beyond what one item reads (${MAX_ITEMS.toLocaleString('en-US')} entries)`,
		{
			description: `Composio ${said}. Narrow the list with a filter or a search, or set a Limit.`,
			itemIndex: request.itemIndex,
		},
	);
}

/** Whether a page holds the very items of the page before it: a server ignoring the page asked for. */
function samePage(previous: IDataObject[] | undefined, items: IDataObject[]): boolean {
	return (
		previous !== undefined &&
		previous.length === items.length &&
		JSON.stringify(previous) === JSON.stringify(items)
	);
}

export interface ListRequest extends ComposioRequest {
	/** Where the array sits in the answer: `items` for servers, `instances` for instances. */
	itemsKey: string;
	/** Stop after this many items; undefined returns all. */
	limit?: number;
	/** Stop at the first page holding an item for which this is true. */
	until?: (item: IDataObject) => boolean;
}

/** MCP lists page by number (`page_no`, 1-based) and say how many pages there are (`total_pages`). */
export async function allPages(
	send: Requester,
	node: INode,
	list: ListRequest,
): Promise<IDataObject[]> {
	const { itemsKey, limit, until, ...request } = list;
	const pageSize = Math.min(MAX_PAGE_SIZE, limit ?? MAX_PAGE_SIZE);
	const results: IDataObject[] = [];
	let previous: IDataObject[] | undefined;
	for (let page = 1; ; page++) {
		if (page > MAX_PAGES || results.length >= MAX_ITEMS) {
			throw tooLong(node, request, `still had pages after page ${page - 1}`);
		}
		const answer = await send({
			...request,
			qs: { ...request.qs, page_no: page, limit: pageSize },
		});
		const items = Array.isArray(answer[itemsKey]) ? (answer[itemsKey] as IDataObject[]) : [];
		// A repeated page would only repeat items: the list has ended, whatever total_pages says.
		if (samePage(previous, items)) return results;
		previous = items;
		results.push(...items);
		if (limit !== undefined && results.length >= limit) return results.slice(0, limit);
		if (until && items.some(until)) return results;
		const totalPages = Number(answer.total_pages);
		// An empty page also ends the loop, so a wrong total_pages cannot make it spin.
		if (items.length === 0 || !Number.isFinite(totalPages) || page >= totalPages) return results;
	}
}

/** A cursor-paged list: up to `limit` entries (else all), `pageSize` a page (else 100). */
export type CursorListRequest = ComposioRequest & { limit?: number; pageSize?: number };

/**
 * Composio's other lists page by cursor (`cursor` in, `next_cursor` out): connected accounts, auth
 * configs, a session's toolkits, trigger types, webhook subscriptions. A list whose largest page
 * Composio documents may ask for it (`pageSize`: auth configs take 200).
 */
export async function allCursorPages(
	send: Requester,
	node: INode,
	{ limit, pageSize: largest = MAX_PAGE_SIZE, ...request }: CursorListRequest,
): Promise<IDataObject[]> {
	const pageSize = Math.min(largest, limit ?? largest);
	const results: IDataObject[] = [];
	const seen = new Set<string>();
	let cursor: string | undefined;
	let pages = 0;
	do {
		if (++pages > MAX_PAGES || results.length >= MAX_ITEMS) {
			throw tooLong(node, request, `still gave a next cursor after page ${pages - 1}`);
		}
		const answer = await send({
			...request,
			qs: { ...request.qs, limit: pageSize, ...(cursor ? { cursor } : {}) },
		});
		results.push(...((Array.isArray(answer.items) ? answer.items : []) as IDataObject[]));
		if (limit !== undefined && results.length >= limit) return results.slice(0, limit);
		cursor =
			typeof answer.next_cursor === 'string' && answer.next_cursor ? answer.next_cursor : undefined;
		if (cursor && seen.has(cursor)) break;
		if (cursor) seen.add(cursor);
	} while (cursor);
	return results;
}
