/**
 * Measurements 1 and 2: the node run by n8n-core's real WorkflowExecute (test/engine) in this
 * process, side by side with raw axios sending the same creates at the same concurrency to the same
 * Composio simulator (test/simulator).
 */
import axios from 'axios';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { NodeRun } from '../test/engine/runWorkflow';
import { createInstanceParameters, runComposioNode } from '../test/engine/runWorkflow';
import type { BenchSim, InstanceCheck } from './sim';
import { userId } from './sim';

export const NODE_NAME = 'Composio MCP';

export interface NodeResult {
	/** The node's own execution time as n8n records it (runData executionTime). */
	nodeMs: number;
	/** The whole workflow (trigger, items, node) from n8n's startedAt to stoppedAt. */
	workflowMs: number;
	status: string;
	/** Output items that are instances. */
	succeeded: number;
	/** Output items that are errors. */
	failed: number;
	/** One output item per input, paired to it, in input order, holding that user's instance. */
	inOrder: boolean;
	check: InstanceCheck;
}

function pairedIndex(item: INodeExecutionData): number | undefined {
	const paired = item.pairedItem;
	if (paired === undefined || typeof paired === 'number' || Array.isArray(paired)) return undefined;
	return paired.item;
}

function summarize(run: NodeRun, count: number): Omit<NodeResult, 'check'> {
	const task = run.run.data.resultData.runData[NODE_NAME]?.[0];
	const { startedAt, stoppedAt } = run.run;
	const all = run.outputs.flat();
	const succeeded = all.filter((item) => !('error' in item.json)).length;
	return {
		nodeMs: task?.executionTime ?? Number.NaN,
		workflowMs: stoppedAt ? stoppedAt.getTime() - startedAt.getTime() : Number.NaN,
		status: run.status,
		succeeded,
		failed: all.length - succeeded,
		inOrder:
			all.length === count &&
			all.every(
				(item, index) => pairedIndex(item) === index && item.json.instance_id === userId(index),
			),
	};
}

/**
 * Instance › Create for users user-0 … user-(count-1) with the given Request Options, on a fresh
 * server; On Error is Continue, so that an error would show as an item rather than stop the count.
 */
export async function runNode(
	sim: BenchSim,
	count: number,
	requestOptions: IDataObject,
	rateLimit?: { perSecond: number },
): Promise<NodeResult> {
	const serverId = await sim.fresh();
	if (rateLimit) await sim.setRateLimit(rateLimit);
	const run = await runComposioNode({
		items: Array.from({ length: count }, (_, index) => ({ userId: userId(index) })),
		parameters: {
			...createInstanceParameters(serverId),
			requestOptions: requestOptions as INodeParameters,
		},
		credentials: { apiKey: sim.apiKey, baseUrl: sim.url },
		onError: 'continueRegularOutput',
	});
	return { ...summarize(run, count), check: await sim.check(serverId, count) };
}

export interface AxiosResult {
	ms: number;
	/** 201 answers. */
	created: number;
	check: InstanceCheck;
}

/**
 * The same creates with plain axios (its defaults: Node's global agent, which keeps connections
 * alive): `concurrency` workers, each taking the next user as soon as its request is answered.
 */
export async function runAxios(
	sim: BenchSim,
	count: number,
	concurrency: number,
): Promise<AxiosResult> {
	const serverId = await sim.fresh();
	const url = `${sim.url}/api/v3/mcp/servers/${encodeURIComponent(serverId)}/instances`;
	const headers = { 'x-api-key': sim.apiKey, 'content-type': 'application/json' };
	let next = 0;
	let created = 0;
	const started = performance.now();
	const worker = async () => {
		while (next < count) {
			const index = next++;
			const response = await axios.post(url, { user_id: userId(index) }, { headers });
			if (response.status === 201) created++;
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
	const ms = performance.now() - started;
	return { ms, created, check: await sim.check(serverId, count) };
}
