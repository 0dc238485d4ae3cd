/* eslint-disable @n8n/community-nodes/no-restricted-globals -- bench tooling: it runs n8n processes and watches the loopback simulator on a timer; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * Measurement 8 (issue 18): many users waiting at once for their connected accounts, which turn
 * ACTIVE at random times, under a rate limit. Connected Account › Wait for Connection (all users
 * in one run; and one execution per user, as signups start them) beside the same wait built from
 * n8n's own nodes (HTTP Request → If → Wait, in a loop), in a real n8n against the simulator in
 * this process. Per user: the requests it
 * cost, when its account turned ACTIVE (the simulator's activateAt), when a check first saw it
 * (statusChanges' seenAt) and when n8n passed its item on (the node's, or the loop's If's, end).
 */
import { loginAsOwner, N8n, restOf, type RunItem, type RunOutput } from '../test/e2e/n8n';
import type { Simulator } from '../test/simulator';
import { median, sec, table } from './format';
import { LocalSim } from './sim';

/** Users, the node's Concurrency, the window the accounts turn ACTIVE in, the rate limit. */
const N8 = 200;
const C8 = 50;
const WINDOW8_MS = 30_000;
const R8 = 100;
/** Wait for Connection's Poll Interval at its default, and the loop's Wait node alike. */
const INTERVAL8_MS = 5_000;
/** Targets: ACTIVE → item out within interval + 1 s at p95; requests ≤ 1 + wait / interval. */
const TARGET8_DELAY_MS = INTERVAL8_MS + 1_000;
const LATENCY8_MS = 20;
/** The loop's HTTP Request: 50 requests every 500 ms, 100/s, what the limit allows. */
const LOOP_BATCH = { batchSize: 50, batchInterval: 500 };

const COMPOSIO_CREDENTIAL = { id: 'benchWaitComposio', name: 'Composio (wait bench)' };
const HEADER_CREDENTIAL = { id: 'benchWaitHeader', name: 'x-api-key (wait bench)' };
const AUTH_CONFIG = 'ac_bench_wait_github';

const ACCOUNT_PREFIX = 'ca_bench_wait_';
export const accountId = (index: number) => `${ACCOUNT_PREFIX}${index}`;

type Key = 'composio' | 'perUser' | 'loop';

interface Contender {
	key: Key;
	label: string;
	workflowId: string;
	/** The node whose tasks pass an item on: an item leaves when the task that output it ends. */
	outNode: string;
}

const CONTENDERS: Contender[] = [
	{
		key: 'composio',
		label: `Composio MCP › Wait for Connection (Concurrency ${C8}, other options at their defaults)`,
		workflowId: 'benchWaitComposio',
		outNode: 'Wait for Connection',
	},
	{
		key: 'perUser',
		label: `Composio MCP › Wait for Connection, one execution per user (${N8} webhook calls at once, \`n8n start\`; options at their defaults)`,
		workflowId: 'benchWaitPerUser',
		outNode: 'Wait for Connection',
	},
	{
		key: 'loop',
		label: `n8n's nodes: HTTP Request (batches of ${LOOP_BATCH.batchSize} every ${LOOP_BATCH.batchInterval} ms) → If ACTIVE → Wait ${INTERVAL8_MS / 1000} s → back`,
		workflowId: 'benchWaitLoop',
		outNode: 'Active?',
	},
];

// ── workflows ───────────────────────────────────────────────────────────────────────────────

function node(name: string, type: string, typeVersion: number, position: number[], rest = {}) {
	return {
		id: `bench-wait-${name.replace(/\W+/g, '-')}`,
		name,
		type,
		typeVersion,
		position,
		...rest,
	};
}

const start = node('Start', 'n8n-nodes-base.manualTrigger', 1, [0, 0], { parameters: {} });
const accounts = node('Accounts', 'n8n-nodes-base.code', 2, [220, 0], {
	parameters: {
		jsCode: `return Array.from({ length: ${N8} }, (_, i) => ({ json: { id: '${ACCOUNT_PREFIX}' + i, userId: 'user-' + i } }));`,
	},
});
const connected = (position: number[]) =>
	node('Connected', 'n8n-nodes-base.noOp', 1, position, { parameters: {} });
const link = (to: string, index = 0) => [{ node: to, type: 'main', index }];

const workflow = (id: string, name: string, nodes: unknown[], connections: object) => ({
	id,
	name,
	active: false,
	settings: { executionOrder: 'v1' },
	nodes,
	connections,
});

/** Connected Account › Wait for Connection on the account `id` names, other options as given. */
const waitForConnection = (position: number[], id: string, options = {}) =>
	node('Wait for Connection', 'n8n-nodes-composio-mcp.composioMcp', 1.1, position, {
		parameters: {
			resource: 'connectedAccount',
			operation: 'waitForConnection',
			connectedAccountId: { __rl: true, mode: 'id', value: id },
			...options,
		},
		credentials: { composioMcpApi: COMPOSIO_CREDENTIAL },
	});

function composioWorkflow() {
	return workflow(
		'benchWaitComposio',
		'Bench wait: Wait for Connection',
		[
			start,
			accounts,
			waitForConnection([440, 0], '={{ $json.id }}', { requestOptions: { concurrency: C8 } }),
			connected([660, 0]),
		],
		{
			Start: { main: [link('Accounts')] },
			Accounts: { main: [link('Wait for Connection')] },
			'Wait for Connection': { main: [link('Connected')] },
		},
	);
}

/** The webhook the per-user contender calls once per user, with `{ "id": <account ID> }`. */
const PER_USER_PATH = 'bench-wait-per-user';

/** As a signup webhook starts one execution per user (examples/onboarding-complete.json). */
function perUserWorkflow() {
	return workflow(
		'benchWaitPerUser',
		'Bench wait: Wait for Connection, one execution per user',
		[
			node('Signup', 'n8n-nodes-base.webhook', 2, [0, 0], {
				webhookId: '5f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
				parameters: {
					httpMethod: 'POST',
					path: PER_USER_PATH,
					responseMode: 'onReceived',
					options: {},
				},
			}),
			waitForConnection([220, 0], '={{ $json.body.id }}'),
			connected([440, 0]),
		],
		{
			Signup: { main: [link('Wait for Connection')] },
			'Wait for Connection': { main: [link('Connected')] },
		},
	);
}

function loopWorkflow(simUrl: string) {
	return workflow(
		'benchWaitLoop',
		"Bench wait: n8n's nodes in a loop",
		[
			start,
			accounts,
			node('Check the account', 'n8n-nodes-base.httpRequest', 4.2, [440, 0], {
				parameters: {
					url: `=${simUrl}/api/v3/connected_accounts/{{ $json.id }}`,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpHeaderAuth',
					options: { batching: { batch: LOOP_BATCH } },
				},
				credentials: { httpHeaderAuth: HEADER_CREDENTIAL },
			}),
			node('Active?', 'n8n-nodes-base.if', 2.2, [660, 0], {
				parameters: {
					conditions: {
						options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
						conditions: [
							{
								id: 'bench-wait-active',
								leftValue: '={{ $json.status }}',
								rightValue: 'ACTIVE',
								operator: { type: 'string', operation: 'equals' },
							},
						],
						combinator: 'and',
					},
					options: {},
				},
			}),
			connected([880, -100]),
			node('Wait', 'n8n-nodes-base.wait', 1.1, [880, 100], {
				webhookId: '8b3f0c1e-5a7d-4e2b-9c6f-0d1e2f3a4b5c',
				parameters: { amount: INTERVAL8_MS / 1000, unit: 'seconds' },
			}),
		],
		{
			Start: { main: [link('Accounts')] },
			Accounts: { main: [link('Check the account')] },
			'Check the account': { main: [link('Active?')] },
			'Active?': { main: [link('Connected'), link('Wait')] },
			Wait: { main: [link('Check the account')] },
		},
	);
}

// ── one run ─────────────────────────────────────────────────────────────────────────────────

/** A small seeded generator (mulberry32): both contenders of a repeat get the same times. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function activationOffsets(seed: number, count = N8, windowMs = WINDOW8_MS): number[] {
	const next = random(seed);
	return Array.from({ length: count }, () => Math.floor(next() * windowMs));
}

interface User {
	/** When the account turned ACTIVE, when a check first saw it, when n8n passed the item on. */
	activeAt: number;
	seenAt?: number;
	outAt?: number;
	/** The user's first check, and every check (GET of the account, 429s included). */
	firstAt?: number;
	lastAt?: number;
	checks: number[];
	requests: number;
}

interface WaitRun {
	contender: Key;
	error?: string;
	/** First check to the last item out. */
	ms: number;
	users: User[];
	/** Items passed on, per user (once each when all is well). */
	outCount: number[];
	rateLimited: number;
	requests: number;
	peakInFlight: number;
	violations: string[];
}

const ACCOUNT_PATH = /^\/api\/v3\/connected_accounts\/([^/]+)$/;

/**
 * Schedules each account's activation from its own first check: a user connects after their
 * execution has begun (it made their link), however late n8n started it among many (n8n's
 * start-up is not counted). Returns a stop that gives the run's first check.
 */
function activateFromOwnFirstCheck(sim: Simulator, offsets: number[]): () => number | undefined {
	let firstAt: number | undefined;
	let read = 0;
	const scheduled = new Set<string>();
	const schedule = () => {
		for (; read < sim.requests.length; read++) {
			const request = sim.requests[read];
			const id = ACCOUNT_PATH.exec(request.path)?.[1];
			if (request.method !== 'GET' || !id || scheduled.has(id)) continue;
			scheduled.add(id);
			firstAt ??= request.receivedAt;
			const index = Number(id.slice(ACCOUNT_PREFIX.length));
			// At its time even when read late: the simulator dates a change at its scheduled time.
			sim.activateAt(id, request.receivedAt + offsets[index]);
		}
	};
	const timer = setInterval(schedule, 1);
	return () => {
		clearInterval(timer);
		schedule();
		return firstAt;
	};
}

type Task = {
	startTime?: number;
	executionTime?: number;
	data?: { main?: Array<RunItem[] | null> };
};

/** When each account's item left: the end of the task that put it on the (first) output. */
function outTimes(run: RunOutput | undefined, outNode: string): Map<string, number[]> {
	const out = new Map<string, number[]>();
	const tasks = (run?.data.resultData.runData[outNode] ?? []) as Task[];
	for (const task of tasks) {
		const end = (task.startTime ?? Number.NaN) + (task.executionTime ?? Number.NaN);
		for (const item of task.data?.main?.[0] ?? []) {
			const id = typeof item.json.id === 'string' ? item.json.id : undefined;
			if (id) out.set(id, [...(out.get(id) ?? []), end]);
		}
	}
	return out;
}

/** Fresh simulator state: the users' INITIATED accounts and the rate limit. */
function prepare(s: Simulator): void {
	s.reset();
	for (let index = 0; index < N8; index++) {
		s.connectAccount(`user-${index}`, AUTH_CONFIG, {
			id: accountId(index),
			status: 'INITIATED',
			toolkit: 'github',
		});
	}
	s.setRateLimit({ perSecond: R8 });
}

/** What a contender's run gave: when each account's item left n8n, and the first error. */
interface Driven {
	out: Map<string, number[]>;
	error?: string;
}

/**
 * One contender's run on fresh simulator state. The activations are scheduled from each
 * account's own first check, so they may be armed before n8n has started.
 */
async function measure(
	n8n: N8n,
	sim: LocalSim,
	contender: Contender,
	seed: number,
): Promise<WaitRun> {
	const s = sim.sim;
	prepare(s);
	const stop = activateFromOwnFirstCheck(s, activationOffsets(seed));
	try {
		const drive = contender.key === 'perUser' ? executionPerUser : oneExecution;
		const { out, error } = await drive(n8n, contender);
		return collect(s, contender, out, stop(), error);
	} finally {
		stop();
	}
}

/** One `n8n execute` of the contender's workflow, all users in one run. */
async function oneExecution(n8n: N8n, contender: Contender): Promise<Driven> {
	const result = await n8n.execute(contender.workflowId);
	return {
		out: outTimes(result.run, contender.outNode),
		error:
			result.run?.data.resultData.error?.message ??
			(result.run ? undefined : `no run printed: ${(result.stderr || result.stdout).slice(-300)}`),
	};
}

/**
 * `n8n start` with the per-user workflow active; every user's webhook called at once, each
 * starting its own execution; once none is new or running (10 minutes at most), every one of
 * them read back from n8n's execution list (REST, as the editor reads them).
 */
async function executionPerUser(n8n: N8n, contender: Contender): Promise<Driven> {
	const running = await n8n.start();
	try {
		const rest = restOf(running.url, await loginAsOwner(running.url));
		const before = await rest.newestId();
		const endedBefore = await rest.count(contender.workflowId);
		const answers = await Promise.all(
			Array.from({ length: N8 }, async (_, index) => {
				const response = await fetch(`${running.url}/webhook/${PER_USER_PATH}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ id: accountId(index) }),
				});
				await response.text();
				return response.status;
			}),
		);
		const refused = answers.filter((status) => status !== 200).length;
		const deadline = Date.now() + 10 * 60_000;
		while (
			(await rest.count(contender.workflowId, ['new', 'running'])) > 0 ||
			(await rest.count(contender.workflowId)) < endedBefore + N8 - refused
		) {
			if (Date.now() > deadline) break;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		const out = new Map<string, number[]>();
		const errors: string[] = [];
		for (let id = before + 1; id <= before + N8; id++) {
			const run = await rest.run(String(id)).catch(() => undefined);
			const message = run ? run.data.resultData.error?.message : `execution ${id} not found`;
			if (message) errors.push(message);
			for (const [account, times] of outTimes(run, contender.outNode)) {
				out.set(account, [...(out.get(account) ?? []), ...times]);
			}
		}
		if (refused > 0) errors.unshift(`${refused} webhook calls not answered 200`);
		return { out, error: errors[0] };
	} finally {
		await running.stop();
	}
}

/** Per user: the checks the simulator saw, when the account turned ACTIVE, when it was seen and passed on. */
function collect(
	s: Simulator,
	contender: Contender,
	out: Map<string, number[]>,
	firstAt: number | undefined,
	error: string | undefined,
): WaitRun {
	const checks = new Map<string, number[]>();
	for (const request of s.requests) {
		const id = ACCOUNT_PATH.exec(request.path)?.[1];
		if (request.method === 'GET' && id)
			checks.set(id, [...(checks.get(id) ?? []), request.receivedAt]);
	}
	const users: User[] = [];
	const outCount: number[] = [];
	for (let index = 0; index < N8; index++) {
		const id = accountId(index);
		const active = s.statusChanges(id).find((change) => change.status === 'ACTIVE');
		const times = checks.get(id) ?? [];
		outCount.push(out.get(id)?.length ?? 0);
		users.push({
			activeAt: active?.at ?? Number.NaN,
			seenAt: active?.seenAt,
			outAt: out.get(id)?.[0],
			firstAt: times[0],
			lastAt: times.at(-1),
			checks: times,
			requests: times.length,
		});
	}
	const lastOut = Math.max(...users.map((user) => user.outAt ?? Number.NaN));
	return {
		contender: contender.key,
		error,
		ms: firstAt === undefined ? Number.NaN : lastOut - firstAt,
		users,
		outCount,
		rateLimited: s.rateLimited,
		requests: s.requests.length,
		peakInFlight: s.peakInFlight,
		violations: [...s.violations],
	};
}

// ── figures ─────────────────────────────────────────────────────────────────────────────────

/** Nearest rank. */
function percentile(values: number[], p: number): number {
	const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
	return sorted.length === 0 ? Number.NaN : sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

const delays = (users: User[], at: 'seenAt' | 'outAt') =>
	users.map((user) => (user[at] ?? Number.NaN) - user.activeAt);

/** Timers and the network move a check by some milliseconds: a check may come this much early. */
const JITTER8_MS = 100;

/** The user's allowance: 1 + (first check → the check that saw ACTIVE, + jitter) / interval. */
const allowance = (user: User) =>
	1 + ((user.seenAt ?? Number.NaN) - (user.firstAt ?? Number.NaN) + JITTER8_MS) / INTERVAL8_MS;

/** The shortest time between two checks of one user, over all users. */
const shortestGap = (users: User[]) =>
	Math.min(
		...users.flatMap((user) => user.checks.slice(1).map((at, index) => at - user.checks[index])),
	);

/** The most users whose checks had begun and not yet ended at one moment. */
export function mostWaitingAtOnce(spans: Array<{ from?: number; to?: number }>): number {
	const events: Array<[number, number]> = [];
	for (const { from, to } of spans) {
		if (from === undefined || to === undefined) continue;
		events.push([from, 1], [to, -1]);
	}
	events.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
	let now = 0;
	let most = 0;
	for (const [, step] of events) {
		now += step;
		most = Math.max(most, now);
	}
	return most;
}

function problemsOf(run: WaitRun): string[] {
	const problems: string[] = [];
	if (run.error) problems.push(`failed: “${run.error}”`);
	const unseen = run.users.filter((user) => user.seenAt === undefined).length;
	if (unseen > 0) problems.push(`${unseen} accounts never seen ACTIVE`);
	const missing = run.outCount.filter((count) => count === 0).length;
	const twice = run.outCount.filter((count) => count > 1).length;
	if (missing > 0) problems.push(`${missing} users not passed on`);
	if (twice > 0) problems.push(`${twice} users passed on twice`);
	if (run.violations.length > 0) problems.push(`spec violation: ${run.violations[0]}`);
	return problems;
}

const s1 = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(1) : '–');
const s2 = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '–');
const spread = (values: number[]) =>
	`${s1(percentile(values, 0.5))} / **${s1(percentile(values, 0.95))}** / ${s1(percentile(values, 1))}`;

const ROW_LABELS: Record<Key, string> = {
	composio: 'Wait for Connection, one run',
	perUser: 'Wait for Connection, execution per user',
	loop: "n8n's nodes (loop)",
};

function row(contender: Contender, rep: number, run: WaitRun): string[] {
	const requests = run.users.map((user) => user.requests);
	const over = run.users.filter((user) => user.requests > allowance(user) + 1e-9).length;
	const problems = problemsOf(run);
	return [
		ROW_LABELS[contender.key],
		String(rep + 1),
		sec(run.ms),
		String(run.requests),
		`${(requests.reduce((a, b) => a + b, 0) / N8).toFixed(2)} (max ${Math.max(...requests)})`,
		`${(run.users.map(allowance).reduce((a, b) => a + b, 0) / N8).toFixed(2)}`,
		String(over),
		s2(shortestGap(run.users)),
		spread(delays(run.users, 'seenAt')),
		spread(delays(run.users, 'outAt')),
		String(run.rateLimited),
		String(run.peakInFlight),
		String(mostWaitingAtOnce(run.users.map((user) => ({ from: user.firstAt, to: user.lastAt })))),
		problems.length === 0 ? '✓' : `✗ ${problems.join('; ')}`,
	];
}

// ── the section ─────────────────────────────────────────────────────────────────────────────

/**
 * Measurement 8: pushes its section onto `sections` and returns the verdict line. Needs the E2E_*
 * variables scripts/bench.sh sets. About 2 minutes per repeat on 2 cores.
 */
export async function waitsAtOnce(
	sections: string[],
	log: (message: string) => void,
	repeat: number,
): Promise<string> {
	const missing = ['E2E_TARBALL', 'E2E_NODE24', 'E2E_N8N_BIN'].filter((name) => !process.env[name]);
	if (missing.length > 0) {
		sections.push(
			`## 8. Users waiting for their connections: skipped (${missing.join(', ')} not set: run \`npm run bench\`)`,
		);
		return 'Part 8, waits: skipped';
	}
	const sim = await LocalSim.start({ latencyMs: LATENCY8_MS });
	const n8n = await N8n.create();
	try {
		log('8: importing the three workflows into n8n');
		const setup = [
			await n8n.import('credentials', [
				{
					...COMPOSIO_CREDENTIAL,
					type: 'composioMcpApi',
					data: { apiKey: sim.apiKey, baseUrl: sim.url },
				},
				{
					...HEADER_CREDENTIAL,
					type: 'httpHeaderAuth',
					data: { name: 'x-api-key', value: sim.apiKey },
				},
			]),
			await n8n.import('workflow', [composioWorkflow(), perUserWorkflow(), loopWorkflow(sim.url)]),
			await n8n.activate('benchWaitPerUser'),
		];
		for (const result of setup) {
			if (result.code !== 0) throw new Error(`n8n setup failed: ${result.stderr || result.stdout}`);
		}

		const runs: Record<Key, WaitRun[]> = { composio: [], perUser: [], loop: [] };
		const rows: string[][] = [];
		for (let rep = 0; rep < repeat; rep++) {
			// Alternating; both contenders of a repeat get the same activation times.
			for (const contender of rep % 2 ? [...CONTENDERS].reverse() : CONTENDERS) {
				const run = await measure(n8n, sim, contender, 18_000 + rep);
				runs[contender.key].push(run);
				rows.push(row(contender, rep, run));
				log(
					`8: run ${rep + 1}/${repeat}, ${contender.key}: ${sec(run.ms)}, ${run.requests} requests, seen p95 ${s1(percentile(delays(run.users, 'seenAt'), 0.95))} s, out p95 ${s1(percentile(delays(run.users, 'outAt'), 0.95))} s, ${run.rateLimited} × 429`,
				);
			}
		}

		const all = (key: Key) => runs[key].flatMap((run) => run.users);
		const p95 = (key: Key, at: 'seenAt' | 'outAt') => percentile(delays(all(key), at), 0.95);
		const overAllowance = (key: Key) =>
			all(key).filter((user) => user.requests > allowance(user) + 1e-9).length;
		const problems = (key: Key) => runs[key].flatMap(problemsOf);
		const seenMet = p95('composio', 'seenAt') <= TARGET8_DELAY_MS;
		const outMet = p95('composio', 'outAt') <= TARGET8_DELAY_MS;
		const perUserMet = (at: 'seenAt' | 'outAt') => p95('perUser', at) <= TARGET8_DELAY_MS;
		const perUserRequestsMet = overAllowance('perUser') === 0;
		const requestsMet = overAllowance('composio') === 0;
		const clean = problems('composio').length === 0 && problems('perUser').length === 0;
		const summary = (key: Key) => {
			const users = all(key);
			const requests = users.map((user) => user.requests);
			return [
				CONTENDERS.find((c) => c.key === key)!.label,
				`${(requests.reduce((a, b) => a + b, 0) / users.length).toFixed(2)}`,
				`${overAllowance(key)} of ${users.length}`,
				spread(delays(users, 'seenAt')),
				spread(delays(users, 'outAt')),
				String(runs[key].reduce((sum, run) => sum + run.rateLimited, 0)),
				sec(median(runs[key].map((run) => run.ms))),
			];
		};
		sections.push(
			[
				`## 8. ${N8} users waiting for their connections at once, accounts ACTIVE at random times within ${WINDOW8_MS / 1000} s, ${R8} requests/s — Wait for Connection: requests per user ≤ 1 + wait/interval **${requestsMet ? 'met' : 'NOT met'}**; ACTIVE → seen by its check ≤ interval + 1 s at p95 **${seenMet ? 'met' : 'NOT met'}** (${s1(p95('composio', 'seenAt'))} s); ACTIVE → item out of the node ≤ interval + 1 s at p95 **${outMet ? 'met' : 'NOT met'}** (${s1(p95('composio', 'outAt'))} s) in one run of ${N8} items; with one execution per user: requests **${perUserRequestsMet ? 'met' : 'NOT met'}**, seen **${perUserMet('seenAt') ? 'met' : 'NOT met'}** (${s1(p95('perUser', 'seenAt'))} s), out **${perUserMet('outAt') ? 'met' : 'NOT met'}** (${s1(p95('perUser', 'outAt'))} s)`,
				'',
				`One \`n8n execute\` per row (Manual Trigger → Code with ${N8} account IDs → the contender), but for "execution per user": \`n8n start\` with a Webhook → Wait for Connection workflow active, its webhook called once per user, all at once (as signups start examples/onboarding-complete.json), ${N8} executions read back from n8n's execution list; fresh simulator state, latency ${LATENCY8_MS} ms, a token bucket of ${R8}/s (burst ${R8}) answering 429 with Retry-After beyond it, honest X-RateLimit headers. ` +
					`The ${N8} accounts are INITIATED; each turns ACTIVE at a random time within ${WINDOW8_MS / 1000} s of its own first check (the simulator's activateAt: a user connects once their execution has begun, however late n8n started it; the same draw for every contender of a repeat, a new draw per repeat). ` +
					`**Interval** ${INTERVAL8_MS / 1000} s: Wait for Connection's Poll Interval at its default (Wait Timeout at its default, 300 s), the loop's Wait node alike. ` +
					`**Requests per user**: GETs of the account, 429s included; the allowance is 1 + (the user's first check → the check that saw ACTIVE, + ${JITTER8_MS} ms for timers and the network) / interval, and "over" counts the users above theirs; **shortest gap**: the least time between two checks of one user. ` +
					"**ACTIVE → seen**: from the time the account turned ACTIVE to the check that first answered ACTIVE (the simulator's statusChanges: the user's wait is over). " +
					"**ACTIVE → out**: to the end of the task that passed the user's item on (n8n's runData: the node's one task; the loop's If, whose true output runs on at each round). " +
					'Delays as p50 / **p95** / max, in seconds. **Peak in flight**: the most requests the simulator had open at once. **Waiting at once**: the most users whose first check had come and whose last had not. ' +
					`**Time**: first check to the last item out. The loop's HTTP Request sends batches of ${LOOP_BATCH.batchSize} every ${LOOP_BATCH.batchInterval} ms (${R8}/s, as someone who knows the limit would set it; at its defaults it sends all ${N8} at once and stops at the first 429).`,
				'',
				table(
					[
						'contender',
						'run',
						'time',
						'requests',
						'per user (max)',
						'allowance per user',
						'users over it',
						'shortest gap, s',
						'ACTIVE → seen, s',
						'ACTIVE → out, s',
						'429',
						'peak in flight',
						'waiting at once',
						'checks',
					],
					rows,
				),
				'',
				`All runs together (${repeat} × ${N8} users per contender):`,
				'',
				table(
					[
						'contender',
						'requests per user',
						'users over allowance',
						'ACTIVE → seen, s',
						'ACTIVE → out, s',
						'429 in all',
						'time (median)',
					],
					(['composio', 'perUser', 'loop'] as Key[]).map(summary),
				),
				'',
				clean && problems('loop').length === 0
					? 'Checks: every run ✓ (every account seen ACTIVE, every user passed on once, no spec violation).'
					: `Checks: ✗ ${[...problems('composio'), ...problems('perUser'), ...problems('loop')].join('; ')}`,
			].join('\n'),
		);
		return `Part 8, ${N8} waits (Concurrency ${C8}, ${R8}/s): requests per user ≤ 1 + wait/interval ${requestsMet ? 'met' : 'NOT met'}; ACTIVE → seen p95 ${s1(p95('composio', 'seenAt'))} s ${seenMet ? 'met' : 'NOT met'}, ACTIVE → out p95 ${s1(p95('composio', 'outAt'))} s ${outMet ? 'met' : 'NOT met'} (target ${s1(TARGET8_DELAY_MS)} s); one execution per user: out p95 ${s1(p95('perUser', 'outAt'))} s ${perUserMet('outAt') ? 'met' : 'NOT met'}; n8n's own loop: seen p95 ${s1(p95('loop', 'seenAt'))} s, out p95 ${s1(p95('loop', 'outAt'))} s${clean ? '' : '; checks failed'}`;
	} finally {
		await sim.close();
		n8n.dispose();
	}
}
