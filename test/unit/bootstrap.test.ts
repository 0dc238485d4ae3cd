/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling: it runs scripts/bootstrap.mjs and npm in a throwaway project; these rules are n8n Cloud's runtime rules for node code, which this file is not */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BOOTSTRAP = join(__dirname, '..', '..', 'scripts', 'bootstrap.mjs');

/**
 * A throwaway project with scripts/bootstrap.mjs and one dependency from a local folder, so that
 * `npm ci` runs without the network.
 */
function project(): string {
	const dir = mkdtempSync(join(tmpdir(), 'bootstrap-test-'));
	mkdirSync(join(dir, 'scripts'));
	copyFileSync(BOOTSTRAP, join(dir, 'scripts', 'bootstrap.mjs'));
	mkdirSync(join(dir, 'dep'));
	writeFileSync(join(dir, 'dep', 'package.json'), '{ "name": "dep", "version": "1.0.0" }');
	writeFileSync(
		join(dir, 'package.json'),
		JSON.stringify({
			name: 'p',
			version: '1.0.0',
			private: true,
			dependencies: { dep: 'file:./dep' },
		}),
	);
	writeFileSync(
		join(dir, 'package-lock.json'),
		JSON.stringify({
			name: 'p',
			version: '1.0.0',
			lockfileVersion: 3,
			requires: true,
			packages: {
				'': { name: 'p', version: '1.0.0', dependencies: { dep: 'file:./dep' } },
				dep: { version: '1.0.0' },
				'node_modules/dep': { resolved: 'dep', link: true },
			},
		}),
	);
	return dir;
}

function bootstrap(dir: string, ...args: string[]) {
	const env = { ...process.env };
	// Not the npm running jest, if any: the one on the PATH.
	delete env.npm_execpath;
	const result = spawnSync(process.execPath, [join(dir, 'scripts', 'bootstrap.mjs'), ...args], {
		cwd: dir,
		env,
		encoding: 'utf8',
	});
	return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Sets a file's modification time, in seconds from now. */
function touch(file: string, offsetSeconds: number) {
	const at = new Date(Date.now() + offsetSeconds * 1000);
	utimesSync(file, at, at);
}

describe('scripts/bootstrap.mjs', () => {
	let dir: string;

	beforeEach(() => {
		dir = project();
	});

	afterEach(() => {
		rmSync(dir, { recursive: true, force: true });
	});

	it('runs npm ci on a fresh clone, then leaves the install alone', () => {
		expect(bootstrap(dir, '--check')).toEqual({
			code: 1,
			stdout: 'npm ci needed: node_modules is missing\n',
			stderr: '',
		});

		const first = bootstrap(dir);
		expect(first.code).toBe(0);
		expect(first.stderr).toMatch(
			/^\[bootstrap\] installing dependencies with npm ci \(node_modules is missing\)\.\.\.\n\[bootstrap\] dependencies installed in \d+ s\n$/,
		);
		expect(first.stdout).toBe('');
		expect(bootstrap(dir, '--check')).toMatchObject({
			code: 0,
			stdout: 'dependencies are up to date\n',
		});

		expect(bootstrap(dir)).toEqual({ code: 0, stdout: '', stderr: '' });
	});

	it('runs npm ci again when package-lock.json changed since the install', () => {
		expect(bootstrap(dir).code).toBe(0);
		touch(join(dir, 'node_modules', '.package-lock.json'), -60);
		touch(join(dir, 'package-lock.json'), -30);

		expect(bootstrap(dir, '--check')).toMatchObject({
			code: 1,
			stdout: 'npm ci needed: package-lock.json changed since the last install\n',
		});
		expect(bootstrap(dir).stderr).toContain('(package-lock.json changed since the last install)');
		expect(bootstrap(dir, '--check').code).toBe(0);
	});

	it('runs npm ci when node_modules was not made by npm ci or install', () => {
		mkdirSync(join(dir, 'node_modules'));
		expect(bootstrap(dir, '--check')).toMatchObject({
			code: 1,
			stdout: 'npm ci needed: node_modules was not installed by npm 7 or later\n',
		});
	});

	it('fails with npm ci when the install fails, so that the next command does not run', () => {
		// A lockfile that no longer matches package.json: npm ci refuses it.
		writeFileSync(
			join(dir, 'package.json'),
			JSON.stringify({ name: 'p', version: '1.0.0', dependencies: { other: 'file:./other' } }),
		);
		const result = bootstrap(dir);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(/\[bootstrap\] npm ci failed \(exit code \d+\)\n$/);
	});
});
