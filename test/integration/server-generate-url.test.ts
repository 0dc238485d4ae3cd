/**
 * Server › Generate URL, run in n8n's real engine against the Composio simulator: the body of
 * POST /mcp/servers/generate, Composio's answer as one item, and with One Item per URL one item per
 * user or connected account, each paired to the input item it came from.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	errorJson,
	expectEachItemOnce,
	expectPairedTo,
	pairedIndex,
	useSimulator,
} from '../support/simulator';

const context = useSimulator();

const generate = context.runner('server', 'generateUrl');

function locator(value: string) {
	return { __rl: true, mode: 'id', value };
}

function generates() {
	return context.sim.requests.filter(
		(request) => request.method === 'POST' && request.path === '/api/v3/mcp/servers/generate',
	);
}

/** The URL the simulator answers for a server, as Composio does. */
function mcpUrl(serverId: string): string {
	return `${context.sim.url}/v3/mcp/${serverId}`;
}

describe('Server › Generate URL through the n8n engine', () => {
	it('user ids and connected account ids: one item with Composio’s answer', async () => {
		const server = context.sim.addServer({ name: 'Support Tools' });

		const result = await generate({
			serverId: locator(server.id),
			userIds: 'alice, bob ,alice',
			connectedAccountIds: 'ca_1',
		});

		expect(result.status).toBe('success');
		expectEachItemOnce(result, 1);
		expect(generates().map((request) => request.body)).toEqual([
			{ mcp_server_id: server.id, user_ids: ['alice', 'bob'], connected_account_ids: ['ca_1'] },
		]);
		expect(context.sim.requests).toHaveLength(1);
		expect(result.success[0].json).toEqual({
			mcp_url: mcpUrl(server.id),
			user_ids_url: [`${mcpUrl(server.id)}?user_id=alice`, `${mcpUrl(server.id)}?user_id=bob`],
			connected_account_urls: [`${mcpUrl(server.id)}?connected_account_id=ca_1`],
		});
	});

	it('only user ids from an expression list; Managed Auth is sent as managed_auth_by_composio', async () => {
		const server = context.sim.addServer({ name: 'Support Tools' });

		const result = await generate(
			{
				serverId: locator(server.id),
				userIds: '={{ $json.users }}',
				options: { managedAuth: true },
			},
			[{ users: ['carol@example.com', 42] }],
		);

		expect(generates()[0].rawBody).toBe(
			`{"mcp_server_id":"${server.id}","user_ids":["carol@example.com","42"],"managed_auth_by_composio":true}`,
		);
		expect(result.success[0].json).toMatchObject({
			user_ids_url: [
				`${mcpUrl(server.id)}?user_id=carol%40example.com`,
				`${mcpUrl(server.id)}?user_id=42`,
			],
			connected_account_urls: [],
		});
	});

	it('no ids: only the server’s MCP URL is asked for', async () => {
		const server = context.sim.addServer({ name: 'Support Tools' });

		const result = await generate({ serverId: locator(server.id) });

		expect(generates()[0].rawBody).toBe(`{"mcp_server_id":"${server.id}"}`);
		expect(result.success.map((item) => item.json)).toEqual([
			{ mcp_url: mcpUrl(server.id), user_ids_url: [], connected_account_urls: [] },
		]);
	});

	it('One Item per URL: one item per user and per account, all paired to the input', async () => {
		const server = context.sim.addServer({ name: 'Support Tools' });

		const result = await generate({
			serverId: locator(server.id),
			userIds: 'alice, bob',
			connectedAccountIds: 'ca_1, ca_2',
			options: { splitIntoItems: true },
		});

		expect(result.status).toBe('success');
		expectPairedTo(result, 1);
		expect(result.success.map((item) => item.json)).toEqual([
			{ serverId: server.id, userId: 'alice', mcpUrl: `${mcpUrl(server.id)}?user_id=alice` },
			{ serverId: server.id, userId: 'bob', mcpUrl: `${mcpUrl(server.id)}?user_id=bob` },
			{
				serverId: server.id,
				connectedAccountId: 'ca_1',
				mcpUrl: `${mcpUrl(server.id)}?connected_account_id=ca_1`,
			},
			{
				serverId: server.id,
				connectedAccountId: 'ca_2',
				mcpUrl: `${mcpUrl(server.id)}?connected_account_id=ca_2`,
			},
		]);
		expect(result.success.map((item) => item.pairedItem)).toEqual(Array(4).fill({ item: 0 }));
		expect(generates()).toHaveLength(1);
	});

	it('One Item per URL with two input items: each item’s URLs are paired to it', async () => {
		const first = context.sim.addServer({ name: 'First Server' });
		const second = context.sim.addServer({ name: 'Second Server' });

		const result = await generate(
			{
				serverId: locator('={{ $json.serverId }}'),
				userIds: '={{ $json.users }}',
				options: { splitIntoItems: true },
			},
			[
				{ serverId: first.id, users: 'alice, bob' },
				{ serverId: second.id, users: ['carol'] },
			],
		);

		expectPairedTo(result, 2);
		expect(result.success.map((item) => [pairedIndex(item), item.json])).toEqual([
			[0, { serverId: first.id, userId: 'alice', mcpUrl: `${mcpUrl(first.id)}?user_id=alice` }],
			[0, { serverId: first.id, userId: 'bob', mcpUrl: `${mcpUrl(first.id)}?user_id=bob` }],
			[1, { serverId: second.id, userId: 'carol', mcpUrl: `${mcpUrl(second.id)}?user_id=carol` }],
		]);
		expect(generates().map((request) => (request.body as IDataObject).mcp_server_id)).toEqual([
			first.id,
			second.id,
		]);
	});

	it('One Item per URL without any ids: a per-item error and no request', async () => {
		const server = context.sim.addServer({ name: 'Support Tools' });

		const result = await generate(
			{ serverId: locator(server.id), userIds: ' , ', options: { splitIntoItems: true } },
			[{}],
			{ onError: 'continueErrorOutput' },
		);

		expect(result.success).toEqual([]);
		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: 'Set User IDs or Connected Account IDs to get one item per URL',
			httpCode: null,
			serverId: server.id,
		});
		expectEachItemOnce(result, 1);
		expect(context.sim.requests).toEqual([]);
	});

	it('an unknown server: Composio’s 404 on that item only', async () => {
		const live = context.sim.addServer({ name: 'Live Server' });

		const result = await generate(
			{ serverId: locator('={{ $json.serverId }}'), userIds: 'alice' },
			[{ serverId: 'no-such-server' }, { serverId: live.id }],
			{ onError: 'continueErrorOutput' },
		);

		expectEachItemOnce(result, 2);
		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: expect.stringMatching(/^MCP server not found/),
			httpCode: '404',
			serverId: 'no-such-server',
			userIds: ['alice'],
			connectedAccountIds: [],
		});
		expect(result.errorOutput[0].pairedItem).toEqual({ item: 0 });
		expect(result.success.map((item) => [item.json.mcp_url, item.pairedItem])).toEqual([
			[mcpUrl(live.id), { item: 1 }],
		]);
	});
});
