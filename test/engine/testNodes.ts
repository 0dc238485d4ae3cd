/**
 * Stand-ins for n8n-nodes-base (not installed): a Manual Trigger that behaves like n8n's (it emits one
 * empty item when the workflow is run by hand) and a node that turns a JSON parameter into items, the
 * way a Code or Set node feeds a real workflow.
 */
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { NodeConnectionTypes, jsonParse } from 'n8n-workflow';

export const MANUAL_TRIGGER_TYPE = 'n8n-nodes-base.manualTrigger';
export const TEST_ITEMS_TYPE = 'n8n-nodes-test.testItems';

export class ManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Runs the flow on clicking a button in n8n',
		defaults: { name: "When clicking 'Execute workflow'" },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const manualTriggerFunction = async () => {
			this.emit([this.helpers.returnJsonArray([{}])]);
		};
		return { manualTriggerFunction };
	}
}

export class TestItems implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Items',
		name: 'testItems',
		group: ['transform'],
		version: 1,
		usableAsTool: true,
		description: 'Outputs the items given as JSON',
		defaults: { name: 'Test Items' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{
				displayName: 'Items (JSON Array)',
				name: 'items',
				type: 'string',
				default: '[]',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = jsonParse<unknown[]>(this.getNodeParameter('items', 0) as string);
		return [
			items.map((json) => ({
				json: json as INodeExecutionData['json'],
				pairedItem: { item: 0 },
			})),
		];
	}
}
