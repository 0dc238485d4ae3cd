/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling: it runs n8n in queue mode and its services on loopback; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * The node on n8n's distributed engine: main + two workers, Redis and PostgreSQL (all started and
 * stopped here), the webhook onboarding example active, signups posted many at once. Every call is
 * answered, both workers run executions, every user ends with exactly one instance, under a
 * shared rate limit and with a worker killed mid-load.
 */
import { randomBytes } from 'node:crypto';

import onboardingWebhook from '../../../examples/onboarding-webhook.json';
import type { Simulator } from '../../simulator';
import type { QueueCluster } from './cluster';
import { type Answer, postSignups, SERVER_ID, signups, WEBHOOK_PATH } from './load';
import type { Postgres } from './services';
import { startQueueMode, type QueueMode } from './setup';

const AUTH_CONFIG = 'ac_queue_github';
const IN_FLIGHT = 20;

function log(message: string): void {
	process.stderr.write(`[queue-mode] ${message}\n`);
}

describe('queue mode: main, two workers, Redis and PostgreSQL', () => {
	const apiKey = `queue_key_${randomBytes(12).toString('hex')}`;
	let queueMode: QueueMode | undefined;
	let postgres: Postgres | undefined;
	let sim: Simulator;
	let cluster: QueueCluster | undefined;

	async function post(users: string[], onProgress?: (done: number) => void): Promise<Answer[]> {
		return await postSignups(
			`${cluster!.url}/webhook/${WEBHOOK_PATH}`,
			users,
			IN_FLIGHT,
			onProgress,
		);
	}

	/** Every distinct user exactly once on the server, created once; each repeat got the existing one. */
	function expectOneInstanceEach(answers: Answer[]): void {
		const distinct = [...new Set(answers.map((answer) => answer.userId))];
		const live = sim.instancesOf(SERVER_ID).map((instance) => instance.instance_id);
		for (const userId of distinct) {
			expect({ userId, instances: live.filter((id) => id === userId).length }).toEqual({
				userId,
				instances: 1,
			});
			expect({ userId, created: sim.createCount(SERVER_ID, userId) }).toEqual({
				userId,
				created: 1,
			});
		}
		for (const answer of answers) {
			expect({ userId: answer.userId, status: answer.status }).toEqual({
				userId: answer.userId,
				status: answer.body.alreadyExisted === true ? 200 : 201,
			});
			expect(answer.body).toMatchObject({ userId: answer.userId, mcpUrl: expect.any(String) });
		}
		// One answer per user said "new": the rest got the instance that one created. A call that
		// had to be sent again may have created it on the send whose answer was lost.
		for (const userId of distinct) {
			const mine = answers.filter((a) => a.userId === userId);
			const created = mine.filter((a) => a.body.alreadyExisted === false).length;
			const resent = mine.some((a) => a.sends > 1);
			if (!resent && created !== 1) {
				// What the node sent for this user, to tell what happened.
				const sent = sim.requests
					.filter(
						(r) =>
							JSON.stringify(r.body ?? '').includes(userId) ||
							r.rawPath.includes(encodeURIComponent(userId)),
					)
					.map((r) => `${r.method} ${r.rawPath}`);
				expect({ userId, answers: mine.map((a) => a.body), sent }).toEqual({ userId });
			}
		}
	}

	function connectAll(users: string[]): void {
		for (const userId of new Set(users)) sim.connectAccount(userId, AUTH_CONFIG);
	}

	beforeAll(async () => {
		queueMode = await startQueueMode({
			apiKey,
			workers: 2,
			workerConcurrency: 10,
			workflows: [onboardingWebhook],
		});
		({ postgres, sim, cluster } = queueMode);
		sim.addServer({ id: SERVER_ID, name: 'Queue mode', auth_config_ids: [AUTH_CONFIG] });
	}, 600_000);

	afterAll(async () => {
		await queueMode?.stop();
	}, 120_000);

	afterEach(() => {
		expect(sim.violations).toEqual([]);
	});

	it('300 signups, 20 in flight, 10 % repeats: every call answered, both workers busy, one instance per user', async () => {
		const users = signups('load', 300, 30);
		connectAll(users);

		const answers = await post(users);

		expect(answers.filter(Boolean)).toHaveLength(300);
		expectOneInstanceEach(answers);
		expect(answers.every((answer) => answer.sends === 1)).toBe(true);
		// Both workers ran executions, and the database holds each one they say they started.
		const started = cluster!.workers.map((worker) => cluster!.startedBy(worker));
		expect(started.map((ids) => ids.length > 0)).toEqual([true, true]);
		const rows = postgres!.query(
			`SELECT id, status FROM execution_entity WHERE "workflowId" = '${onboardingWebhook.id}'`,
		);
		const saved = new Map(rows.map(([id, status]) => [id, status]));
		for (const id of started.flat())
			expect({ id, status: saved.get(id) }).toEqual({ id, status: 'success' });
		log(`load: worker 1 ran ${started[0].length}, worker 2 ran ${started[1].length} executions`);
	}, 300_000);

	it('a shared rate limit across both workers loses no signup', async () => {
		const users = signups('limited', 150, 0);
		connectAll(users);
		// The limit must bind, or the test proves nothing: at 40/s, a run on a busy 2-core machine once
		// sent slower than that and met no 429.
		sim.setRateLimit({ perSecond: 15 });
		try {
			const answers = await post(users);

			const resent = answers.filter((answer) => answer.sends > 1);
			log(
				`rate limit: ${sim.rateLimited} answers were 429, every signup done; ${resent.length} calls re-sent (${[...new Set(resent.flatMap((a) => a.failures))].slice(0, 3).join(' | ')})`,
			);
			expectOneInstanceEach(answers);
			expect(sim.rateLimited).toBeGreaterThan(0);
			// Lost to the limit would mean a caller told to try again: none was.
			expect(resent.map((answer) => answer.failures)).toEqual([]);
		} finally {
			sim.setRateLimit(undefined);
		}
	}, 300_000);

	it('a worker killed mid-load: calls that failed are sent again, and every user still has exactly one instance', async () => {
		const users = signups('crash', 150, 15);
		connectAll(users);
		const [victim, survivor] = cluster!.workers;
		const beforeVictim = new Set(cluster!.startedBy(victim));

		const answers = await post(users, (done) => {
			if (done === 40 && victim.child.exitCode === null) victim.child.kill('SIGKILL');
		});

		expect(victim.child.signalCode ?? victim.child.exitCode).toBe('SIGKILL');
		expectOneInstanceEach(answers);
		const resent = answers.filter((answer) => answer.sends > 1).length;
		const onVictim = cluster!.startedBy(victim).filter((id) => !beforeVictim.has(id));
		const survivorIds = new Set(cluster!.startedBy(survivor));
		const ranTwice = onVictim.filter((id) => survivorIds.has(id)).length;
		log(
			`crash: ${onVictim.length} executions started on the killed worker, ${ranTwice} of them ran again on the other; ${resent} of ${users.length} calls had to be re-sent`,
		);
	}, 300_000);
});
