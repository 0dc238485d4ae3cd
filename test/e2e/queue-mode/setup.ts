/* eslint-disable @n8n/community-nodes/require-node-api-error -- test tooling: a failed setup stops what it started and fails the suite with its own error; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * What every queue-mode suite starts: Redis, PostgreSQL, the simulator as Composio and a cluster
 * (./cluster.ts) with the Composio credential and the suite's workflows imported and published,
 * started. Stops whatever it started, also when starting fails halfway.
 */
import { startSimulator, type Simulator } from '../../simulator';
import { isN8n1 } from '../n8n';
import { CREDENTIAL } from '../trigger/workflows';
import { createQueueCluster, type QueueCluster } from './cluster';
import { ensurePackages, startPostgres, startRedis, type Postgres, type Service } from './services';

export interface QueueMode {
	redis: Service;
	postgres: Postgres;
	sim: Simulator;
	cluster: QueueCluster;
	/** Stops the cluster, the simulator, PostgreSQL and Redis. */
	stop(): Promise<void>;
}

export async function startQueueMode(options: {
	apiKey: string;
	workers: number;
	workerConcurrency: number;
	webhookProcess?: boolean;
	/** Imported and published (activated on n8n 1.x) before the cluster starts. */
	workflows: Array<{ id: string }>;
}): Promise<QueueMode> {
	const started: Partial<Omit<QueueMode, 'stop'>> = {};
	const stop = async () => {
		await started.cluster?.stop();
		await started.sim?.close();
		await started.postgres?.stop();
		await started.redis?.stop();
	};
	try {
		ensurePackages();
		const redis = (started.redis = await startRedis());
		const postgres = (started.postgres = await startPostgres());
		const sim = (started.sim = await startSimulator({ apiKey: options.apiKey }));
		const cluster = (started.cluster = await createQueueCluster({
			redis,
			postgres,
			workers: options.workers,
			workerConcurrency: options.workerConcurrency,
			webhookProcess: options.webhookProcess,
		}));
		const steps = [
			await cluster.import('credentials', [
				{
					...CREDENTIAL,
					type: 'composioMcpApi',
					data: { apiKey: options.apiKey, baseUrl: sim.url },
				},
			]),
			await cluster.import('workflow', options.workflows),
		];
		for (const { id } of options.workflows) {
			// As N8n.activate does it: n8n 1.x has no published versions.
			const activate = isN8n1()
				? ['update:workflow', `--id=${id}`, '--active=true']
				: ['publish:workflow', `--id=${id}`];
			steps.push(await cluster.command(activate));
		}
		for (const step of steps) {
			if (step.code !== 0) throw new Error(`n8n setup failed:\n${step.stdout}\n${step.stderr}`);
		}
		await cluster.start();
		return { redis, postgres, sim, cluster, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
