import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';

export { create };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['instance'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create an instance',
				description:
					"Create a user's instance on an MCP server, so that user can connect to the server. Returns the instance: ID, instance_id (the user ID), mcp_server_id, created_at, updated_at.",
			},
		],
		default: 'create',
	},
	...create.description,
];
