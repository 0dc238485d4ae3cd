/**
 * Session, every operation, run in n8n's real engine against the simulator (which validates each
 * request and answer against Composio's spec): the exact bodies, the output with sessionId and
 * mcpUrl at the top (Get simplified by default from version 1.1), input refused before anything
 * is sent, and which requests may be repeated.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { whoamiTool } from '../simulator';
import { useSleepRecorder } from '../support/faults';
import { errorJson, expectEachItemOnce, useSimulator } from '../support/simulator';

const context = useSimulator();
useSleepRecorder();

const run = context.runner('session', 'create');

function posts(path: RegExp) {
	return context.sim.requests.filter((r) => r.method === 'POST' && path.test(r.path));
}

/** Session › Create's parameters with every option set, for the user ada and her GitHub account. */
function everyOption(accountId: string): INodeParameters {
	return {
		userId: 'ada',
		toolkitsMode: 'enable',
		toolkits: '={{ ["github", "slack"] }}',
		options: {
			authConfigs: { entries: [{ toolkit: 'github', id: 'ac_gh' }] },
			connectedAccounts: { entries: [{ toolkit: 'github', id: accountId }] },
			manageConnections: false,
			callbackUrl: 'https://app.example.com/connected',
			tags: ['readOnlyHint'],
		},
	};
}

async function createSession(userId = 'ada', parameters: IDataObject = {}) {
	const result = await context.run([{ userId }], {
		resource: 'session',
		operation: 'create',
		userId: '={{ $json.userId }}',
		...parameters,
	});
	expect(result.status).toBe('success');
	return result.success[0].json;
}

describe('Session › Create', () => {
	it('with defaults: one POST with the user, the session out with sessionId and mcpUrl on top', async () => {
		const result = await run({ userId: '={{ $json.userId }}' }, [{ userId: 'ada' }]);

		expectEachItemOnce(result, 1);
		const [session] = context.sim.sessionsOf('ada');
		expect(posts(/tool_router\/session$/).map((r) => r.rawBody)).toEqual(['{"user_id":"ada"}']);
		expect(result.success[0].json).toEqual({
			session_id: session.session_id,
			mcp: { type: 'http', url: `${context.sim.url}/tool_router/v3/${session.session_id}/mcp` },
			tool_router_tools: expect.any(Array),
			config: expect.objectContaining({ user_id: 'ada' }),
			sessionId: session.session_id,
			mcpUrl: `${context.sim.url}/tool_router/v3/${session.session_id}/mcp`,
		});
	});

	it('sends the toolkits, auth configs, connected accounts, connections and tags it is given', async () => {
		const account = context.sim.connectAccount('ada', 'ac_gh', { toolkit: 'github' });

		await run(everyOption(account.id), [{}]);

		expect(JSON.parse(posts(/tool_router\/session$/)[0].rawBody)).toEqual({
			user_id: 'ada',
			toolkits: { enable: ['github', 'slack'] },
			auth_configs: { github: 'ac_gh' },
			connected_accounts: { github: account.id },
			manage_connections: { enable: false, callback_url: 'https://app.example.com/connected' },
			tags: ['readOnlyHint'],
		});
	});

	it.each([
		['an empty toolkit list', { toolkitsMode: 'disable', toolkits: '' }, 'Toolkit List is empty'],
		[
			'a null toolkit',
			{ toolkitsMode: 'enable', toolkits: '={{ ["github", null] }}' },
			'Toolkit List holds null at position 2',
		],
		[
			'an auth config row without its ID',
			{ options: { authConfigs: { entries: [{ toolkit: 'github', id: '' }] } } },
			'Auth Configs: each row needs a toolkit and an ID',
		],
		['a blank user', { userId: '  ' }, 'User ID is blank'],
	])('refuses %s before sending anything', async (_, parameters, message) => {
		const result = await context.run(
			[{}],
			{ resource: 'session', operation: 'create', userId: 'ada', ...parameters },
			{ onError: 'continueErrorOutput' },
		);

		expect(errorJson(result.errorOutput[0]).error).toContain(message);
		expect(context.sim.requests).toEqual([]);
	});

	it('is retried like a read: a lost answer costs an extra session, never an error', async () => {
		context.sim.inject({ method: 'POST', path: '/api/v3/tool_router/session', loseAnswer: true });

		const result = await run({ userId: 'ada' });

		expect(result.status).toBe('success');
		expect(context.sim.sessionsOf('ada')).toHaveLength(2);
		expect(result.success[0].json.sessionId).toBe(context.sim.sessionsOf('ada')[1].session_id);
	});
});

describe('Session › Get', () => {
	it('outputs the session as Create did', async () => {
		const created = await createSession();

		const result = await context.run([{}], {
			resource: 'session',
			operation: 'get',
			sessionId: created.sessionId as string,
		});

		expect(result.success[0].json).toEqual(created);
	});

	it("an unknown session fails with Composio's message", async () => {
		const result = await context.run(
			[{}],
			{ resource: 'session', operation: 'get', sessionId: 'trs_nope' },
			{ onError: 'continueErrorOutput' },
		);

		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: 'Tool router session not found: trs_nope',
			httpCode: '404',
			requestId: expect.any(String),
		});
	});
});

describe('Session › Create Connect Link', () => {
	it('makes a link for a toolkit of the session', async () => {
		const { sessionId } = await createSession();

		const result = await context.run([{}], {
			resource: 'session',
			operation: 'createLink',
			sessionId: sessionId as string,
			toolkit: 'slack',
			callbackUrl: 'https://app.example.com/done',
		});

		expect(result.success[0].json).toEqual({
			link_token: expect.any(String),
			redirect_url: expect.stringContaining('/link/'),
			connected_account_id: expect.stringMatching(/^ca_/),
			sessionId,
			toolkit: 'slack',
		});
		expect(JSON.parse(posts(/\/link$/)[0].rawBody)).toEqual({
			toolkit: 'slack',
			callback_url: 'https://app.example.com/done',
		});
	});

	it('is never sent twice: a lost answer fails the item, saying a new link works as well', async () => {
		const { sessionId } = await createSession();
		context.sim.inject({ method: 'POST', path: /\/link$/, loseAnswer: true });

		const result = await context.run(
			[{}],
			{
				resource: 'session',
				operation: 'createLink',
				sessionId: sessionId as string,
				toolkit: 'slack',
			},
			{ onError: 'continueErrorOutput' },
		);

		expect(errorJson(result.errorOutput[0]).description).toContain(
			'Composio may have made the link although its answer was lost',
		);
		expect(posts(/\/link$/)).toHaveLength(1);
	});
});

describe('Session › Get Toolkits', () => {
	it('lists every toolkit, a Limit of them, or only the connected ones', async () => {
		context.sim.connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		const { sessionId } = await createSession();
		const list = async (parameters: IDataObject) =>
			(
				await context.run([{}], {
					resource: 'session',
					operation: 'getToolkits',
					sessionId: sessionId as string,
					...parameters,
				})
			).success.map((item) => item.json);

		const all = await list({ returnAll: true });
		expect(all.map((toolkit) => toolkit.slug)).toEqual(['github', 'gmail', 'slack']);
		expect(all[0].connected_account).toMatchObject({ user_id: 'ada', status: 'ACTIVE' });
		// Each item carries its session, for the next node.
		expect(all.every((toolkit) => toolkit.sessionId === sessionId)).toBe(true);
		expect(await list({ returnAll: false, limit: 2 })).toHaveLength(2);
		expect((await list({ returnAll: true, onlyConnected: true })).map((t) => t.slug)).toEqual([
			'github',
		]);
	});
});

describe('Session › Execute Tool', () => {
	async function execute(sessionId: string, toolSlug: string, args: string) {
		return await context.run(
			[{}],
			{ resource: 'session', operation: 'executeTool', sessionId, toolSlug, toolArguments: args },
			{ onError: 'continueErrorOutput' },
		);
	}

	it("outputs the tool's data and log ID", async () => {
		context.sim.connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		const { sessionId } = await createSession();

		const result = await execute(sessionId as string, whoamiTool('github'), '{"verbose": true}');

		expect(result.success[0].json).toEqual({
			data: {
				toolkit: 'github',
				user_id: 'ada',
				connected_account_id: expect.any(String),
				arguments: { verbose: true },
			},
			logId: expect.stringMatching(/^log_/),
			sessionId,
			toolSlug: 'GITHUB_WHOAMI',
		});
	});

	it("a tool that failed (200 with error) goes to the error output with Composio's text and log ID", async () => {
		const { sessionId } = await createSession();

		const result = await execute(sessionId as string, whoamiTool('slack'), '{}');

		expect(result.success).toEqual([]);
		const failed = errorJson(result.errorOutput[0]);
		expect(failed.error).toBe('No active connection for slack: connect it first (user ada)');
		expect(failed.logId).toEqual(expect.stringMatching(/^log_/));
		expect(failed.description).toContain(`(log ID ${String(failed.logId)})`);
	});

	it('is never run twice: a lost answer fails the item, saying the tool may have run', async () => {
		context.sim.connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		const { sessionId } = await createSession();
		context.sim.inject({ method: 'POST', path: /\/execute$/, loseAnswer: true });

		const result = await execute(sessionId as string, whoamiTool('github'), '{}');

		expect(errorJson(result.errorOutput[0]).description).toContain('The tool may have run');
		expect(posts(/\/execute$/)).toHaveLength(1);
	});

	it.each([
		['not JSON', '{to: ada}', 'Arguments is not valid JSON'],
		['a list', '[1, 2]', 'Arguments must be a JSON object'],
	])('refuses arguments that are %s before sending anything', async (_, args, message) => {
		const { sessionId } = await createSession();
		const before = context.sim.requests.length;

		const result = await execute(sessionId as string, whoamiTool('github'), args);

		expect(errorJson(result.errorOutput[0]).error).toContain(message);
		expect(context.sim.requests.length).toBe(before);
	});
});

describe('Session › Get, node version 1.1: Simplify', () => {
	async function getSession(sessionId: unknown, parameters: IDataObject = {}) {
		const result = await context.run(
			[{}],
			{ resource: 'session', operation: 'get', sessionId: sessionId as string, ...parameters },
			{ typeVersion: 1.1 },
		);
		expect(result.status).toBe('success');
		expectEachItemOnce(result, 1);
		return result.success[0].json;
	}

	it('is on by default: sessionId and mcpUrl on top, the config flattened beside them', async () => {
		const account = context.sim.connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		const created = await createSession('ada', everyOption(account.id));

		const simplified = await getSession(created.sessionId);

		expect(simplified).toEqual({
			sessionId: created.sessionId,
			mcpUrl: created.mcpUrl,
			userId: 'ada',
			enabledToolkits: ['github', 'slack'],
			disabledToolkits: null,
			authConfigs: { github: 'ac_gh' },
			connectedAccounts: { github: account.id },
			manageConnections: false,
			callbackUrl: 'https://app.example.com/connected',
		});
	});

	it('a session of every toolkit but some: those in disabledToolkits, no callback URL', async () => {
		const created = await createSession('ada', { toolkitsMode: 'disable', toolkits: 'gmail' });

		expect(await getSession(created.sessionId)).toMatchObject({
			enabledToolkits: null,
			disabledToolkits: ['gmail'],
			manageConnections: true,
			callbackUrl: null,
		});
	});

	it('off: the session as Create outputs it, as version 1 outputs it', async () => {
		const created = await createSession();

		expect(await getSession(created.sessionId, { simplify: false })).toEqual(created);
	});
});
