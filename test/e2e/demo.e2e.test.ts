/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling: it runs `npm run demo` (n8n, the simulator) on loopback; these rules are n8n Cloud's runtime rules for node code, which this file is not */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { freePort } from '../../scripts/demo/n8n-home';

const ROOT = join(__dirname, '..', '..');
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const SIM = 'http://127\\.0\\.0\\.1:\\d+';

/** `node scripts/demo.mjs`, as `npm run demo` runs it after the bootstrap. */
class Demo {
	readonly child: ChildProcess;

	output = '';

	readonly exited: Promise<number | null>;

	private waiters: Array<() => void> = [];

	constructor(args: string[]) {
		this.child = spawn(process.execPath, [join(ROOT, 'scripts', 'demo.mjs'), ...args], {
			cwd: ROOT,
			env: process.env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const collect = (chunk: Buffer) => {
			this.output += chunk.toString('utf8');
			for (const wake of this.waiters) wake();
		};
		this.child.stdout!.on('data', collect);
		this.child.stderr!.on('data', collect);
		this.exited = new Promise((resolve) => this.child.once('close', (code) => resolve(code)));
	}

	/** Resolves with the first match of `pattern` in the output; fails if the demo ends first. */
	async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
		let ended = false;
		void this.exited.then(() => {
			ended = true;
			for (const wake of this.waiters) wake();
		});
		for (;;) {
			const match = this.output.match(pattern);
			if (match) return match;
			if (ended) throw new Error(`the demo ended without printing ${pattern}:\n${this.output}`);
			await new Promise<void>((resolve) => this.waiters.push(resolve));
			this.waiters = [];
		}
	}

	/** The table's row of a user, split into its columns. */
	row(user: string): string[] {
		const line = this.output.split('\n').find((l) => l.startsWith(`${user} `));
		if (!line) throw new Error(`no row for ${user} in:\n${this.output}`);
		return line.split(/\s{2,}/);
	}

	/** The lines under a user's row that continue its last column. */
	continuation(user: string): string[] {
		const lines = this.output.split('\n');
		const start = lines.findIndex((l) => l.startsWith(`${user} `));
		const rest: string[] = [];
		for (const line of lines.slice(start + 1)) {
			if (!/^\s+\S/.test(line)) break;
			rest.push(line.trim());
		}
		return rest;
	}

	workDir(): string {
		const match = this.output.match(/Creating a throwaway n8n in (\S+)/);
		if (!match) throw new Error(`no work folder in:\n${this.output}`);
		return match[1];
	}
}

function expectOnboardingTable(demo: Demo): void {
	expect(demo.output).toMatch(
		/^User\s+API\s+Outcome\s+Instance or session ID\s+MCP URL or error$/m,
	);
	const mcpUrl = (user: string) =>
		new RegExp(`^${SIM}/v3/mcp/${UUID}\\?user_id=${encodeURIComponent(user)}$`);

	// Instances (examples/onboarding.json).
	const [adaUser, adaApi, adaOutcome, adaId, adaUrl] = demo.row('ada@example.com');
	expect([adaUser, adaApi, adaOutcome]).toEqual(['ada@example.com', 'instances', 'created']);
	expect(adaId).toMatch(new RegExp(`^${UUID}$`));
	expect(adaUrl).toMatch(mcpUrl('ada@example.com'));

	const [, graceApi, graceOutcome, graceId, graceUrl] = demo.row('grace@example.com');
	expect([graceApi, graceOutcome]).toEqual(['instances', 'already existed']);
	expect(graceId).toMatch(new RegExp(`^${UUID}$`));
	expect(graceId).not.toBe(adaId);
	expect(graceUrl).toMatch(mcpUrl('grace@example.com'));

	const [, linusApi, linusOutcome, linusId, linusError] = demo.row('linus@example.com');
	expect([linusApi, linusOutcome]).toEqual(['instances', 'needs to connect']);
	expect(linusId).toBe('-');
	expect(linusError).toMatch(
		/^User "linus@example\.com" has no active connected account for: slack/,
	);
	expect(demo.continuation('linus@example.com')).toEqual([
		expect.stringMatching(new RegExp(`^connect slack: ${SIM}/link/lt_\\w+$`)),
	]);

	// Sessions: the demo opened Margaret's link on the hosted page while Wait for Connection waited.
	expect(demo.output).toMatch(
		new RegExp(
			`margaret@example\\.com opened ${SIM}/link/lt_\\w+ while the node waited: "Connected"`,
		),
	);
	const [, margaretApi, margaretOutcome, sessionId, sessionUrl] = demo.row('margaret@example.com');
	expect([margaretApi, margaretOutcome]).toEqual(['sessions', 'connected']);
	expect(sessionId).toMatch(/^trs_\w+$/);
	expect(sessionUrl).toMatch(new RegExp(`^${SIM}/tool_router/v3/${sessionId}/mcp$`));
	// The table ends with Margaret's MCP URL.
	const table = demo.output.slice(demo.output.search(/^User\s+API/m)).split('\n\n')[0];
	expect(table.trimEnd().split('\n').at(-1)!.endsWith(` ${sessionUrl}`)).toBe(true);
	expect(demo.continuation('margaret@example.com')).toEqual([]);
}

describe('npm run demo', () => {
	let demo: Demo | undefined;

	afterEach(async () => {
		// Whatever happened, the demo stops what it started.
		if (demo && demo.child.exitCode === null) {
			demo.child.kill('SIGINT');
			await demo.exited;
		}
		demo = undefined;
	});

	it('runs the onboarding example and a sessions onboarding whose user connects meanwhile, and prints the outcome of each sample user', async () => {
		demo = new Demo([]);
		const code = await demo.exited;

		expect({ code, output: demo.output }).toEqual({ code: 0, output: expect.any(String) });
		expectOnboardingTable(demo);
		expect(demo.output).toMatch(/\[demo\] Done in \d+\.\d s\./);
		expect(existsSync(demo.workDir())).toBe(false);
	}, 300_000);

	it('with --ui keeps n8n running with an owner who can log in, until Ctrl-C', async () => {
		const port = await freePort();
		demo = new Demo(['--ui', '--port', String(port)]);
		await demo.waitFor(/Press Ctrl-C to stop n8n and the simulator\./);
		expectOnboardingTable(demo);
		expect(demo.output).toContain(`n8n is running at http://localhost:${port}`);
		const email = (await demo.waitFor(/Email: +(\S+)/))[1];
		const password = (await demo.waitFor(/Password: +(\S+)/))[1];
		const url = `http://127.0.0.1:${port}`;

		const editor = await fetch(`${url}/`);
		expect(editor.status).toBe(200);
		expect(await editor.text()).toContain('<title>n8n.io - Workflow Automation</title>');

		const login = async (secret: string) =>
			await fetch(`${url}/rest/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ emailOrLdapLoginId: email, password: secret }),
			});
		expect((await login(`${password}x`)).status).toBe(401);
		const loggedIn = await login(password);
		expect(loggedIn.status).toBe(200);
		const cookie = loggedIn.headers.get('set-cookie')?.split(';')[0] ?? '';
		expect(cookie).toMatch(/^n8n-auth=/);

		// The owner sees the example workflows, the demo's credential and the packed node.
		const workflows = (await (
			await fetch(`${url}/rest/workflows`, { headers: { cookie } })
		).json()) as { data: Array<{ name: string }> };
		expect(workflows.data.map((w) => w.name)).toEqual(
			expect.arrayContaining([
				'Composio MCP: onboard users (MCP URL or connect links)',
				'Composio MCP demo: a session, a connect link, and Wait for Connection until the user has connected',
			]),
		);
		const credentials = (await (
			await fetch(`${url}/rest/credentials`, { headers: { cookie } })
		).json()) as { data: Array<{ name: string; type: string }> };
		expect(credentials.data).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ name: 'Composio MCP (demo)', type: 'composioMcpApi' }),
				// The x-api-key Header Auth of examples/agent-with-user-mcp.json's MCP Client Tool.
				expect.objectContaining({ name: 'Composio MCP key (x-api-key)', type: 'httpHeaderAuth' }),
			]),
		);
		expect(credentials.data).toHaveLength(2);
		const types = await (await fetch(`${url}/types/nodes.json`, { headers: { cookie } })).text();
		expect(types).toContain('"name":"n8n-nodes-composio-mcp.composioMcp"');

		const work = demo.workDir();
		expect(existsSync(work)).toBe(true);
		demo.child.kill('SIGINT');
		expect(await demo.exited).toBe(0);
		expect(demo.output).toContain('Stopped everything the demo started and removed its temp files');
		expect(existsSync(work)).toBe(false);
		await expect(fetch(`${url}/`)).rejects.toThrow();
	}, 300_000);
});
