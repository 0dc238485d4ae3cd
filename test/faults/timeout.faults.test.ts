/**
 * Answers past the Timeout. The Timeout itself is a real clock in n8n's HTTP client, so these tests
 * take real time: Timeout 1 s (the smallest the option takes), each test at most ~2 s. The waits
 * between retries are still recorded instead of slept (test/support/faults.ts).
 */
import { createInstanceParameters, serverLocator } from '../engine/runWorkflow';
import { errorJson, pairedIndex, useSimulator } from '../support/simulator';
import type { Fault } from '../simulator';
import {
	createsFor,
	expectBackoffs,
	forUser,
	instanceOf,
	isList,
	useSleepRecorder,
} from '../support/faults';

const context = useSimulator();
const sleeps = useSleepRecorder();

const TIMEOUT = { timeout: 1 };

function onFirstPage(fault: Fault): Fault {
	return { ...fault, method: 'GET', match: (request) => request.query.page_no === '1' };
}

it('a create answered after the Timeout (Composio did create it): retried, found, on the success output, created once', async () => {
	const server = context.sim.addServer();
	context.sim.inject(forUser('alice', { handle: true, delayMs: 1_500 }));

	const result = await context.run([{ userId: 'alice' }], {
		...createInstanceParameters(server.id),
		requestOptions: TIMEOUT,
	});

	expect(result.status).toBe('success');
	expect(result.success.map((item) => item.json)).toEqual([
		instanceOf(context.sim, server.id, 'alice'),
	]);
	expect(result.success[0].pairedItem).toEqual({ item: 0 });
	expect(context.sim.createCount(server.id, 'alice')).toBe(1);
	expect(createsFor(context.sim, 'alice')).toHaveLength(2);
	expect(context.sim.requests.filter(isList)).toHaveLength(1);
	expect(sleeps.waits).toHaveLength(1);
	expectBackoffs(sleeps.waits);
});

it('a page answered after the Timeout is read again; the listing is whole', async () => {
	const server = context.sim.addServer();
	const users = ['ann', 'bob', 'cid'];
	for (const user of users) context.sim.addInstance(server.id, user);
	context.sim.inject(onFirstPage({ delayMs: 1_500, passThrough: true }));

	const result = await context.run([{}], {
		resource: 'instance',
		operation: 'getAll',
		serverId: serverLocator(server.id),
		returnAll: true,
		requestOptions: TIMEOUT,
	});

	expect(result.status).toBe('success');
	expect(result.success.map((item) => item.json.instance_id).sort()).toEqual(users);
	expect(result.success.map(pairedIndex)).toEqual([0, 0, 0]);
	expect(context.sim.requests.filter(isList)).toHaveLength(2);
	expect(sleeps.waits).toHaveLength(1);
	expectBackoffs(sleeps.waits);
});

it('the Timeout bounds every attempt: an answer that would take a minute fails after Max Retries + 1 attempts of ~1 s', async () => {
	const server = context.sim.addServer();
	context.sim.inject(forUser('alice', { delayMs: 60_000, passThrough: true, times: 5 }));
	const requestOptions = { ...TIMEOUT, maxRetries: 1 };

	const started = Date.now();
	const result = await context.run(
		[{ userId: 'alice' }],
		{ ...createInstanceParameters(server.id), requestOptions },
		{ onError: 'continueErrorOutput' },
	);
	const elapsed = Date.now() - started;

	expect(result.success).toEqual([]);
	const failed = errorJson(result.errorOutput[0]);
	expect(failed.error).toBe('Composio did not answer within 1 s');
	expect(failed.httpCode).toBeNull();
	expect(createsFor(context.sim, 'alice')).toHaveLength(2);
	expect(sleeps.waits).toHaveLength(1);
	expectBackoffs(sleeps.waits);
	// Two attempts of 1 s each (the wait between them is recorded, not slept); far below a minute.
	expect(elapsed).toBeGreaterThanOrEqual(1_900);
	expect(elapsed).toBeLessThan(15_000);
	expect(context.sim.instancesOf(server.id)).toEqual([]);
});
