/* eslint-disable @n8n/community-nodes/no-restricted-globals, import-x/no-unresolved -- test tooling: it runs servers and n8n processes on loopback; these rules are n8n Cloud's runtime rules for node code, which this file is not; the MCP SDK's subpath exports, which the import resolver of n8n's lint config cannot read (TypeScript and Node resolve them) */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { useSimulatorServer } from '../support/simulatorServer';
import { callSimulator } from './call';
import { ROUTES } from './routes';
import { loadSpec, SIM_API_KEY, startSimulator } from './index';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const server = useSimulatorServer();
const sim = () => server.sim;

const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
	callSimulator(sim(), method, path, body, headers);

const instancesPath = (serverId: string) =>
	`/api/v3/mcp/servers/${encodeURIComponent(serverId)}/instances`;

describe('authentication', () => {
	it('answers 401 envelopes for a missing, wrong or doubled key', async () => {
		const missing = await call('GET', '/api/v3/mcp/servers', undefined, {});
		const wrong = await call('GET', '/api/v3/mcp/servers', undefined, { 'x-api-key': 'nope' });
		const both = await call('GET', '/api/v3/mcp/servers', undefined, {
			'x-api-key': SIM_API_KEY,
			'x-user-api-key': 'user-key',
		});
		for (const answer of [missing, wrong, both]) {
			expect(answer.status).toBe(401);
			expect(answer.json.error).toMatchObject({ status: 401, code: expect.any(Number) });
			expect(answer.json.error.request_id).toEqual(expect.any(String));
		}
		expect(both.json.error.message).toBe('Multiple authentication modes were provided');
		expect(new Set([missing, wrong, both].map((a) => a.json.error.request_id)).size).toBe(3);
		expect(sim().violations).toEqual([]);
	});

	it('accepts the key and sends the rate-limit headers', async () => {
		const answer = await call('GET', '/api/v3/mcp/servers?limit=1');
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({ items: [], total_pages: 0, current_page: 1 });
		expect(answer.headers.get('x-ratelimit')).toMatch(/^\d+$/);
		expect(answer.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
		expect(answer.headers.get('x-ratelimit-window-size')).toBeTruthy();
		expect(sim().requests[0].headers['x-api-key']).toBe(SIM_API_KEY);
	});

	it('takes a custom key', async () => {
		const other = await startSimulator({ apiKey: 'other-key' });
		try {
			const answer = await fetch(`${other.url}/api/v3/mcp/servers`, {
				headers: { 'x-api-key': 'other-key' },
			});
			expect(answer.status).toBe(200);
			expect(other.apiKey).toBe('other-key');
		} finally {
			await other.close();
		}
	});
});

describe('create instance', () => {
	it('creates an instance when the user has every ACTIVE account, once', async () => {
		const server = sim().addServer({
			auth_config_ids: ['ac_gh', 'ac_sl'],
			toolkits: ['github', 'slack'],
		});
		sim().connectAccount('user-1', 'ac_gh');
		sim().connectAccount('user-1', 'ac_sl', { status: 'EXPIRED' });

		const forbidden = await call('POST', instancesPath(server.id), { user_id: 'user-1' });
		expect(forbidden.status).toBe(403);
		expect(forbidden.json.error.message).toBe(
			'The user does not have connected accounts for all required auth configurations.',
		);

		sim().connectAccount('user-1', 'ac_sl');
		const created = await call('POST', instancesPath(server.id), { user_id: 'user-1' });
		expect(created.status).toBe(201);
		expect(created.json).toEqual({
			id: expect.stringMatching(UUID),
			instance_id: 'user-1',
			mcp_server_id: server.id,
			created_at: expect.any(String),
			updated_at: expect.any(String),
		});

		const duplicate = await call('POST', instancesPath(server.id), { user_id: 'user-1' });
		expect(duplicate.status).toBe(409);
		expect(duplicate.json.error.message).toBe(
			'An instance with this ID already exists for the server.',
		);
		expect(sim().createCount(server.id, 'user-1')).toBe(1);
		expect(sim().instancesOf(server.id)).toEqual([created.json]);
		expect(sim().violations).toEqual([]);
	});

	it('needs no account for a server without auth configs', async () => {
		const server = sim().addServer();
		expect((await call('POST', instancesPath(server.id), { user_id: 'anyone' })).status).toBe(201);
	});

	it('answers 404 for an unknown or deleted server', async () => {
		const server = sim().addServer();
		expect((await call('POST', instancesPath('missing'), { user_id: 'u' })).status).toBe(404);
		expect((await call('DELETE', `/api/v3/mcp/${server.id}`)).json).toEqual({
			id: server.id,
			deleted: true,
		});
		const gone = await call('POST', instancesPath(server.id), { user_id: 'u' });
		expect(gone.status).toBe(404);
		expect(gone.json.error.status).toBe(404);
		expect(sim().violations).toEqual([]);
	});

	it.each([
		['an empty user id', { user_id: '' }],
		['no body', undefined],
		['a misspelt property', { userId: 'u' }],
		['an extra property', { user_id: 'u', extra: 1 }],
		['a number', { user_id: 7 }],
		['malformed JSON', '{"user_id":'],
	])('rejects %s with 400 and a violation', async (_label, body) => {
		const server = sim().addServer();
		const answer = await call('POST', instancesPath(server.id), body);
		expect(answer.status).toBe(400);
		expect(answer.json.error).toMatchObject({ status: 400, message: expect.any(String) });
		expect(sim().violations).toHaveLength(1);
		expect(sim().violations[0]).toContain(': request: ');
		expect(sim().createCount(server.id, 'u')).toBe(0);
	});

	it('rejects a body that is not sent as JSON', async () => {
		const server = sim().addServer();
		const answer = await fetch(sim().url + instancesPath(server.id), {
			method: 'POST',
			headers: { 'x-api-key': SIM_API_KEY, 'content-type': 'text/plain' },
			body: '{"user_id":"u"}',
		});
		expect(answer.status).toBe(400);
		expect(sim().violations[0]).toContain('not application/json');
	});
});

describe('encoded ids', () => {
	it.each(['a/b?c#d', 'ünïcødé ✓ 用户', '../x', '50%', 'a+b c'])(
		'round-trips %j as one path segment',
		async (id) => {
			const server = sim().addServer({ id });
			const created = await call('POST', instancesPath(id), { user_id: id });
			expect(created.status).toBe(201);
			expect(created.json).toMatchObject({ mcp_server_id: id, instance_id: id });
			expect(sim().requests[0].path).toBe(`/api/v3/mcp/servers/${id}/instances`);
			expect(sim().requests[0].rawPath).toBe(instancesPath(id));

			const fetched = await call('GET', `/api/v3/mcp/${encodeURIComponent(id)}`);
			expect(fetched.json.id).toBe(server.id);
			const deleted = await call('DELETE', `${instancesPath(id)}/${encodeURIComponent(id)}`);
			expect(deleted.status).toBe(200);
			expect(sim().instancesOf(id)).toEqual([]);
			expect(sim().violations).toEqual([]);
		},
	);

	it('answers 404 and records a violation for an id that spans segments', async () => {
		sim().addServer({ id: 'a/b' });
		const answer = await call('POST', '/api/v3/mcp/servers/a/b/instances', { user_id: 'u' });
		expect(answer.status).toBe(404);
		expect(answer.json.error.status).toBe(404);
		expect(sim().violations).toEqual([expect.stringContaining('no operation of the spec matches')]);
		expect(sim().createCount('a/b', 'u')).toBe(0);
	});
});

describe('lists', () => {
	it('pages, filters and orders servers', async () => {
		for (let i = 1; i <= 25; i++) {
			sim().addServer({
				name: `Server ${String(i).padStart(2, '0')}`,
				toolkits: [i % 2 ? 'github' : 'slack'],
			});
		}
		const first = await call('GET', '/api/v3/mcp/servers?limit=10');
		expect(first.json).toMatchObject({ total_pages: 3, current_page: 1 });
		expect(first.json.items[0].name).toBe('Server 25');
		const last = await call('GET', '/api/v3/mcp/servers?limit=10&page_no=3');
		expect(last.json.items.map((s: { name: string }) => s.name)).toEqual([
			'Server 05',
			'Server 04',
			'Server 03',
			'Server 02',
			'Server 01',
		]);
		const byDefault = await call('GET', '/api/v3/mcp/servers');
		expect(byDefault.json.items).toHaveLength(10);

		const named = await call(
			'GET',
			'/api/v3/mcp/servers?name=SERVER%201&order_by=created_at&order_direction=asc',
		);
		expect(named.json.items.map((s: { name: string }) => s.name)).toEqual(
			Array.from({ length: 10 }, (_, i) => `Server 1${i}`),
		);
		const slack = await call('GET', '/api/v3/mcp/servers?toolkits=slack,jira&limit=100');
		expect(slack.json.items).toHaveLength(12);
		const app = await call('GET', '/api/v3/mcp/app/github?limit=100');
		expect(app.json.items).toHaveLength(13);
		expect((await call('GET', '/api/v3/mcp/app/nothing')).status).toBe(404);
		expect(sim().violations).toEqual([]);
	});

	it('filters servers by auth config', async () => {
		const wanted = sim().addServer({ auth_config_ids: ['ac_1'] });
		sim().addServer({ auth_config_ids: ['ac_2'] });
		const answer = await call('GET', '/api/v3/mcp/servers?auth_config_ids=ac_1,ac_9');
		expect(answer.json.items.map((s: { id: string }) => s.id)).toEqual([wanted.id]);
		expect(answer.json.items[0]).toMatchObject({ server_instance_count: 0, toolkits: ['github'] });
	});

	it('pages instances by number and connected accounts by cursor', async () => {
		const server = sim().addServer();
		for (let i = 0; i < 25; i++) await call('POST', instancesPath(server.id), { user_id: `u${i}` });
		const instances = await call('GET', `${instancesPath(server.id)}?page_no=2`);
		expect(instances.json).toMatchObject({
			server_id: server.id,
			server_name: server.name,
			total_pages: 2,
			current_page: 2,
		});
		expect(instances.json.instances).toHaveLength(5);

		for (let i = 0; i < 5; i++) sim().connectAccount('alice', `ac_${i}`);
		sim().connectAccount('bob', 'ac_0');
		const seen: string[] = [];
		let cursor: string | null = '';
		while (cursor !== null) {
			const query: string = `user_ids=alice&statuses=ACTIVE,EXPIRED&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
			const page = await call('GET', `/api/v3/connected_accounts?${query}`);
			expect(page.json.total_items).toBe(5);
			seen.push(...page.json.items.map((a: { auth_config: { id: string } }) => a.auth_config.id));
			cursor = page.json.next_cursor;
		}
		expect(seen).toEqual(['ac_4', 'ac_3', 'ac_2', 'ac_1', 'ac_0']);
		expect(sim().violations).toEqual([]);
	});
});

describe('every operation', () => {
	it('has a route for each operation of the spec', () => {
		const keys = loadSpec().operations.map((op) => `${op.method} ${op.template}`);
		expect(keys.sort()).toEqual(Object.keys(ROUTES).sort());
	});

	it('answers valid requests to every operation on spec', async () => {
		const server = sim().addServer({ auth_config_ids: ['ac_1'] });
		sim().connectAccount('u1', 'ac_1');
		const answers = [
			await call('POST', '/api/v3/mcp/servers', { name: 'My Server-1', auth_config_ids: ['ac_1'] }),
			await call('POST', '/api/v3/mcp/servers/custom', { name: 'Multi app', toolkits: ['github'] }),
			await call('POST', '/api/v3/mcp/servers/generate', {
				mcp_server_id: server.id,
				user_ids: ['u1'],
			}),
			await call('PATCH', `/api/v3/mcp/${server.id}`, { name: 'Renamed' }),
			await call('GET', `/api/v3/mcp/${server.id}`),
			await call('POST', instancesPath(server.id), { user_id: 'u1' }),
			await call('GET', instancesPath(server.id)),
			await call('GET', '/api/v3/connected_accounts?user_ids=u1&auth_config_ids=ac_1'),
			await call('POST', '/api/v3/connected_accounts/link', {
				auth_config_id: 'ac_1',
				user_id: 'u2',
			}),
			await call('POST', '/api/v3/connected_accounts', {
				auth_config: { id: 'ac_1' },
				connection: {},
			}),
			await call('GET', '/api/v3/auth_configs?toolkit_slug=github'),
			await call('POST', '/api/v3/auth_configs', { toolkit: { slug: 'gmail' } }),
			await call('DELETE', `${instancesPath(server.id)}/u1`),
			await call('DELETE', `/api/v3/mcp/${server.id}`),
		];
		expect(answers.map((a) => a.status)).toEqual([
			201, 201, 200, 200, 200, 201, 200, 200, 201, 201, 200, 201, 200, 200,
		]);
		expect(answers[2].json.user_ids_url).toEqual([`${sim().url}/v3/mcp/${server.id}?user_id=u1`]);
		expect(answers[12].json).toEqual({
			message: expect.any(String),
			deleted_connected_accounts: 1,
		});
		expect(sim().violations).toEqual([]);
		expect(JSON.stringify(answers.map((a) => a.text))).not.toContain(SIM_API_KEY);
	});

	it('serves the same shapes under /api/v3.1', async () => {
		const server = sim().addServer();
		const created = await call('POST', `/api/v3.1/mcp/servers/${server.id}/instances`, {
			user_id: 'u',
		});
		expect(created.status).toBe(201);
		const listed = await call('GET', `/api/v3.1/mcp/servers/${server.id}/instances`);
		expect(listed.json.instances).toEqual([created.json]);
		expect((await call('GET', '/api/v3.1/mcp/servers')).json.items).toHaveLength(1);
		expect(sim().violations).toEqual([]);
	});
});

describe('validation', () => {
	it('records undocumented and mistyped query parameters', async () => {
		const answer = await call('GET', '/api/v3/mcp/servers?page=2&limit=ten');
		expect(answer.status).toBe(400);
		expect(sim().violations).toHaveLength(1);
		expect(sim().violations[0]).toContain("'page' is not documented");
		expect(sim().violations[0]).toContain('query/limit must be number');
	});

	it('records an answer that breaks the spec', async () => {
		const server = sim().addServer({ name: 42 as unknown as string });
		const answer = await call('GET', `/api/v3/mcp/${server.id}`);
		expect(answer.status).toBe(200);
		expect(sim().violations).toEqual([
			expect.stringMatching(/response 200: body\/name must be string/),
		]);
	});

	it('checks answers against the documented status and schema', () => {
		const spec = loadSpec();
		const create = spec.operation('POST', '/api/v3/mcp/servers/{serverId}/instances');
		const good = {
			id: 'x',
			instance_id: 'u',
			mcp_server_id: 's',
			created_at: 't',
			updated_at: 't',
		};
		expect(spec.validateResponse(create, 201, 'application/json', good)).toEqual([]);
		expect(spec.validateResponse(create, 201, 'application/json', { ...good, id: 1 })).toEqual([
			'body/id must be string',
		]);
		expect(spec.validateResponse(create, 201, 'text/html', good)).toEqual([
			'content-type text/html is not application/json',
		]);
		expect(spec.validateResponse(create, 418, 'application/json', {})).toEqual([
			expect.stringContaining('status 418 is not documented'),
		]);
		expect(spec.validateResponse(create, 409, 'application/json', { message: 'x' })).toEqual([
			"body must have required property 'error'",
		]);
		const list = spec.operation('GET', '/api/v3/connected_accounts');
		expect(
			spec.validateResponse(list, 200, 'application/json', {
				items: [],
				next_cursor: null,
				total_pages: 0,
				current_page: 1,
				total_items: 0,
			}),
		).toEqual([]);
	});
});

describe('faults', () => {
	it('answers exactly as given, the given number of times, unvalidated', async () => {
		const server = sim().addServer();
		sim().inject({
			method: 'post',
			path: /\/instances$/,
			times: 2,
			status: 429,
			body: { message: 'Rate limit exceeded. Limit: 1 requests per 1 minutes' },
			headers: { 'Retry-After': '7' },
		});
		const first = await call('POST', instancesPath(server.id), { user_id: 'u' });
		expect(first.status).toBe(429);
		expect(first.json).toEqual({ message: 'Rate limit exceeded. Limit: 1 requests per 1 minutes' });
		expect(first.headers.get('retry-after')).toBe('7');
		expect(first.headers.get('x-ratelimit')).toBeNull();
		expect((await call('GET', instancesPath(server.id))).status).toBe(200);
		expect((await call('POST', instancesPath(server.id), { user_id: 'u' })).status).toBe(429);
		expect((await call('POST', instancesPath(server.id), { user_id: 'u' })).status).toBe(201);
		expect(sim().createCount(server.id, 'u')).toBe(1);
		expect(sim().requests).toHaveLength(4);
		expect(sim().violations).toEqual([]);
	});

	it('sends raw strings with their content type', async () => {
		sim().inject({
			status: 503,
			body: '<html><body>Bad gateway</body></html>',
			contentType: 'text/html',
		});
		sim().inject({ path: '/api/v3/mcp/servers', status: 200, body: '{"items": [' });
		const html = await call('GET', '/api/v3/mcp/anything');
		expect(html.status).toBe(503);
		expect(html.headers.get('content-type')).toBe('text/html');
		expect(html.text).toBe('<html><body>Bad gateway</body></html>');
		const malformed = await call('GET', '/api/v3/mcp/servers?limit=1');
		expect(malformed.status).toBe(200);
		expect(malformed.headers.get('content-type')).toContain('application/json');
		expect(malformed.text).toBe('{"items": [');
	});

	it('matches string paths decoded or raw', async () => {
		sim().inject({ path: '/api/v3/mcp/a/b', status: 500, body: { error: 'decoded' } });
		sim().inject({ path: '/api/v3/mcp/c%2Fd', status: 500, body: { error: 'raw' } });
		expect((await call('GET', '/api/v3/mcp/a%2Fb')).json).toEqual({ error: 'decoded' });
		expect((await call('GET', '/api/v3/mcp/c%2Fd')).json).toEqual({ error: 'raw' });
	});

	it('delays, then answers as given or normally', async () => {
		const server = sim().addServer();
		sim().inject({ delayMs: 150, status: 504, body: { message: 'slow' } });
		let started = Date.now();
		expect((await call('GET', '/api/v3/mcp/servers')).status).toBe(504);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);

		sim().inject({ delayMs: 150, passThrough: true });
		started = Date.now();
		expect((await call('POST', instancesPath(server.id), { user_id: 'u' })).status).toBe(201);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
	});

	it('resets the socket without answering', async () => {
		const server = sim().addServer();
		sim().inject({ method: 'POST', destroy: true });
		await expect(call('POST', instancesPath(server.id), { user_id: 'u' })).rejects.toThrow();
		expect(sim().requests).toHaveLength(1);
		expect(sim().createCount(server.id, 'u')).toBe(0);
		expect((await call('POST', instancesPath(server.id), { user_id: 'u' })).status).toBe(201);
	});
});

describe('lifecycle', () => {
	it('delays every answer by latencyMs', async () => {
		const slow = await startSimulator({ latencyMs: 120 });
		try {
			const started = Date.now();
			const answer = await fetch(`${slow.url}/api/v3/mcp/servers`, {
				headers: { 'x-api-key': SIM_API_KEY },
			});
			expect(answer.status).toBe(200);
			expect(Date.now() - started).toBeGreaterThanOrEqual(110);
		} finally {
			await slow.close();
		}
	});

	it('closes promptly while an answer is pending', async () => {
		const other = await startSimulator();
		other.inject({ delayMs: 60_000, passThrough: true });
		const pending = fetch(`${other.url}/api/v3/mcp/servers`, {
			headers: { 'x-api-key': SIM_API_KEY },
		});
		while (other.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
		const started = Date.now();
		await other.close();
		await expect(pending).rejects.toThrow();
		expect(Date.now() - started).toBeLessThan(5_000);
	});

	it('resets state, requests, violations and faults', async () => {
		const server = sim().addServer();
		sim().inject({ status: 500 });
		await call('GET', '/api/v3/mcp/servers?bogus=1');
		await call('GET', '/api/v3/mcp/servers?bogus=1');
		expect(sim().violations).toHaveLength(1);
		sim().reset();
		expect(sim().requests).toEqual([]);
		expect(sim().violations).toEqual([]);
		expect((await call('GET', `/api/v3/mcp/${server.id}`)).status).toBe(404);
	});
});

describe('rate limit and lost answers', () => {
	it('refuses beyond the bucket with a bare 429 and Retry-After, and lets requests through again', async () => {
		// One token per 100 s: nothing refills while the test runs, whatever the machine's speed.
		sim().setRateLimit({ perSecond: 0.01, burst: 3 });
		const answers = [];
		for (let i = 0; i < 5; i++) answers.push(await call('GET', '/api/v3/mcp/servers'));
		expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429, 429]);
		const refused = answers[3];
		expect(refused.json).toEqual({ message: expect.stringMatching(/^Rate limit exceeded/) });
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(99);
		expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(100);
		expect(sim().rateLimited).toBe(2);
		sim().setRateLimit(undefined);
		expect((await call('GET', '/api/v3/mcp/servers')).status).toBe(200);
	});

	it('reset() lifts the rate limit', async () => {
		sim().setRateLimit({ perSecond: 1, burst: 1 });
		await call('GET', '/api/v3/mcp/servers');
		sim().reset();
		expect(sim().rateLimited).toBe(0);
		expect((await call('GET', '/api/v3/mcp/servers')).status).toBe(200);
	});

	it('loseAnswer creates the instance and then resets the connection', async () => {
		const server = sim().addServer();
		sim().inject({ method: 'POST', loseAnswer: true });
		await expect(call('POST', instancesPath(server.id), { user_id: 'lost' })).rejects.toThrow();
		expect(
			sim()
				.instancesOf(server.id)
				.map((instance) => instance.instance_id),
		).toEqual(['lost']);
		expect(sim().createCount(server.id, 'lost')).toBe(1);
		const again = await call('POST', instancesPath(server.id), { user_id: 'lost' });
		expect(again.status).toBe(409);
	});
});

describe('answers cut off, mangled or late, and what is in flight', () => {
	async function readUntilError(
		response: Response,
	): Promise<{ received: string; error?: unknown }> {
		const reader = response.body!.getReader();
		const chunks: Uint8Array[] = [];
		try {
			for (;;) {
				const { done, value } = await reader.read();
				if (done) break;
				chunks.push(value);
			}
			return { received: Buffer.concat(chunks).toString('utf8') };
		} catch (error) {
			return { received: Buffer.concat(chunks).toString('utf8'), error };
		}
	}

	const post = (serverId: string, userId: string) =>
		fetch(sim().url + instancesPath(serverId), {
			method: 'POST',
			headers: { 'x-api-key': SIM_API_KEY, 'content-type': 'application/json' },
			body: JSON.stringify({ user_id: userId }),
		});

	it('match: a fault answers only the requests it matches', async () => {
		const server = sim().addServer();
		sim().inject({
			method: 'POST',
			match: (request) => (request.body as { user_id?: string }).user_id === 'bob',
			status: 503,
			body: { message: 'only bob' },
		});
		expect((await call('POST', instancesPath(server.id), { user_id: 'alice' })).status).toBe(201);
		expect((await call('POST', instancesPath(server.id), { user_id: 'bob' })).status).toBe(503);
		expect((await call('POST', instancesPath(server.id), { user_id: 'bob' })).status).toBe(201);
	});

	it("cut 'headers': the normal answer's status and headers arrive, then the connection resets; the work is done", async () => {
		const server = sim().addServer();
		sim().inject({ method: 'POST', passThrough: true, cut: 'headers' });
		const response = await post(server.id, 'u');
		expect(response.status).toBe(201);
		expect(Number(response.headers.get('content-length'))).toBeGreaterThan(0);
		const read = await readUntilError(response);
		expect(read.error).toBeDefined();
		expect(read.received).toBe('');
		expect(sim().createCount(server.id, 'u')).toBe(1);
		expect(sim().violations).toEqual([]);
	});

	it("cut 'body': half the body arrives, then the connection resets", async () => {
		const server = sim().addServer();
		sim().inject({ method: 'POST', passThrough: true, cut: 'body' });
		const response = await post(server.id, 'u');
		expect(response.status).toBe(201);
		const length = Number(response.headers.get('content-length'));
		const read = await readUntilError(response);
		expect(read.error).toBeDefined();
		expect(Buffer.byteLength(read.received)).toBe(Math.floor(length / 2));
		expect(read.received.startsWith('{"id":')).toBe(true);
		expect(sim().createCount(server.id, 'u')).toBe(1);
	});

	it('cut applies to a fault’s own answer, and without passThrough nothing is done', async () => {
		const server = sim().addServer();
		sim().inject({ method: 'POST', status: 500, body: { message: 'boom, and more' }, cut: 'body' });
		const response = await post(server.id, 'u');
		expect(response.status).toBe(500);
		const read = await readUntilError(response);
		expect(read.error).toBeDefined();
		const whole = '{"message":"boom, and more"}';
		expect(read.received).toBe(whole.slice(0, whole.length / 2));
		expect(sim().createCount(server.id, 'u')).toBe(0);
	});

	it('garble: the normal status with the first half of its JSON, complete as content-length says', async () => {
		const server = sim().addServer();
		sim().inject({ method: 'POST', passThrough: true, garble: true });
		const answer = await call('POST', instancesPath(server.id), { user_id: 'u' });
		expect(answer.status).toBe(201);
		expect(answer.json).toBeUndefined();
		expect(answer.text.startsWith('{"id":')).toBe(true);
		expect(Number(answer.headers.get('content-length'))).toBe(Buffer.byteLength(answer.text));
		expect(sim().createCount(server.id, 'u')).toBe(1);
		expect(sim().violations).toEqual([]);
	});

	it('handle: the work is done at once; the answer comes after delayMs, or never to a client that left', async () => {
		const server = sim().addServer();
		sim().inject({ method: 'POST', handle: true, delayMs: 60_000 });
		const controller = new AbortController();
		const pending = fetch(sim().url + instancesPath(server.id), {
			method: 'POST',
			headers: { 'x-api-key': SIM_API_KEY, 'content-type': 'application/json' },
			body: JSON.stringify({ user_id: 'late' }),
			signal: controller.signal,
		});
		while (sim().createCount(server.id, 'late') === 0) {
			await new Promise((resolve) => setImmediate(resolve));
		}
		expect(sim().inFlight).toBe(1);
		controller.abort();
		await expect(pending).rejects.toThrow();
		expect(
			sim()
				.instancesOf(server.id)
				.map((instance) => instance.instance_id),
		).toEqual(['late']);
		while (sim().inFlight > 0) await new Promise((resolve) => setImmediate(resolve));

		sim().inject({ method: 'POST', handle: true, delayMs: 30 });
		expect((await call('POST', instancesPath(server.id), { user_id: 'on-time' })).status).toBe(201);
	});

	it('handle with a status: the work is done, then the fault answers (a gateway error after the create)', async () => {
		const server = sim().addServer();
		sim().inject({
			method: 'POST',
			handle: true,
			status: 502,
			body: '<html><title>502 Bad Gateway</title></html>',
			contentType: 'text/html',
		});
		const answer = await call('POST', instancesPath(server.id), { user_id: 'u' });
		expect(answer.status).toBe(502);
		expect(answer.text).toContain('Bad Gateway');
		expect(sim().createCount(server.id, 'u')).toBe(1);
		expect((await call('POST', instancesPath(server.id), { user_id: 'u' })).status).toBe(409);
	});

	it('counts requests in flight and the peak, and orders starts and ends by tick', async () => {
		const slow = await startSimulator({ latencyMs: 80 });
		try {
			const get = () =>
				fetch(`${slow.url}/api/v3/mcp/servers`, { headers: { 'x-api-key': SIM_API_KEY } });
			const answers = await Promise.all([get(), get(), get()]);
			expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
			expect(slow.peakInFlight).toBe(3);
			expect(slow.inFlight).toBe(0);
			slow.resetPeak();
			expect(slow.peakInFlight).toBe(0);
			await get();
			await get();
			expect(slow.peakInFlight).toBe(1);
			const [a, b, c, d, e] = slow.requests;
			for (const request of [a, b, c]) {
				expect(request.endedTick).toBeGreaterThan(request.startedTick);
				// All three arrived before any was answered.
				expect(request.startedTick).toBeLessThan(
					Math.min(a.endedTick!, b.endedTick!, c.endedTick!),
				);
			}
			expect(d.endedTick).toBeLessThan(e.startedTick);
			slow.reset();
			expect(slow.peakInFlight).toBe(0);
		} finally {
			await slow.close();
		}
	});

	it('a reset or a client that leaves ends the request in flight', async () => {
		const server = sim().addServer();
		sim().inject({ method: 'POST', destroy: true });
		await expect(call('POST', instancesPath(server.id), { user_id: 'u' })).rejects.toThrow();
		expect(sim().inFlight).toBe(0);
		expect(sim().requests[0].endedTick).toBeGreaterThan(sim().requests[0].startedTick);

		sim().inject({ method: 'POST', delayMs: 60_000, passThrough: true });
		const controller = new AbortController();
		const pending = fetch(sim().url + instancesPath(server.id), {
			method: 'POST',
			headers: { 'x-api-key': SIM_API_KEY, 'content-type': 'application/json' },
			body: JSON.stringify({ user_id: 'u' }),
			signal: controller.signal,
		});
		while (sim().requests.length < 2) await new Promise((resolve) => setImmediate(resolve));
		expect(sim().inFlight).toBe(1);
		controller.abort();
		await expect(pending).rejects.toThrow();
		while (sim().inFlight > 0) await new Promise((resolve) => setImmediate(resolve));
		expect(sim().requests[1].endedTick).toBeGreaterThan(sim().requests[1].startedTick);
		expect(sim().createCount(server.id, 'u')).toBe(0);
	});
});

describe('seeding', () => {
	it('addInstance seeds an instance the API lists, counted as its one create', async () => {
		const server = sim().addServer();
		const seeded = sim().addInstance(server.id, 'seeded');
		expect(seeded).toMatchObject({ instance_id: 'seeded', mcp_server_id: server.id });
		const list = await call('GET', `${instancesPath(server.id)}?page_no=1&limit=10`);
		expect(list.json.instances.map((i: { instance_id: string }) => i.instance_id)).toEqual([
			'seeded',
		]);
		expect(sim().createCount(server.id, 'seeded')).toBe(1);
		expect((await call('POST', instancesPath(server.id), { user_id: 'seeded' })).status).toBe(409);
		expect(() => sim().addInstance(server.id, 'seeded')).toThrow(/already has an instance/);
		expect(() => sim().addInstance('no-such-server', 'x')).toThrow(/no server/);
		expect(sim().requests).toHaveLength(2);
		expect(sim().violations).toEqual([]);
	});

	it('takes paths longer than Node’s default 16 KiB header limit (long ids)', async () => {
		const server = sim().addServer();
		const id = '👩🏽‍💻'.repeat(1_000);
		sim().addInstance(server.id, id);
		const path = `${instancesPath(server.id)}/${encodeURIComponent(id)}`;
		expect(path.length).toBeGreaterThan(40_000);
		const answer = await call('DELETE', path);
		expect(answer.status).toBe(200);
		expect(sim().requests[0].path.endsWith(`/instances/${id}`)).toBe(true);
		expect(sim().instancesOf(server.id)).toEqual([]);
	});
});

describe('Tool Router sessions', () => {
	const SESSION = '/api/v3/tool_router/session';

	it('creates a session with its MCP URL, gets it, and 404s an unknown one', async () => {
		const created = await call('POST', SESSION, {
			user_id: 'ada',
			toolkits: { enable: ['github', 'slack'] },
			manage_connections: { enable: true, callback_url: 'https://app.example.com/done' },
		});
		expect(created.status).toBe(201);
		expect(created.json).toMatchObject({
			session_id: expect.stringMatching(/^trs_/),
			mcp: { type: 'http', url: `${sim().url}/tool_router/v3/${created.json.session_id}/mcp` },
			config: { user_id: 'ada', toolkits: { enabled: ['github', 'slack'] } },
		});
		const fetched = await call('GET', `${SESSION}/${created.json.session_id}`);
		expect(fetched.json).toEqual(created.json);
		expect((await call('GET', `${SESSION}/trs_unknown`)).status).toBe(404);
		// v3.1 serves the same routes.
		expect(
			(await call('GET', `/api/v3.1/tool_router/session/${created.json.session_id}`)).status,
		).toBe(200);
		expect(sim().violations).toEqual([]);
	});

	it("lists the session's toolkits with the user's accounts, links one, and executes its tool", async () => {
		sim().connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		const { json: session } = await call('POST', SESSION, { user_id: 'ada' });
		const path = `${SESSION}/${session.session_id}`;

		const connected = await call('GET', `${path}/toolkits?is_connected=true`);
		expect(connected.json.items.map((item: { slug: string }) => item.slug)).toEqual(['github']);
		const firstPage = await call('GET', `${path}/toolkits?limit=2`);
		expect(firstPage.json.items).toHaveLength(2);
		expect(firstPage.json.next_cursor).toEqual(expect.any(String));

		const link = await call('POST', `${path}/link`, { toolkit: 'slack' });
		expect(link.status).toBe(201);
		expect(link.json).toMatchObject({
			redirect_url: expect.any(String),
			connected_account_id: expect.stringMatching(/^ca_/),
		});

		const ran = await call('POST', `${path}/execute`, {
			tool_slug: 'GITHUB_WHOAMI',
			arguments: { x: 1 },
		});
		expect(ran.json).toMatchObject({ data: { toolkit: 'github', user_id: 'ada' }, error: null });
		const failed = await call('POST', `${path}/execute`, { tool_slug: 'SLACK_WHOAMI' });
		expect(failed.status).toBe(200);
		expect(failed.json).toMatchObject({
			data: {},
			error: expect.stringMatching(/connect it first/),
		});
		expect(sim().violations).toEqual([]);
	});
});

describe('MCP endpoints at the URLs the simulator hands out', () => {
	async function connect(url: string, key = SIM_API_KEY) {
		const client = new Client({ name: 'simulator-test', version: '1.0.0' });
		await client.connect(
			new StreamableHTTPClientTransport(new URL(url), {
				requestInit: { headers: { 'x-api-key': key } },
			}),
		);
		return client;
	}

	it("a session's URL lists the tools of its toolkits the user has connected, and answers a call as the user", async () => {
		sim().connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		const { json: session } = await call('POST', '/api/v3/tool_router/session', {
			user_id: 'ada',
			toolkits: { enable: ['github', 'slack'] },
		});
		const client = await connect(session.mcp.url);
		try {
			const { tools } = await client.listTools();
			// Slack is enabled but not connected: its tool is not listed (a call still answers).
			expect(tools.map((tool) => tool.name)).toEqual(['GITHUB_WHOAMI']);
			const result = await client.callTool({ name: 'GITHUB_WHOAMI', arguments: {} });
			expect(result.isError).toBe(false);
			expect(JSON.parse((result.content as Array<{ text: string }>)[0].text)).toMatchObject({
				toolkit: 'github',
				user_id: 'ada',
			});
			const notConnected = await client.callTool({ name: 'SLACK_WHOAMI', arguments: {} });
			expect(notConnected.isError).toBe(true);
		} finally {
			await client.close();
		}
		expect(sim().violations).toEqual([]);
	});

	it("a server's URL for a user with an instance serves the server's toolkits", async () => {
		sim().addServer({ id: 'srv-mcp', auth_config_ids: ['ac_gh'] });
		sim().connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		sim().addInstance('srv-mcp', 'ada');
		const client = await connect(`${sim().url}/v3/mcp/srv-mcp?user_id=ada`);
		try {
			expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['GITHUB_WHOAMI']);
		} finally {
			await client.close();
		}
	});

	it('refuses a wrong key, and a user without an instance', async () => {
		const { json: session } = await call('POST', '/api/v3/tool_router/session', { user_id: 'ada' });
		await expect(connect(session.mcp.url, 'wrong-key')).rejects.toThrow();
		sim().addServer({ id: 'srv-mcp' });
		await expect(connect(`${sim().url}/v3/mcp/srv-mcp?user_id=nobody`)).rejects.toThrow();
	});
});
