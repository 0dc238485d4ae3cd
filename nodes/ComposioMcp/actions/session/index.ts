import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as createLink from './createLink.operation';
import * as executeTool from './executeTool.operation';
import * as get from './get.operation';
import * as getToolkits from './getToolkits.operation';

export { create, createLink, executeTool, get, getToolkits };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['session'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a session',
				description:
					"Create a Tool Router session for a user: the user's own MCP endpoint with their connected tools. Returns sessionId and mcpUrl.",
			},
			{
				name: 'Create Connect Link',
				value: 'createLink',
				action: 'Create a connect link',
				description:
					'Create a link where the user connects an account for a toolkit of the session. Returns redirect_url (the link) and connected_account_id.',
			},
			{
				name: 'Execute Tool',
				value: 'executeTool',
				action: 'Execute a tool',
				description:
					"Run one tool of the session (by its slug, e.g. GITHUB_GET_THE_AUTHENTICATED_USER) with arguments as a JSON object, as the session's user. Returns the tool's data and a log ID.",
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a session',
				description: 'Get a session by its ID. Returns sessionId, mcpUrl and its configuration.',
			},
			{
				name: 'Get Toolkits',
				value: 'getToolkits',
				action: 'Get the toolkits of a session',
				description:
					"List the session's toolkits, one item each, with the user's connected account when there is one",
			},
		],
		default: 'create',
	},
	...create.description,
	...createLink.description,
	...executeTool.description,
	...get.description,
	...getToolkits.description,
];
