/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling: it runs servers and n8n processes on loopback; these rules are n8n Cloud's runtime rules for node code, which this file is not */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	freePort,
	N8nHome,
	parseRun,
	type RunItem,
	type RunOutput,
	type TaskData,
} from '../../scripts/demo/n8n-home';

export { freePort, parseRun } from '../../scripts/demo/n8n-home';
export type { RunItem, RunOutput, TaskData } from '../../scripts/demo/n8n-home';

export interface CommandResult {
	code: number | null;
	/** The signal that ended the process, when one did (a crash, or the spawn timeout). */
	signal?: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

export interface ExecuteResult extends CommandResult {
	/** `n8n execute --rawOutput`'s JSON, when it printed one. */
	run?: RunOutput;
}

/**
 * The n8n version under test: scripts/e2e.sh runs the suite once per version (N8N_VERSIONS), with
 * E2E_N8N_VERSION set to it.
 */
export function n8nVersion(): string {
	return required('E2E_N8N_VERSION');
}

/** True on n8n 1.x (the last one is 1.123.x), whose behaviour differs in places from 2.x. */
export function isN8n1(): boolean {
	return n8nVersion().startsWith('1.');
}

/**
 * A workflow as this n8n runs it. The suite's agent workflows use n8n 2.x's AI Agent, version
 * 3.1; the last n8n 1.x knows the agent up to version 3 (and fails the run on an unknown version),
 * so on 1.x their agents run as version 3.
 */
export function forThisN8n<T extends { nodes: Array<{ type: string; typeVersion: number }> }>(
	workflow: T,
): T {
	if (!isN8n1()) return workflow;
	return {
		...workflow,
		nodes: workflow.nodes.map((node) =>
			node.type === '@n8n/n8n-nodes-langchain.agent' ? { ...node, typeVersion: 3 } : node,
		),
	};
}

/** The owner account the tests set up when they need n8n's REST API. */
const OWNER = {
	email: 'owner@e2e.example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-owner-Passw0rd',
};

/**
 * Sets up the owner through n8n's REST API (what the setup screen does) unless an earlier start of
 * the same n8n did, logs in, and returns the session cookie for further REST calls.
 */
export async function loginAsOwner(url: string): Promise<string> {
	const json = { 'content-type': 'application/json' };
	const setup = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: json,
		body: JSON.stringify(OWNER),
	});
	if (!setup.ok) {
		const answer = await setup.text();
		if (!(setup.status === 400 && answer.includes('Instance owner already setup'))) {
			throw new Error(`owner setup refused: ${setup.status} ${answer}`);
		}
	}
	const login = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: json,
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
	});
	if (!login.ok) throw new Error(`owner login refused: ${login.status}`);
	return login.headers.get('set-cookie')?.split(';')[0] ?? '';
}

/**
 * flatted's format, as n8n's REST API sends an execution's data: a JSON array whose first entry
 * is the value; every string inside an object or array is the index of its entry (a string entry
 * is itself, an object entry is resolved the same way).
 */
function unflatten(text: string): unknown {
	const entries = JSON.parse(text) as unknown[];
	const resolved = new Map<number, unknown>();
	const resolve = (index: number): unknown => {
		const entry = entries[index];
		if (typeof entry !== 'object' || entry === null) return entry;
		if (resolved.has(index)) return resolved.get(index);
		const value: Record<string, unknown> | unknown[] = Array.isArray(entry) ? [] : {};
		resolved.set(index, value);
		for (const [key, inner] of Object.entries(entry)) {
			(value as Record<string, unknown>)[key] =
				typeof inner === 'string' ? resolve(Number(inner)) : inner;
		}
		return value;
	};
	return resolve(0);
}

/** n8n's REST API as the editor uses it, logged in as the owner. */
export function restOf(url: string, cookie: string) {
	const get = async (path: string) => {
		const response = await fetch(`${url}/rest${path}`, { headers: { cookie } });
		const text = await response.text();
		if (!response.ok) throw new Error(`GET /rest${path}: ${response.status} ${text}`);
		return (JSON.parse(text) as { data: Record<string, unknown> }).data;
	};
	return {
		/** The workflow's executions as the execution list shows them. */
		async executions(workflowId: string): Promise<Array<{ id: string; status: string }>> {
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			const list = await get(`/executions?filter=${filter}&limit=100`);
			return (list.results as Array<{ id: string; status: string }>).map(({ id, status }) => ({
				id: String(id),
				status,
			}));
		},
		/**
		 * How many executions of the workflow have one of `statuses` (any, when absent): the list's
		 * `count`, of all that match, not of the page.
		 */
		async count(workflowId: string, statuses?: string[]): Promise<number> {
			const filter = encodeURIComponent(
				JSON.stringify({ workflowId, ...(statuses ? { status: statuses } : {}) }),
			);
			const list = await get(`/executions?filter=${filter}&limit=1`);
			return list.count as number;
		},
		/** The newest execution's ID of any workflow (IDs grow by one per execution), or 0. */
		async newestId(): Promise<number> {
			const list = await get('/executions?limit=1');
			const [newest] = list.results as Array<{ id: string }>;
			return newest ? Number(newest.id) : 0;
		},
		/** Stop, as the executions list's button does. */
		async stop(executionId: string): Promise<void> {
			const response = await fetch(`${url}/rest/executions/${executionId}/stop`, {
				method: 'POST',
				headers: { cookie, 'content-type': 'application/json' },
				body: '{}',
			});
			const text = await response.text();
			if (!response.ok)
				throw new Error(`POST /rest/executions/${executionId}/stop: ${response.status} ${text}`);
		},
		/** One execution's run, as `n8n execute --rawOutput` prints one. */
		async run(executionId: string): Promise<RunOutput> {
			const execution = await get(`/executions/${executionId}`);
			const data = execution.data;
			return { data: typeof data === 'string' ? unflatten(data) : data } as RunOutput;
		},
	};
}

export type RestApi = ReturnType<typeof restOf>;

/** `n8n start`, running: its URL, and how to stop it. */
export interface RunningN8n {
	/** `http://127.0.0.1:<port>`: webhooks are under `/webhook/<path>`. */
	url: string;
	/** Stops n8n (SIGTERM, as a service manager would) and resolves with what it printed. */
	stop(): Promise<CommandResult>;
}

function required(name: string): string {
	const value = process.env[name];
	if (!value) {
		throw new Error(`${name} is not set: run the end-to-end suite with \`npm run test:e2e\``);
	}
	return value;
}

/** The run's tasks of one node (one per time it ran); an empty list when it never ran. */
export function nodeTasks(run: RunOutput | undefined, node: string): TaskData[] {
	return run?.data.resultData.runData[node] ?? [];
}

/** The outputs of a node that ran exactly once, for one connection type (default `main`). */
export function nodeOutputs(
	run: RunOutput | undefined,
	node: string,
	connection = 'main',
): Array<RunItem[] | null> {
	const tasks = nodeTasks(run, node);
	if (tasks.length !== 1) {
		throw new Error(`"${node}" ran ${tasks.length} times, expected once`);
	}
	const outputs = tasks[0].data?.[connection];
	if (!outputs) throw new Error(`"${node}" has no ${connection} output data`);
	return outputs;
}

/** The index of the input item an output item is paired to. */
export function pairedIndex(item: RunItem): number | undefined {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return paired?.item;
}

/**
 * A throwaway n8n instance: its own user folder (SQLite database, settings) with the packed node
 * extracted where n8n looks for installed community packages. Every command boots n8n afresh.
 */
export class N8n {
	/** Everything n8n printed, for the check that no secret leaks into logs. */
	readonly transcript: string[] = [];

	private constructor(private readonly home: N8nHome) {}

	get folder(): string {
		return this.home.folder;
	}

	/**
	 * A throwaway n8n (scripts/demo/n8n-home.ts, as the demo starts it) with `tarball` installed:
	 * by default E2E_TARBALL, this tree packed. SSRF protection is on with exactly 127.0.0.1
	 * allowed, as in a hardened production instance with the simulator as the one exception.
	 */
	static async create(tarball = required('E2E_TARBALL')): Promise<N8n> {
		const home = await N8nHome.create(
			process.env.E2E_WORK_DIR ?? tmpdir(),
			{ node: required('E2E_NODE24'), bin: required('E2E_N8N_BIN') },
			{ loopbackApi: true, baseEnv: process.env },
		);
		home.installPackage(tarball);
		return new N8n(home);
	}

	async command(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
		// Below jest's test timeout, so that a hung n8n is stopped rather than left running.
		const result = await this.home.command(args, { env: extraEnv, timeoutMs: 100_000 });
		this.transcript.push(result.stdout, result.stderr);
		return result;
	}

	/**
	 * Activates an imported workflow (its triggers and webhooks start with the next `n8n start`).
	 * n8n 2.x publishes a version of the workflow (`publish:workflow`); 1.x has no versions and sets
	 * the workflow active (`update:workflow --active=true`, deprecated in 2.x).
	 */
	async activate(workflowId: string): Promise<CommandResult> {
		return await this.command(
			isN8n1()
				? ['update:workflow', `--id=${workflowId}`, '--active=true']
				: ['publish:workflow', `--id=${workflowId}`],
		);
	}

	/**
	 * `n8n start` on a free loopback port, resolved once n8n says the editor is up, which it says
	 * after activating the active workflows: their webhooks then answer.
	 *
	 * n8n 2.x (2.41) by default hands published workflows to its publication service, which
	 * activates them in the background after start-up and says nothing at log level info when it is
	 * done; N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false keeps 1.x's order (activate, then ready).
	 */
	async start(extraEnv: NodeJS.ProcessEnv = {}): Promise<RunningN8n> {
		const port = await freePort();
		const child = this.home.spawn(['start'], {
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false',
			...extraEnv,
		});
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
		child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
		const printed = (): CommandResult => ({
			code: child.exitCode,
			stdout: Buffer.concat(out).toString('utf8'),
			stderr: Buffer.concat(err).toString('utf8'),
		});
		const exited = new Promise<CommandResult>((resolve) => {
			child.once('close', (code, signal) => {
				const result = { ...printed(), code, signal };
				this.transcript.push(result.stdout, result.stderr);
				resolve(result);
			});
		});
		await new Promise<void>((resolve, reject) => {
			const onData = () => {
				if (!printed().stdout.includes('Editor is now accessible via')) return;
				child.stdout?.off('data', onData);
				resolve();
			};
			child.stdout?.on('data', onData);
			child.once('error', reject);
			void exited.then((result) => {
				reject(
					new Error(
						`n8n start exited (${result.code}) before it was ready:\n${result.stdout}\n${result.stderr}`,
					),
				);
			});
		});
		return {
			url: `http://127.0.0.1:${port}`,
			stop: async () => {
				if (child.exitCode === null && child.signalCode === null) N8nHome.signal(child, 'SIGTERM');
				const result = await exited;
				// Whatever of its group is left (the task runner).
				N8nHome.signal(child, 'SIGKILL');
				return result;
			},
		};
	}

	/** Writes `content` as JSON into the user folder and imports it. */
	async import(kind: 'credentials' | 'workflow', content: unknown): Promise<CommandResult> {
		const result = await this.home.import(kind, content);
		this.transcript.push(result.stdout, result.stderr);
		return result;
	}

	async execute(workflowId: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ExecuteResult> {
		const result = await this.command(['execute', `--id=${workflowId}`, '--rawOutput'], extraEnv);
		return { ...result, run: parseRun(result.stdout) };
	}

	/**
	 * Everything n8n keeps on disk in the user folder (the SQLite database with its WAL, settings,
	 * logs), as text: a secret that n8n saved anywhere shows up here.
	 */
	savedFiles(): Array<{ file: string; text: string }> {
		const root = join(this.folder, '.n8n');
		const files: Array<{ file: string; text: string }> = [];
		const walk = (dir: string) => {
			for (const entry of readdirSync(dir, { withFileTypes: true })) {
				const path = join(dir, entry.name);
				// The installed package itself is not n8n's data.
				if (entry.isDirectory() && entry.name !== 'nodes') walk(path);
				else if (entry.isFile()) files.push({ file: path, text: readFileSync(path, 'latin1') });
			}
		};
		walk(root);
		return files;
	}

	dispose(): void {
		if (!process.env.E2E_KEEP) rmSync(this.folder, { recursive: true, force: true });
	}
}
