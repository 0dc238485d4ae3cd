import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { requestOptions } from './actions/requestOptions.description';
import { authConfig, connectedAccount, instance, server, session } from './actions/resources';
import { router } from './actions/router';
import { listSearch, loadOptions } from './methods';

export class ComposioMcp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Composio MCP',
		name: 'composioMcp',
		icon: { light: 'file:../../icons/composio.svg', dark: 'file:../../icons/composio.dark.svg' },
		group: ['transform'],
		// 1.1: Simplify, and Server › Delete's { deleted: true } output (see actions/version.ts).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Give your users Composio MCP endpoints: sessions, or servers and instances',
		defaults: { name: 'Composio MCP' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'composioMcpApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Auth Config',
						value: 'authConfig',
						description: "How users authenticate with a toolkit: Composio's OAuth app or your own",
					},
					{
						name: 'Connected Account',
						value: 'connectedAccount',
						description: "One user's authorised connection to a toolkit, made with a connect link",
					},
					{
						name: 'Instance',
						value: 'instance',
						description: "One end user's seat on an MCP server",
					},
					{
						name: 'Server',
						value: 'server',
						description: 'An MCP server: a bundle of toolkits and auth configs',
					},
					{
						name: 'Session',
						value: 'session',
						description: "A Tool Router session: one user's MCP endpoint on Composio's current API",
					},
				],
				// Instance stays the default: n8n leaves defaults out of saved workflows.
				default: 'instance',
			},
			...authConfig.description,
			...connectedAccount.description,
			...instance.description,
			...server.description,
			...session.description,
			requestOptions,
		],
	};

	methods = { listSearch, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
