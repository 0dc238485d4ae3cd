/**
 * The MCP URL is proven, not assumed: in a real n8n, Composio MCP makes a user's MCP URL (Session ›
 * Create, and Instance › Create with Include MCP URL), and an AI Agent whose MCP Client Tool (n8n's
 * own node: HTTP Streamable, Header Auth x-api-key) takes `{{ $json.mcpUrl }}` lists the tools at
 * that URL and calls one, through the simulator's real MCP endpoint.
 */
import { useE2eEnvironment } from './environment';
import type { ChatRequest, Reply } from './fake-openai';
import mcpChain from './workflows/mcp-chain.json';
import { forThisN8n, nodeOutputs } from './n8n';

const SERVER_ID = 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b';
const USER = 'ada@example.com';

/**
 * The fake model: it calls the GitHub tool the MCP Client Tool offers (whatever prefix n8n gives
 * its name), then answers with what the tool returned.
 */
function model(request: ChatRequest): Reply {
	const result = request.messages.find((message) => message.role === 'tool');
	if (result) return { content: `Tool said: ${String(result.content)}` };
	const tool = (request.tools ?? []).find((candidate) =>
		candidate.function.name.includes('GITHUB_WHOAMI'),
	);
	if (!tool) throw new Error(`no GitHub tool offered: ${JSON.stringify(request.tools ?? [])}`);
	return { toolCall: { name: tool.function.name, arguments: {} } };
}

describe('a user’s MCP URL in n8n’s MCP Client Tool', () => {
	const env = useE2eEnvironment({
		composioCredentialName: 'Composio (simulator)',
		openAiCredentialName: 'OpenAI (fake)',
		model,
		workflows: [forThisN8n(mcpChain)],
		async seed({ sim }) {
			sim.connectAccount(USER, 'ac_mcp_github', { toolkit: 'github' });
			sim.addServer({ id: SERVER_ID, name: 'MCP chain', auth_config_ids: ['ac_mcp_github'] });
		},
		extraCredentials: (apiKey) => [
			{
				id: 'e2eMcpHeaderCred1',
				name: 'Composio MCP key',
				type: 'httpHeaderAuth',
				data: { name: 'x-api-key', value: apiKey },
			},
		],
	});

	it('lists and calls a tool at a session’s URL and at an instance’s URL', async () => {
		const result = await env.n8n.execute(mcpChain.id);

		expect(result.code).toBe(0);
		expect(result.run?.data.resultData.error).toBeUndefined();
		for (const agent of ['Agent (session)', 'Agent (instance)']) {
			const [answer] = nodeOutputs(result.run, agent);
			// The tool's JSON comes back inside n8n's own JSON: read it without the escapes.
			const output = String(answer![0].json.output).replace(/\\/g, '');
			expect(output).toContain('Tool said:');
			expect(output).toContain(`"user_id":"${USER}"`);
			expect(output).toContain('"toolkit":"github"');
		}
		// The MCP endpoints were called with the key, for the session's URL and the server's.
		const mcp = env.sim.requests.filter((r) => r.method === 'POST' && /\/mcp(\/|$)/.test(r.path));
		expect(mcp.some((r) => r.path.startsWith('/tool_router/v3/'))).toBe(true);
		expect(mcp.some((r) => r.path === `/v3/mcp/${SERVER_ID}`)).toBe(true);
		for (const request of mcp) expect(request.headers['x-api-key']).toBe(env.apiKey);
		const calls = mcp.filter((r) => (r.body as { method?: string })?.method === 'tools/call');
		expect(calls).toHaveLength(2);
	});
});
