/**
 * Instance › Get Many and Instance › Delete, run in n8n's real engine against the Composio
 * simulator: pagination, limit and search of the list; the delete's path encoding, its answer and
 * its errors.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { NodeRun } from '../engine/runWorkflow';
import { createInstanceParameters, serverLocator } from '../engine/runWorkflow';
import type { RecordedRequest } from '../simulator';
import type { RunOptions } from '../support/simulator';
import { errorJson, expectEachItemOnce, pairedIndex, useSimulator } from '../support/simulator';

const context = useSimulator();
const sim = () => context.sim;

const SERVER_FROM_ITEM = '={{ $json.serverId }}';

async function getMany(
	items: IDataObject[],
	parameters: INodeParameters,
	runOptions: RunOptions = {},
): Promise<NodeRun> {
	return await context.run(
		items,
		{
			resource: 'instance',
			operation: 'getAll',
			serverId: serverLocator(SERVER_FROM_ITEM),
			...parameters,
		},
		runOptions,
	);
}

/** Instance › Delete at the node's current version (1.1) unless runOptions say otherwise. */
async function deleteInstance(items: IDataObject[], runOptions: RunOptions = {}): Promise<NodeRun> {
	return await context.run(
		items,
		{
			resource: 'instance',
			operation: 'delete',
			serverId: serverLocator(SERVER_FROM_ITEM),
			userId: '={{ $json.userId }}',
		},
		{ typeVersion: 1.1, ...runOptions },
	);
}

/** Creates instances through the node itself (a server without auth configs needs no accounts). */
async function seed(serverId: string, userIds: string[]): Promise<void> {
	const result = await context.run(
		userIds.map((userId) => ({ userId, serverId })),
		createInstanceParameters(SERVER_FROM_ITEM),
	);
	expect(result.status).toBe('success');
	expect(result.success).toHaveLength(userIds.length);
}

function since(mark: number): RecordedRequest[] {
	return sim().requests.slice(mark);
}

function lists(requests: RecordedRequest[]): RecordedRequest[] {
	return requests.filter(
		(request) =>
			request.method === 'GET' && /^\/api\/v3\/mcp\/servers\/[^/]+\/instances$/.test(request.path),
	);
}

function deletes(requests: RecordedRequest[] = sim().requests): RecordedRequest[] {
	return requests.filter((request) => request.method === 'DELETE');
}

function userIds(run: NodeRun): string[] {
	return run.success.map((item) => item.json.instance_id as string);
}

function liveUsers(serverId: string): string[] {
	return sim()
		.instancesOf(serverId)
		.map((instance) => instance.instance_id)
		.sort();
}

const numbered = (prefix: string, count: number) =>
	Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

describe('Instance › Get Many through the n8n engine', () => {
	it('Return All: every instance across pages, one item each, paired to its input item', async () => {
		const big = sim().addServer();
		const small = sim().addServer();
		const bigUsers = numbered('user', 230);
		await seed(big.id, bigUsers);
		await seed(small.id, ['x', 'y', 'z']);
		const mark = sim().requests.length;

		const result = await getMany([{ serverId: big.id }, { serverId: small.id }], {
			returnAll: true,
		});

		expect(result.status).toBe('success');
		expect(result.success).toHaveLength(233);
		const fromBig = result.success.filter((item) => pairedIndex(item) === 0);
		const fromSmall = result.success.filter((item) => pairedIndex(item) === 1);
		expect(fromBig.map((item) => item.json.instance_id).sort()).toEqual(bigUsers);
		expect(fromSmall.map((item) => item.json.instance_id).sort()).toEqual(['x', 'y', 'z']);
		// Input order is kept: all of item 0's instances, then item 1's.
		expect(result.success.map(pairedIndex)).toEqual([...Array(230).fill(0), 1, 1, 1]);
		for (const item of result.success) {
			expect(item.pairedItem).toEqual({ item: pairedIndex(item) });
			expect(item.json).toEqual({
				id: expect.any(String),
				instance_id: expect.any(String),
				mcp_server_id: pairedIndex(item) === 0 ? big.id : small.id,
				created_at: expect.any(String),
				updated_at: expect.any(String),
			});
		}
		const requests = lists(since(mark));
		// The two items run concurrently: each server's pages are in order, the servers interleave.
		const pagesOf = (id: string) =>
			requests
				.filter((request) => request.path.split('/')[5] === id)
				.map((request) => request.query.page_no);
		expect(pagesOf(big.id)).toEqual(['1', '2', '3']);
		expect(pagesOf(small.id)).toEqual(['1']);
		expect(requests).toHaveLength(4);
		for (const request of requests) {
			expect(request.query.search).toBeUndefined();
			expect(Number(request.query.limit)).toBeLessThanOrEqual(100);
		}
	});

	it('Limit: stops at the limit, asking for no more pages than it needs', async () => {
		const server = sim().addServer();
		await seed(server.id, numbered('user', 150));
		const mark = sim().requests.length;

		const five = await getMany([{ serverId: server.id }], { returnAll: false, limit: 5 });

		expect(five.success).toHaveLength(5);
		expect(new Set(userIds(five)).size).toBe(5);
		expect(five.success.map(pairedIndex)).toEqual([0, 0, 0, 0, 0]);
		expect(lists(since(mark)).map((request) => request.query)).toEqual([
			expect.objectContaining({ page_no: '1', limit: '5' }),
		]);

		const mark2 = sim().requests.length;
		const many = await getMany([{ serverId: server.id }], { returnAll: false, limit: 120 });

		expect(many.success).toHaveLength(120);
		expect(new Set(userIds(many)).size).toBe(120);
		expect(lists(since(mark2)).map((request) => request.query.page_no)).toEqual(['1', '2']);
	});

	it('Limit: the default (50) when Return All is off and no limit is set', async () => {
		const server = sim().addServer();
		await seed(server.id, numbered('user', 60));

		const result = await getMany([{ serverId: server.id }], { returnAll: false });

		expect(result.success).toHaveLength(50);
	});

	it('Limit above the count returns every instance once', async () => {
		const server = sim().addServer();
		await seed(server.id, numbered('user', 7));

		const result = await getMany([{ serverId: server.id }], { returnAll: false, limit: 100 });

		expect(userIds(result).sort()).toEqual(numbered('user', 7));
	});

	it('Search reaches the simulator as `search` (trimmed) and only matching instances come out', async () => {
		const server = sim().addServer();
		await seed(server.id, ['ann', 'joanna', 'bob', 'Annie', 'a+b@example.com']);
		const mark = sim().requests.length;

		const result = await getMany([{ serverId: server.id }], {
			returnAll: true,
			search: '  ann ',
		});

		expect(userIds(result).sort()).toEqual(['Annie', 'ann', 'joanna']);
		const [request] = lists(since(mark));
		expect(request.query.search).toBe('ann');

		const plus = await getMany([{ serverId: server.id }], {
			returnAll: true,
			search: 'a+b@',
		});
		expect(userIds(plus)).toEqual(['a+b@example.com']);
	});

	it('Search from an expression, per item', async () => {
		const server = sim().addServer();
		await seed(server.id, ['ann', 'joanna', 'bob']);

		const result = await getMany(
			[
				{ serverId: server.id, q: 'bob' },
				{ serverId: server.id, q: 'joanna' },
			],
			{ returnAll: true, search: '={{ $json.q }}' },
		);

		expect(result.success.map((item) => [pairedIndex(item), item.json.instance_id])).toEqual([
			[0, 'bob'],
			[1, 'joanna'],
		]);
	});

	it('Search that an expression gives as null searches nothing; as an object it fails the item unsent', async () => {
		const server = sim().addServer();
		await seed(server.id, ['ann', 'bob']);
		const mark = sim().requests.length;

		const result = await getMany(
			[
				{ serverId: server.id, q: null },
				{ serverId: server.id, q: { name: 'ann' } },
			],
			{ returnAll: true, search: '={{ $json.q }}' },
			{ onError: 'continueErrorOutput' },
		);

		expect(userIds(result).sort()).toEqual(['ann', 'bob']);
		expect(result.errorOutput.map(pairedIndex)).toEqual([1]);
		expect(errorJson(result.errorOutput[0]).error).toMatch(/^Search must be text, got an object/);
		// Neither "null" nor "[object Object]" reached Composio.
		expect(lists(since(mark)).map((request) => request.query.search)).toEqual([undefined]);
	});

	it('no instances: no items for that input, and the others still come out', async () => {
		const empty = sim().addServer();
		const full = sim().addServer();
		await seed(full.id, ['only']);

		const result = await getMany([{ serverId: empty.id }, { serverId: full.id }], {
			returnAll: true,
		});

		expect(result.status).toBe('success');
		expect(result.success.map((item) => [pairedIndex(item), item.json.instance_id])).toEqual([
			[1, 'only'],
		]);
	});

	it('an unknown server is a 404 (error output, paired; the other items still run)', async () => {
		const server = sim().addServer();
		await seed(server.id, ['ann']);

		const result = await getMany(
			[{ serverId: 'no-such-server' }, { serverId: server.id }],
			{ returnAll: true },
			{ onError: 'continueErrorOutput' },
		);

		expect(result.success.map((item) => [pairedIndex(item), item.json.instance_id])).toEqual([
			[1, 'ann'],
		]);
		expect(result.errorOutput.map(pairedIndex)).toEqual([0]);
		const failed = errorJson(result.errorOutput[0]);
		expect(failed.httpCode).toBe('404');
		expect(failed.serverId).toBe('no-such-server');
		expect(failed.error).toMatch(/not found/i);
		expectEachItemOnce(result, 2);
	});

	it('an unknown server with stopWorkflow fails the execution with the 404', async () => {
		const result = await getMany([{ serverId: 'no-such-server' }], { returnAll: true });

		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({ httpCode: '404' });
		expect(lists(sim().requests)[0].rawPath).toMatch(
			/^\/api\/v3\/mcp\/servers\/no-such-server\/instances\?/,
		);
	});
});

describe('Instance › Delete through the n8n engine', () => {
	it('deletes the instance and outputs deleted: true, its ids and the accounts count', async () => {
		const server = sim().addServer({ auth_config_ids: ['ac_gh', 'ac_sl'] });
		sim().connectAccount('alice', 'ac_gh');
		sim().connectAccount('alice', 'ac_sl');
		sim().connectAccount('bob', 'ac_gh');
		sim().connectAccount('bob', 'ac_sl');
		await seed(server.id, ['alice', 'bob']);

		const result = await deleteInstance([{ serverId: server.id, userId: 'alice' }]);

		expect(result.status).toBe('success');
		expect(result.success).toHaveLength(1);
		expect(result.success[0].json).toEqual({
			deleted: true,
			serverId: server.id,
			userId: 'alice',
			deleted_connected_accounts: 2,
		});
		expect(result.success[0].pairedItem).toEqual({ item: 0 });
		expect(liveUsers(server.id)).toEqual(['bob']);
		const [request] = deletes();
		expect(request.rawPath).toBe(`/api/v3/mcp/servers/${server.id}/instances/alice`);
		expect(request.rawBody).toBe('');

		// The simulator's list no longer has it.
		const listed = await getMany([{ serverId: server.id }], { returnAll: true });
		expect(userIds(listed)).toEqual(['bob']);
	});

	it.each([
		['a/b?c#d', 'a%2Fb%3Fc%23d'],
		['Zoë 👩🏽‍💻 Łódź', encodeURIComponent('Zoë 👩🏽‍💻 Łódź')],
		['../x', '..%2Fx'],
		['%2F', '%252F'],
		['alice@example.com', 'alice%40example.com'],
		['a+b c', 'a%2Bb%20c'],
	])('the user id %j arrives as one path segment (%s)', async (userId, segment) => {
		const server = sim().addServer();
		await seed(server.id, [userId, 'other']);

		const result = await deleteInstance([{ serverId: server.id, userId }]);

		expect(result.status).toBe('success');
		expect(result.success[0].json).toMatchObject({ serverId: server.id, userId });
		expect(deletes().map((request) => request.rawPath)).toEqual([
			`/api/v3/mcp/servers/${server.id}/instances/${segment}`,
		]);
		expect(liveUsers(server.id)).toEqual(['other']);
	});

	it('a server id with reserved characters is one encoded segment too', async () => {
		const server = sim().addServer({ id: 'srv/1?x#y' });
		await seed(server.id, ['alice']);

		const result = await deleteInstance([{ serverId: server.id, userId: 'alice' }]);

		expect(result.status).toBe('success');
		expect(deletes()[0].rawPath).toBe('/api/v3/mcp/servers/srv%2F1%3Fx%23y/instances/alice');
		expect(liveUsers(server.id)).toEqual([]);
	});

	it.each(['..', '.', ' .. ', '', '   '])(
		'refuses the user id %j without a request; the other items still run',
		async (userId) => {
			const server = sim().addServer();
			await seed(server.id, ['alice']);
			const mark = sim().requests.length;

			const result = await deleteInstance(
				[
					{ serverId: server.id, userId },
					{ serverId: server.id, userId: 'alice' },
				],
				{ onError: 'continueErrorOutput' },
			);

			expect(result.errorOutput.map(pairedIndex)).toEqual([0]);
			const failed = errorJson(result.errorOutput[0]);
			expect(failed.error).toMatch(/User ID/);
			expect(failed.httpCode).toBeNull();
			expect(failed.serverId).toBe(server.id);
			expect(result.success.map(pairedIndex)).toEqual([1]);
			expect(since(mark).map((request) => request.rawPath)).toEqual([
				`/api/v3/mcp/servers/${server.id}/instances/alice`,
			]);
			expect(liveUsers(server.id)).toEqual([]);
		},
	);

	it("'..' as the server id is refused without a request", async () => {
		const result = await deleteInstance([{ serverId: '..', userId: 'alice' }], {
			onError: 'continueErrorOutput',
		});

		expect(errorJson(result.errorOutput[0]).error).toMatch(/Server/);
		expect(sim().requests).toEqual([]);
	});

	it("at version 1 outputs Composio's answer with the ids, as saved workflows expect", async () => {
		const server = sim().addServer();
		await seed(server.id, ['alice']);

		const result = await deleteInstance([{ serverId: server.id, userId: 'alice' }], {
			typeVersion: 1,
		});

		expect(result.success).toHaveLength(1);
		expect(result.success[0].json).toEqual({
			message: expect.any(String),
			deleted_connected_accounts: 0,
			serverId: server.id,
			userId: 'alice',
		});
		expect(sim().instancesOf(server.id)).toEqual([]);
	});

	it("an unknown instance is the simulator's 404, and nothing else is deleted", async () => {
		const server = sim().addServer({ auth_config_ids: ['ac_gh'] });
		sim().connectAccount('alice', 'ac_gh');
		await seed(server.id, ['alice']);

		const result = await deleteInstance([{ serverId: server.id, userId: 'nobody' }], {
			onError: 'continueErrorOutput',
		});

		expect(result.success).toEqual([]);
		const failed = errorJson(result.errorOutput[0]);
		expect(failed.httpCode).toBe('404');
		expect(failed.error).toBe('MCP server or instance not found.');
		expect(failed).toMatchObject({ serverId: server.id, userId: 'nobody' });
		expect(failed.requestId).toEqual(expect.any(String));
		expect(liveUsers(server.id)).toEqual(['alice']);
	});

	it('deleting twice: the second is a 404 (stopWorkflow fails the execution)', async () => {
		const server = sim().addServer();
		await seed(server.id, ['alice']);

		const first = await deleteInstance([{ serverId: server.id, userId: 'alice' }]);
		const second = await deleteInstance([{ serverId: server.id, userId: 'alice' }]);

		expect(first.status).toBe('success');
		expect(second.status).toBe('error');
		expect(second.error).toMatchObject({ httpCode: '404' });
		expect(second.error?.message).toBe('MCP server or instance not found.');
	});

	it('an unknown server is a 404 too', async () => {
		const result = await deleteInstance([{ serverId: 'no-such-server', userId: 'alice' }], {
			onError: 'continueErrorOutput',
		});

		expect(errorJson(result.errorOutput[0])).toMatchObject({
			httpCode: '404',
			serverId: 'no-such-server',
			userId: 'alice',
		});
	});

	it('several items: each deleted once, paired to its input', async () => {
		const server = sim().addServer();
		await seed(server.id, ['u1', 'u2', 'u3', 'keep']);
		const items = ['u3', 'u1', 'missing', 'u2'].map((userId) => ({ serverId: server.id, userId }));

		const result = await deleteInstance(items, { onError: 'continueErrorOutput' });

		expect(result.success.map((item) => [pairedIndex(item), item.json.userId])).toEqual([
			[0, 'u3'],
			[1, 'u1'],
			[3, 'u2'],
		]);
		expect(result.errorOutput.map(pairedIndex)).toEqual([2]);
		expectEachItemOnce(result, items.length);
		expect(deletes()).toHaveLength(4);
		expect(liveUsers(server.id)).toEqual(['keep']);
	});
});
