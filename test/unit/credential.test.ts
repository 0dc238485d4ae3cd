import type { IHttpRequestOptions } from 'n8n-workflow';

import { ComposioMcpApi } from '../../credentials/ComposioMcpApi.credentials';
import { SIM_API_KEY } from '../simulator';
import { callSimulator } from '../simulator/call';
import { useSimulatorServer } from '../support/simulatorServer';
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

/** lodash's get for dotted keys, as n8n's tester reads a rule's key (primitives box: ''.constructor). */
function get(value: unknown, path: string): unknown {
	let current = value;
	for (const key of path.split('.')) {
		if (current === null || current === undefined) return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

/** n8n's credentials tester: the first rule whose key holds its value fails the Test. */
function verdict(body: unknown): { status: 'OK' | 'Error'; message?: string } {
	for (const rule of credential.test.rules ?? []) {
		if (
			rule.type === 'responseSuccessBody' &&
			get(body, rule.properties.key) === rule.properties.value
		) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK' };
}

/** The body as n8n's HTTP helper hands it over: JSON when it parses, else the text. */
function asN8nReads(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

const KEY_REFUSED = /^Composio refused the API key \(HTTP 401\).*Settings → API Keys/;
const REDIRECT =
	/^The Base URL did not answer like Composio's API \(not JSON: .*a redirect's, which the Test does not follow\)\. Set the Base URL/;
const NOT_COMPOSIO =
	/^The Base URL did not answer like Composio's API.*Set the Base URL to https:\/\/backend\.composio\.dev/;

describe("the credential's Test passes any valid key, whatever its scope", () => {
	const TRIGGERS = 'ak_scoped_triggers_webhooks';
	const SESSIONS = 'ak_scoped_sessions';
	const ACCOUNTS = 'ak_scoped_connected_accounts';
	const REVOKED = 'ak_revoked';
	const server = useSimulatorServer({
		scopedKeys: {
			[TRIGGERS]: { triggers: 'readwrite', webhooks: 'readwrite' },
			[SESSIONS]: { sessions: 'readwrite' },
			[ACCOUNTS]: { connected_accounts: 'read' },
			[REVOKED]: { sessions: 'readwrite' },
		},
	});

	// After useSimulatorServer's reset, which restores revoked keys.
	beforeEach(() => {
		server.sim.revokeKey(REVOKED);
	});

	afterEach(() => {
		expect(server.sim.violations).toEqual([]);
	});

	/** The Test's request (GET …/mcp/servers?limit=1) with this key, and the tester's verdict. */
	async function test(apiKey: string, apiVersion = 'v3') {
		const { status, text } = await callSimulator(
			server.sim,
			'GET',
			`/api/${apiVersion}/mcp/servers?limit=1`,
			undefined,
			{ 'x-api-key': apiKey },
		);
		return { httpStatus: status, ...verdict(asN8nReads(text)) };
	}

	it('sends every status to the rules (true: n8n 1.x reads { ignore, except } as true too)', () => {
		expect(credential.test.request.ignoreHttpStatusErrors).toBe(true);
		// A redirect is answered to the rules: n8n would re-send x-api-key to its Location.
		expect(credential.test.request.disableFollowRedirect).toBe(true);
		expect(credential.test.rules?.every((rule) => rule.type === 'responseSuccessBody')).toBe(true);
	});

	it.each([
		['full access', SIM_API_KEY, 200],
		['triggers and webhooks', TRIGGERS, 403],
		['sessions', SESSIONS, 200],
		['connected accounts, read only', ACCOUNTS, 403],
	])('passes a key with %s', async (_scope, key, httpStatus) => {
		expect(await test(key)).toEqual({ httpStatus, status: 'OK' });
		expect(await test(key, 'v3.1')).toEqual({ httpStatus, status: 'OK' });
	});

	it.each([
		['a wrong key', 'ak_wrong'],
		['a revoked key', REVOKED],
		['an empty key', ''],
	])('fails %s with the 401 message', async (_case, key) => {
		expect(await test(key)).toEqual({
			httpStatus: 401,
			status: 'Error',
			message: expect.stringMatching(KEY_REFUSED),
		});
	});
});

describe("the credential's Test fails answers that are not Composio's", () => {
	const envelope = (status: number, message: string) => ({
		error: { message, code: status * 10, status, request_id: 'req_1' },
	});

	it.each([
		['an HTML page', '<!DOCTYPE html><html><title>502 Bad Gateway</title></html>', NOT_COMPOSIO],
		['plain text', 'Not Found', NOT_COMPOSIO],
		['an empty body', '', NOT_COMPOSIO],
		['{ error: "…" }', '{"error":"Not Found"}', NOT_COMPOSIO],
		["FastAPI's { detail }", '{"detail":"Not Found"}', NOT_COMPOSIO],
		[
			"Composio's rate limiter (a bare message)",
			'{"message":"Rate limit exceeded. Limit: 100 requests per 1 minutes"}',
			/^The Base URL answered without Composio's error envelope\. If Composio is rate limiting/,
		],
		[
			"NestJS's 404",
			'{"statusCode":404,"message":"Cannot GET /api/v3/mcp/servers","error":"Not Found"}',
			/without Composio's error envelope/,
		],
		[
			'a 404 envelope',
			JSON.stringify(envelope(404, 'Cannot GET /api/v3/mcp/servers')),
			/^The Base URL answered HTTP 404.*API Version/,
		],
		['a 400 envelope', JSON.stringify(envelope(400, 'Invalid request')), /HTTP 400.*API Version/],
		[
			'a 429 envelope',
			JSON.stringify(envelope(429, 'Too many requests')),
			/HTTP 429.*test again in a minute/,
		],
		['a 503 envelope', JSON.stringify(envelope(503, 'Unavailable')), /HTTP 503.*test again later/],
		// disableFollowRedirect: a 3xx reaches the rules with its body, empty or a page.
		["a redirect's empty body (302 with a Location)", '', REDIRECT],
		[
			"a redirect's page (301)",
			'<html><head><title>301 Moved Permanently</title></head><body>nginx</body></html>',
			REDIRECT,
		],
		[
			'a 405 envelope',
			JSON.stringify(envelope(405, 'Method Not Allowed')),
			/^The Base URL answered HTTP 405 to Composio's list of MCP servers.*API Version\.$/,
		],
		[
			'a 422 envelope',
			JSON.stringify(envelope(422, 'Unprocessable')),
			/^The Base URL answered HTTP 422 to Composio's list of MCP servers/,
		],
		[
			"NestJS's 403",
			'{"statusCode":403,"error":"Forbidden"}',
			/^The Base URL answered without Composio's error envelope\. Set the Base URL/,
		],
		[
			'RFC 9457 problem details (status, no detail)',
			'{"type":"about:blank","title":"Unauthorized","status":401}',
			/^The Base URL answered HTTP 401 without Composio's error envelope/,
		],
		[
			"Google's envelope (a text status)",
			'{"error":{"code":403,"message":"Denied","status":"PERMISSION_DENIED"}}',
			NOT_COMPOSIO,
		],
		['{ errors: [...] }', '{"errors":[{"message":"Forbidden"}]}', NOT_COMPOSIO],
	])('%s', (_case, text, message) => {
		expect(verdict(asN8nReads(text))).toEqual({
			status: 'Error',
			message: expect.stringMatching(message),
		});
	});

	it('fails every HTTP error status but 403 in the envelope, and as a top-level status', () => {
		for (let status = 400; status < 600; status++) {
			const expected = status === 403 ? 'OK' : 'Error';
			expect([status, verdict(envelope(status, 'x')).status]).toEqual([status, expected]);
			expect([status, verdict({ status, title: 'x' }).status]).toEqual([status, expected]);
		}
	});

	it('passes a JSON object none of the rules describes, whatever its status (404 with {}, say)', () => {
		// The rules see the body only: an empty object reads as a success.
		expect(verdict({})).toEqual({ status: 'OK' });
	});

	it("passes Composio's list and its scope's 403, whatever the 403 says", () => {
		expect(verdict({ items: [], total_pages: 0, current_page: 1 })).toEqual({ status: 'OK' });
		expect(verdict(envelope(403, 'Forbidden'))).toEqual({ status: 'OK' });
	});
});
