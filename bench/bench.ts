/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- bench tooling: it reads the machine, runs n8n processes and writes bench/RESULTS.md; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * `npm run bench` (scripts/bench.sh builds, packs and compiles, then runs this): the four
 * measurements of issue 4, printed as tables and written to bench/RESULTS.md. Not a test: the
 * only verdicts are whether targets 1 and 2 are met; every run is checked (all instances created,
 * none twice) and a failed check is reported next to its numbers.
 *
 * Environment: BENCH_PARTS (default 1,2,3,4), BENCH_REPEAT (runs per row, default 3),
 * BENCH_CONCURRENCY (measurement 1's rows, default 5,10,20). Measurements 3 and 4 need the
 * E2E_* variables scripts/bench.sh sets (packed tarball, Node 24, n8n).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { format, resolveConfig } from 'prettier';

import { N8n } from '../test/e2e/n8n';
import { runFloor } from './helperFloor';
import type { AxiosResult, NodeResult } from './inProcess';
import { runAxios, runNode } from './inProcess';
import type { N8nRun } from './inN8n';
import { execute, prepare, WORKFLOWS } from './inN8n';
import type { InstanceCheck } from './sim';
import { LocalSim, WorkerSim } from './sim';

const ROOT = resolve(__dirname, '..', '..', '..');
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');

const PARTS = new Set((process.env.BENCH_PARTS ?? '1,2,3,4').split(',').map((p) => p.trim()));
const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));
const CONCURRENCIES = (process.env.BENCH_CONCURRENCY ?? '5,10,20')
	.split(',')
	.map((c) => Number(c.trim()))
	.filter((c) => c >= 1);

const LATENCY_MS = 20;
const N1 = 2000;
const TARGET_1 = 1.1;
const N2 = 500;
const R = 100;
const TARGET_2 = 1.2;
const N3 = 1000;
const N4 = 10000;

// ── formatting ──────────────────────────────────────────────────────────────────────────────

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : '–');
const sec = (value: number) => (Number.isFinite(value) ? `${(value / 1000).toFixed(2)} s` : '–');
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '–');
const mb = (value: number | undefined) =>
	value !== undefined && Number.isFinite(value) ? `${Math.round(value)} MB` : '–';

function table(header: string[], rows: string[][]): string {
	const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
	return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function log(message: string) {
	process.stderr.write(`[bench] ${message}\n`);
}

// ── machine ─────────────────────────────────────────────────────────────────────────────────

function tryRun(command: string, args: string[]): string | undefined {
	try {
		return execFileSync(command, args, { encoding: 'utf8', cwd: ROOT }).trim();
	} catch {
		return undefined;
	}
}

function packageVersion(file: string): string | undefined {
	try {
		return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
	} catch {
		return undefined;
	}
}

const loads = () =>
	loadavg()
		.map((load) => load.toFixed(1))
		.join(', ');

function machine(loadAtStart: string): string {
	const n8nBin = process.env.E2E_N8N_BIN;
	const node24 = process.env.E2E_NODE24;
	const coreDir = dirname(require.resolve('n8n-core'));
	const commit = tryRun('git', ['rev-parse', '--short', 'HEAD']);
	const dirty = tryRun('git', ['status', '--porcelain', '--', 'nodes', 'credentials']);
	const rows: string[][] = [
		['Date', new Date().toISOString()],
		['nproc', tryRun('nproc', []) ?? String(cpus().length)],
		['CPU', cpus()[0]?.model ?? 'unknown'],
		['Memory', `${(totalmem() / 2 ** 30).toFixed(1)} GiB`],
		[
			'Load average (1, 5, 15 min)',
			`${loadAtStart} at the start, ${loads()} at the end (other work on the machine skews timings)`,
		],
		['Node (bench, measurements 1–2)', process.version],
		['Node (n8n, measurements 3–4)', node24 ? (tryRun(node24, ['-v']) ?? '?') : '–'],
		['n8n-core (measurements 1–2)', packageVersion(join(coreDir, '..', 'package.json')) ?? '?'],
		[
			'n8n (measurements 3–4)',
			n8nBin ? (packageVersion(join(dirname(n8nBin), '..', 'package.json')) ?? '?') : '–',
		],
		['Node code', `commit ${commit ?? '?'}${dirty ? ' + uncommitted changes' : ''}`],
	];
	return table(['Machine', ''], rows);
}

// ── 1. throughput against raw axios ─────────────────────────────────────────────────────────

function nodeProblems(result: NodeResult, count: number): string[] {
	const problems: string[] = [];
	if (result.status !== 'success') problems.push(`run ${result.status}`);
	if (result.failed > 0) problems.push(`${result.failed} error items`);
	if (!result.inOrder) problems.push('output not one item per input in order');
	return [...problems, ...checkProblems(result.check, count)];
}

function checkProblems(check: InstanceCheck, count: number): string[] {
	const problems: string[] = [];
	if (check.instances !== count) problems.push(`${check.instances}/${count} instances`);
	if (check.duplicated > 0) problems.push(`${check.duplicated} users created twice`);
	if (check.conflicts > 0) problems.push(`${check.conflicts} re-sent creates (409)`);
	if (check.violations.length > 0) problems.push(`spec violations: ${check.violations[0]}`);
	return problems;
}

/** Target 1 per concurrency: the verdict line names each C, since n8n's own floor rises with C. */
async function throughput(sections: string[]): Promise<string> {
	const sim = await WorkerSim.start({ latencyMs: LATENCY_MS });
	try {
		log('1: warm-up');
		await runAxios(sim, 500, 5);
		await runFloor(sim, 500, 5);
		await runNode(sim, 500, { concurrency: 5 });

		const rows: string[][] = [];
		let met = true;
		const perC: string[] = [];
		for (const concurrency of CONCURRENCIES) {
			const axiosMs: number[] = [];
			const floorMs: number[] = [];
			const nodeMs: number[] = [];
			const workflowMs: number[] = [];
			const problems = new Set<string>();
			const runs: Record<string, () => Promise<void>> = {
				axios: async () => {
					const result: AxiosResult = await runAxios(sim, N1, concurrency);
					axiosMs.push(result.ms);
					if (result.created !== N1) problems.add(`axios: ${result.created} created`);
					for (const p of checkProblems(result.check, N1)) problems.add(`axios: ${p}`);
				},
				floor: async () => {
					const result = await runFloor(sim, N1, concurrency);
					floorMs.push(result.nodeMs);
					if (!result.inOrder || result.instances !== N1 || result.duplicated > 0) {
						problems.add(`minimal node: ${result.instances} instances`);
					}
				},
				node: async () => {
					const result = await runNode(sim, N1, { concurrency });
					nodeMs.push(result.nodeMs);
					workflowMs.push(result.workflowMs);
					for (const p of nodeProblems(result, N1)) problems.add(`node: ${p}`);
				},
			};
			const order = Object.keys(runs);
			for (let rep = 0; rep < REPEAT; rep++) {
				// Rotated, so that no contender always runs first (or right after another).
				for (let k = 0; k < order.length; k++) {
					await runs[order[(rep + k) % order.length]]();
				}
				log(`1: C=${concurrency} run ${rep + 1}/${REPEAT}`);
			}
			const ideal = Math.ceil(N1 / concurrency) * LATENCY_MS;
			const nodeOverAxios = median(nodeMs) / median(axiosMs);
			met &&= nodeOverAxios <= TARGET_1 && problems.size === 0;
			const floorOverAxios = median(floorMs) / median(axiosMs);
			perC.push(
				`C = ${concurrency}: ${ratio(nodeOverAxios)} ${nodeOverAxios <= TARGET_1 && problems.size === 0 ? 'met' : 'NOT met'} (n8n's own floor ${ratio(floorOverAxios)}, the node ${ratio(median(nodeMs) / median(floorMs))} of it)`,
			);
			rows.push([
				String(concurrency),
				ms(ideal),
				ms(median(axiosMs)),
				ms(median(floorMs)),
				ms(median(nodeMs)),
				`**${ratio(nodeOverAxios)}** ${nodeOverAxios <= TARGET_1 ? '✓' : '✗'}`,
				ratio(median(nodeMs) / ideal),
				ratio(median(floorMs) / median(axiosMs)),
				ratio(median(nodeMs) / median(floorMs)),
				nodeMs.map((value, i) => (value / axiosMs[i]).toFixed(2)).join(', '),
				ms(median(workflowMs)),
				problems.size === 0 ? `✓ ${REPEAT * 3} runs` : `✗ ${[...problems].join('; ')}`,
			]);
		}
		sections.push(
			[
				`## 1. In-process: ${N1.toLocaleString('en')} creates, simulator latency ${LATENCY_MS} ms — target 1: node ≤ ${TARGET_1.toFixed(2)}× raw axios: **${met ? 'met' : 'NOT met'}**`,
				'',
				`Medians of ${REPEAT} runs per contender (after a warm-up of each), run in rotation in one process. ` +
					'**node**: the Composio MCP node (Instance › Create, Request Options › Concurrency = C, other options at their defaults) ' +
					"run by n8n-core's `WorkflowExecute` (test/engine), its time as n8n records it (`executionTime`). " +
					'**raw axios**: the same POSTs with axios (Node’s keep-alive global agent), C workers. ' +
					'**minimal node**: a node in the same engine that only evaluates the User ID expression per item and posts with ' +
					"n8n's `httpRequestWithAuthentication` and the same credential (bench/helperFloor.ts): what any node pays for n8n's expressions, credentials and HTTP stack; " +
					'minimal ÷ axios is n8n’s share of the gap, node ÷ minimal the node’s own (retry policy, error mapping, Request Options, pool). ' +
					"Expressions are evaluated by n8n-workflow's in-thread (legacy) engine here; n8n 2.41 itself defaults to isolated-vm (`N8N_EXPRESSION_ENGINE=vm`), which costs more per item (see 3–4). " +
					'The simulator runs in a worker thread of the same process (its request/answer validation does not share the client’s thread, as Composio’s work does not). ' +
					'Checks per run: all creates answered 201 and every user has exactly one instance, no 409, no spec violation; the node outputs one item per input, in order.',
				'',
				table(
					[
						'C',
						'ideal ⌈N/C⌉·20 ms',
						'raw axios',
						'minimal node',
						'node',
						'node ÷ axios',
						'node ÷ ideal',
						'minimal ÷ axios',
						'node ÷ minimal',
						'node ÷ axios per run',
						'node’s workflow',
						'checks',
					],
					rows,
				),
			].join('\n'),
		);
		return `${met ? 'met at every C' : 'not at every C'}: ${perC.join('; ')}`;
	} finally {
		await sim.close();
	}
}

// ── 2. rate limit ───────────────────────────────────────────────────────────────────────────

async function rateLimited(sections: string[]): Promise<boolean> {
	const sim = await WorkerSim.start({ latencyMs: LATENCY_MS });
	const bound = (TARGET_2 * N2 * 1000) / R;
	try {
		await runNode(sim, 50, {});
		const rows: string[][] = [];
		let met = true;
		for (let rep = 0; rep < REPEAT; rep++) {
			const result = await runNode(sim, N2, {}, { perSecond: R });
			const problems = nodeProblems(result, N2);
			const within = result.nodeMs <= bound;
			met &&= within && problems.length === 0;
			rows.push([
				String(rep + 1),
				`**${sec(result.nodeMs)}** ${within ? '✓' : '✗'}`,
				ratio(result.nodeMs / ((N2 * 1000) / R)),
				`${result.check.instances}/${N2}`,
				String(result.failed),
				String(result.check.duplicated),
				String(result.check.conflicts),
				String(result.check.rateLimited),
				problems.length === 0 ? '✓' : `✗ ${problems.join('; ')}`,
			]);
			log(`2: run ${rep + 1}/${REPEAT}: ${sec(result.nodeMs)}`);
		}
		sections.push(
			[
				`## 2. Rate limit: ${N2} creates, simulator limited to R = ${R} requests/s — target 2: all done, zero errors, zero duplicates, in ≤ ${TARGET_2} × N/R = ${sec(bound)}: **${met ? 'met' : 'NOT met'}**`,
				'',
				`The node with every option at its default (Concurrency 5, Max Retries 3, Max Wait 60 s), run as in 1 (latency ${LATENCY_MS} ms). ` +
					`The simulator's limiter is a token bucket (${R}/s, burst ${R}, full at the start of each run) that answers a bare 429 with ` +
					'`Retry-After` in whole seconds (at least 1) beyond it; each run starts from fresh state.',
				'',
				table(
					[
						'run',
						'node time',
						'÷ N/R',
						'instances',
						'error items',
						'users created twice',
						'409 (re-sent creates)',
						'429 answered',
						'checks',
					],
					rows,
				),
			].join('\n'),
		);
		return met;
	} finally {
		await sim.close();
	}
}

// ── 3 and 4. real n8n ───────────────────────────────────────────────────────────────────────

function n8nRow(label: string, run: N8nRun, count: number): string[] {
	return [
		label,
		run.error ? `failed: “${run.error}”` : run.exitCode === 0 ? 'success' : `exit ${run.exitCode}`,
		sec(run.nodeMs),
		sec(run.processMs),
		`${run.itemsOut}/${count}`,
		String(run.errorItems),
		`${run.instances}/${count}`,
		`**${run.lost}**`,
		`**${run.conflicts}**`,
		String(run.duplicated),
		String(run.rateLimited),
		run.violations.length === 0 ? '–' : run.violations[0],
	];
}

async function realN8n(sections: string[], withThroughput: boolean, withMemory: boolean) {
	const missing = ['E2E_TARBALL', 'E2E_NODE24', 'E2E_N8N_BIN'].filter((name) => !process.env[name]);
	if (missing.length > 0) {
		sections.push(
			`## 3–4. Real n8n: skipped (${missing.join(', ')} not set: run \`npm run bench\`)`,
		);
		return;
	}
	const limited = await LocalSim.start({ latencyMs: LATENCY_MS });
	const fast = await LocalSim.start({ latencyMs: 0 });
	const n8n = await N8n.create();
	try {
		log('3–4: importing credentials and workflows into n8n');
		await prepare(n8n, limited, fast);

		if (withThroughput) {
			const rows: string[][] = [];
			const cases: Array<[string, string, 'composio' | 'http']> = [
				['Composio MCP node (defaults)', WORKFLOWS.composio1000, 'composio'],
				['HTTP Request (defaults)', WORKFLOWS.http1000, 'http'],
				['HTTP Request, Retry On Fail (3 tries, 1 s apart)', WORKFLOWS.httpRetry1000, 'http'],
			];
			for (const [label, id, node] of cases) {
				log(`3: ${label}`);
				const run = await execute(n8n, limited, id, N3, node, { perSecond: R });
				rows.push(n8nRow(label, run, N3));
			}
			sections.push(
				[
					`## 3. Real n8n: ${N3.toLocaleString('en')} creates against the simulator limited to ${R} requests/s`,
					'',
					'Each row is one `n8n execute` of Manual Trigger → Code (the users) → the node, with fresh simulator state ' +
						`(latency ${LATENCY_MS} ms, token bucket ${R}/s with burst ${R}, 429 + Retry-After beyond it). ` +
						'HTTP Request: POST to the create URL, x-api-key from a Header Auth credential, body `user_id`, every option and setting at its default; ' +
						'On Error at its default (Stop Workflow) for all three. **lost**: input users without an instance at the end. ' +
						'**409**: creates answered “already exists”; every user is new and appears once, so each is a re-sent create. ' +
						'Node time: n8n’s `executionTime` of the node (all tries); n8n process: boot to exit.',
					'',
					table(
						[
							'node',
							'run',
							'node time',
							'n8n process',
							'items out',
							'error items',
							'instances',
							'lost',
							'409 (re-sent creates)',
							'users created twice',
							'429 answered',
							'spec violations',
						],
						rows,
					),
				].join('\n'),
			);
		}

		if (withMemory) {
			log('4: 1-item baseline');
			const base = await execute(n8n, fast, WORKFLOWS.composio1, 1, 'composio');
			log(`4: ${N4.toLocaleString('en')} items`);
			const big = await execute(n8n, fast, WORKFLOWS.composio10000, N4, 'composio');
			const rows = [base, big].map((run, index) => {
				const count = index === 0 ? 1 : N4;
				const { rssAtFirstRequestMb: start, peakMb: peak } = run.memory;
				return [
					count.toLocaleString('en'),
					run.error ? `failed: “${run.error}”` : 'success',
					`${run.itemsOut}/${count}, ${run.instances} instances, ${run.duplicated} twice`,
					sec(run.nodeMs),
					mb(start),
					mb(peak),
					mb(start !== undefined && peak !== undefined ? peak - start : undefined),
					index === 0
						? '–'
						: `**${mb(peak !== undefined && base.memory.peakMb !== undefined ? peak - base.memory.peakMb : undefined)}**`,
					String(run.memory.samples),
				];
			});
			sections.push(
				[
					`## 4. Memory: ${N4.toLocaleString('en')} creates in one n8n execution`,
					'',
					'The Composio MCP node with its defaults in `n8n execute` (Manual Trigger → Code → node), simulator without latency or limit. ' +
						'RSS of the n8n process read from /proc/<pid>/status every 20 ms: VmRSS when the simulator saw the first request (the node is running), ' +
						'and VmHWM (peak) at the last read before exit. **Peak growth vs 1 item**: peak of this run minus the peak of the same workflow with one item ' +
						'(the whole execution’s cost of 10,000 items: the Code node’s items, the node’s output, n8n saving and printing the run).',
					'',
					table(
						[
							'items',
							'run',
							'outcome',
							'node time',
							'RSS at first request',
							'peak RSS',
							'peak − RSS at first request',
							'peak growth vs 1 item',
							'samples',
						],
						rows,
					),
				].join('\n'),
			);
		}
	} finally {
		await limited.close();
		await fast.close();
		n8n.dispose();
	}
}

// ── 4, cross-check: is the memory retained? ────────────────────────────────────────────────

/**
 * Peak RSS cannot tell garbage not yet collected from memory kept. In this process (with
 * --expose-gc) the same 10,000 creates run in n8n-core's engine, and the heap is measured after a
 * full collection, the run's output dropped: what is left is what the node or engine keeps.
 */
async function retainedHeap(sections: string[]): Promise<void> {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) {
		sections.push(
			'### 4b. Retained heap: skipped (run node with --expose-gc, as scripts/bench.sh does)',
		);
		return;
	}
	const sim = await WorkerSim.start({ latencyMs: 0 });
	try {
		await runNode(sim, 500, {});
		gc();
		const before = process.memoryUsage();
		let peakHeap = before.heapUsed;
		let peakRss = before.rss;
		const timer = setInterval(() => {
			const now = process.memoryUsage();
			peakHeap = Math.max(peakHeap, now.heapUsed);
			peakRss = Math.max(peakRss, now.rss);
		}, 20);
		log(`4b: ${N4.toLocaleString('en')} items in-process`);
		const result = await runNode(sim, N4, {});
		clearInterval(timer);
		gc();
		const after = process.memoryUsage();
		const MiB = 2 ** 20;
		const problems = nodeProblems(result, N4);
		sections.push(
			[
				`### 4b. Cross-check in-process: ${N4.toLocaleString('en')} creates in n8n-core's engine (Node ${process.version}), heap after a full GC`,
				'',
				'The same node and options as in 4, run as in 1 against a simulator without latency; the run’s output is dropped before the last GC, ' +
					'so the retained heap is what the node and the engine keep after the execution.',
				'',
				table(
					[
						'node time',
						'heap before',
						'peak heap',
						'heap after run + GC (retained)',
						'peak RSS growth',
						'checks',
					],
					[
						[
							sec(result.nodeMs),
							mb(before.heapUsed / MiB),
							mb(peakHeap / MiB),
							`**${mb(after.heapUsed / MiB)}** (${after.heapUsed >= before.heapUsed ? '+' : '−'}${mb(Math.abs(after.heapUsed - before.heapUsed) / MiB)})`,
							mb((peakRss - before.rss) / MiB),
							problems.length === 0 ? '✓' : `✗ ${problems.join('; ')}`,
						],
					],
				),
			].join('\n'),
		);
	} finally {
		await sim.close();
	}
}

// ── main ────────────────────────────────────────────────────────────────────────────────────

async function main() {
	const started = performance.now();
	const loadAtStart = loads();
	const sections: string[] = [];
	const verdicts: string[] = [];
	if (PARTS.has('1')) {
		verdicts.push(`Target 1 (node ≤ ${TARGET_1}× raw axios): ${await throughput(sections)}`);
	}
	if (PARTS.has('2')) {
		verdicts.push(
			`Target 2 (≤ ${TARGET_2} × N/R, no errors, no duplicates): ${(await rateLimited(sections)) ? 'met' : 'NOT met'}`,
		);
	}
	if (PARTS.has('3') || PARTS.has('4')) await realN8n(sections, PARTS.has('3'), PARTS.has('4'));
	if (PARTS.has('4')) await retainedHeap(sections);

	const report = [
		'# Benchmark (issue 4)',
		'',
		'Written by `npm run bench` (scripts/bench.sh → bench/bench.ts); not a test. Rerun it to refresh this file.',
		'',
		machine(loadAtStart),
		'',
		...verdicts.map((verdict) => `- ${verdict}`),
		'',
		sections.join('\n\n'),
		'',
		`Bench run time: ${sec(performance.now() - started)}.`,
		'',
	].join('\n');
	// Aligned as the repository's Prettier would have it: readable here and clean in a format check.
	const formatted = await format(report, {
		...(await resolveConfig(RESULTS)),
		filepath: RESULTS,
	});
	writeFileSync(RESULTS, formatted);
	process.stdout.write(`${formatted}\nWritten to ${RESULTS}\n`);
}

main().catch((error: Error) => {
	process.stderr.write(`[bench] failed: ${error.stack ?? error.message}\n`);
	process.exitCode = 1;
});
