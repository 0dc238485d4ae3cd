/* eslint-disable @n8n/community-nodes/no-restricted-imports -- bench tooling: it reads CPU profiles from disk; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * Where a real n8n process spent its CPU while the node under test ran, from a V8 CPU profile
 * (`--cpu-prof`). The window is from the first to the last sample with the node's code on the
 * stack; inside it, each sample's time goes to the code it was in (self time), grouped by area.
 * Self time rather than inclusive: after an `await` the stack no longer shows who awaited, so
 * inclusive time would miss most of an asynchronous node's work.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
	functionName: string;
	url: string;
}

interface ProfileNode {
	id: number;
	callFrame: CallFrame;
	children?: number[];
}

interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

/** Where n8n loads this package from (the cache of n8n itself is also named after it). */
export const PACKAGE_DIR = '/nodes/node_modules/n8n-nodes-composio-mcp/';

/** Areas of the code, first match wins. */
export const AREAS: Array<{ name: string; match: (frame: CallFrame) => boolean }> = [
	{ name: 'the node: this package', match: ({ url }) => url.includes(PACKAGE_DIR) },
	{ name: 'the node: HTTP Request', match: ({ url }) => /\/nodes\/HttpRequest\//.test(url) },
	{
		name: 'expressions (n8n-workflow, isolated VM bridge)',
		match: ({ url }) =>
			/expression|tournament|isolated-vm|workflow-data-proxy|extensions\//i.test(url),
	},
	{
		name: 'credentials (load, decrypt, authenticate)',
		match: ({ url, functionName }) =>
			/credential|cipher|encryption/i.test(url) || /decrypt|authenticate/i.test(functionName),
	},
	{
		name: 'HTTP client (n8n backend-network, axios)',
		match: ({ url }) => /backend-network|axios|follow-redirects|form-data/.test(url),
	},
	{
		name: 'n8n engine (n8n-core, n8n-workflow)',
		match: ({ url }) => /n8n-core|n8n-workflow/.test(url),
	},
	{
		name: 'Node.js (http, net, streams, timers)',
		match: ({ url }) => url.startsWith('node:') || url === '',
	},
	{ name: 'other', match: () => true },
];

export interface AreaTime {
	name: string;
	ms: number;
}

export interface WindowProfile {
	/** From the first to the last sample with the node's code on the stack. */
	windowMs: number;
	/** CPU in the window (idle left out), garbage collection included. */
	cpuMs: number;
	gcMs: number;
	areas: AreaTime[];
	/** The functions with the most self time in the window. */
	top: Array<{ name: string; ms: number }>;
}

/** `isNode` tells the node under test's frames: they mark the window. */
export function profileWindow(file: string, isNode: (frame: CallFrame) => boolean): WindowProfile {
	const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map<number, number>();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parent.set(child, node.id);
	const memo = new Map<number, boolean>();
	const nodeOnStack = (id: number): boolean => {
		const known = memo.get(id);
		if (known !== undefined) return known;
		const up = parent.get(id);
		const inside = isNode(byId.get(id)!.callFrame) || (up !== undefined && nodeOnStack(up));
		memo.set(id, inside);
		return inside;
	};

	const times: number[] = [];
	let at = 0;
	let first = -1;
	let last = -1;
	profile.samples.forEach((id, index) => {
		at += profile.timeDeltas[index] ?? 0;
		times.push(at);
		if (nodeOnStack(id)) {
			if (first < 0) first = index;
			last = index;
		}
	});
	const areas = AREAS.map((area) => ({ name: area.name, ms: 0 }));
	const functions = new Map<string, number>();
	let cpuMs = 0;
	let gcMs = 0;
	for (let index = Math.max(0, first); index <= last; index++) {
		const ms = (profile.timeDeltas[index + 1] ?? 0) / 1000;
		const frame = byId.get(profile.samples[index])!.callFrame;
		if (frame.functionName === '(idle)' || frame.functionName === '(program)') continue;
		cpuMs += ms;
		if (frame.functionName === '(garbage collector)') {
			gcMs += ms;
			continue;
		}
		areas[AREAS.findIndex((area) => area.match(frame))].ms += ms;
		const file = frame.url.split('/').slice(-2).join('/');
		const name = `${frame.functionName || '(anonymous)'} ${file}`;
		functions.set(name, (functions.get(name) ?? 0) + ms);
	}
	const top = [...functions.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, 12)
		.map(([name, ms]) => ({ name, ms }));
	return {
		windowMs: first < 0 ? 0 : (times[last] - times[first]) / 1000,
		cpuMs,
		gcMs,
		areas,
		top,
	};
}
