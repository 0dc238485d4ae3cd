import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemContext, OperationOption } from '../common';
import { readIds, readParameter, USER_ID } from '../common';
import { optionsCollection, userIdField } from '../common.descriptions';
import type { SessionValues } from './fields';
import { listsToolkits, readSessionBody, sessionFields } from './fields';
import { sessionOutput } from './session';

const showFor = { show: { resource: ['session'], operation: ['create'] } };

export const option: OperationOption = {
	name: 'Create',
	value: 'create',
	action: 'Create session',
	description:
		"Create a Tool Router session for a user: the user's own MCP endpoint with their connected tools. Returns 'sessionId' and 'mcpUrl'.",
};

export const description: INodeProperties[] = [
	{
		...userIdField,
		description:
			"Your own ID for the end user, e.g. their email or your app's user ID: the session works with this user's connected accounts",
		displayOptions: showFor,
	},
	{ ...sessionFields.toolkitsMode, displayOptions: showFor },
	{
		...sessionFields.toolkits,
		displayOptions: { show: { ...showFor.show, toolkitsMode: ['enable', 'disable'] } },
	},
	optionsCollection(showFor, [
		sessionFields.authConfigs,
		sessionFields.callbackUrl,
		sessionFields.connectedAccounts,
		sessionFields.manageConnections,
		sessionFields.multiAccount,
		sessionFields.tags,
	]),
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { userId } = readIds.call(this, item, [USER_ID]);
	const options = readParameter.call(this, item, 'options', {}) as IDataObject;
	const values: SessionValues = {
		...options,
		toolkitsMode: readParameter.call(this, item, 'toolkitsMode', 'all'),
	};
	// The list is read only when shown: with All it may hold a stale expression.
	if (listsToolkits(values.toolkitsMode)) {
		values.toolkits = readParameter.call(this, item, 'toolkits', '');
	}
	const body: IDataObject = {
		user_id: userId,
		...readSessionBody.call(this, item, values, 'create'),
	};

	// An extra session is harmless and cannot be looked up: a create is retried like a read.
	const session = await item.client.request({
		method: 'POST',
		path: '/tool_router/session',
		body,
		itemIndex: item.itemIndex,
	});
	return [sessionOutput(session)];
}
