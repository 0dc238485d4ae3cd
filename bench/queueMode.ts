/**
 * Measurement 6 (issue 11): the webhook onboarding example in n8n's queue mode (main + workers,
 * Redis, PostgreSQL: the queue-mode suite's own tooling), the same signups with one worker and
 * with two, as signups per second.
 */
import onboardingWebhook from '../examples/onboarding-webhook.json';
import { createQueueCluster } from '../test/e2e/queue-mode/cluster';
import { postSignups, signups } from '../test/e2e/queue-mode/load';
import { ensurePackages, startPostgres, startRedis } from '../test/e2e/queue-mode/services';
import { LocalSim } from './sim';

const WEBHOOK_NODE = 'Give the user an MCP instance';
const SERVER_ID = (
	onboardingWebhook.nodes.find((node) => node.name === WEBHOOK_NODE)!.parameters as {
		serverId: { value: string };
	}
).serverId.value;
const WEBHOOK_PATH = (
	onboardingWebhook.nodes.find((node) => node.type === 'n8n-nodes-base.webhook')!.parameters as {
		path: string;
	}
).path;
const AUTH_CONFIG = 'ac_bench_queue';

export interface QueueRun {
	workers: number;
	signups: number;
	ms: number;
	/** Signups answered 200/201 whose user has exactly one instance. */
	done: number;
	resent: number;
	perWorker: number[];
}

/** One cluster with `workers` workers (fresh Redis, PostgreSQL and simulator state), `count` signups. */
export async function queueRun(
	workers: number,
	count: number,
	inFlight: number,
	log: (message: string) => void,
): Promise<QueueRun> {
	ensurePackages();
	const redis = await startRedis();
	const postgres = await startPostgres();
	const sim = await LocalSim.start({ latencyMs: 20 });
	const cluster = await createQueueCluster({ redis, postgres, workers, workerConcurrency: 10 });
	try {
		sim.sim.reset();
		sim.sim.addServer({ id: SERVER_ID, name: 'Bench queue', auth_config_ids: [AUTH_CONFIG] });
		const users = signups(`bench-${workers}`, count, 0);
		for (const user of users) sim.sim.connectAccount(user, AUTH_CONFIG);
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
		const started = performance.now();
		const answers = await postSignups(`${cluster.url}/webhook/${WEBHOOK_PATH}`, users, inFlight);
		const ms = performance.now() - started;
		const live = new Set(sim.sim.instancesOf(SERVER_ID).map((instance) => instance.instance_id));
		return {
			workers,
			signups: count,
			ms,
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
