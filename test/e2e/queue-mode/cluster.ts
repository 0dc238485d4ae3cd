/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling: it runs n8n processes on loopback; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * n8n in queue mode, as a team runs it: one main process, N `n8n worker` processes and optionally an
 * `n8n webhook` process, sharing one encryption key, one PostgreSQL database and one Redis, each
 * with its own user folder where the packed package is installed the way the README's manual
 * install tells users. Main (and the webhook process) take the webhooks and enqueue; the workers
 * run the executions.
 */
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

import { freePort, N8nHome, type ProcessResult } from '../../../scripts/demo/n8n-home';
import type { Postgres, Service } from './services';

export interface RunningProcess {
	readonly name: string;
	readonly child: ChildProcess;
	/** Everything it printed so far. */
	output(): string;
	/** Resolves when it has ended. */
	readonly exited: Promise<void>;
}

export interface QueueCluster {
	/** `http://127.0.0.1:<port>` of main: webhooks are under `/webhook/<path>`. */
	url: string;
	/** `http://127.0.0.1:<port>` of the webhook process (`webhookProcess: true`), the same paths. */
	webhookUrl: string | undefined;
	main: RunningProcess;
	/** The `n8n webhook` process, when the cluster has one. */
	webhook: RunningProcess | undefined;
	workers: RunningProcess[];
	/** A command on main's home (import, publish), against the shared database. */
	command(args: string[]): Promise<ProcessResult>;
	import(kind: 'credentials' | 'workflow', content: unknown): Promise<ProcessResult>;
	/**
	 * Starts main, the webhook process and the workers (after imports and activation); again after
	 * restart's stop, on the same ports.
	 */
	start(): Promise<void>;
	/** Stops every process (SIGTERM, as a service manager would) and starts them again. */
	restart(): Promise<void>;
	/** Execution ids each worker says it started ("Worker started execution N"). */
	startedBy(worker: RunningProcess): string[];
	/** Stops every process and removes the user folders. */
	stop(): Promise<void>;
}

function required(name: string): string {
	const value = process.env[name];
	if (!value) throw new Error(`${name} is not set: run the suite with \`npm run test:e2e\``);
	return value;
}

function launch(
	home: N8nHome,
	name: string,
	args: string[],
	env: NodeJS.ProcessEnv,
): RunningProcess {
	const child = home.spawn(args, env);
	const chunks: Buffer[] = [];
	child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
	child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
	const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
	return { name, child, output: () => Buffer.concat(chunks).toString('utf8'), exited };
}

async function ready(proc: RunningProcess, line: string): Promise<void> {
	const deadline = Date.now() + 120_000;
	while (!proc.output().includes(line)) {
		if (proc.child.exitCode !== null) {
			throw new Error(`${proc.name} exited before it was ready:\n${proc.output().slice(-3000)}`);
		}
		if (Date.now() > deadline) throw new Error(`${proc.name} not ready within 2 minutes`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

export async function createQueueCluster(options: {
	redis: Service;
	postgres: Postgres;
	workers: number;
	/** Jobs each worker runs at once (`n8n worker --concurrency`). */
	workerConcurrency: number;
	/** Also an `n8n webhook` process, which takes production webhooks as main does. */
	webhookProcess?: boolean;
}): Promise<QueueCluster> {
	const tarball = required('E2E_TARBALL');
	const install = { node: required('E2E_NODE24'), bin: required('E2E_N8N_BIN') };
	const parent = process.env.E2E_WORK_DIR ?? tmpdir();
	const shared: NodeJS.ProcessEnv = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(options.redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(options.postgres.port),
		DB_POSTGRESDB_DATABASE: options.postgres.database,
		DB_POSTGRESDB_USER: options.postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		N8N_LOG_LEVEL: 'info',
		// A dead worker's jobs are found stalled within seconds, not the default minute and a half.
		QUEUE_WORKER_LOCK_DURATION: '5000',
		QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
		QUEUE_WORKER_STALLED_INTERVAL: '5000',
		// Every execution saved, so that the database tells what ran.
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
	};
	const encryptionKey = randomBytes(24).toString('hex');
	const homes: N8nHome[] = [];
	const processes = 1 + options.workers + (options.webhookProcess ? 1 : 0);
	for (let index = 0; index < processes; index++) {
		const home = await N8nHome.create(parent, install, {
			loopbackApi: true,
			baseEnv: process.env,
			encryptionKey,
			env: shared,
		});
		// The README's manual install, in every process's user folder.
		home.installPackage(tarball);
		homes.push(home);
	}
	const [mainHome, ...workerHomes] = homes;
	const webhookHome = options.webhookProcess ? workerHomes.pop() : undefined;
	const port = await freePort();
	const webhookPort = webhookHome ? await freePort() : undefined;
	let main: RunningProcess | undefined;
	let webhook: RunningProcess | undefined;
	const workers: RunningProcess[] = [];

	const stopProcesses = async () => {
		const all = [...workers, ...(webhook ? [webhook] : []), ...(main ? [main] : [])];
		for (const proc of all) {
			if (proc.child.exitCode === null && proc.child.signalCode === null) {
				N8nHome.signal(proc.child, 'SIGTERM');
			}
		}
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([
			Promise.all(all.map((proc) => proc.exited)),
			new Promise((resolve) => (timer = setTimeout(resolve, 20_000))),
		]);
		clearTimeout(timer);
		for (const proc of all) N8nHome.signal(proc.child, 'SIGKILL');
	};

	const cluster: QueueCluster = {
		url: `http://127.0.0.1:${port}`,
		webhookUrl: webhookPort === undefined ? undefined : `http://127.0.0.1:${webhookPort}`,
		get main() {
			if (!main) throw new Error('start() first');
			return main;
		},
		get webhook() {
			return webhook;
		},
		workers,
		command: async (args) => await mainHome.command(args),
		import: async (kind, content) => await mainHome.import(kind, content),
		async start() {
			// Main's settings: the address it gives webhooks, and it activates before it says it is up.
			const asMain = {
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_HOST: '127.0.0.1',
				N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false',
			};
			main = launch(mainHome, 'main', ['start'], { ...asMain, N8N_PORT: String(port) });
			await ready(main, 'Editor is now accessible via');
			workers.length = 0;
			if (webhookHome) {
				// Loads the published workflow of each delivery the way main does.
				webhook = launch(webhookHome, 'webhook', ['webhook'], {
					...asMain,
					N8N_PORT: String(webhookPort),
				});
			}
			for (const [index, home] of workerHomes.entries()) {
				workers.push(
					launch(
						home,
						`worker ${index + 1}`,
						['worker', `--concurrency=${options.workerConcurrency}`],
						{},
					),
				);
			}
			await Promise.all([
				...workers.map((worker) => ready(worker, 'n8n worker is now ready')),
				...(webhook ? [ready(webhook, 'Webhook listener waiting for requests.')] : []),
			]);
		},
		async restart() {
			await stopProcesses();
			await cluster.start();
		},
		startedBy(worker) {
			return [...worker.output().matchAll(/Worker started execution (\d+)/g)].map(
				(match) => match[1],
			);
		},
		async stop() {
			await stopProcesses();
			if (!process.env.E2E_KEEP) {
				for (const home of homes) rmSync(home.folder, { recursive: true, force: true });
			}
		},
	};
	return cluster;
}
