/**
 * Instance › Create, run in n8n's real engine (test/engine) against the Composio simulator: each
 * test is a whole workflow execution, with the node's On Error setting, n8n's credential handling
 * and n8n's HTTP stack between the node and the simulator.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { NodeRun } from '../engine/runWorkflow';
import { createInstanceParameters, serverLocator } from '../engine/runWorkflow';
import { instanceFixtures } from '../support/instances';
import { errorJson, expectEachItemOnce, pairedIndex, useSimulator } from '../support/simulator';

const NO_ACCOUNTS =
	'The user does not have connected accounts for all required auth configurations.';
const context = useSimulator();
const { serverFor } = instanceFixtures(context);

async function run(
	items: IDataObject[],
	options: {
		serverId?: string;
		userId?: string;
		onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
		apiKey?: string;
		requestOptions?: IDataObject;
	} = {},
): Promise<NodeRun> {
	const parameters: INodeParameters = {
		...createInstanceParameters(options.serverId ?? '={{ $json.serverId }}', options.userId),
	};
	if (options.requestOptions) parameters.requestOptions = options.requestOptions as INodeParameters;
	return await context.run(items, parameters, options);
}

function creates() {
	return context.sim.requests.filter(
		(request) => request.method === 'POST' && /\/instances$/.test(request.path),
	);
}

describe('Instance › Create through the n8n engine', () => {
	it('creates the instance and outputs the 201 answer paired to its item', async () => {
		const server = serverFor(['alice']);

		const result = await run([{ userId: 'alice', serverId: server.id }]);

		expect(result.status).toBe('success');
		expect(result.success).toHaveLength(1);
		expect(result.success[0].json).toEqual({
			id: expect.any(String),
			instance_id: 'alice',
			mcp_server_id: server.id,
			created_at: expect.any(String),
			updated_at: expect.any(String),
		});
		expect(result.success[0].pairedItem).toEqual({ item: 0 });
		expect(context.sim.instancesOf(server.id).map((instance) => instance.instance_id)).toEqual([
			'alice',
		]);

		const [request] = creates();
		expect(request.rawPath).toBe(`/api/v3/mcp/servers/${encodeURIComponent(server.id)}/instances`);
		expect(request.rawBody).toBe('{"user_id":"alice"}');
		expect(request.headers['x-api-key']).toBe(context.sim.apiKey);
		expect(request.headers['x-user-api-key']).toBeUndefined();
		expect(request.headers.authorization).toBeUndefined();
	});

	it('takes the server from the list mode of the Server picker and a fixed User ID', async () => {
		const server = serverFor(['fixed-user']);

		const result = await context.run([{}], {
			...createInstanceParameters(server.id, 'fixed-user'),
			serverId: serverLocator(server.id, 'list'),
		});

		expect(result.status).toBe('success');
		expect(result.success.map((item) => item.json.instance_id)).toEqual(['fixed-user']);
	});

	describe('Composio errors', () => {
		it('400: fails the execution with Composio’s message', async () => {
			const server = serverFor(['alice']);
			context.sim.inject({
				method: 'POST',
				path: /\/instances$/,
				status: 400,
				body: {
					error: {
						message: 'user_id must not be longer than 255 characters',
						code: 1400,
						status: 400,
					},
				},
			});

			const result = await run([{ userId: 'alice', serverId: server.id }]);

			expect(result.status).toBe('error');
			expect(result.error?.message).toBe('user_id must not be longer than 255 characters');
			expect(result.error).toMatchObject({ httpCode: '400' });
		});

		it('401: a wrong API key gives Composio’s message, not n8n’s generic one', async () => {
			const server = serverFor(['alice']);
			const wrongCredential = 'ak_wrong_key_0123456789';

			const result = await run([{ userId: 'alice', serverId: server.id }], {
				apiKey: wrongCredential,
			});

			expect(result.status).toBe('error');
			expect(result.error).toMatchObject({ httpCode: '401' });
			expect(result.error?.message).not.toMatch(/perhaps check your credentials/i);
			expect(result.error?.message).not.toBe('');
			expect(creates()[0].headers['x-api-key']).toBe(wrongCredential);
			expect(context.sim.instancesOf(server.id)).toEqual([]);
		});

		it('403: a user without connected accounts gets Composio’s explanation', async () => {
			const server = serverFor([]);

			const result = await run([{ userId: 'nobody', serverId: server.id }]);

			expect(result.status).toBe('error');
			expect(result.error?.message).toBe(NO_ACCOUNTS);
			expect(result.error).toMatchObject({ httpCode: '403' });
		});

		it('404: an unknown server', async () => {
			const result = await run([{ userId: 'alice', serverId: 'no-such-server' }]);

			expect(result.status).toBe('error');
			expect(result.error).toMatchObject({ httpCode: '404' });
			expect(result.error?.message).not.toMatch(/could not be found$/);
			expect(creates()[0].rawPath).toBe('/api/v3/mcp/servers/no-such-server/instances');
		});

		it('409: a duplicate says the instance already exists and creates nothing', async () => {
			const server = serverFor(['alice']);

			const result = await run(
				[
					{ userId: 'alice', serverId: server.id },
					{ userId: 'alice', serverId: server.id },
				],
				{ onError: 'continueErrorOutput' },
			);

			expect(result.success.map((item) => item.json.instance_id)).toEqual(['alice']);
			expect(result.errorOutput).toHaveLength(1);
			const failed = errorJson(result.errorOutput[0]);
			expect(failed.error).toMatch(/already exists/i);
			expect(failed.httpCode).toBe('409');
			expect(failed.userId).toBe('alice');
			expect(result.errorOutput[0].pairedItem).toEqual({ item: 1 });
			expect(context.sim.createCount(server.id, 'alice')).toBe(1);
		});

		it('409 with stopWorkflow: the execution error says it already exists', async () => {
			const server = serverFor(['alice']);
			await run([{ userId: 'alice', serverId: server.id }]);

			const result = await run([{ userId: 'alice', serverId: server.id }]);

			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(/already exists/i);
			expect(context.sim.createCount(server.id, 'alice')).toBe(1);
		});

		// These show how an answer reads once retries are spent (Max Retries 0); test/faults covers the retries.
		it('429: a bare {message} body with Retry-After gives that message and the wait', async () => {
			const server = serverFor(['alice']);
			const message = 'Rate limit exceeded. Limit: 100 requests per 1 minutes';
			context.sim.inject({
				method: 'POST',
				path: /\/instances$/,
				status: 429,
				times: 100,
				body: { message },
				headers: { 'retry-after': '30' },
			});

			const result = await run([{ userId: 'alice', serverId: server.id }], {
				onError: 'continueErrorOutput',
				requestOptions: { maxRetries: 0 },
			});

			expect(result.success).toEqual([]);
			const failed = errorJson(result.errorOutput[0]);
			expect(failed.error).toBe(message);
			expect(failed.httpCode).toBe('429');
			expect(failed.description).toMatch(/30 ?s/);
			expect(context.sim.instancesOf(server.id)).toEqual([]);
		});

		it('500: Composio’s envelope message, with its request id', async () => {
			const server = serverFor(['alice']);
			context.sim.inject({
				method: 'POST',
				path: /\/instances$/,
				status: 500,
				times: 100,
				body: {
					error: {
						message: 'Something went wrong while creating the instance',
						code: 1500,
						status: 500,
						request_id: 'req_500_abc',
					},
				},
			});

			const result = await run([{ userId: 'alice', serverId: server.id }], {
				onError: 'continueErrorOutput',
			});

			const failed = errorJson(result.errorOutput[0]);
			expect(failed.error).toBe('Something went wrong while creating the instance');
			expect(failed.httpCode).toBe('500');
			expect(failed.requestId).toBe('req_500_abc');
			expect(failed.description).toContain('req_500_abc');
		});

		it('503 with an HTML body: a short message without HTML', async () => {
			const server = serverFor(['alice']);
			const html =
				'<!DOCTYPE html><html><head><title>503 Service Temporarily Unavailable</title></head>' +
				'<body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>';
			context.sim.inject({
				method: 'POST',
				path: /\/instances$/,
				status: 503,
				times: 100,
				body: html,
				contentType: 'text/html; charset=utf-8',
			});

			const result = await run([{ userId: 'alice', serverId: server.id }]);

			expect(result.status).toBe('error');
			const message = result.error?.message ?? '';
			expect(message).not.toMatch(/<[a-z!/]/i);
			expect(message).not.toContain('nginx');
			expect(message.length).toBeLessThan(120);
			expect(result.error).toMatchObject({ httpCode: '503' });
			expect(context.sim.instancesOf(server.id)).toEqual([]);
		});

		it('a slow answer still succeeds', async () => {
			const server = serverFor(['alice']);
			context.sim.inject({ method: 'POST', path: /\/instances$/, delayMs: 300, passThrough: true });

			const result = await run([{ userId: 'alice', serverId: server.id }]);

			expect(result.status).toBe('success');
			expect(result.success.map((item) => item.json.instance_id)).toEqual(['alice']);
		});

		it('a connection reset, once retries are spent, is an error that says so', async () => {
			const server = serverFor(['alice']);
			context.sim.inject({ method: 'POST', path: /\/instances$/, destroy: true });

			const result = await run([{ userId: 'alice', serverId: server.id }], {
				requestOptions: { maxRetries: 0 },
			});

			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(/Composio/);
			expect(creates()).toHaveLength(1);
			expect(context.sim.instancesOf(server.id)).toEqual([]);
		});

		it('malformed JSON on a 201 is an error, not an empty success', async () => {
			const server = serverFor(['alice']);
			context.sim.inject({
				method: 'POST',
				path: /\/instances$/,
				status: 201,
				body: '{"id": "5b6f", "instance_id": "alice", ',
			});

			const result = await run([{ userId: 'alice', serverId: server.id }], {
				onError: 'continueErrorOutput',
				requestOptions: { maxRetries: 0 },
			});

			expect(result.success).toEqual([]);
			const failed = errorJson(result.errorOutput[0]);
			expect(failed.error).toMatch(/not valid JSON/i);
			expect(failed.httpCode).toBe('201');
		});
	});

	describe('user ids', () => {
		it('sends each valid id exactly as given (numbers as decimal strings, trimmed) as the body', async () => {
			const ids: unknown[] = [
				'alice@example.com',
				42,
				0,
				1e21,
				'  spaced  ',
				'Zoë 👩🏽‍💻 Łódź',
				'../x',
				'a/b?c#d',
				'%2F',
			];
			const expected = [
				'alice@example.com',
				'42',
				'0',
				'1000000000000000000000',
				'spaced',
				'Zoë 👩🏽‍💻 Łódź',
				'../x',
				'a/b?c#d',
				'%2F',
			];
			const server = serverFor(expected);

			const result = await run(
				ids.map((userId) => ({ userId, serverId: server.id }) as IDataObject),
				{ onError: 'continueErrorOutput' },
			);

			expect(result.errorOutput).toEqual([]);
			expect(result.success.map((item) => item.json.instance_id)).toEqual(expected);
			expect(result.success.map(pairedIndex)).toEqual([...ids.keys()]);
			expect(creates().map((request) => request.body)).toEqual(
				expected.map((userId) => ({ user_id: userId })),
			);
			for (const request of creates()) {
				expect(request.rawPath).toBe(
					`/api/v3/mcp/servers/${encodeURIComponent(server.id)}/instances`,
				);
			}
		});

		it('fails invalid ids before any request, and the other items still run', async () => {
			const server = serverFor(['ok-1', 'ok-2']);
			const items: IDataObject[] = [
				{ userId: '' },
				{ userId: 'ok-1' },
				{ userId: '   ' },
				{ userId: { id: 'x' } },
				{ userId: ['a', 'b'] },
				{ userId: true },
				{ userId: 'ok-2' },
				{},
			].map((item) => ({ ...item, serverId: server.id }));

			const result = await run(items, { onError: 'continueErrorOutput' });

			expect(result.success.map((item) => item.json.instance_id)).toEqual(['ok-1', 'ok-2']);
			expect(result.success.map(pairedIndex)).toEqual([1, 6]);
			expect(result.errorOutput.map(pairedIndex)).toEqual([0, 2, 3, 4, 5, 7]);
			for (const item of result.errorOutput) {
				const failed = errorJson(item);
				expect(failed.error).toMatch(/User ID/);
				expect(failed.httpCode).toBeNull();
				expect(failed.serverId).toBe(server.id);
			}
			expect(errorJson(result.errorOutput[0]).error).toMatch(/empty/);
			expect(errorJson(result.errorOutput[1]).error).toMatch(/blank/);
			expect(creates().map((request) => request.body)).toEqual([
				{ user_id: 'ok-1' },
				{ user_id: 'ok-2' },
			]);
			expectEachItemOnce(result, items.length);
		});

		it('an empty user id with stopWorkflow fails the execution without a request', async () => {
			const server = serverFor(['alice']);

			const result = await run([{ userId: '', serverId: server.id }]);

			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(/User ID is empty/);
			expect(context.sim.requests).toEqual([]);
		});
	});

	describe('server ids', () => {
		it.each([
			['../x', '..%2Fx'],
			['a/b?c#d', 'a%2Fb%3Fc%23d'],
			['sérveur 1', 's%C3%A9rveur%201'],
			['%2F', '%252F'],
		])('sends %j as one encoded path segment', async (serverId, segment) => {
			serverFor(['alice'], serverId);

			const result = await run([{ userId: 'alice', serverId }]);

			expect(result.status).toBe('success');
			expect(creates().map((request) => request.rawPath)).toEqual([
				`/api/v3/mcp/servers/${segment}/instances`,
			]);
			expect(context.sim.instancesOf(serverId).map((instance) => instance.instance_id)).toEqual([
				'alice',
			]);
			expect(result.success[0].json.mcp_server_id).toBe(serverId);
		});

		it.each(['..', '.', '', '  '])(
			'refuses the server id %j without a request',
			async (serverId) => {
				const result = await run([{ userId: 'alice', serverId }], {
					onError: 'continueErrorOutput',
				});

				expect(result.success).toEqual([]);
				expect(result.errorOutput).toHaveLength(1);
				expect(errorJson(result.errorOutput[0]).error).toMatch(/Server/);
				expect(context.sim.requests).toEqual([]);
			},
		);
	});

	describe('On Error', () => {
		function mixedBatch() {
			const server = serverFor(['alice', 'dave']);
			const items: IDataObject[] = [
				{ userId: 'alice', serverId: server.id },
				{ userId: 'bob', serverId: server.id },
				{ userId: 'carol', serverId: 'missing-server' },
				{ userId: '', serverId: server.id },
				{ userId: 'dave', serverId: server.id },
			];
			return { server, items };
		}

		it('continueErrorOutput: successes on main[0], failures on main[1] with the error fields', async () => {
			const { server, items } = mixedBatch();

			const result = await run(items, { onError: 'continueErrorOutput' });

			expect(result.status).toBe('success');
			expect(result.outputs).toHaveLength(2);
			expect(result.success.map((item) => item.json.instance_id)).toEqual(['alice', 'dave']);
			expect(result.success.map(pairedIndex)).toEqual([0, 4]);
			expect(result.errorOutput.map(pairedIndex)).toEqual([1, 2, 3]);

			const [noAccounts, noServer, emptyUser] = result.errorOutput.map(errorJson);
			expect(noAccounts).toMatchObject({
				error: NO_ACCOUNTS,
				httpCode: '403',
				serverId: server.id,
				userId: 'bob',
			});
			expect(noServer).toMatchObject({
				httpCode: '404',
				serverId: 'missing-server',
				userId: 'carol',
			});
			expect(emptyUser).toMatchObject({
				httpCode: null,
				requestId: null,
				serverId: server.id,
				userId: '',
			});
			for (const failed of [noAccounts, noServer]) {
				expect(failed.requestId).toEqual(expect.any(String));
				expect(failed.requestId).not.toBe('');
				expect(failed.description).toContain(failed.requestId as string);
			}
			for (const item of result.errorOutput) {
				expect(Object.keys(errorJson(item))).toEqual(
					expect.arrayContaining([
						'error',
						'description',
						'httpCode',
						'requestId',
						'serverId',
						'userId',
					]),
				);
			}
			expectEachItemOnce(result, items.length);
			expect(
				context.sim
					.instancesOf(server.id)
					.map((instance) => instance.instance_id)
					.sort(),
			).toEqual(['alice', 'dave']);
		});

		it('continueRegularOutput: every item on main[0] in input order, failures with their error', async () => {
			const { items } = mixedBatch();

			const result = await run(items, { onError: 'continueRegularOutput' });

			expect(result.status).toBe('success');
			expect(result.outputs).toHaveLength(1);
			expect(result.success.map(pairedIndex)).toEqual([0, 1, 2, 3, 4]);
			expect(result.success.map((item) => item.json.instance_id ?? null)).toEqual([
				'alice',
				null,
				null,
				null,
				'dave',
			]);
			expect(errorJson(result.success[1])).toMatchObject({
				error: NO_ACCOUNTS,
				httpCode: '403',
				userId: 'bob',
			});
			expectEachItemOnce(result, items.length);
		});

		it('stopWorkflow: the execution fails with Composio’s message and the item index', async () => {
			const { server, items } = mixedBatch();

			// One at a time, so "nothing after the failing item" is exact (see test/faults for more).
			const result = await run(items, { requestOptions: { concurrency: 1 } });

			expect(result.status).toBe('error');
			expect(result.error?.message).toBe(NO_ACCOUNTS);
			expect(result.error).toMatchObject({ httpCode: '403', context: { itemIndex: 1 } });
			expect(result.nodeError?.message).toBe(NO_ACCOUNTS);
			expect(result.success).toEqual([]);
			// The items before the failing one were sent; nothing after it.
			expect(creates().map((request) => request.body)).toEqual([
				{ user_id: 'alice' },
				{ user_id: 'bob' },
			]);
			expect(context.sim.instancesOf(server.id).map((instance) => instance.instance_id)).toEqual([
				'alice',
			]);
		});
	});
});
