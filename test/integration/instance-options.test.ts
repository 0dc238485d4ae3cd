/**
 * Instance › Create's options, run in n8n's real engine against the Composio simulator:
 * If It Already Exists, Include MCP URL, Check Connected Accounts First (with Callback URL),
 * and all of them together as an onboarding flow with the error output.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { NodeRun } from '../engine/runWorkflow';
import { createInstanceParameters } from '../engine/runWorkflow';
import type { RecordedRequest } from '../simulator';
import { mcpUrl } from '../simulator/views';
import type { RunOptions } from '../support/simulator';
import { errorJson, expectEachItemOnce, pairedIndex, useSimulator } from '../support/simulator';

const DUPLICATE = 'An instance with this ID already exists for the server.';
const CALLBACK = 'https://app.example.com/connected?from=n8n';
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const context = useSimulator();
const sim = () => context.sim;

async function create(
	items: IDataObject[],
	options: INodeParameters = {},
	runOptions: RunOptions = {},
): Promise<NodeRun> {
	const parameters: INodeParameters = {
		...createInstanceParameters('={{ $json.serverId }}'),
		options,
	};
	return await context.run(items, parameters, runOptions);
}

/** Requests recorded after `mark` (sim.requests.length taken before a run). */
function since(mark: number): RecordedRequest[] {
	return sim().requests.slice(mark);
}

function isCreate(request: RecordedRequest): boolean {
	return (
		request.method === 'POST' && /^\/api\/v3\/mcp\/servers\/[^/]+\/instances$/.test(request.path)
	);
}

function isListInstances(request: RecordedRequest): boolean {
	return (
		request.method === 'GET' && /^\/api\/v3\/mcp\/servers\/[^/]+\/instances$/.test(request.path)
	);
}

function isGenerate(request: RecordedRequest): boolean {
	return request.method === 'POST' && request.path === '/api/v3/mcp/servers/generate';
}

function isLink(request: RecordedRequest): boolean {
	return request.method === 'POST' && request.path === '/api/v3/connected_accounts/link';
}

function isAccountList(request: RecordedRequest): boolean {
	return request.method === 'GET' && request.path === '/api/v3/connected_accounts';
}

/** The URL the simulator's generate answers in `user_ids_url` for one user. */
function userUrl(serverId: string, userId: string): string {
	return `${mcpUrl(sim().url, serverId)}?user_id=${encodeURIComponent(userId)}`;
}

/** Creates instances through the node itself (a server without auth configs needs no accounts). */
async function seed(serverId: string, userIds: string[]): Promise<void> {
	const result = await create(userIds.map((userId) => ({ userId, serverId })));
	expect(result.status).toBe('success');
	expect(result.success).toHaveLength(userIds.length);
}

const instanceShape = (serverId: string, userId: string) => ({
	id: expect.any(String),
	instance_id: userId,
	mcp_server_id: serverId,
	created_at: expect.stringMatching(ISO_DATE),
	updated_at: expect.stringMatching(ISO_DATE),
});

describe('Instance › Create options through the n8n engine', () => {
	describe('If It Already Exists', () => {
		it.each([
			['unset (default Error)', {}],
			['Error', { ifExists: 'error' }],
		])(
			'%s: a second create fails the item with the 409 message and creates nothing',
			async (_label, options) => {
				const server = sim().addServer();
				await seed(server.id, ['alice']);
				const mark = sim().requests.length;

				const result = await create([{ userId: 'alice', serverId: server.id }], options, {
					onError: 'continueErrorOutput',
				});

				expect(result.success).toEqual([]);
				expect(result.errorOutput).toHaveLength(1);
				const failed = errorJson(result.errorOutput[0]);
				expect(failed.error).toBe(DUPLICATE);
				expect(failed.httpCode).toBe('409');
				expect(failed.userId).toBe('alice');
				expect(failed.serverId).toBe(server.id);
				expect(failed.description).toContain('Return Existing');
				expect(failed).not.toHaveProperty('alreadyExisted');
				// No search for the existing one: the Error setting does not need it.
				expect(since(mark).map((r) => `${r.method} ${r.path}`)).toEqual([
					`POST /api/v3/mcp/servers/${server.id}/instances`,
				]);
				expect(sim().createCount(server.id, 'alice')).toBe(1);
			},
		);

		it('Error: a new user is created and the output has no alreadyExisted field', async () => {
			const server = sim().addServer();

			const result = await create([{ userId: 'alice', serverId: server.id }], {
				ifExists: 'error',
			});

			expect(result.status).toBe('success');
			expect(result.success.map((item) => item.json)).toEqual([instanceShape(server.id, 'alice')]);
		});

		it('Return Existing: the existing instance on the success output with alreadyExisted: true', async () => {
			const server = sim().addServer();
			await seed(server.id, ['ann']);
			const [existing] = sim().instancesOf(server.id);
			const mark = sim().requests.length;

			const result = await create(
				[{ userId: 'ann', serverId: server.id }],
				{ ifExists: 'returnExisting' },
				{ onError: 'continueErrorOutput' },
			);

			expect(result.errorOutput).toEqual([]);
			expect(result.success).toHaveLength(1);
			expect(result.success[0].json).toEqual({ ...existing, alreadyExisted: true });
			expect(result.success[0].pairedItem).toEqual({ item: 0 });
			const lists = since(mark).filter(isListInstances);
			expect(lists.length).toBeGreaterThanOrEqual(1);
			for (const list of lists) expect(list.query.search).toBe('ann');
			expect(sim().createCount(server.id, 'ann')).toBe(1);
		});

		it('Return Existing: a new user is created with alreadyExisted: false, without a search', async () => {
			const server = sim().addServer();

			const result = await create([{ userId: 'bob', serverId: server.id }], {
				ifExists: 'returnExisting',
			});

			expect(result.status).toBe('success');
			expect(result.success.map((item) => item.json)).toEqual([
				{ ...instanceShape(server.id, 'bob'), alreadyExisted: false },
			]);
			expect(sim().requests.filter(isListInstances)).toEqual([]);
			expect(sim().createCount(server.id, 'bob')).toBe(1);
		});

		it('Return Existing: picks the exact user id, not other users whose ids contain it', async () => {
			const server = sim().addServer();
			// Seeded first, then the look-alikes: the newest come first in Composio's list.
			await seed(server.id, ['ann', 'joanna', 'ANN', 'annie', 'ann2', 'hannah']);
			const ann = sim()
				.instancesOf(server.id)
				.find((instance) => instance.instance_id === 'ann');

			const result = await create([{ userId: 'ann', serverId: server.id }], {
				ifExists: 'returnExisting',
			});

			expect(result.status).toBe('success');
			expect(result.success.map((item) => item.json)).toEqual([{ ...ann, alreadyExisted: true }]);
			for (const userId of ['ann', 'joanna', 'ANN', 'annie']) {
				expect(sim().createCount(server.id, userId)).toBe(1);
			}
		});

		it('Return Existing: finds the instance on a later page of more than 100 matches', async () => {
			const server = sim().addServer();
			const lookAlikes = Array.from({ length: 130 }, (_, i) => `joanna-${i}`);
			// "ann" is the oldest, so with Composio's newest-first order it sits past the first 100.
			await seed(server.id, ['ann']);
			await seed(server.id, lookAlikes);
			const ann = sim()
				.instancesOf(server.id)
				.find((instance) => instance.instance_id === 'ann');
			const mark = sim().requests.length;

			const result = await create([{ userId: 'ann', serverId: server.id }], {
				ifExists: 'returnExisting',
			});

			expect(result.status).toBe('success');
			expect(result.success.map((item) => item.json)).toEqual([{ ...ann, alreadyExisted: true }]);
			const lists = since(mark).filter(isListInstances);
			expect(lists.map((list) => list.query.page_no)).toEqual(['1', '2']);
			for (const list of lists) {
				expect(list.query.search).toBe('ann');
				expect(Number(list.query.limit)).toBeLessThanOrEqual(100);
			}
			expect(sim().createCount(server.id, 'ann')).toBe(1);
			expect(sim().instancesOf(server.id)).toHaveLength(131);
		});

		it.each(['a+b@example.com', 'Zoë & co=1', 'a/b?c#d', '100%'])(
			'Return Existing: the user id %j reaches the search intact',
			async (userId) => {
				const server = sim().addServer();
				await seed(server.id, [userId]);
				const [existing] = sim().instancesOf(server.id);
				const mark = sim().requests.length;

				const result = await create([{ userId, serverId: server.id }], {
					ifExists: 'returnExisting',
				});

				expect(result.status).toBe('success');
				expect(result.success.map((item) => item.json)).toEqual([
					{ ...existing, alreadyExisted: true },
				]);
				expect(since(mark).filter(isListInstances)[0].query.search).toBe(userId);
				expect(sim().createCount(server.id, userId)).toBe(1);
			},
		);

		it('Return Existing: a 400 "already exists" (the spec allows it) is treated as the duplicate', async () => {
			const server = sim().addServer();
			await seed(server.id, ['alice']);
			const [existing] = sim().instancesOf(server.id);
			sim().inject({
				method: 'POST',
				path: /\/instances$/,
				status: 400,
				body: { error: { message: DUPLICATE, code: 1409, status: 400 } },
			});

			const result = await create([{ userId: 'alice', serverId: server.id }], {
				ifExists: 'returnExisting',
			});

			expect(result.status).toBe('success');
			expect(result.success.map((item) => item.json)).toEqual([
				{ ...existing, alreadyExisted: true },
			]);
		});

		it('Return Existing: a 409 whose instance the search cannot find still fails, saying it exists', async () => {
			const server = sim().addServer();
			await seed(server.id, ['joanna']);
			sim().inject({
				method: 'POST',
				path: /\/instances$/,
				status: 409,
				body: { error: { message: DUPLICATE, code: 1409, status: 409 } },
			});

			const result = await create(
				[{ userId: 'ann', serverId: server.id }],
				{ ifExists: 'returnExisting' },
				{ onError: 'continueErrorOutput' },
			);

			expect(result.success).toEqual([]);
			const failed = errorJson(result.errorOutput[0]);
			expect(failed.error).toMatch(/already exists/i);
			expect(failed.httpCode).toBe('409');
			expect(failed.userId).toBe('ann');
			expect(sim().requests.filter(isListInstances)).toHaveLength(1);
		});

		it('Return Existing: other errors are not swallowed (403, 404)', async () => {
			const guarded = sim().addServer({ auth_config_ids: ['ac_github_1'] });

			const result = await create(
				[
					{ userId: 'nobody', serverId: guarded.id },
					{ userId: 'alice', serverId: 'no-such-server' },
				],
				{ ifExists: 'returnExisting' },
				{ onError: 'continueErrorOutput' },
			);

			expect(result.success).toEqual([]);
			expect(result.errorOutput.map((item) => errorJson(item).httpCode)).toEqual(['403', '404']);
			expect(sim().requests.filter(isListInstances)).toEqual([]);
		});

		it('Return Existing: the same new user twice in one run is created once, then returned', async () => {
			const server = sim().addServer();

			const result = await create(
				[
					{ userId: 'carol', serverId: server.id },
					{ userId: 'carol', serverId: server.id },
				],
				{ ifExists: 'returnExisting' },
			);

			expect(result.status).toBe('success');
			const [first, second] = result.success;
			expect(first.json.alreadyExisted).toBe(false);
			expect(second.json).toEqual({ ...first.json, alreadyExisted: true });
			expect(result.success.map(pairedIndex)).toEqual([0, 1]);
			expect(sim().createCount(server.id, 'carol')).toBe(1);
		});
	});

	describe('Include MCP URL', () => {
		it("adds the simulator's user_ids_url[0] as mcpUrl, from a generate body of exactly that user", async () => {
			const server = sim().addServer();

			const result = await create([{ userId: 'alice@example.com', serverId: server.id }], {
				includeMcpUrl: true,
			});

			expect(result.status).toBe('success');
			expect(result.success.map((item) => item.json)).toEqual([
				{
					...instanceShape(server.id, 'alice@example.com'),
					mcpUrl: userUrl(server.id, 'alice@example.com'),
				},
			]);
			const generates = sim().requests.filter(isGenerate);
			expect(generates).toHaveLength(1);
			expect(generates[0].body).toEqual({
				mcp_server_id: server.id,
				user_ids: ['alice@example.com'],
			});
			expect(JSON.parse(generates[0].rawBody)).toStrictEqual({
				mcp_server_id: server.id,
				user_ids: ['alice@example.com'],
			});
		});

		it('each item gets its own user’s URL', async () => {
			const server = sim().addServer();
			const users = ['u1', 'Zoë Łódź', 'a/b?c#d'];

			const result = await create(
				users.map((userId) => ({ userId, serverId: server.id })),
				{ includeMcpUrl: true },
			);

			expect(result.success.map((item) => item.json.mcpUrl)).toEqual(
				users.map((userId) => userUrl(server.id, userId)),
			);
			expect(
				sim()
					.requests.filter(isGenerate)
					.map((request) => request.body),
			).toEqual(users.map((userId) => ({ mcp_server_id: server.id, user_ids: [userId] })));
		});

		it('with Return Existing: the existing instance, alreadyExisted: true and its mcpUrl', async () => {
			const server = sim().addServer();
			await seed(server.id, ['ann']);
			const [existing] = sim().instancesOf(server.id);

			const result = await create(
				[
					{ userId: 'ann', serverId: server.id },
					{ userId: 'joanna', serverId: server.id },
				],
				{ ifExists: 'returnExisting', includeMcpUrl: true },
			);

			expect(result.status).toBe('success');
			expect(result.success.map((item) => item.json)).toEqual([
				{ ...existing, alreadyExisted: true, mcpUrl: userUrl(server.id, 'ann') },
				{
					...instanceShape(server.id, 'joanna'),
					alreadyExisted: false,
					mcpUrl: userUrl(server.id, 'joanna'),
				},
			]);
			// Items run concurrently, so the two generate requests may arrive in either order.
			expect(
				sim()
					.requests.filter(isGenerate)
					.map((request) => request.body),
			).toEqual(
				expect.arrayContaining([
					{ mcp_server_id: server.id, user_ids: ['ann'] },
					{ mcp_server_id: server.id, user_ids: ['joanna'] },
				]),
			);
			expect(sim().requests.filter(isGenerate)).toHaveLength(2);
			expect(sim().createCount(server.id, 'ann')).toBe(1);
		});

		it('no URL is generated for an item that fails (duplicate with Error)', async () => {
			const server = sim().addServer();
			await seed(server.id, ['ann']);

			const result = await create(
				[{ userId: 'ann', serverId: server.id }],
				{ includeMcpUrl: true },
				{ onError: 'continueErrorOutput' },
			);

			expect(result.success).toEqual([]);
			expect(errorJson(result.errorOutput[0]).httpCode).toBe('409');
			expect(sim().requests.filter(isGenerate)).toEqual([]);
		});

		it('a failing generate fails the item after the create; Return Existing then recovers it', async () => {
			const server = sim().addServer();
			sim().inject({
				method: 'POST',
				path: '/api/v3/mcp/servers/generate',
				status: 500,
				body: { error: { message: 'URL generation failed', code: 1500, status: 500 } },
			});
			const items = [{ userId: 'alice', serverId: server.id }];

			// Max Retries 0: the generate's 500 is not retried (retries are covered in test/faults).
			const failedRun = await context.run(
				items,
				{
					...createInstanceParameters('={{ $json.serverId }}'),
					options: { includeMcpUrl: true },
					requestOptions: { maxRetries: 0 },
				},
				{ onError: 'continueErrorOutput' },
			);

			expect(failedRun.success).toEqual([]);
			const failed = errorJson(failedRun.errorOutput[0]);
			expect(failed).toMatchObject({ error: 'URL generation failed', httpCode: '500' });
			// The instance was created before the URL was asked for, and the error says so.
			const [created] = sim().instancesOf(server.id);
			expect(created.instance_id).toBe('alice');
			expect(failed.description).toMatch(/instance for user "alice" exists.*Return Existing/);
			expect(failed.instanceId).toBe(created.id);

			const rerun = await create(items, { includeMcpUrl: true, ifExists: 'returnExisting' });

			expect(rerun.success.map((item) => item.json)).toEqual([
				{ ...created, alreadyExisted: true, mcpUrl: userUrl(server.id, 'alice') },
			]);
			expect(sim().createCount(server.id, 'alice')).toBe(1);
		});

		it('off by default: no generate request and no mcpUrl', async () => {
			const server = sim().addServer();

			const result = await create([{ userId: 'alice', serverId: server.id }]);

			expect(result.success[0].json).not.toHaveProperty('mcpUrl');
			expect(sim().requests.filter(isGenerate)).toEqual([]);
		});
	});

	describe('Check Connected Accounts First', () => {
		function twoConfigServer() {
			return sim().addServer({
				auth_config_ids: ['ac_gh', 'ac_sl'],
				toolkits: ['github', 'slack'],
			});
		}

		it('a user connected to every auth config is created, after one account look-up', async () => {
			const server = twoConfigServer();
			sim().connectAccount('alice', 'ac_gh');
			sim().connectAccount('alice', 'ac_sl');

			const result = await create([{ userId: 'alice', serverId: server.id }], {
				checkConnectedAccounts: true,
			});

			expect(result.status).toBe('success');
			expect(result.success.map((item) => item.json)).toEqual([instanceShape(server.id, 'alice')]);
			const lookups = sim().requests.filter(isAccountList);
			expect(lookups).toHaveLength(1);
			expect(lookups[0].query).toMatchObject({
				user_ids: 'alice',
				auth_config_ids: 'ac_gh,ac_sl',
				statuses: 'ACTIVE',
			});
			expect(sim().requests.filter(isLink)).toEqual([]);
			expect(sim().createCount(server.id, 'alice')).toBe(1);
		});

		it('a user missing one of two auth configs fails before any create, naming what is missing', async () => {
			const server = twoConfigServer();
			sim().connectAccount('bob', 'ac_gh');

			const result = await create(
				[{ userId: 'bob', serverId: server.id }],
				{ checkConnectedAccounts: true },
				{ onError: 'continueErrorOutput' },
			);

			expect(result.success).toEqual([]);
			expect(result.errorOutput).toHaveLength(1);
			const failed = errorJson(result.errorOutput[0]);
			expect(failed.error).toBe('User "bob" has no active connected account for: slack (ac_sl)');
			expect(failed.error).not.toMatch(/github|ac_gh/);
			expect(failed).toMatchObject({
				httpCode: null,
				serverId: server.id,
				userId: 'bob',
				missingAuthConfigIds: ['ac_sl'],
				missingToolkits: ['slack'],
			});
			expect(failed).not.toHaveProperty('connectLinks');
			expect(failed.description).toMatch(/Callback URL/);
			expect(result.errorOutput[0].pairedItem).toEqual({ item: 0 });
			expect(sim().requests.filter(isCreate)).toEqual([]);
			expect(sim().requests.filter(isLink)).toEqual([]);
			expect(sim().instancesOf(server.id)).toEqual([]);
		});

		it('with stopWorkflow the execution fails with that message and nothing is created', async () => {
			const server = twoConfigServer();

			const result = await create([{ userId: 'bob', serverId: server.id }], {
				checkConnectedAccounts: true,
			});

			expect(result.status).toBe('error');
			expect(result.error?.message).toBe(
				'User "bob" has no active connected account for: github (ac_gh), slack (ac_sl)',
			);
			expect(sim().requests.filter(isCreate)).toEqual([]);
		});

		it.each(['INITIATED', 'EXPIRED', 'INACTIVE', 'FAILED'])(
			'an %s (not ACTIVE) account counts as missing',
			async (status) => {
				const server = twoConfigServer();
				sim().connectAccount('carol', 'ac_gh');
				sim().connectAccount('carol', 'ac_sl', { status });

				const result = await create(
					[{ userId: 'carol', serverId: server.id }],
					{ checkConnectedAccounts: true },
					{ onError: 'continueErrorOutput' },
				);

				expect(result.success).toEqual([]);
				const failed = errorJson(result.errorOutput[0]);
				expect(failed.missingAuthConfigIds).toEqual(['ac_sl']);
				expect(failed.missingToolkits).toEqual(['slack']);
				expect(sim().requests.filter(isCreate)).toEqual([]);
			},
		);

		it('another user’s account does not count', async () => {
			const server = twoConfigServer();
			sim().connectAccount('someone-else', 'ac_gh');
			sim().connectAccount('someone-else', 'ac_sl');
			sim().connectAccount('dave', 'ac_sl');

			const result = await create(
				[{ userId: 'dave', serverId: server.id }],
				{ checkConnectedAccounts: true },
				{ onError: 'continueErrorOutput' },
			);

			expect(errorJson(result.errorOutput[0]).missingAuthConfigIds).toEqual(['ac_gh']);
			expect(sim().requests.filter(isCreate)).toEqual([]);
		});

		it('a server without auth configs needs no check: created, no account look-up', async () => {
			const server = sim().addServer({ auth_config_ids: [] });

			const result = await create([{ userId: 'erin', serverId: server.id }], {
				checkConnectedAccounts: true,
				callbackUrl: CALLBACK,
			});

			expect(result.status).toBe('success');
			expect(result.success.map((item) => item.json)).toEqual([instanceShape(server.id, 'erin')]);
			expect(sim().requests.filter(isAccountList)).toEqual([]);
			expect(sim().requests.filter(isLink)).toEqual([]);
		});

		it('an unknown server fails with the 404 of the server look-up, before any create', async () => {
			const result = await create(
				[{ userId: 'erin', serverId: 'no-such-server' }],
				{ checkConnectedAccounts: true },
				{ onError: 'continueErrorOutput' },
			);

			const failed = errorJson(result.errorOutput[0]);
			expect(failed.httpCode).toBe('404');
			expect(failed.serverId).toBe('no-such-server');
			expect(sim().requests.filter(isCreate)).toEqual([]);
		});

		it('with a Callback URL: one connect link per missing auth config, from exact link requests', async () => {
			const server = sim().addServer({
				auth_config_ids: ['ac_gh', 'ac_sl', 'ac_nt'],
				toolkits: ['github', 'slack', 'notion'],
			});
			sim().connectAccount('frank', 'ac_sl');

			const result = await create(
				[{ userId: 'frank', serverId: server.id }],
				{ checkConnectedAccounts: true, callbackUrl: `  ${CALLBACK}  ` },
				{ onError: 'continueErrorOutput' },
			);

			expect(result.success).toEqual([]);
			const failed = errorJson(result.errorOutput[0]);
			expect(failed.error).toBe(
				'User "frank" has no active connected account for: github (ac_gh), notion (ac_nt)',
			);
			expect(failed.missingAuthConfigIds).toEqual(['ac_gh', 'ac_nt']);
			expect(failed.missingToolkits).toEqual(['github', 'notion']);
			const links = sim().requests.filter(isLink);
			expect(links.map((request) => JSON.parse(request.rawBody) as unknown)).toStrictEqual([
				{ auth_config_id: 'ac_gh', user_id: 'frank', callback_url: CALLBACK },
				{ auth_config_id: 'ac_nt', user_id: 'frank', callback_url: CALLBACK },
			]);
			const connectLinks = failed.connectLinks as IDataObject[];
			expect(connectLinks).toEqual([
				{
					authConfigId: 'ac_gh',
					toolkit: 'github',
					redirectUrl: expect.stringMatching(/\/link\/lt_[0-9a-f]{12}$/),
					expiresAt: expect.stringMatching(ISO_DATE),
					connectedAccountId: expect.stringMatching(/^ca_[0-9a-f]{12}$/),
				},
				{
					authConfigId: 'ac_nt',
					toolkit: 'notion',
					redirectUrl: expect.stringMatching(/\/link\/lt_[0-9a-f]{12}$/),
					expiresAt: expect.stringMatching(ISO_DATE),
					connectedAccountId: expect.stringMatching(/^ca_[0-9a-f]{12}$/),
				},
			]);
			for (const link of connectLinks) {
				expect(String(link.redirectUrl).startsWith(`${sim().url}/link/`)).toBe(true);
			}
			expect(connectLinks[0].redirectUrl).not.toBe(connectLinks[1].redirectUrl);
			expect(failed.description).toMatch(/connectLinks/);
			expect(sim().requests.filter(isCreate)).toEqual([]);
		});

		it('the accounts a link starts are INITIATED: running again still reports them missing', async () => {
			const server = sim().addServer({ auth_config_ids: ['ac_gh'], toolkits: ['github'] });
			const items = [{ userId: 'gina', serverId: server.id }];
			const options = { checkConnectedAccounts: true, callbackUrl: CALLBACK };

			await create(items, options, { onError: 'continueErrorOutput' });
			const again = await create(items, options, { onError: 'continueErrorOutput' });

			expect(errorJson(again.errorOutput[0]).missingAuthConfigIds).toEqual(['ac_gh']);
			expect(sim().requests.filter(isLink)).toHaveLength(2);
			expect(sim().requests.filter(isCreate)).toEqual([]);
		});

		it('a blank Callback URL is no Callback URL: no link requests, no connectLinks', async () => {
			const server = twoConfigServer();

			const result = await create(
				[{ userId: 'hank', serverId: server.id }],
				{ checkConnectedAccounts: true, callbackUrl: '   ' },
				{ onError: 'continueErrorOutput' },
			);

			const failed = errorJson(result.errorOutput[0]);
			expect(failed.missingAuthConfigIds).toEqual(['ac_gh', 'ac_sl']);
			expect(failed).not.toHaveProperty('connectLinks');
			expect(sim().requests.filter(isLink)).toEqual([]);
		});

		it('a Callback URL without the check does nothing: Composio’s 403 as usual, no links', async () => {
			const server = twoConfigServer();

			const result = await create(
				[{ userId: 'ivy', serverId: server.id }],
				{ callbackUrl: CALLBACK },
				{ onError: 'continueErrorOutput' },
			);

			const failed = errorJson(result.errorOutput[0]);
			expect(failed.httpCode).toBe('403');
			expect(failed).not.toHaveProperty('connectLinks');
			expect(sim().requests.filter(isLink)).toEqual([]);
			expect(sim().requests.filter(isAccountList)).toEqual([]);
		});
	});

	describe('onboarding: all options together, with the error output', () => {
		it('new → created, existing → returned, not connected → error branch with links; each once', async () => {
			const server = sim().addServer({
				auth_config_ids: ['ac_gh', 'ac_sl'],
				toolkits: ['github', 'slack'],
			});
			for (const user of ['new-user', 'old-user']) {
				sim().connectAccount(user, 'ac_gh');
				sim().connectAccount(user, 'ac_sl');
			}
			sim().connectAccount('half-user', 'ac_gh');
			// old-user already has an instance.
			const seeded = await create([{ userId: 'old-user', serverId: server.id }]);
			expect(seeded.status).toBe('success');
			const [existing] = sim().instancesOf(server.id);
			const mark = sim().requests.length;

			const items = [
				{ userId: 'half-user', serverId: server.id },
				{ userId: 'new-user', serverId: server.id },
				{ userId: 'old-user', serverId: server.id },
			];
			const result = await create(
				items,
				{
					ifExists: 'returnExisting',
					includeMcpUrl: true,
					checkConnectedAccounts: true,
					callbackUrl: CALLBACK,
				},
				{ onError: 'continueErrorOutput' },
			);

			expect(result.status).toBe('success');
			expect(result.outputs).toHaveLength(2);
			expectEachItemOnce(result, items.length);

			expect(result.success.map(pairedIndex)).toEqual([1, 2]);
			expect(result.success.map((item) => item.json)).toEqual([
				{
					...instanceShape(server.id, 'new-user'),
					alreadyExisted: false,
					mcpUrl: userUrl(server.id, 'new-user'),
				},
				{ ...existing, alreadyExisted: true, mcpUrl: userUrl(server.id, 'old-user') },
			]);

			expect(result.errorOutput.map(pairedIndex)).toEqual([0]);
			const failed = errorJson(result.errorOutput[0]);
			expect(failed).toMatchObject({
				error: 'User "half-user" has no active connected account for: slack (ac_sl)',
				userId: 'half-user',
				serverId: server.id,
				missingAuthConfigIds: ['ac_sl'],
				missingToolkits: ['slack'],
				connectLinks: [
					expect.objectContaining({
						authConfigId: 'ac_sl',
						toolkit: 'slack',
						redirectUrl: expect.stringMatching(/\/link\/lt_[0-9a-f]{12}$/),
					}),
				],
			});

			const requests = since(mark);
			expect(requests.filter(isCreate).map((request) => request.body)).toEqual([
				{ user_id: 'new-user' },
				{ user_id: 'old-user' },
			]);
			expect(requests.filter(isLink).map((request) => request.body)).toEqual([
				{ auth_config_id: 'ac_sl', user_id: 'half-user', callback_url: CALLBACK },
			]);
			expect(sim().createCount(server.id, 'new-user')).toBe(1);
			expect(sim().createCount(server.id, 'old-user')).toBe(1);
			expect(sim().createCount(server.id, 'half-user')).toBe(0);
			expect(
				sim()
					.instancesOf(server.id)
					.map((instance) => instance.instance_id)
					.sort(),
			).toEqual(['new-user', 'old-user']);
		});
	});
});
