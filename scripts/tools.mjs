/**
 * The project's TypeScript tooling (the demo, the Composio simulator, the n8n launcher) for the
 * plain-JavaScript scripts: compiles it with tsconfig.tools.json into .tools/ and loads a module.
 * Needs the project's dependencies (`node scripts/bootstrap.mjs` installs them first).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

let compiled = false;

/** Loads `.tools/<path>` (e.g. 'scripts/demo/main.js'), compiling the tooling first, once. */
export function loadTool(path, prefix = '[tools]') {
	if (!compiled) {
		process.stderr.write(
			`${prefix} Compiling the demo and the Composio simulator (tsconfig.tools.json)\n`,
		);
		const tsc = spawnSync(
			process.execPath,
			[join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.tools.json'],
			{ cwd: ROOT, stdio: 'inherit' },
		);
		if (tsc.status !== 0) {
			throw new Error('tsc -p tsconfig.tools.json failed (is `npm ci` done?)');
		}
		compiled = true;
	}
	return require(join(ROOT, '.tools', path));
}
