/* eslint-disable import-x/no-unresolved -- the MCP SDK's subpath exports, which the import resolver of n8n's lint config cannot read (TypeScript and Node resolve them) */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { useSimulatorServer } from '../support/simulatorServer';
import { callSimulator } from './call';
import { loadSpec } from './index';
import { PERMISSIONS } from './scopes';

const TRIGGERS_KEY = 'sim-scoped-triggers-webhooks';

const server = useSimulatorServer({
	scopedKeys: { [TRIGGERS_KEY]: { triggers: 'readwrite', webhooks: 'readwrite' } },
});
const sim = () => server.sim;

afterEach(() => {
	// Every refusal, on routes whose spec documents a 403 or not, is a valid Composio answer.
	expect(sim().violations).toEqual([]);
});

const as = (key: string) => (method: string, path: string, body?: unknown) =>
	callSimulator(sim(), method, path, body, { 'x-api-key': key });

function expectScopeRefusal(answer: Awaited<ReturnType<typeof callSimulator>>): void {
	expect(answer.status).toBe(403);
	expect(answer.json.error).toMatchObject({
		status: 403,
		code: expect.any(Number),
		request_id: expect.any(String),
		message: expect.any(String),
		suggested_fix: expect.any(String),
	});
}

describe('the route table', () => {
	it('gives every operation of the spec an area and Read or Write, and names nothing else', () => {
		const operations = loadSpec().operations.map((op) => `${op.method} ${op.template}`);
		expect(Object.keys(PERMISSIONS).sort()).toEqual([...new Set(operations)].sort());
	});
});

describe('a key scoped to triggers and webhooks', () => {
	const call = as(TRIGGERS_KEY);

	it('reads and writes its areas, on v3 and v3.1', async () => {
		const created = await call('POST', '/api/v3/webhook_subscriptions', {
			webhook_url: 'https://n8n.example.com/webhook/x',
			enabled_events: ['composio.trigger.message'],
		});
		expect(created.status).toBe(201);
		expect((await call('GET', '/api/v3.1/webhook_subscriptions')).status).toBe(200);
		expect((await call('GET', '/api/v3/trigger_instances/active')).status).toBe(200);
		expect((await call('GET', '/api/v3/triggers_types')).status).toBe(200);
	});

	it('gets a 403 envelope outside them, before the request is validated or handled', async () => {
		expectScopeRefusal(await call('GET', '/api/v3/mcp/servers?limit=1'));
		expectScopeRefusal(await call('GET', '/api/v3.1/mcp/servers?limit=1'));
		expectScopeRefusal(await call('POST', '/api/v3/tool_router/session', { user_id: 'ada' }));
		// An invalid body is refused for the scope, not validated: nothing was created either.
		expectScopeRefusal(await call('POST', '/api/v3/connected_accounts/link', {}));
		expect(sim().sessionsOf('ada')).toEqual([]);
	});
});

describe('levels and areas', () => {
	it('Read only reads, Write only writes, on routes that document no 403', async () => {
		sim().addKey('read-hooks', { webhooks: 'read' });
		sim().addKey('write-hooks', { webhooks: 'write' });
		const body = {
			webhook_url: 'https://n8n.example.com/hook',
			enabled_events: ['composio.trigger.message'],
		};
		expectScopeRefusal(await as('read-hooks')('POST', '/api/v3/webhook_subscriptions', body));
		expect((await as('write-hooks')('POST', '/api/v3/webhook_subscriptions', body)).status).toBe(
			201,
		);
		expect((await as('read-hooks')('GET', '/api/v3/webhook_subscriptions')).status).toBe(200);
		expectScopeRefusal(await as('write-hooks')('GET', '/api/v3/webhook_subscriptions'));
	});

	it('grants the legacy MCP server routes by "MCP servers (legacy)" or by "Sessions"', async () => {
		sim().addServer({ id: 'srv-1' });
		sim().addKey('legacy', { mcp_servers: 'read' });
		sim().addKey('sessions', { sessions: 'read' });
		sim().addKey('accounts', { connected_accounts: 'readwrite' });
		expect((await as('legacy')('GET', '/api/v3/mcp/srv-1')).status).toBe(200);
		expect((await as('sessions')('GET', '/api/v3/mcp/srv-1')).status).toBe(200);
		expectScopeRefusal(await as('accounts')('GET', '/api/v3/mcp/srv-1'));
		expectScopeRefusal(await as('legacy')('DELETE', '/api/v3/mcp/srv-1'));
	});

	it('runs a session\'s tools with "Tool execution: write" or "Sessions: write", creates one only with the latter', async () => {
		const session = await callSimulator(sim(), 'POST', '/api/v3/tool_router/session', {
			user_id: 'ada',
		});
		const execute = `/api/v3/tool_router/session/${session.json.session_id}/execute`;
		const body = { tool_slug: 'GITHUB_WHOAMI', arguments: {} };
		sim().addKey('tools', { tool_execution: 'write' });
		sim().addKey('sessions', { sessions: 'write' });
		expect((await as('tools')('POST', execute, body)).status).not.toBe(403);
		expect((await as('sessions')('POST', execute, body)).status).not.toBe(403);
		expectScopeRefusal(await as('tools')('POST', '/api/v3/tool_router/session', { user_id: 'b' }));
		expect(
			(await as('sessions')('POST', '/api/v3/tool_router/session', { user_id: 'b' })).status,
		).toBe(201);
	});

	it('refuses to make a key Composio does not offer (Tools is Read only, Tool execution Write only)', () => {
		expect(() => sim().addKey('bad', { tools: 'write' })).toThrow('tools cannot be write');
		expect(() => sim().addKey('bad', { tool_execution: 'read' })).toThrow(
			'tool_execution cannot be read',
		);
	});
});

describe('revoked and unknown keys', () => {
	it('answers 401 to a revoked key, scoped or full, and to a key never issued', async () => {
		sim().addKey('soon-gone', { sessions: 'readwrite' });
		expect((await as('soon-gone')('GET', '/api/v3/mcp/servers')).status).toBe(200);
		sim().revokeKey('soon-gone');
		sim().revokeKey(sim().apiKey);
		for (const key of ['soon-gone', sim().apiKey, 'never-issued']) {
			const answer = await as(key)('GET', '/api/v3/mcp/servers');
			expect(answer.status).toBe(401);
			expect(answer.json.error).toMatchObject({ status: 401, message: 'Invalid API key' });
		}
	});

	it('reset() restores the keys it started with and forgets those added since', async () => {
		sim().addKey('added', { sessions: 'read' });
		sim().revokeKey(TRIGGERS_KEY);
		sim().reset();
		expect((await as('added')('GET', '/api/v3/mcp/servers')).status).toBe(401);
		expect((await as(TRIGGERS_KEY)('GET', '/api/v3/triggers_types')).status).toBe(200);
		expect((await as(sim().apiKey)('GET', '/api/v3/mcp/servers')).status).toBe(200);
	});
});

describe('MCP endpoints', () => {
	async function listTools(url: string, key: string): Promise<string[]> {
		const client = new Client({ name: 'scopes-test', version: '1.0.0' });
		await client.connect(
			new StreamableHTTPClientTransport(new URL(url), {
				requestInit: { headers: { 'x-api-key': key } },
			}),
		);
		try {
			return (await client.listTools()).tools.map((tool) => tool.name);
		} finally {
			await client.close();
		}
	}

	it("serve a session's URL to a key with Sessions, and refuse one without it with a 403", async () => {
		sim().connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		const { json: session } = await callSimulator(sim(), 'POST', '/api/v3/tool_router/session', {
			user_id: 'ada',
			toolkits: { enable: ['github'] },
		});
		sim().addKey('sessions', { sessions: 'readwrite' });
		expect(await listTools(session.mcp.url, 'sessions')).toEqual(['GITHUB_WHOAMI']);

		const path = new URL(session.mcp.url).pathname;
		expectScopeRefusal(await as(TRIGGERS_KEY)('POST', path, { jsonrpc: '2.0', id: 1 }));
		expect((await as('never-issued')('POST', path, { jsonrpc: '2.0', id: 1 })).status).toBe(401);
	});
});
