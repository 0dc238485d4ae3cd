/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- demo tooling: it runs n8n processes on this machine; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * The one way this project starts a throwaway n8n, for the demo, the end-to-end suites
 * (test/e2e/n8n.ts builds on it) and the bench: its own user folder with the packed node extracted
 * where n8n loads installed community packages, and an environment without the caller's n8n, Jest
 * or Node settings. Every command boots n8n afresh, in its own process group.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
	createWriteStream,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const PACKAGE_NAME = 'n8n-nodes-composio-mcp';

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

/** Node 24 and n8n's entry point, as installed by scripts/setup-n8n.sh. */
export interface N8nInstall {
	node: string;
	bin: string;
}

export interface ProcessResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	/** Aborting stops the process and its group. */
	signal?: AbortSignal;
	/** Stops the process and its group after this long. */
	timeoutMs?: number;
	/** Where stderr goes: collected (default) or passed through to this process's stderr. */
	stderr?: 'collect' | 'inherit';
}

/** The process groups of the commands running now. */
const runningGroups = new Set<number>();

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	try {
		if (pid) process.kill(-pid, signal);
	} catch {
		// Already gone.
	}
}

/** Kills every command still running, and what they started, at once. */
export function killRunning(): void {
	for (const group of runningGroups) signalGroup(group, 'SIGKILL');
}

/**
 * Runs a command to its end and collects what it printed; never throws for a non-zero exit, rejects
 * when aborted. The command gets its own process group, so that stopping it stops what it started
 * too (npm → sh → tsc; n8n → its task runner).
 */
export async function runProcess(
	command: string,
	args: string[],
	options: RunOptions = {},
): Promise<ProcessResult> {
	const { signal } = options;
	if (signal?.aborted) throw new Error(`${command}: aborted`);
	return await new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env,
			stdio: ['ignore', 'pipe', options.stderr === 'inherit' ? 'inherit' : 'pipe'],
			detached: true,
		});
		const group = child.pid;
		if (group) runningGroups.add(group);
		let timedOut = false;
		const stop = () => signalGroup(group, 'SIGTERM');
		signal?.addEventListener('abort', stop, { once: true });
		const timer =
			options.timeoutMs === undefined
				? undefined
				: setTimeout(() => {
						timedOut = true;
						stop();
					}, options.timeoutMs);
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
		child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
		const done = () => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', stop);
			if (group) runningGroups.delete(group);
		};
		child.once('error', (error) => {
			done();
			reject(error);
		});
		child.once('close', (code) => {
			done();
			if (signal?.aborted) {
				reject(new Error(`${command}: aborted`));
				return;
			}
			const stderr = Buffer.concat(err).toString('utf8');
			resolve({
				code,
				stdout: Buffer.concat(out).toString('utf8'),
				stderr: timedOut ? `${stderr}\n(stopped after ${options.timeoutMs} ms)` : stderr,
			});
		});
	});
}

/** The last lines of a command's output, for an error message. */
export function tail(result: ProcessResult, lines = 30): string {
	return `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-lines).join('\n');
}

/** The paths in a .tgz, as `tar -tzf` lists them. */
export function tarballFiles(tarball: string): string[] {
	return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

export async function freePort(): Promise<number> {
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

/** Whether nothing listens on `port` on loopback yet. */
export async function portIsFree(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

export interface EnvironmentSettings {
	folder: string;
	encryptionKey: string;
	brokerPort: number;
	/** The Composio API is the simulator on 127.0.0.1: allow exactly that past n8n's SSRF guard, no proxy. */
	loopbackApi: boolean;
}

/**
 * n8n's environment: the caller's, minus every n8n, database and Jest variable and NODE_ENV and
 * NODE_OPTIONS (with NODE_ENV=test n8n refuses to load nodes), minus proxies when the API is on
 * loopback; plus the demo's settings.
 */
export function n8nEnvironment(
	base: NodeJS.ProcessEnv,
	settings: EnvironmentSettings,
): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	const dropped = settings.loopbackApi
		? /^(N8N_|DB_|NODE_ENV$|NODE_OPTIONS$|JEST_|.*_PROXY$)/i
		: /^(N8N_|DB_|NODE_ENV$|NODE_OPTIONS$|JEST_)/i;
	for (const [key, value] of Object.entries(base)) {
		if (!dropped.test(key)) env[key] = value;
	}
	return {
		...env,
		NODE_ENV: 'production',
		N8N_USER_FOLDER: settings.folder,
		N8N_ENCRYPTION_KEY: settings.encryptionKey,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		// `execute` prints nothing below info.
		N8N_LOG_LEVEL: 'info',
		// The task broker (for the Code node) listens on a fixed port by default.
		N8N_RUNNERS_BROKER_PORT: String(settings.brokerPort),
		// The guard on, as in a hardened production instance; the simulator is the one exception.
		N8N_SSRF_PROTECTION_ENABLED: 'true',
		...(settings.loopbackApi ? { N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.1/32' } : {}),
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
	};
}

const COMMAND_TIMEOUT_MS = 180_000;

export interface ExecuteResult extends ProcessResult {
	run?: RunOutput;
}

/** A started `n8n start`. */
export interface RunningN8n {
	child: ChildProcess;
	/** Everything it printed. */
	logFile: string;
	/** Resolves with the exit code when it ends. */
	exited: Promise<number | null>;
	/** Stops it (SIGTERM, SIGKILL after the grace period) and waits for it to end. */
	stop(): Promise<void>;
	/** Kills it and its task runner at once. */
	kill(): void;
}

export class N8nHome {
	private constructor(
		readonly folder: string,
		private readonly install: N8nInstall,
		private readonly env: NodeJS.ProcessEnv,
	) {}

	/** A fresh user folder under `parent`. */
	static async create(
		parent: string,
		install: N8nInstall,
		options: {
			loopbackApi: boolean;
			baseEnv: NodeJS.ProcessEnv;
			/** Shared by every process of one n8n (queue mode: main and workers); random by default. */
			encryptionKey?: string;
			/** Added to the environment of every command (e.g. the database and queue of queue mode). */
			env?: NodeJS.ProcessEnv;
		},
	): Promise<N8nHome> {
		const folder = mkdtempSync(join(parent, 'n8n-home-'));
		const env = n8nEnvironment(options.baseEnv, {
			folder,
			encryptionKey: options.encryptionKey ?? randomBytes(24).toString('hex'),
			brokerPort: await freePort(),
			loopbackApi: options.loopbackApi,
		});
		return new N8nHome(folder, install, { ...env, ...options.env });
	}

	/** Extracts the packed node where n8n loads installed community packages: it loads it at its next start. */
	installPackage(tarball: string): void {
		// n8n scans <user folder>/.n8n/nodes/node_modules/n8n-nodes-* at start.
		const packageDir = join(this.folder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
		mkdirSync(packageDir, { recursive: true });
		execFileSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
	}

	/** Runs an n8n command to its end; `env` adds to (or overrides) the home's environment. */
	async command(
		args: string[],
		options: { signal?: AbortSignal; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
	): Promise<ProcessResult> {
		return await runProcess(this.install.node, [this.install.bin, ...args], {
			cwd: this.folder,
			env: { ...this.env, ...options.env },
			signal: options.signal,
			timeoutMs: options.timeoutMs ?? COMMAND_TIMEOUT_MS,
		});
	}

	/** Starts an n8n command in its own process group, its output piped, and returns at once. */
	spawn(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
		return spawn(this.install.node, [this.install.bin, ...args], {
			cwd: this.folder,
			env: { ...this.env, ...env },
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
	}

	/** Stops a process this home spawned, and what it started (n8n's task runner). */
	static signal(child: ChildProcess, signal: NodeJS.Signals): void {
		signalGroup(child.pid, signal);
	}

	/** Imports `content` (credentials or workflows, as n8n exports them); the file is private and removed after. */
	async import(
		kind: 'credentials' | 'workflow',
		content: unknown,
		signal?: AbortSignal,
	): Promise<ProcessResult> {
		const file = join(this.folder, `import-${kind}.json`);
		writeFileSync(file, JSON.stringify(content), { mode: 0o600 });
		try {
			return await this.command([`import:${kind}`, `--input=${file}`], { signal });
		} finally {
			rmSync(file, { force: true });
		}
	}

	async execute(workflowId: string, signal?: AbortSignal): Promise<ExecuteResult> {
		const result = await this.command(['execute', `--id=${workflowId}`, '--rawOutput'], { signal });
		let run: RunOutput | undefined;
		try {
			run = parseRun(result.stdout);
		} catch {
			run = undefined;
		}
		return { ...result, run };
	}

	/**
	 * Starts `n8n start` on 127.0.0.1:`port` in its own process group, its output going to a log file
	 * in the user folder.
	 */
	start(port: number): RunningN8n {
		const logFile = join(this.folder, 'n8n-start.log');
		const log = createWriteStream(logFile);
		const child = this.spawn(['start'], {
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: 'localhost',
			N8N_EDITOR_BASE_URL: `http://localhost:${port}/`,
		});
		child.stdout?.pipe(log, { end: false });
		child.stderr?.pipe(log, { end: false });
		const exited = new Promise<number | null>((resolve) => {
			child.once('error', () => resolve(null));
			child.once('close', (code) => {
				log.end();
				resolve(code);
			});
		});
		let stopping: Promise<void> | undefined;
		// The group: n8n and the task runner it started.
		const group = (signal: NodeJS.Signals) => signalGroup(child.pid, signal);
		const stop = async () => {
			stopping ??= (async () => {
				if (child.exitCode !== null || child.signalCode !== null) return;
				group('SIGTERM');
				const timer = setTimeout(() => group('SIGKILL'), 20_000);
				await exited;
				clearTimeout(timer);
				// Anything of the group still around after n8n itself ended.
				group('SIGKILL');
			})();
			await stopping;
		};
		return { child, logFile, exited, stop, kill: () => group('SIGKILL') };
	}

	/** The last lines of `n8n start`'s log. */
	static logTail(logFile: string, lines = 30): string {
		try {
			return readFileSync(logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
		} catch {
			return '';
		}
	}
}
