/**
 * Server › Get Many, run in n8n's real engine against the Composio simulator: page-number
 * pagination (Return All / Limit), the filters and the sort as the query Composio receives, and
 * one output item per server, paired to the input item that asked for it; version 1.1's Simplify.
 */
import type { NodeRun } from '../engine/runWorkflow';

import { expectSimplifiedServer } from '../support/simplified';
import { errorJson, expectPairedTo, pairedIndex, useSimulator } from '../support/simulator';

const context = useSimulator();

const getMany = context.runner('server', 'getAll');

function listRequests() {
	return context.sim.requests.filter(
		(request) => request.method === 'GET' && request.path === '/api/v3/mcp/servers',
	);
}

function ids(result: NodeRun): unknown[] {
	return result.success.map((item) => item.json.id);
}

/** Servers created one second apart (the simulator's clock), so created_at orders them. */
function seed(count: number) {
	return Array.from({ length: count }, (_, i) =>
		context.sim.addServer({ name: `Server ${String(i).padStart(3, '0')}` }),
	);
}

describe('Server › Get Many through the n8n engine', () => {
	describe('pagination', () => {
		it('Return All reads every page through page_no until total_pages, each server once', async () => {
			const servers = seed(230);

			const result = await getMany({ returnAll: true });

			expect(result.status).toBe('success');
			expect(result.success).toHaveLength(230);
			expect(new Set(ids(result))).toEqual(new Set(servers.map((server) => server.id)));
			expect(listRequests().map((request) => [request.query.page_no, request.query.limit])).toEqual(
				[
					['1', '100'],
					['2', '100'],
					['3', '100'],
				],
			);
			expect(context.sim.requests).toHaveLength(3);
			expectPairedTo(result, 1);
			expect(result.success[0].json).toEqual({
				id: expect.any(String),
				name: expect.stringMatching(/^Server \d{3}$/),
				auth_config_ids: [],
				allowed_tools: [],
				mcp_url: expect.any(String),
				toolkits: [],
				toolkit_icons: {},
				commands: expect.any(Object),
				created_at: expect.any(String),
				updated_at: expect.any(String),
				server_instance_count: 0,
				managed_auth_via_composio: false,
			});
		});

		it('Return All on an empty project makes one request and outputs nothing', async () => {
			const result = await getMany({ returnAll: true });

			expect(result.status).toBe('success');
			expect(result.success).toEqual([]);
			expect(listRequests()).toHaveLength(1);
		});

		it('stops at an empty page even when total_pages claims more', async () => {
			seed(150);
			context.sim.inject({
				method: 'GET',
				path: /\/mcp\/servers\?.*page_no=2/,
				status: 200,
				body: { items: [], total_pages: 50, current_page: 2 },
			});

			const result = await getMany({ returnAll: true });

			expect(result.status).toBe('success');
			expect(result.success).toHaveLength(100);
			expect(listRequests().map((request) => request.query.page_no)).toEqual(['1', '2']);
		});

		it('Limit 7 outputs exactly 7 servers from a single request of 7', async () => {
			seed(30);

			const result = await getMany({ returnAll: false, limit: 7 });

			expect(result.success).toHaveLength(7);
			expect(new Set(ids(result)).size).toBe(7);
			expect(listRequests().map((request) => request.query)).toEqual([
				{ page_no: '1', limit: '7' },
			]);
			expectPairedTo(result, 1);
		});

		it('Limit 150 reads two pages of 100 and outputs exactly 150', async () => {
			seed(230);

			const result = await getMany({ returnAll: false, limit: 150 });

			expect(result.success).toHaveLength(150);
			expect(new Set(ids(result)).size).toBe(150);
			expect(listRequests().map((request) => request.query.page_no)).toEqual(['1', '2']);
		});

		it('the default Limit is 50', async () => {
			seed(60);

			const result = await getMany({});

			expect(result.success).toHaveLength(50);
			expect(listRequests().map((request) => request.query)).toEqual([
				{ page_no: '1', limit: '50' },
			]);
		});

		it('an error on page 2 fails the item without outputting page 1', async () => {
			seed(150);
			context.sim.inject({
				method: 'GET',
				path: /\/mcp\/servers\?.*page_no=2/,
				status: 500,
				times: 10,
				body: { error: { message: 'Database unavailable', code: 1500, status: 500 } },
			});

			const result = await getMany({ returnAll: true }, [{}], {
				onError: 'continueErrorOutput',
			});

			expect(result.success).toEqual([]);
			expect(result.errorOutput).toHaveLength(1);
			expect(errorJson(result.errorOutput[0])).toMatchObject({
				error: 'Database unavailable',
				httpCode: '500',
			});
			expect(result.errorOutput[0].pairedItem).toEqual({ item: 0 });
		});
	});

	describe('filters', () => {
		it('Name: a trimmed partial match, case-insensitive', async () => {
			const a = context.sim.addServer({ name: 'Github Helpers' });
			const b = context.sim.addServer({ name: 'my GITHUB tools' });
			context.sim.addServer({ name: 'Slack Bot' });

			const result = await getMany({ returnAll: true, filters: { name: '  gitHub ' } });

			expect(new Set(ids(result))).toEqual(new Set([a.id, b.id]));
			expect(listRequests()[0].query.name).toBe('gitHub');
		});

		it('Name from an expression that gives a number is still a filter, not dropped', async () => {
			const match = context.sim.addServer({ name: 'Budget 2024' });
			context.sim.addServer({ name: 'Other Server' });

			const result = await getMany({ returnAll: true, filters: { name: '={{ $json.year }}' } }, [
				{ year: 2024 },
			]);

			expect(listRequests()[0].query.name).toBe('2024');
			expect(ids(result)).toEqual([match.id]);
		});

		it('Name from an expression that gives null is no filter; an object fails the item unsent', async () => {
			const only = context.sim.addServer({ name: 'Only Server' });

			const result = await getMany(
				{ returnAll: true, filters: { name: '={{ $json.name }}' } },
				[{ name: null }, { name: { text: 'Only' } }],
				{ onError: 'continueErrorOutput' },
			);

			expectPairedTo(result, 2);
			expect(result.success.map((item) => [item.json.id, pairedIndex(item)])).toEqual([
				[only.id, 0],
			]);
			expect(errorJson(result.errorOutput[0])).toMatchObject({
				error: 'Name must be text, got an object: map a single field, e.g. {{ $json.userId }}',
				httpCode: null,
				description: 'Nothing was sent to Composio for this item.',
			});
			expect(result.errorOutput[0].pairedItem).toEqual({ item: 1 });
			// One request, for the null item, without a name: never "null" or "[object Object]".
			expect(listRequests().map((request) => request.query)).toEqual([
				{ page_no: '1', limit: '100' },
			]);
		});

		it('Toolkits: a comma string reaches Composio as one comma-separated value', async () => {
			const gmail = context.sim.addServer({ auth_config_ids: ['ac_gm'], toolkits: ['gmail'] });
			const slack = context.sim.addServer({ auth_config_ids: ['ac_sl'], toolkits: ['slack'] });
			context.sim.addServer({ auth_config_ids: ['ac_gh'], toolkits: ['github'] });

			const result = await getMany({
				returnAll: true,
				filters: { toolkits: ' gmail, slack ,, gmail' },
			});

			expect(listRequests()[0].query.toolkits).toBe('gmail,slack');
			expect(new Set(ids(result))).toEqual(new Set([gmail.id, slack.id]));
		});

		it('Toolkits: a list from an expression is joined the same way', async () => {
			const gmail = context.sim.addServer({ auth_config_ids: ['ac_gm'], toolkits: ['gmail'] });
			context.sim.addServer({ auth_config_ids: ['ac_gh'], toolkits: ['github'] });

			const result = await getMany(
				{ returnAll: true, filters: { toolkits: '={{ $json.toolkits }}' } },
				[{ toolkits: ['gmail', 'notion'] }],
			);

			expect(listRequests()[0].query.toolkits).toBe('gmail,notion');
			expect(ids(result)).toEqual([gmail.id]);
		});

		it('Auth Config IDs: comma-separated in the query, only servers using them', async () => {
			const one = context.sim.addServer({ auth_config_ids: ['ac_one'] });
			const two = context.sim.addServer({ auth_config_ids: ['ac_x', 'ac_two'] });
			context.sim.addServer({ auth_config_ids: ['ac_three'] });

			const result = await getMany({
				returnAll: true,
				filters: { authConfigIds: 'ac_one, ac_two' },
			});

			expect(listRequests()[0].query.auth_config_ids).toBe('ac_one,ac_two');
			expect(new Set(ids(result))).toEqual(new Set([one.id, two.id]));
		});

		it('Auth Config IDs picked from the list (node version 1.1): the same query', async () => {
			const one = context.sim.addServer({ auth_config_ids: ['ac_one'] });
			context.sim.addServer({ auth_config_ids: ['ac_three'] });

			const result = await getMany(
				{ returnAll: true, filters: { authConfigIds: ['ac_one', 'ac_two'] } },
				[{}],
				{ typeVersion: 1.1 },
			);

			expect(listRequests()[0].query.auth_config_ids).toBe('ac_one,ac_two');
			expect(ids(result)).toEqual([one.id]);
		});

		it('no filters: none of the filter parameters are sent', async () => {
			await getMany({
				returnAll: true,
				filters: { name: '   ', toolkits: '', authConfigIds: ' , ' },
			});

			expect(listRequests()[0].query).toEqual({ page_no: '1', limit: '100' });
		});
	});

	describe('sort', () => {
		it('created_at ascending and descending reach Composio and order the output', async () => {
			const servers = seed(5).map((server) => server.id);

			const ascending = await getMany({
				returnAll: true,
				sort: { orderBy: 'created_at', orderDirection: 'asc' },
			});
			const descending = await getMany({
				returnAll: true,
				sort: { orderBy: 'created_at', orderDirection: 'desc' },
			});

			expect(ids(ascending)).toEqual(servers);
			expect(ids(descending)).toEqual([...servers].reverse());
			expect(listRequests().map((request) => request.query)).toEqual([
				{ page_no: '1', limit: '100', order_by: 'created_at', order_direction: 'asc' },
				{ page_no: '1', limit: '100', order_by: 'created_at', order_direction: 'desc' },
			]);
		});

		it('updated_at puts the server renamed last first', async () => {
			const [first, second, third] = seed(3).map((server) => server.id);
			const renamed = await context.run([{}], {
				resource: 'server',
				operation: 'update',
				serverId: { __rl: true, mode: 'id', value: first },
				updateFields: { name: 'Renamed Server' },
			});
			expect(renamed.status).toBe('success');

			const result = await getMany({
				returnAll: true,
				sort: { orderBy: 'updated_at', orderDirection: 'desc' },
			});

			expect(ids(result)).toEqual([first, third, second]);
			expect(listRequests()[0].query.order_by).toBe('updated_at');
		});
	});

	describe('several input items', () => {
		it('each input item gets its own list, paired to it', async () => {
			const github = [
				context.sim.addServer({ name: 'Github One' }),
				context.sim.addServer({ name: 'Github Two' }),
			];
			const slack = context.sim.addServer({ name: 'Slack Bot' });

			const result = await getMany({ returnAll: true, filters: { name: '={{ $json.search }}' } }, [
				{ search: 'github' },
				{ search: 'slack' },
			]);

			expect(result.status).toBe('success');
			expectPairedTo(result, 2);
			const byItem = (index: number) =>
				result.success.filter((item) => pairedIndex(item) === index).map((item) => item.json.id);
			expect(new Set(byItem(0))).toEqual(new Set(github.map((server) => server.id)));
			expect(byItem(1)).toEqual([slack.id]);
			expect(result.success).toHaveLength(3);
			// Item 0's servers come before item 1's.
			expect(result.success.map(pairedIndex)).toEqual([0, 0, 1]);
			expect(listRequests().map((request) => request.query.name)).toEqual(['github', 'slack']);
		});

		it('the same list for two items is output twice, once per item', async () => {
			const servers = seed(3).map((server) => server.id);

			const result = await getMany({ returnAll: false, limit: 2 }, [{ a: 1 }, { a: 2 }]);

			expect(result.success).toHaveLength(4);
			expect(result.success.map(pairedIndex)).toEqual([0, 0, 1, 1]);
			expect(ids(result).slice(0, 2)).toEqual(ids(result).slice(2));
			for (const id of ids(result)) expect(servers).toContain(id);
			expect(listRequests()).toHaveLength(2);
		});
	});
});

describe('Server › Get Many, node version 1.1: Simplify', () => {
	it('is on by default: every server simplified as Get does, in the same order', async () => {
		const servers = seed(3);

		const result = await getMany({ returnAll: true }, [{}], { typeVersion: 1.1 });

		expect(result.status).toBe('success');
		expectPairedTo(result, 1);
		expect(new Set(ids(result))).toEqual(new Set(servers.map((server) => server.id)));
		for (const item of result.success) await expectSimplifiedServer(context, item.json);
	});

	it('off: the raw servers, as version 1 outputs them', async () => {
		seed(2);
		const version1 = await getMany({ returnAll: true });

		const result = await getMany({ returnAll: true, simplify: false }, [{}], { typeVersion: 1.1 });

		expect(result.success.map((item) => item.json)).toEqual(
			version1.success.map((item) => item.json),
		);
		expect(result.success[0].json).toHaveProperty('toolkit_icons');
	});
});
