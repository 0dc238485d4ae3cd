import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildPath } from '../../../shared/transport';
import type { ItemContext, OperationOption } from '../common';
import { readIds, SERVER_ID, USER_ID_IN_PATH } from '../common';
import { serverLocator, userIdField } from '../common.descriptions';
import { isVersion1 } from '../version';

const showFor = { show: { resource: ['instance'], operation: ['delete'] } };

export const option: OperationOption = {
	name: 'Delete',
	value: 'delete',
	action: 'Delete instance',
	description:
		"Delete a user's instance from an MCP server; Composio also deletes the user's connected accounts for the server's auth configs. Returns 'deleted': true, 'serverId', 'userId' and 'deleted_connected_accounts' (their number, null if unknown); version 1: Composio's answer with the IDs.",
};

export const description: INodeProperties[] = [
	{
		displayName:
			"Composio also deletes this user's connected accounts for the server's auth configs: the user has to connect again to use any server with those auth configs.",
		name: 'deleteInstanceNotice',
		type: 'notice',
		default: '',
		displayOptions: showFor,
	},
	{ ...serverLocator, displayOptions: showFor },
	{
		...userIdField,
		description: 'The user whose instance to delete (the instance ID is the user ID)',
		displayOptions: showFor,
	},
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { itemIndex } = item;
	const { serverId, userId } = readIds.call(this, item, [SERVER_ID, USER_ID_IN_PATH]);
	const answer = await item.client.request({
		method: 'DELETE',
		path: buildPath('/mcp/servers/{serverId}/instances/{instanceId}', {
			serverId,
			instanceId: userId,
		}),
		itemIndex,
		// A 404 to a repeated delete: the first attempt deleted it and its answer, with the count of
		// connected accounts, was lost.
		ifAlreadyDone: {
			when: (error) => error.httpCode === '404',
			resolve: async () => ({
				message: "Instance deleted (Composio's answer to the first attempt was lost)",
				deleted_connected_accounts: null,
			}),
		},
	});
	// Version 1 keeps Composio's answer with the ids (see version.ts).
	if (isVersion1.call(this)) return [{ ...answer, serverId, userId }];
	// The ids say what is gone, as Server › Delete does; Composio's message says nothing more.
	const accounts = answer.deleted_connected_accounts;
	return [
		{
			deleted: true,
			serverId,
			userId,
			deleted_connected_accounts: typeof accounts === 'number' ? accounts : null,
		},
	];
}
