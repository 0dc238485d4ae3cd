import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildPath } from '../../../shared/transport';
import type { ItemContext, OperationOption } from '../common';
import { AUTH_CONFIG_ID, readIds } from '../common';
import { authConfigLocator } from '../common.descriptions';
import { readSimplify, simplifyAuthConfig, simplifyField } from '../simplify';

export const option: OperationOption = {
	name: 'Get',
	value: 'get',
	action: 'Get auth config',
	description:
		'Retrieve an auth config by ID. Returns its name, toolkit, auth scheme, whether Composio manages it and its number of connections.',
};

export const description: INodeProperties[] = [
	{
		...authConfigLocator,
		displayOptions: { show: { resource: ['authConfig'], operation: ['get'] } },
	},
	simplifyField('authConfig', 'get', true),
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { authConfigId } = readIds.call(this, item, [AUTH_CONFIG_ID]);
	const simplify = readSimplify.call(this, item, true);
	const config = await item.client.request({
		method: 'GET',
		path: buildPath('/auth_configs/{id}', { id: authConfigId }),
		itemIndex: item.itemIndex,
	});
	return [simplify ? simplifyAuthConfig(config) : config];
}
