import agentWithUserMcp from '../../examples/agent-with-user-mcp.json';
import agentExample from '../../examples/ai-agent-tool.json';
import bulkOnboarding from '../../examples/bulk-onboarding.json';
import nightlyCleanup from '../../examples/nightly-cleanup.json';
import onboardingSessions from '../../examples/onboarding-sessions.json';
import onboardingWebhook from '../../examples/onboarding-webhook.json';
import { useE2eEnvironment } from './environment';
import type { ChatRequest, Reply } from './fake-openai';
import { isN8n1, nodeOutputs, nodeTasks, pairedIndex, type RunItem } from './n8n';

interface WorkflowNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
}

/** A parameter of a node of an example, so that the tests follow the files. */
function parameterOf(workflow: { nodes: WorkflowNode[] }, node: string, name: string): unknown {
	const found = workflow.nodes.find((candidate) => candidate.name === node);
	if (!found) throw new Error(`no node "${node}"`);
	return found.parameters[name];
}

function serverOf(workflow: { nodes: WorkflowNode[] }, node: string): string {
	return (parameterOf(workflow, node, 'serverId') as { value: string }).value;
}

function json(items: RunItem[] | null | undefined): Array<Record<string, unknown>> {
	return (items ?? []).map((item) => item.json);
}

const ADA = 'ada@example.com';
const GRACE = 'grace@example.com';
const ALAN = 'alan@example.com';
const LINUS = 'linus@example.com';
const MARGARET = 'margaret@example.com';

const WEBHOOK_NODE = 'Give the user an MCP instance';
const WEBHOOK_SERVER = serverOf(onboardingWebhook, WEBHOOK_NODE);
const WEBHOOK_PATH = parameterOf(onboardingWebhook, 'Signup webhook', 'path') as string;
const BULK_NODE = 'Give each user an MCP instance';
const BULK_SERVER = serverOf(bulkOnboarding, BULK_NODE);
const CLEANUP_SERVER = serverOf(nightlyCleanup, 'List all instances');
const AGENT_TOOL = 'Give a user an MCP instance';
const AGENT_SERVER = serverOf(agentExample, AGENT_TOOL);
const SAMPLE_REQUEST = (
	parameterOf(agentExample, 'Sample request', 'assignments') as {
		assignments: Array<{ name: string; value: string }>;
	}
).assignments.find((assignment) => assignment.name === 'chatInput')!.value;

const MISSING_ACCOUNTS =
	'The user does not have connected accounts for all required auth configurations.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EMAILS = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

/**
 * The fake model behind examples/ai-agent-tool.json: it calls the one tool it is offered once for
 * every email address in the user's message, in order, then answers with what the tool returned.
 */
function agentModel(request: ChatRequest): Reply {
	const tools = request.tools ?? [];
	// examples/agent-with-user-mcp.json: the user's MCP tools; ask GitHub who the user is.
	const whoami = tools.find((tool) => tool.function.name.includes('GITHUB_WHOAMI'));
	if (whoami) {
		const result = request.messages.find((message) => message.role === 'tool');
		if (result) return { content: `On GitHub: ${String(result.content)}` };
		return { toolCall: { name: whoami.function.name, arguments: {} } };
	}
	if (tools.length !== 1) throw new Error(`expected one tool, got ${tools.length}`);
	const asked = request.messages.find((message) => message.role === 'user');
	const users = String(asked?.content ?? '').match(EMAILS) ?? [];
	const results = request.messages.filter((message) => message.role === 'tool');
	if (results.length < users.length) {
		return {
			toolCall: { name: tools[0].function.name, arguments: { userId: users[results.length] } },
		};
	}
	return { content: `Done. ${results.map((result) => String(result.content)).join(' ')}` };
}

describe('The examples in a real n8n', () => {
	const env = useE2eEnvironment({
		composioCredentialName: 'Composio MCP account',
		openAiCredentialName: 'OpenAI account',
		model: agentModel,
		workflows: [
			onboardingWebhook,
			bulkOnboarding,
			nightlyCleanup,
			agentExample,
			onboardingSessions,
			agentWithUserMcp,
		],
		extraCredentials: (apiKey) => [
			{
				id: 'e2eMcpHeaderCred1',
				name: 'Composio MCP key (x-api-key)',
				type: 'httpHeaderAuth',
				data: { name: 'x-api-key', value: apiKey },
			},
		],
		async seed({ sim, createInstance }) {
			// The sessions examples: Ada has GitHub (above) and Slack, Linus GitHub only.
			sim.connectAccount(ADA, 'ac_sessions_slack', { toolkit: 'slack' });
			sim.connectAccount(LINUS, 'ac_sessions_github', { toolkit: 'github' });
			// Each example has its own server; on each, Ada can get an instance, Grace already has one
			// and Linus has not connected GitHub yet.
			for (const [id, authConfig] of [
				[WEBHOOK_SERVER, 'ac_webhook_github'],
				[BULK_SERVER, 'ac_bulk_github'],
				[AGENT_SERVER, 'ac_agent_github'],
			]) {
				sim.addServer({ id, name: `Example ${authConfig}`, auth_config_ids: [authConfig] });
				for (const user of [ADA, GRACE, ALAN]) sim.connectAccount(user, authConfig);
				await createInstance(id, GRACE);
			}
		},
	});

	it("examples/onboarding-webhook.json answers each POST with the user's MCP URL or the error", async () => {
		const activated = await env.n8n.activate(onboardingWebhook.id);
		expect(activated).toMatchObject({ code: 0 });
		const running = await env.n8n.start();
		const post = async (body: unknown) => {
			const response = await fetch(`${running.url}/webhook/${WEBHOOK_PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
			return { status: response.status, body: (await response.json()) as Record<string, unknown> };
		};
		const before = env.sim.requests.length;
		try {
			// One request at a time, as signups come; each is one execution.
			const created = await post({ userId: ADA });
			const sentForAda = env.sim.requests.length - before;
			const existing = await post({ userId: GRACE });
			const notConnected = await post({ userId: LINUS });
			const noUser = await post({ email: 'no-user-id@example.com' });
			// Composio refuses the next request (say the API key was revoked): the caller gets a 502
			// with Composio's message and request ID, not the node's internals.
			env.sim.inject({
				method: 'GET',
				path: `/api/v3/mcp/${WEBHOOK_SERVER}`,
				status: 401,
				body: {
					error: {
						message: 'Invalid API key',
						code: 1001,
						status: 401,
						request_id: 'req_e2e_revoked',
					},
				},
			});
			const refused = await post({ userId: ALAN });

			expect(created).toEqual({
				status: 201,
				body: { userId: ADA, mcpUrl: env.mcpUrl(WEBHOOK_SERVER, ADA), alreadyExisted: false },
			});
			expect(existing).toEqual({
				status: 200,
				body: { userId: GRACE, mcpUrl: env.mcpUrl(WEBHOOK_SERVER, GRACE), alreadyExisted: true },
			});
			expect(notConnected).toEqual({
				status: 409,
				body: {
					error: expect.stringContaining(LINUS),
					description: expect.stringContaining('connect link'),
					connectLinks: [
						{
							authConfigId: 'ac_webhook_github',
							toolkit: 'github',
							redirectUrl: expect.stringMatching(new RegExp(`^${env.sim.url}/link/lt_`)),
							expiresAt: expect.any(String),
							connectedAccountId: expect.stringMatching(/^ca_/),
						},
					],
					requestId: null,
				},
			});
			expect(noUser).toEqual({
				status: 400,
				body: {
					error: expect.stringMatching(/user id/i),
					description: expect.any(String),
					requestId: null,
				},
			});
			expect(refused).toEqual({
				status: 502,
				body: {
					error: 'Invalid API key',
					description: expect.stringContaining('req_e2e_revoked'),
					requestId: 'req_e2e_revoked',
				},
			});

			// Ada's instance was created once, with her MCP URL; nobody else got one.
			expect(env.sim.createCount(WEBHOOK_SERVER, ADA)).toBe(1);
			expect(env.sim.createCount(WEBHOOK_SERVER, GRACE)).toBe(1);
			expect(env.sim.createCount(WEBHOOK_SERVER, LINUS)).toBe(0);
			expect(env.sim.createCount(WEBHOOK_SERVER, ALAN)).toBe(0);
			expect(
				env.sim
					.instancesOf(WEBHOOK_SERVER)
					.map((i) => i.instance_id)
					.sort(),
			).toEqual([ADA, GRACE]);
			const server = `/api/v3/mcp/${WEBHOOK_SERVER}`;
			expect(
				env.sim.requests.slice(before, before + sentForAda).map((r) => [r.method, r.path, r.body]),
			).toEqual([
				['GET', server, undefined],
				['GET', '/api/v3/connected_accounts', undefined],
				['POST', `/api/v3/mcp/servers/${WEBHOOK_SERVER}/instances`, { user_id: ADA }],
				[
					'POST',
					'/api/v3/mcp/servers/generate',
					{ mcp_server_id: WEBHOOK_SERVER, user_ids: [ADA] },
				],
			]);
			// The refused request stopped at the first call.
			expect(env.sim.requests.at(-1)).toMatchObject({ method: 'GET', path: server });
		} finally {
			const stopped = await running.stop();
			expect(stopped.stdout + stopped.stderr).not.toContain(env.apiKey);
		}
	});

	it('examples/bulk-onboarding.json gives every listed user an instance and sums up', async () => {
		const before = env.sim.requests.length;
		const result = await env.n8n.execute(bulkOnboarding.id);

		expect(result.code).toBe(0);
		expect(result.run?.data.resultData.error).toBeUndefined();
		// Six rows: Ada twice, a user with no ID and Linus, who is not connected yet.
		const [outcomes] = nodeOutputs(result.run, BULK_NODE);
		expect(outcomes!.map(pairedIndex)).toEqual([0, 1, 2, 3, 4, 5]);
		// Items run concurrently (Concurrency 5): Ada's two rows race, and whichever reaches Composio
		// first creates her instance; the other finds it. Lists are compared without their order.
		const [summary] = json(nodeOutputs(result.run, 'Summary')[0]);
		const sorted = (value: unknown) => [...(value as string[])].sort();
		expect(summary.users).toBe(6);
		expect(sorted(summary.created)).toEqual([ADA, ALAN].sort());
		expect(sorted(summary.alreadyHadOne)).toEqual([ADA, GRACE].sort());
		expect(summary.failed).toEqual([
			{ userId: LINUS, error: MISSING_ACCOUNTS },
			{ userId: '', error: expect.stringMatching(/user id/i) },
		]);
		const ada = env.sim.instancesOf(BULK_SERVER).find((i) => i.instance_id === ADA);
		expect([outcomes![0].json, outcomes![3].json]).toEqual(
			expect.arrayContaining([
				{ ...ada, alreadyExisted: false },
				{ ...ada, alreadyExisted: true },
			]),
		);
		expect(ada?.id).toMatch(UUID);

		// Ada's second row found her instance instead of making a second one.
		expect(env.sim.createCount(BULK_SERVER, ADA)).toBe(1);
		expect(env.sim.createCount(BULK_SERVER, LINUS)).toBe(0);
		const instances = `/api/v3/mcp/servers/${BULK_SERVER}/instances`;
		const asText = (requests: unknown[][]) => requests.map((r) => JSON.stringify(r)).sort();
		expect(asText(env.sim.requests.slice(before).map((r) => [r.method, r.path, r.body]))).toEqual(
			asText([
				['POST', instances, { user_id: ADA }],
				['POST', instances, { user_id: GRACE }],
				['GET', instances, undefined],
				['POST', instances, { user_id: ALAN }],
				['POST', instances, { user_id: ADA }],
				['GET', instances, undefined],
				['POST', instances, { user_id: LINUS }],
			]),
		);
	});

	it("examples/nightly-cleanup.json deletes deleted users' instances, on every page", async () => {
		// More instances than one page holds (the node asks for 100 a page); the deleted users were
		// made first, in the middle and last, so that one of them is on the second page.
		env.sim.addServer({ id: CLEANUP_SERVER, name: 'Example cleanup' });
		const others = Array.from(
			{ length: 104 },
			(_, i) => `user${String(i).padStart(3, '0')}@example.com`,
		);
		const users = [GRACE, ...others.slice(0, 52), LINUS, ...others.slice(52), MARGARET];
		for (const user of users) await env.createInstance(CLEANUP_SERVER, user);
		const before = env.sim.requests.length;

		const result = await env.n8n.execute(nightlyCleanup.id);

		expect(result.code).toBe(0);
		expect(result.run?.data.resultData.error).toBeUndefined();
		// `n8n execute` needs a Manual Trigger in the workflow, then runs the workflow from its first
		// trigger (n8n 1.x and 2.x alike): the Schedule Trigger, which, run by hand, fires once.
		expect(nodeTasks(result.run, 'Every night at 3:00')).toHaveLength(1);
		expect(nodeTasks(result.run, 'Run now')).toHaveLength(0);
		expect(nodeOutputs(result.run, 'List all instances')[0]).toHaveLength(users.length);
		// Grace and Linus are in the example's list of deleted users, so is Ken, who has no
		// instance; Margaret is not deleted.
		const deleted = json(nodeOutputs(result.run, 'Delete their instance')[0]);
		expect(deleted.map((item) => item.userId).sort()).toEqual([GRACE, LINUS]);
		for (const item of deleted) {
			expect(item).toEqual({
				message: 'Instance deleted successfully',
				// The server has no auth configs, so no connected account went with the instance.
				deleted_connected_accounts: 0,
				serverId: CLEANUP_SERVER,
				userId: item.userId,
			});
		}

		const remaining = env.sim.instancesOf(CLEANUP_SERVER).map((i) => i.instance_id);
		expect(remaining.sort()).toEqual([...others, MARGARET].sort());
		const instances = `/api/v3/mcp/servers/${CLEANUP_SERVER}/instances`;
		const sent = env.sim.requests.slice(before);
		expect(sent.map((r) => [r.method, r.path])).toEqual([
			['GET', instances],
			['GET', instances],
			['DELETE', expect.stringMatching(new RegExp(`^${instances}/`))],
			['DELETE', expect.stringMatching(new RegExp(`^${instances}/`))],
		]);
		expect(sent.slice(0, 2).map((r) => r.query)).toEqual([
			expect.objectContaining({ page_no: '1', limit: '100' }),
			expect.objectContaining({ page_no: '2', limit: '100' }),
		]);
		expect(
			sent
				.slice(2)
				.map((r) => r.rawPath.split('/').at(-1))
				.sort(),
		).toEqual([GRACE, LINUS].map(encodeURIComponent).sort());
	});

	it('examples/ai-agent-tool.json: the agent calls the node as a tool per user and passes on the result', async () => {
		const before = env.sim.requests.length;
		const asked = env.openAi.requests.length;
		const result = await env.n8n.execute(agentExample.id);

		expect(result.code).toBe(0);
		expect(result.run?.data.resultData.error).toBeUndefined();
		const requests = env.openAi.requests.slice(asked);
		const toolNode = agentExample.nodes.find((node) => node.name === AGENT_TOOL)!;

		// The model got the system message, the sample request and the tool, described as the
		// example says, with the $fromAI parameter as its one argument.
		expect(requests).toHaveLength(3);
		expect(requests[0].messages).toEqual([
			{ role: 'system', content: expect.stringContaining('connect links') },
			{ role: 'user', content: SAMPLE_REQUEST },
		]);
		expect(requests[0].tools).toEqual([
			{
				type: 'function',
				function: expect.objectContaining({
					name: 'Give_a_user_an_MCP_instance',
					description: toolNode.parameters.toolDescription,
					parameters: expect.objectContaining({
						type: 'object',
						properties: {
							userId: { type: 'string', description: "The user's ID: their email address" },
						},
						required: ['userId'],
					}),
				}),
			},
		]);

		// Ada got an instance and her MCP URL; Linus, not connected, got a connect link instead.
		const ada = env.sim.instancesOf(AGENT_SERVER).find((i) => i.instance_id === ADA);
		const tasks = nodeTasks(result.run, AGENT_TOOL);
		// n8n records the model's arguments as the tool's input; n8n 1.x adds the tool call's ID and
		// the fields of the item the agent runs on (the sample request's chatInput).
		const toolInput = (userId: string, call: number) =>
			isN8n1() ? { userId, chatInput: SAMPLE_REQUEST, toolCallId: `call_e2e_${call}` } : { userId };
		expect(tasks.map((task) => json(task.inputOverride?.ai_tool?.[0]))).toEqual([
			[toolInput(ADA, 1)],
			[toolInput(LINUS, 2)],
		]);
		const [adaResult, linusResult] = tasks.map((task) => json(task.data?.ai_tool?.[0]));
		expect(adaResult).toEqual([
			{ ...ada, alreadyExisted: false, mcpUrl: env.mcpUrl(AGENT_SERVER, ADA) },
		]);
		expect(linusResult).toEqual([
			{
				error: expect.objectContaining({
					message: expect.stringContaining(LINUS),
					userId: LINUS,
					missingToolkits: ['github'],
					connectLinks: [
						expect.objectContaining({
							toolkit: 'github',
							redirectUrl: expect.stringMatching(new RegExp(`^${env.sim.url}/link/lt_`)),
						}),
					],
				}),
			},
		]);
		expect(env.sim.createCount(AGENT_SERVER, ADA)).toBe(1);
		expect(env.sim.createCount(AGENT_SERVER, LINUS)).toBe(0);
		expect(
			env.sim.requests
				.slice(before)
				.filter((r) => r.method === 'POST')
				.map((r) => r.path),
		).toEqual([
			`/api/v3/mcp/servers/${AGENT_SERVER}/instances`,
			'/api/v3/mcp/servers/generate',
			'/api/v3/connected_accounts/link',
		]);

		// Both results went back to the model, and the agent's answer carries them.
		const toolMessages = requests[2].messages.filter((m) => m.role === 'tool');
		expect(toolMessages.map((m) => JSON.parse(String(m.content)) as unknown)).toEqual([
			adaResult,
			linusResult,
		]);
		const [answer] = nodeOutputs(result.run, 'AI Agent');
		expect(json(answer)).toEqual([
			{ output: `Done. ${toolMessages.map((m) => String(m.content)).join(' ')}` },
		]);
		expect(answer![0].json.output).toContain(env.mcpUrl(AGENT_SERVER, ADA));
		// Only the manual path ran; the chat trigger waits for a chat.
		expect(nodeTasks(result.run, 'When chat message received')).toHaveLength(0);
	});

	it('examples/onboarding-sessions.json gives each user a session and MCP URL, and connect links for what is not connected', async () => {
		const result = await env.n8n.execute(onboardingSessions.id);

		expect(result.code).toBe(0);
		expect(result.run?.data.resultData.error).toBeUndefined();
		const [ada] = env.sim.sessionsOf(ADA);
		const [linus] = env.sim.sessionsOf(LINUS);
		expect([ada, linus].every(Boolean)).toBe(true);
		const urls = json(nodeOutputs(result.run, 'Send MCP URL')[0]);
		expect(urls.map((session) => [session.sessionId, session.mcpUrl])).toEqual([
			[ada.session_id, `${env.sim.url}/tool_router/v3/${ada.session_id}/mcp`],
			[linus.session_id, `${env.sim.url}/tool_router/v3/${linus.session_id}/mcp`],
		]);
		// Ada has both toolkits; Linus lacks Slack: one link, for him, for Slack.
		const links = json(nodeOutputs(result.run, 'Send connect links')[0]);
		expect(links).toEqual([
			{
				link_token: expect.any(String),
				redirect_url: expect.any(String),
				connected_account_id: expect.stringMatching(/^ca_/),
				sessionId: linus.session_id,
				toolkit: 'slack',
			},
		]);
	});

	it("examples/agent-with-user-mcp.json: the agent gets the user's own tools through the session's MCP URL", async () => {
		const before = env.sim.sessionsOf(ADA).length;
		const result = await env.n8n.execute(agentWithUserMcp.id);

		expect(result.code).toBe(0);
		expect(result.run?.data.resultData.error).toBeUndefined();
		const session = env.sim.sessionsOf(ADA)[before];
		const answer = String(json(nodeOutputs(result.run, 'AI Agent')[0])[0].output).replace(
			/\\/g,
			'',
		);
		expect(answer).toContain(`"user_id":"${ADA}"`);
		expect(answer).toContain('"toolkit":"github"');
		const mcpCalls = env.sim.requests.filter(
			(r) => r.path === `/tool_router/v3/${session.session_id}/mcp`,
		);
		expect(mcpCalls.some((r) => (r.body as { method?: string })?.method === 'tools/call')).toBe(
			true,
		);
	});
});
