/**
 * `npm run screenshots`: the README's pictures, taken in a real n8n. Starts the demo n8n
 * (`scripts/demo.mjs --ui`, always against the Composio simulator, so the pictures show the same
 * sample users on every run), logs in with the owner it prints, and saves into docs/:
 *
 *   docs/onboarding-workflow.png          the onboarding example on the canvas
 *   docs/onboarding-complete-workflow.png onboarding to the end (sessions, link, Wait) on the canvas
 *   docs/execution-both-outputs.png       the demo's run of it: items on both outputs
 *   docs/instance-create-parameters.png   the node's panel: Instance → Create and its options
 *   docs/mcp-client-tool-setup.png        n8n's MCP Client Tool set up for a user's MCP URL
 *   docs/composio-trigger-parameters.png  the Composio Trigger's panel: its URLs, Managed mode, events
 *
 * Drives Debian's Chromium (/usr/bin/chromium, or $CHROMIUM_PATH) headless with playwright-core;
 * installs it with apt-get when it is missing. Waits for UI states, never for a fixed time.
 * The pictures differ on every run (IDs, ports, dates); docs/ gets all of them, or none if one fails.
 *
 *   node scripts/screenshots.mjs [--out <dir>]   (default docs/ of this repository)
 */
import { spawn, spawnSync } from 'node:child_process';
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { loadTool } from './tools.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Without the background-networking flags, Chromium keeps calling Google's services.
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
const VIEWPORT = { width: 1440, height: 900 };
/** The first run of the demo installs Node 24 and n8n (about 5 minutes) and builds the node. */
const DEMO_READY_TIMEOUT_MS = 20 * 60_000;
const UI_TIMEOUT_MS = 60_000;
const COMPOSIO_NODE_TYPE = 'n8n-nodes-composio-mcp.composioMcp';

function log(message) {
	process.stderr.write(`[screenshots] ${message}\n`);
}

function seconds(since) {
	return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function parseArgs(argv) {
	let out = join(ROOT, 'docs');
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--out' && argv[i + 1]) out = resolve(argv[++i]);
		else throw new Error(`unknown argument: ${argv[i]} (usage: screenshots.mjs [--out <dir>])`);
	}
	return { out };
}

/** What the pictures show of examples/onboarding.json: its ID, its node that creates instances. */
function onboardingExample() {
	const workflow = JSON.parse(readFileSync(join(ROOT, 'examples', 'onboarding.json'), 'utf8'));
	const node = workflow.nodes.find(
		(n) =>
			n.type === COMPOSIO_NODE_TYPE &&
			n.parameters.resource === 'instance' &&
			n.parameters.operation === 'create',
	);
	if (!workflow.id || !node) {
		throw new Error(
			'examples/onboarding.json needs an id and a Composio MCP node that creates instances',
		);
	}
	return { id: workflow.id, nodeName: node.name };
}

function apt(args) {
	return spawnSync('apt-get', args, {
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		encoding: 'utf8',
	});
}

/** Debian's chromium, installed with apt-get if it is missing (apt-get update first if needed). */
function ensureChromium() {
	if (existsSync(CHROMIUM)) return;
	if (process.env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH=${CHROMIUM} does not exist`);
	if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version']).status !== 0) {
		throw new Error(
			`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`,
		);
	}
	const started = Date.now();
	log('Installing Chromium (apt-get install -y chromium)');
	let result = apt(['install', '-y', 'chromium']);
	if (result.status !== 0) {
		log('apt-get update, then installing Chromium again');
		apt(['update']);
		result = apt(['install', '-y', 'chromium']);
	}
	if (result.status !== 0 || !existsSync(CHROMIUM)) {
		const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-20);
		throw new Error(`apt-get install chromium failed:\n${output.join('\n')}`);
	}
	log(`Chromium installed in ${seconds(started)}`);
}

/**
 * Starts `scripts/demo.mjs --ui` in its own process group (a Ctrl-C here reaches it once, from
 * stop()); resolves when it prints the owner's login and is ready.
 */
function startDemo(port) {
	const env = { ...process.env };
	// The simulator, whatever the caller's environment says: the pictures show the sample users.
	delete env.COMPOSIO_API_KEY;
	delete env.COMPOSIO_SERVER_ID;
	delete env.COMPOSIO_BASE_URL;
	const child = spawn(
		process.execPath,
		[join(ROOT, 'scripts', 'demo.mjs'), '--ui', '--port', String(port)],
		{ cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'], detached: true },
	);
	let stdout = '';
	const exited = new Promise((resolveExit) => child.once('close', (code) => resolveExit(code)));
	const ready = new Promise((resolveReady, reject) => {
		const timer = setTimeout(
			() =>
				reject(
					new Error(`the demo was not ready within ${DEMO_READY_TIMEOUT_MS / 60_000} minutes`),
				),
			DEMO_READY_TIMEOUT_MS,
		);
		child.stdout.on('data', (chunk) => {
			stdout += chunk.toString('utf8');
			const email = /^\s*Email:\s*(\S+)\s*$/m.exec(stdout)?.[1];
			const password = /^\s*Password:\s*(\S+)\s*$/m.exec(stdout)?.[1];
			if (email && password && stdout.includes('Press Ctrl-C to stop n8n')) {
				clearTimeout(timer);
				resolveReady({ email, password });
			}
		});
		void exited.then((code) => {
			clearTimeout(timer);
			reject(
				new Error(`the demo stopped (exit code ${code}) before n8n was ready:\n${stdout.trim()}`),
			);
		});
	});
	ready.catch(() => undefined);
	let stopping;
	/** SIGINT, as Ctrl-C: the demo stops n8n and the simulator; a second one kills what is left. */
	const stop = async () => {
		stopping ??= (async () => {
			if (child.exitCode !== null || child.signalCode !== null) return;
			child.kill('SIGINT');
			const timer = setTimeout(() => child.kill('SIGINT'), 60_000);
			await exited;
			clearTimeout(timer);
		})();
		await stopping;
	};
	return { ready, stop };
}

/**
 * Waits until the page is still: fonts and visible images loaded, no finite animation running, and
 * the canvas's and the node panel's geometry unchanged for 10 frames in a row.
 */
async function settled(page) {
	await page.waitForFunction(
		() => {
			const state = window;
			const running = document
				.getAnimations()
				.filter((a) => a.playState === 'running' && a.effect?.getTiming().iterations !== Infinity);
			const images = [...document.images].filter((image) => image.offsetParent !== null);
			const geometry = [
				...document.querySelectorAll(
					'.vue-flow__viewport, [data-test-id="ndv"], [data-test-id="resize-handle"], .el-notification',
				),
			]
				.map(
					(el) => `${getComputedStyle(el).transform}:${JSON.stringify(el.getBoundingClientRect())}`,
				)
				.join('|');
			if (state.__screenshotGeometry !== geometry || running.length > 0) {
				state.__screenshotGeometry = geometry;
				state.__screenshotStillFrames = 0;
				return false;
			}
			state.__screenshotStillFrames = (state.__screenshotStillFrames ?? 0) + 1;
			return (
				state.__screenshotStillFrames >= 10 &&
				document.fonts.status === 'loaded' &&
				images.every((image) => image.complete && image.naturalWidth > 0)
			);
		},
		undefined,
		{ polling: 'raf', timeout: UI_TIMEOUT_MS },
	);
}

/** Closes what n8n may pop up over the editor: onboarding and what's-new dialogs, toasts. */
async function dismissPopups(page) {
	const closers = page.locator(
		[
			'.el-dialog:visible .el-dialog__headerbtn',
			'[role="dialog"]:visible [aria-label="Close"]',
			'.el-notification:visible .el-notification__closeBtn',
			'.el-message-box:visible .el-message-box__headerbtn',
		].join(', '),
	);
	while ((await closers.count()) > 0) {
		const closer = await closers.first().elementHandle();
		if (!closer) continue;
		await closer.click();
		await closer.waitForElementState('hidden');
	}
}

/** Runs `action`; when it fails, says what the script was waiting for. */
async function step(what, action) {
	try {
		return await action();
	} catch (error) {
		throw new Error(`waiting for ${what}: ${error.message.split('\n')[0]}`);
	}
}

/** Waits until the canvas's edges are labelled with every one of `labels` (such as '2 items'). */
async function edgeLabels(page, labels) {
	await step(`the edge labels ${labels.join(', ')}`, () =>
		page.waitForFunction((wanted) => {
			const shown = [...document.querySelectorAll('[data-test-id="edge-label"]')].map((el) =>
				el.textContent.trim(),
			);
			return wanted.every((label) => shown.includes(label));
		}, labels),
	);
}

async function save(page, out, name) {
	await dismissPopups(page);
	// The pointer off anything that reacts to it (toolbars on hover, tooltips): over empty canvas.
	await page.mouse.move(VIEWPORT.width - 60, VIEWPORT.height - 130);
	await step('the page to be still', () => settled(page));
	await page.screenshot({ path: join(out, name) });
}

/** Copies the pictures from `staging` into `out` (only once all of them are taken). */
function publish(staging, out) {
	mkdirSync(out, { recursive: true });
	for (const name of readdirSync(staging)) {
		const file = join(out, name);
		copyFileSync(join(staging, name), file);
		log(`  ${relative(ROOT, file) || file} (${Math.round(statSync(file).size / 1024)} KB)`);
	}
}

async function logIn(page, url, { email, password }) {
	await page.goto(`${url}/signin`);
	await step('the sign-in form', async () => {
		await page.locator('input[name="emailOrLdapLoginId"]').fill(email);
		await page.locator('input[name="password"]').fill(password);
	});
	await page.locator('[data-test-id="form-submit-button"]').click();
	await step('the sign-in to succeed', () =>
		page.waitForURL((address) => !address.pathname.startsWith('/signin')),
	);
	await dismissPopups(page);
}

async function openWorkflow(page, url, workflowId, composioNode) {
	await page.goto(`${url}/workflow/${workflowId}`);
	await step('the workflow on the canvas', async () => {
		await page.locator('[data-test-id="execute-workflow-button"]').waitFor();
		await composioNode.waitFor();
	});
	await dismissPopups(page);
}

/** The middle column of the node panel (its parameters), its two edges dragged `dx` apart each. */
async function widenParameters(page, ndv, dx) {
	const handles = ndv.locator('[data-test-id="resize-handle"]');
	const count = await handles.count();
	if (count !== 2) {
		log(`  (the node panel has ${count} resize handles, not 2: left at n8n's width)`);
		return;
	}
	for (const [index, move] of [
		[0, -dx],
		[1, dx],
	]) {
		const box = await handles.nth(index).boundingBox();
		if (!box) continue;
		const x = box.x + box.width / 2;
		const y = box.y + box.height / 2;
		await page.mouse.move(x, y);
		await page.mouse.down();
		await page.mouse.move(x + move, y, { steps: 10 });
		await page.mouse.up();
	}
}

async function takePictures(page, url, login, out) {
	const example = onboardingExample();
	const composioNode = page
		.locator('[data-test-id="canvas-node"]')
		.filter({ hasText: example.nodeName });
	await logIn(page, url, login);

	// The onboarding workflow on the canvas.
	await openWorkflow(page, url, example.id, composioNode);
	await save(page, out, 'onboarding-workflow.png');

	// examples/onboarding-complete.json: session, connect link, n8n's Wait node, the account's status.
	const linkNode = page
		.locator('[data-test-id="canvas-node"]')
		.filter({ hasText: ONBOARDING_COMPLETE_NODE });
	await openWorkflow(page, url, ONBOARDING_COMPLETE_EXAMPLE_ID, linkNode);
	await save(page, out, 'onboarding-complete-workflow.png');

	// The demo's run of examples/onboarding.json (`n8n execute`), in the executions view: 3 sample users in, 2 out on the
	// success output (created, already existed), 1 on the error output (not connected yet).
	await page.goto(`${url}/workflow/${example.id}/executions`);
	await step("the demo's execution", async () => {
		await page.locator('[data-test-id^="execution-preview-details-"]').waitFor();
		await composioNode.waitFor();
	});
	await edgeLabels(page, ['3 items', '2 items', '1 item']);
	await save(page, out, 'execution-both-outputs.png');

	// The node's parameters (Instance → Create and its options), after a run in the editor so that
	// the panel shows the input and the success output beside them.
	await openWorkflow(page, url, example.id, composioNode);
	await page.locator('[data-test-id="execute-workflow-button"]').click();
	const toast = page.locator('.el-notification').filter({ hasText: 'executed successfully' });
	await step('the toast "Workflow executed successfully"', () => toast.waitFor());
	await edgeLabels(page, ['3 items', '2 items', '1 item']);
	await toast.locator('.el-notification__closeBtn').click();
	await step('the toast to close', () => toast.waitFor({ state: 'hidden' }));
	await composioNode.dblclick();
	const ndv = page.locator('[data-test-id="ndv"]');
	const output = ndv.locator('[data-test-id="output-panel"]');
	await step('the node panel with its options and its output', async () => {
		await ndv.locator('[data-test-id="parameter-input-includeMcpUrl"]').waitFor();
		await output.locator('[data-test-id="branches"]').waitFor();
	});
	// The output as a schema: every field of the first item, readable at this width.
	await output.locator('[data-test-id="radio-button-schema"]').click();
	await step('the output as a schema', () =>
		output.locator('[data-test-id="run-data-schema-item"]').first().waitFor(),
	);
	// Wide enough for the options' labels ("Check Connected Accounts First" is cut at n8n's width).
	await widenParameters(page, ndv, 70);
	await save(page, out, 'instance-create-parameters.png');

	// examples/agent-with-user-mcp.json: n8n's MCP Client Tool set up for a user's MCP URL.
	const mcpTool = page.locator('[data-test-id="canvas-node"]').filter({ hasText: MCP_TOOL_NODE });
	await openWorkflow(page, url, AGENT_EXAMPLE_ID, mcpTool);
	await mcpTool.dblclick();
	await step('the MCP Client Tool panel', () =>
		page.locator('[data-test-id="ndv"] [data-test-id="parameter-input-endpointUrl"]').waitFor(),
	);
	await save(page, out, 'mcp-client-tool-setup.png');

	// examples/reconnect-expired.json: the Composio Trigger's panel (its webhook URLs, Managed mode
	// with Replace off, the events).
	const trigger = page.locator('[data-test-id="canvas-node"]').filter({ hasText: TRIGGER_NODE });
	await openWorkflow(page, url, RECONNECT_EXAMPLE_ID, trigger);
	await trigger.dblclick();
	const triggerPanel = page.locator('[data-test-id="ndv"]');
	await step('the Composio Trigger panel', () =>
		triggerPanel.locator('[data-test-id="parameter-input-replaceExisting"]').waitFor(),
	);
	// Its webhook URLs open, on the production one: what Managed mode registers at Composio.
	await triggerPanel.getByText('Webhook URLs', { exact: true }).click();
	await step('the production URL', async () => {
		await triggerPanel.getByText('Production URL', { exact: true }).click();
		await triggerPanel.getByText('/webhook/', { exact: false }).first().waitFor();
	});
	await save(page, out, 'composio-trigger-parameters.png');
}

/** What the onboarding-to-the-end picture shows: examples/onboarding-complete.json. */
const ONBOARDING_COMPLETE_EXAMPLE_ID = 'exOnboardingComplete';
const ONBOARDING_COMPLETE_NODE = 'Create a connect link';

/** What the trigger picture shows: examples/reconnect-expired.json's Composio Trigger. */
const RECONNECT_EXAMPLE_ID = 'exReconnect';
const TRIGGER_NODE = 'Connection expired';

/** What the MCP Client Tool picture shows: examples/agent-with-user-mcp.json's tool node. */
const AGENT_EXAMPLE_ID = 'exAgentWithUserMcp';
const MCP_TOOL_NODE = "The user's MCP tools";

async function main() {
	const started = Date.now();
	let out;
	try {
		({ out } = parseArgs(process.argv.slice(2)));
		ensureChromium();
	} catch (error) {
		log(`Failed: ${error.message}`);
		return 1;
	}

	// The one freePort of the project (scripts/demo/n8n-home.ts).
	const { freePort } = loadTool('scripts/demo/n8n-home.js', '[screenshots]');
	const port = await freePort();
	log(`Starting the demo n8n (scripts/demo.mjs --ui --port ${port})`);
	const demo = startDemo(port);
	const profile = mkdtempSync(join(tmpdir(), 'composio-mcp-chromium-'));
	const staging = mkdtempSync(join(tmpdir(), 'composio-mcp-screenshots-'));
	let browser;
	let closing;
	/** Closes the browser once; every caller waits until Chromium has ended. */
	const closeBrowser = async () => {
		closing ??= browser?.close().catch(() => undefined);
		await closing;
	};
	let interrupted = false;
	let failed = false;
	// Stopping the demo and closing the browser make what main() waits for fail; it then cleans up.
	const onSignal = (signal) => {
		if (interrupted) return;
		interrupted = true;
		log(`${signal}: stopping`);
		void closeBrowser();
		void demo.stop();
	};
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);
	try {
		const login = await demo.ready;
		log(`n8n is ready (${seconds(started)}); opening it in headless Chromium`);
		const shooting = Date.now();
		browser = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_ARGS,
			viewport: VIEWPORT,
			deviceScaleFactor: 1,
			// Playwright's own handlers would end this process at once, leaving the demo's n8n running.
			handleSIGINT: false,
			handleSIGTERM: false,
			handleSIGHUP: false,
		});
		if (interrupted) throw new Error('interrupted');
		const page = browser.pages()[0] ?? (await browser.newPage());
		page.setDefaultTimeout(UI_TIMEOUT_MS);
		try {
			await takePictures(page, `http://localhost:${port}`, login, staging);
		} catch (error) {
			if (!interrupted) await saveFailure(page);
			throw error;
		}
		log(`Pictures taken in ${seconds(shooting)}`);
		publish(staging, out);
		return 0;
	} catch (error) {
		failed = true;
		if (interrupted) return 130;
		log(`Failed: ${error.message} (${relative(ROOT, out) || out} unchanged)`);
		return 1;
	} finally {
		await closeBrowser();
		for (const dir of [profile, staging]) {
			try {
				rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
			} catch (error) {
				log(`Could not remove ${dir}: ${error.message}`);
			}
		}
		log('Stopping the demo n8n');
		await demo.stop();
		const outcome = interrupted ? 'Interrupted' : failed ? 'Failed' : 'Done';
		log(`${outcome} after ${seconds(started)}`);
	}
}

/** What the page showed when a step failed, for the one who runs this. */
async function saveFailure(page) {
	const file = join(tmpdir(), 'composio-mcp-screenshots-failure.png');
	try {
		await page.screenshot({ path: file });
		log(`The page when it failed: ${file}`);
	} catch {
		// The page is gone too.
	}
}

process.exitCode = await main();
