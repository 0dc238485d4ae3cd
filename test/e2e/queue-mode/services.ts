/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling: it installs and runs Redis and PostgreSQL on loopback; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * Throwaway Redis and PostgreSQL for the queue-mode suite, from Debian's `redis-server` and
 * `postgresql` packages (installed with apt-get when missing, as root, like the project's other
 * installs): temp data folders, free loopback ports, stopped and removed afterwards. Services
 * already running on the machine are never touched.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../../../scripts/demo/n8n-home';

function log(message: string): void {
	process.stderr.write(`[queue-mode] ${message}\n`);
}

function onPath(command: string): boolean {
	return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/** The newest PostgreSQL server's bin folder, e.g. /usr/lib/postgresql/15/bin. */
function postgresBin(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const versions = readdirSync(root)
		.filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions[0] && join(root, versions[0], 'bin');
}

/** Installs Debian's redis-server and postgresql when they are missing. */
export function ensurePackages(): void {
	const missing = [
		...(onPath('redis-server') ? [] : ['redis-server']),
		...(postgresBin() ? [] : ['postgresql']),
	];
	if (missing.length === 0) return;
	if (process.getuid?.() !== 0) {
		throw new Error(`${missing.join(' and ')} missing, and installing them needs root (apt-get)`);
	}
	const started = Date.now();
	log(`installing ${missing.join(', ')} (apt-get)`);
	const apt = (args: string[]) =>
		spawnSync('apt-get', args, {
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
			encoding: 'utf8',
		});
	let result = apt(['install', '-y', '--no-install-recommends', ...missing]);
	if (result.status !== 0) {
		apt(['update']);
		result = apt(['install', '-y', '--no-install-recommends', ...missing]);
	}
	if (result.status !== 0) {
		throw new Error(`apt-get install ${missing.join(' ')} failed:\n${result.stderr}`);
	}
	log(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

export interface Service {
	port: number;
	stop(): Promise<void>;
}

async function waitFor(what: string, ready: () => boolean, child: ChildProcess): Promise<void> {
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null)
			throw new Error(`${what} exited (${child.exitCode}) while starting`);
		if (ready()) return;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`${what} did not start within a minute`);
}

function stopper(child: ChildProcess, folder: string): () => Promise<void> {
	return async () => {
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		}
		rmSync(folder, { recursive: true, force: true });
	};
}

/** A Redis that keeps nothing on disk, on a free loopback port. */
export async function startRedis(): Promise<Service> {
	const folder = mkdtempSync(join(tmpdir(), 'composio-mcp-redis-'));
	const port = await freePort();
	const child = spawn(
		'redis-server',
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--dir',
			folder,
			'--save',
			'',
			'--appendonly',
			'no',
		],
		{ stdio: 'ignore' },
	);
	await waitFor(
		'redis-server',
		() =>
			spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.includes(
				'PONG',
			),
		child,
	);
	return { port, stop: stopper(child, folder) };
}

export interface Postgres extends Service {
	database: string;
	user: string;
	/** Runs SQL with psql and returns its rows, tab-separated. */
	query(sql: string): string[][];
}

/** A PostgreSQL cluster in a temp folder on a free loopback port, with one database for n8n. */
export async function startPostgres(): Promise<Postgres> {
	const bin = postgresBin();
	if (!bin) throw new Error('PostgreSQL server binaries not found in /usr/lib/postgresql');
	const folder = mkdtempSync(join(tmpdir(), 'composio-mcp-postgres-'));
	const port = await freePort();
	// initdb and postgres refuse to run as root: as root, they run as Debian's postgres user.
	const asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
	if (asUser.length) {
		const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
		chownSync(folder, uid, gid);
	}
	const run = (command: string, args: string[]) => {
		const [file, ...rest] = [...asUser, join(bin, command), ...args];
		return spawnSync(file, rest, { encoding: 'utf8' });
	};
	const data = join(folder, 'data');
	const init = run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
	if (init.status !== 0) throw new Error(`initdb failed:\n${init.stderr}`);
	const [file, ...rest] = [
		...asUser,
		join(bin, 'postgres'),
		'-D',
		data,
		'-p',
		String(port),
		'-k',
		folder,
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		'fsync=off',
		'-c',
		'max_connections=200',
	];
	const child = spawn(file, rest, { stdio: 'ignore' });
	// Where the client tools find the server, and as whom they connect.
	const server = ['-h', '127.0.0.1', '-p', String(port)];
	const asPostgres = [...server, '-U', 'postgres'];
	await waitFor('postgres', () => run('pg_isready', server).status === 0, child);
	const database = 'n8n';
	const created = run('createdb', [...asPostgres, database]);
	if (created.status !== 0) throw new Error(`createdb failed:\n${created.stderr}`);
	return {
		port,
		database,
		user: 'postgres',
		stop: stopper(child, folder),
		query(sql) {
			const result = spawnSync(
				join(bin, 'psql'),
				[...asPostgres, '-d', database, '-At', '-F', '\t', '-c', sql],
				{ encoding: 'utf8' },
			);
			if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
			return result.stdout
				.split('\n')
				.filter((line) => line !== '')
				.map((line) => line.split('\t'));
		},
	};
}
