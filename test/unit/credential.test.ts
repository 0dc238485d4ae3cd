import type { IHttpRequestOptions } from 'n8n-workflow';

import { ComposioMcpApi } from '../../credentials/ComposioMcpApi.credentials';
import { checkBaseUrl } from '../../nodes/shared/transport/url';

const credential = new ComposioMcpApi();
const KEY = 'ak_credential_test_key';

async function authenticate(baseUrl: string, request: Partial<IHttpRequestOptions>) {
	return await credential.authenticate({ apiKey: KEY, baseUrl }, {
		url: '',
		...request,
	} as IHttpRequestOptions);
}

describe('the credential adds x-api-key only for its Base URL', () => {
	it('adds it (and nothing else) to a request for the Base URL, absolute or relative', async () => {
		const absolute = await authenticate('https://backend.composio.dev/', {
			url: 'https://backend.composio.dev/api/v3/mcp/servers',
			headers: { accept: 'application/json' },
		});
		expect(absolute.headers).toEqual({ accept: 'application/json', 'x-api-key': KEY });

		// The credential's Test: baseURL plus a path.
		const test = credential.test.request;
		const relative = await authenticate('http://10.0.0.5:8080', {
			baseURL: 'http://10.0.0.5:8080',
			url: '/api/v3/mcp/servers',
			qs: test.qs,
		});
		expect(relative.headers).toEqual({ 'x-api-key': KEY });
	});

	it.each([
		'https://evil.example/api/v3/mcp/servers',
		'http://backend.composio.dev/api/v3/mcp/servers',
		'https://backend.composio.dev:8443/api/v3/mcp/servers',
	])('refuses to send it to another origin: %p', async (url) => {
		await expect(authenticate('https://backend.composio.dev', { url })).rejects.toThrow(
			"The Composio MCP API credential sends its key only to its Base URL's origin (https://backend.composio.dev)",
		);
	});

	it.each(['http://169.254.169.254', 'http://metadata.google.internal', 'ftp://x.example', ''])(
		"applies the node's Base URL check, with the same message, to %p (the Test included)",
		async (baseUrl) => {
			const checked = checkBaseUrl(baseUrl);
			expect(checked.ok).toBe(false);
			await expect(
				authenticate(baseUrl, { baseURL: baseUrl, url: '/api/v3/mcp/servers' }),
			).rejects.toThrow(!checked.ok ? checked.message : 'unreachable');
		},
	);

	it('is a function, not an expression block that n8n would evaluate for every request', () => {
		expect(typeof credential.authenticate).toBe('function');
	});
});
