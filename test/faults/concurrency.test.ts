/**
 * Concurrency, Batch Interval and output order, through n8n's real engine. Requests in flight are
 * counted at the simulator (it only ever sees fewer at once than the node has in flight, so its
 * peak never overstates the node's); latency comes from slow-answer faults; waits are recorded.
 */
import type { IDataObject } from 'n8n-workflow';

import { createInstanceParameters, serverLocator } from '../engine/runWorkflow';
import { instanceFixtures } from '../support/instances';
import { errorJson, expectEachItemOnce, pairedIndex, useSimulator } from '../support/simulator';
import type { RecordedRequest } from '../simulator';
import {
	createsFor,
	DEFAULTS,
	forUser,
	HTML_503,
	instanceOf,
	isCreate,
	jsonError,
	latency,
	userOf,
	useSleepRecorder,
} from '../support/faults';

const context = useSimulator();
const sleeps = useSleepRecorder();
const { serverFor, create } = instanceFixtures(context);

const usersOf = (count: number) => Array.from({ length: count }, (_, index) => `user-${index}`);

const creates = (): RecordedRequest[] => context.sim.requests.filter(isCreate);

describe('Concurrency', () => {
	it.each([
		[1, 4],
		[3, 12],
		[DEFAULTS.concurrency, 16],
		[8, 20],
		[20, 6],
	])(
		'Concurrency %p over %p items: never more in flight, and that many when there is work for it',
		async (concurrency, count) => {
			const users = usersOf(count);
			const server = serverFor(users);
			context.sim.inject(latency(60));
			const requestOptions = concurrency === DEFAULTS.concurrency ? undefined : { concurrency };

			const result = await create(server, users, { requestOptions });

			expect(result.status).toBe('success');
			expect(result.success.map((item) => item.json.instance_id)).toEqual(users);
			expect(result.success.map(pairedIndex)).toEqual([...users.keys()]);
			expect(context.sim.peakInFlight).toBeLessThanOrEqual(concurrency);
			// 60 ms per answer leaves time for every free slot to fill.
			expect(context.sim.peakInFlight).toBe(Math.min(concurrency, count));
			expect(context.sim.inFlight).toBe(0);
		},
	);

	it('Concurrency 1 is sequential: each request starts after the previous answer, in input order', async () => {
		const users = usersOf(6);
		const server = serverFor(users);
		context.sim.inject(latency(10));

		const result = await create(server, users, { requestOptions: { concurrency: 1 } });

		expect(result.success.map((item) => item.json.instance_id)).toEqual(users);
		const sent = creates();
		expect(sent.map(userOf)).toEqual(users);
		for (let index = 1; index < sent.length; index++) {
			expect(sent[index].startedTick).toBeGreaterThan(sent[index - 1].endedTick!);
		}
		expect(context.sim.peakInFlight).toBe(1);
	});

	it('retries count against Concurrency too', async () => {
		const users = usersOf(9);
		const server = serverFor(users);
		for (const user of users.slice(0, 5)) {
			context.sim.inject(forUser(user, { status: 503, body: HTML_503, contentType: 'text/html' }));
			context.sim.inject(forUser(user, { loseAnswer: true, delayMs: 20 }));
		}
		context.sim.inject(latency(30));

		const result = await create(server, users, { requestOptions: { concurrency: 3 } });

		expect(result.success.map((item) => item.json.instance_id)).toEqual(users);
		expect(context.sim.peakInFlight).toBeLessThanOrEqual(3);
		for (const user of users) expect(context.sim.createCount(server.id, user)).toBe(1);
	});

	it('answers finishing out of order: outputs in input order, exact pairedItem, failures on the error output', async () => {
		// The later the item, the sooner its answer, so completion order is the reverse of input order.
		const users = usersOf(12);
		const server = serverFor(users.filter((user) => user !== 'user-4'));
		users.forEach((user, index) => {
			if (index === 2) {
				context.sim.inject(forUser(user, { status: 400, body: jsonError(400, 'Bad'), delayMs: 5 }));
			} else if (index === 6) {
				context.sim.inject(forUser(user, { destroy: true, times: 9, delayMs: 5 }));
			} else if (index === 9) {
				context.sim.inject(forUser(user, { loseAnswer: true }));
			}
			context.sim.inject(forUser(user, { passThrough: true, delayMs: (12 - index) * 8 }));
		});
		const items: IDataObject[] = users.map((userId) => ({ userId }));
		items.splice(7, 0, { userId: '   ' });

		const result = await context.run(
			items,
			{ ...createInstanceParameters(server.id), requestOptions: { concurrency: 4 } },
			{ onError: 'continueErrorOutput' },
		);

		expectEachItemOnce(result, items.length);
		expect(result.success.map(pairedIndex)).toEqual([0, 1, 3, 5, 8, 9, 10, 11, 12]);
		for (const item of result.success) {
			expect(item.json).toEqual(
				instanceOf(context.sim, server.id, items[pairedIndex(item)].userId as string),
			);
		}
		expect(result.errorOutput.map(pairedIndex)).toEqual([2, 4, 6, 7]);
		expect(result.errorOutput.map((item) => errorJson(item).httpCode)).toEqual([
			'400',
			'403',
			null,
			null,
		]);
		expect(errorJson(result.errorOutput[2]).error).toMatch(/connection/);
		expect(errorJson(result.errorOutput[3]).error).toMatch(/blank/);
		// The answers did come back in a different order than the items went out.
		const byEnd = [...creates()]
			.filter((request) => request.endedTick !== undefined)
			.sort((a, b) => a.endedTick! - b.endedTick!)
			.map(userOf);
		expect(byEnd).not.toEqual(creates().map(userOf));
		expect(context.sim.peakInFlight).toBeLessThanOrEqual(4);
	});

	it('continueRegularOutput: one output, every item in input order', async () => {
		const users = usersOf(8);
		const server = serverFor(users.filter((user) => user !== 'user-1'));
		users.forEach((user, index) =>
			context.sim.inject(forUser(user, { passThrough: true, delayMs: (8 - index) * 8 })),
		);

		const result = await create(server, users, {
			onError: 'continueRegularOutput',
			requestOptions: { concurrency: 3 },
		});

		expect(result.outputs).toHaveLength(1);
		expect(result.success.map(pairedIndex)).toEqual([...users.keys()]);
		expect(result.success.map((item) => item.json.instance_id ?? errorJson(item).httpCode)).toEqual(
			['user-0', '403', ...users.slice(2)],
		);
	});

	it('lists of different lengths per item stay grouped by item, in input order', async () => {
		const servers = [5, 0, 12, 1].map((size, serverIndex) => {
			const server = context.sim.addServer();
			for (let index = 0; index < size; index++) {
				context.sim.addInstance(server.id, `s${serverIndex}-u${index}`);
			}
			return server;
		});
		// The first server's listing answers last.
		context.sim.inject({
			method: 'GET',
			path: new RegExp(`/servers/${servers[0].id}/instances$`),
			delayMs: 60,
			passThrough: true,
		});

		const result = await context.run(
			servers.map((server) => ({ serverId: server.id })),
			{
				resource: 'instance',
				operation: 'getAll',
				serverId: serverLocator('={{ $json.serverId }}'),
				returnAll: true,
				requestOptions: { concurrency: 4 },
			},
		);

		expect(result.success.map(pairedIndex)).toEqual([...Array(5).fill(0), ...Array(12).fill(2), 3]);
		for (const item of result.success) {
			expect(String(item.json.instance_id)).toMatch(new RegExp(`^s${pairedIndex(item)}-`));
		}
	});
});

describe('Batch Interval', () => {
	it('waits the interval between groups of Concurrency items, each group finished before the next starts', async () => {
		const users = usersOf(7);
		const server = serverFor(users);
		context.sim.inject(latency(15));
		const seen: Array<{ sent: number; inFlight: number }> = [];
		sleeps.onSleep = () => seen.push({ sent: creates().length, inFlight: context.sim.inFlight });

		const result = await create(server, users, {
			requestOptions: { concurrency: 3, batchInterval: 250 },
		});

		expect(result.success.map((item) => item.json.instance_id)).toEqual(users);
		// ⌈7/3⌉ = 3 groups, so 2 waits of the interval, each after a whole group was answered.
		expect(sleeps.waits).toEqual([250, 250]);
		expect(seen).toEqual([
			{ sent: 3, inFlight: 0 },
			{ sent: 6, inFlight: 0 },
		]);
		const groupOf = (request: RecordedRequest) => Math.floor(users.indexOf(userOf(request)!) / 3);
		const sent = creates();
		for (const later of sent) {
			for (const earlier of sent) {
				if (groupOf(earlier) < groupOf(later)) {
					expect(later.startedTick).toBeGreaterThan(earlier.endedTick!);
				}
			}
		}
		expect(context.sim.peakInFlight).toBe(3);
	});

	it('with Concurrency 1, one wait between every two items', async () => {
		const users = usersOf(4);
		const server = serverFor(users);

		const result = await create(server, users, {
			requestOptions: { concurrency: 1, batchInterval: 1_000 },
		});

		expect(result.success).toHaveLength(4);
		expect(sleeps.waits).toEqual([1_000, 1_000, 1_000]);
		expect(context.sim.peakInFlight).toBe(1);
	});

	it('retry waits come on top of the interval, and no item is lost or repeated', async () => {
		const users = usersOf(5);
		const server = serverFor(users);
		context.sim.inject(
			forUser('user-1', {
				status: 429,
				headers: { 'retry-after': '4' },
				body: { message: 'Slow down' },
			}),
		);

		const result = await create(server, users, {
			requestOptions: { concurrency: 2, batchInterval: 500 },
		});

		expect(result.success.map((item) => item.json.instance_id)).toEqual(users);
		expect([...sleeps.waits].sort((a, b) => a - b)).toEqual([500, 500, 4000]);
		for (const user of users)
			expect(createsFor(context.sim, user).length).toBe(user === 'user-1' ? 2 : 1);
	});
});

describe('stopWorkflow', () => {
	it('the first failing item in input order is the error, even when a later one failed first; nothing more starts', async () => {
		const users = usersOf(8);
		const server = serverFor(users);
		// Items 0–2 start together. Item 2 fails at once, item 1 fails later, item 0 succeeds last.
		context.sim.inject(forUser('user-0', { passThrough: true, delayMs: 150 }));
		context.sim.inject(
			forUser('user-1', { status: 403, body: jsonError(403, 'First in input order'), delayMs: 80 }),
		);
		context.sim.inject(forUser('user-2', { status: 400, body: jsonError(400, 'First in time') }));

		const result = await create(server, users, { requestOptions: { concurrency: 3 } });

		expect(result.status).toBe('error');
		// Composio's own message first; the node may add what a 403 means for the key's scope.
		expect(result.error?.message).toMatch(/^First in input order\b/);
		expect(result.error).toMatchObject({ httpCode: '403', context: { itemIndex: 1 } });
		expect(result.success).toEqual([]);
		// Only the items already in flight when item 2 failed were ever sent; they were awaited.
		expect(creates().map(userOf).sort()).toEqual(['user-0', 'user-1', 'user-2']);
		expect(context.sim.instancesOf(server.id).map((instance) => instance.instance_id)).toEqual([
			'user-0',
		]);
		expect(context.sim.inFlight).toBe(0);
	});

	it('no item starts once a failure is known, though slots free up', async () => {
		const users = usersOf(10);
		const server = serverFor(users);
		// Concurrency 2: item 1 is slow; items 0, 2, 3 go through the other slot; item 3 fails.
		context.sim.inject(forUser('user-1', { passThrough: true, delayMs: 500 }));
		context.sim.inject(forUser('user-3', { status: 404, body: jsonError(404, 'Gone') }));

		const result = await create(server, users, { requestOptions: { concurrency: 2 } });

		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({ httpCode: '404', context: { itemIndex: 3 } });
		const sent = creates();
		expect(sent.map(userOf).sort()).toEqual(['user-0', 'user-1', 'user-2', 'user-3']);
		const failure = sent.find((request) => userOf(request) === 'user-3')!;
		for (const request of sent) expect(request.startedTick).toBeLessThan(failure.endedTick!);
		// Item 1 was in flight when item 3 failed: it was awaited, and its instance exists.
		expect(
			context.sim
				.instancesOf(server.id)
				.map((instance) => instance.instance_id)
				.sort(),
		).toEqual(['user-0', 'user-1', 'user-2']);
	});

	it('a transient failure healed by a retry does not stop the run', async () => {
		const users = usersOf(4);
		const server = serverFor(users);
		context.sim.inject(forUser('user-1', { loseAnswer: true }));
		context.sim.inject(
			forUser('user-2', { status: 503, body: HTML_503, contentType: 'text/html', times: 2 }),
		);

		const result = await create(server, users, { requestOptions: { concurrency: 2 } });

		expect(result.status).toBe('success');
		expect(result.success.map((item) => item.json.instance_id)).toEqual(users);
		for (const user of users) expect(context.sim.createCount(server.id, user)).toBe(1);
	});
});
