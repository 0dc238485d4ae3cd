/**
 * What the fault and property tests share: the node's waits replaced by a recorder (so the retry
 * policy is checked from the waits it asks for, without timing anything), the policy's bounds,
 * and ways to read the simulator's requests per user.
 */
import * as n8nWorkflow from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_RETRY_POLICY } from '../../nodes/shared/transport/retry';
import type { Fault, RecordedRequest, Simulator } from '../simulator';

/** The documented defaults of Request Options (README, node descriptions). */
export const DEFAULTS = { maxRetries: 3, maxWaitMs: 60_000, concurrency: 5 };

/** The backoff's first step and ceiling: internals of the policy, not options. */
const { baseDelayMs, maxBackoffMs } = DEFAULT_RETRY_POLICY;

export interface SleepRecorder {
	/** Every wait the node asked for, in milliseconds, in the order asked. */
	readonly waits: number[];
	/** Called at each wait before it resolves (e.g. to look at the simulator at that moment). */
	onSleep?: (ms: number) => void;
}

/**
 * Replaces n8n-workflow's `sleep` (which the node's transport and router call as
 * `n8n_workflow_1.sleep(...)`) by an immediate one that records the wait, for every test of the
 * file. Only the node uses this `sleep`: n8n-core has its own.
 */
export function useSleepRecorder(): SleepRecorder {
	const recorder: { waits: number[]; onSleep?: (ms: number) => void } = { waits: [] };
	beforeEach(() => {
		recorder.waits.length = 0;
		recorder.onSleep = undefined;
		jest.spyOn(n8nWorkflow, 'sleep').mockImplementation(async (ms: number) => {
			recorder.waits.push(ms);
			recorder.onSleep?.(ms);
		});
	});
	afterEach(() => {
		jest.restoreAllMocks();
	});
	return recorder;
}

/** The range the policy allows for the backoff before retry number `retry` (1-based). */
export function backoffRange(retry: number, maxWaitMs = DEFAULTS.maxWaitMs): [number, number] {
	const step = Math.min(maxBackoffMs, baseDelayMs * 2 ** (retry - 1));
	return [Math.min(maxWaitMs, Math.floor(step / 2)), Math.min(maxWaitMs, step)];
}

/** Each wait is the backoff for its retry number: exponential, with jitter inside the range. */
export function expectBackoffs(waits: number[], maxWaitMs = DEFAULTS.maxWaitMs): void {
	waits.forEach((wait, index) => {
		const [low, high] = backoffRange(index + 1, maxWaitMs);
		expect({ retry: index + 1, wait, inRange: wait >= low && wait <= high }).toEqual({
			retry: index + 1,
			wait,
			inRange: true,
		});
	});
}

/** The most the policy lets one item wait in total: the sum of each retry's largest wait. */
export function backoffBound(retries: number, maxWaitMs = DEFAULTS.maxWaitMs): number {
	let total = 0;
	for (let retry = 1; retry <= retries; retry++) total += backoffRange(retry, maxWaitMs)[1];
	return total;
}

export const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

export const INSTANCES_PATH = /^\/api\/v3(\.1)?\/mcp\/servers\/[^/]+\/instances$/;

export function isCreate(request: RecordedRequest): boolean {
	return request.method === 'POST' && INSTANCES_PATH.test(request.path);
}

export function isList(request: RecordedRequest): boolean {
	return request.method === 'GET' && INSTANCES_PATH.test(request.path);
}

export function userOf(request: RecordedRequest): string | undefined {
	const body = request.body as { user_id?: unknown } | undefined;
	return typeof body?.user_id === 'string' ? body.user_id : undefined;
}

/** The create requests for one user, in the order they arrived. */
export function createsFor(sim: Simulator, userId: string): RecordedRequest[] {
	return sim.requests.filter((request) => isCreate(request) && userOf(request) === userId);
}

/** A fault for the creates of one user only. */
export function forUser(userId: string, fault: Fault): Fault {
	return { ...fault, method: 'POST', path: INSTANCES_PATH, match: (r) => userOf(r) === userId };
}

/** A catch-all slow answer, as latency: inject it after the specific faults (first match wins). */
export function latency(ms: number): Fault {
	return { delayMs: ms, passThrough: true, times: 100_000 };
}

export const HTML_503 =
	'<!DOCTYPE html><html><head><title>503 Service Temporarily Unavailable</title></head>' +
	'<body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>';

export const HTML_502 =
	'<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';

export function jsonError(status: number, message: string): IDataObject {
	return { error: { message, code: status * 10, status, request_id: `req_${status}` } };
}

/** The instance the simulator holds for a user, as the node outputs it. */
export function instanceOf(sim: Simulator, serverId: string, userId: string): IDataObject {
	const found = sim.instancesOf(serverId).find((instance) => instance.instance_id === userId);
	if (!found) throw new Error(`no instance for ${userId}`);
	return { ...found };
}
