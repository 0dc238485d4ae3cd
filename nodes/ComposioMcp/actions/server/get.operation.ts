import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getServer } from '../../calls';
import type { ItemContext, OperationOption } from '../common';
import { readServerId } from '../common';
import { serverLocator } from '../common.descriptions';
import { readSimplify, simplifyField, simplifyServer } from '../simplify';

export const option: OperationOption = {
	name: 'Get',
	value: 'get',
	action: 'Get server',
	description:
		'Retrieve an MCP server by ID. Returns its name, toolkits, auth config IDs, allowed tools and instance count.',
};

export const description: INodeProperties[] = [
	{ ...serverLocator, displayOptions: { show: { resource: ['server'], operation: ['get'] } } },
	simplifyField('server', 'get'),
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const serverId = readServerId.call(this, item);
	const simplify = readSimplify.call(this, item);
	const server = await getServer(item.client, serverId, item.itemIndex);
	return [simplify ? simplifyServer(server) : server];
}
