import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { composioApiRequest } from '../../transport';
import { buildPath } from '../../transport/url';
import type { ItemContext } from '../common';
import { readServerId } from '../common';
import { serverLocator } from '../common.descriptions';

export const description: INodeProperties[] = [
	{ ...serverLocator, displayOptions: { show: { resource: ['server'], operation: ['get'] } } },
];

export async function getServer(
	this: IExecuteFunctions,
	serverId: string,
	itemIndex: number,
): Promise<IDataObject> {
	return await composioApiRequest.call(this, {
		method: 'GET',
		path: buildPath('/mcp/{id}', { id: serverId }),
		itemIndex,
	});
}

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const serverId = readServerId.call(this, item);
	const { itemIndex } = item;
	return [await getServer.call(this, serverId, itemIndex)];
}
