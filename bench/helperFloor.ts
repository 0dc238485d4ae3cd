/**
 * A reference for measurement 1: the least a node can do through n8n to send the same creates.
 * It reads the same User ID expression per item and posts with n8n's own
 * `httpRequestWithAuthentication` and the same credential, at the same concurrency, and nothing
 * else (no retries, no error mapping, no Request Options). The distance from raw axios to this is
 * n8n's cost per request; the distance from this to the Composio MCP node is the node's own.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { ComposioMcpApi } from '../credentials/ComposioMcpApi.credentials';
import { TestEngine } from '../test/engine/engine';
import type { BenchSim } from './sim';
import { userId } from './sim';

export const FLOOR_TYPE = 'n8n-nodes-bench.helperFloor';
const FLOOR_NAME = 'Helper Floor';

export class HelperFloor implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Helper Floor',
		name: 'helperFloor',
		group: ['output'],
		version: 1,
		usableAsTool: true,
		description: 'Posts one create per item with n8n’s HTTP helper, nothing else',
		defaults: { name: FLOOR_NAME },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'composioMcpApi', required: true }],
		properties: [
			{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			{ displayName: 'User ID', name: 'userId', type: 'string', default: '' },
			{ displayName: 'Concurrency', name: 'concurrency', type: 'number', default: 5 },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const url = this.getNodeParameter('url', 0) as string;
		const concurrency = this.getNodeParameter('concurrency', 0) as number;
		const results: INodeExecutionData[] = new Array(items.length);
		let next = 0;
		const worker = async () => {
			while (next < items.length) {
				const itemIndex = next++;
				const user = this.getNodeParameter('userId', itemIndex) as string;
				const json = (await this.helpers.httpRequestWithAuthentication.call(
					this,
					'composioMcpApi',
					{ method: 'POST', url, body: { user_id: user }, json: true },
				)) as IDataObject;
				results[itemIndex] = { json, pairedItem: { item: itemIndex } };
			}
		};
		await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
		return [results];
	}
}

let engine: TestEngine | undefined;

export interface FloorResult {
	nodeMs: number;
	/** Every input came out once, in order, holding that user's instance. */
	inOrder: boolean;
	instances: number;
	duplicated: number;
}

export async function runFloor(
	sim: BenchSim,
	count: number,
	concurrency: number,
): Promise<FloorResult> {
	engine ??= new TestEngine({
		nodeTypes: { [FLOOR_TYPE]: new HelperFloor() },
		credentialTypes: [new ComposioMcpApi()],
	});
	const serverId = await sim.fresh();
	const run = await engine.runNode({
		type: FLOOR_TYPE,
		name: FLOOR_NAME,
		parameters: {
			url: `${sim.url}/api/v3/mcp/servers/${encodeURIComponent(serverId)}/instances`,
			userId: '={{ $json.userId }}',
			concurrency,
		},
		items: Array.from({ length: count }, (_, index) => ({ userId: userId(index) })),
		credentials: { type: 'composioMcpApi', data: { apiKey: sim.apiKey, baseUrl: sim.url } },
	});
	const task = run.run.data.resultData.runData[FLOOR_NAME]?.[0];
	const check = await sim.check(serverId, count);
	return {
		nodeMs: task?.executionTime ?? Number.NaN,
		inOrder:
			run.success.length === count &&
			run.success.every(
				(item, index) =>
					(item.pairedItem as { item: number }).item === index &&
					item.json.instance_id === userId(index),
			),
		instances: check.instances,
		duplicated: check.duplicated,
	};
}
