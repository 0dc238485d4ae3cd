/**
 * The other writes under the faults that hide whether Composio did the work (a lost answer, a
 * gateway error after the work): the promise, retries that never duplicate and an outcome
 * that says what happened, for Server › Create, Instance › Delete and Server › Delete. Waits are
 * recorded, not slept (test/support/faults.ts).
 */
import type { INodeParameters } from 'n8n-workflow';

import { serverLocator } from '../engine/runWorkflow';
import { errorJson, expectEachItemOnce, useSimulator } from '../support/simulator';
import type { Fault } from '../simulator';
import { HTML_502, useSleepRecorder } from '../support/faults';

const context = useSimulator();
useSleepRecorder();

const LOST: Array<[string, Fault]> = [
	['its answer is lost', { loseAnswer: true }],
	['a gateway answers 502 after the work', { handle: true, status: 502, body: HTML_502 }],
];

async function listServers() {
	const list = await context.run([{}], {
		resource: 'server',
		operation: 'getAll',
		returnAll: true,
	});
	return list.success.map((item) => item.json);
}

describe.each(LOST)('when %s', (_, fault) => {
	it('Server › Create makes one server, not two', async () => {
		context.sim.connectAccount('seed-user', 'ac_gmail', { toolkit: 'gmail' });
		context.sim.inject({ method: 'POST', path: '/api/v3/mcp/servers', ...fault });
		const parameters: INodeParameters = {
			resource: 'server',
			operation: 'create',
			name: 'Support Tools',
			authConfigIds: 'ac_gmail',
		};

		const result = await context.run([{}], parameters, { onError: 'continueErrorOutput' });

		expectEachItemOnce(result, 1);
		const servers = await listServers();
		expect(servers.map((server) => server.name)).toEqual(['Support Tools']);
		if (result.success.length === 1) expect(result.success[0].json.id).toBe(servers[0].id);
	});

	it('Instance › Delete ends on the success output: the instance is gone, as asked', async () => {
		const server = context.sim.addServer();
		context.sim.addInstance(server.id, 'alice');
		context.sim.inject({ method: 'DELETE', ...fault });

		const result = await context.run(
			[{ userId: 'alice' }],
			{
				resource: 'instance',
				operation: 'delete',
				serverId: serverLocator(server.id),
				userId: '={{ $json.userId }}',
			},
			{ onError: 'continueErrorOutput', typeVersion: 1.1 },
		);

		expect(context.sim.instancesOf(server.id)).toEqual([]);
		expect(result.errorOutput.map((item) => errorJson(item).error)).toEqual([]);
		expect(result.success).toHaveLength(1);
		// The lost answer held the count of deleted connected accounts: unknown, not made up.
		expect(result.success[0].json).toEqual({
			deleted: true,
			serverId: server.id,
			userId: 'alice',
			deleted_connected_accounts: null,
		});
		expect(result.success[0].pairedItem).toEqual({ item: 0 });
	});

	it('Server › Delete ends on the success output: the server is gone, as asked', async () => {
		const server = context.sim.addServer();
		context.sim.inject({ method: 'DELETE', ...fault });

		const result = await context.run(
			[{}],
			{ resource: 'server', operation: 'delete', serverId: serverLocator(server.id) },
			{ onError: 'continueErrorOutput' },
		);

		expect(await listServers()).toEqual([]);
		expect(result.errorOutput.map((item) => errorJson(item).error)).toEqual([]);
		expect(result.success).toHaveLength(1);
		expect(result.success[0].pairedItem).toEqual({ item: 0 });
	});
});
