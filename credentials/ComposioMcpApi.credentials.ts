import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { checkBaseUrl } from '../nodes/shared/transport/url';

/** The origin a request goes to, however n8n passed its URL (absolute, or relative to baseURL). */
function targetOrigin(options: IHttpRequestOptions): string | undefined {
	const legacy = options as IHttpRequestOptions & { uri?: string };
	try {
		return new URL(options.url ?? legacy.uri ?? '', options.baseURL).origin;
	} catch {
		return undefined;
	}
}

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
		{
			displayName: 'Webhook Signing Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				"Only for the Composio Trigger in Manual mode: the secret Composio shows for your project's webhook subscription. Managed mode keeps the secret itself.",
		},
	];

	/**
	 * Adds x-api-key, the only credential header (Composio answers 401 to more than one), and only
	 * to requests for the Base URL's origin, checked as the node checks it: the key never goes to
	 * another host, whoever sends the request (this node, the credential's Test, HTTP Request). A
	 * function rather than an expression block, which n8n would evaluate for every request.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const base = checkBaseUrl(credentials.baseUrl);
		if (!base.ok) throw new Error(`${base.message}. ${base.description}`);
		const origin = targetOrigin(requestOptions);
		if (origin !== base.origin) {
			throw new Error(
				`The Composio MCP API credential sends its key only to its Base URL's origin (${base.origin}), not to ${origin ?? 'this URL'}`,
			);
		}
		requestOptions.headers = {
			...requestOptions.headers,
			'x-api-key': String(credentials.apiKey ?? ''),
		};
		return requestOptions;
	}

	// A cheap read-only call that answers 200 or 401. (Composio's session-info endpoint would echo the key.)
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.trim().replace(/\\/+$/, "")}}',
			url: '=/api/{{$credentials.apiVersion || "v3"}}/mcp/servers',
			qs: { limit: 1 },
		},
	};
}
