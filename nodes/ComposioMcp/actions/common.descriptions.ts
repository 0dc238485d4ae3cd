import type { INodeProperties } from 'n8n-workflow';

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
	],
};
