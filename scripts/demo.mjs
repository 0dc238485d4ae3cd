/**
 * `npm run demo [-- --ui]`: shows the node working in a real n8n (see scripts/demo/main.ts).
 * Needs the project's dependencies (`node scripts/bootstrap.mjs` installs them first); compiles the
 * demo and the simulator with tsconfig.tools.json into .tools/, then runs them.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

process.stderr.write(
	'[demo] Compiling the demo and the Composio simulator (tsconfig.tools.json)\n',
);
const tsc = spawnSync(
	process.execPath,
	[join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.tools.json'],
	{ cwd: ROOT, stdio: 'inherit' },
);
if (tsc.status !== 0) {
	process.stderr.write('[demo] Failed: tsc -p tsconfig.tools.json (is `npm ci` done?)\n');
	process.exit(1);
}

const { main } = require(join(ROOT, '.tools', 'scripts', 'demo', 'main.js'));
process.exit(await main(ROOT, process.argv.slice(2)));
