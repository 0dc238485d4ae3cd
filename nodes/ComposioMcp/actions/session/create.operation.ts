import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemContext, OperationOption } from '../common';
import { invalidInput, readIds, readList, readParameter, readText, USER_ID } from '../common';
import { callbackUrlField, userIdField } from '../common.descriptions';
import { sessionOutput } from './session';

const showFor = { show: { resource: ['session'], operation: ['create'] } };

/** MCP's tool hints, which Composio takes as tags: titled in the list, sent by their names. */
const TOOL_TAGS = [
	{ name: 'Destructive Hint', value: 'destructiveHint' },
	{ name: 'Idempotent Hint', value: 'idempotentHint' },
	{ name: 'Open-World Hint', value: 'openWorldHint' },
	{ name: 'Read-Only Hint', value: 'readOnlyHint' },
];

/** A toolkit → id list, as a fixed collection. */
function toolkitMap(name: string, displayName: string, idName: string, placeholder: string) {
	return {
		displayName,
		name,
		type: 'fixedCollection' as const,
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: `Add ${displayName.replace(/s$/, '')}`,
		options: [
			{
				displayName: 'Entry',
				name: 'entries',
				values: [
					{
						displayName: 'Toolkit',
						name: 'toolkit',
						type: 'string' as const,
						default: '',
						placeholder: 'e.g. github',
					},
					{
						displayName: idName,
						name: 'id',
						type: 'string' as const,
						default: '',
						placeholder,
					},
				],
			},
		],
	};
}

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
	{
		displayName: 'Toolkits',
		name: 'toolkitsMode',
		type: 'options',
		options: [
			{ name: 'All', value: 'all', description: 'Every toolkit of the project' },
			{ name: 'Only These', value: 'enable', description: 'Only the toolkits listed' },
			{ name: 'All Except These', value: 'disable', description: 'Every toolkit but those listed' },
		],
		default: 'all',
		description: 'Which toolkits the session offers',
		displayOptions: showFor,
	},
	{
		displayName: 'Toolkit List',
		name: 'toolkits',
		type: 'string',
		default: '',
		placeholder: 'e.g. gmail, slack',
		description: 'Toolkit slugs, comma-separated or a list from an expression',
		displayOptions: { show: { ...showFor.show, toolkitsMode: ['enable', 'disable'] } },
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
				...toolkitMap('authConfigs', 'Auth Configs', 'Auth Config ID', 'e.g. ac_123'),
				description: 'The auth config to use for a toolkit, instead of the default one',
			},
			{
				...callbackUrlField,
				description: "With 'Manage Connections': where users land after connecting an account",
			},
			{
				...toolkitMap(
					'connectedAccounts',
					'Connected Accounts',
					'Connected Account ID',
					'e.g. ca_123',
				),
				description: "The user's connected account to use for a toolkit",
			},
			{
				displayName: 'Manage Connections',
				name: 'manageConnections',
				type: 'boolean',
				default: true,
				description:
					"Whether the session's tools may start connections for the user (a connect link when a toolkit is not connected yet)",
			},
			{
				displayName: 'Tags',
				name: 'tags',
				type: 'multiOptions',
				options: TOOL_TAGS,
				default: [],
				description: 'Only tools with these MCP hints',
			},
		],
	},
];

/** A fixed collection of toolkit → id as Composio's map; blank rows are skipped, bad ones refused. */
function readToolkitMap(
	this: IExecuteFunctions,
	value: unknown,
	label: string,
	itemIndex: number,
): Record<string, string> | undefined {
	const entries = ((value as IDataObject | undefined)?.entries ?? []) as IDataObject[];
	const map: Record<string, string> = {};
	for (const entry of entries) {
		const toolkit = readText.call(this, entry.toolkit, `${label}: Toolkit`, itemIndex);
		const id = readText.call(this, entry.id, `${label}: ID`, itemIndex);
		if (!toolkit && !id) continue;
		if (!toolkit || !id) {
			throw invalidInput.call(this, `${label}: each row needs a toolkit and an ID`, itemIndex);
		}
		map[toolkit] = id;
	}
	return Object.keys(map).length ? map : undefined;
}

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { itemIndex, fields, client } = item;
	const { userId } = readIds.call(this, item, [USER_ID]);
	const mode = readParameter.call(this, item, 'toolkitsMode', 'all') as string;
	const options = readParameter.call(this, item, 'options', {}) as IDataObject;

	const body: IDataObject = { user_id: userId };
	if (mode === 'enable' || mode === 'disable') {
		const toolkits = readList.call(
			this,
			readParameter.call(this, item, 'toolkits', ''),
			'Toolkit List',
			itemIndex,
		);
		if (toolkits.length === 0) {
			throw invalidInput.call(
				this,
				'Toolkit List is empty: list the toolkits, or set Toolkits to All',
				itemIndex,
			);
		}
		fields.toolkits = toolkits;
		body.toolkits = { [mode]: toolkits };
	}
	const authConfigs = readToolkitMap.call(this, options.authConfigs, 'Auth Configs', itemIndex);
	if (authConfigs) body.auth_configs = authConfigs;
	const accounts = readToolkitMap.call(
		this,
		options.connectedAccounts,
		'Connected Accounts',
		itemIndex,
	);
	if (accounts) body.connected_accounts = accounts;
	const callbackUrl = readText.call(this, options.callbackUrl, 'Callback URL', itemIndex);
	if (options.manageConnections !== undefined || callbackUrl) {
		body.manage_connections = {
			enable: options.manageConnections !== false,
			...(callbackUrl ? { callback_url: callbackUrl } : {}),
		};
	}
	const tags = readList.call(this, options.tags, 'Tags', itemIndex);
	if (tags.length) body.tags = tags;

	// An extra session is harmless and cannot be looked up: a create is retried like a read.
	const session = await client.request({
		method: 'POST',
		path: '/tool_router/session',
		body,
		itemIndex,
	});
	return [sessionOutput(session)];
}
