/**
 * Instance › Get Many (a read that pages) under the simulator's fault modes, through n8n's real
 * engine, with the node's waits recorded instead of slept (test/support/faults.ts). A retried page must not
 * lose or repeat an instance: the output is compared with the same listing made without faults.
 */
import type { IDataObject, INodeExecutionData, INodeParameters, OnError } from 'n8n-workflow';

import type { NodeRun } from '../engine/runWorkflow';
import { serverLocator } from '../engine/runWorkflow';
import { errorJson, pairedIndex, useSimulator } from '../support/simulator';
import type { Fault, RecordedRequest, ServerRecord } from '../simulator';
import {
	backoffBound,
	expectBackoffs,
	HTML_503,
	isList,
	jsonError,
	sum,
	useSleepRecorder,
} from '../support/faults';

const context = useSimulator();
const sleeps = useSleepRecorder();

/** 250 instances: three pages of 100 when listing all. */
const USERS = Array.from({ length: 250 }, (_, index) => `user-${String(index).padStart(3, '0')}`);

function seededServer(): ServerRecord {
	const server = context.sim.addServer();
	for (const user of USERS) context.sim.addInstance(server.id, user);
	return server;
}

async function listAll(
	server: ServerRecord,
	options: { items?: number; requestOptions?: IDataObject; onError?: OnError } = {},
): Promise<NodeRun> {
	const parameters: INodeParameters = {
		resource: 'instance',
		operation: 'getAll',
		serverId: serverLocator(server.id),
		returnAll: true,
	};
	if (options.requestOptions) parameters.requestOptions = options.requestOptions as INodeParameters;
	return await context.run(
		Array.from({ length: options.items ?? 1 }, () => ({})),
		parameters,
		{ onError: options.onError ?? 'continueErrorOutput' },
	);
}

const ids = (items: INodeExecutionData[]) => items.map((item) => item.json.instance_id);

function pageRequests(page: number): RecordedRequest[] {
	return context.sim.requests.filter(
		(request) => isList(request) && request.query.page_no === String(page),
	);
}

function onPage(page: number, fault: Fault): Fault {
	return {
		...fault,
		method: 'GET',
		match: (request) => isList(request) && request.query.page_no === String(page),
	};
}

let server: ServerRecord;
let baseline: IDataObject[];

beforeEach(async () => {
	server = seededServer();
	const clean = await listAll(server);
	expect(clean.success).toHaveLength(USERS.length);
	expect(new Set(ids(clean.success))).toEqual(new Set(USERS));
	baseline = clean.success.map((item) => item.json);
	context.sim.requests.length = 0;
});

describe('a fault on page 2, healed by a retry: every instance exactly once, in the same order', () => {
	it.each([
		[
			'429 with Retry-After in seconds',
			{ status: 429, body: { message: 'Rate limit exceeded' }, headers: { 'retry-after': '3' } },
		],
		['503 with an HTML page', { status: 503, body: HTML_503, contentType: 'text/html' }],
		['500 with a JSON envelope', { status: 500, body: jsonError(500, 'Internal error') }],
		['a reset before the answer', { destroy: true }],
		['a reset after the status line and headers', { passThrough: true, cut: 'headers' }],
		['a reset half-way through the body', { passThrough: true, cut: 'body' }],
		['a 200 with broken JSON', { status: 200, body: '{"instances": [{"id": ' }],
		['the real page, mangled', { passThrough: true, garble: true }],
	] as Array<[string, Fault]>)('%s', async (name, fault) => {
		context.sim.inject(onPage(2, fault));

		const result = await listAll(server);

		expect(result.errorOutput).toEqual([]);
		expect(result.success.map((item) => item.json)).toEqual(baseline);
		expect(result.success.every((item) => pairedIndex(item) === 0)).toBe(true);
		expect(pageRequests(1)).toHaveLength(1);
		expect(pageRequests(2)).toHaveLength(2);
		expect(pageRequests(3)).toHaveLength(1);
		if (name.startsWith('429')) expect(sleeps.waits).toEqual([3000]);
		else expectBackoffs(sleeps.waits);
		expect(sleeps.waits).toHaveLength(1);
	});

	it('429 with an HTTP-date Retry-After, capped by Max Wait', async () => {
		const inFiveMinutes = new Date(Date.now() + 300_000).toUTCString();
		context.sim.inject(
			onPage(3, {
				status: 429,
				body: { message: 'Rate limit exceeded' },
				headers: { 'retry-after': inFiveMinutes },
				times: 2,
			}),
		);

		const result = await listAll(server, { requestOptions: { maxWait: 45 } });

		expect(result.success.map((item) => item.json)).toEqual(baseline);
		expect(sleeps.waits).toEqual([45_000, 45_000]);
		expect(pageRequests(3)).toHaveLength(3);
	});
});

it('a fault on every page, healed each time: the listing is whole and each retry waited per policy', async () => {
	context.sim.inject(onPage(1, { destroy: true }));
	context.sim.inject(onPage(2, { status: 502, times: 2 }));
	context.sim.inject(onPage(3, { passThrough: true, cut: 'body' }));

	const result = await listAll(server);

	expect(result.success.map((item) => item.json)).toEqual(baseline);
	expect([1, 2, 3].map((page) => pageRequests(page).length)).toEqual([2, 3, 2]);
	expect(sleeps.waits).toHaveLength(4);
	// Each request backs off from its own first retry: [page 1], [page 2 ×2], [page 3].
	expectBackoffs([sleeps.waits[0]]);
	expectBackoffs(sleeps.waits.slice(1, 3));
	expectBackoffs([sleeps.waits[3]]);
	expect(sum(sleeps.waits)).toBeLessThanOrEqual(backoffBound(1) * 2 + backoffBound(2));
});

it('a fault that outlasts Max Retries: one error item, no partial listing', async () => {
	context.sim.inject(
		onPage(2, { status: 503, body: HTML_503, contentType: 'text/html', times: 50 }),
	);

	const result = await listAll(server, { requestOptions: { maxRetries: 2 } });

	expect(result.success).toEqual([]);
	expect(result.errorOutput.map(pairedIndex)).toEqual([0]);
	const failed = errorJson(result.errorOutput[0]);
	expect(failed.httpCode).toBe('503');
	expect(failed.error).toBe('Composio answered HTTP 503 Service Unavailable');
	expect(pageRequests(2)).toHaveLength(3);
	expect(pageRequests(3)).toHaveLength(0);
	expect(sleeps.waits).toHaveLength(2);
	expectBackoffs(sleeps.waits);
});

it('errors that will not heal are read once', async () => {
	context.sim.inject(onPage(2, { status: 403, body: jsonError(403, 'Forbidden'), times: 50 }));

	const result = await listAll(server);

	expect(errorJson(result.errorOutput[0]).httpCode).toBe('403');
	expect(pageRequests(2)).toHaveLength(1);
	expect(sleeps.waits).toEqual([]);
});

it('several items listing under faults: each item’s listing whole, in input order, paired to it', async () => {
	// At most 3 faults per page: even if one item meets all of them, its 4th send heals it.
	context.sim.inject(onPage(1, { status: 429, headers: { 'retry-after': '1' }, times: 2 }));
	context.sim.inject(onPage(2, { destroy: true, times: 2 }));
	context.sim.inject(
		onPage(3, { status: 503, body: HTML_503, contentType: 'text/html', times: 3 }),
	);

	const result = await listAll(server, { items: 4, requestOptions: { concurrency: 3 } });

	expect(result.errorOutput).toEqual([]);
	expect(result.success.map(pairedIndex)).toEqual(
		[0, 1, 2, 3].flatMap((index) => baseline.map(() => index)),
	);
	expect(result.success.map((item) => item.json)).toEqual([0, 1, 2, 3].flatMap(() => baseline));
	expect([1, 2, 3].map((page) => pageRequests(page).length)).toEqual([6, 6, 7]);
	expect(sleeps.waits).toHaveLength(7);
	// The first 429 holds every item for its Retry-After (1 s); an item refused in the same window
	// waits what is left of that hold (recorded waits take no time, so possibly nothing).
	expect(sleeps.waits).toContain(1000);
});
