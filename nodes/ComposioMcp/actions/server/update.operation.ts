import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { serverNameProblem } from '../../../shared/helpers/lists';
import { buildPath } from '../../../shared/transport';
import type { ItemContext, OperationOption } from '../common';
import { invalidInput, readList, readParameter, readServerId, readText } from '../common';
import { serverLocator } from '../common.descriptions';
import { readSimplify, simplifyField, simplifyServer } from '../simplify';

const showFor = { show: { resource: ['server'], operation: ['update'] } };

export const option: OperationOption = {
	name: 'Update',
	value: 'update',
	action: 'Update server',
	description:
		"Change a server's name, toolkits, auth config IDs, allowed tools or managed auth; only the given fields change. Returns the updated server.",
};

export const description: INodeProperties[] = [
	{ ...serverLocator, displayOptions: showFor },
	simplifyField('server', 'update'),
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Only the fields added here are sent; the others stay as they are',
		displayOptions: showFor,
		options: [
			{
				displayName: 'Allowed Tools',
				name: 'allowedTools',
				type: 'string',
				default: '',
				description: 'Tool slugs the server offers (comma-separated); replaces the current list',
			},
			{
				displayName: 'Auth Config IDs',
				name: 'authConfigIds',
				type: 'string',
				default: '',
				description: 'Auth config IDs (comma-separated); replaces the current list',
			},
			{
				displayName: 'Managed Auth via Composio',
				name: 'managedAuth',
				type: 'boolean',
				default: false,
				description: "Whether Composio handles the users' authentication for this server",
			},
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				description: '4 to 30 characters: letters, digits, spaces and hyphens',
			},
			{
				displayName: 'Toolkits',
				name: 'toolkits',
				type: 'string',
				default: '',
				description: 'Toolkit slugs (comma-separated); replaces the current list',
			},
		],
	},
];

const LIST_FIELDS: Record<string, { apiField: string; label: string }> = {
	allowedTools: { apiField: 'allowed_tools', label: 'Allowed Tools' },
	authConfigIds: { apiField: 'auth_config_ids', label: 'Auth Config IDs' },
	toolkits: { apiField: 'toolkits', label: 'Toolkits' },
};

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { itemIndex } = item;
	const serverId = readServerId.call(this, item);
	const update = readParameter.call(this, item, 'updateFields', {}) as IDataObject;

	// A partial PATCH: only what the user added to Update Fields is sent.
	const body: IDataObject = {};
	if (update.name !== undefined) {
		// An expression that gives null is an empty name, refused below, never the text "null".
		const name = readText.call(this, update.name, 'Name', itemIndex);
		const problem = serverNameProblem(name);
		if (problem) throw invalidInput.call(this, problem, itemIndex);
		body.name = name;
	}
	for (const [field, { apiField, label }] of Object.entries(LIST_FIELDS)) {
		if (update[field] !== undefined) {
			body[apiField] = readList.call(this, update[field], label, itemIndex);
		}
	}
	if (update.managedAuth !== undefined) body.managed_auth_via_composio = update.managedAuth;
	if (Object.keys(body).length === 0) {
		throw invalidInput.call(this, 'Add at least one field under Update Fields', itemIndex);
	}
	const simplify = readSimplify.call(this, item);

	const server = await item.client.request({
		method: 'PATCH',
		path: buildPath('/mcp/{id}', { id: serverId }),
		body,
		itemIndex,
	});
	return [simplify ? simplifyServer(server) : server];
}
