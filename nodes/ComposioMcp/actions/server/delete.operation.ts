import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildPath } from '../../../shared/transport';
import type { ItemContext, OperationOption } from '../common';
import { readServerId } from '../common';
import { serverLocator } from '../common.descriptions';
import { isVersion1 } from '../version';

const showFor = { show: { resource: ['server'], operation: ['delete'] } };

export const option: OperationOption = {
	name: 'Delete',
	value: 'delete',
	action: 'Delete server',
	description:
		"Soft-delete an MCP server by ID. Returns 'deleted': true and the server's ID (version 1: Composio's answer).",
};

export const description: INodeProperties[] = [
	{
		displayName:
			'Composio soft-deletes the server: it disappears from lists and its users can no longer connect, but Composio keeps its record.',
		name: 'deleteServerNotice',
		type: 'notice',
		default: '',
		displayOptions: showFor,
	},
	{ ...serverLocator, displayOptions: showFor },
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const serverId = readServerId.call(this, item);
	const deleted = await item.client.request({
		method: 'DELETE',
		path: buildPath('/mcp/{id}', { id: serverId }),
		itemIndex: item.itemIndex,
		// A 404 to a repeated delete: the first attempt deleted it and its answer was lost.
		ifAlreadyDone: {
			when: (error) => error.httpCode === '404',
			resolve: async () => ({ id: serverId, deleted: true }),
		},
	});
	// n8n's confirmation of a delete, with the id it deleted; version 1 keeps Composio's answer.
	return [isVersion1.call(this) ? deleted : { deleted: true, serverId }];
}
