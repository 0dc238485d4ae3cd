import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getServer } from '../../calls';
import type { ItemContext, OperationOption } from '../common';
import { readServerId } from '../common';
import { serverLocator } from '../common.descriptions';

export const option: OperationOption = {
	name: 'Get',
	value: 'get',
	action: 'Get a server',
	description:
		'Get one MCP server by ID. Returns its name, toolkits, auth config IDs, allowed tools and instance count.',
};

export const description: INodeProperties[] = [
	{ ...serverLocator, displayOptions: { show: { resource: ['server'], operation: ['get'] } } },
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const serverId = readServerId.call(this, item);
	return [await getServer(item.client, serverId, item.itemIndex)];
}
