/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling: it builds and packs a copy of the repository with npm; these rules are n8n Cloud's runtime rules for node code, which this file is not */
import { execFileSync } from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** A screenshot where the README's pictures go: `n8n-node build` copies every png into dist/. */
const PROBE_SCREENSHOT = 'docs/package-contents-probe.png';

interface PackedFile {
	path: string;
}

interface IconOwner {
	description?: { icon?: unknown };
	icon?: unknown;
}

/**
 * What `npm pack` would publish, from a build of a copy of the working tree (every file git would
 * commit, plus a screenshot in docs/), so that the shared dist/ is left alone and the check does
 * not depend on what happens to be in docs/ today.
 */
describe('the npm package', () => {
	let copy: string;
	let files: string[];
	let packageJson: { n8n: { credentials: string[]; nodes: string[] } };

	beforeAll(() => {
		copy = mkdtempSync(join(tmpdir(), 'composio-mcp-pack-'));
		const tracked = execFileSync(
			'git',
			['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
			{ cwd: ROOT, encoding: 'utf8' },
		)
			.split('\0')
			.filter(Boolean);
		// Files git still lists but that are gone from the working tree are skipped.
		for (const file of tracked.filter((name) => existsSync(join(ROOT, name)))) {
			mkdirSync(dirname(join(copy, file)), { recursive: true });
			cpSync(join(ROOT, file), join(copy, file));
		}
		mkdirSync(join(copy, dirname(PROBE_SCREENSHOT)), { recursive: true });
		writeFileSync(join(copy, PROBE_SCREENSHOT), Buffer.from('89504e470d0a1a0a', 'hex'));
		symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');

		// The package's own build script, as `npm run release` runs it before publishing.
		execFileSync('npm', ['run', 'build', '--silent'], { cwd: copy, stdio: 'pipe' });
		const packed = JSON.parse(
			execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
				cwd: copy,
				encoding: 'utf8',
			}),
		) as Array<{ files: PackedFile[] }>;
		files = packed[0].files.map((file) => file.path).sort();
		packageJson = JSON.parse(
			readFileSync(join(copy, 'package.json'), 'utf8'),
		) as typeof packageJson;
	}, 180_000);

	afterAll(() => {
		if (copy) rmSync(copy, { recursive: true, force: true });
	});

	it('holds package.json, README.md, LICENSE.md, CHANGELOG.md and dist/, nothing else', () => {
		expect(files.filter((file) => !file.startsWith('dist/'))).toEqual([
			'CHANGELOG.md',
			'LICENSE.md',
			'README.md',
			'package.json',
		]);
	});

	it('holds in dist/ only credentials/, nodes/ and icons/: no screenshots, tests or examples', () => {
		const top = new Set(
			files.filter((file) => file.startsWith('dist/')).map((f) => f.split('/')[1]),
		);
		expect([...top].sort()).toEqual(['credentials', 'icons', 'nodes']);
		expect(files).not.toContain(`dist/${PROBE_SCREENSHOT}`);
		expect(files.filter((file) => /\.(png|svg)$/.test(file))).toEqual([
			'dist/icons/composio.dark.svg',
			'dist/icons/composio.svg',
		]);
	});

	it('holds every credential and node package.json points n8n to, with the icons they use', async () => {
		const declared = [...packageJson.n8n.credentials, ...packageJson.n8n.nodes];
		expect(declared.length).toBeGreaterThan(1);
		for (const entry of declared) {
			expect(files).toContain(entry);
			// n8n resolves `file:` icons next to the compiled file that names them.
			const module = (await import(join(copy, entry))) as Record<string, new () => IconOwner>;
			const instances = Object.values(module).map((Exported) => new Exported());
			const icons = instances.flatMap((instance) => {
				const icon = instance.description?.icon ?? instance.icon;
				return typeof icon === 'string' ? [icon] : Object.values(icon as Record<string, string>);
			});
			expect(icons.length).toBeGreaterThan(0);
			for (const icon of icons) {
				expect(icon).toMatch(/^file:/);
				const resolved = posix.normalize(posix.join(posix.dirname(entry), icon.slice(5)));
				expect(files).toContain(resolved);
			}
		}
	});
});
