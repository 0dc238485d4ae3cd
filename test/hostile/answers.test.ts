/**
 * Answers that never end, end too soon, are too large, or page forever. The Timeout bounds each
 * attempt, answer included; a connection cut mid-answer is a network fault (retried for reads,
 * resolved through the 409 path for instance creates, never re-sent for other writes); a list
 * stops at its documented bound. Timeouts take real time (Timeout 1 s, the smallest); waits
 * between retries are recorded, not slept.
 */
import { createInstanceParameters, serverLocator } from '../engine/runWorkflow';
import { createsFor, forUser, instanceOf, useSleepRecorder } from '../support/faults';
import { errorJson, pairedIndex } from '../support/simulator';
import { useHostileServer } from '../support/hostile';

const context = useHostileServer();
const sleeps = useSleepRecorder();

const TIMEOUT_MS = 1_000;
/** "Within Timeout plus a second" (the issue's bound), per attempt. */
const BOUND_MS = TIMEOUT_MS + 1_000;

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
	const started = Date.now();
	const value = await run();
	return { value, ms: Date.now() - started };
}

function getServer(serverId: string, requestOptions = {}) {
	return {
		resource: 'server',
		operation: 'get',
		serverId: serverLocator(serverId),
		requestOptions: { timeout: TIMEOUT_MS / 1000, ...requestOptions },
	};
}

describe('the Timeout bounds the whole answer', () => {
	it.each([
		['whose body drips a byte every 200 ms', { drip: { intervalMs: 200 } }],
		['whose body never ends', { drip: { intervalMs: 50, forever: true } }],
		['whose status line and headers drip', { drip: { intervalMs: 100, headers: true } }],
	])('an answer %s ends the item within Timeout + 1 s', async (_, fault) => {
		const server = context.sim.addServer();
		context.sim.inject({ method: 'GET', passThrough: true, ...fault });

		const { value: result, ms } = await timed(
			async () =>
				await context.run([{}], getServer(server.id, { maxRetries: 0 }), {
					onError: 'continueErrorOutput',
				}),
		);

		expect(ms).toBeLessThan(BOUND_MS);
		const failed = errorJson(result.errorOutput[0]);
		expect(failed.error).toMatch(
			/^(Composio did not answer within 1 s|Composio's answer \(HTTP 200\) did not arrive in full within 1 s)$/,
		);
		expect(failed.description).toBe(
			'The Timeout (Request Options) bounds each attempt, answer included.',
		);
	});

	it('a read whose answer never ends is retried, and the retry gets the whole answer', async () => {
		const server = context.sim.addServer();
		context.sim.inject({
			method: 'GET',
			passThrough: true,
			drip: { intervalMs: 50, forever: true },
		});

		const result = await context.run([{}], getServer(server.id));

		expect(result.status).toBe('success');
		expect(result.success[0].json.id).toBe(server.id);
		expect(context.sim.requests).toHaveLength(2);
		expect(sleeps.waits).toHaveLength(1);
	});

	it('a create whose answer never ends (Composio did create it): retried, resolved through the 409, created once', async () => {
		const server = context.sim.addServer();
		context.sim.inject(forUser('alice', { handle: true, drip: { intervalMs: 50, forever: true } }));

		const result = await context.run([{ userId: 'alice' }], {
			...createInstanceParameters(server.id),
			requestOptions: { timeout: 1 },
		});

		expect(result.status).toBe('success');
		expect(result.success.map((item) => item.json)).toEqual([
			instanceOf(context.sim, server.id, 'alice'),
		]);
		expect(context.sim.createCount(server.id, 'alice')).toBe(1);
		expect(createsFor(context.sim, 'alice')).toHaveLength(2);
	});
});

describe('an answer cut after its headers', () => {
	it('a read is retried like a reset; after Max Retries it fails saying so', async () => {
		const server = context.sim.addServer();
		context.sim.inject({ method: 'GET', passThrough: true, cut: 'body', times: 3 });

		const result = await context.run([{}], getServer(server.id, { maxRetries: 2 }), {
			onError: 'continueErrorOutput',
		});

		const failed = errorJson(result.errorOutput[0]);
		expect(failed.error).toBe(
			'The connection to Composio closed while its answer (HTTP 200) was arriving',
		);
		expect(failed.description).toMatch(/^Network error E[A-Z]+\.$/);
		expect(context.sim.requests).toHaveLength(3);
		expect(sleeps.waits).toHaveLength(2);
	});

	it('a server create answered 201 then cut is not sent again, and says the server may exist', async () => {
		context.sim.connectAccount('seed-user', 'ac_gmail', { toolkit: 'gmail' });
		context.sim.inject({
			method: 'POST',
			path: '/api/v3/mcp/servers',
			passThrough: true,
			cut: 'body',
		});

		const result = await context.run(
			[{}],
			{ resource: 'server', operation: 'create', name: 'Support Tools', authConfigIds: 'ac_gmail' },
			{ onError: 'continueErrorOutput' },
		);

		const failed = errorJson(result.errorOutput[0]);
		expect(failed.error).toBe(
			'The connection to Composio closed while its answer (HTTP 201) was arriving',
		);
		expect(failed.description).toContain(
			'Composio may have created the server although its answer was lost',
		);
		expect(context.sim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
	});

	it('an instance create answered 201 then cut: resolved through the 409, one instance', async () => {
		const server = context.sim.addServer();
		context.sim.inject(forUser('alice', { passThrough: true, cut: 'body' }));

		const result = await context.run([{ userId: 'alice' }], createInstanceParameters(server.id));

		expect(result.success.map((item) => item.json)).toEqual([
			instanceOf(context.sim, server.id, 'alice'),
		]);
		expect(context.sim.createCount(server.id, 'alice')).toBe(1);
	});
});

describe('answers too large', () => {
	it('an answer above 10 MiB fails the item without being read, and is not retried', async () => {
		const server = context.sim.addServer();
		const huge = JSON.stringify({ id: server.id, padding: 'x'.repeat(10 * 1024 * 1024) });
		context.sim.inject({ method: 'GET', status: 200, body: huge });

		const result = await context.run([{}], getServer(server.id), {
			onError: 'continueErrorOutput',
		});

		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: "Composio's answer (HTTP 200) is larger than 10 MiB, the most the node reads",
			httpCode: '200',
		});
		expect(context.sim.requests).toHaveLength(1);
	});
});

describe('lists that never end', () => {
	const PAGE = 100;

	function page(pageNo: number) {
		return Array.from({ length: PAGE }, (_, i) => ({
			id: `inst-${pageNo}-${i}`,
			instance_id: `user-${pageNo}-${i}`,
			mcp_server_id: 'srv',
			created_at: '2026-01-01T00:00:00.000Z',
			updated_at: '2026-01-01T00:00:00.000Z',
		}));
	}

	function getAll(serverId: string) {
		return {
			resource: 'instance',
			operation: 'getAll',
			serverId: serverLocator(serverId),
			returnAll: true,
		};
	}

	it('Return All against total_pages 1e9 stops at 500 pages with a clear error', async () => {
		const server = context.sim.addServer();
		context.sim.inject({
			method: 'GET',
			status: 200,
			times: 1_000,
			body: (request?: { query: Record<string, string> }) => ({
				instances: page(Number(request?.query.page_no)),
				total_pages: 1e9,
				current_page: Number(request?.query.page_no),
			}),
		});

		const result = await context.run([{}], getAll(server.id), {
			onError: 'continueErrorOutput',
		});

		expect(result.success).toEqual([]);
		expect(result.errorOutput.map(pairedIndex)).toEqual([0]);
		const failed = errorJson(result.errorOutput[0]);
		expect(failed.error).toBe(
			'Return All stopped after 500 pages: the list goes on beyond what one item reads (50,000 entries)',
		);
		expect(failed.description).toContain(
			'Narrow the list with a filter or a search, or set a Limit.',
		);
		expect(context.sim.requests).toHaveLength(500);
	});

	it('a page that repeats the one before ends the list: every entry once', async () => {
		const server = context.sim.addServer();
		context.sim.inject({
			method: 'GET',
			status: 200,
			times: 1_000,
			body: { instances: page(1), total_pages: 1e9, current_page: 1 },
		});

		const result = await context.run([{}], getAll(server.id));

		expect(result.success.map((item) => item.json.id)).toEqual(page(1).map((entry) => entry.id));
		expect(context.sim.requests).toHaveLength(2);
	});
});
