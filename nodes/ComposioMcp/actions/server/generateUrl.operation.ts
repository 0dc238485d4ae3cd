import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { GenerateUrlsBody } from '../../calls';
import { generateUrls } from '../../calls';
import type { ItemContext, OperationOption } from '../common';
import { invalidInput, readList, readParameter, readServerId } from '../common';
import { serverLocator } from '../common.descriptions';

const showFor = { show: { resource: ['server'], operation: ['generateUrl'] } };

export const option: OperationOption = {
	name: 'Generate URL',
	value: 'generateUrl',
	action: 'Generate server URLs',
	description:
		"Get a server's MCP URL for given user IDs or connected account IDs. Returns 'mcp_url' plus one URL per user and per connected account.",
};

export const description: INodeProperties[] = [
	{ ...serverLocator, displayOptions: showFor },
	{
		displayName: 'User IDs',
		name: 'userIds',
		type: 'string',
		default: '',
		placeholder: 'e.g. user_123, user_456',
		description: 'Users to generate an MCP URL for (comma-separated, or a list from an expression)',
		displayOptions: showFor,
	},
	{
		displayName: 'Connected Account IDs',
		name: 'connectedAccountIds',
		type: 'string',
		default: '',
		placeholder: 'e.g. ca_123',
		description: 'Connected accounts to generate an MCP URL for (comma-separated)',
		displayOptions: showFor,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showFor,
		options: [
			{
				displayName: 'Managed Auth via Composio',
				name: 'managedAuth',
				type: 'boolean',
				default: false,
				description: 'Whether the URLs use authentication managed by Composio',
			},
			{
				displayName: 'One Item per URL',
				name: 'splitIntoItems',
				type: 'boolean',
				default: false,
				description:
					'Whether to output one item per user or connected account URL instead of one item with all of them',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { itemIndex, fields } = item;
	const serverId = readServerId.call(this, item);
	const userIds = readList.call(
		this,
		readParameter.call(this, item, 'userIds', ''),
		'User IDs',
		itemIndex,
	);
	const accountIds = readList.call(
		this,
		readParameter.call(this, item, 'connectedAccountIds', ''),
		'Connected Account IDs',
		itemIndex,
	);
	const options = readParameter.call(this, item, 'options', {}) as IDataObject;
	Object.assign(fields, { userIds, connectedAccountIds: accountIds });

	const body: GenerateUrlsBody = {};
	if (userIds.length) body.user_ids = userIds;
	if (accountIds.length) body.connected_account_ids = accountIds;
	if (options.managedAuth !== undefined)
		body.managed_auth_by_composio = options.managedAuth as boolean;
	if (!userIds.length && !accountIds.length && options.splitIntoItems) {
		throw invalidInput.call(
			this,
			'Set User IDs or Connected Account IDs to get one item per URL',
			itemIndex,
		);
	}

	const answer = await generateUrls(item.client, serverId, body, itemIndex);
	const userUrls = Array.isArray(answer.user_ids_url) ? (answer.user_ids_url as string[]) : [];
	const accountUrls = Array.isArray(answer.connected_account_urls)
		? (answer.connected_account_urls as string[])
		: [];
	if (!options.splitIntoItems) return [answer];

	// Composio answers the URLs in the order the ids were sent.
	return [
		...userIds.map((userId, i) => ({ serverId, userId, mcpUrl: userUrls[i] ?? null })),
		...accountIds.map((connectedAccountId, i) => ({
			serverId,
			connectedAccountId,
			mcpUrl: accountUrls[i] ?? null,
		})),
	];
}
