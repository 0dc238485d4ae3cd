import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildPath } from '../../../shared/transport';
import type { ItemContext, OperationOption } from '../common';
import { CONNECTED_ACCOUNT_ID, readBoolean, readIds, readParameter, requireV31 } from '../common';
import { connectedAccountLocator, optionsCollection } from '../common.descriptions';

const showFor = { show: { resource: ['connectedAccount'], operation: ['delete'] } };

export const option: OperationOption = {
	name: 'Delete',
	value: 'delete',
	action: 'Delete connected account',
	description:
		"Delete a connected account: its tools stop working for the user. Returns 'deleted': true and the account's ID.",
};

export const description: INodeProperties[] = [
	{ ...connectedAccountLocator, displayOptions: showFor },
	optionsCollection(showFor, [
		{
			displayName: 'Revoke at Provider',
			name: 'revokeAtProvider',
			type: 'boolean',
			default: true,
			description:
				"Whether Composio also revokes the account's tokens at the provider (e.g. Google), not only deletes them. Needs the credential's API Version V3.1.",
		},
	]),
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { connectedAccountId } = readIds.call(this, item, [CONNECTED_ACCOUNT_ID]);
	const options = readParameter.call(this, item, 'options', {}) as IDataObject;
	const revoke =
		options.revokeAtProvider !== undefined &&
		readBoolean.call(this, options.revokeAtProvider, 'Revoke at Provider', item.itemIndex);
	if (revoke) requireV31.call(this, item, 'Revoke at Provider');
	const deleted = await item.client.request({
		method: 'DELETE',
		path: buildPath('/connected_accounts/{id}', { id: connectedAccountId }),
		qs: revoke ? { revoke_on_delete: true } : undefined,
		itemIndex: item.itemIndex,
		// A 404 to a repeated delete: the first attempt deleted it and its answer was lost.
		ifAlreadyDone: {
			when: (error) => error.httpCode === '404',
			resolve: async () => ({ success: true }),
		},
	});
	return [
		{
			deleted: true,
			connectedAccountId,
			// Null when the answer was lost (the retry's 404 says only that the account is gone).
			...(revoke ? { revoke_job_id: deleted.revoke_job_id ?? null } : {}),
		},
	];
}
