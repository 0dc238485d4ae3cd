import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteServer from './delete.operation';
import * as generateUrl from './generateUrl.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

export { create, deleteServer as delete, generateUrl, get, getAll, update };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['server'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a server',
				description:
					'Create an MCP server from auth config IDs or toolkit slugs. Returns the new server with its ID, name, toolkits and auth config IDs.',
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a server',
				description: 'Soft-delete an MCP server by ID. Returns the server ID and deleted: true.',
			},
			{
				name: 'Generate URL',
				value: 'generateUrl',
				action: 'Generate links to a server',
				description:
					"Get a server's MCP URL for given user IDs or connected account IDs. Returns mcp_url plus one URL per user and per connected account.",
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a server',
				description:
					'Get one MCP server by ID. Returns its name, toolkits, auth config IDs, allowed tools and instance count.',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many servers',
				description:
					'List MCP servers, optionally filtered by name, toolkits or auth config IDs. Returns one item per server.',
			},
			{
				name: 'Update',
				value: 'update',
				action: 'Update a server',
				description:
					"Change a server's name, toolkits, auth config IDs, allowed tools or managed auth; only the given fields change. Returns the updated server.",
			},
		],
		default: 'getAll',
	},
	...create.description,
	...deleteServer.description,
	...generateUrl.description,
	...get.description,
	...getAll.description,
	...update.description,
];
