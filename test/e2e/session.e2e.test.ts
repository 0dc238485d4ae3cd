/**
 * Every Session operation in a real n8n (2.x and 1.x): Create, Get, Execute Tool (a tool that runs,
 * and one that fails to the error output), Get Toolkits, and Create Connect Link and Execute Tool
 * as an AI Agent's tools with `$fromAI`.
 */
import { useE2eEnvironment } from './environment';
import type { ChatRequest, Reply } from './fake-openai';
import lifecycle from './workflows/session-lifecycle.json';
import { forThisN8n, nodeOutputs, type RunItem } from './n8n';

const USER = 'ada@example.com';

/** The fake model: it connects Slack, then runs GitHub's whoami, then answers with both results. */
function model(request: ChatRequest): Reply {
	const tools = request.tools ?? [];
	const named = (part: string) => {
		const tool = tools.find((candidate) => candidate.function.name.includes(part));
		if (!tool)
			throw new Error(
				`no tool named like ${part}: ${tools.map((t) => t.function.name).join(', ')}`,
			);
		return tool.function.name;
	};
	const results = request.messages.filter((message) => message.role === 'tool');
	if (results.length === 0)
		return { toolCall: { name: named('Connect'), arguments: { toolkit: 'slack' } } };
	if (results.length === 1) {
		return {
			toolCall: { name: named('Run'), arguments: { toolSlug: 'GITHUB_WHOAMI', toolArguments: {} } },
		};
	}
	return { content: `Results: ${results.map((result) => String(result.content)).join(' | ')}` };
}

function json(items: RunItem[] | null | undefined) {
	return (items ?? []).map((item) => item.json);
}

describe('Session operations in a real n8n', () => {
	const env = useE2eEnvironment({
		composioCredentialName: 'Composio (simulator)',
		openAiCredentialName: 'OpenAI (fake)',
		model,
		workflows: [forThisN8n(lifecycle)],
		async seed({ sim }) {
			sim.connectAccount(USER, 'ac_lifecycle_github', { toolkit: 'github' });
		},
	});

	it('creates, gets, runs tools, lists toolkits, and works as an agent’s tools', async () => {
		const result = await env.n8n.execute(lifecycle.id);

		expect({ code: result.code, error: result.run?.data.resultData.error?.message }).toEqual({
			code: 0,
			error: undefined,
		});
		expect(result.run?.data.resultData.error).toBeUndefined();
		const sessions = env.sim.sessionsOf(USER);
		expect(sessions).toHaveLength(1);
		const [session] = sessions;

		const [created] = json(nodeOutputs(result.run, 'Create session')[0]);
		expect(created).toMatchObject({
			sessionId: session.session_id,
			mcpUrl: `${env.sim.url}/tool_router/v3/${session.session_id}/mcp`,
			config: { user_id: USER, toolkits: { disabled: ['gmail'] } },
		});
		expect(json(nodeOutputs(result.run, 'Get session')[0])).toEqual([created]);

		expect(json(nodeOutputs(result.run, 'Run GitHub whoami')[0])).toEqual([
			{
				data: expect.objectContaining({
					toolkit: 'github',
					user_id: USER,
					arguments: { verbose: true },
				}),
				logId: expect.stringMatching(/^log_/),
				sessionId: session.session_id,
				toolSlug: 'GITHUB_WHOAMI',
			},
		]);
		const [success, failed] = nodeOutputs(result.run, 'Run Slack whoami');
		expect(success ?? []).toEqual([]);
		expect(json(failed)).toEqual([
			expect.objectContaining({
				error: expect.objectContaining({
					message: `No active connection for slack: connect it first (user ${USER})`,
					logId: expect.stringMatching(/^log_/),
				}),
			}),
		]);
		expect(json(nodeOutputs(result.run, 'Toolkits')[0]).map((toolkit) => toolkit.slug)).toEqual([
			'github',
		]);

		// The agent connected Slack and ran GitHub's whoami through the node as its tools.
		const answer = String(json(nodeOutputs(result.run, 'Agent')[0])[0].output).replace(/\\/g, '');
		expect(answer).toContain('redirect_url');
		expect(answer).toContain(`"user_id":"${USER}"`);
		const links = env.sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/link'));
		expect(links.map((r) => r.body)).toEqual([{ toolkit: 'slack' }]);
		const executes = env.sim.requests.filter((r) => r.path.endsWith('/execute'));
		expect(executes.map((r) => (r.body as { tool_slug: string }).tool_slug).sort()).toEqual(
			['GITHUB_WHOAMI', 'GITHUB_WHOAMI', 'SLACK_WHOAMI'].sort(),
		);
	});
});
