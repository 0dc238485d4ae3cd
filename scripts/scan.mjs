// Runs n8n's community-package scanner (@n8n/scan-community-package) locally. Its CLI only scans
// a package published with provenance, so this calls the same analysis on the same two legs:
// the source (what the provenance attests) and the packed tarball (what n8n would install).
// Exits 1 when either leg has an ESLint error, fails to run, or finds nothing to look at.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requireHere = createRequire(import.meta.url);
const scannerPath = requireHere.resolve('@n8n/scan-community-package/scanner/scanner.mjs');
// Resolved from the scanner's own location so these are the very copies it uses.
const requireScanner = createRequire(scannerPath);
const glob = requireScanner('fast-glob');
// Importing the scanner creates an empty temp folder that tmp keeps unless told otherwise.
requireScanner('tmp').setGracefulCleanup();
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(scannerPath);
const scannerVersion = requireHere('@n8n/scan-community-package/package.json').version;

// The tarball leg's patterns, as in the scanner's analyzePackageByName.
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

/** The files analyzePackage will lint, found the way it finds them. */
function listFiles(dir, patterns) {
	return glob
		.sync(patterns, { cwd: dir, ignore: ['node_modules/**', '**/package-lock.json'] })
		.sort();
}

function run(command, args, cwd) {
	const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	if (result.error) throw result.error;
	if (result.status !== 0) {
		const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
		throw new Error(`\`${command} ${args.join(' ')}\` exited with ${result.status}\n${output}`);
	}
	return result.stdout;
}

function newestMtime(dir, patterns) {
	return Math.max(
		0,
		...listFiles(dir, patterns).map((f) => fs.statSync(path.join(dir, f)).mtimeMs),
	);
}

/** A dist/ older than the sources would have the tarball leg scan code that is no longer there. */
function distIsStale() {
	const distDir = path.join(root, 'dist');
	if (!fs.existsSync(distDir)) return true;
	const distFiles = listFiles(distDir, ['**/*']);
	if (distFiles.length === 0) return true;
	const oldestDist = Math.min(...distFiles.map((f) => fs.statSync(path.join(distDir, f)).mtimeMs));
	const newestSource = newestMtime(root, [
		'{nodes,credentials,icons}/**/*',
		'package.json',
		'tsconfig.json',
	]);
	return newestSource > oldestDist;
}

const verbose = process.argv.includes('--verbose');

function report(name, what, files, result, required, packageDir) {
	const problems = [];
	if (!result.passed) problems.push(result.message ?? 'failed');
	if (!files.some(required.test)) problems.push(`nothing to scan: no ${required.label} found`);
	const mark = problems.length ? '✘' : '✔';
	const status = problems.length ? problems.join('; ') : 'no errors';
	console.log(`${mark} ${name} leg (${what}): ${files.length} file(s) linted, ${status}`);
	if (verbose) for (const file of files) console.log(`    ${file}`);
	if (result.details) {
		// Relative paths: the tarball's temp folder is deleted before anyone reads this.
		const details = result.details.split(packageDir + path.sep).join('');
		console.log(details.replace(/^\n+|\n+$/g, ''));
	}
	return problems.length === 0;
}

async function sourceLeg() {
	const files = listFiles(root, SOURCE_FILE_PATTERNS);
	const result = await analyzePackage(root, SOURCE_FILE_PATTERNS);
	return report(
		'source',
		'repository, package.json + nodes/ and credentials/',
		files,
		result,
		{
			label: 'node or credential source',
			test: (f) => /^(nodes|credentials)\//.test(f),
		},
		root,
	);
}

async function tarballLeg() {
	const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-scan-'));
	try {
		if (distIsStale()) {
			console.log('dist/ is missing or older than the sources: running npm run build');
			run('npm', ['run', 'build'], root);
		}
		const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmpDir], root));
		const packageDir = path.join(tmpDir, 'package');
		fs.mkdirSync(packageDir);
		run('tar', [
			'-xzf',
			path.join(tmpDir, packed.filename),
			'-C',
			packageDir,
			'--strip-components=1',
		]);
		const files = listFiles(packageDir, TARBALL_FILE_PATTERNS);
		const result = await analyzePackage(packageDir, TARBALL_FILE_PATTERNS);
		return report(
			'tarball',
			`${packed.filename}, compiled .js + package.json`,
			files,
			result,
			{
				label: 'compiled .js',
				test: (f) => f.endsWith('.js'),
			},
			packageDir,
		);
	} finally {
		fs.rmSync(tmpDir, { recursive: true, force: true });
	}
}

console.log(`n8n community-package scan (@n8n/scan-community-package ${scannerVersion})`);
let passed = await sourceLeg();
try {
	passed = (await tarballLeg()) && passed;
} catch (error) {
	console.log(`✘ tarball leg: ${error.message}`);
	passed = false;
}
console.log(passed ? 'Scan passed.' : 'Scan failed.');
process.exitCode = passed ? 0 : 1;
