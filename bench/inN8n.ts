/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- bench tooling: it runs n8n processes and reads their memory from /proc; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * Measurements in a real n8n (test/e2e/n8n.ts: the packed package installed as a community
 * package, each `n8n execute` a fresh n8n process) against simulators in this process: the node
 * beside n8n's HTTP Request node doing the same creates.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import type { N8n, RunItem, RunOutput } from '../test/e2e/n8n';
import type { RateLimit } from '../test/simulator';
import type { WindowProfile } from './profile';
import { PACKAGE_DIR, profileWindow } from './profile';
import type { LocalSim } from './sim';

export const SERVER_ID = '7d1e5a0c-2b4f-4c8e-9a6d-3f5b8c1e0a92';

/** Who does the creates: this node, or HTTP Request with the key from a credential or pasted. */
export type Contender = 'composio' | 'httpHeaderAuth' | 'httpPlain';

export const CONTENDERS: Record<Contender, string> = {
	composio: 'Composio MCP node',
	httpHeaderAuth: 'HTTP Request, Header Auth credential',
	httpPlain: 'HTTP Request, key pasted as a header (no credential)',
};

const NODE_NAME: Record<Contender, string> = {
	composio: 'Composio MCP',
	httpHeaderAuth: 'HTTP Request',
	httpPlain: 'HTTP Request',
};

export interface WorkflowSpec {
	id: string;
	count: number;
	contender: Contender;
	sim: 'latent' | 'fast';
	/** On Error → Continue (using error output); else n8n's default, Stop Workflow. */
	errorOutput?: boolean;
	/** The node's Request Options › Concurrency; its default when unset. */
	concurrency?: number;
}

interface Sims {
	latent: LocalSim;
	fast: LocalSim;
}

const credentialIds = (sim: 'latent' | 'fast') => ({
	composio: { id: `benchComposio_${sim}`, name: `Composio (${sim} simulator)` },
	headerAuth: { id: `benchHeader_${sim}`, name: `x-api-key (${sim} simulator)` },
});

function nodeFor(spec: WorkflowSpec, sims: Sims): Record<string, unknown> {
	const sim = sims[spec.sim];
	const credentials = credentialIds(spec.sim);
	const onError = spec.errorOutput ? { onError: 'continueErrorOutput' } : {};
	if (spec.contender === 'composio') {
		return {
			name: NODE_NAME.composio,
			type: 'n8n-nodes-composio-mcp.composioMcp',
			typeVersion: 1,
			...onError,
			parameters: {
				resource: 'instance',
				operation: 'create',
				serverId: { __rl: true, mode: 'id', value: SERVER_ID },
				userId: '={{ $json.userId }}',
				...(spec.concurrency ? { requestOptions: { concurrency: spec.concurrency } } : {}),
			},
			credentials: { composioMcpApi: credentials.composio },
		};
	}
	// HTTP Request as a user would set it up for this call; every option at its default.
	const url = `${sim.url}/api/v3/mcp/servers/${SERVER_ID}/instances`;
	const auth =
		spec.contender === 'httpHeaderAuth'
			? {
					authentication: 'genericCredentialType',
					genericAuthType: 'httpHeaderAuth',
				}
			: {
					sendHeaders: true,
					headerParameters: { parameters: [{ name: 'x-api-key', value: sim.apiKey }] },
				};
	return {
		name: NODE_NAME[spec.contender],
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		...onError,
		parameters: {
			method: 'POST',
			url,
			...auth,
			sendBody: true,
			bodyParameters: { parameters: [{ name: 'user_id', value: '={{ $json.userId }}' }] },
			options: {},
		},
		...(spec.contender === 'httpHeaderAuth'
			? { credentials: { httpHeaderAuth: credentials.headerAuth } }
			: {}),
	};
}

/** What n8n's editor would store for Manual Trigger → Code (the users) → the node under test. */
function workflow(spec: WorkflowSpec, sims: Sims) {
	const node = nodeFor(spec, sims);
	return {
		id: spec.id,
		name: `Bench ${spec.id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		connections: {
			Start: { main: [[{ node: 'Users', type: 'main', index: 0 }]] },
			Users: { main: [[{ node: node.name, type: 'main', index: 0 }]] },
		},
		nodes: [
			{
				id: `${spec.id}-start`,
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: `${spec.id}-users`,
				name: 'Users',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: {
					jsCode: `return Array.from({ length: ${spec.count} }, (_, i) => ({ json: { userId: 'user-' + i } }));`,
				},
			},
			{ id: `${spec.id}-node`, position: [440, 0], ...node },
		],
	};
}

export async function prepare(n8n: N8n, sims: Sims, specs: WorkflowSpec[]): Promise<void> {
	const credentials = (['latent', 'fast'] as const).flatMap((name) => {
		const ids = credentialIds(name);
		const sim = sims[name];
		return [
			{
				...ids.composio,
				type: 'composioMcpApi',
				data: { apiKey: sim.apiKey, baseUrl: sim.url },
			},
			{ ...ids.headerAuth, type: 'httpHeaderAuth', data: { name: 'x-api-key', value: sim.apiKey } },
		];
	});
	const imported = [
		await n8n.import('credentials', credentials),
		await n8n.import(
			'workflow',
			specs.map((spec) => workflow(spec, sims)),
		),
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
	/** With `profile`: where the CPU went while the node ran, from the process's V8 profile. */
	profile?: WindowProfile;
}

function nodeTask(run: RunOutput | undefined, nodeName: string) {
	const tasks = run?.data.resultData.runData[nodeName] as
		| Array<{ executionTime?: number; data?: { main: Array<RunItem[] | null> } }>
		| undefined;
	return tasks?.[tasks.length - 1];
}

export interface ExecuteOptions {
	rateLimit?: RateLimit;
	/** Record a V8 CPU profile of the n8n process (--cpu-prof) and sum it per area. */
	profile?: boolean;
}

/** One execution on fresh simulator state; `rateLimit` applies from the start of the run. */
export async function execute(
	n8n: N8n,
	sim: LocalSim,
	spec: WorkflowSpec,
	options: ExecuteOptions = {},
): Promise<N8nRun> {
	await sim.fresh(SERVER_ID);
	if (options.rateLimit) await sim.setRateLimit(options.rateLimit);
	const profileDir = options.profile ? mkdtempSync(join(n8n.folder, 'cpu-prof-')) : undefined;
	const sampler = sampleMemory(() => sim.sim.requests.length > 0);
	const started = performance.now();
	const result = await n8n.execute(
		spec.id,
		profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {},
	);
	const processMs = performance.now() - started;
	const memory = sampler.stop();
	const task = nodeTask(result.run, NODE_NAME[spec.contender]);
	const out = (task?.data?.main ?? []).flatMap((items) => items ?? []);
	const errorItems = out.filter((item) => 'error' in item.json).length;
	const check = await sim.check(SERVER_ID, spec.count);
	const error = result.run?.data.resultData.error;
	let profile: N8nRun['profile'];
	if (profileDir) {
		// The n8n process's own profile is the largest (the task runner writes one too).
		const files = readdirSync(profileDir)
			.filter((file) => file.endsWith('.cpuprofile'))
			.map((file) => join(profileDir, file))
			.sort((a, b) => readFileSync(b).length - readFileSync(a).length);
		const marker = spec.contender === 'composio' ? PACKAGE_DIR : '/nodes/HttpRequest/';
		if (files[0]) profile = profileWindow(files[0], ({ url }) => url.includes(marker));
		rmSync(profileDir, { recursive: true, force: true });
	}
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
		lost: spec.count - check.instances,
		conflicts: check.conflicts,
		duplicated: check.duplicated,
		rateLimited: check.rateLimited,
		requests: check.requests,
		violations: check.violations,
		memory,
		profile,
	};
}
