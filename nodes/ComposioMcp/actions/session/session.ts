import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemContext } from '../common';
import { requireV31 } from '../common';

/** The Session ID parameter of every operation on an existing session. */
export function sessionIdParameter(operation: string): INodeProperties {
	return {
		displayName: 'Session ID',
		name: 'sessionId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. trs_abc123 or {{ $json.sessionId }}',
		description: "The Tool Router session, as Create returned it ('sessionId')",
		displayOptions: { show: { resource: ['session'], operation: [operation] } },
	};
}

/**
 * A session as Create and Get output it: Composio's session, plus `sessionId` and `mcpUrl` at the
 * top, the key Instance → Create gives with Include MCP URL, so a workflow switches by changing one
 * node.
 */
export function sessionOutput(session: IDataObject): IDataObject {
	const mcp = session.mcp as IDataObject | undefined;
	return {
		...session,
		sessionId: session.session_id ?? null,
		mcpUrl: mcp?.url ?? null,
	};
}

/**
 * Session › Update and Delete: Composio has their routes only under /api/v3.1, so with a v3
 * credential the item fails before anything is sent (the credential's version is the one switch
 * of which API the node speaks; a request to v3.1 behind it would answer in v3.1's shapes).
 */
export function requireSessionLifecycle(
	this: IExecuteFunctions,
	item: ItemContext,
	operation: string,
): void {
	requireV31.call(
		this,
		item,
		`Session › ${operation}`,
		"Composio has this route only in API v3.1: switch the credential's API Version to V3.1 (Session › Create and Get then send and show connected accounts as lists per toolkit).",
	);
}
