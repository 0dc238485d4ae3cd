import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildPath } from '../../../shared/transport';
import type { ItemContext, OperationOption } from '../common';
import { invalidInput, readIds, readParameter, SESSION_ID } from '../common';
import { updateFieldsCollection } from '../common.descriptions';
import { readSessionBody, sessionFields } from './fields';
import { requireSessionLifecycle, sessionIdParameter, sessionOutput } from './session';

const showFor = { show: { resource: ['session'], operation: ['update'] } };

export const option: OperationOption = {
	name: 'Update',
	value: 'update',
	action: 'Update session',
	description:
		"Change a session's toolkits, auth configs, connected accounts, connection management, multi-account settings or tags in place; only the given fields change. Needs the credential's API Version V3.1. Returns the session with 'config_version'.",
};

export const description: INodeProperties[] = [
	sessionIdParameter('update'),
	updateFieldsCollection(showFor, [
		{
			...sessionFields.authConfigs,
			description: "The auth config to use for a toolkit; replaces the session's auth configs",
		},
		sessionFields.callbackUrl,
		{
			...sessionFields.connectedAccounts,
			description:
				"The user's connected account to use for a toolkit; replaces the session's connected accounts. Several rows for one toolkit need 'Multi-Account' with Enable on in the same update.",
		},
		sessionFields.manageConnections,
		{
			...sessionFields.multiAccount,
			description:
				"Several connected accounts per toolkit for the user (e.g. a work and a personal Gmail); replaces the session's multi-account settings. Without it a session holds one account per toolkit.",
		},
		{
			...sessionFields.tags,
			description: 'Only tools with these MCP hints; none selected removes the filter',
		},
		{
			...sessionFields.toolkits,
			description:
				"Toolkit slugs, comma-separated or a list from an expression; needs 'Toolkits' Only These or All Except These",
		},
		{
			...sessionFields.toolkitsMode,
			description:
				"Which toolkits the session offers; with Only These or All Except These, add 'Toolkit List'",
		},
	]),
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { itemIndex } = item;
	const { sessionId } = readIds.call(this, item, [SESSION_ID]);
	requireSessionLifecycle.call(this, item, 'Update');
	const update = readParameter.call(this, item, 'updateFields', {}) as IDataObject;

	// A partial PATCH: only what the user added to Update Fields is sent.
	const body = readSessionBody.call(this, item, update, 'update');
	if (Object.keys(body).length === 0) {
		throw invalidInput.call(this, 'Add at least one field under Update Fields', itemIndex);
	}
	// The same change sent twice leaves the same session (its config_version counts both).
	const session = await item.client.request({
		method: 'PATCH',
		path: buildPath('/tool_router/session/{sessionId}', { sessionId }),
		body,
		itemIndex,
	});
	return [sessionOutput(session)];
}
