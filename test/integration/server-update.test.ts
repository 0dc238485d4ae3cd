/**
 * Server › Update, run in n8n's real engine against the Composio simulator: a partial PATCH that
 * carries exactly the fields added under Update Fields, input refused per item before sending,
 * and Composio's answer as the output (simplified by default from version 1.1).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { NodeRun } from '../engine/runWorkflow';
import { expectSimplifiedServer } from '../support/simplified';
import type { RunOptions } from '../support/simulator';
import { errorJson, expectEachItemOnce, useSimulator } from '../support/simulator';

const context = useSimulator();

async function update(
	serverId: string,
	updateFields: INodeParameters,
	items: IDataObject[] = [{}],
	options?: RunOptions,
): Promise<NodeRun> {
	return await context.run(
		items,
		{
			resource: 'server',
			operation: 'update',
			serverId: { __rl: true, mode: 'id', value: serverId },
			updateFields,
		},
		options,
	);
}

function patches() {
	return context.sim.requests.filter((request) => request.method === 'PATCH');
}

function server() {
	return context.sim.addServer({
		name: 'Original Name',
		auth_config_ids: ['ac_gmail'],
		toolkits: ['gmail'],
		allowed_tools: ['GMAIL_SEND_EMAIL'],
	});
}

describe('Server › Update through the n8n engine', () => {
	it('only Name: the PATCH body is exactly {name}, the answer is the output', async () => {
		const record = server();
		const before = record.updated_at;

		const result = await update(record.id, { name: '  New Name  ' });

		expect(result.status).toBe('success');
		expectEachItemOnce(result, 1);
		expect(patches().map((request) => [request.rawPath, request.rawBody])).toEqual([
			[`/api/v3/mcp/${record.id}`, '{"name":"New Name"}'],
		]);
		expect(context.sim.requests).toHaveLength(1);
		expect(result.success[0].json).toEqual({
			id: record.id,
			name: 'New Name',
			auth_config_ids: ['ac_gmail'],
			allowed_tools: ['GMAIL_SEND_EMAIL'],
			mcp_url: expect.any(String),
			toolkits: ['gmail'],
			toolkit_icons: { gmail: expect.any(String) },
			commands: expect.any(Object),
			created_at: record.created_at,
			updated_at: expect.any(String),
			server_instance_count: 0,
			managed_auth_via_composio: false,
			deleted: false,
		});
		expect(result.success[0].json.updated_at).not.toBe(before);
	});

	it('only Toolkits: the body is exactly {toolkits}, other fields stay', async () => {
		const record = server();

		const result = await update(record.id, { toolkits: 'gmail, slack ,gmail' });

		expect(patches()[0].rawBody).toBe('{"toolkits":["gmail","slack"]}');
		expect(result.success[0].json).toMatchObject({
			name: 'Original Name',
			toolkits: ['gmail', 'slack'],
			auth_config_ids: ['ac_gmail'],
			allowed_tools: ['GMAIL_SEND_EMAIL'],
		});
	});

	it('every field: names are mapped to Composio’s, lists from expressions too', async () => {
		const record = server();
		context.sim.connectAccount('seed-user', 'ac_slack', { toolkit: 'slack' });

		const result = await update(
			record.id,
			{
				name: 'All Fields',
				authConfigIds: '={{ $json.configs }}',
				allowedTools: 'SLACK_SEND_MESSAGE',
				toolkits: '={{ $json.toolkits }}',
				managedAuth: true,
			},
			[{ configs: ['ac_gmail', 'ac_slack'], toolkits: ['gmail', 'slack'] }],
		);

		expect(patches()[0].body).toEqual({
			name: 'All Fields',
			allowed_tools: ['SLACK_SEND_MESSAGE'],
			auth_config_ids: ['ac_gmail', 'ac_slack'],
			toolkits: ['gmail', 'slack'],
			managed_auth_via_composio: true,
		});
		expect(result.success[0].json).toMatchObject({
			name: 'All Fields',
			auth_config_ids: ['ac_gmail', 'ac_slack'],
			allowed_tools: ['SLACK_SEND_MESSAGE'],
			managed_auth_via_composio: true,
		});
	});

	it('Auth Config IDs picked from the list (node version 1.1) replace the list; none picked clears it', async () => {
		const record = server();

		await update(record.id, { authConfigIds: ['ac_gmail', 'ac_slack'] }, [{}], {
			typeVersion: 1.1,
		});
		await update(record.id, { authConfigIds: [] }, [{}], { typeVersion: 1.1 });

		expect(patches().map((patch) => patch.body)).toEqual([
			{ auth_config_ids: ['ac_gmail', 'ac_slack'] },
			{ auth_config_ids: [] },
		]);
	});

	it('Managed Auth switched off is sent as false and nothing else', async () => {
		const record = server();

		await update(record.id, { managedAuth: false });

		expect(patches()[0].rawBody).toBe('{"managed_auth_via_composio":false}');
	});

	it('empty Update Fields: a per-item error and no request', async () => {
		const record = server();

		const result = await update(record.id, {}, [{}], { onError: 'continueErrorOutput' });

		expect(result.success).toEqual([]);
		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: 'Add at least one field under Update Fields',
			httpCode: null,
			serverId: record.id,
		});
		expectEachItemOnce(result, 1);
		expect(context.sim.requests).toEqual([]);
	});

	it('an invalid name fails its item without a request; the next item is still updated', async () => {
		const record = server();

		const result = await update(
			record.id,
			{ name: '={{ $json.name }}' },
			[{ name: 'no_underscores' }, { name: 'ab' }, { name: 'Valid Name' }],
			{ onError: 'continueErrorOutput' },
		);

		expectEachItemOnce(result, 3);
		expect(result.errorOutput.map((item) => errorJson(item).error)).toEqual([
			'Server name may hold only letters, digits, spaces and hyphens: "no_underscores"',
			'Server name must be 4 to 30 characters long, "ab" has 2',
		]);
		expect(result.errorOutput.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.success.map((item) => [item.json.name, item.pairedItem])).toEqual([
			['Valid Name', { item: 2 }],
		]);
		expect(patches().map((request) => request.rawBody)).toEqual(['{"name":"Valid Name"}']);
	});

	it('a Name expression that gives null does not rename the server to "null"', async () => {
		const record = server();

		const result = await update(record.id, { name: '={{ $json.name }}' }, [{ name: null }], {
			onError: 'continueErrorOutput',
		});

		expect(patches().map((request) => request.rawBody)).toEqual([]);
		expect(result.success).toEqual([]);
		// null is an empty name, refused as one.
		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: 'Server name must be 4 to 30 characters long, "" has 0',
			httpCode: null,
		});
		expect(context.sim.requests).toEqual([]);
	});

	it('a Name expression that gives an object fails its item without a request', async () => {
		const record = server();

		const result = await update(
			record.id,
			{ name: '={{ $json.name }}' },
			[{ name: { first: 'New' } }, { name: 'Valid Name' }],
			{ onError: 'continueErrorOutput' },
		);

		expectEachItemOnce(result, 2);
		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: 'Name must be text, got an object: map a single field, e.g. {{ $json.userId }}',
			httpCode: null,
			description: 'Nothing was sent to Composio for this item.',
		});
		expect(result.errorOutput[0].pairedItem).toEqual({ item: 0 });
		expect(patches().map((request) => request.rawBody)).toEqual(['{"name":"Valid Name"}']);
	});

	it('an unknown server: Composio’s 404, with the server id in details', async () => {
		const result = await update('no-such-server', { name: 'New Name' }, [{}], {
			onError: 'continueErrorOutput',
		});

		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: expect.stringMatching(/^MCP server not found/),
			httpCode: '404',
			serverId: 'no-such-server',
		});
		expect(patches().map((request) => request.rawPath)).toEqual(['/api/v3/mcp/no-such-server']);
	});
});

describe('Server › Update, node version 1.1: Simplify', () => {
	it('is on by default: the updated server simplified', async () => {
		const record = server();

		const result = await update(record.id, { name: 'New Name' }, [{}], { typeVersion: 1.1 });

		expect(result.status).toBe('success');
		expectEachItemOnce(result, 1);
		expect(patches()[0].rawBody).toBe('{"name":"New Name"}');
		const updated = result.success[0].json;
		expect(updated).toMatchObject({ id: record.id, name: 'New Name' });
		await expectSimplifiedServer(context, updated);
	});

	it('off: Composio’s answer, as version 1 outputs it', async () => {
		const record = server();

		const result = await context.run(
			[{}],
			{
				resource: 'server',
				operation: 'update',
				serverId: { __rl: true, mode: 'id', value: record.id },
				updateFields: { name: 'New Name' },
				simplify: false,
			},
			{ typeVersion: 1.1 },
		);

		expect(result.success[0].json).toMatchObject({
			id: record.id,
			name: 'New Name',
			commands: expect.any(Object),
			toolkit_icons: { gmail: expect.any(String) },
			deleted: false,
		});
	});
});
