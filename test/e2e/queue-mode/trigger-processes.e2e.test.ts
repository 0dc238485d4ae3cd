/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling: it runs n8n in queue mode and its services on loopback; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * The Composio Trigger in queue mode with a separate webhook process, as teams scale webhooks:
 * main, an `n8n webhook` process and a worker, Redis and PostgreSQL. The trigger runs in managed
 * mode against the simulator (its subscription points at main) and reports each item to a capture
 * server. A Composio retry (the same `webhook-id`) that reaches the other process, after the first
 * run ended, at the same moment, or after every process restarted, runs the workflow's next node
 * exactly once. A worker did not activate the workflow, so the trigger's run there writes no
 * static data (n8n 2.x gives it none, and what a run writes n8n saves over the workflow's): the
 * retry starts an execution that stops at the trigger, caught by n8n's deduplication store.
 */
import { randomBytes } from 'node:crypto';

import { keyLeaks } from '../../support/leaks';
import type { Delivery, Simulator, WebhookEvent } from '../../simulator';
import { type Capture, startCapture } from '../trigger/capture';
import { ALL_EVENTS, productionUrlOf, triggerWorkflow } from '../trigger/workflows';
import { startQueueMode, type QueueMode } from './setup';

const WORKFLOW = 'TrigQueue';

function log(message: string): void {
	process.stderr.write(`[queue-mode trigger] ${message}\n`);
}

describe('queue mode: the Composio Trigger on main, a webhook process and a worker', () => {
	const apiKey = `queue_key_${randomBytes(12).toString('hex')}`;
	let queueMode: QueueMode | undefined;
	let capture: Capture | undefined;
	let sim: Simulator;

	const processes = {
		main: () => productionUrlOf(queueMode!.cluster.url, WORKFLOW),
		'webhook process': () => productionUrlOf(queueMode!.cluster.webhookUrl!, WORKFLOW),
	};

	/** The workflow's executions in the database: ended, and not yet (queued or running). */
	function executions(): { ended: number; going: number } {
		const rows = queueMode!.postgres.query(
			`SELECT status FROM execution_entity WHERE "workflowId" = '${WORKFLOW}'`,
		);
		const going = rows.filter(([status]) => ['new', 'running'].includes(status)).length;
		return { ended: rows.length - going, going };
	}

	function executionCount(): number {
		const { ended, going } = executions();
		return ended + going;
	}

	/**
	 * Resolves once the workflow has `count` executions, all ended: the worker saves a run's static
	 * data before it marks the run ended.
	 */
	async function allEnded(count: number): Promise<void> {
		const deadline = Date.now() + 60_000;
		for (;;) {
			const now = executions();
			if (now.going === 0 && now.ended >= count) return;
			if (Date.now() > deadline) {
				throw new Error(`${JSON.stringify(now)} executions, waiting for ${count} ended`);
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	/**
	 * What activation kept in the node's static data (the subscription, with its signing secret)
	 * is still there: a run saves the workflow's static data when it ends, on the worker.
	 */
	function expectActivationKept(): void {
		const [[saved]] = queueMode!.postgres.query(
			`SELECT "staticData" FROM workflow_entity WHERE id = '${WORKFLOW}'`,
		);
		const node = (JSON.parse(saved || '{}') as Record<string, { subscription?: { id?: string } }>)[
			'node:Composio Trigger'
		];
		expect({ subscription: node?.subscription?.id }).toEqual({
			subscription: sim.subscription?.id,
		});
	}

	/** Every verified delivery is answered 200 {"received":true}, whether it starts a run or not. */
	function expectReceived(deliveries: Delivery[]): void {
		expect(deliveries.map((delivery) => [delivery.status, delivery.body])).toEqual(
			deliveries.map(() => [200, '{"received":true}']),
		);
	}

	function newEvent(): WebhookEvent {
		const account = sim.connectAccount('user-queue', 'ac_queue_github', { toolkit: 'github' });
		return sim.expireAccount(account.id);
	}

	/**
	 * A marker after `repeats` repeats, to main: once its run ended, every run started before it
	 * ended too. Then the items reported since `reported` are exactly `expected` and the marker,
	 * each once; the repeats started at most one execution each, stopped at the trigger (the next
	 * node did not run, as the reported items show).
	 */
	async function expectOnlyMarkerAfter(
		reported: number,
		expected: WebhookEvent[],
		before: number,
		repeats: number,
	): Promise<void> {
		const marker = newEvent();
		expectReceived([await sim.deliver(marker, { url: processes.main() })]);
		await capture!.waitFor(WORKFLOW, reported + expected.length + 1);
		await allEnded(before + 1);
		const ids = capture!
			.received(WORKFLOW)
			.slice(reported)
			.map((item) => item.id);
		expect(ids.sort()).toEqual([...expected, marker].map((event) => event.id).sort());
		const started = executionCount() - before - 1;
		log(`${repeats} repeat(s) started ${started} execution(s) that stopped at the trigger`);
		expect(started).toBeLessThanOrEqual(repeats);
		expectActivationKept();
	}

	beforeAll(async () => {
		capture = await startCapture();
		queueMode = await startQueueMode({
			apiKey,
			workers: 1,
			workerConcurrency: 10,
			webhookProcess: true,
			workflows: [triggerWorkflow(WORKFLOW, { events: ALL_EVENTS }, capture.url)],
		});
		sim = queueMode.sim;
		// Main activated the workflow: the project's subscription points at main.
		expect(sim.subscription).toMatchObject({ webhook_url: processes.main() });
	}, 600_000);

	afterAll(async () => {
		await queueMode?.stop();
		await capture?.close();
	}, 120_000);

	afterEach(() => {
		expect(sim.violations).toEqual([]);
		const { cluster } = queueMode!;
		const secret = sim.subscription?.secret;
		for (const proc of [cluster.main, cluster.webhook!, ...cluster.workers]) {
			expect({ process: proc.name, leaks: keyLeaks(proc.output(), apiKey) }).toEqual({
				process: proc.name,
				leaks: [],
			});
			if (secret) expect(proc.output()).not.toContain(secret);
		}
	});

	it.each([
		['webhook process', 'main'],
		['main', 'webhook process'],
	] as const)(
		'a repeat to the other process after the run ended runs nothing again (%s, then %s)',
		async (first, second) => {
			const before = executionCount();
			const reported = capture!.received(WORKFLOW).length;
			const event = newEvent();
			expectReceived([await sim.deliver(event, { url: processes[first]() })]);
			await capture!.waitFor(WORKFLOW, reported + 1);
			await allEnded(before + 1);
			expectActivationKept();

			expectReceived([await sim.deliver(event, { url: processes[second](), attempt: 2 })]);
			await expectOnlyMarkerAfter(reported, [event], before + 1, 1);
		},
	);

	it('the same delivery to the webhook process and main at once runs the next node once', async () => {
		const before = executionCount();
		const reported = capture!.received(WORKFLOW).length;
		const event = newEvent();

		expectReceived(
			await Promise.all([
				sim.deliver(event, { url: processes['webhook process']() }),
				sim.deliver(event, { url: processes.main(), attempt: 2 }),
			]),
		);
		// Each process has saved the executions it started before it answered.
		const started = executionCount() - before;
		await expectOnlyMarkerAfter(reported, [event], before + started, 0);
		const runs = queueMode!.postgres.query(
			`SELECT e.id, e.status, position('"Report"' in d.data) > 0 FROM execution_entity e
			 LEFT JOIN execution_data d ON d."executionId" = e.id
			 WHERE e."workflowId" = '${WORKFLOW}' ORDER BY e.id DESC LIMIT ${started + 1}`,
		);
		log(
			`the same delivery to both processes at once: ${started} execution(s) ` +
				runs
					.slice(1)
					.reverse()
					.map(
						([id, status, reportRan]) =>
							`#${id} ${status}, Report ${reportRan === 't' ? 'ran' : 'did not run'}`,
					)
					.join('; '),
		);
		expect([1, 2]).toContain(started);
		// Every run ended well: a second run stopped at the trigger with no items, it did not fail.
		expect(runs.map(([, status]) => status)).toEqual(runs.map(() => 'success'));
	});

	it('a repeat after every process restarted runs nothing again, on either process', async () => {
		const before = executionCount();
		const reported = capture!.received(WORKFLOW).length;
		const event = newEvent();
		expectReceived([await sim.deliver(event, { url: processes['webhook process']() })]);
		await capture!.waitFor(WORKFLOW, reported + 1);
		await allEnded(before + 1);
		expectActivationKept();

		const restartedAt = Date.now();
		await queueMode!.cluster.restart();
		log(`restarted main, the webhook process and the worker in ${Date.now() - restartedAt} ms`);
		expect(sim.subscription).toMatchObject({ webhook_url: processes.main() });

		expectReceived([
			await sim.deliver(event, { url: processes.main(), attempt: 2 }),
			await sim.deliver(event, { url: processes['webhook process'](), attempt: 3 }),
		]);
		await expectOnlyMarkerAfter(reported, [event], before + 1, 2);
	}, 300_000);
});
