/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling: it runs servers and n8n processes on loopback; these rules are n8n Cloud's runtime rules for node code, which this file is not */
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

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

export interface RunItem {
	json: Record<string, unknown>;
	pairedItem?: { item: number; input?: number } | Array<{ item: number; input?: number }>;
	error?: unknown;
}

export interface TaskData {
	executionStatus?: string;
	error?: { message?: string; description?: string };
	/** Output items per connection type: `main`, or e.g. `ai_tool` for a node run as an AI tool. */
	data?: Record<string, Array<RunItem[] | null>>;
	/** The items the node received, for a sub-node such as a tool (by connection type). */
	inputOverride?: Record<string, Array<RunItem[] | null>>;
}

export interface RunOutput {
	data: {
		resultData: {
			runData: Record<string, TaskData[]>;
			error?: { message?: string; description?: string; httpCode?: string | null };
			lastNodeExecuted?: string;
		};
	};
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

/** The owner account the tests set up when they need n8n's REST API. */
const OWNER = {
	email: 'owner@e2e.example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-owner-Passw0rd',
};

/**
 * Sets up the owner through n8n's REST API (what the setup screen does), logs in, and returns
 * the session cookie for further REST calls.
 */
export async function loginAsOwner(url: string): Promise<string> {
	const json = { 'content-type': 'application/json' };
	const setup = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: json,
		body: JSON.stringify(OWNER),
	});
	if (!setup.ok) throw new Error(`owner setup refused: ${setup.status} ${await setup.text()}`);
	const login = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: json,
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
	});
	if (!login.ok) throw new Error(`owner login refused: ${login.status}`);
	return login.headers.get('set-cookie')?.split(';')[0] ?? '';
}

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

async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/**
 * Parses the run from the first line that starts with `{`; n8n prints log lines before it. At log
 * level debug n8n prints the run inside a log line ("… | info  | {" … "} {"file":…}").
 */
export function parseRun(stdout: string): RunOutput | undefined {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line.startsWith('{') || / \| info +\| \{$/.test(line));
	if (start === -1) return undefined;
	let end = lines.length;
	while (end > start && !lines[end - 1].startsWith('}')) end--;
	const body = ['{', ...lines.slice(start + 1, end - 1), '}'];
	return JSON.parse(body.join('\n')) as RunOutput;
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
	readonly folder: string;

	/** Everything n8n printed, for the check that no secret leaks into logs. */
	readonly transcript: string[] = [];

	private constructor(
		folder: string,
		private readonly env: NodeJS.ProcessEnv,
	) {
		this.folder = folder;
	}

	/** `tarball`: the packed package to install; default E2E_TARBALL (this tree, packed). */
	static async create(tarball = required('E2E_TARBALL')): Promise<N8n> {
		const folder = mkdtempSync(join(process.env.E2E_WORK_DIR ?? tmpdir(), 'n8n-user-'));
		// n8n scans <user folder>/.n8n/nodes/node_modules/n8n-nodes-* at start; no package.json
		// listing is needed (n8n writes its own empty one there on first start).
		const packageDir = join(folder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-composio-mcp');
		mkdirSync(packageDir, { recursive: true });
		execFileSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);

		const env: NodeJS.ProcessEnv = {};
		// Jest's own variables must not reach n8n: with NODE_ENV=test n8n refuses to load nodes.
		for (const [key, value] of Object.entries(process.env)) {
			if (/^(N8N_|DB_|NODE_ENV$|NODE_OPTIONS$|JEST_|.*_PROXY$)/i.test(key)) continue;
			env[key] = value;
		}
		Object.assign(env, {
			NODE_ENV: 'production',
			N8N_USER_FOLDER: folder,
			N8N_ENCRYPTION_KEY: 'e2e-fixed-encryption-key-0123456789',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			// `execute` prints nothing below info.
			N8N_LOG_LEVEL: 'info',
			// The task broker (for the Code node) listens on a fixed port by default; another n8n on
			// this machine must not make the run fail.
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			// The simulator is on loopback. Rather than leave n8n's SSRF protection off (its default),
			// turn it on and allow exactly 127.0.0.1: the runs then go through the same guard as in a
			// hardened production instance.
			N8N_SSRF_PROTECTION_ENABLED: 'true',
			N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.1/32',
		});
		return new N8n(folder, env);
	}

	private spawn(
		args: string[],
		extraEnv: NodeJS.ProcessEnv,
	): ChildProcessByStdio<null, Readable, Readable> {
		const node = required('E2E_NODE24');
		const bin = required('E2E_N8N_BIN');
		return spawn(node, [bin, ...args], {
			cwd: this.folder,
			env: { ...this.env, ...extraEnv },
			stdio: ['ignore', 'pipe', 'pipe'],
			// Below jest's test timeout, so that a hung n8n is killed rather than left running.
			timeout: 100_000,
		});
	}

	async command(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
		// Asynchronous on purpose: the simulator answers from this same process.
		return await new Promise((resolve, reject) => {
			const child = this.spawn(args, extraEnv);
			const out: Buffer[] = [];
			const err: Buffer[] = [];
			child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
			child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
			child.once('error', reject);
			child.once('close', (code, signal) => {
				const result = {
					code,
					signal,
					stdout: Buffer.concat(out).toString('utf8'),
					stderr: Buffer.concat(err).toString('utf8'),
				};
				this.transcript.push(result.stdout, result.stderr);
				resolve(result);
			});
		});
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
		const child = this.spawn(['start'], {
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			// Stop promptly when told to: nothing is left running at the end of a test.
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false',
			...extraEnv,
		});
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
		child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
		const printed = (): CommandResult => ({
			code: child.exitCode,
			stdout: Buffer.concat(out).toString('utf8'),
			stderr: Buffer.concat(err).toString('utf8'),
		});
		const exited = new Promise<CommandResult>((resolve) => {
			child.once('close', (code) => {
				const result = { ...printed(), code };
				this.transcript.push(result.stdout, result.stderr);
				resolve(result);
			});
		});
		await new Promise<void>((resolve, reject) => {
			const onData = () => {
				if (!printed().stdout.includes('Editor is now accessible via')) return;
				child.stdout.off('data', onData);
				resolve();
			};
			child.stdout.on('data', onData);
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
				if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
				return await exited;
			},
		};
	}

	/** Writes `content` as JSON into the user folder and imports it. */
	async import(kind: 'credentials' | 'workflow', content: unknown): Promise<CommandResult> {
		const file = join(this.folder, `import-${kind}.json`);
		writeFileSync(file, JSON.stringify(content));
		try {
			return await this.command([`import:${kind}`, `--input=${file}`]);
		} finally {
			rmSync(file, { force: true });
		}
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
