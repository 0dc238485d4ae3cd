import continueErrorOutput from '../../examples/onboarding-error-output.json';
import onboarding from '../../examples/onboarding.json';
import agentTool from './workflows/agent-tool.json';
import serverLifecycle from './workflows/server-lifecycle.json';
import stopWorkflow from './workflows/stop-workflow.json';
import { useE2eEnvironment } from './environment';
import type { ChatRequest, Reply } from './fake-openai';
import { forThisN8n, isN8n1, nodeOutputs, nodeTasks, pairedIndex, type RunItem } from './n8n';

// Must match the workflows (examples/*.json and ./workflows).
const SERVER_ID = '3f2b9c4e-8d1a-4e6f-b7c2-5a9e0d1c2b3a';
const AUTH_CONFIG = 'ac_e2e_github';
const NEW_USER = 'ada@example.com';
const EXISTING_USER = 'grace@example.com';
const UNCONNECTED_USER = 'linus@example.com';

// examples/onboarding.json: a server with two toolkits; Linus has connected GitHub only.
const ONBOARDING_SERVER = '9d4e7a10-2b3c-4d5e-8f60-7a8b9c0d1e2f';
const ONBOARDING_GITHUB = 'ac_onb_github';
const ONBOARDING_SLACK = 'ac_onb_slack';
const CALLBACK_URL = 'https://example.com/connected';
const ONBOARDING_NODE = 'Give each user an MCP instance';

// ./workflows/server-lifecycle.json
const LIFECYCLE_NAME = 'E2E Lifecycle';
const LIFECYCLE_RENAMED = 'E2E Lifecycle Renamed';

// ./workflows/agent-tool.json
const AGENT_SERVER = 'c7a0e3d2-5b4f-4e1a-9d8c-6f5e4d3c2b1a';
const AGENT_USER = 'hopper@example.com';
const AGENT_UNCONNECTED_USER = 'turing@example.com';
const TOOL_NODE = 'Create MCP instance';

const MISSING_ACCOUNTS =
	'The user does not have connected accounts for all required auth configurations.';
const DUPLICATE = 'An instance with this ID already exists for the server.';
const INSTANCES_PATH = `/api/v3/mcp/servers/${SERVER_ID}/instances`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The success and error outputs of a node whose On Error is "Continue (using error output)".
 * n8n moves a returned item to the error output when its JSON holds nothing but an error (1.x:
 * only `error` and `message`; 2.x also `details`) and merges the input item's JSON into it; the
 * node's failed items are `{ error: { message, … } }`, routed alike on both versions.
 */
function outputsOf(
	run: Parameters<typeof nodeOutputs>[0],
	node: string,
): { success: RunItem[]; errors: RunItem[] } {
	// Failed items carry one `error` object, which n8n 1.x and 2.x both route to the error output.
	const [main, errorOutput] = nodeOutputs(run, node);
	return { success: main ?? [], errors: errorOutput ?? [] };
}

function json(items: RunItem[] | null | undefined): Array<Record<string, unknown>> {
	return (items ?? []).map((item) => item.json);
}

/**
 * The fake model, asked to onboard two users: it calls the one tool it is offered for the first
 * user (not connected, so the tool's create fails), then for the second, then answers with both
 * results.
 * The tool's only parameter is the node's `$fromAI('userId')`.
 */
function agentModel(request: ChatRequest): Reply {
	const results = request.messages.filter((message) => message.role === 'tool');
	const tools = request.tools ?? [];
	if (tools.length !== 1) throw new Error(`expected one tool, got ${tools.length}`);
	const users = [AGENT_UNCONNECTED_USER, AGENT_USER];
	if (results.length < users.length) {
		return {
			toolCall: { name: tools[0].function.name, arguments: { userId: users[results.length] } },
		};
	}
	return { content: `Done. ${results.map((result) => String(result.content)).join(' ')}` };
}

describe('Composio MCP in a real n8n', () => {
	/** Grace's instance on the onboarding server, made before the run. */
	let onboardingExisting: Record<string, unknown>;

	const env = useE2eEnvironment({
		composioCredentialName: 'Composio (simulator)',
		openAiCredentialName: 'OpenAI (fake)',
		model: agentModel,
		workflows: [
			continueErrorOutput,
			stopWorkflow,
			onboarding,
			serverLifecycle,
			forThisN8n(agentTool),
		],
		async seed({ sim, createInstance }) {
			sim.addServer({ id: SERVER_ID, name: 'E2E Server', auth_config_ids: [AUTH_CONFIG] });
			sim.connectAccount(NEW_USER, AUTH_CONFIG);
			sim.connectAccount(EXISTING_USER, AUTH_CONFIG);
			await createInstance(SERVER_ID, EXISTING_USER);

			sim.addServer({
				id: ONBOARDING_SERVER,
				name: 'Onboarding',
				auth_config_ids: [ONBOARDING_GITHUB, ONBOARDING_SLACK],
				toolkits: ['github', 'slack'],
			});
			for (const user of [NEW_USER, EXISTING_USER]) {
				sim.connectAccount(user, ONBOARDING_GITHUB);
				sim.connectAccount(user, ONBOARDING_SLACK);
			}
			sim.connectAccount(UNCONNECTED_USER, ONBOARDING_GITHUB);
			onboardingExisting = await createInstance(ONBOARDING_SERVER, EXISTING_USER);

			sim.addServer({ id: AGENT_SERVER, name: 'Agent Tools', auth_config_ids: [AUTH_CONFIG] });
			sim.connectAccount(AGENT_USER, AUTH_CONFIG);
		},
	});

	it('routes each item to the success or the error output, paired to its input', async () => {
		const before = env.sim.requests.length;
		const result = await env.n8n.execute(continueErrorOutput.id);

		expect(result.code).toBe(0);
		expect(result.run?.data.resultData.error).toBeUndefined();
		const { success, errors } = outputsOf(result.run, 'Composio MCP');

		expect(success).toHaveLength(1);
		expect(success![0].json).toEqual({
			id: expect.any(String),
			instance_id: NEW_USER,
			mcp_server_id: SERVER_ID,
			created_at: expect.any(String),
			updated_at: expect.any(String),
		});
		expect(pairedIndex(success![0])).toBe(0);

		expect(errors).toHaveLength(3);
		const byInput = new Map(errors!.map((item) => [pairedIndex(item), item.json]));
		expect([...byInput.keys()].sort()).toEqual([1, 2, 3]);
		// n8n's engine sends an item to the error output only when its JSON holds nothing but an
		// error, and reduces any item that sets `item.error` to `{ error: message }`: every fact the
		// error branch needs is in one `error` object. The engine merges the input item's JSON in.
		expect(byInput.get(1)).toEqual({
			userId: EXISTING_USER,
			error: expect.objectContaining({
				message: DUPLICATE,
				httpCode: '409',
				requestId: expect.any(String),
				serverId: SERVER_ID,
				userId: EXISTING_USER,
			}),
		});
		expect(byInput.get(2)).toEqual({
			userId: UNCONNECTED_USER,
			error: expect.objectContaining({
				message: MISSING_ACCOUNTS,
				httpCode: '403',
				requestId: expect.any(String),
				serverId: SERVER_ID,
				userId: UNCONNECTED_USER,
			}),
		});
		expect(byInput.get(3)).toEqual({
			userId: '   ',
			error: expect.objectContaining({
				message: expect.stringMatching(/user id/i),
				httpCode: null,
				requestId: null,
				serverId: SERVER_ID,
			}),
		});

		// Both branches reached their next node.
		expect(nodeOutputs(result.run, 'Instance created')[0]).toHaveLength(1);
		expect(nodeOutputs(result.run, 'Needs attention')[0]).toHaveLength(3);

		// The blank id failed before any request; the others were sent once each, exactly as the API wants.
		// Items run concurrently: the three creates may arrive in any order.
		const sent = env.sim.requests.slice(before);
		const bodies = sent.map((r) => [r.method, r.rawPath, (r.body as { user_id: string }).user_id]);
		expect(bodies.sort()).toEqual(
			[
				['POST', INSTANCES_PATH, NEW_USER],
				['POST', INSTANCES_PATH, EXISTING_USER],
				['POST', INSTANCES_PATH, UNCONNECTED_USER],
			].sort(),
		);
		for (const request of sent) {
			expect(request.headers['x-api-key']).toBe(env.apiKey);
			expect(request.headers['x-user-api-key']).toBeUndefined();
			expect(request.headers.authorization).toBeUndefined();
		}
		expect(env.sim.createCount(SERVER_ID, NEW_USER)).toBe(1);
		expect(env.sim.createCount(SERVER_ID, EXISTING_USER)).toBe(1);
		expect(
			env.sim
				.instancesOf(SERVER_ID)
				.map((i) => i.instance_id)
				.sort(),
		).toEqual([EXISTING_USER, NEW_USER].sort());
	});

	it("fails the run with Composio's message when On Error is Stop Workflow", async () => {
		const before = env.sim.requests.length;
		const result = await env.n8n.execute(stopWorkflow.id);

		expect(result.code).toBe(1);
		expect(result.run?.data.resultData.error).toMatchObject({
			message: MISSING_ACCOUNTS,
			httpCode: '403',
		});
		expect(result.stdout + result.stderr).toContain(MISSING_ACCOUNTS);
		expect(env.sim.requests.slice(before).map((r) => [r.method, r.rawPath, r.body])).toEqual([
			['POST', INSTANCES_PATH, { user_id: UNCONNECTED_USER }],
		]);
	});

	it("sends its requests through n8n's SSRF guard (n8n 2.x; 1.x has none)", async () => {
		const before = env.sim.requests.length;
		// Same instance, loopback no longer allowed.
		const result = await env.n8n.execute(stopWorkflow.id, { N8N_SSRF_ALLOWED_IP_RANGES: '' });

		expect(result.code).toBe(1);
		if (isN8n1()) {
			// n8n 1.x has no SSRF protection (N8N_SSRF_* mean nothing to it): the request reaches
			// Composio, which refuses it as in the test above.
			expect(result.run?.data.resultData.error).toMatchObject({ message: MISSING_ACCOUNTS });
			expect(env.sim.requests.slice(before).map((r) => [r.method, r.rawPath])).toEqual([
				['POST', INSTANCES_PATH],
			]);
		} else {
			// n8n's own refusal, word for word: not retried, not turned into a network error.
			expect(result.run?.data.resultData.error?.message).toMatch(/restricted IP address/);
			expect(result.run?.data.resultData.error?.description).toMatch(/not allowed/);
			expect(env.sim.requests.length).toBe(before);
		}
	});

	it('onboards users with examples/onboarding.json: MCP URL, existing instance or connect links', async () => {
		const before = env.sim.requests.length;
		const result = await env.n8n.execute(onboarding.id);

		expect(result.code).toBe(0);
		expect(result.run?.data.resultData.error).toBeUndefined();
		const { success, errors } = outputsOf(result.run, ONBOARDING_NODE);

		// Every input item comes out exactly once, on one of the two outputs (1.x: see outputsOf).
		const paired = [...success, ...errors].map(pairedIndex).sort();
		expect(paired).toEqual([0, 1, 2]);

		const mcpUrl = (user: string) =>
			`${env.sim.url}/v3/mcp/${ONBOARDING_SERVER}?user_id=${encodeURIComponent(user)}`;
		const created = env.sim.instancesOf(ONBOARDING_SERVER).find((i) => i.instance_id === NEW_USER);
		expect(success).toHaveLength(2);
		expect(pairedIndex(success![0])).toBe(0);
		expect(success![0].json).toEqual({
			...created,
			alreadyExisted: false,
			mcpUrl: mcpUrl(NEW_USER),
		});
		expect(success![0].json.id).toMatch(UUID);
		expect(pairedIndex(success![1])).toBe(1);
		expect(success![1].json).toEqual({
			...onboardingExisting,
			alreadyExisted: true,
			mcpUrl: mcpUrl(EXISTING_USER),
		});

		expect(errors).toHaveLength(1);
		expect(pairedIndex(errors![0])).toBe(2);
		const failed = errors![0].json;
		// The engine merges the input item's fields in; the node's facts are in its error object.
		expect(failed).toEqual({
			userId: UNCONNECTED_USER,
			name: 'Linus',
			error: {
				message: expect.stringContaining('slack'),
				description: expect.stringContaining('connect link'),
				httpCode: null,
				requestId: null,
				serverId: ONBOARDING_SERVER,
				userId: UNCONNECTED_USER,
				missingAuthConfigIds: [ONBOARDING_SLACK],
				missingToolkits: ['slack'],
				connectLinks: [
					{
						authConfigId: ONBOARDING_SLACK,
						toolkit: 'slack',
						redirectUrl: expect.stringMatching(new RegExp(`^${env.sim.url}/link/lt_`)),
						expiresAt: expect.any(String),
						connectedAccountId: expect.stringMatching(/^ca_/),
					},
				],
			},
		});
		const message = (failed.error as { message: string }).message;
		expect(message).toContain(UNCONNECTED_USER);
		expect(message).not.toContain('github');

		// Each branch's next node got its items, unchanged.
		expect(json(nodeOutputs(result.run, 'Send MCP URL')[0])).toEqual(json(success));
		expect(json(nodeOutputs(result.run, 'Send connect links')[0])).toEqual(json(errors));

		// Per user, only the requests its outcome needs; one create each, the existing one not again.
		const instances = `/api/v3/mcp/servers/${ONBOARDING_SERVER}/instances`;
		const sent = env.sim.requests.slice(before);
		const server = `/api/v3/mcp/${ONBOARDING_SERVER}`;
		const accounts = '/api/v3/connected_accounts';
		const generate = (user: string) => [
			'POST',
			'/api/v3/mcp/servers/generate',
			{ mcp_server_id: ONBOARDING_SERVER, user_ids: [user] },
		];
		// The three users run concurrently, so their requests interleave: compare them as a multiset
		// (the fault and concurrency tests check the order within an item).
		const sorted = (requests: unknown[][]) => requests.map((r) => JSON.stringify(r)).sort();
		expect(sorted(sent.map((r) => [r.method, r.path, r.body]))).toEqual(
			sorted([
				['GET', server, undefined],
				['GET', accounts, undefined],
				['POST', instances, { user_id: NEW_USER }],
				generate(NEW_USER),
				['GET', server, undefined],
				['GET', accounts, undefined],
				['POST', instances, { user_id: EXISTING_USER }],
				['GET', instances, undefined],
				generate(EXISTING_USER),
				['GET', server, undefined],
				['GET', accounts, undefined],
				['GET', '/api/v3/auth_configs', undefined],
				[
					'POST',
					'/api/v3/connected_accounts/link',
					{
						auth_config_id: ONBOARDING_SLACK,
						user_id: UNCONNECTED_USER,
						callback_url: CALLBACK_URL,
					},
				],
			]),
		);
		// The existing instance is looked up by the user's ID after Composio's 409.
		const lookups = sent.filter((r) => r.method === 'GET' && r.path === instances);
		expect(lookups.map((r) => r.query)).toEqual([
			expect.objectContaining({ search: EXISTING_USER }),
		]);
		// Composio takes array filters comma-joined; only ACTIVE accounts count.
		const accountQueries = sent.filter((r) => r.path === accounts);
		const byUser = (a: { query: Record<string, string> }, b: { query: Record<string, string> }) =>
			a.query.user_ids.localeCompare(b.query.user_ids);
		expect([...accountQueries].sort(byUser).map((r) => r.query)).toEqual(
			[NEW_USER, EXISTING_USER, UNCONNECTED_USER].sort().map((user) =>
				expect.objectContaining({
					user_ids: user,
					auth_config_ids: `${ONBOARDING_GITHUB},${ONBOARDING_SLACK}`,
					statuses: 'ACTIVE',
				}),
			),
		);
		expect(env.sim.createCount(ONBOARDING_SERVER, NEW_USER)).toBe(1);
		expect(env.sim.createCount(ONBOARDING_SERVER, EXISTING_USER)).toBe(1);
		expect(env.sim.createCount(ONBOARDING_SERVER, UNCONNECTED_USER)).toBe(0);
		expect(
			env.sim
				.instancesOf(ONBOARDING_SERVER)
				.map((i) => i.instance_id)
				.sort(),
		).toEqual([EXISTING_USER, NEW_USER].sort());
	});

	it('creates, gets, renames, finds and deletes a server, each node reading the id before it', async () => {
		const before = env.sim.requests.length;
		const result = await env.n8n.execute(serverLifecycle.id);

		expect(result.code).toBe(0);
		expect(result.run?.data.resultData.error).toBeUndefined();
		const only = (node: string) => {
			const [items, ...others] = nodeOutputs(result.run, node);
			expect(others).toEqual([]);
			expect(items).toHaveLength(1);
			expect(pairedIndex(items![0])).toBe(0);
			return items![0].json;
		};

		const created = only('Create server');
		expect(created).toMatchObject({
			id: expect.stringMatching(UUID),
			name: LIFECYCLE_NAME,
			auth_config_ids: [AUTH_CONFIG],
			toolkits: ['github'],
			deleted: false,
		});
		const id = created.id as string;
		expect(only('Get server')).toEqual(created);
		const renamed = only('Rename server');
		expect(renamed).toMatchObject({ id, name: LIFECYCLE_RENAMED, auth_config_ids: [AUTH_CONFIG] });
		expect(only('Find server')).toMatchObject({ id, name: LIFECYCLE_RENAMED });
		expect(only('Delete server')).toEqual({ id, deleted: true });

		const server = `/api/v3/mcp/${id}`;
		expect(
			env.sim.requests.slice(before).map((r) => [r.method, r.path, r.query.name ?? null, r.body]),
		).toEqual([
			[
				'POST',
				'/api/v3/mcp/servers',
				null,
				{ name: LIFECYCLE_NAME, auth_config_ids: [AUTH_CONFIG] },
			],
			['GET', server, null, undefined],
			['GET', server, null, undefined],
			['PATCH', server, null, { name: LIFECYCLE_RENAMED }],
			['GET', '/api/v3/mcp/servers', LIFECYCLE_RENAMED, undefined],
			['DELETE', server, null, undefined],
		]);

		// Composio no longer knows the server.
		const headers = { 'x-api-key': env.apiKey };
		expect((await fetch(`${env.sim.url}${server}`, { headers })).status).toBe(404);
		const listed = await fetch(`${env.sim.url}/api/v3/mcp/servers?name=E2E%20Lifecycle`, {
			headers,
		});
		expect(await listed.json()).toMatchObject({ items: [] });
	});

	it('runs as a tool of an AI Agent: the model picks the user and gets each result, failures too', async () => {
		// n8n generated the tool variant of the node from usableAsTool; the workflow uses it.
		const toolNode = agentTool.nodes.find((node) => node.name === TOOL_NODE);
		expect(toolNode?.type).toBe('n8n-nodes-composio-mcp.composioMcpTool');
		const before = env.sim.requests.length;
		const result = await env.n8n.execute(agentTool.id);

		expect(result.code).toBe(0);
		expect(result.run?.data.resultData.error).toBeUndefined();

		// The model was offered the tool, with the $fromAI parameter as its one argument.
		expect(env.openAi.requests).toHaveLength(3);
		expect(env.openAi.requests[0].messages).toEqual([
			{ role: 'user', content: expect.stringContaining(AGENT_USER) },
		]);
		expect(env.openAi.requests[0].tools).toEqual([
			{
				type: 'function',
				function: expect.objectContaining({
					name: 'Create_MCP_instance',
					description: 'Create instance in Composio MCP',
					parameters: expect.objectContaining({
						type: 'object',
						properties: {
							userId: {
								type: 'string',
								description: 'The ID (email) of the user to give an instance',
							},
						},
						required: ['userId'],
					}),
				}),
			},
		]);

		// The tool ran in n8n once per call, on the model's arguments. Set to On Error "Continue"
		// and Check Connected Accounts First, it hands the model what it needs to help a user who
		// is not connected: the missing toolkit and a connect link (with On Error "Stop", n8n would
		// pass the model only the error message).
		const instance = env.sim.instancesOf(AGENT_SERVER).find((i) => i.instance_id === AGENT_USER);
		expect(instance).toBeDefined();
		const created = {
			...instance,
			mcpUrl: `${env.sim.url}/v3/mcp/${AGENT_SERVER}?user_id=${encodeURIComponent(AGENT_USER)}`,
		};
		const notConnected = {
			error: {
				message: `User "${AGENT_UNCONNECTED_USER}" has no active connected account for: github (${AUTH_CONFIG})`,
				description: expect.stringContaining('connect link'),
				httpCode: null,
				requestId: null,
				serverId: AGENT_SERVER,
				userId: AGENT_UNCONNECTED_USER,
				missingAuthConfigIds: [AUTH_CONFIG],
				missingToolkits: ['github'],
				connectLinks: [
					{
						authConfigId: AUTH_CONFIG,
						toolkit: 'github',
						redirectUrl: expect.stringMatching(new RegExp(`^${env.sim.url}/link/lt_`)),
						expiresAt: expect.any(String),
						connectedAccountId: expect.stringMatching(/^ca_/),
					},
				],
			},
		};
		const tasks = nodeTasks(result.run, TOOL_NODE);
		expect(tasks.map((task) => task.executionStatus)).toEqual(['success', 'success']);
		// n8n records the model's arguments as the tool's input; n8n 1.x adds the tool call's ID and
		// the fields of the item the agent runs on (none here: it starts from the manual trigger).
		const toolInput = (userId: string, call: number) =>
			isN8n1() ? { userId, toolCallId: `call_e2e_${call}` } : { userId };
		expect(tasks.map((task) => json(task.inputOverride?.ai_tool?.[0]))).toEqual([
			[toolInput(AGENT_UNCONNECTED_USER, 1)],
			[toolInput(AGENT_USER, 2)],
		]);
		expect(tasks.map((task) => json(task.data?.ai_tool?.[0]))).toEqual([[notConnected], [created]]);
		const server = `/api/v3/mcp/${AGENT_SERVER}`;
		expect(env.sim.requests.slice(before).map((r) => [r.method, r.path, r.body])).toEqual([
			['GET', server, undefined],
			['GET', '/api/v3/connected_accounts', undefined],
			['GET', '/api/v3/auth_configs', undefined],
			[
				'POST',
				'/api/v3/connected_accounts/link',
				{
					auth_config_id: AUTH_CONFIG,
					user_id: AGENT_UNCONNECTED_USER,
					callback_url: 'https://example.com/connected',
				},
			],
			['GET', server, undefined],
			['GET', '/api/v3/connected_accounts', undefined],
			['POST', `/api/v3/mcp/servers/${AGENT_SERVER}/instances`, { user_id: AGENT_USER }],
			[
				'POST',
				'/api/v3/mcp/servers/generate',
				{ mcp_server_id: AGENT_SERVER, user_ids: [AGENT_USER] },
			],
		]);
		expect(env.sim.createCount(AGENT_SERVER, AGENT_UNCONNECTED_USER)).toBe(0);
		expect(env.sim.createCount(AGENT_SERVER, AGENT_USER)).toBe(1);

		// Each result went back to the model, and the agent's answer is built on them.
		const toolMessages = env.openAi.requests[2].messages.filter((m) => m.role === 'tool');
		expect(toolMessages.map((m) => m.tool_call_id)).toEqual(['call_e2e_1', 'call_e2e_2']);
		expect(toolMessages.map((m) => JSON.parse(String(m.content)) as unknown)).toEqual([
			[notConnected],
			[created],
		]);
		const [answer] = nodeOutputs(result.run, 'AI Agent');
		expect(json(answer)).toEqual([
			{ output: `Done. ${toolMessages.map((m) => String(m.content)).join(' ')}` },
		]);
		expect(answer![0].json.output).toContain(instance!.id);
	});
});
