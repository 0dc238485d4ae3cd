/**
 * Server › Delete, run in n8n's real engine against the Composio simulator: the soft delete's
 * output (version 1: Composio's `{ id, deleted }`; version 1.1: n8n's `{ deleted: true }` with the
 * server's id), the server gone for Get afterwards, and unknown servers a 404.
 */
import type { IDataObject } from 'n8n-workflow';

import type { NodeRun } from '../engine/runWorkflow';
import type { RunOptions } from '../support/simulator';
import { useSleepRecorder } from '../support/faults';
import { errorJson, expectEachItemOnce, useSimulator } from '../support/simulator';

const SERVER_NOT_FOUND =
	'MCP server not found. No server with the specified ID exists or it has been deleted.';

const context = useSimulator();
// A lost answer is retried: the retry's wait is recorded, not slept.
useSleepRecorder();

async function run(
	operation: 'delete' | 'get',
	serverId: string,
	items: IDataObject[] = [{}],
	options?: RunOptions,
): Promise<NodeRun> {
	return await context.run(
		items,
		{ resource: 'server', operation, serverId: { __rl: true, mode: 'id', value: serverId } },
		options,
	);
}

describe('Server › Delete through the n8n engine', () => {
	it('DELETE /api/v3/mcp/{id}; version 1 outputs Composio’s answer, {id, deleted}', async () => {
		const server = context.sim.addServer({ name: 'To Delete' });

		const result = await run('delete', server.id);

		expect(result.status).toBe('success');
		expect(result.success.map((item) => item.json)).toEqual([{ id: server.id, deleted: true }]);
		expectEachItemOnce(result, 1);
		expect(context.sim.requests.map((request) => `${request.method} ${request.rawPath}`)).toEqual([
			`DELETE /api/v3/mcp/${server.id}`,
		]);
		expect(context.sim.requests[0].rawBody).toBe('');
	});

	it('afterwards Get answers 404 and Get Many no longer lists it', async () => {
		const server = context.sim.addServer({ name: 'To Delete' });
		const kept = context.sim.addServer({ name: 'To Keep' });
		await run('delete', server.id);

		const got = await run('get', server.id, [{}], { onError: 'continueErrorOutput' });
		const listed = await context.run([{}], {
			resource: 'server',
			operation: 'getAll',
			returnAll: true,
		});

		expect(got.success).toEqual([]);
		expect(errorJson(got.errorOutput[0])).toMatchObject({
			error: SERVER_NOT_FOUND,
			httpCode: '404',
			serverId: server.id,
		});
		expect(listed.success.map((item) => item.json.id)).toEqual([kept.id]);
	});

	it('an unknown server is a 404 that stops the workflow by default', async () => {
		const result = await run('delete', 'no-such-server');

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(SERVER_NOT_FOUND);
		expect(result.error).toMatchObject({ httpCode: '404' });
	});

	it('deleting the same server from two items: the second gets the 404, each paired', async () => {
		const server = context.sim.addServer({ name: 'To Delete' });

		const result = await context.run(
			[{ serverId: server.id }, { serverId: server.id }],
			{
				resource: 'server',
				operation: 'delete',
				serverId: { __rl: true, mode: 'id', value: '={{ $json.serverId }}' },
			},
			{ onError: 'continueErrorOutput' },
		);

		expectEachItemOnce(result, 2);
		expect(result.success.map((item) => [item.json, item.pairedItem])).toEqual([
			[{ id: server.id, deleted: true }, { item: 0 }],
		]);
		expect(result.errorOutput.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(errorJson(result.errorOutput[0])).toMatchObject({
			httpCode: '404',
			serverId: server.id,
		});
		expect(context.sim.requests.filter((request) => request.method === 'DELETE')).toHaveLength(2);
	});

	it('a blank server id fails its item without a request', async () => {
		const result = await run('delete', '  ', [{}], { onError: 'continueRegularOutput' });

		expect(errorJson(result.success[0])).toMatchObject({
			error: 'Server is blank',
			httpCode: null,
		});
		expect(context.sim.requests).toEqual([]);
	});
});

describe('Server › Delete, node version 1.1', () => {
	it('outputs n8n’s confirmation of a delete, { deleted: true, serverId }, with the id it deleted', async () => {
		const server = context.sim.addServer({ name: 'To Delete' });

		const result = await run('delete', server.id, [{}], { typeVersion: 1.1 });

		expect(result.status).toBe('success');
		expectEachItemOnce(result, 1);
		expect(result.success.map((item) => item.json)).toEqual([
			{ deleted: true, serverId: server.id },
		]);
		expect(context.sim.requests.map((request) => `${request.method} ${request.rawPath}`)).toEqual([
			`DELETE /api/v3/mcp/${server.id}`,
		]);
	});

	it('the same when Composio’s answer was lost and the retry found it gone (404)', async () => {
		const server = context.sim.addServer({ name: 'To Delete' });
		context.sim.inject({ method: 'DELETE', loseAnswer: true });

		const result = await run('delete', server.id, [{}], { typeVersion: 1.1 });

		expect(result.success.map((item) => item.json)).toEqual([
			{ deleted: true, serverId: server.id },
		]);
		expect(context.sim.requests.filter((request) => request.method === 'DELETE')).toHaveLength(2);
	});

	it('each item says which server it deleted', async () => {
		const first = context.sim.addServer({ name: 'First Server' });
		const second = context.sim.addServer({ name: 'Second Server' });

		const result = await run(
			'delete',
			'={{ $json.serverId }}',
			[{ serverId: first.id }, { serverId: second.id }],
			{ typeVersion: 1.1 },
		);

		expect(result.success.map((item) => [item.json, item.pairedItem])).toEqual([
			[{ deleted: true, serverId: first.id }, { item: 0 }],
			[{ deleted: true, serverId: second.id }, { item: 1 }],
		]);
	});
});
