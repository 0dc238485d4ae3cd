/**
 * Connected Account (all but Wait for Connection, see wait-for-connection.test.ts) run in n8n's
 * real engine against the simulator, which validates every request and answer against Composio's
 * spec (v3, and v3.1's differences): the bodies and queries sent, the outputs, one output per
 * input item, bad input refused per item before anything is sent, v3.1-only options refused with
 * a v3 credential, Create Link never sent twice, and the Connected Account picker's search.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { listSearch } from '../engine/runWorkflow';
import type { AccountRecord } from '../simulator';
import { useSleepRecorder } from '../support/faults';
import type { RunOptions } from '../support/simulator';
import { errorJson, expectEachItemOnce, expectPairedTo, useSimulator } from '../support/simulator';

/** A scoped key that may read connected accounts but not change them. */
const ACCOUNTS_READ = 'ak_int_connected_accounts_read';

const context = useSimulator({ scopedKeys: { [ACCOUNTS_READ]: { connected_accounts: 'read' } } });
useSleepRecorder();

const V31: RunOptions = { credentials: { apiVersion: 'v3.1' } };

function locator(value: string, mode: 'id' | 'list' = 'id') {
	return { __rl: true, mode, value };
}

async function run(
	operation: string,
	parameters: INodeParameters,
	items: IDataObject[] = [{}],
	options: RunOptions = {},
) {
	return await context.run(
		items,
		{ resource: 'connectedAccount', operation, ...parameters },
		{ onError: 'continueErrorOutput', ...options },
	);
}

function requestsTo(method: string, path: RegExp) {
	return context.sim.requests.filter((r) => r.method === method && path.test(r.path));
}

function gmail(userId = 'ada', status = 'ACTIVE'): AccountRecord {
	return context.sim.connectAccount(userId, 'ac_gmail', { toolkit: 'gmail', status });
}

describe('Connected Account › Create Link', () => {
	const link = (parameters: INodeParameters, items?: IDataObject[], options?: RunOptions) =>
		run(
			'createLink',
			{ authConfigId: locator('ac_gmail', 'list'), userId: '={{ $json.userId }}', ...parameters },
			items ?? [{ userId: 'ada' }],
			options,
		);

	beforeEach(() => {
		// The auth config exists (an account of another user made it).
		gmail('seed');
	});

	it('outputs connectedAccountId, redirectUrl and expiresAt first, then Composio’s answer, one item per input', async () => {
		const result = await link({ callbackUrl: 'https://app.example.com/done?t=1' }, [
			{ userId: 'ada' },
			{ userId: 'bob' },
		]);

		expectEachItemOnce(result, 2);
		const [ada, bob] = result.success.map((item) => item.json);
		expect(Object.keys(ada).slice(0, 3)).toEqual([
			'connectedAccountId',
			'redirectUrl',
			'expiresAt',
		]);
		expect(ada).toEqual({
			connectedAccountId: expect.stringMatching(/^ca_/),
			redirectUrl: expect.stringContaining('/link/'),
			expiresAt: expect.any(String),
			link_token: expect.any(String),
			redirect_url: ada.redirectUrl,
			expires_at: ada.expiresAt,
			connected_account_id: ada.connectedAccountId,
		});
		expect(context.sim.account(ada.connectedAccountId as string)).toMatchObject({
			user_id: 'ada',
			status: 'INITIATED',
		});
		expect(context.sim.account(bob.connectedAccountId as string)?.user_id).toBe('bob');
		expect(requestsTo('POST', /\/connected_accounts\/link$/).map((r) => r.body)).toEqual([
			{
				auth_config_id: 'ac_gmail',
				user_id: 'ada',
				callback_url: 'https://app.example.com/done?t=1',
			},
			{
				auth_config_id: 'ac_gmail',
				user_id: 'bob',
				callback_url: 'https://app.example.com/done?t=1',
			},
		]);
	});

	it('sends Connection Data as an object, and nothing for an empty one or no callback', async () => {
		await link({ options: { connectionData: '{"subdomain": "acme"}' } });
		await link({ options: { connectionData: '{}' } });

		expect(requestsTo('POST', /\/link$/).map((r) => r.body)).toEqual([
			{ auth_config_id: 'ac_gmail', user_id: 'ada', connection_data: { subdomain: 'acme' } },
			{ auth_config_id: 'ac_gmail', user_id: 'ada' },
		]);
	});

	it('Alias (v3.1) goes to /api/v3.1 and names the account', async () => {
		const result = await link({ options: { alias: 'Work Gmail' } }, undefined, V31);

		expect(result.status).toBe('success');
		const [request] = requestsTo('POST', /\/link$/);
		expect(request.path).toBe('/api/v3.1/connected_accounts/link');
		expect(request.body).toMatchObject({ alias: 'Work Gmail' });
		const id = result.success[0].json.connectedAccountId as string;
		expect(context.sim.account(id)?.alias).toBe('Work Gmail');
	});

	it('Alias with a v3 credential fails that item only, before anything is sent for it', async () => {
		const result = await link({ options: { alias: '={{ $json.alias }}' } }, [
			{ userId: 'ada' },
			{ userId: 'bob', alias: 'Work Gmail' },
		]);

		expectEachItemOnce(result, 2);
		expect(result.success.map((item) => item.pairedItem)).toEqual([{ item: 0 }]);
		const failed = errorJson(result.errorOutput[0]);
		expect(failed.error).toBe("Alias needs Composio's API v3.1, and the credential uses v3");
		expect(failed.description).toContain("Switch the credential's API Version to V3.1");
		expect(requestsTo('POST', /\/link$/).map((r) => (r.body as IDataObject).user_id)).toEqual([
			'ada',
		]);
	});

	it.each([
		['a blank user', { userId: '  ' }, 'User ID is blank'],
		[
			'an auth config whose expression gave nothing',
			{ authConfigId: locator('={{ $json.authConfig }}') },
			'Auth Config is empty: its expression gave no value for this item',
		],
		[
			'an auth config that is an object',
			{ authConfigId: locator('={{ $json }}') },
			'Auth Config must be text, got an object',
		],
		[
			'Connection Data that is not JSON',
			{ options: { connectionData: '{a' } },
			'Connection Data is not valid JSON',
		],
		[
			'Connection Data that is a list',
			{ options: { connectionData: '[1]' } },
			'Connection Data must be a JSON object',
		],
	])('refuses %s before sending anything', async (_, parameters, message) => {
		const result = await link(parameters as INodeParameters);

		expect(errorJson(result.errorOutput[0]).error).toContain(message);
		expect(requestsTo('POST', /\/link$/)).toEqual([]);
	});

	it('an unknown auth config fails the item with Composio’s 404 message', async () => {
		const result = await link({ authConfigId: locator('ac_nope') });

		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: 'Auth config not found: ac_nope',
			httpCode: '404',
		});
	});

	it('is never sent twice: a lost answer fails the item, saying a new link works as well', async () => {
		context.sim.inject({ method: 'POST', path: /\/connected_accounts\/link$/, loseAnswer: true });

		const result = await link({});

		expect(errorJson(result.errorOutput[0]).description).toContain(
			'Composio may have made the link (and a pending connected account) although its answer was lost',
		);
		expect(requestsTo('POST', /\/link$/)).toHaveLength(1);
	});
});

describe('Connected Account › Get', () => {
	it('outputs the account simplified by default (every node version), raw with Simplify off', async () => {
		const account = gmail();

		const simplified = await run('get', { connectedAccountId: locator(account.id, 'list') });
		const raw = await run('get', { connectedAccountId: locator(account.id), simplify: false });
		const v11 = await run('get', { connectedAccountId: locator(account.id) }, [{}], {
			typeVersion: 1.1,
		});

		expect(simplified.success[0].json).toEqual({
			id: account.id,
			user_id: 'ada',
			status: 'ACTIVE',
			status_reason: null,
			is_disabled: false,
			toolkit: { slug: 'gmail' },
			auth_config: expect.objectContaining({ id: 'ac_gmail' }),
			// v3.1's names: v3 has none.
			alias: null,
			word_id: null,
			created_at: account.created_at,
			updated_at: account.updated_at,
		});
		expect(v11.success[0].json).toEqual(simplified.success[0].json);
		const answered = { ...simplified.success[0].json };
		// v3 answers have neither: Simplify puts null.
		delete answered.alias;
		delete answered.word_id;
		expect(raw.success[0].json).toMatchObject({ ...answered, state: expect.any(Object) });
		expect(raw.success[0].json).not.toHaveProperty('alias');
		expect(requestsTo('GET', /\/connected_accounts\//).map((r) => r.rawPath)).toEqual(
			Array(3).fill(`/api/v3/connected_accounts/${account.id}`),
		);
	});

	it('v3.1: the simplified account keeps its alias and word_id (null when it has no alias)', async () => {
		const named = context.sim.connectAccount('ada', 'ac_gmail', {
			toolkit: 'gmail',
			alias: 'work',
		});
		const unnamed = gmail();

		const result = await run(
			'get',
			{ connectedAccountId: locator('={{ $json.id }}') },
			[{ id: named.id }, { id: unnamed.id }],
			V31,
		);

		expect(result.success.map((item) => [item.json.alias, item.json.word_id])).toEqual([
			['work', expect.stringMatching(/^gmail_/)],
			[null, expect.stringMatching(/^gmail_/)],
		]);
	});

	it('one item per input: an unknown account fails its own item with Composio’s 404 message', async () => {
		const account = gmail();

		const result = await run('get', { connectedAccountId: locator('={{ $json.id }}') }, [
			{ id: account.id },
			{ id: 'ca_nope' },
		]);

		expectEachItemOnce(result, 2);
		expect(result.success[0].json.id).toBe(account.id);
		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: 'Connected account not found: ca_nope',
			httpCode: '404',
			requestId: expect.any(String),
			connectedAccountId: 'ca_nope',
		});
	});

	it.each([
		['blank', '   ', 'Connected Account is blank'],
		['a path segment', '..', 'Connected Account ".." cannot be used in a URL path'],
		[
			'a list from an expression',
			'={{ ["ca_1", "ca_2"] }}',
			'Connected Account must be text, got a list',
		],
	])('refuses an ID that is %s before sending anything', async (_, id, message) => {
		const result = await run('get', { connectedAccountId: locator(id) });

		expect(errorJson(result.errorOutput[0]).error).toContain(message);
		expect(context.sim.requests).toEqual([]);
	});

	it('encodes the ID into the path', async () => {
		await run('get', { connectedAccountId: locator('ca/1?x') });

		expect(context.sim.requests[0].rawPath).toBe('/api/v3/connected_accounts/ca%2F1%3Fx');
	});
});

describe('Connected Account › Get Many', () => {
	const getMany = (parameters: INodeParameters, options?: RunOptions) =>
		run('getAll', parameters, [{}], options);
	const ids = (result: Awaited<ReturnType<typeof getMany>>) =>
		result.success.map((item) => item.json.id);

	it('sends each filter as Composio’s comma-separated query and outputs the matching accounts', async () => {
		const ada = gmail('ada');
		gmail('bob');
		const pending = gmail('ada', 'INITIATED');
		context.sim.connectAccount('ada', 'ac_gh', { toolkit: 'github' });

		const result = await getMany({
			returnAll: true,
			filters: {
				userIds: '={{ ["ada", "cy"] }}',
				toolkits: 'gmail',
				statuses: ['ACTIVE', 'INITIATED'],
				authConfigIds: ['ac_gmail'],
			},
		});

		expect(ids(result).sort()).toEqual([ada.id, pending.id].sort());
		expect(requestsTo('GET', /\/connected_accounts$/)[0].query).toEqual({
			user_ids: 'ada,cy',
			toolkit_slugs: 'gmail',
			statuses: 'ACTIVE,INITIATED',
			auth_config_ids: 'ac_gmail',
			limit: '100',
		});
		expect(result.success[0].json).not.toHaveProperty('state');
	});

	it('pages by cursor: a Limit across pages, Return All to the end', async () => {
		const accounts = Array.from({ length: 230 }, (_, i) => gmail(`user-${i}`));

		const limited = await getMany({ returnAll: false, limit: 150 });
		const all = await getMany({ returnAll: true });
		const few = await getMany({ returnAll: false, limit: 5 });

		expect(limited.success).toHaveLength(150);
		expect(new Set(ids(all))).toEqual(new Set(accounts.map((a) => a.id)));
		expect(all.success).toHaveLength(230);
		expect(few.success).toHaveLength(5);
		expectPairedTo(few, 1);
		const pages = requestsTo('GET', /\/connected_accounts$/).map((r) => r.query);
		expect(pages.map((query) => [query.limit, query.cursor !== undefined])).toEqual([
			['100', false],
			['100', true],
			['100', false],
			['100', true],
			['100', true],
			['5', false],
		]);
	});

	it.each([
		[
			'a status that is not Composio’s',
			{ statuses: '={{ ["active"] }}' },
			{},
			'Statuses holds "active"',
		],
		[
			'a null user from an expression',
			{ userIds: '={{ ["ada", null] }}' },
			{},
			'User IDs holds null at position 2',
		],
		[
			'Revoked with a v3 credential',
			{ statuses: ['REVOKED'] },
			{},
			"Statuses: Revoked needs Composio's API v3.1",
		],
	])('refuses %s before sending anything', async (_, filters, options, message) => {
		const result = await getMany({ returnAll: true, filters }, options);

		expect(errorJson(result.errorOutput[0]).error).toContain(message);
		expect(context.sim.requests).toEqual([]);
	});

	it('lists REVOKED accounts with a v3.1 credential', async () => {
		const revoked = gmail('ada');
		context.sim.setAccountStatus(revoked.id, 'REVOKED');
		gmail('bob');

		const result = await getMany({ returnAll: true, filters: { statuses: ['REVOKED'] } }, V31);

		expect(ids(result)).toEqual([revoked.id]);
		expect(requestsTo('GET', /\/connected_accounts$/)[0].path).toBe('/api/v3.1/connected_accounts');
	});
});

describe('Connected Account › Refresh', () => {
	it('outputs the new link as redirectUrl on top; the account is INITIATED until the user finishes it', async () => {
		const account = gmail();
		context.sim.setAccountStatus(account.id, 'EXPIRED', 'token expired');

		const result = await run('refresh', {
			connectedAccountId: locator(account.id),
			callbackUrl: 'https://app.example.com/again',
		});

		const output = result.success[0].json;
		expect(output).toEqual({
			redirectUrl: expect.stringContaining('/link/'),
			connectedAccountId: account.id,
			id: account.id,
			status: 'INITIATED',
			redirect_url: output.redirectUrl,
		});
		expect(Object.keys(output)[0]).toBe('redirectUrl');
		expect(requestsTo('POST', /\/refresh$/)[0].body).toEqual({
			redirect_url: 'https://app.example.com/again',
		});
		expect(context.sim.linkOf(account.id)).toMatchObject({
			redirect_url: output.redirectUrl,
			callback_url: 'https://app.example.com/again',
		});
		expect(context.sim.completeLink(account.id).status).toBe('ACTIVE');
	});

	it('an unknown account fails with Composio’s 404 message; a blank one is refused unsent', async () => {
		const result = await run('refresh', { connectedAccountId: locator('ca_nope') });
		const blank = await run('refresh', { connectedAccountId: locator(' ') });

		expect(errorJson(result.errorOutput[0]).error).toBe('Connected account not found: ca_nope');
		expect(errorJson(blank.errorOutput[0]).error).toBe('Connected Account is blank');
		expect(context.sim.requests).toHaveLength(1);
	});

	it('a lost answer is sent again: it re-authorises the same account, and the link output is the one the user can open', async () => {
		const account = gmail();
		context.sim.setAccountStatus(account.id, 'EXPIRED', 'token expired');
		context.sim.inject({ method: 'POST', path: /\/refresh$/, loseAnswer: true });

		const result = await run('refresh', { connectedAccountId: locator(account.id) });

		// Unlike Create Link, a repeat makes no second account: the lost link was never seen, and
		// the account's current link is the one in the output.
		expect(requestsTo('POST', /\/refresh$/)).toHaveLength(2);
		const output = result.success[0].json;
		expect(output).toMatchObject({ connectedAccountId: account.id, id: account.id });
		expect(context.sim.linkOf(account.id)?.redirect_url).toBe(output.redirectUrl);
		expect(context.sim.completeLink(account.id).status).toBe('ACTIVE');
		expect(
			context.sim.requests.filter((r) => r.method === 'POST' && !r.path.endsWith('/refresh')),
		).toEqual([]);
	});
});

describe('Connected Account › Enable and Disable', () => {
	it('Disable, then Enable: PATCH …/status with enabled, the ID and state on top of Composio’s answer', async () => {
		const account = gmail();

		const disabled = await run('disable', { connectedAccountId: locator(account.id) });
		expect(context.sim.account(account.id)).toMatchObject({
			is_disabled: true,
			status: 'INACTIVE',
		});
		const enabled = await run('enable', { connectedAccountId: locator(account.id) });

		expect(disabled.success[0].json).toEqual({
			connectedAccountId: account.id,
			enabled: false,
			success: true,
		});
		expect(enabled.success[0].json).toEqual({
			connectedAccountId: account.id,
			enabled: true,
			success: true,
		});
		expect(context.sim.account(account.id)).toMatchObject({ is_disabled: false, status: 'ACTIVE' });
		expect(requestsTo('PATCH', /\/status$/).map((r) => [r.rawPath, r.body])).toEqual([
			[`/api/v3/connected_accounts/${account.id}/status`, { enabled: false }],
			[`/api/v3/connected_accounts/${account.id}/status`, { enabled: true }],
		]);
	});

	it('an unknown account fails with Composio’s 404 message; a blank one is refused unsent', async () => {
		const unknown = await run('enable', { connectedAccountId: locator('ca_nope') });
		const blank = await run('disable', { connectedAccountId: locator(' ') });

		expect(errorJson(unknown.errorOutput[0]).error).toBe('Connected account not found: ca_nope');
		expect(errorJson(blank.errorOutput[0]).error).toBe('Connected Account is blank');
		expect(context.sim.requests).toHaveLength(1);
	});
});

describe('Connected Account › Delete', () => {
	it('outputs { deleted: true, connectedAccountId }; the account is gone', async () => {
		const account = gmail();

		const result = await run('delete', { connectedAccountId: locator(account.id) });

		expect(result.success[0].json).toEqual({ deleted: true, connectedAccountId: account.id });
		expect(context.sim.account(account.id)).toBeUndefined();
		expect(context.sim.requests[0].rawPath).toBe(`/api/v3/connected_accounts/${account.id}`);
	});

	it('Revoke at Provider with a v3 credential is refused before anything is sent; off sends no query', async () => {
		const account = gmail();

		const refused = await run('delete', {
			connectedAccountId: locator(account.id),
			options: { revokeAtProvider: true },
		});
		expect(errorJson(refused.errorOutput[0]).error).toBe(
			"Revoke at Provider needs Composio's API v3.1, and the credential uses v3",
		);
		expect(context.sim.requests).toEqual([]);

		const plain = await run('delete', {
			connectedAccountId: locator(account.id),
			options: { revokeAtProvider: false },
		});
		expect(plain.success[0].json).toEqual({ deleted: true, connectedAccountId: account.id });
		expect(context.sim.requests.map((r) => r.rawPath)).toEqual([
			`/api/v3/connected_accounts/${account.id}`,
		]);
	});

	it('an unknown account fails with Composio’s 404 message', async () => {
		const result = await run('delete', { connectedAccountId: locator('ca_nope') });

		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: 'Connected account not found: ca_nope',
			httpCode: '404',
		});
	});

	it('a key that may only read connected accounts: the 403 names "Connected accounts: write"', async () => {
		const account = gmail();

		const read = await run('get', { connectedAccountId: locator(account.id) }, [{}], {
			apiKey: ACCOUNTS_READ,
		});
		const refused = await run('delete', { connectedAccountId: locator(account.id) }, [{}], {
			apiKey: ACCOUNTS_READ,
		});

		expect(read.success[0].json.id).toBe(account.id);
		expect(errorJson(refused.errorOutput[0])).toMatchObject({
			error: expect.stringContaining(
				'(if this API key is scoped, it needs "Connected accounts: write" for DELETE /connected_accounts/{id})',
			),
			httpCode: '403',
		});
		expect(context.sim.account(account.id)).toBeDefined();
	});

	it('a lost answer: the retry’s 404 means the first one deleted it, so the item succeeds', async () => {
		const account = gmail();
		context.sim.inject({ method: 'DELETE', loseAnswer: true });

		const result = await run('delete', { connectedAccountId: locator(account.id) });

		expect(result.success[0].json).toEqual({ deleted: true, connectedAccountId: account.id });
		expect(requestsTo('DELETE', /connected_accounts/)).toHaveLength(2);
	});

	it.each([
		['answered', false, expect.stringMatching(/^rj_/)],
		// The retry's 404 says only that the account is gone: the job's ID is not known.
		['after a lost answer (null)', true, null],
	])(
		'Revoke at Provider (v3.1) adds ?revoke_on_delete=true and outputs revoke_job_id, %s',
		async (_, lost, revokeJobId) => {
			const account = gmail();
			if (lost) context.sim.inject({ method: 'DELETE', loseAnswer: true });

			const result = await run(
				'delete',
				{ connectedAccountId: locator(account.id), options: { revokeAtProvider: true } },
				[{}],
				V31,
			);

			expect(result.success[0].json).toEqual({
				deleted: true,
				connectedAccountId: account.id,
				revoke_job_id: revokeJobId,
			});
			expect(requestsTo('DELETE', /connected_accounts/).map((r) => r.rawPath)).toEqual(
				Array(lost ? 2 : 1).fill(
					`/api/v3.1/connected_accounts/${account.id}?revoke_on_delete=true`,
				),
			);
		},
	);
});

describe('Connected Account picker: searchConnectedAccounts', () => {
	const at = {
		parameters: {
			resource: 'connectedAccount',
			operation: 'get',
			connectedAccountId: locator('', 'list'),
		},
		path: 'connectedAccountId',
	};
	const search = (filter?: string, token?: string) =>
		listSearch(
			'searchConnectedAccounts',
			{ apiKey: context.sim.apiKey, baseUrl: context.sim.url },
			at,
			filter,
			token,
		);

	it('names each account by user, toolkit and status, newest first', async () => {
		const ada = gmail('ada');
		const bob = context.sim.connectAccount('bob', 'ac_gh', {
			toolkit: 'github',
			status: 'EXPIRED',
		});

		const result = await search();

		expect(result).toEqual({
			results: [
				{ name: 'bob · github · EXPIRED', value: bob.id },
				{ name: 'ada · gmail · ACTIVE', value: ada.id },
			],
		});
	});

	it('pages with Composio’s cursor as the pagination token', async () => {
		const accounts = Array.from({ length: 70 }, (_, i) => gmail(`user-${i}`));

		const first = await search();
		const second = await search(undefined, first.paginationToken as string);

		expect(first.results).toHaveLength(50);
		expect(first.paginationToken).toEqual(expect.any(String));
		expect(second.paginationToken).toBeUndefined();
		expect(new Set([...first.results, ...second.results].map((r) => r.value))).toEqual(
			new Set(accounts.map((a) => a.id)),
		);
	});

	it('a filter matches user, toolkit, status or ID over several pages', async () => {
		// A user id with letters no hex account ID holds ("ada" could be part of one).
		const ada = context.sim.connectAccount('quinn', 'ac_gh', { toolkit: 'github' });
		for (let i = 0; i < 120; i++) gmail(`user-${i}`);

		const byUser = await search(' QUINN ');
		const byToolkit = await search('github');
		const byId = await search(ada.id);

		expect(byUser.results).toEqual([{ name: 'quinn · github · ACTIVE', value: ada.id }]);
		expect(byToolkit.results.map((r) => r.value)).toEqual([ada.id]);
		expect(byId.results.map((r) => r.value)).toEqual([ada.id]);
		// Composio's list has no text search: the filter is never sent.
		expect(context.sim.requests.every((r) => r.query.search === undefined)).toBe(true);
	});
});
