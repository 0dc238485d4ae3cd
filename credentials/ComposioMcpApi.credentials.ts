import type {
	IAuthenticateRuleResponseSuccessBody,
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { checkBaseUrl } from '../nodes/shared/transport/url';

const CHECK_BASE_URL =
	"Set the Base URL to https://backend.composio.dev, or your Composio's or proxy's address without /api (the API Version adds it).";

/** Fails the Test when the answer's body has `value` at `key` (lodash get, as n8n's tester reads it). */
function failWhen(
	key: string,
	value: unknown,
	message: string,
): IAuthenticateRuleResponseSuccessBody {
	return { type: 'responseSuccessBody', properties: { key, value, message } };
}

/** Every HTTP error status but 403, which a valid key whose scope lacks MCP servers gets. */
const ERROR_STATUSES = Array.from({ length: 200 }, (_, index) => 400 + index).filter(
	(status) => status !== 403,
);

/** What the Test says of Composio's envelope with this status. */
function envelopeStatusMessage(status: number): string {
	if (status === 401) {
		return 'Composio refused the API key (HTTP 401): it is wrong, or it was revoked. Copy the key again from your project in the Composio dashboard (Settings → API Keys), and check that the Base URL is that Composio.';
	}
	if (status === 404) {
		return `The Base URL answered HTTP 404 to Composio's list of MCP servers. ${CHECK_BASE_URL} Check the API Version too.`;
	}
	if (status === 400) {
		return "Composio refused the Test's request (HTTP 400), so the key could not be checked: check the API Version.";
	}
	if (status === 429) {
		return 'Composio is rate limiting this organisation (HTTP 429), so the key could not be checked: test again in a minute.';
	}
	if (status >= 500) {
		return `Composio answered HTTP ${status}, so the key could not be checked: test again later.`;
	}
	return `The Base URL answered HTTP ${status} to Composio's list of MCP servers, so the key could not be checked. Check the Base URL and the API Version.`;
}

/**
 * The Test's verdicts, first match wins. n8n's tester hands these rules the answer's body only
 * (ignoreHttpStatusErrors lets every status through, and the Test follows no redirect), so they
 * read Composio's error envelope, whose `error.status` is the HTTP status, and fail every other
 * shape they can tell by equality. What passes: a 200 (the key reads MCP servers) and a 403 in
 * Composio's envelope (a valid key whose scope lacks "MCP servers (legacy)" and "Sessions": a
 * key for the Composio Trigger, say). No route is open to every scope, so a 403 must pass. A JSON
 * object none of them describes (`{}`, say) passes too, whatever its status: the rules never see
 * the status.
 */
const TEST_RULES = [
	// An HTML page, plain text or an empty body (a redirect's, say): a string where Composio answers JSON.
	failWhen(
		'constructor.name',
		'String',
		`The Base URL did not answer like Composio's API (not JSON: a web page, text, or an empty answer such as a redirect's, which the Test does not follow). ${CHECK_BASE_URL}`,
	),
	...ERROR_STATUSES.map((status) =>
		failWhen('error.status', status, envelopeStatusMessage(status)),
	),
	// Other servers' error shapes: NestJS's { statusCode }, { status } (Spring, RFC 9457), Google's
	// { error: { status: "PERMISSION_DENIED" } }, { errors: [...] } (GraphQL, Cloudflare, JSON:API).
	failWhen(
		'statusCode.constructor.name',
		'Number',
		`The Base URL answered without Composio's error envelope. ${CHECK_BASE_URL}`,
	),
	...ERROR_STATUSES.map((status) =>
		failWhen(
			'status',
			status,
			`The Base URL answered HTTP ${status} without Composio's error envelope. ${CHECK_BASE_URL}`,
		),
	),
	...[
		['error.status.constructor.name', 'String'],
		['errors.constructor.name', 'Array'],
	].map(([key, value]) =>
		failWhen(key, value, `The Base URL did not answer like Composio's API. ${CHECK_BASE_URL}`),
	),
	// JSON without Composio's envelope. A bare { message } is also what Composio's rate limiter sends.
	failWhen(
		'message.constructor.name',
		'String',
		`The Base URL answered without Composio's error envelope. If Composio is rate limiting this organisation, test again in a minute; otherwise: ${CHECK_BASE_URL}`,
	),
	// { error: "…" } or FastAPI's { detail: "…" }: another server's errors.
	...['error', 'detail'].map((key) =>
		failWhen(
			`${key}.constructor.name`,
			'String',
			`The Base URL did not answer like Composio's API. ${CHECK_BASE_URL}`,
		),
	),
];

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

	/**
	 * A cheap read (one MCP server), the node's main area: 200 for a full-access key, 403 for a key
	 * scoped elsewhere, 401 for a wrong or revoked one; the rules above say which fail. (Composio's
	 * session-info endpoint would echo the key.) `true`, not { ignore, except }: n8n 1.x reads any
	 * object as true, and a rule set is all body rules or all status rules, not both.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.trim().replace(/\\/+$/, "")}}',
			url: '=/api/{{$credentials.apiVersion || "v3"}}/mcp/servers',
			qs: { limit: 1 },
			ignoreHttpStatusErrors: true,
			// A redirect reaches the rules (and fails) instead of taking the key to another host: n8n
			// re-sends the request's headers to the Location, x-api-key included, without authenticate().
			disableFollowRedirect: true,
		},
		rules: TEST_RULES,
	};
}
