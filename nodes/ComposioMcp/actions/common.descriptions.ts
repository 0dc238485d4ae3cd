import type { INodeProperties } from 'n8n-workflow';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** The Server picker every operation on a server shares. */
export const serverLocator: INodeProperties = {
	displayName: 'Server',
	name: 'serverId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The Composio MCP server (a bundle of toolkits and auth configs)',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: {
				searchListMethod: 'searchServers',
				searchable: true,
			},
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 4f0c7e8a-1b2c-4d3e-9f00-123456789abc',
		},
		{
			// Composio dashboard links to a server carry its UUID in the path.
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'e.g. https://platform.composio.dev/…/mcp/4f0c7e8a-1b2c-4d3e-9f00-123456789abc',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `https?://.*${UUID}.*`,
						errorMessage: "Paste a Composio dashboard link that contains the server's ID",
					},
				},
			],
			// The last ID in the link: a dashboard path names the server after any org or project ID.
			extractValue: { type: 'regex', regex: `https?://.*(${UUID})` },
		},
	],
};

/** A picker with Composio's list (searchable) and an ID box; each use adds its displayOptions. */
function idLocator(
	displayName: string,
	name: string,
	searchListMethod: string,
	placeholder: string,
	description: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod, searchable: true },
			},
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder },
		],
	};
}

/** The Auth Config picker: a toolkit's way of authenticating users (Composio-managed or your own app). */
export const authConfigLocator = idLocator(
	'Auth Config',
	'authConfigId',
	'searchAuthConfigs',
	'e.g. ac_1a2b3c4d5e6f',
	"The auth config: how users authenticate with a toolkit (Composio's OAuth app or your own)",
);

/** The Connected Account picker: one user's authorised connection to one toolkit. */
export const connectedAccountLocator = idLocator(
	'Connected Account',
	'connectedAccountId',
	'searchConnectedAccounts',
	'e.g. ca_1a2b3c4d5e6f or {{ $json.connectedAccountId }}',
	"A user's connection to a toolkit, e.g. as Create Link returned it ('connectedAccountId')",
);

/**
 * The end user, by the caller's own ID: Composio's user_id, which is also the instance ID of the
 * user's instance on a server. Each use adds its description and displayOptions.
 */
export const userIdField: INodeProperties = {
	displayName: 'User ID',
	name: 'userId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. user_123 or {{ $json.email }}',
};

/** Composio's callback_url: where users land after connecting an account. */
export const callbackUrlField: INodeProperties = {
	displayName: 'Callback URL',
	name: 'callbackUrl',
	type: 'string',
	default: '',
	placeholder: 'e.g. https://app.example.com/connected',
	description: 'Where the user lands after connecting',
};

/** n8n's usual Return All / Limit pair, for one resource and operation. */
export function returnAllOrLimit(resource: string, operation: string): INodeProperties[] {
	const show = { resource: [resource], operation: [operation] };
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { ...show, returnAll: [false] } },
		},
	];
}

/** n8n's Options collection of an operation's optional settings. */
export function optionsCollection(
	displayOptions: INodeProperties['displayOptions'],
	options: INodeProperties[],
): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions,
		options,
	};
}

/** An Update operation's fields, of which only those the user adds are sent. */
export function updateFieldsCollection(
	displayOptions: INodeProperties['displayOptions'],
	options: INodeProperties[],
): INodeProperties {
	return {
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description: 'Only the fields added here are sent; the others stay as they are',
		displayOptions,
		options,
	};
}
