/**
 * Measurement 6 (issue 11): the webhook onboarding example in n8n's queue mode (main + workers,
 * Redis, PostgreSQL: the queue-mode suite's own tooling), the same signups with one worker and
 * with two, as signups per second.
 */
import onboardingWebhook from '../examples/onboarding-webhook.json';
import { createQueueCluster } from '../test/e2e/queue-mode/cluster';
import { postSignups, SERVER_ID, signups, WEBHOOK_PATH } from '../test/e2e/queue-mode/load';
import { ensurePackages, startPostgres, startRedis } from '../test/e2e/queue-mode/services';
import { LocalSim } from './sim';

const AUTH_CONFIG = 'ac_bench_queue';

export interface QueueRun {
	workers: number;
	/** Signups per round. */
	signups: number;
	/** The median round's time. */
	ms: number;
	/** Every round's time, in order. */
	rounds: number[];
	/** Signups (of all rounds) answered 200/201 whose user has exactly one instance. */
	done: number;
	resent: number;
	perWorker: number[];
}

/**
 * One cluster with `workers` workers (fresh Redis, PostgreSQL and simulator state), then `rounds`
 * rounds of `count` signups of new users each: one round alone varies too much on a shared machine.
 */
export async function queueRun(
	workers: number,
	count: number,
	inFlight: number,
	log: (message: string) => void,
	rounds = 3,
): Promise<QueueRun> {
	ensurePackages();
	const redis = await startRedis();
	const postgres = await startPostgres();
	const sim = await LocalSim.start({ latencyMs: 20 });
	const cluster = await createQueueCluster({ redis, postgres, workers, workerConcurrency: 10 });
	try {
		sim.sim.reset();
		sim.sim.addServer({ id: SERVER_ID, name: 'Bench queue', auth_config_ids: [AUTH_CONFIG] });
		const batches = Array.from({ length: rounds }, (_, round) =>
			signups(`bench-${workers}-${round}`, count, 0),
		);
		for (const user of batches.flat()) sim.sim.connectAccount(user, AUTH_CONFIG);
		const imported = [
			await cluster.import('credentials', [
				{
					id: 'e2eComposioCred1',
					name: 'Composio MCP account',
					type: 'composioMcpApi',
					data: { apiKey: sim.apiKey, baseUrl: sim.url },
				},
			]),
			await cluster.import('workflow', [onboardingWebhook]),
			await cluster.command(['publish:workflow', `--id=${onboardingWebhook.id}`]),
		];
		for (const result of imported) {
			if (result.code !== 0) throw new Error(`n8n setup failed: ${result.stderr || result.stdout}`);
		}
		log(`6: ${workers} worker(s) starting`);
		await cluster.start();
		// A few signups first, so that every process has loaded the node before the clock starts.
		await postSignups(`${cluster.url}/webhook/${WEBHOOK_PATH}`, signups('warm', 20, 0), inFlight);
		const times: number[] = [];
		const answers = [];
		for (const [round, users] of batches.entries()) {
			const started = performance.now();
			answers.push(
				...(await postSignups(`${cluster.url}/webhook/${WEBHOOK_PATH}`, users, inFlight)),
			);
			times.push(performance.now() - started);
			log(
				`6: ${workers} worker(s), round ${round + 1}/${rounds}: ${(times[round] / 1000).toFixed(2)} s`,
			);
		}
		const live = new Set(sim.sim.instancesOf(SERVER_ID).map((instance) => instance.instance_id));
		return {
			workers,
			signups: count,
			ms: [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)],
			rounds: times,
			done: answers.filter(
				(answer) =>
					answer.status < 300 &&
					live.has(answer.userId) &&
					sim.sim.createCount(SERVER_ID, answer.userId) === 1,
			).length,
			resent: answers.filter((answer) => answer.sends > 1).length,
			perWorker: cluster.workers.map((worker) => cluster.startedBy(worker).length),
		};
	} finally {
		await cluster.stop();
		await sim.close();
		await postgres.stop();
		await redis.stop();
	}
}
