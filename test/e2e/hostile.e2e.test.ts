/**
 * The key stays with Composio in a real n8n: against a Base URL that redirects to another origin,
 * echoes the key (as is and encoded) in errors and answers, cuts and drips its answers, no form of
 * the key is in the node's output, n8n's debug log, or anything n8n saved (the execution in its
 * database included), on both error settings; no request reaches the other origin. And the
 * credential's Test refuses what the node refuses, follows no redirect, and passes a valid key
 * whatever its scope.
 */
import { randomBytes } from 'node:crypto';

import { keyEncodings, keyLeaks } from '../support/leaks';
import { startSimulator, type Fault, type RecordedRequest, type Simulator } from '../simulator';
import hostile from './workflows/hostile.json';
import stopWorkflow from './workflows/stop-workflow.json';
import { loginAsOwner, N8n, nodeOutputs, pairedIndex } from './n8n';

// Must match the workflows.
const SERVER_ID = '3f2b9c4e-8d1a-4e6f-b7c2-5a9e0d1c2b3a';
const CREDENTIAL = { id: 'e2eComposioCred1', name: 'Composio (simulator)' };
const STOP_USER = 'linus@example.com';

/** Random (a copy found anywhere is a leak), with characters every encoding changes. */
const KEY = ['e2e', randomBytes(12).toString('hex'), 'Qw/Er+7=Ty'].join('_');
const encoded = keyEncodings(KEY);

function forUser(userId: string, fault: Fault): Fault {
	return {
		...fault,
		method: 'POST',
		match: (request: RecordedRequest) => (request.body as { user_id?: string })?.user_id === userId,
	};
}

/** The credential's Test in n8n (POST /rest/credentials/test), as the editor's Test button sends it. */
async function testCredential(url: string, cookie: string, data: Record<string, unknown>) {
	const response = await fetch(`${url}/rest/credentials/test`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie },
		body: JSON.stringify({ credentials: { ...CREDENTIAL, type: 'composioMcpApi', data } }),
	});
	expect(response.status).toBe(200);
	return ((await response.json()) as { data: { status: string; message: string } }).data;
}

function echoingError(status: number) {
	return {
		error: {
			message: `Invalid API key ${KEY}`,
			suggested_fix: `Check ${encoded.urlEncoded} or ${encoded.basicAuth}`,
			request_id: KEY,
			code: encoded.base64,
			status,
		},
	};
}

describe('a hostile Base URL in a real n8n', () => {
	let sim: Simulator;
	let elsewhere: Simulator;
	let n8n: N8n;
	const runs: Array<{ stdout: string; stderr: string }> = [];
	/** Both addresses past n8n 2.x's SSRF guard: only the node stands between the key and 127.0.0.2. */
	const env = { N8N_LOG_LEVEL: 'debug', N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.1/32,127.0.0.2/32' };

	beforeAll(async () => {
		n8n = await N8n.create();
		sim = await startSimulator({ apiKey: KEY });
		elsewhere = await startSimulator({ apiKey: KEY, host: '127.0.0.2' });
		sim.addServer({ id: SERVER_ID, name: 'E2E Server', auth_config_ids: [] });
		const credentials = await n8n.import('credentials', [
			{ ...CREDENTIAL, type: 'composioMcpApi', data: { apiKey: KEY, baseUrl: sim.url } },
		]);
		expect(credentials).toMatchObject({ code: 0 });
		expect(await n8n.import('workflow', [hostile, stopWorkflow])).toMatchObject({ code: 0 });
	});

	afterAll(async () => {
		await sim?.close();
		await elsewhere?.close();
		n8n?.dispose();
	});

	it('continue (error output): each item once, the key nowhere, nothing sent elsewhere', async () => {
		sim.inject(
			forUser('redirect@example.com', {
				status: 307,
				headers: { location: `${elsewhere.url}/api/v3/mcp/servers/${SERVER_ID}/instances` },
			}),
		);
		sim.inject(
			forUser('echo-error@example.com', {
				status: 401,
				body: echoingError(401),
				headers: { 'x-request-id': encoded.upper },
			}),
		);
		sim.inject(
			forUser('echo-success@example.com', {
				status: 201,
				body: {
					id: 'b2a0c1d2-0000-4000-8000-000000000001',
					instance_id: 'echo-success@example.com',
					mcp_server_id: SERVER_ID,
					created_at: '2026-01-01T00:00:00.000Z',
					updated_at: '2026-01-01T00:00:00.000Z',
					debug: { 'x-api-key': KEY, authorization: encoded.basicAuth },
				},
			}),
		);
		sim.inject(forUser('cut@example.com', { passThrough: true, cut: 'body' }));
		sim.inject(
			forUser('drip@example.com', { handle: true, drip: { intervalMs: 100, forever: true } }),
		);

		const result = await n8n.execute(hostile.id, env);
		runs.push(result);

		expect(result.code).toBe(0);
		const [success, errors] = nodeOutputs(result.run, 'Composio MCP');
		const byUser = (items: typeof success) =>
			Object.fromEntries(
				(items ?? []).map((item) => [String(item.json.userId ?? item.json.instance_id), item]),
			);
		const succeeded = byUser(success);
		expect(Object.keys(succeeded).sort()).toEqual(
			['cut@example.com', 'drip@example.com', 'echo-success@example.com'].sort(),
		);
		expect(succeeded['echo-success@example.com'].json.debug).toEqual({
			'x-api-key': '***',
			authorization: expect.stringMatching(/^Basic /),
		});
		// Cut and dripped answers came after Composio created the instance: one each, found again.
		expect(sim.createCount(SERVER_ID, 'cut@example.com')).toBe(1);
		expect(sim.createCount(SERVER_ID, 'drip@example.com')).toBe(1);

		const failed = byUser(errors);
		expect(Object.keys(failed).sort()).toEqual(['echo-error@example.com', 'redirect@example.com']);
		expect(failed['redirect@example.com'].json.error).toMatchObject({
			message: `The Base URL redirected the request (HTTP 307) to another origin, ${elsewhere.url}; the node did not follow it`,
			httpCode: '307',
		});
		expect(failed['echo-error@example.com'].json.error).toMatchObject({
			message: 'Invalid API key ***',
			httpCode: '401',
			requestId: '***',
		});
		const paired = [...(success ?? []), ...(errors ?? [])].map(pairedIndex).sort();
		expect(paired).toEqual([0, 1, 2, 3, 4]);

		expect(elsewhere.requests).toEqual([]);
		expect(keyLeaks(result.stdout, KEY)).toEqual([]);
	});

	it('stop workflow: the run fails with the masked message, the key nowhere', async () => {
		sim.inject(
			forUser(STOP_USER, {
				status: 400,
				body: echoingError(400),
				headers: { 'x-request-id': encoded.base64 },
			}),
		);

		const result = await n8n.execute(stopWorkflow.id, env);
		runs.push(result);

		expect(result.code).toBe(1);
		expect(result.run?.data.resultData.error).toMatchObject({ message: 'Invalid API key ***' });
	});

	it('holds no form of the key in the debug log or in anything n8n saved', () => {
		expect(runs).toHaveLength(2);
		const log = runs.map((run) => run.stdout + run.stderr).join('\n');
		// The log is the debug log, and it did record the failures it must not leak through.
		expect(log).toMatch(/debug/i);
		expect(log).toContain('Invalid API key ***');
		expect(keyLeaks(log, KEY)).toEqual([]);
		for (const printed of n8n.transcript) expect(keyLeaks(printed, KEY)).toEqual([]);

		const saved = n8n.savedFiles();
		// The executions were saved: the database holds the masked messages.
		expect(saved.some(({ text }) => text.includes('Invalid API key ***'))).toBe(true);
		for (const { file, text } of saved) {
			expect({ file, leaks: keyLeaks(text, KEY) }).toEqual({ file, leaks: [] });
		}
	});

	it("the credential's Test applies the node's Base URL check, and passes against the simulator", async () => {
		const running = await n8n.start();
		try {
			const cookie = await loginAsOwner(running.url);
			const test = async (data: Record<string, unknown>) =>
				await testCredential(running.url, cookie, { apiKey: KEY, ...data });

			expect(await test({ baseUrl: sim.url })).toEqual({
				status: 'OK',
				message: 'Connection successful!',
			});
			const before = sim.requests.length;
			const linkLocal = await test({ baseUrl: 'http://169.254.169.254' });
			expect(linkLocal.status).toBe('Error');
			expect(linkLocal.message).toContain(
				"The credential's Base URL points at a link-local address (169.254.169.254), which cannot be Composio",
			);
			const notHttp = await test({ baseUrl: 'ftp://backend.composio.dev' });
			expect(notHttp).toMatchObject({ status: 'Error' });
			expect(notHttp.message).toContain("The credential's Base URL is not an http(s) URL");
			expect(sim.requests.length).toBe(before);
		} finally {
			await running.stop();
		}
	});

	it("the credential's Test passes a valid key whatever its scope, and fails a wrong or revoked one", async () => {
		const scoped = (name: string) => `ak_e2e_scoped_${name}`;
		sim.addKey(scoped('triggers'), { triggers: 'readwrite', webhooks: 'readwrite' });
		sim.addKey(scoped('sessions'), { sessions: 'readwrite' });
		sim.addKey(scoped('revoked'), { sessions: 'readwrite' });
		sim.revokeKey(scoped('revoked'));
		const running = await n8n.start();
		try {
			const cookie = await loginAsOwner(running.url);
			const test = async (apiKey: string) =>
				await testCredential(running.url, cookie, { apiKey, baseUrl: sim.url });
			const before = sim.requests.length;

			// Composio answers 403 to the first (no MCP servers in its scope), 200 to the second.
			for (const key of [scoped('triggers'), scoped('sessions')]) {
				expect(await test(key)).toEqual({ status: 'OK', message: 'Connection successful!' });
			}
			for (const key of ['ak_wrong_e2e_key', scoped('revoked')]) {
				const refused = await test(key);
				expect(refused.status).toBe('Error');
				expect(refused.message).toMatch(/^Composio refused the API key \(HTTP 401\)/);
			}
			// Each Test asked Composio once, with the key given.
			expect(sim.requests.slice(before).map((r) => [r.path, r.headers['x-api-key']])).toEqual(
				[scoped('triggers'), scoped('sessions'), 'ak_wrong_e2e_key', scoped('revoked')].map(
					(key) => ['/api/v3/mcp/servers', key],
				),
			);
		} finally {
			await running.stop();
		}
	});

	it("the credential's Test follows no redirect: it fails, and the key goes nowhere else", async () => {
		const running = await n8n.start();
		try {
			const cookie = await loginAsOwner(running.url);
			const before = { sim: sim.requests.length, elsewhere: elsewhere.requests.length };
			// n8n would re-send x-api-key to the Location (it strips only authorization and cookie).
			sim.inject({
				method: 'GET',
				path: '/api/v3/mcp/servers',
				status: 302,
				headers: { location: `${elsewhere.url}/api/v3/mcp/servers?limit=1` },
			});
			const redirected = await testCredential(running.url, cookie, {
				apiKey: KEY,
				baseUrl: sim.url,
			});
			expect(redirected.status).toBe('Error');
			expect(redirected.message).toMatch(
				/^The Base URL did not answer like Composio's API \(not JSON: .*a redirect's, which the Test does not follow\)/,
			);
			expect(sim.requests.slice(before.sim).map((r) => [r.path, r.headers['x-api-key']])).toEqual([
				['/api/v3/mcp/servers', KEY],
			]);
			expect(elsewhere.requests.slice(before.elsewhere)).toEqual([]);
		} finally {
			await running.stop();
		}
	});
});
