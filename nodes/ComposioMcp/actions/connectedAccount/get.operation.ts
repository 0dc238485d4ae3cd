import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getConnectedAccount } from '../../calls';
import type { ItemContext, OperationOption } from '../common';
import { CONNECTED_ACCOUNT_ID, readIds } from '../common';
import { connectedAccountLocator } from '../common.descriptions';
import { readSimplify, simplifyConnectedAccount, simplifyField } from '../simplify';

export const option: OperationOption = {
	name: 'Get',
	value: 'get',
	action: 'Get connected account',
	description:
		"Retrieve a connected account by ID. Returns its user, toolkit, auth config, 'status' and whether it is disabled.",
};

export const description: INodeProperties[] = [
	{
		...connectedAccountLocator,
		displayOptions: { show: { resource: ['connectedAccount'], operation: ['get'] } },
	},
	simplifyField('connectedAccount', 'get', true),
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { connectedAccountId } = readIds.call(this, item, [CONNECTED_ACCOUNT_ID]);
	const simplify = readSimplify.call(this, item, true);
	const account = await getConnectedAccount(item.client, connectedAccountId, item.itemIndex);
	return [simplify ? simplifyConnectedAccount(account) : account];
}
