/* eslint-disable import-x/no-unresolved, @n8n/community-nodes/no-restricted-imports -- test tooling: the MCP SDK's subpath exports, which the import resolver of n8n's lint config cannot read (TypeScript and Node resolve them); a local receiver on loopback, which n8n Cloud's runtime rules for node code do not concern */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import { useSimulatorServer } from '../support/simulatorServer';
import { callSimulator } from './call';
import { startSimulator } from './index';

const server = useSimulatorServer();
const sim = () => server.sim;
const call = (method: string, path: string, body?: unknown) =>
	callSimulator(sim(), method, path, body);

const V3 = '/api/v3/connected_accounts';
const V31 = '/api/v3.1/connected_accounts';

afterEach(() => {
	expect(sim().violations).toEqual([]);
});

/** Violations a test provoked on purpose: checked, then cleared for afterEach. */
function takeViolations(): string[] {
	const seen = [...sim().violations];
	sim().violations.length = 0;
	return seen;
}

async function authConfig(toolkit = 'github'): Promise<string> {
	const created = await call('POST', '/api/v3/auth_configs', { toolkit: { slug: toolkit } });
	expect(created.status).toBe(201);
	return created.json.auth_config.id as string;
}

async function createLink(
	body: Record<string, unknown> = {},
	prefix = V3,
): Promise<{
	link_token: string;
	redirect_url: string;
	expires_at: string;
	connected_account_id: string;
}> {
	const auth_config_id = (body.auth_config_id as string | undefined) ?? (await authConfig());
	const created = await call('POST', `${prefix}/link`, { user_id: 'ada', ...body, auth_config_id });
	expect(created.status).toBe(201);
	return created.json;
}

const getAccount = async (id: string, prefix = V3) => await call('GET', `${prefix}/${id}`);

/** The hosted page as a browser opens it, without following the redirect. */
async function openPage(url: string) {
	const response = await fetch(url, { redirect: 'manual' });
	return {
		status: response.status,
		location: response.headers.get('location'),
		contentType: response.headers.get('content-type'),
		text: await response.text(),
	};
}

async function mcpTools(url: string): Promise<string[]> {
	const client = new Client({ name: 'connections-test', version: '1.0.0' });
	await client.connect(
		new StreamableHTTPClientTransport(new URL(url), {
			requestInit: { headers: { 'x-api-key': sim().apiKey } },
		}),
	);
	try {
		return (await client.listTools()).tools.map((tool) => tool.name);
	} finally {
		await client.close();
	}
}

describe('Create Link and the hosted connect page', () => {
	it('makes an INITIATED account; the page turns it ACTIVE and redirects to the callback, its query kept', async () => {
		const callback = 'https://n8n.example.com/webhook-waiting/42?signature=abc%2Fdef&x=1';
		const link = await createLink({ callback_url: callback });
		expect(link).toEqual({
			link_token: expect.stringMatching(/^lt_/),
			redirect_url: `${sim().url}/link/${link.link_token}`,
			expires_at: expect.any(String),
			connected_account_id: expect.stringMatching(/^ca_/),
		});
		expect(Date.parse(link.expires_at) - Date.now()).toBeGreaterThan(9 * 60_000);
		const id = link.connected_account_id;
		expect((await getAccount(id)).json).toMatchObject({
			id,
			user_id: 'ada',
			status: 'INITIATED',
			status_reason: null,
			is_disabled: false,
			toolkit: { slug: 'github' },
		});
		expect(sim().linkOf(id)).toMatchObject({ token: link.link_token, callback_url: callback });

		const page = await openPage(link.redirect_url);
		expect(page.status).toBe(302);
		expect(page.location).toBe(`${callback}&status=success&connected_account_id=${id}`);
		expect((await getAccount(id)).json).toMatchObject({ status: 'ACTIVE', status_reason: null });
		expect(sim().account(id)?.status).toBe('ACTIVE');

		// A link works once.
		const again = await openPage(link.redirect_url);
		expect(again.status).toBe(410);
		expect(again.text).toContain('used already');
	});

	it('fails the account with outcome=failed, and says so to the callback', async () => {
		const link = await createLink({ callback_url: 'https://app.example.com/done' });
		const page = await openPage(`${link.redirect_url}?outcome=failed`);
		expect(page.location).toBe(
			`https://app.example.com/done?status=failed&connected_account_id=${link.connected_account_id}`,
		);
		expect((await getAccount(link.connected_account_id)).json).toMatchObject({
			status: 'FAILED',
			status_reason: expect.stringContaining('did not grant access'),
		});
	});

	it('appends before a fragment and after a bare "?"', async () => {
		const hashed = await createLink({ callback_url: 'https://app.example.com/cb#top' });
		expect((await openPage(hashed.redirect_url)).location).toBe(
			`https://app.example.com/cb?status=success&connected_account_id=${hashed.connected_account_id}#top`,
		);
		const bare = await createLink({ callback_url: 'https://app.example.com/cb?' });
		expect((await openPage(bare.redirect_url)).location).toBe(
			`https://app.example.com/cb?status=success&connected_account_id=${bare.connected_account_id}`,
		);
	});

	it('shows a small HTML page without a callback, and refuses unknown links and outcomes', async () => {
		const link = await createLink();
		const bad = await openPage(`${link.redirect_url}?outcome=maybe`);
		expect(bad.status).toBe(400);
		expect(sim().account(link.connected_account_id)?.status).toBe('INITIATED');

		const page = await openPage(link.redirect_url);
		expect(page).toMatchObject({ status: 200, location: null });
		expect(page.contentType).toMatch(/^text\/html/);
		expect(page.text).toContain('Connected');

		const failed = await createLink({ user_id: 'bob' });
		expect((await openPage(`${failed.redirect_url}?outcome=failed`)).text).toContain(
			'Connection failed',
		);
		expect((await openPage(`${sim().url}/link/lt_unknown`)).status).toBe(404);
		expect((await fetch(link.redirect_url, { method: 'POST' })).status).toBe(405);
	});

	it('fails the links of the failing users by default; outcome=success still succeeds', async () => {
		sim().failLinksFor('bob');
		const bob = await createLink({ user_id: 'bob', callback_url: 'https://app.example.com/cb' });
		expect((await openPage(bob.redirect_url)).location).toContain('status=failed');
		expect(sim().account(bob.connected_account_id)?.status).toBe('FAILED');

		const again = await createLink({ user_id: 'bob' });
		await openPage(`${again.redirect_url}?outcome=success`);
		expect(sim().account(again.connected_account_id)?.status).toBe('ACTIVE');

		const ada = await createLink({ user_id: 'ada' });
		await openPage(ada.redirect_url);
		expect(sim().account(ada.connected_account_id)?.status).toBe('ACTIVE');
	});

	it('keeps the failing users of the options across reset', async () => {
		const own = await startSimulator({ failingUsers: ['carol'] });
		try {
			own.reset();
			const account = own.connectAccount('carol', 'ac_gh', { status: 'INITIATED' });
			expect(() => own.completeLink(account.id)).toThrow(/has no link/);
			const created = await callSimulator(own, 'POST', `${V3}/link`, {
				auth_config_id: 'ac_gh',
				user_id: 'carol',
			});
			expect(own.completeLink(created.json.connected_account_id).status).toBe('FAILED');
			expect(own.violations).toEqual([]);
		} finally {
			await own.close();
		}
	});

	it("completes a session's link on the same page, with the session's callback", async () => {
		const { json: session } = await call('POST', '/api/v3/tool_router/session', {
			user_id: 'ada',
			toolkits: { enable: ['slack'] },
			manage_connections: { callback_url: 'https://app.example.com/session?k=v' },
		});
		const linked = await call('POST', `/api/v3/tool_router/session/${session.session_id}/link`, {
			toolkit: 'slack',
		});
		const id = linked.json.connected_account_id as string;
		expect(sim().account(id)?.status).toBe('INITIATED');
		expect((await openPage(linked.json.redirect_url)).location).toBe(
			`https://app.example.com/session?k=v&status=success&connected_account_id=${id}`,
		);
		expect(await mcpTools(session.mcp.url)).toEqual(['SLACK_WHOAMI']);
	});

	it('gives a legacy initiate a link on the same hosted page', async () => {
		const legacy = await call('POST', V3, {
			auth_config: { id: await authConfig() },
			connection: { user_id: 'ada' },
		});
		expect(legacy.status).toBe(201);
		expect((await openPage(legacy.json.redirect_url)).status).toBe(200);
		expect(sim().account(legacy.json.id)?.status).toBe('ACTIVE');
	});
});

describe('the test hooks', () => {
	it('completeLink does what the page does, once, on an INITIATED account', async () => {
		const link = await createLink();
		const id = link.connected_account_id;
		expect(sim().completeLink(id, 'failed')).toMatchObject({ id, status: 'FAILED' });
		expect(() => sim().completeLink(id)).toThrow(/used already/);
		expect((await openPage(link.redirect_url)).status).toBe(410);

		const second = await createLink();
		expect(sim().completeLink(second.connected_account_id).status).toBe('ACTIVE');
		expect(() => sim().completeLink('ca_missing')).toThrow(/no connected account/);
	});

	it('setAccountStatus sets the status and its reason at once', async () => {
		const { connected_account_id: id } = await createLink();
		sim().setAccountStatus(id, 'FAILED', 'The provider said no');
		expect((await getAccount(id)).json).toMatchObject({
			status: 'FAILED',
			status_reason: 'The provider said no',
		});
		sim().setAccountStatus(id, 'ACTIVE');
		expect((await getAccount(id)).json).toMatchObject({ status: 'ACTIVE', status_reason: null });
		// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a status Composio does not have
		expect(() => sim().setAccountStatus(id, 'PENDING' as any)).toThrow(/must be one of/);
	});

	it('activateAfterPolls flips the status on the GET after the given number', async () => {
		const { connected_account_id: id } = await createLink();
		sim().activateAfterPolls(id, 2);
		const statuses: string[] = [];
		for (let poll = 0; poll < 4; poll++) statuses.push((await getAccount(id)).json.status);
		expect(statuses).toEqual(['INITIATED', 'INITIATED', 'ACTIVE', 'ACTIVE']);

		const other = (await createLink()).connected_account_id;
		sim().activateAfterPolls(other, 0, 'FAILED', 'Denied');
		// A list does not count as a poll.
		expect((await call('GET', `${V3}?connected_account_ids=${other}`)).json.items[0].status).toBe(
			'INITIATED',
		);
		expect((await getAccount(other)).json).toMatchObject({
			status: 'FAILED',
			status_reason: 'Denied',
		});
		expect(() => sim().activateAfterPolls(other, -1)).toThrow(/whole number/);
	});

	it('activateAfter flips the status once the time has come, seen by every read', async () => {
		const now = (await createLink()).connected_account_id;
		const later = (await createLink()).connected_account_id;
		sim().activateAfter(now, 0);
		sim().activateAfter(later, 60_000);
		const listed = await call('GET', `${V3}?user_ids=ada&order_direction=asc`);
		expect(listed.json.items.map((item: { status: string }) => item.status)).toEqual([
			'ACTIVE',
			'INITIATED',
		]);
		expect(sim().account(later)?.status).toBe('INITIATED');
	});

	it('connectAccount with a chosen ID: the same workload again on fresh state; a taken ID is refused', () => {
		const account = sim().connectAccount('ada', 'ac_gh', { id: 'ca_bench_1', status: 'INITIATED' });
		expect(account).toMatchObject({ id: 'ca_bench_1', user_id: 'ada', status: 'INITIATED' });
		expect(() => sim().connectAccount('bob', 'ac_gh', { id: 'ca_bench_1' })).toThrow(
			/ca_bench_1 exists already/,
		);
		sim().reset();
		expect(sim().connectAccount('ada', 'ac_gh', { id: 'ca_bench_1' }).id).toBe('ca_bench_1');
	});

	it('activateAt flips the status at a wall-clock time; statusChanges records when it took effect and when a GET first showed it', async () => {
		const id = (await createLink()).connected_account_id;
		const start = Date.now();
		const clock = jest.spyOn(Date, 'now').mockReturnValue(start);
		try {
			sim().activateAt(id, start + 5_000);
			clock.mockReturnValue(start + 4_999);
			expect((await getAccount(id)).json.status).toBe('INITIATED');
			expect(sim().statusChanges(id)).toEqual([]);

			// First read 2 s after its time: it took effect at its time, and was seen now.
			clock.mockReturnValue(start + 7_000);
			// A list applies it but is not a check of the account.
			await call('GET', `${V3}?connected_account_ids=${id}`);
			expect(sim().statusChanges(id)).toEqual([
				{ status: 'ACTIVE', reason: null, at: start + 5_000 },
			]);
			clock.mockReturnValue(start + 7_500);
			expect((await getAccount(id)).json.status).toBe('ACTIVE');
			clock.mockReturnValue(start + 9_000);
			await getAccount(id);
			expect(sim().statusChanges(id)).toEqual([
				{ status: 'ACTIVE', reason: null, at: start + 5_000, seenAt: start + 7_500 },
			]);
			// Every request says when it arrived, on the same clock.
			expect(
				sim()
					.requests.slice(-3)
					.map((request) => request.receivedAt),
			).toEqual([start + 7_000, start + 7_500, start + 9_000]);

			// Any other change takes effect when made.
			clock.mockReturnValue(start + 10_000);
			sim().setAccountStatus(id, 'EXPIRED', 'Token revoked');
			expect(sim().statusChanges(id).at(-1)).toEqual({
				status: 'EXPIRED',
				reason: 'Token revoked',
				at: start + 10_000,
			});
			expect(() => sim().activateAt(id, Number.NaN)).toThrow(/ms since the epoch/);
		} finally {
			clock.mockRestore();
		}
	});

	it('an INITIATED account turns EXPIRED once its latest link has expired, seen by every read; Refresh starts again', async () => {
		const link = await createLink();
		const done = await createLink();
		sim().completeLink(done.connected_account_id);
		const id = link.connected_account_id;
		const expiresAt = Date.parse(link.expires_at);
		const clock = jest.spyOn(Date, 'now').mockReturnValue(expiresAt - 1);
		try {
			expect((await getAccount(id)).json.status).toBe('INITIATED');

			clock.mockReturnValue(expiresAt);
			const listed = await call('GET', `${V3}?user_ids=ada&order_direction=asc`);
			expect(listed.json.items).toEqual([
				expect.objectContaining({
					id,
					status: 'EXPIRED',
					status_reason: 'The connect link expired',
				}),
				// A finished link leaves its account as it is.
				expect.objectContaining({ id: done.connected_account_id, status: 'ACTIVE' }),
			]);
			expect(sim().account(id)?.status).toBe('EXPIRED');
			const page = await openPage(link.redirect_url);
			expect(page.status).toBe(410);
			expect(page.text).toContain('expired');

			const refreshed = await call('POST', `${V3}/${id}/refresh`, {});
			expect(refreshed.json.status).toBe('INITIATED');
			expect((await getAccount(id)).json).toMatchObject({
				status: 'INITIATED',
				status_reason: null,
			});
		} finally {
			clock.mockRestore();
		}
	});

	it('a page or status set cancels what a hook scheduled', async () => {
		const link = await createLink();
		sim().activateAfterPolls(link.connected_account_id, 0, 'FAILED');
		await openPage(link.redirect_url);
		expect((await getAccount(link.connected_account_id)).json.status).toBe('ACTIVE');
	});

	it('expireAccount expires without sending; expireAndNotify sends the signed event when subscribed', async () => {
		const account = sim().connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		// No subscription: nothing to send to.
		const quiet = await sim().expireAndNotify(account.id);
		expect(quiet.deliveries).toEqual([]);
		expect((await getAccount(account.id)).json).toMatchObject({
			status: 'EXPIRED',
			status_reason: 'The refresh token was revoked',
		});

		const got: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
		const receiver = createServer((req, res) => {
			let body = '';
			req.on('data', (chunk: Buffer) => (body += chunk.toString()));
			req.on('end', () => {
				got.push({ headers: req.headers, body });
				res.writeHead(200).end();
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		try {
			const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
			const { secret } = sim().setSubscription({
				webhook_url: url,
				enabled_events: ['composio.connected_account.expired'],
			});
			const other = sim().connectAccount('bob', 'ac_gh', { toolkit: 'github' });
			const { event, deliveries } = await sim().expireAndNotify(other.id);
			expect(deliveries).toEqual([{ status: 200, body: '', attempt: 1 }]);
			expect(got).toHaveLength(1);
			const [{ headers, body }] = got;
			expect(JSON.parse(body)).toMatchObject({
				id: event.id,
				type: 'composio.connected_account.expired',
				data: { id: other.id, status: 'EXPIRED', user_id: 'bob' },
			});
			const signed = `${event.id}.${String(headers['webhook-timestamp'])}.${body}`;
			const signature = createHmac('sha256', secret).update(signed).digest('base64');
			expect(headers['webhook-signature']).toBe(`v1,${signature}`);

			// expireAccount alone sends nothing.
			sim().expireAccount(sim().connectAccount('cy', 'ac_gh').id);
			expect(got).toHaveLength(1);
		} finally {
			await new Promise<void>((resolve) => receiver.close(() => resolve()));
		}
	});
});

describe('connected account routes', () => {
	it('disables (INACTIVE, is_disabled) and enables (ACTIVE, whatever the status was, as the spec says)', async () => {
		const account = sim().connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		const disabled = await call('PATCH', `${V3}/${account.id}/status`, { enabled: false });
		expect(disabled).toMatchObject({ status: 200, json: { success: true } });
		expect((await getAccount(account.id)).json).toMatchObject({
			status: 'INACTIVE',
			is_disabled: true,
		});
		await call('PATCH', `${V31}/${account.id}/status`, { enabled: true });
		expect((await getAccount(account.id)).json).toMatchObject({
			status: 'ACTIVE',
			is_disabled: false,
		});
		// The spec: "If enabled=true, the account status is set to ACTIVE", an expired one too.
		sim().expireAccount(account.id);
		await call('PATCH', `${V3}/${account.id}/status`, { enabled: true });
		expect((await getAccount(account.id)).json).toMatchObject({
			status: 'ACTIVE',
			status_reason: null,
			is_disabled: false,
		});
	});

	it('refreshes an expired account: INITIATED with a new link that replaces the old one', async () => {
		const link = await createLink({ callback_url: 'https://app.example.com/first' });
		const id = link.connected_account_id;
		sim().completeLink(id);
		sim().expireAccount(id);

		const refreshed = await call('POST', `${V3}/${id}/refresh`);
		expect(refreshed.status).toBe(200);
		expect(refreshed.json).toEqual({
			id,
			status: 'INITIATED',
			redirect_url: expect.stringMatching(new RegExp(`^${sim().url}/link/lt_`)),
		});
		expect(refreshed.json.redirect_url).not.toBe(link.redirect_url);
		expect((await getAccount(id)).json).toMatchObject({ status: 'INITIATED', status_reason: null });
		// The link keeps the first callback unless the refresh names one.
		const page = await openPage(refreshed.json.redirect_url);
		expect(page.location).toBe(
			`https://app.example.com/first?status=success&connected_account_id=${id}`,
		);

		const again = await call('POST', `${V31}/${id}/refresh?redirect_url=https://app.example.com/q`);
		expect(again.json.status).toBe('INITIATED');
		const body = await call('POST', `${V3}/${id}/refresh`, {
			redirect_url: 'https://app.example.com/body',
		});
		// The older link was replaced.
		expect((await openPage(again.json.redirect_url)).status).toBe(410);
		expect((await openPage(body.json.redirect_url)).location).toMatch(
			/^https:\/\/app\.example\.com\/body\?status=success&/,
		);
	});

	it('deletes an account: gone from get and list', async () => {
		const account = sim().connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		const deleted = await call('DELETE', `${V3}/${account.id}`);
		expect(deleted).toMatchObject({ status: 200, json: { success: true } });
		expect(deleted.json.revoke_job_id).toBeUndefined();
		expect((await getAccount(account.id)).status).toBe(404);
		expect((await call('GET', `${V3}?user_ids=ada`)).json.items).toEqual([]);
		expect(sim().account(account.id)).toBeUndefined();
	});

	it('v3.1 revokes on delete when asked, with a revoke job id; v3 refuses the parameter', async () => {
		const revoked = sim().connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		const answer = await call('DELETE', `${V31}/${revoked.id}?revoke_on_delete=true`);
		expect(answer).toMatchObject({
			status: 200,
			json: { success: true, revoke_job_id: expect.any(String) },
		});
		const kept = sim().connectAccount('ada', 'ac_gh');
		const plain = await call('DELETE', `${V31}/${kept.id}?revoke_on_delete=false`);
		expect(plain.json).toEqual({ success: true });

		const v3 = sim().connectAccount('ada', 'ac_gh');
		const refused = await call('DELETE', `${V3}/${v3.id}?revoke_on_delete=true`);
		expect(refused.status).toBe(400);
		expect(takeViolations()).toEqual([
			expect.stringContaining("query parameter 'revoke_on_delete' is not documented"),
		]);
		expect(sim().account(v3.id)).toBeDefined();
	});

	it('v3.1 takes an alias on Create Link and shows it with a word id; v3 refuses it', async () => {
		const configId = await authConfig();
		const link = await createLink({ auth_config_id: configId, alias: 'work' }, V31);
		const fetched = await getAccount(link.connected_account_id, V31);
		expect(fetched.json).toMatchObject({
			alias: 'work',
			word_id: expect.stringMatching(/^github_/),
			status: 'INITIATED',
		});
		// v3 shows neither.
		const v3 = (await getAccount(link.connected_account_id)).json;
		expect(v3.alias).toBeUndefined();
		expect(v3.word_id).toBeUndefined();
		const listed = await call('GET', `${V31}?user_ids=ada`);
		expect(listed.json.items[0]).toMatchObject({ alias: 'work' });

		const taken = await call('POST', `${V31}/link`, {
			auth_config_id: configId,
			user_id: 'ada',
			alias: 'work',
		});
		expect(taken.status).toBe(400);
		expect(taken.json.error.message).toContain('already used');

		const refused = await call('POST', `${V3}/link`, {
			auth_config_id: configId,
			user_id: 'ada',
			alias: 'home',
		});
		expect(refused.status).toBe(400);
		expect(takeViolations()).toEqual([expect.stringContaining("additional properties 'alias'")]);
	});

	it("shows REVOKED under v3.1 only: a v3 answer with it breaks v3's spec", async () => {
		const account = sim().connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		sim().setAccountStatus(account.id, 'REVOKED', 'Revoked at the provider');
		expect((await getAccount(account.id, V31)).json).toMatchObject({ status: 'REVOKED' });
		expect((await call('GET', `${V31}?statuses=REVOKED`)).json.items).toHaveLength(1);
		expect(sim().violations).toEqual([]);
		await getAccount(account.id);
		expect(takeViolations()).toEqual([expect.stringContaining('response 200')]);
	});

	it("answers Composio's 404 for an unknown account on every route", async () => {
		const unknown = 'ca_unknown';
		for (const [method, path, body] of [
			['GET', `${V3}/${unknown}`],
			['DELETE', `${V31}/${unknown}`],
			['PATCH', `${V3}/${unknown}/status`, { enabled: true }],
			['POST', `${V3}/${unknown}/refresh`],
		] as Array<[string, string, unknown?]>) {
			const answer = await call(method, path, body);
			expect({ method, status: answer.status, message: answer.json.error.message }).toEqual({
				method,
				status: 404,
				message: `Connected account not found: ${unknown}`,
			});
		}
	});

	it('lists with filters and cursor pages', async () => {
		for (let i = 0; i < 5; i++) sim().connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		sim().connectAccount('ada', 'ac_sl', { toolkit: 'slack', status: 'EXPIRED' });
		sim().connectAccount('bob', 'ac_gh', { toolkit: 'github' });

		const ids: string[] = [];
		let cursor: string | null = null;
		let pages = 0;
		do {
			const query: string = `${V3}?user_ids=ada&toolkit_slugs=github&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
			const page = await call('GET', query);
			expect(page.json.total_items).toBe(5);
			ids.push(...page.json.items.map((item: { id: string }) => item.id));
			cursor = page.json.next_cursor as string | null;
			pages++;
		} while (cursor);
		expect(pages).toBe(3);
		expect(new Set(ids).size).toBe(5);

		const expired = await call('GET', `${V3}?statuses=EXPIRED,ACTIVE&auth_config_ids=ac_sl`);
		expect(expired.json.items).toEqual([
			expect.objectContaining({ status: 'EXPIRED', toolkit: { slug: 'slack' } }),
		]);
		expect((await call('GET', `${V3}?cursor=not-ours`)).status).toBe(400);
	});
});

describe('auth configs', () => {
	it('gets one by id, and 404 for an unknown one', async () => {
		const id = await authConfig('gmail');
		sim().connectAccount('ada', id);
		const fetched = await call('GET', `/api/v3/auth_configs/${id}`);
		expect(fetched.json).toMatchObject({
			id,
			toolkit: { slug: 'gmail' },
			is_composio_managed: true,
			status: 'ENABLED',
			no_of_connections: 1,
		});
		expect((await call('GET', '/api/v3.1/auth_configs/ac_unknown')).status).toBe(404);
	});

	it('filters by toolkits, Composio-managed and search (the name only, as the spec says), with cursor pages', async () => {
		for (const toolkit of ['github', 'gmail', 'slack', 'github']) await authConfig(toolkit);
		for (const [slug, name] of [
			['notion', 'Our Notion app'],
			['slack', 'Marketing'],
		]) {
			await call('POST', '/api/v3/auth_configs', {
				toolkit: { slug },
				auth_config: { type: 'use_custom_auth', name, authScheme: 'OAUTH2' },
			});
		}
		const names = async (query: string) =>
			(await call('GET', `/api/v3/auth_configs?${query}`)).json.items.map(
				(item: { name: string; toolkit: { slug: string } }) => `${item.toolkit.slug}: ${item.name}`,
			);
		expect(await names('toolkit_slug=github,slack')).toEqual([
			'github: github auth',
			'slack: slack auth',
			'github: github auth',
			'slack: Marketing',
		]);
		expect(await names('toolkit_slug=slack')).toEqual(['slack: slack auth', 'slack: Marketing']);
		expect(await names('is_composio_managed=false')).toEqual([
			'notion: Our Notion app',
			'slack: Marketing',
		]);
		expect(await names('search=our%20notion')).toEqual(['notion: Our Notion app']);
		// "Marketing" is a slack auth config, but its name does not say slack.
		expect(await names('search=slack')).toEqual(['slack: slack auth']);

		const first = await call('GET', '/api/v3/auth_configs?limit=3');
		expect(first.json.items).toHaveLength(3);
		const second = await call(
			'GET',
			`/api/v3/auth_configs?limit=3&cursor=${first.json.next_cursor}`,
		);
		expect(second.json.items).toHaveLength(3);
		expect(second.json.next_cursor).toBeNull();
	});
});

describe('MCP endpoints list only the tools of ACTIVE, enabled accounts', () => {
	it("a session's endpoint follows the account through link, disable, enable and expiry", async () => {
		const { json: session } = await call('POST', '/api/v3/tool_router/session', {
			user_id: 'ada',
			toolkits: { enable: ['github'] },
		});
		const configId = await authConfig('github');
		expect(await mcpTools(session.mcp.url)).toEqual([]);

		const link = await createLink({ auth_config_id: configId });
		expect(await mcpTools(session.mcp.url)).toEqual([]);
		sim().completeLink(link.connected_account_id);
		expect(await mcpTools(session.mcp.url)).toEqual(['GITHUB_WHOAMI']);

		await call('PATCH', `${V3}/${link.connected_account_id}/status`, { enabled: false });
		expect(await mcpTools(session.mcp.url)).toEqual([]);
		await call('PATCH', `${V3}/${link.connected_account_id}/status`, { enabled: true });
		expect(await mcpTools(session.mcp.url)).toEqual(['GITHUB_WHOAMI']);

		sim().expireAccount(link.connected_account_id);
		expect(await mcpTools(session.mcp.url)).toEqual([]);
	});

	it("an instance's endpoint too", async () => {
		sim().addServer({
			id: 'srv',
			auth_config_ids: ['ac_gh', 'ac_sl'],
			toolkits: ['github', 'slack'],
		});
		const github = sim().connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		sim().connectAccount('ada', 'ac_sl', { toolkit: 'slack' });
		sim().addInstance('srv', 'ada');
		const url = `${sim().url}/v3/mcp/srv?user_id=ada`;
		expect(await mcpTools(url)).toEqual(['GITHUB_WHOAMI', 'SLACK_WHOAMI']);
		sim().setAccountStatus(github.id, 'FAILED');
		expect(await mcpTools(url)).toEqual(['SLACK_WHOAMI']);
	});
});

describe('scoped keys', () => {
	it('Connected accounts: read gets and lists; write is needed to change; Auth configs: read gets one', async () => {
		sim().addKey('accounts-read', { connected_accounts: 'read', auth_configs: 'read' });
		const as = (method: string, path: string, body?: unknown) =>
			callSimulator(sim(), method, path, body, { 'x-api-key': 'accounts-read' });
		const account = sim().connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		expect((await as('GET', `${V3}/${account.id}`)).status).toBe(200);
		expect((await as('GET', `${V31}?user_ids=ada`)).status).toBe(200);
		expect((await as('GET', '/api/v3/auth_configs/ac_gh')).status).toBe(200);
		for (const [method, path, body] of [
			['PATCH', `${V3}/${account.id}/status`, { enabled: false }],
			['POST', `${V31}/${account.id}/refresh`],
			['DELETE', `${V31}/${account.id}`],
			['POST', `${V3}/link`, { auth_config_id: 'ac_gh', user_id: 'ada' }],
		] as Array<[string, string, unknown?]>) {
			expect({ method, path, status: (await as(method, path, body)).status }).toEqual({
				method,
				path,
				status: 403,
			});
		}
		expect(sim().account(account.id)).toMatchObject({ status: 'ACTIVE', is_disabled: false });
	});
});
