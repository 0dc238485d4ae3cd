import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildPath } from '../../../shared/transport';
import type { ItemContext, OperationOption } from '../common';
import { invalidInput, readParameter, readServerId } from '../common';
import { serverLocator, updateFieldsCollection } from '../common.descriptions';
import { readSimplify, simplifyField, simplifyServer } from '../simplify';
import { authConfigIdsFields, readServerBody, serverFields } from './fields';

const showFor = { show: { resource: ['server'], operation: ['update'] } };

export const option: OperationOption = {
	name: 'Update',
	value: 'update',
	action: 'Update server',
	description:
		"Change a server's name, toolkits, auth config IDs, allowed tools or managed auth; only the given fields change. Returns the updated server.",
};

export const description: INodeProperties[] = [
	{ ...serverLocator, displayOptions: showFor },
	simplifyField('server', 'update'),
	updateFieldsCollection(showFor, [
		{
			...serverFields.allowedTools,
			description: 'Tool slugs the server offers (comma-separated); replaces the current list',
		},
		...authConfigIdsFields("The server's auth configs; replaces the current list"),
		serverFields.managedAuth,
		serverFields.name,
		{
			...serverFields.toolkits,
			description: 'Toolkit slugs (comma-separated); replaces the current list',
		},
	]),
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { itemIndex } = item;
	const serverId = readServerId.call(this, item);
	const update = readParameter.call(this, item, 'updateFields', {}) as IDataObject;

	// A partial PATCH: only what the user added to Update Fields is sent.
	const body = readServerBody.call(this, item, update, 'send');
	if (Object.keys(body).length === 0) {
		throw invalidInput.call(this, 'Add at least one field under Update Fields', itemIndex);
	}
	const simplify = readSimplify.call(this, item);

	const server = await item.client.request({
		method: 'PATCH',
		path: buildPath('/mcp/{id}', { id: serverId }),
		body,
		itemIndex,
	});
	return [simplify ? simplifyServer(server) : server];
}
