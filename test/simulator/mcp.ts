/* eslint-disable @n8n/community-nodes/no-restricted-imports, import-x/no-unresolved -- test tooling: it serves MCP on loopback with the MCP SDK; these rules are n8n Cloud's runtime rules for node code, which this file is not; the MCP SDK's subpath exports, which the import resolver of n8n's lint config cannot read (TypeScript and Node resolve them) */
/**
 * The MCP endpoints behind the URLs the simulator hands out, real MCP over Streamable HTTP (the
 * MCP SDK's server, stateless): a session's URL (`/tool_router/v3/<session>/mcp`) and a server's
 * URL for a user (`/v3/mcp/<server>?user_id=…`, from Generate URL and Include MCP URL). Each
 * checks `x-api-key`, lists the tools of its toolkits where the user's account is ACTIVE and
 * enabled, and answers a call from the simulator's state.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

import { executeTool, sessionAccount, sessionToolkits, whoamiTool } from './sessions';
import type { State } from './state';
import type { RecordedRequest, SessionRecord } from './types';

/** Who an MCP endpoint serves: a session, or a server's user standing in as one. */
function endpointSession(state: State, request: RecordedRequest): SessionRecord | undefined {
	const session = /^\/tool_router\/v3\/([^/]+)\/mcp$/.exec(request.path);
	if (session) return state.sessions.get(session[1]);
	const server = /^\/v3\/mcp\/([^/]+)$/.exec(request.path);
	if (!server) return undefined;
	const record = state.liveServer(server[1]);
	const userId = request.query.user_id;
	if (!record || !userId) return undefined;
	if (!state.instancesOf(record.id).some((instance) => instance.instance_id === userId)) {
		return undefined;
	}
	const toolkits = new Set([
		...record.toolkits,
		...record.auth_config_ids.map((id) => state.authConfigs.get(id)?.toolkit ?? ''),
	]);
	return {
		session_id: '',
		user_id: userId,
		enable: [...toolkits].filter(Boolean),
		auth_configs: {},
		connected_accounts: {},
		manage_connections: { enabled: false },
	};
}

/**
 * The toolkits whose tools an endpoint lists: those where the user's account (the one the session
 * uses) is ACTIVE and enabled. Calling another toolkit's tool still answers, with the tool's error.
 */
function usableToolkits(state: State, session: SessionRecord): string[] {
	state.settle();
	return sessionToolkits(state, session).filter((toolkit) => {
		const account = sessionAccount(state, session, toolkit);
		return account?.status === 'ACTIVE' && !account.is_disabled;
	});
}

export function isMcpPath(path: string): boolean {
	return /^\/tool_router\/v3\/[^/]+\/mcp$/.test(path) || /^\/v3\/mcp\/[^/]+$/.test(path);
}

function refuse(res: ServerResponse, status: number, message: string): void {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify({ error: { message, status } }));
}

/** Answers one MCP request (the simulator has read its body already). */
export async function serveMcp(
	req: IncomingMessage,
	res: ServerResponse,
	request: RecordedRequest,
	state: State,
	apiKey: string,
): Promise<void> {
	if (request.headers['x-api-key'] !== apiKey) {
		refuse(res, 401, 'Invalid or missing x-api-key');
		return;
	}
	const session = endpointSession(state, request);
	if (!session) {
		refuse(res, 404, 'No MCP endpoint at this URL');
		return;
	}
	const server = new Server(
		{ name: 'composio-simulator', version: '1.0.0' },
		{ capabilities: { tools: {} } },
	);
	server.setRequestHandler(ListToolsRequestSchema, async () => ({
		tools: usableToolkits(state, session).map((toolkit) => ({
			name: whoamiTool(toolkit),
			description: `Who the user is on ${toolkit}: their connected account`,
			inputSchema: { type: 'object' as const, properties: {} },
		})),
	}));
	server.setRequestHandler(CallToolRequestSchema, async (call) => {
		const result = executeTool(
			state,
			session,
			call.params.name,
			(call.params.arguments ?? {}) as Record<string, unknown>,
		);
		return {
			content: [{ type: 'text' as const, text: result.error ?? JSON.stringify(result.data) }],
			isError: result.error !== null,
		};
	});
	// Stateless: one server and transport per request, closed with the answer.
	const transport = new StreamableHTTPServerTransport({
		sessionIdGenerator: undefined,
		enableJsonResponse: true,
	});
	res.once('close', () => {
		void transport.close();
		void server.close();
	});
	await server.connect(transport);
	await transport.handleRequest(req, res, request.body);
}
