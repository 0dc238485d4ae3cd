/**
 * Server › Create, run in n8n's real engine against the Composio simulator: which endpoint each
 * input reaches (POST /mcp/servers or /mcp/servers/custom), the exact body, the follow-up GET whose
 * answer is the output (simplified by default from version 1.1), and input refused per item
 * before anything is sent.
 */
import type { IDataObject } from 'n8n-workflow';

import { expectSimplifiedServer } from '../support/simplified';
import { errorJson, expectEachItemOnce, useSimulator } from '../support/simulator';

const context = useSimulator();

const create = context.runner('server', 'create');

/** Auth configs the simulator knows (Composio answers 404 for unknown ones). */
function authConfigs(...entries: Array<[string, string]>) {
	for (const [id, toolkit] of entries) context.sim.connectAccount('seed-user', id, { toolkit });
}

function calls() {
	return context.sim.requests.map((request) => `${request.method} ${request.path}`);
}

function posts() {
	return context.sim.requests.filter((request) => request.method === 'POST');
}

/** The server as Server › Get outputs it at version 1: Composio's answer. */
async function fetched(serverId: unknown) {
	const got = await context.run([{}], {
		resource: 'server',
		operation: 'get',
		serverId: { __rl: true, mode: 'id', value: String(serverId) },
	});
	return got.success[0].json;
}

describe('Server › Create through the n8n engine', () => {
	it('with auth configs only: POST /mcp/servers, then GET; the output is the GET answer', async () => {
		authConfigs(['ac_gmail', 'gmail'], ['ac_slack', 'slack']);

		const result = await create({ name: 'Support Tools', authConfigIds: 'ac_gmail, ac_slack' });

		expect(result.status).toBe('success');
		expectEachItemOnce(result, 1);
		const created = result.success[0].json;
		expect(calls()).toEqual(['POST /api/v3/mcp/servers', `GET /api/v3/mcp/${String(created.id)}`]);
		expect(posts()[0].rawBody).toBe(
			'{"name":"Support Tools","auth_config_ids":["ac_gmail","ac_slack"]}',
		);
		expect(created).toMatchObject({
			name: 'Support Tools',
			auth_config_ids: ['ac_gmail', 'ac_slack'],
			toolkits: ['gmail', 'slack'],
			deleted: false,
		});

		expect(created).toEqual(await fetched(created.id));
	});

	it('with toolkits: POST /mcp/servers/custom, and the output has Get’s full shape', async () => {
		const result = await create({
			name: 'Multi Toolkit',
			authConfigIds: '',
			additionalFields: { toolkits: 'gmail, slack' },
		});

		expect(result.status).toBe('success');
		const created = result.success[0].json;
		expect(calls()).toEqual([
			'POST /api/v3/mcp/servers/custom',
			`GET /api/v3/mcp/${String(created.id)}`,
		]);
		expect(posts()[0].body).toEqual({ name: 'Multi Toolkit', toolkits: ['gmail', 'slack'] });
		// The custom endpoint answers without toolkits or counts; the GET adds them.
		expect(created).toMatchObject({
			name: 'Multi Toolkit',
			toolkits: ['gmail', 'slack'],
			auth_config_ids: [],
			server_instance_count: 0,
			managed_auth_via_composio: false,
			deleted: false,
		});
	});

	it('with toolkits and auth configs: both go to /custom', async () => {
		authConfigs(['ac_github', 'github']);

		const result = await create({
			name: 'Dev Tools',
			authConfigIds: 'ac_github',
			additionalFields: { toolkits: 'notion' },
		});

		expect(posts().map((request) => request.path)).toEqual(['/api/v3/mcp/servers/custom']);
		expect(posts()[0].body).toEqual({
			name: 'Dev Tools',
			auth_config_ids: ['ac_github'],
			toolkits: ['notion'],
		});
		expect(result.success[0].json.toolkits).toEqual(['notion', 'github']);
	});

	it('allowed tools and managed auth reach the body and the server', async () => {
		authConfigs(['ac_gmail', 'gmail']);

		const result = await create({
			name: 'Mail Only',
			authConfigIds: 'ac_gmail',
			additionalFields: {
				allowedTools: 'GMAIL_SEND_EMAIL,\nGMAIL_FETCH_EMAILS , GMAIL_SEND_EMAIL',
				managedAuth: true,
			},
		});

		expect(posts()[0].body).toEqual({
			name: 'Mail Only',
			auth_config_ids: ['ac_gmail'],
			allowed_tools: ['GMAIL_SEND_EMAIL', 'GMAIL_FETCH_EMAILS'],
			managed_auth_via_composio: true,
		});
		expect(result.success[0].json).toMatchObject({
			allowed_tools: ['GMAIL_SEND_EMAIL', 'GMAIL_FETCH_EMAILS'],
			managed_auth_via_composio: true,
		});
	});

	it('Managed Auth switched off is sent as false', async () => {
		authConfigs(['ac_gmail', 'gmail']);

		await create({
			name: 'Mail Only',
			authConfigIds: 'ac_gmail',
			additionalFields: { managedAuth: false },
		});

		expect(posts()[0].rawBody).toBe(
			'{"name":"Mail Only","auth_config_ids":["ac_gmail"],"managed_auth_via_composio":false}',
		);
	});

	it('lists from expressions (arrays) and comma strings, trimmed and without repeats', async () => {
		authConfigs(['ac_a', 'gmail'], ['ac_b', 'slack']);

		const result = await create(
			{
				name: '={{ $json.name }}',
				authConfigIds: '={{ $json.configs }}',
				additionalFields: { toolkits: '={{ $json.toolkits }}' },
			},
			[
				{ name: 'From Arrays', configs: ['ac_a', ' ac_b ', 'ac_a', ''], toolkits: ['jira'] },
				{ name: 'From Strings', configs: ' ac_b,, ac_a ,ac_b', toolkits: 'linear , jira' },
			],
		);

		expect(result.status).toBe('success');
		expectEachItemOnce(result, 2);
		expect(posts().map((request) => request.body)).toEqual([
			{ name: 'From Arrays', auth_config_ids: ['ac_a', 'ac_b'], toolkits: ['jira'] },
			{ name: 'From Strings', auth_config_ids: ['ac_b', 'ac_a'], toolkits: ['linear', 'jira'] },
		]);
		expect(result.success.map((item) => item.json.name)).toEqual(['From Arrays', 'From Strings']);
	});

	it('names are checked before sending: each bad one fails its own item', async () => {
		authConfigs(['ac_gmail', 'gmail']);
		const names = ['abc', 'x'.repeat(31), 'bad_name', 'Zoë Tools', '', 'abcd', 'y'.repeat(30)];

		const result = await create(
			{ name: '={{ $json.name }}', authConfigIds: 'ac_gmail' },
			names.map((name) => ({ name })),
			{ onError: 'continueRegularOutput' },
		);

		expect(result.status).toBe('success');
		expectEachItemOnce(result, names.length);
		const [short, long, underscore, unicode, empty, four, thirty] = result.success;
		expect(errorJson(short)).toMatchObject({
			error: 'Server name must be 4 to 30 characters long, "abc" has 3',
			httpCode: null,
			description: 'Nothing was sent to Composio for this item.',
			name: 'abc',
		});
		expect(errorJson(long).error).toMatch(/4 to 30 characters long, .* has 31$/);
		expect(errorJson(underscore).error).toBe(
			'Server name may hold only letters, digits, spaces and hyphens: "bad_name"',
		);
		expect(errorJson(unicode).error).toMatch(/only letters, digits, spaces and hyphens/);
		expect(errorJson(empty).error).toMatch(/has 0$/);
		expect(four.json.name).toBe('abcd');
		expect(thirty.json.name).toBe('y'.repeat(30));
		expect(posts().map((request) => (request.body as IDataObject).name)).toEqual([
			'abcd',
			'y'.repeat(30),
		]);
	});

	it('a Name expression that gives an object fails its item; null is an empty name', async () => {
		authConfigs(['ac_gmail', 'gmail']);

		const result = await create(
			{ name: '={{ $json.name }}', authConfigIds: 'ac_gmail' },
			[{ name: { first: 'Mail' } }, { name: null }, { name: 'Mail Tools' }],
			{ onError: 'continueErrorOutput' },
		);

		expectEachItemOnce(result, 3);
		expect(result.errorOutput.map((item) => errorJson(item))).toEqual([
			expect.objectContaining({
				error: 'Name must be text, got an object: map a single field, e.g. {{ $json.userId }}',
				httpCode: null,
				description: 'Nothing was sent to Composio for this item.',
			}),
			expect.objectContaining({
				error: 'Server name must be 4 to 30 characters long, "" has 0',
				httpCode: null,
			}),
		]);
		expect(result.success.map((item) => item.json.name)).toEqual(['Mail Tools']);
		// Neither "[object Object]" nor "null" is ever sent as a name.
		expect(posts().map((request) => (request.body as IDataObject).name)).toEqual(['Mail Tools']);
	});

	it('a name is trimmed before the check and in the body', async () => {
		authConfigs(['ac_gmail', 'gmail']);

		const result = await create({ name: '  Mail Tools  ', authConfigIds: 'ac_gmail' });

		expect((posts()[0].body as IDataObject).name).toBe('Mail Tools');
		expect(result.success[0].json.name).toBe('Mail Tools');
	});

	it('neither auth configs nor toolkits: a per-item error and no request', async () => {
		const result = await create(
			{ name: 'Empty Server', authConfigIds: ' , ', additionalFields: { toolkits: '' } },
			[{}],
			{ onError: 'continueErrorOutput' },
		);

		expect(result.success).toEqual([]);
		expect(result.errorOutput).toHaveLength(1);
		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: 'Set Auth Config IDs, or Toolkits under Additional Fields',
			httpCode: null,
			name: 'Empty Server',
			authConfigIds: [],
			toolkits: [],
		});
		expectEachItemOnce(result, 1);
		expect(context.sim.requests).toEqual([]);
	});

	it('Composio’s 404 for an unknown auth config fails the item with its message', async () => {
		const result = await create({ name: 'Bad Config', authConfigIds: 'ac_nope' }, [{}], {
			onError: 'continueErrorOutput',
		});

		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: 'Auth config not found: ac_nope',
			httpCode: '404',
			name: 'Bad Config',
			authConfigIds: ['ac_nope'],
		});
		expect(calls()).toEqual(['POST /api/v3/mcp/servers']);
	});

	it('a failing follow-up GET fails the item but names the server that was created', async () => {
		authConfigs(['ac_gmail', 'gmail']);
		context.sim.inject({
			method: 'GET',
			path: /^\/api\/v3\/mcp\//,
			status: 500,
			times: 10,
			body: { error: { message: 'Temporary failure', code: 1500, status: 500 } },
		});

		// Max Retries 0: the GET's 500 is not retried (retries are covered in test/faults).
		const result = await create(
			{ name: 'Half Done', authConfigIds: 'ac_gmail', requestOptions: { maxRetries: 0 } },
			[{}],
			{ onError: 'continueErrorOutput' },
		);

		const failed = errorJson(result.errorOutput[0]);
		expect(failed).toMatchObject({ error: 'Temporary failure', httpCode: '500' });
		expect(failed.serverId).toEqual(expect.any(String));
		expect(calls()).toEqual([
			'POST /api/v3/mcp/servers',
			`GET /api/v3/mcp/${String(failed.serverId)}`,
		]);
	});
});

describe('Server › Create, node version 1.1: Simplify', () => {
	it.each([
		['auth configs (POST /mcp/servers)', { authConfigIds: 'ac_gmail' }],
		['toolkits (POST /mcp/servers/custom)', { additionalFields: { toolkits: 'gmail, slack' } }],
	])('is on by default: the new server simplified, with %s', async (_how, parameters) => {
		authConfigs(['ac_gmail', 'gmail']);

		const result = await create({ name: 'Support Tools', ...parameters }, [{}], {
			typeVersion: 1.1,
		});

		expect(result.status).toBe('success');
		expectEachItemOnce(result, 1);
		const created = result.success[0].json;
		expect(created.name).toBe('Support Tools');
		await expectSimplifiedServer(context, created);
	});

	it('Auth Config IDs picked from the list: POST /mcp/servers with them', async () => {
		authConfigs(['ac_gmail', 'gmail'], ['ac_slack', 'slack']);

		const result = await create(
			{ name: 'Support Tools', authConfigIds: ['ac_gmail', 'ac_slack'] },
			[{}],
			{ typeVersion: 1.1 },
		);

		expect(result.status).toBe('success');
		expect(posts()[0].rawBody).toBe(
			'{"name":"Support Tools","auth_config_ids":["ac_gmail","ac_slack"]}',
		);
		expect(result.success[0].json).toMatchObject({ auth_config_ids: ['ac_gmail', 'ac_slack'] });
	});

	it('none picked and no Toolkits: refused before sending', async () => {
		const result = await create({ name: 'Support Tools', authConfigIds: [] }, [{}], {
			typeVersion: 1.1,
		});

		expect(result.error?.message).toBe('Set Auth Config IDs, or Toolkits under Additional Fields');
		expect(context.sim.requests).toEqual([]);
	});

	it('off: the server as Get answers it, as version 1 outputs it', async () => {
		authConfigs(['ac_gmail', 'gmail']);

		const result = await create(
			{ name: 'Support Tools', authConfigIds: 'ac_gmail', simplify: false },
			[{}],
			{ typeVersion: 1.1 },
		);

		const created = result.success[0].json;
		expect(created).toEqual(await fetched(created.id));
		expect(created).toMatchObject({ commands: expect.any(Object), deleted: false });
	});
});
