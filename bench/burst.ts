/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- bench tooling: it runs n8n processes, posts to them and reads their CPU profiles; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * Measurement 7: a burst of signed Composio deliveries, side by side, to the Composio Trigger and
 * to n8n's own Webhook node, both active in the same real n8n (`n8n start`, the packed package
 * installed as a community package). Per contender: answer times (p50, p95), burst time, and the
 * executions n8n's own list counts; under n8n's defaults, with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE,
 * and a CPU profile of one round per contender (where the time goes, isolates by who asked).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { loginAsOwner, N8n, type RunningN8n } from '../test/e2e/n8n';
import { ALL_EVENTS, CREDENTIAL, hookOf, inParallel } from '../test/e2e/trigger/workflows';
import { signedDelivery } from '../test/simulator';
import { REMEMBER_AT_MOST } from '../nodes/ComposioTrigger/deliveries';
import { median, ratio, sec, table } from './format';
import { AREAS, PACKAGE_DIR, profileWindow } from './profile';
import type { WindowProfile } from './profile';
import { LocalSim } from './sim';

/** Deliveries per round, in flight at once, rounds, warm-up deliveries per contender. */
const N7 = 200;
const C7 = 20;
const ROUNDS7 = 3;
const WARM7 = 20;
const TARGET_7 = 1.2;
const LAZY = { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' };

const TRIGGER_WORKFLOW = 'burstTrigger';
const WEBHOOK_WORKFLOW = 'burstWebhook';
const WEBHOOK_PATH = 'composio-burst';
const RECEIVED = '{"received":true}';

type Key = 'trigger' | 'webhook';

interface CallFrame {
	functionName: string;
	url: string;
}

interface Contender {
	key: Key;
	label: string;
	workflowId: string;
	/** The node's own code: the profile's window is marked by it (with n8n's per-delivery steps). */
	isNode: (frame: CallFrame) => boolean;
}

const CONTENDERS: Contender[] = [
	{
		key: 'trigger',
		label: 'Composio Trigger (managed)',
		workflowId: TRIGGER_WORKFLOW,
		isNode: ({ url, functionName }) =>
			url.includes(PACKAGE_DIR) &&
			url.endsWith('/ComposioTrigger.node.js') &&
			(functionName === 'webhook' || functionName === 'execute'),
	},
	{
		key: 'webhook',
		label: "n8n's Webhook node",
		workflowId: WEBHOOK_WORKFLOW,
		isNode: ({ url, functionName }) =>
			url.endsWith('/nodes/Webhook/Webhook.node.js') && functionName === 'webhook',
	},
];

function noOp(id: string) {
	return {
		id,
		name: 'NoOp',
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [240, 0],
		parameters: {},
	};
}

/** Composio Trigger (managed subscription, all three events) → NoOp. */
const triggerWorkflow = {
	id: TRIGGER_WORKFLOW,
	name: 'Bench burst: Composio Trigger',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [
		{
			id: 'burst-trigger',
			name: 'Composio Trigger',
			type: 'n8n-nodes-composio-mcp.composioTrigger',
			typeVersion: 1.1,
			position: [0, 0],
			webhookId: hookOf(TRIGGER_WORKFLOW),
			parameters: { subscription: 'managed', events: ALL_EVENTS },
			credentials: { composioMcpApi: CREDENTIAL },
		},
		noOp('burst-trigger-noop'),
	],
	connections: { 'Composio Trigger': { main: [[{ node: 'NoOp', type: 'main', index: 0 }]] } },
};

/** n8n's Webhook node (version 2, POST, a fixed path, every option at its default) → NoOp. */
const webhookWorkflow = {
	id: WEBHOOK_WORKFLOW,
	name: 'Bench burst: Webhook node',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [
		{
			id: 'burst-webhook',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: 'b0b57b0b-2222-4222-8222-222222222222',
			parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, options: {} },
		},
		noOp('burst-webhook-noop'),
	],
	connections: { Webhook: { main: [[{ node: 'NoOp', type: 'main', index: 0 }]] } },
};

// ── the burst and n8n's execution list ──────────────────────────────────────────────────────

/** The project's events as Composio signs them: trigger messages of one trigger instance. */
class Deliveries {
	private readonly triggerId: string;

	private sent = 0;

	constructor(private readonly sim: LocalSim) {
		const account = sim.sim.connectAccount('user-burst', 'ac_gmail_burst', { toolkit: 'gmail' });
		this.triggerId = sim.sim.addTriggerInstance('GMAIL_NEW_GMAIL_MESSAGE', account.id).id;
	}

	/** `count` fresh events, each signed with the subscription's secret (built before the clock). */
	next(count: number): Array<{ headers: Record<string, string>; rawBody: string }> {
		const secret = this.sim.sim.subscription?.secret;
		if (!secret) throw new Error('the simulator has no subscription: the trigger did not activate');
		return Array.from({ length: count }, () => {
			const index = this.sent++;
			const event = this.sim.sim.triggerMessage(this.triggerId, {
				messageId: `m-${index}`,
				threadId: `t-${index % 17}`,
				subject: `Burst message ${index}`,
				from: 'sender@example.com',
				snippet: 'A message of the bench burst, about as long as a mail preview is.',
			});
			return signedDelivery(event, secret);
		});
	}
}

interface Round {
	/** Answer time of each delivery, ms (send to body read). */
	latencies: number[];
	/** First send to last answer. */
	ms: number;
	/** Deliveries not answered 200 (or, for the trigger, not with `{"received":true}`). */
	bad: string[];
	/** Executions of the workflow the round added, as n8n's list counts them, and how many succeeded. */
	executions: number;
	succeeded: number;
}

/** Nearest rank. */
function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

async function post(
	url: string,
	deliveries: Array<{ headers: Record<string, string>; rawBody: string }>,
	expectBody: string | undefined,
): Promise<Omit<Round, 'executions' | 'succeeded'>> {
	const bad: string[] = [];
	const started = performance.now();
	const latencies = await inParallel(deliveries, C7, async ({ headers, rawBody }) => {
		const sent = performance.now();
		try {
			const response = await fetch(url, { method: 'POST', headers, body: rawBody });
			const body = await response.text();
			if (response.status !== 200 || (expectBody !== undefined && body !== expectBody)) {
				bad.push(`${response.status} ${body.slice(0, 80)}`);
			}
		} catch (error) {
			bad.push(`no answer: ${(error as Error).message}`);
		}
		return performance.now() - sent;
	});
	return { latencies, ms: performance.now() - started, bad };
}

/** A running n8n with a logged-in owner: its REST API counts executions. */
class Server {
	private constructor(
		readonly running: RunningN8n,
		private readonly cookie: string,
		readonly urls: Record<Key, string>,
	) {}

	static async start(n8n: N8n, sim: LocalSim, extraEnv: NodeJS.ProcessEnv): Promise<Server> {
		const running = await n8n.start(extraEnv);
		let started = false;
		try {
			const trigger = `${running.url}/webhook/${hookOf(TRIGGER_WORKFLOW)}/webhook`;
			// Activation pointed the project's subscription at the trigger's production URL.
			const subscription = sim.sim.subscription;
			if (subscription?.webhook_url !== trigger) {
				throw new Error(
					`the subscription points at ${subscription?.webhook_url ?? 'nothing'}, not ${trigger}`,
				);
			}
			const cookie = await loginAsOwner(running.url);
			started = true;
			return new Server(running, cookie, {
				trigger,
				webhook: `${running.url}/webhook/${WEBHOOK_PATH}`,
			});
		} finally {
			if (!started) await running.stop();
		}
	}

	/** How many executions of the workflow have `status` (any ended one when absent). */
	private async count(workflowId: string, status?: string[]): Promise<number> {
		const filter = encodeURIComponent(
			JSON.stringify({ workflowId, ...(status ? { status } : {}) }),
		);
		// `count` is of all matching executions (not of the page, 20 by default); exact on SQLite.
		const response = await fetch(`${this.running.url}/rest/executions?filter=${filter}&limit=1`, {
			headers: { cookie: this.cookie },
		});
		if (!response.ok)
			throw new Error(`execution list: ${response.status} ${await response.text()}`);
		const { data } = (await response.json()) as { data: { count: number; estimated?: boolean } };
		if (data.estimated) throw new Error('n8n estimated the execution count');
		return data.count;
	}

	/**
	 * Waits until no execution of the workflow is new or running and at least `atLeast` have ended
	 * (60 s at most), and says how many have ended and how many of them succeeded.
	 */
	async settled(
		workflowId: string,
		atLeast: number,
	): Promise<{ ended: number; succeeded: number }> {
		const deadline = Date.now() + 60_000;
		for (;;) {
			const going = await this.count(workflowId, ['new', 'running']);
			const ended = await this.count(workflowId);
			if ((going === 0 && ended >= atLeast) || Date.now() > deadline) {
				return { ended, succeeded: await this.count(workflowId, ['success']) };
			}
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	async round(
		contender: Contender,
		deliveries: Deliveries,
		count: number,
		before: { ended: number; succeeded: number },
	): Promise<Round> {
		const sent = await post(
			this.urls[contender.key],
			deliveries.next(count),
			contender.key === 'trigger' ? RECEIVED : undefined,
		);
		const after = await this.settled(contender.workflowId, before.ended + count);
		return {
			...sent,
			executions: after.ended - before.ended,
			succeeded: after.succeeded - before.succeeded,
		};
	}
}

interface Measured {
	rounds: Record<Key, Round[]>;
	/** Whether every round had every answer right and exactly one successful execution per delivery. */
	problems: string[];
	/** Deliveries the trigger had accepted (its executions) before the first measured round. */
	acceptedBefore: number;
}

/** One n8n start: a warm-up of each contender, then ROUNDS7 rounds alternating between them. */
async function measure(
	n8n: N8n,
	sim: LocalSim,
	deliveries: Deliveries,
	extraEnv: NodeJS.ProcessEnv,
	log: (message: string) => void,
	tag: string,
): Promise<Measured> {
	const server = await Server.start(n8n, sim, extraEnv);
	try {
		const totals: Record<Key, { ended: number; succeeded: number }> = {
			trigger: await server.settled(TRIGGER_WORKFLOW, 0),
			webhook: await server.settled(WEBHOOK_WORKFLOW, 0),
		};
		const add = (key: Key, result: Round) => {
			totals[key] = {
				ended: totals[key].ended + result.executions,
				succeeded: totals[key].succeeded + result.succeeded,
			};
		};
		for (const contender of CONTENDERS) {
			add(contender.key, await server.round(contender, deliveries, WARM7, totals[contender.key]));
		}
		const acceptedBefore = totals.trigger.ended;
		const rounds: Record<Key, Round[]> = { trigger: [], webhook: [] };
		const problems: string[] = [];
		for (let round = 0; round < ROUNDS7; round++) {
			// Alternating, so that a slow moment of the machine falls on both alike.
			for (const contender of round % 2 ? [...CONTENDERS].reverse() : CONTENDERS) {
				const result = await server.round(contender, deliveries, N7, totals[contender.key]);
				add(contender.key, result);
				rounds[contender.key].push(result);
				problems.push(...roundProblems(contender, result, round));
				log(
					`7: ${tag}, round ${round + 1}/${ROUNDS7}, ${contender.key}: p50 ${Math.round(percentile(result.latencies, 0.5))} ms, p95 ${Math.round(percentile(result.latencies, 0.95))} ms, ${sec(result.ms)}, ${result.executions} executions`,
				);
			}
		}
		return { rounds, problems, acceptedBefore };
	} finally {
		await server.running.stop();
	}
}

function roundProblems(contender: Contender, round: Round, index: number): string[] {
	const where = `${contender.key} round ${index + 1}`;
	const problems: string[] = [];
	if (round.bad.length > 0) {
		problems.push(`${where}: ${round.bad.length} answers wrong (first: ${round.bad[0]})`);
	}
	if (round.executions !== N7) problems.push(`${where}: ${round.executions}/${N7} executions`);
	if (round.succeeded !== round.executions) {
		problems.push(`${where}: ${round.executions - round.succeeded} executions did not succeed`);
	}
	return problems;
}

const p50 = (round: Round) => percentile(round.latencies, 0.5);
const p95 = (round: Round) => percentile(round.latencies, 0.95);
const perRound = (rounds: Round[], pick: (round: Round) => number) =>
	rounds.map((round) => Math.round(pick(round))).join(', ');

function burstTable(measured: Measured): string {
	const rows = CONTENDERS.map((contender) => {
		const rounds = measured.rounds[contender.key];
		const ok = (round: Round) =>
			round.bad.length === 0 && round.executions === N7 && round.succeeded === N7;
		return [
			contender.label,
			`**${Math.round(median(rounds.map(p95)))} ms**`,
			perRound(rounds, p95),
			`${Math.round(median(rounds.map(p50)))} ms`,
			perRound(rounds, p50),
			sec(median(rounds.map((round) => round.ms))),
			rounds.map((round) => (round.ms / 1000).toFixed(2)).join(', '),
			rounds.map((round) => String(round.executions)).join(', '),
			rounds.every(ok)
				? `✓ ${rounds.length * N7} answered 200${contender.key === 'trigger' ? ' `{"received":true}`' : ''}, one successful execution each`
				: '✗',
		];
	});
	return table(
		[
			'contender',
			'p95 (median)',
			'p95 per round, ms',
			'p50 (median)',
			'p50 per round, ms',
			'burst time (median)',
			'per round, s',
			'executions per round',
			'checks',
		],
		rows,
	);
}

const p95Ratio = (measured: Measured) =>
	median(measured.rounds.trigger.map(p95)) / median(measured.rounds.webhook.map(p95));

// ── where the time goes: CPU profiles ───────────────────────────────────────────────────────

interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	children?: number[];
}

interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
	[key: string]: unknown;
}

/** The steps of an isolate's life (n8n's expression engine, isolated-vm-bridge.js). */
const STEPS = ['IsolatedVmBridge', 'initialize', 'loadVendorLibraries', 'dispose'] as const;
type Step = (typeof STEPS)[number];

/** Who asked for an isolate: the nearest of these frames up the stack. */
const CALLERS = [
	{
		name: 'the webhook phase (live-webhooks.js `executeWebhook`)',
		match: ({ url, functionName }: CallFrame) =>
			functionName === 'executeWebhook' && url.endsWith('/webhooks/live-webhooks.js'),
	},
	{
		name: 'the run (`WorkflowExecute`: `initializeExecution`, its release)',
		match: ({ url }: CallFrame) => url.endsWith('/execution-engine/workflow-execute.js'),
	},
	{
		name: 'a credential read (`getDecrypted`)',
		match: ({ url, functionName }: CallFrame) =>
			functionName === 'getDecrypted' && url.endsWith('/credentials-helper.js'),
	},
] as const;
const UNSEEN: number = CALLERS.length;

/** Frames every delivery passes through besides the node's own: they keep the window dense. */
const perDelivery = ({ url, functionName }: CallFrame) =>
	(functionName === 'executeWebhook' && url.endsWith('/webhooks/live-webhooks.js')) ||
	(functionName === 'processRunExecutionData' &&
		url.endsWith('/execution-engine/workflow-execute.js'));

interface Isolates {
	/** ms in the window by caller (CALLERS, then "not on the stack") and step. */
	byCaller: Array<Record<Step, number>>;
}

interface Profiled {
	window: WindowProfile;
	isolates: Isolates;
	/** Self time in the node's own file(s), in all and by function. */
	ownMs: number;
	ownTop: Array<{ name: string; ms: number }>;
	round: Round;
	/** The warm-up was cut off the profile (an idle gap of at least 2 s before the round). */
	trimmed: boolean;
	/** Deliveries the workflow had accepted (its executions) before the profiled round. */
	acceptedBefore: number;
}

/**
 * Cuts the warm-up off a profile: keeps the samples from the first marked one after the longest
 * gap (≥ 2 s) between marked samples, which is the idle pause before the profiled round.
 */
function trimToRound(
	profile: CpuProfile,
	marked: (sampleIndex: number) => boolean,
): { profile: CpuProfile; trimmed: boolean } {
	let at = 0;
	let previous = -1;
	let longest = 0;
	let start = 0;
	profile.samples.forEach((_, index) => {
		at += profile.timeDeltas[index] ?? 0;
		if (!marked(index)) return;
		if (previous >= 0 && at - previous > longest) {
			longest = at - previous;
			start = index;
		}
		previous = at;
	});
	if (longest < 2_000_000) return { profile, trimmed: false };
	return {
		profile: {
			...profile,
			samples: profile.samples.slice(start),
			timeDeltas: [0, ...profile.timeDeltas.slice(start + 1)],
		},
		trimmed: true,
	};
}

function analyse(file: string, contender: Contender): Omit<Profiled, 'round' | 'acceptedBefore'> {
	const raw = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
	const byId = new Map(raw.nodes.map((node) => [node.id, node]));
	const parent = new Map<number, number>();
	for (const node of raw.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
	const isMark = (frame: CallFrame) => contender.isNode(frame) || perDelivery(frame);
	const markMemo = new Map<number, boolean>();
	const marked = (id: number): boolean => {
		const known = markMemo.get(id);
		if (known !== undefined) return known;
		const up = parent.get(id);
		const inside = isMark(byId.get(id)!.callFrame) || (up !== undefined && marked(up));
		markMemo.set(id, inside);
		return inside;
	};
	const { profile, trimmed } = trimToRound(raw, (index) => marked(raw.samples[index]));
	const trimmedFile = `${file}.round.cpuprofile`;
	writeFileSync(trimmedFile, JSON.stringify(profile));
	const window = profileWindow(trimmedFile, isMark);
	rmSync(trimmedFile, { force: true });

	// The same window (first to last marked sample), each sample's time as profileWindow counts it.
	let first = -1;
	let last = -1;
	profile.samples.forEach((id, index) => {
		if (!marked(id)) return;
		if (first < 0) first = index;
		last = index;
	});
	/** Per profile node: the isolate step it is in (innermost) and who asked (nearest caller). */
	const isolateMemo = new Map<number, { step: Step; caller: number } | null>();
	const isolateOf = (id: number) => {
		if (isolateMemo.has(id)) return isolateMemo.get(id)!;
		let step: Step | undefined;
		let caller = UNSEEN;
		for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
			const frame = byId.get(at)!.callFrame;
			if (step === undefined) {
				if (frame.url.endsWith('/isolated-vm-bridge.js'))
					step = STEPS.find((name) => name === frame.functionName);
				continue;
			}
			const found = CALLERS.findIndex((candidate) => candidate.match(frame));
			if (found >= 0) {
				caller = found;
				break;
			}
		}
		const result = step === undefined ? null : { step, caller };
		isolateMemo.set(id, result);
		return result;
	};
	const ownFile = (url: string) =>
		contender.key === 'trigger'
			? url.includes(PACKAGE_DIR)
			: url.endsWith('/nodes/Webhook/Webhook.node.js');
	const byCaller = Array.from({ length: CALLERS.length + 1 }, () =>
		Object.fromEntries(STEPS.map((step) => [step, 0])),
	) as Array<Record<Step, number>>;
	let ownMs = 0;
	const own = new Map<string, number>();
	for (let index = Math.max(0, first); index <= last; index++) {
		const frame = byId.get(profile.samples[index])!.callFrame;
		if (['(idle)', '(program)', '(garbage collector)'].includes(frame.functionName)) continue;
		const spent = (profile.timeDeltas[index + 1] ?? 0) / 1000;
		if (ownFile(frame.url)) {
			ownMs += spent;
			const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}`;
			own.set(name, (own.get(name) ?? 0) + spent);
		}
		const isolate = isolateOf(profile.samples[index]);
		if (isolate) byCaller[isolate.caller][isolate.step] += spent;
	}
	const ownTop = [...own.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, 5)
		.map(([name, ms]) => ({ name, ms }));
	return { window, isolates: { byCaller }, ownMs, ownTop, trimmed };
}

/** One n8n start with a V8 CPU profile: a warm-up, an idle pause, one round of one contender. */
async function profiled(
	n8n: N8n,
	sim: LocalSim,
	deliveries: Deliveries,
	contender: Contender,
	log: (message: string) => void,
): Promise<Profiled> {
	const dir = mkdtempSync(join(n8n.folder, 'cpu-prof-'));
	try {
		const server = await Server.start(n8n, sim, {
			NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}`,
		});
		let round: Round;
		let acceptedBefore: number;
		try {
			const before = await server.settled(contender.workflowId, 0);
			const warmUp = await server.round(contender, deliveries, WARM7, before);
			const warm = {
				ended: before.ended + warmUp.executions,
				succeeded: before.succeeded + warmUp.succeeded,
			};
			acceptedBefore = warm.ended;
			await new Promise((resolve) => setTimeout(resolve, 3000));
			round = await server.round(contender, deliveries, N7, warm);
			log(
				`7: profiled round, ${contender.key}: p95 ${Math.round(p95(round))} ms, ${sec(round.ms)}, ${round.executions} executions`,
			);
		} finally {
			await server.running.stop();
		}
		// The n8n process's own profile is the largest (the task runner writes one too).
		const [file] = readdirSync(dir)
			.filter((name) => name.endsWith('.cpuprofile'))
			.map((name) => join(dir, name))
			.sort((a, b) => statSync(b).size - statSync(a).size);
		if (!file) throw new Error('n8n wrote no CPU profile');
		return { ...analyse(file, contender), round, acceptedBefore };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

const sum = (step: Record<Step, number>) => STEPS.reduce((total, name) => total + step[name], 0);

/**
 * The isolate time whose caller is not on the stack (after an `await`: initialize and its
 * vendor libraries run as continuations) is the same work for every isolate, one per constructor:
 * it is shared out in proportion to each caller's constructor time.
 */
function sharedOut(isolates: Isolates): number[] {
	const constructors = isolates.byCaller.slice(0, UNSEEN).map((step) => step.IsolatedVmBridge);
	const known = constructors.reduce((total, value) => total + value, 0);
	const unseen = sum(isolates.byCaller[UNSEEN]);
	return isolates.byCaller
		.slice(0, UNSEEN)
		.map((step, caller) => sum(step) + (known > 0 ? (unseen * constructors[caller]) / known : 0));
}

function profileTable(profiles: Record<Key, Profiled>): string {
	const perDeliveryMs = (value: number) => (value / N7).toFixed(2);
	const column = (pick: (profile: Profiled) => number) =>
		CONTENDERS.map((contender) => perDeliveryMs(pick(profiles[contender.key])));
	const areas = AREAS.map((area) => area.name).filter((name) =>
		CONTENDERS.some(
			(contender) =>
				(profiles[contender.key].window.areas.find((area) => area.name === name)?.ms ?? 0) > 0,
		),
	);
	const shares = Object.fromEntries(
		CONTENDERS.map((contender) => [contender.key, sharedOut(profiles[contender.key].isolates)]),
	) as Record<Key, number[]>;
	const rows: string[][] = [
		['window: first to last sample of the round', ...column((p) => p.window.windowMs)],
		['CPU in the window', ...column((p) => p.window.cpuMs).map((cell) => `**${cell}**`)],
		['  garbage collection', ...column((p) => p.window.gcMs)],
		...areas.map((name) => [
			`  ${name}`,
			...column((p) => p.window.areas.find((area) => area.name === name)?.ms ?? 0),
		]),
		[
			"  of all areas: the node's own file (this package; Webhook.node.js)",
			...column((p) => p.ownMs),
		],
		[
			'isolates created and disposed, in all (the four steps below)',
			...column((p) => p.isolates.byCaller.reduce((total, step) => total + sum(step), 0)).map(
				(cell) => `**${cell}**`,
			),
		],
		...STEPS.map((step) => [
			`  \`${step === 'IsolatedVmBridge' ? 'new IsolatedVmBridge' : step}\``,
			...column((p) => p.isolates.byCaller.reduce((total, byStep) => total + byStep[step], 0)),
		]),
		...CALLERS.map((caller, index) => [
			`  asked by ${caller.name}: on the stack → with the rest shared out`,
			...CONTENDERS.map(
				(contender) =>
					`${perDeliveryMs(sum(profiles[contender.key].isolates.byCaller[index]))} → **${perDeliveryMs(shares[contender.key][index])}**`,
			),
		]),
		[
			'  caller not on the stack (after an `await`)',
			...column((p) => sum(p.isolates.byCaller[UNSEEN])),
		],
	];
	return table(['ms per delivery', ...CONTENDERS.map((contender) => contender.label)], rows);
}

/** The functions with the most CPU of their own in each window, side by side. */
function topTable(profiles: Record<Key, Profiled>): string {
	const rows = Array.from({ length: 8 }, (_, rank) =>
		CONTENDERS.flatMap((contender) => {
			const entry = profiles[contender.key].window.top[rank];
			return entry ? [`\`${entry.name}\``, (entry.ms / N7).toFixed(2)] : ['', ''];
		}),
	);
	return table(
		CONTENDERS.flatMap((contender) => [`${contender.label}: function (file)`, 'ms per delivery']),
		rows,
	);
}

// ── the section ─────────────────────────────────────────────────────────────────────────────

/**
 * Measurement 7: pushes its section onto `sections` and returns the verdict line. Needs the E2E_*
 * variables scripts/bench.sh sets (packed tarball, Node 24, n8n). About 4 minutes on 2 cores.
 */
export async function triggerBurst(
	sections: string[],
	log: (message: string) => void,
): Promise<string> {
	const missing = ['E2E_TARBALL', 'E2E_NODE24', 'E2E_N8N_BIN'].filter((name) => !process.env[name]);
	if (missing.length > 0) {
		sections.push(
			`## 7. Burst of Composio deliveries: skipped (${missing.join(', ')} not set: run \`npm run bench\`)`,
		);
		return 'Target (burst, trigger p95 ≤ 1.2× the Webhook node’s): skipped';
	}
	const sim = await LocalSim.start({ latencyMs: 0 });
	const n8n = await N8n.create();
	try {
		const deliveries = new Deliveries(sim);
		log('7: importing the two workflows into n8n');
		const setup = [
			await n8n.import('credentials', [
				{ ...CREDENTIAL, type: 'composioMcpApi', data: { apiKey: sim.apiKey, baseUrl: sim.url } },
			]),
			await n8n.import('workflow', [triggerWorkflow, webhookWorkflow]),
			// As N8n.activate does on n8n 2.x (the bench runs 2.x; E2E_N8N_VERSION is the e2e suite's).
			await n8n.command(['publish:workflow', `--id=${TRIGGER_WORKFLOW}`]),
			await n8n.command(['publish:workflow', `--id=${WEBHOOK_WORKFLOW}`]),
		];
		for (const result of setup) {
			if (result.code !== 0) throw new Error(`n8n setup failed: ${result.stderr || result.stdout}`);
		}

		log("7: n8n's defaults");
		const defaults = await measure(n8n, sim, deliveries, {}, log, 'defaults');
		log('7: N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true');
		const lazy = await measure(n8n, sim, deliveries, LAZY, log, 'lazy acquire');
		const profiles = {} as Record<Key, Profiled>;
		for (const contender of CONTENDERS) {
			log(`7: CPU profile, ${contender.key}`);
			profiles[contender.key] = await profiled(n8n, sim, deliveries, contender, log);
		}
		const profileProblems = CONTENDERS.flatMap((contender) => [
			...roundProblems(contender, profiles[contender.key].round, 0).map(
				(problem) => `profiled ${problem}`,
			),
			...(profiles[contender.key].trimmed ? [] : [`${contender.key}: warm-up not cut off`]),
		]);

		const rateDefaults = p95Ratio(defaults);
		const rateLazy = p95Ratio(lazy);
		const met = rateDefaults <= TARGET_7 && defaults.problems.length === 0;
		const checks = (measured: Measured) =>
			measured.problems.length === 0
				? 'Checks: every round ✓.'
				: `Checks: ✗ ${measured.problems.join('; ')}`;
		sections.push(
			[
				`## 7. A burst of signed Composio deliveries: Composio Trigger beside n8n's Webhook node — trigger p95 ≤ ${TARGET_7}× the Webhook node's: **${met ? 'met' : 'NOT met'}** (${ratio(rateDefaults)} under n8n's defaults; ${ratio(rateLazy)} with \`N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true\`)`,
				'',
				`Two workflows active side by side in one \`n8n start\` (SQLite, regular mode): **Composio Trigger** (version 1.1, Managed subscription, all three events; activation pointed the simulated project's subscription at its production URL) → NoOp, and **n8n's Webhook node** (version 2, POST, a fixed path, options at their defaults) → NoOp. ` +
					`Both get the same kind of delivery: a fresh \`composio.trigger.message\` event signed with the subscription's secret (Composio's headers, built before the clock starts), ${C7} in flight. ` +
					`After a warm-up of ${WARM7} deliveries each, ${ROUNDS7} rounds of ${N7} per contender, alternating. ` +
					'**Answer time**: from sending a delivery to reading its answer (both answer on receipt: the trigger `{"received":true}`, the Webhook node "Workflow was started"); p50 and p95 per round (nearest rank), the median round counts. ' +
					'**Burst time**: first send to last answer. ' +
					"**Executions**: what the round added to n8n's own execution list of the workflow (REST `/rest/executions`, its `count`), read once none is new or running; each delivery must start exactly one, and each must succeed. " +
					`The trigger remembers the ids of the last ${REMEMBER_AT_MOST.toLocaleString('en')} deliveries it accepted (in the process, in static data and in n8n's deduplication store, the last two rewritten by each run), so its own work per delivery grows until it holds that many: ` +
					`it had accepted ${defaults.acceptedBefore} before 7a's first round, ${lazy.acceptedBefore} before 7b's and ${profiles.trigger.acceptedBefore} before its profiled round (7c).`,
				'',
				"### 7a. Under n8n's defaults",
				'',
				burstTable(defaults),
				'',
				checks(defaults),
				'',
				'### 7b. With `N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true` (n8n restarted with it)',
				'',
				burstTable(lazy),
				'',
				`Trigger p95 ÷ Webhook node p95: ${ratio(rateLazy)}. ${checks(lazy)}`,
				'',
				`### 7c. Where the time goes under n8n's defaults: CPU profile of the n8n process (\`--cpu-prof\`), ${N7} deliveries, ms per delivery`,
				'',
				`One n8n start per contender with a V8 CPU profile: ${WARM7} warm-up deliveries, a pause of 3 s (the profile is cut there, so the warm-up is not counted), then one round of ${N7} as above. ` +
					"The window runs from the first to the last sample with the node's code or n8n's per-delivery steps (live-webhooks `executeWebhook`, `processRunExecutionData`) on the stack; each sample counts for the code it was in (self time), grouped by area as in 3b. " +
					"**Isolates**: n8n 2.41's expression engine creates an isolated-vm isolate for each acquire and disposes of it on release (pool of 1); its four steps are counted inclusively, " +
					'each to the nearest asking frame up the stack. Continuations after an `await` (most of `initialize`) do not show who asked: that time is the same work for every isolate, one per constructor, and is shared out in proportion to each caller’s constructor time (→).' +
					(profileProblems.length > 0 ? ` Checks: ✗ ${profileProblems.join('; ')}.` : ''),
				'',
				profileTable(profiles),
				'',
				`The trigger's own functions with the most CPU of their own (ms per delivery): ${profiles.trigger.ownTop.map((entry) => `\`${entry.name}\` ${(entry.ms / N7).toFixed(2)}`).join(', ')}.`,
				'',
				'The functions with the most CPU of their own in each window:',
				'',
				topTable(profiles),
				'',
				`Profiled rounds: trigger p95 ${Math.round(p95(profiles.trigger.round))} ms in ${sec(profiles.trigger.round.ms)}; Webhook node p95 ${Math.round(p95(profiles.webhook.round))} ms in ${sec(profiles.webhook.round.ms)} (profiling slows both).`,
			].join('\n'),
		);
		return `Part 7, trigger burst (${N7} deliveries, ${C7} in flight: Composio Trigger p95 ≤ ${TARGET_7}× n8n's Webhook node's): ${met ? 'met' : 'NOT met'}, ${ratio(rateDefaults)} under n8n's defaults (${ratio(rateLazy)} with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true)`;
	} finally {
		await sim.close();
		n8n.dispose();
	}
}
