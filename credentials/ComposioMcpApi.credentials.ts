import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class ComposioMcpApi implements ICredentialType {
	name = 'composioMcpApi';

	displayName = 'Composio MCP API';

	documentationUrl = 'https://github.com/n8n-nodes-composio-mcp/n8n-nodes-composio-mcp#credentials';

	icon: Icon = { light: 'file:../icons/composio.svg', dark: 'file:../icons/composio.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'Your Composio project API key, from the Composio dashboard under Settings → API Keys',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			required: true,
			default: 'https://backend.composio.dev',
			description:
				'Change only for a self-hosted or proxied Composio. An http(s) URL, with or without a trailing slash.',
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'options',
			options: [
				{ name: 'V3', value: 'v3', description: 'Paths under /api/v3' },
				{
					name: 'V3.1',
					value: 'v3.1',
					description: "Paths under /api/v3.1, Composio's current prefix",
				},
			],
			default: 'v3',
			description: 'Both serve the same MCP requests and answers',
		},
	];

	// Composio answers 401 when more than one credential header is sent, so x-api-key is the only one.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-api-key': '={{$credentials.apiKey}}',
			},
		},
	};

	// A cheap read-only call that answers 200 or 401. (Composio's session-info endpoint would echo the key.)
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.trim().replace(/\\/+$/, "")}}',
			url: '=/api/{{$credentials.apiVersion || "v3"}}/mcp/servers',
			qs: { limit: 1 },
		},
	};
}
