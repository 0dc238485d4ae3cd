/**
 * Server › Get, run in n8n's real engine against the Composio simulator: the Server picker's three
 * modes (By ID, From List, By URL), Composio's 404 for unknown and deleted servers, ids refused
 * before sending, the credential's API version as the path prefix, and version 1.1's Simplify.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { NodeRun } from '../engine/runWorkflow';
import type { RunOptions } from '../support/simulator';
import { errorJson, expectEachItemOnce, useSimulator } from '../support/simulator';

const SERVER_NOT_FOUND =
	'MCP server not found. No server with the specified ID exists or it has been deleted.';

const context = useSimulator();

function locator(value: string, mode: 'id' | 'list' | 'url' = 'id') {
	return { __rl: true, mode, value };
}

async function get(
	serverId: INodeParameters['serverId'],
	items: IDataObject[] = [{}],
	options?: RunOptions,
	parameters: INodeParameters = {},
): Promise<NodeRun> {
	return await context.run(
		items,
		{ resource: 'server', operation: 'get', serverId, ...parameters },
		options,
	);
}

function server() {
	return context.sim.addServer({
		name: 'Support Tools',
		auth_config_ids: ['ac_gmail'],
		toolkits: ['gmail'],
		allowed_tools: ['GMAIL_SEND_EMAIL'],
	});
}

describe('Server › Get through the n8n engine', () => {
	it('By ID: GET /api/v3/mcp/{id}, output is the server with deleted: false', async () => {
		const record = server();

		const result = await get(locator(record.id));

		expect(result.status).toBe('success');
		expect(result.success).toHaveLength(1);
		expect(result.success[0].json).toEqual({
			id: record.id,
			name: 'Support Tools',
			auth_config_ids: ['ac_gmail'],
			allowed_tools: ['GMAIL_SEND_EMAIL'],
			mcp_url: `${context.sim.url}/v3/mcp/${record.id}`,
			toolkits: ['gmail'],
			toolkit_icons: { gmail: expect.any(String) },
			commands: expect.any(Object),
			created_at: record.created_at,
			updated_at: record.updated_at,
			server_instance_count: 0,
			managed_auth_via_composio: false,
			deleted: false,
		});
		expectEachItemOnce(result, 1);
		expect(context.sim.requests.map((request) => `${request.method} ${request.rawPath}`)).toEqual([
			`GET /api/v3/mcp/${record.id}`,
		]);
	});

	it('From List: the picked value is the id', async () => {
		const record = server();

		const result = await get(locator(record.id, 'list'));

		expect(result.success.map((item) => item.json.id)).toEqual([record.id]);
		expect(context.sim.requests[0].rawPath).toBe(`/api/v3/mcp/${record.id}`);
	});

	it('By URL: the uuid is taken out of a dashboard link', async () => {
		const record = server();

		const result = await get(
			locator(
				`https://platform.composio.dev/my-org/my-project/mcp/${record.id}?tab=settings`,
				'url',
			),
		);

		expect(result.status).toBe('success');
		expect(result.success.map((item) => item.json.id)).toEqual([record.id]);
		expect(context.sim.requests.map((request) => request.rawPath)).toEqual([
			`/api/v3/mcp/${record.id}`,
		]);
	});

	it('By ID from an expression: one server per input item, each paired to its item', async () => {
		const first = server();
		const second = context.sim.addServer({ name: 'Second Server' });

		const result = await get(locator('={{ $json.serverId }}'), [
			{ serverId: second.id },
			{ serverId: ` ${first.id} ` },
		]);

		expect(result.success.map((item) => item.json.id)).toEqual([second.id, first.id]);
		expectEachItemOnce(result, 2);
	});

	it('404 for an unknown server: Composio’s message, the server id in details', async () => {
		const record = server();

		const result = await get(
			locator('={{ $json.serverId }}'),
			[{ serverId: 'no-such-server' }, { serverId: record.id }],
			{ onError: 'continueErrorOutput' },
		);

		expect(result.success.map((item) => item.json.id)).toEqual([record.id]);
		expect(result.success[0].pairedItem).toEqual({ item: 1 });
		expect(result.errorOutput).toHaveLength(1);
		expect(result.errorOutput[0].pairedItem).toEqual({ item: 0 });
		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: SERVER_NOT_FOUND,
			httpCode: '404',
			requestId: expect.stringMatching(/\S/),
			serverId: 'no-such-server',
		});
		expectEachItemOnce(result, 2);
	});

	it('404 with Stop Workflow: the execution fails with Composio’s message', async () => {
		const result = await get(locator('4f0c7e8a-1b2c-4d3e-9f00-123456789abc'));

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(SERVER_NOT_FOUND);
		expect(result.error).toMatchObject({ httpCode: '404' });
	});

	it('a deleted server answers 404', async () => {
		const record = server();
		const deleted = await context.run([{}], {
			resource: 'server',
			operation: 'delete',
			serverId: locator(record.id),
		});
		expect(deleted.success.map((item) => item.json)).toEqual([{ id: record.id, deleted: true }]);

		const result = await get(locator(record.id), [{}], { onError: 'continueRegularOutput' });

		expect(result.success).toHaveLength(1);
		expect(errorJson(result.success[0])).toMatchObject({
			error: SERVER_NOT_FOUND,
			httpCode: '404',
			serverId: record.id,
		});
		expectEachItemOnce(result, 1);
	});

	it('an id that cannot be a path segment or is blank fails its item without a request', async () => {
		const record = server();

		const result = await get(
			locator('={{ $json.serverId }}'),
			[
				{ serverId: '..' },
				{ serverId: '   ' },
				{ serverId: { id: record.id } },
				{ serverId: record.id },
			],
			{ onError: 'continueRegularOutput' },
		);

		expectEachItemOnce(result, 4);
		const [dots, blank, object, ok] = result.success;
		expect(errorJson(dots)).toMatchObject({
			error: expect.stringMatching(/URL path/),
			httpCode: null,
		});
		expect(errorJson(blank)).toMatchObject({ error: 'Server is blank', httpCode: null });
		expect(errorJson(object).error).toMatch(/must be text, got an object/);
		expect(ok.json.id).toBe(record.id);
		expect(context.sim.requests.map((request) => request.rawPath)).toEqual([
			`/api/v3/mcp/${record.id}`,
		]);
	});

	it('an id with "/" and "?" is sent as one encoded path segment', async () => {
		const result = await get(locator('a/b?c'), [{}], { onError: 'continueRegularOutput' });

		expect(errorJson(result.success[0]).httpCode).toBe('404');
		expect(context.sim.requests.map((request) => request.rawPath)).toEqual([
			'/api/v3/mcp/a%2Fb%3Fc',
		]);
	});

	it('credential API Version v3.1: requests go to /api/v3.1/', async () => {
		const record = server();

		const result = await get(locator(record.id), [{}], { credentials: { apiVersion: 'v3.1' } });

		expect(result.status).toBe('success');
		expect(result.success.map((item) => item.json.id)).toEqual([record.id]);
		expect(context.sim.requests.map((request) => request.rawPath)).toEqual([
			`/api/v3.1/mcp/${record.id}`,
		]);
	});
});

describe('Server › Get, node version 1.1: Simplify', () => {
	it('is on by default: the fields a workflow uses, under Composio’s names, most used first', async () => {
		const record = server();

		const result = await get(locator(record.id), [{}], { typeVersion: 1.1 });

		expect(result.status).toBe('success');
		expectEachItemOnce(result, 1);
		const simplified = {
			id: record.id,
			name: 'Support Tools',
			toolkits: ['gmail'],
			auth_config_ids: ['ac_gmail'],
			allowed_tools: ['GMAIL_SEND_EMAIL'],
			mcp_url: `${context.sim.url}/v3/mcp/${record.id}`,
			server_instance_count: 0,
			managed_auth_via_composio: false,
			created_at: record.created_at,
			updated_at: record.updated_at,
		};
		expect(result.success[0].json).toEqual(simplified);
		expect(Object.keys(result.success[0].json)).toEqual(Object.keys(simplified));
	});

	it('off: the raw server, exactly as version 1 outputs it', async () => {
		const record = server();

		const raw = await get(locator(record.id), [{}], { typeVersion: 1.1 }, { simplify: false });
		const version1 = await get(locator(record.id));

		expect(raw.success[0].json).toEqual(version1.success[0].json);
		expect(raw.success[0].json).toMatchObject({ commands: expect.any(Object), deleted: false });
	});

	it('from an expression, per item', async () => {
		const record = server();

		const result = await get(
			locator(record.id),
			[{ simple: false }, { simple: true }],
			{ typeVersion: 1.1 },
			{ simplify: '={{ $json.simple }}' },
		);

		const [raw, simple] = result.success.map((item) => item.json);
		expect(raw).toMatchObject({ commands: expect.any(Object), deleted: false });
		expect(simple).toEqual({
			...raw,
			commands: undefined,
			toolkit_icons: undefined,
			deleted: undefined,
		});
		expect(Object.keys(simple)).toHaveLength(10);
	});

	it('from an expression, the texts "true" and "false" (any case, trimmed) are read as such; anything else fails its item', async () => {
		const record = server();
		const values = [' False ', 'TRUE', true, 'no', 1, null];

		const result = await get(
			locator(record.id),
			values.map((simple) => ({ simple })),
			{ typeVersion: 1.1, onError: 'continueErrorOutput' },
			{ simplify: '={{ $json.simple }}' },
		);

		expectEachItemOnce(result, values.length);
		const [raw, simple, simpleToo] = result.success.map((item) => item.json);
		expect(raw).toMatchObject({ commands: expect.any(Object), deleted: false });
		expect(Object.keys(simple)).toHaveLength(10);
		expect(simpleToo).toEqual(simple);
		expect(result.errorOutput.map((item) => errorJson(item))).toEqual(
			['"no"', '1', 'null'].map((got) =>
				expect.objectContaining({
					error: `Simplify must be true or false, got ${got}`,
					description: 'Nothing was sent to Composio for this item.',
				}),
			),
		);
		// Only the three good items were fetched.
		expect(context.sim.requests).toHaveLength(3);
	});

	it('version 1 has no Simplify: raw output even with the parameter set', async () => {
		const record = server();

		const result = await get(locator(record.id), [{}], {}, { simplify: true });

		expect(result.success[0].json).toMatchObject({ commands: expect.any(Object), deleted: false });
	});
});
