/**
 * `npm run demo [-- --ui]`: shows the node working in a real n8n (see scripts/demo/main.ts).
 * Needs the project's dependencies (`node scripts/bootstrap.mjs` installs them first); compiles the
 * demo and the simulator with tsconfig.tools.json into .tools/ (scripts/tools.mjs), then runs them.
 */
import { loadTool, ROOT } from './tools.mjs';

let main;
try {
	({ main } = loadTool('scripts/demo/main.js', '[demo]'));
} catch (error) {
	process.stderr.write(`[demo] Failed: ${error.message}\n`);
	process.exit(1);
}
process.exit(await main(ROOT, process.argv.slice(2)));
