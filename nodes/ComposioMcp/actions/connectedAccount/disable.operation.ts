import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { setConnectedAccountEnabled } from '../../calls';
import type { ItemContext, OperationOption } from '../common';
import { CONNECTED_ACCOUNT_ID, readIds } from '../common';
import { connectedAccountLocator } from '../common.descriptions';

export const option: OperationOption = {
	name: 'Disable',
	value: 'disable',
	action: 'Disable connected account',
	description:
		"Disable a connected account without deleting it: its tools stop working until it is enabled. Returns 'connectedAccountId' and 'enabled': false.",
};

export const description: INodeProperties[] = [
	{
		...connectedAccountLocator,
		displayOptions: { show: { resource: ['connectedAccount'], operation: ['disable'] } },
	},
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { connectedAccountId } = readIds.call(this, item, [CONNECTED_ACCOUNT_ID]);
	return [await setConnectedAccountEnabled(item.client, connectedAccountId, false, item.itemIndex)];
}
