import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as deleteInstance from './delete.operation';
import * as getAll from './getAll.operation';

export { create, deleteInstance as delete, getAll };

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
					"Create a user's instance on an MCP server so the user can connect to it. Returns the instance: ID, instance_id (the user ID), mcp_server_id, created_at; optionally alreadyExisted and the user's mcpUrl.",
			},
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete an instance',
				description:
					"Delete a user's instance from an MCP server; Composio also deletes the user's connected accounts for the server's auth configs. Returns a message and the deleted connected accounts.",
			},
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many instances',
				description:
					'List the instances (users) of an MCP server, optionally searching by user ID. Returns one item per instance with its instance_id (the user ID).',
			},
		],
		default: 'create',
	},
	...create.description,
	...deleteInstance.description,
	...getAll.description,
];
