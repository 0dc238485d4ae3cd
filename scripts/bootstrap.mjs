/**
 * Ensures the project's dependencies are installed, so that `npm run demo` and `npm test` work on a
 * fresh clone: runs `npm ci` when node_modules is missing, or when package-lock.json is newer than
 * the copy npm keeps of it in node_modules (the lockfile changed since the last install).
 * Node built-ins only: it runs before anything is installed.
 *
 *   node scripts/bootstrap.mjs && <next command>   installs if needed, then the next command runs
 *   node scripts/bootstrap.mjs --check             only says whether an install is needed (exit 1 if so)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Why `npm ci` has to run in `root`, or undefined when node_modules is up to date. */
export function installReason(root = ROOT) {
	const lockfile = join(root, 'package-lock.json');
	const installed = join(root, 'node_modules', '.package-lock.json');
	if (!existsSync(join(root, 'node_modules'))) return 'node_modules is missing';
	if (!existsSync(installed)) return 'node_modules was not installed by npm 7 or later';
	if (statSync(lockfile).mtimeMs > statSync(installed).mtimeMs) {
		return 'package-lock.json changed since the last install';
	}
	return undefined;
}

/** The npm that runs this script (npm sets npm_execpath), else the one on the PATH. */
function npmCommand() {
	const execPath = process.env.npm_execpath;
	if (execPath && /\.[cm]?js$/.test(execPath)) return [process.execPath, [execPath]];
	return [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
}

/** Runs `npm ci` in `root` when needed; returns true when it did. Throws when the install fails. */
export function ensureDeps(root = ROOT) {
	const reason = installReason(root);
	if (!reason) return false;
	const started = Date.now();
	process.stderr.write(`[bootstrap] installing dependencies with npm ci (${reason})...\n`);
	const [command, prefix] = npmCommand();
	const result = spawnSync(
		command,
		[...prefix, 'ci', '--no-audit', '--no-fund', '--loglevel=error'],
		// npm's summary ("added 553 packages") would be a second progress line; its errors still show.
		{ cwd: root, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' },
	);
	if (result.error) throw result.error;
	if (result.status !== 0) throw new Error(`npm ci failed (exit code ${result.status})`);
	const seconds = ((Date.now() - started) / 1000).toFixed(0);
	process.stderr.write(`[bootstrap] dependencies installed in ${seconds} s\n`);
	return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
	if (process.argv.includes('--check')) {
		const reason = installReason();
		process.stdout.write(reason ? `npm ci needed: ${reason}\n` : 'dependencies are up to date\n');
		process.exitCode = reason ? 1 : 0;
	} else {
		try {
			ensureDeps();
		} catch (error) {
			process.stderr.write(`[bootstrap] ${error.message}\n`);
			process.exitCode = 1;
		}
	}
}
