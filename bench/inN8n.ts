/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- bench tooling: it runs n8n processes and reads their memory from /proc; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * Measurements 3 and 4 in a real n8n (test/e2e/n8n.ts: the packed package installed as a
 * community package, each `n8n execute` a fresh n8n process) against simulators in this process.
 */
import { readdirSync, readFileSync } from 'node:fs';

import type { N8n, RunItem, RunOutput } from '../test/e2e/n8n';
import type { LocalSim } from './sim';

export const SERVER_ID = '7d1e5a0c-2b4f-4c8e-9a6d-3f5b8c1e0a92';
const COMPOSIO_NODE = 'Composio MCP';
const HTTP_NODE = 'HTTP Request';

const CREDENTIALS = {
	composioRateLimited: { id: 'benchComposioRl', name: 'Composio (rate-limited simulator)' },
	composioFast: { id: 'benchComposioFast', name: 'Composio (simulator, no latency)' },
	headerAuth: { id: 'benchHeaderAuth', name: 'x-api-key (simulator)' },
};

/** What n8n's editor would store for Manual Trigger → Code (the users) → the node under test. */
function workflow(id: string, count: number, node: Record<string, unknown>) {
	const nodeName = node.name as string;
	return {
		id,
		name: `Bench ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		connections: {
			Start: { main: [[{ node: 'Users', type: 'main', index: 0 }]] },
			Users: { main: [[{ node: nodeName, type: 'main', index: 0 }]] },
		},
		nodes: [
			{
				id: `${id}-start`,
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: `${id}-users`,
				name: 'Users',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: {
					jsCode: `return Array.from({ length: ${count} }, (_, i) => ({ json: { userId: 'user-' + i } }));`,
				},
			},
			{ id: `${id}-node`, position: [440, 0], ...node },
		],
	};
}

function composioNode(credential: { id: string; name: string }) {
	return {
		name: COMPOSIO_NODE,
		type: 'n8n-nodes-composio-mcp.composioMcp',
		typeVersion: 1,
		parameters: {
			resource: 'instance',
			operation: 'create',
			serverId: { __rl: true, mode: 'id', value: SERVER_ID },
			userId: '={{ $json.userId }}',
		},
		credentials: { composioMcpApi: credential },
	};
}

/** n8n's HTTP Request node as a user would set it up for this call; every option at its default. */
function httpRequestNode(url: string, retryOnFail: boolean) {
	return {
		name: HTTP_NODE,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.5,
		...(retryOnFail ? { retryOnFail: true } : {}),
		parameters: {
			method: 'POST',
			url,
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
			sendBody: true,
			bodyParameters: { parameters: [{ name: 'user_id', value: '={{ $json.userId }}' }] },
			options: {},
		},
		credentials: { httpHeaderAuth: CREDENTIALS.headerAuth },
	};
}

export const WORKFLOWS = {
	composio1000: 'benchComposio1k',
	http1000: 'benchHttp1k',
	httpRetry1000: 'benchHttpRetry1k',
	composio10000: 'benchComposio10k',
	composio1: 'benchComposio1',
};

export async function prepare(n8n: N8n, rateLimited: LocalSim, fast: LocalSim): Promise<void> {
	const createUrl = `${rateLimited.url}/api/v3/mcp/servers/${SERVER_ID}/instances`;
	const imported = [
		await n8n.import('credentials', [
			{
				...CREDENTIALS.composioRateLimited,
				type: 'composioMcpApi',
				data: { apiKey: rateLimited.apiKey, baseUrl: rateLimited.url },
			},
			{
				...CREDENTIALS.composioFast,
				type: 'composioMcpApi',
				data: { apiKey: fast.apiKey, baseUrl: fast.url },
			},
			{
				...CREDENTIALS.headerAuth,
				type: 'httpHeaderAuth',
				data: { name: 'x-api-key', value: rateLimited.apiKey },
			},
		]),
		await n8n.import('workflow', [
			workflow(WORKFLOWS.composio1000, 1000, composioNode(CREDENTIALS.composioRateLimited)),
			workflow(WORKFLOWS.http1000, 1000, httpRequestNode(createUrl, false)),
			workflow(WORKFLOWS.httpRetry1000, 1000, httpRequestNode(createUrl, true)),
			workflow(WORKFLOWS.composio10000, 10000, composioNode(CREDENTIALS.composioFast)),
			workflow(WORKFLOWS.composio1, 1, composioNode(CREDENTIALS.composioFast)),
		]),
	];
	for (const result of imported) {
		if (result.code !== 0) throw new Error(`n8n import failed: ${result.stderr || result.stdout}`);
	}
}

/** VmRSS / VmHWM of a process in MB, or undefined once it is gone. */
function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (field: string) =>
			Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
		const memory = { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
		// A process that has exited but is not yet reaped (a zombie) has no memory lines left.
		return Number.isFinite(memory.rss) && Number.isFinite(memory.hwm) ? memory : undefined;
	} catch {
		return undefined;
	}
}

/** The `n8n execute` child of this process (N8n.command spawns Node 24 directly on n8n's bin). */
function findExecuteChild(): number | undefined {
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (ppid !== process.pid) continue;
			const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
			if (cmdline.includes('execute')) return Number(entry);
		} catch {
			// The process ended while being read.
		}
	}
	return undefined;
}

export interface MemorySamples {
	/** VmRSS when the simulator received the node's first request (the node is running). */
	rssAtFirstRequestMb?: number;
	/** The last VmHWM read (peak resident set size of the process). */
	peakMb?: number;
	samples: number;
}

/** Samples the n8n process every `everyMs` until stopped. */
function sampleMemory(firstRequestSeen: () => boolean, everyMs = 20) {
	const samples: MemorySamples = { samples: 0 };
	let pid: number | undefined;
	const timer = setInterval(() => {
		pid ??= findExecuteChild();
		if (pid === undefined) return;
		const memory = memoryOf(pid);
		if (!memory) return;
		samples.samples++;
		samples.peakMb = memory.hwm;
		if (samples.rssAtFirstRequestMb === undefined && firstRequestSeen()) {
			samples.rssAtFirstRequestMb = memory.rss;
		}
	}, everyMs);
	return {
		stop: () => {
			clearInterval(timer);
			return samples;
		},
	};
}

export interface N8nRun {
	exitCode: number | null;
	/** The run's error message, when the execution failed. */
	error?: string;
	/** The node's execution time as n8n records it (runData executionTime), all tries included. */
	nodeMs: number;
	/** The `n8n execute` process from start to exit (boot included). */
	processMs: number;
	/** Items on the node's outputs that are not errors. */
	itemsOut: number;
	errorItems: number;
	instances: number;
	/** Input users that did not end with an instance. */
	lost: number;
	/** 409 answers to creates (each one a re-sent create: state is fresh and every user is new). */
	conflicts: number;
	/** Users whose instance was created more than once. */
	duplicated: number;
	rateLimited: number;
	requests: number;
	violations: string[];
	memory: MemorySamples;
}

function nodeTask(run: RunOutput | undefined, nodeName: string) {
	const tasks = run?.data.resultData.runData[nodeName] as
		| Array<{ executionTime?: number; data?: { main: Array<RunItem[] | null> } }>
		| undefined;
	return tasks?.[tasks.length - 1];
}

/** One execution on fresh simulator state; `rateLimit` applies from the start of the run. */
export async function execute(
	n8n: N8n,
	sim: LocalSim,
	workflowId: string,
	count: number,
	nodeName: 'composio' | 'http',
	rateLimit?: { perSecond: number },
): Promise<N8nRun> {
	await sim.fresh(SERVER_ID);
	if (rateLimit) await sim.setRateLimit(rateLimit);
	const sampler = sampleMemory(() => sim.sim.requests.length > 0);
	const started = performance.now();
	const result = await n8n.execute(workflowId);
	const processMs = performance.now() - started;
	const memory = sampler.stop();
	const task = nodeTask(result.run, nodeName === 'composio' ? COMPOSIO_NODE : HTTP_NODE);
	const out = (task?.data?.main ?? []).flatMap((items) => items ?? []);
	const errorItems = out.filter((item) => 'error' in item.json).length;
	const check = await sim.check(SERVER_ID, count);
	const error = result.run?.data.resultData.error;
	return {
		exitCode: result.code,
		error:
			error?.message ??
			(result.run ? undefined : `no run printed: ${(result.stderr || result.stdout).slice(-300)}`),
		nodeMs: task?.executionTime ?? Number.NaN,
		processMs,
		itemsOut: out.length - errorItems,
		errorItems,
		instances: check.instances,
		lost: count - check.instances,
		conflicts: check.conflicts,
		duplicated: check.duplicated,
		rateLimited: check.rateLimited,
		requests: check.requests,
		violations: check.violations,
		memory,
	};
}
