/**
 * Session › Update and Delete (routes only Composio's API v3.1 has), and the connected accounts
 * Create and Update send in the shape of the credential's API version, run in n8n's real engine
 * against the simulator (which validates each v3.1 request and answer against the hand-made
 * test/fixtures/session-lifecycle.schema.json, and v3's against the spec subset).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { useSleepRecorder } from '../support/faults';
import type { RunOptions } from '../support/simulator';
import { errorJson, expectEachItemOnce, useSimulator } from '../support/simulator';

const SESSIONS_READ = 'ak_int_lifecycle_sessions_read';

const context = useSimulator({ scopedKeys: { [SESSIONS_READ]: { sessions: 'read' } } });
// A lost answer is retried: the retry's wait is recorded, not slept.
useSleepRecorder();

const V31: RunOptions = { credentials: { apiVersion: 'v3.1' } };
const V31_ON_ERROR: RunOptions = { ...V31, onError: 'continueErrorOutput' };

function accountRows(...rows: Array<[string, string]>): INodeParameters {
	return { entries: rows.map(([toolkit, id]) => ({ toolkit, id })) };
}

/** The Multi-Account field with these settings. */
function multiAccount(settings: INodeParameters = {}): INodeParameters {
	return { settings: { enable: true, ...settings } };
}

async function create(options: RunOptions, parameters: INodeParameters = {}) {
	return await context.run(
		[{}],
		{ resource: 'session', operation: 'create', userId: 'ada', ...parameters },
		options,
	);
}

async function createSession(options: RunOptions, parameters: INodeParameters = {}) {
	const result = await create(options, parameters);
	expect(result.status).toBe('success');
	return result.success[0].json;
}

async function update(sessionId: unknown, updateFields: INodeParameters, options = V31_ON_ERROR) {
	return await context.run(
		[{}],
		{ resource: 'session', operation: 'update', sessionId: sessionId as string, updateFields },
		options,
	);
}

async function remove(sessionId: unknown, options = V31_ON_ERROR) {
	return await context.run(
		[{}],
		{ resource: 'session', operation: 'delete', sessionId: sessionId as string },
		options,
	);
}

/** The bodies of the requests sent with a method, parsed. */
function bodies(method: string): unknown[] {
	return context.sim.requests
		.filter((request) => request.method === method)
		.map((request) => request.body);
}

describe('Session › Create: connected accounts in the shape of the API version', () => {
	it('v3: one ID string per toolkit', async () => {
		const github = context.sim.connectAccount('ada', 'ac_gh', { toolkit: 'github' });

		const session = await createSession(
			{},
			{ options: { connectedAccounts: accountRows(['github', github.id]) } },
		);

		expect((bodies('POST')[0] as IDataObject).connected_accounts).toEqual({ github: github.id });
		expect((session.config as IDataObject).connected_accounts).toEqual({ github: github.id });
	});

	it('v3.1: a list per toolkit (one account)', async () => {
		const github = context.sim.connectAccount('ada', 'ac_gh', { toolkit: 'github' });

		const session = await createSession(V31, {
			options: { connectedAccounts: accountRows(['github', github.id]) },
		});

		expect(bodies('POST')).toEqual([{ user_id: 'ada', connected_accounts: { github: [github.id] } }]);
		expect((session.config as IDataObject).connected_accounts).toEqual({ github: [github.id] });
	});

	it('v3.1 with Multi-Account: several rows for one toolkit go as one list, in order, with multi_account', async () => {
		const first = context.sim.connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		const second = context.sim.connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		const slack = context.sim.connectAccount('ada', 'ac_sl', { toolkit: 'slack' });

		const session = await createSession(V31, {
			options: {
				connectedAccounts: accountRows(
					['github', first.id],
					['slack', slack.id],
					['github', second.id],
					// The same account twice is pinned once.
					['github', first.id],
				),
				multiAccount: multiAccount({ maxAccountsPerToolkit: 3, requireExplicitSelection: true }),
			},
		});

		const pinned = { github: [first.id, second.id], slack: [slack.id] };
		const multi = { enable: true, max_accounts_per_toolkit: 3, require_explicit_selection: true };
		expect(context.sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'POST /api/v3.1/tool_router/session',
		]);
		expect(bodies('POST')[0]).toMatchObject({ connected_accounts: pinned, multi_account: multi });
		expect(session.config).toMatchObject({ connected_accounts: pinned, multi_account: multi });
	});

	it.each<[string, INodeParameters, string]>([
		[
			'without Multi-Account',
			{},
			"Connected Accounts: 2 rows for the toolkit github (ca_1, ca_2); a session holds one connected account per toolkit unless 'Multi-Account' is on: keep one, or add 'Multi-Account' with Enable on",
		],
		[
			'with Multi-Account off',
			{ multiAccount: multiAccount({ enable: false }) },
			"Connected Accounts: 2 rows for the toolkit github (ca_1, ca_2); a session holds one connected account per toolkit unless 'Multi-Account' is on: keep one, or add 'Multi-Account' with Enable on",
		],
		[
			'with Multi-Account, more than its Max Accounts per Toolkit',
			{
				multiAccount: multiAccount({ maxAccountsPerToolkit: 2 }),
				connectedAccounts: accountRows(['github', 'ca_1'], ['github', 'ca_2'], ['github', 'ca_3']),
			},
			"Connected Accounts: 3 rows for the toolkit github; 'Multi-Account' allows at most 2 per toolkit (Max Accounts per Toolkit)",
		],
		[
			'with Max Accounts per Toolkit 11',
			{ multiAccount: multiAccount({ maxAccountsPerToolkit: 11 }) },
			'Multi-Account: Max Accounts per Toolkit must be a whole number from 2 to 10, got 11',
		],
	])('v3.1 %s: the item fails before anything is sent', async (_, options, message) => {
		const result = await create(V31_ON_ERROR, {
			options: {
				connectedAccounts: accountRows(['github', 'ca_1'], ['github', 'ca_2']),
				...options,
			},
		});

		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: message,
			description: 'Nothing was sent to Composio for this item.',
		});
		expect(context.sim.requests).toEqual([]);
	});

	it('v3: two rows for one toolkit fail the item before anything is sent; Multi-Account needs v3.1', async () => {
		const rows = accountRows(['github', 'ca_1'], ['github', 'ca_2']);
		const result = await create(
			{ onError: 'continueErrorOutput' },
			{ options: { connectedAccounts: rows } },
		);
		const multi = await create(
			{ onError: 'continueErrorOutput' },
			{ options: { connectedAccounts: rows, multiAccount: multiAccount() } },
		);

		const failed = errorJson(result.errorOutput[0]);
		expect(failed.error).toBe(
			"Connected Accounts: 2 rows for the toolkit github (ca_1, ca_2); Composio's API v3 takes one connected account per toolkit: keep one, or switch the credential's API Version to V3.1 and turn on 'Multi-Account'",
		);
		expect(failed.description).toBe('Nothing was sent to Composio for this item.');
		expect(errorJson(multi.errorOutput[0]).error).toBe(
			"Multi-Account needs Composio's API v3.1, and the credential uses v3",
		);
		expect(context.sim.requests).toEqual([]);
	});

	it('two auth configs for one toolkit fail the item in either version', async () => {
		const result = await create(V31_ON_ERROR, {
			options: { authConfigs: accountRows(['github', 'ac_1'], ['github', 'ac_2']) },
		});

		expect(errorJson(result.errorOutput[0]).error).toBe(
			'Auth Configs: 2 rows for the toolkit github (ac_1, ac_2); a session uses one auth config per toolkit',
		);
		expect(context.sim.requests).toEqual([]);
	});
});

describe('Session › Update (v3.1)', () => {
	it('sends only the fields given and outputs the session with config_version', async () => {
		const github = context.sim.connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		const other = context.sim.connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		const created = await createSession(V31, { toolkitsMode: 'enable', toolkits: 'github' });

		const result = await update(created.sessionId, {
			connectedAccounts: accountRows(['github', github.id], ['github', other.id]),
			manageConnections: false,
			multiAccount: multiAccount(),
		});

		expectEachItemOnce(result, 1);
		const patch = context.sim.requests.filter((r) => r.method === 'PATCH');
		expect(patch.map((r) => r.path)).toEqual([
			`/api/v3.1/tool_router/session/${String(created.sessionId)}`,
		]);
		const multi = { enable: true, max_accounts_per_toolkit: 5, require_explicit_selection: false };
		expect(JSON.parse(patch[0].rawBody)).toEqual({
			multi_account: multi,
			connected_accounts: { github: [github.id, other.id] },
			manage_connections: { enable: false },
		});
		expect(result.success[0].json).toEqual({
			session_id: created.sessionId,
			mcp: created.mcp,
			tool_router_tools: expect.any(Array),
			config: {
				user_id: 'ada',
				toolkits: { enabled: ['github'] },
				auth_configs: {},
				connected_accounts: { github: [github.id, other.id] },
				manage_connections: { enabled: false },
				multi_account: multi,
			},
			config_version: 2,
			warnings: [],
			sessionId: created.sessionId,
			mcpUrl: created.mcpUrl,
		});
	});

	it('two rows for one toolkit without Multi-Account in the same update fail the item unsent', async () => {
		const { sessionId } = await createSession(V31);

		const result = await update(sessionId, {
			connectedAccounts: accountRows(['github', 'ca_1'], ['github', 'ca_2']),
		});

		expect(errorJson(result.errorOutput[0]).error).toContain(
			"a session holds one connected account per toolkit unless 'Multi-Account' is on",
		);
		expect(bodies('PATCH')).toEqual([]);
	});

	it.each<[string, INodeParameters, IDataObject]>([
		['Toolkits All, as an empty deny list', { toolkitsMode: 'all' }, { toolkits: { disable: [] } }],
		[
			'Toolkits Only These with its list',
			{ toolkitsMode: 'enable', toolkits: 'gmail, slack' },
			{ toolkits: { enable: ['gmail', 'slack'] } },
		],
		[
			'a callback URL alone, leaving Manage Connections as it is',
			{ callbackUrl: 'https://app.example.com/back' },
			{ manage_connections: { callback_url: 'https://app.example.com/back' } },
		],
		['no tags: the filter removed', { tags: [] }, { tags: [] }],
		[
			'auth configs',
			{ authConfigs: accountRows(['gmail', 'ac_gm']) },
			{ auth_configs: { gmail: 'ac_gm' } },
		],
		[
			'Multi-Account off',
			{ multiAccount: multiAccount({ enable: false }) },
			{
				multi_account: {
					enable: false,
					max_accounts_per_toolkit: 5,
					require_explicit_selection: false,
				},
			},
		],
	])('%s', async (_, updateFields, body) => {
		const { sessionId } = await createSession(V31);

		const result = await update(sessionId, updateFields);

		expect(result.status).toBe('success');
		expect(result.success).toHaveLength(1);
		expect(bodies('PATCH')).toEqual([body]);
	});

	it('what it changed is what Get shows afterwards', async () => {
		const { sessionId } = await createSession(V31, { toolkitsMode: 'enable', toolkits: 'github' });
		await update(sessionId, { toolkitsMode: 'disable', toolkits: 'gmail', tags: ['readOnlyHint'] });

		const got = await context.run(
			[{}],
			{ resource: 'session', operation: 'get', sessionId: sessionId as string },
			V31,
		);

		expect(got.success[0].json.config).toMatchObject({
			toolkits: { disabled: ['gmail'] },
			tags: { enabled: ['readOnlyHint'] },
		});
	});

	it("an account of another user: Composio's 400 on the item", async () => {
		const bob = context.sim.connectAccount('bob', 'ac_gh', { toolkit: 'github' });
		const { sessionId } = await createSession(V31);

		const result = await update(sessionId, { connectedAccounts: accountRows(['github', bob.id]) });

		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: `Connected account ${bob.id} belongs to another user than the session's (ada)`,
			httpCode: '400',
		});
	});

	it.each<[string, INodeParameters, string]>([
		['no field', {}, 'Add at least one field under Update Fields'],
		[
			'a Toolkit List without Toolkits',
			{ toolkits: 'gmail' },
			"Toolkit List needs 'Toolkits' (Only These or All Except These) under Update Fields",
		],
		[
			'Only These without a list',
			{ toolkitsMode: 'enable', toolkits: '' },
			'Toolkit List is empty: list the toolkits, or set Toolkits to All',
		],
		[
			'a half-filled row',
			{ connectedAccounts: accountRows(['github', '']) },
			'Connected Accounts: each row needs a toolkit and an ID',
		],
	])('refuses %s before sending anything', async (_, updateFields, message) => {
		const result = await update('trs_1', updateFields);

		expect(errorJson(result.errorOutput[0]).error).toBe(message);
		expect(context.sim.requests).toEqual([]);
	});

	it("an unknown session: Composio's 404 on the item", async () => {
		const result = await update('trs_nope', { manageConnections: true });

		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: 'Tool router session not found: trs_nope',
			httpCode: '404',
			sessionId: 'trs_nope',
		});
	});
});

describe('Session › Delete (v3.1)', () => {
	it('DELETE, then { deleted: true, sessionId }; the session is gone for Get', async () => {
		const { sessionId } = await createSession(V31);

		const result = await remove(sessionId);

		expectEachItemOnce(result, 1);
		expect(result.success.map((item) => item.json)).toEqual([{ deleted: true, sessionId }]);
		expect(context.sim.sessionsOf('ada')).toEqual([]);
		const deletes = context.sim.requests.filter((r) => r.method === 'DELETE');
		expect(deletes.map((r) => [r.path, r.rawBody])).toEqual([
			[`/api/v3.1/tool_router/session/${String(sessionId)}`, ''],
		]);
		const got = await context.run(
			[{}],
			{ resource: 'session', operation: 'get', sessionId: sessionId as string },
			V31_ON_ERROR,
		);
		expect(errorJson(got.errorOutput[0]).httpCode).toBe('404');
	});

	it('done when the answer was lost and the retry finds it gone (404)', async () => {
		const { sessionId } = await createSession(V31);
		context.sim.inject({ method: 'DELETE', loseAnswer: true });

		const result = await remove(sessionId);

		expect(result.success.map((item) => item.json)).toEqual([{ deleted: true, sessionId }]);
		expect(context.sim.requests.filter((r) => r.method === 'DELETE')).toHaveLength(2);
	});

	it('a key that may only read sessions: the 403 names "Sessions: write", nothing deleted', async () => {
		const { sessionId } = await createSession(V31);

		const result = await remove(sessionId, { ...V31_ON_ERROR, apiKey: SESSIONS_READ });

		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: expect.stringContaining(
				'(if this API key is scoped, it needs "Sessions: write" for DELETE /tool_router/session/{session_id})',
			),
			httpCode: '403',
		});
		expect(context.sim.sessionsOf('ada')).toHaveLength(1);
	});

	it("an unknown session is Composio's 404 on the item (a first attempt's 404 is not 'done')", async () => {
		const result = await remove('trs_nope');

		expect(result.success).toEqual([]);
		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: 'Tool router session not found: trs_nope',
			httpCode: '404',
		});
	});
});

describe('Session › Update and Delete: input and API version checked before any request', () => {
	it.each<[string, unknown, string]>([
		['a blank', '  ', 'Session ID is blank'],
		[
			'an expression that gave no',
			'={{ $json.missing }}',
			'Session ID is empty: its expression gave no value for this item',
		],
		['a dot-dot', '..', 'Session ID ".." cannot be used in a URL path'],
		['a list as', '={{ ["trs_1"] }}', 'Session ID must be text, got a list'],
	])('%s session ID', async (_, sessionId, message) => {
		for (const operation of ['update', 'delete']) {
			const result = await context.run(
				[{}],
				{
					resource: 'session',
					operation,
					sessionId: sessionId as string,
					updateFields: { manageConnections: true },
				},
				V31_ON_ERROR,
			);
			expect(errorJson(result.errorOutput[0]).error).toContain(message);
		}
		expect(context.sim.requests).toEqual([]);
	});

	it.each(['update', 'delete'])(
		'%s with a v3 credential fails each item, saying to switch to V3.1',
		async (operation) => {
			const result = await context.run(
				[{}, {}],
				{
					resource: 'session',
					operation,
					sessionId: 'trs_1',
					updateFields: { manageConnections: true },
				},
				{ onError: 'continueErrorOutput', credentials: { apiVersion: 'v3' } },
			);

			expectEachItemOnce(result, 2);
			const name = operation === 'update' ? 'Update' : 'Delete';
			expect(errorJson(result.errorOutput[1])).toMatchObject({
				error: `Session › ${name} needs Composio's API v3.1, and the credential uses v3`,
				description:
					"Composio has this route only in API v3.1: switch the credential's API Version to V3.1 (Session › Create and Get then send and show connected accounts as lists per toolkit). Nothing was sent to Composio for this item.",
				sessionId: 'trs_1',
			});
			expect(context.sim.requests).toEqual([]);
		},
	);

	it('an older credential without an API Version is v3: refused the same way', async () => {
		const result = await remove('trs_1', { onError: 'continueErrorOutput' });

		expect(errorJson(result.errorOutput[0]).error).toBe(
			"Session › Delete needs Composio's API v3.1, and the credential uses v3",
		);
		expect(context.sim.requests).toEqual([]);
	});
});
