import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildPath } from '../../../shared/transport';
import type { ItemContext, OperationOption } from '../common';
import { readLimit, readParameter, readServerId, readText } from '../common';
import { returnAllOrLimit, serverLocator } from '../common.descriptions';

const showFor = { show: { resource: ['instance'], operation: ['getAll'] } };

export const option: OperationOption = {
	name: 'Get Many',
	value: 'getAll',
	action: 'Get many instances',
	description:
		"Retrieve a list of an MCP server's instances (users), optionally searching by user ID. Returns one item per instance with its 'instance_id' (the user ID).",
};

export const description: INodeProperties[] = [
	{ ...serverLocator, displayOptions: showFor },
	...returnAllOrLimit('instance', 'getAll'),
	{
		displayName: 'Search',
		name: 'search',
		type: 'string',
		default: '',
		placeholder: 'e.g. user_123',
		description: 'Only instances whose user ID contains this text',
		displayOptions: showFor,
	},
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { itemIndex } = item;
	const serverId = readServerId.call(this, item);
	const search = readText.call(
		this,
		readParameter.call(this, item, 'search', ''),
		'Search',
		itemIndex,
	);
	return await item.client.pages({
		method: 'GET',
		path: buildPath('/mcp/servers/{serverId}/instances', { serverId }),
		qs: search ? { search } : {},
		itemsKey: 'instances',
		limit: readLimit.call(this, item),
		itemIndex,
	});
}
