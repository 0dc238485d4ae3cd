import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getServer } from '../../calls';
import { serverNameProblem } from '../../../shared/helpers/lists';
import type { ItemContext, OperationOption } from '../common';
import { invalidInput, readList, readParameter, readText } from '../common';
import { readSimplify, simplifyField, simplifyServer } from '../simplify';

const showFor = { show: { resource: ['server'], operation: ['create'] } };

export const option: OperationOption = {
	name: 'Create',
	value: 'create',
	action: 'Create server',
	description:
		'Create an MCP server from auth config IDs or toolkit slugs. Returns the new server with its ID, name, toolkits and auth config IDs.',
};

export const description: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Support Agent Tools',
		description: '4 to 30 characters: letters, digits, spaces and hyphens',
		displayOptions: showFor,
	},
	{
		displayName: 'Auth Config IDs',
		name: 'authConfigIds',
		type: 'string',
		default: '',
		placeholder: 'e.g. ac_123, ac_456',
		description:
			"The auth configs whose tools the server offers (comma-separated). Required unless 'Toolkits' are set.",
		displayOptions: showFor,
	},
	simplifyField('server', 'create'),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: showFor,
		options: [
			{
				displayName: 'Allowed Tools',
				name: 'allowedTools',
				type: 'string',
				default: '',
				placeholder: 'e.g. GMAIL_SEND_EMAIL, SLACK_SEND_MESSAGE',
				description: 'Only these tools are offered (comma-separated tool slugs); empty offers all',
			},
			{
				displayName: 'Managed Auth via Composio',
				name: 'managedAuth',
				type: 'boolean',
				default: false,
				description: "Whether Composio handles the users' authentication for this server",
			},
			{
				displayName: 'Toolkits',
				name: 'toolkits',
				type: 'string',
				default: '',
				placeholder: 'e.g. gmail, slack',
				description:
					'Toolkit slugs for a multi-toolkit server (comma-separated). With toolkits, the server is created as a custom server.',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { itemIndex, fields, client } = item;
	const name = readText.call(this, readParameter.call(this, item, 'name', ''), 'Name', itemIndex);
	const authConfigIds = readList.call(
		this,
		readParameter.call(this, item, 'authConfigIds', ''),
		'Auth Config IDs',
		itemIndex,
	);
	const additional = readParameter.call(this, item, 'additionalFields', {}) as IDataObject;
	const toolkits = readList.call(this, additional.toolkits, 'Toolkits', itemIndex);
	const allowedTools = readList.call(this, additional.allowedTools, 'Allowed Tools', itemIndex);
	Object.assign(fields, { name, authConfigIds, toolkits });
	const simplify = readSimplify.call(this, item);

	const nameProblem = serverNameProblem(name);
	if (nameProblem) throw invalidInput.call(this, nameProblem, itemIndex);
	if (!toolkits.length && !authConfigIds.length) {
		throw invalidInput.call(
			this,
			'Set Auth Config IDs, or Toolkits under Additional Fields',
			itemIndex,
		);
	}

	const body: IDataObject = { name };
	if (authConfigIds.length) body.auth_config_ids = authConfigIds;
	if (allowedTools.length) body.allowed_tools = allowedTools;
	if (additional.managedAuth !== undefined) body.managed_auth_via_composio = additional.managedAuth;
	if (toolkits.length) body.toolkits = toolkits;

	// Multi-toolkit servers have their own endpoint, which answers a smaller object. Server names
	// are not unique, so a create that may have reached Composio is never sent again.
	const created = await client.request({
		method: 'POST',
		path: toolkits.length ? '/mcp/servers/custom' : '/mcp/servers',
		body,
		itemIndex,
		safeToRepeat: false,
		ifOutcomeUnknown: `Composio may have created the server although its answer was lost: look for "${name}" with Server → Get Many before running this item again.`,
	});
	fields.serverId = created.id as string;
	// Both endpoints answer differently; the user gets the server as Get returns it.
	const server = await getServer(client, String(created.id), itemIndex);
	return [simplify ? simplifyServer(server) : server];
}
