/**
 * Auth Config (Get, Get Many), its picker (searchAuthConfigs) and list (getAuthConfigs) run in
 * n8n's real engine against the simulator: queries, outputs, one output per input item, bad input
 * refused per item before anything is sent, cursor paging; and the auth config picker in Session ›
 * Create's Auth Configs rows, with rows saved as text before it still sent as they were.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { listSearch, loadOptions } from '../engine/runWorkflow';
import type { RunOptions } from '../support/simulator';
import { errorJson, expectEachItemOnce, expectPairedTo, useSimulator } from '../support/simulator';

const context = useSimulator();

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
		{ resource: 'authConfig', operation, ...parameters },
		{ onError: 'continueErrorOutput', ...options },
	);
}

function listRequests() {
	return context.sim.requests.filter(
		(r) => r.method === 'GET' && r.path === '/api/v3/auth_configs',
	);
}

/** A Composio-managed auth config, made through an account of a seed user. */
function managed(id: string, toolkit: string): void {
	context.sim.connectAccount('seed', id, { toolkit });
}

/** An auth config with the project's own OAuth app, made as a user of Composio's API would. */
async function custom(toolkit: string, name: string): Promise<string> {
	const answer = await fetch(`${context.sim.url}/api/v3/auth_configs`, {
		method: 'POST',
		headers: { 'x-api-key': context.sim.apiKey, 'content-type': 'application/json' },
		body: JSON.stringify({
			toolkit: { slug: toolkit },
			auth_config: { type: 'use_custom_auth', name, authScheme: 'OAUTH2' },
		}),
	});
	const body = (await answer.json()) as { auth_config: { id: string } };
	// Only the node's requests count in the tests below.
	context.sim.requests.length = 0;
	return body.auth_config.id;
}

describe('Auth Config › Get', () => {
	it('outputs the auth config simplified by default, raw with Simplify off', async () => {
		managed('ac_gh', 'github');

		const simplified = await run('get', { authConfigId: locator('ac_gh', 'list') });
		const raw = await run('get', { authConfigId: locator('ac_gh'), simplify: false });

		expect(simplified.success[0].json).toEqual({
			id: 'ac_gh',
			name: 'github auth',
			toolkit: { slug: 'github', logo: expect.any(String) },
			auth_scheme: 'OAUTH2',
			is_composio_managed: true,
			status: 'ENABLED',
			no_of_connections: 1,
			created_at: expect.any(String),
			last_updated_at: null,
		});
		expect(raw.success[0].json).toMatchObject({
			id: 'ac_gh',
			uuid: expect.any(String),
			tool_access_config: expect.any(Object),
		});
		expect(context.sim.requests.map((r) => r.rawPath)).toEqual([
			'/api/v3/auth_configs/ac_gh',
			'/api/v3/auth_configs/ac_gh',
		]);
	});

	it('one item per input: an unknown auth config fails its own item with Composio’s 404 message', async () => {
		managed('ac_gh', 'github');

		const result = await run('get', { authConfigId: locator('={{ $json.id }}') }, [
			{ id: 'ac_nope' },
			{ id: 'ac_gh' },
		]);

		expectEachItemOnce(result, 2);
		expect(result.success[0].json.id).toBe('ac_gh');
		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: 'Auth config not found: ac_nope',
			httpCode: '404',
			authConfigId: 'ac_nope',
		});
	});

	it.each([
		['blank', ' ', 'Auth Config is blank'],
		['a path segment', '.', 'Auth Config "." cannot be used in a URL path'],
		[
			'an object from an expression',
			'={{ { id: "ac_gh" } }}',
			'Auth Config must be text, got an object',
		],
	])('refuses an ID that is %s before sending anything', async (_, id, message) => {
		const result = await run('get', { authConfigId: locator(id) });

		expect(errorJson(result.errorOutput[0]).error).toContain(message);
		expect(context.sim.requests).toEqual([]);
	});
});

describe('Auth Config › Get Many', () => {
	const ids = (result: Awaited<ReturnType<typeof run>>) =>
		result.success.map((item) => item.json.id);

	it('filters by toolkit and by Composio Managed', async () => {
		managed('ac_gh', 'github');
		managed('ac_gmail', 'gmail');
		const ours = await custom('github', 'Our GitHub App');

		const github = await run('getAll', { returnAll: true, filters: { toolkit: ' github ' } });
		const own = await run('getAll', { returnAll: true, filters: { composioManaged: false } });
		const composio = await run('getAll', {
			returnAll: true,
			filters: { composioManaged: '={{ "true" }}', toolkit: 'github' },
		});

		expect(ids(github).sort()).toEqual(['ac_gh', ours].sort());
		expect(ids(own)).toEqual([ours]);
		expect(ids(composio)).toEqual(['ac_gh']);
		expect(listRequests().map((r) => r.query)).toEqual([
			{ toolkit_slug: 'github', limit: '100' },
			{ is_composio_managed: 'false', limit: '100' },
			{ toolkit_slug: 'github', is_composio_managed: 'true', limit: '100' },
		]);
		expect(github.success[0].json).not.toHaveProperty('uuid');
	});

	it('pages by cursor: a Limit across pages, Return All to the end', async () => {
		for (let i = 0; i < 210; i++) managed(`ac_${String(i).padStart(3, '0')}`, 'github');

		const limited = await run('getAll', { returnAll: false, limit: 120 });
		const all = await run('getAll', { returnAll: true });

		expect(limited.success).toHaveLength(120);
		expectPairedTo(limited, 1);
		expect(new Set(ids(all)).size).toBe(210);
		expect(listRequests().map((r) => [r.query.limit, r.query.cursor !== undefined])).toEqual([
			['100', false],
			['100', true],
			['100', false],
			['100', true],
			['100', true],
		]);
	});

	it('refuses a Composio Managed that is not true or false before sending anything', async () => {
		const result = await run('getAll', { filters: { composioManaged: '={{ "yes" }}' } });

		expect(errorJson(result.errorOutput[0]).error).toBe(
			'Composio Managed must be true or false, got "yes"',
		);
		expect(context.sim.requests).toEqual([]);
	});
});

describe('Auth config picker and list', () => {
	const credentials = () => ({ apiKey: context.sim.apiKey, baseUrl: context.sim.url });
	const at = {
		parameters: { resource: 'authConfig', operation: 'get', authConfigId: locator('', 'list') },
		path: 'authConfigId',
	};

	it('searchAuthConfigs names each by name and toolkit and sends the filter as Composio’s search', async () => {
		managed('ac_gh', 'github');
		managed('ac_gmail', 'gmail');

		const all = await listSearch('searchAuthConfigs', credentials(), at);
		const found = await listSearch('searchAuthConfigs', credentials(), at, '  gmail ');

		expect(all.results).toEqual([
			{ name: 'github auth (github)', value: 'ac_gh' },
			{ name: 'gmail auth (gmail)', value: 'ac_gmail' },
		]);
		expect(all.paginationToken).toBeUndefined();
		expect(found.results).toEqual([{ name: 'gmail auth (gmail)', value: 'ac_gmail' }]);
		expect(listRequests().map((r) => r.query)).toEqual([
			{ limit: '50' },
			{ limit: '50', search: 'gmail' },
		]);
	});

	it('searchAuthConfigs pages with Composio’s cursor as the pagination token', async () => {
		for (let i = 0; i < 60; i++) managed(`ac_${i}`, 'github');

		const first = await listSearch('searchAuthConfigs', credentials(), at);
		const second = await listSearch(
			'searchAuthConfigs',
			credentials(),
			at,
			undefined,
			first.paginationToken as string,
		);

		expect(first.results).toHaveLength(50);
		expect(second.results).toHaveLength(10);
		expect(second.paginationToken).toBeUndefined();
		expect(listRequests()[1].query.cursor).toBe(first.paginationToken);
	});

	it('getAuthConfigs (Get Many’s Auth Config filter) lists every page of 200 (Composio’s largest), sorted by name', async () => {
		for (let i = 0; i < 230; i++) managed(`ac_${i}`, i % 2 ? 'gmail' : 'github');

		const options = await loadOptions('getAuthConfigs', credentials(), {
			parameters: { resource: 'connectedAccount', operation: 'getAll' },
			path: 'filters.authConfigIds',
		});

		expect(options).toHaveLength(230);
		expect(options[0]).toEqual({ name: 'github auth (github)', value: expect.any(String) });
		expect(options[229].name).toBe('gmail auth (gmail)');
		expect(listRequests().map((r) => r.query.limit)).toEqual(['200', '200']);
	});
});

describe('Session › Create: the Auth Configs rows take the auth config picker', () => {
	async function createWith(id: string | INodeParameters) {
		managed('ac_gh', 'github');
		const result = await context.run([{}], {
			resource: 'session',
			operation: 'create',
			userId: 'ada',
			options: { authConfigs: { entries: [{ toolkit: 'github', id }] } },
		});
		expect(result.status).toBe('success');
		const [create] = context.sim.requests.filter((r) => r.method === 'POST');
		return (create.body as IDataObject).auth_configs;
	}

	it.each([
		['picked from the list', locator('ac_gh', 'list')],
		['typed as an ID', locator('ac_gh')],
		['mapped with an expression', locator('={{ "ac_" + "gh" }}')],
		['saved as text before the picker', 'ac_gh'],
	])('%s', async (_, id) => {
		expect(await createWith(id)).toEqual({ github: 'ac_gh' });
	});

	it('a row with a toolkit and nothing picked is refused before sending anything', async () => {
		const result = await context.run(
			[{}],
			{
				resource: 'session',
				operation: 'create',
				userId: 'ada',
				options: { authConfigs: { entries: [{ toolkit: 'github', id: locator('', 'list') }] } },
			},
			{ onError: 'continueErrorOutput' },
		);

		expect(errorJson(result.errorOutput[0]).error).toBe(
			'Auth Configs: each row needs a toolkit and an ID',
		);
		expect(context.sim.requests).toEqual([]);
	});
});
