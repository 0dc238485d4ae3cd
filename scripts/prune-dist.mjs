// Runs after `n8n-node build`, which copies every *.png and *.svg of the repository into dist/
// (docs/ screenshots included). The package needs only what n8n loads: the compiled credentials and
// nodes, and the icons they point to. Everything else at the top of dist/ is removed.
//
//   node scripts/prune-dist.mjs [dist directory]   (default: dist/ of this repository)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const KEEP = new Set(['credentials', 'nodes', 'icons']);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.resolve(process.argv[2] ?? path.join(root, 'dist'));

if (!fs.existsSync(dist)) {
	console.error(`prune-dist: ${dist} does not exist; build first`);
	process.exit(1);
}

const removed = [];
for (const entry of fs.readdirSync(dist, { withFileTypes: true })) {
	if (entry.isDirectory() && KEEP.has(entry.name)) continue;
	fs.rmSync(path.join(dist, entry.name), { recursive: true, force: true });
	removed.push(entry.isDirectory() ? `${entry.name}/` : entry.name);
}
for (const name of KEEP) {
	if (!fs.existsSync(path.join(dist, name))) {
		console.error(`prune-dist: ${path.join(dist, name)} is missing; the build is incomplete`);
		process.exit(1);
	}
}
if (removed.length > 0) console.log(`prune-dist: removed ${removed.join(', ')} from dist/`);
