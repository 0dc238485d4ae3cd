import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildPath } from '../../../shared/transport';
import type { ItemContext, OperationOption } from '../common';
import { CONNECTED_ACCOUNT_ID, readIds, readParameter, readText } from '../common';
import { callbackUrlField, connectedAccountLocator } from '../common.descriptions';

const showFor = { show: { resource: ['connectedAccount'], operation: ['refresh'] } };

export const option: OperationOption = {
	name: 'Refresh',
	value: 'refresh',
	action: 'Refresh connected account',
	description:
		"Start authorising a connected account again, e.g. an expired one. Returns 'redirectUrl': send the user there to reconnect.",
};

export const description: INodeProperties[] = [
	{ ...connectedAccountLocator, displayOptions: showFor },
	{
		...callbackUrlField,
		description: 'Where the user lands after reconnecting',
		displayOptions: showFor,
	},
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { itemIndex } = item;
	const { connectedAccountId } = readIds.call(this, item, [CONNECTED_ACCOUNT_ID]);
	const callbackUrl = readText.call(
		this,
		readParameter.call(this, item, 'callbackUrl', ''),
		'Callback URL',
		itemIndex,
	);
	// Repeated after a lost answer, it only makes another link: the lost one was never seen.
	const refreshed = await item.client.request({
		method: 'POST',
		path: buildPath('/connected_accounts/{id}/refresh', { id: connectedAccountId }),
		body: callbackUrl ? { redirect_url: callbackUrl } : {},
		itemIndex,
	});
	return [{ redirectUrl: refreshed.redirect_url ?? null, connectedAccountId, ...refreshed }];
}
