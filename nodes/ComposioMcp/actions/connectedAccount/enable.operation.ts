import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { setConnectedAccountEnabled } from '../../calls';
import type { ItemContext, OperationOption } from '../common';
import { CONNECTED_ACCOUNT_ID, readIds } from '../common';
import { connectedAccountLocator } from '../common.descriptions';

export const option: OperationOption = {
	name: 'Enable',
	value: 'enable',
	action: 'Enable connected account',
	description:
		"Enable a disabled connected account: its tools work again. Returns 'connectedAccountId' and 'enabled': true.",
};

export const description: INodeProperties[] = [
	{
		...connectedAccountLocator,
		displayOptions: { show: { resource: ['connectedAccount'], operation: ['enable'] } },
	},
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { connectedAccountId } = readIds.call(this, item, [CONNECTED_ACCOUNT_ID]);
	return [await setConnectedAccountEnabled(item.client, connectedAccountId, true, item.itemIndex)];
}
