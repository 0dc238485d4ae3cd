/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- bench tooling: it hosts the loopback simulator in a worker thread; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * The Composio simulator (test/simulator) as the bench uses it: fresh state per run, a rate limit,
 * and the per-run checks (instances, duplicates, re-sent creates, 429s). Hosted either in this thread
 * (LocalSim) or in a worker thread of this process (WorkerSim), so that its own CPU work (request
 * and answer validation) does not compete with the client being measured, as Composio's does not.
 */
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { Worker } from 'node:worker_threads';

import type { RateLimit, Simulator, SimulatorOptions } from '../test/simulator';
import { startSimulator } from '../test/simulator';
import { createStatuses } from './responses';

export interface InstanceCheck {
	/** Input users that ended with an instance. */
	instances: number;
	/** Input users whose instance was created more than once. */
	duplicated: number;
	/** 409 answers to creates: with fresh state and one item per user, each is a re-sent create. */
	conflicts: number;
	/** 429 answers from the rate limiter. */
	rateLimited: number;
	/** Requests the simulator received (all endpoints). */
	requests: number;
	violations: string[];
}

export function userId(index: number): string {
	return `user-${index}`;
}

export interface BenchSim {
	readonly url: string;
	readonly apiKey: string;
	/** Clears everything (state, requests, answers counted, rate limit) and adds one server. */
	fresh(serverId?: string): Promise<string>;
	setRateLimit(limit: RateLimit | undefined): Promise<void>;
	/** Checks users user-0 … user-(count-1) on the server. */
	check(serverId: string, count: number): Promise<InstanceCheck>;
	close(): Promise<void>;
}

function checkInstances(sim: Simulator, serverId: string, count: number): InstanceCheck {
	const live = new Set(sim.instancesOf(serverId).map((instance) => instance.instance_id));
	let instances = 0;
	let duplicated = 0;
	for (let index = 0; index < count; index++) {
		if (live.has(userId(index))) instances++;
		if (sim.createCount(serverId, userId(index)) > 1) duplicated++;
	}
	return {
		instances,
		duplicated,
		conflicts: createStatuses.count(409),
		rateLimited: sim.rateLimited,
		requests: sim.requests.length,
		violations: [...sim.violations],
	};
}

function fresh(sim: Simulator, serverId?: string): string {
	sim.reset();
	createStatuses.reset();
	return sim.addServer(serverId === undefined ? {} : { id: serverId }).id;
}

/** The simulator in this thread; `sim` is there for what the bench reads directly. */
export class LocalSim implements BenchSim {
	private constructor(readonly sim: Simulator) {}

	static async start(options: SimulatorOptions): Promise<LocalSim> {
		createStatuses.install();
		return new LocalSim(await startSimulator(options));
	}

	get url() {
		return this.sim.url;
	}

	get apiKey() {
		return this.sim.apiKey;
	}

	async fresh(serverId?: string) {
		return fresh(this.sim, serverId);
	}

	async setRateLimit(limit: RateLimit | undefined) {
		this.sim.setRateLimit(limit);
	}

	async check(serverId: string, count: number) {
		return checkInstances(this.sim, serverId, count);
	}

	async close() {
		await this.sim.close();
	}
}

type Call =
	| { method: 'fresh'; serverId?: string }
	| { method: 'setRateLimit'; limit: RateLimit | undefined }
	| { method: 'check'; serverId: string; count: number }
	| { method: 'close' };

/** The worker side: runs in a worker thread started by WorkerSim (see simWorker.ts). */
export async function serveInWorker(options: SimulatorOptions, port: MessagePort): Promise<void> {
	createStatuses.install();
	const sim = await startSimulator(options);
	port.on('message', (message) => {
		const { id, call } = message as { id: number; call: Call };
		const answer = (result: unknown) => port.postMessage({ id, result });
		switch (call.method) {
			case 'fresh':
				answer(fresh(sim, call.serverId));
				break;
			case 'setRateLimit':
				sim.setRateLimit(call.limit);
				answer(undefined);
				break;
			case 'check':
				answer(checkInstances(sim, call.serverId, call.count));
				break;
			case 'close':
				void sim.close().then(() => answer(undefined));
				break;
		}
	});
	port.postMessage({ ready: { url: sim.url, apiKey: sim.apiKey } });
}

/** The simulator in a worker thread of this process, driven by messages. */
export class WorkerSim implements BenchSim {
	private nextId = 0;

	private readonly waiting = new Map<number, (result: unknown) => void>();

	private constructor(
		private readonly worker: Worker,
		readonly url: string,
		readonly apiKey: string,
	) {
		worker.on('message', (message: { id?: number; result?: unknown }) => {
			if (message.id === undefined) return;
			this.waiting.get(message.id)?.(message.result);
			this.waiting.delete(message.id);
		});
	}

	static async start(options: SimulatorOptions): Promise<WorkerSim> {
		const worker = new Worker(join(__dirname, 'simWorker.js'), { workerData: options });
		const ready = await new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
			worker.once('error', reject);
			worker.on('message', (message: { ready?: { url: string; apiKey: string } }) => {
				if (message.ready) resolve(message.ready);
			});
		});
		return new WorkerSim(worker, ready.url, ready.apiKey);
	}

	private async call<T>(call: Call): Promise<T> {
		const id = this.nextId++;
		return await new Promise<T>((resolve) => {
			this.waiting.set(id, resolve as (result: unknown) => void);
			this.worker.postMessage({ id, call });
		});
	}

	async fresh(serverId?: string) {
		return await this.call<string>({ method: 'fresh', serverId });
	}

	async setRateLimit(limit: RateLimit | undefined) {
		await this.call({ method: 'setRateLimit', limit });
	}

	async check(serverId: string, count: number) {
		return await this.call<InstanceCheck>({ method: 'check', serverId, count });
	}

	async close() {
		await this.call({ method: 'close' });
		await this.worker.terminate();
	}
}
