import type { IDataObject, INodeProperties } from 'n8n-workflow';

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
