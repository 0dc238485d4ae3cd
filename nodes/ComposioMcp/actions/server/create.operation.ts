import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { getServer } from '../../calls';
import type { ItemContext, OperationOption } from '../common';
import { invalidInput, readParameter } from '../common';
import { readSimplify, simplifyField, simplifyServer } from '../simplify';
import { authConfigIdsFields, readServerBody, serverFields } from './fields';

const showFor = { show: { resource: ['server'], operation: ['create'] } };

export const option: OperationOption = {
	name: 'Create',
	value: 'create',
	action: 'Create server',
	description:
		'Create an MCP server from auth config IDs or toolkit slugs. Returns the new server with its ID, name, toolkits and auth config IDs.',
};

export const description: INodeProperties[] = [
	{ ...serverFields.name, required: true, displayOptions: showFor },
	...authConfigIdsFields(
		"The auth configs whose tools the server offers. Required unless 'Toolkits' are set",
		showFor.show,
	),
	simplifyField('server', 'create'),
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: showFor,
		options: [serverFields.allowedTools, serverFields.managedAuth, serverFields.toolkits],
	},
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { itemIndex, fields, client } = item;
	const additional = readParameter.call(this, item, 'additionalFields', {}) as IDataObject;
	const body = readServerBody.call(
		this,
		item,
		{
			name: readParameter.call(this, item, 'name', ''),
			authConfigIds: readParameter.call(this, item, 'authConfigIds', ''),
			allowedTools: additional.allowedTools,
			managedAuth: additional.managedAuth,
			// Recorded as [] when not given, so an error item always says which toolkits it had.
			toolkits: additional.toolkits ?? '',
		},
		'omit',
	);
	const name = body.name as string;
	const toolkits = (body.toolkits as string[] | undefined) ?? [];
	const simplify = readSimplify.call(this, item);

	if (!toolkits.length && !body.auth_config_ids) {
		throw invalidInput.call(
			this,
			'Set Auth Config IDs, or Toolkits under Additional Fields',
			itemIndex,
		);
	}

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
