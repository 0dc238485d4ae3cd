/**
 * The simulator's session lifecycle of v3.1 (update, delete) and the connected accounts each
 * version takes and shows, validated against the hand-made test/fixtures/session-lifecycle.schema.json
 * (v3.1) and the spec subset (v3).
 */
import { useSimulatorServer } from '../support/simulatorServer';
import { callSimulator } from './call';
import { loadSpec } from './index';

const server = useSimulatorServer();
const sim = () => server.sim;

const call = (method: string, path: string, body?: unknown) =>
	callSimulator(sim(), method, path, body);

const V3 = '/api/v3/tool_router/session';
const V31 = '/api/v3.1/tool_router/session';

function expectEnvelope(answer: Awaited<ReturnType<typeof call>>, status: number): string {
	expect(answer.status).toBe(status);
	expect(answer.json.error).toMatchObject({
		status,
		code: expect.any(Number),
		request_id: expect.any(String),
		message: expect.any(String),
	});
	return answer.json.error.message as string;
}

describe('the hand-made v3.1 session operations', () => {
	it('are v3.1 only: update and delete match no v3 path, create and get match their own', () => {
		const spec = loadSpec();
		const id = ['trs_1'];
		const v3 = (method: string, ...rest: string[]) =>
			spec.match(method, ['api', 'v3', 'tool_router', 'session', ...rest])?.op.template;
		const v31 = (method: string, ...rest: string[]) =>
			spec.match(method, ['api', 'v3.1', 'tool_router', 'session', ...rest])?.op.template;

		expect(v3('PATCH', ...id)).toBeUndefined();
		expect(v3('DELETE', ...id)).toBeUndefined();
		expect(v31('PATCH', ...id)).toBe('/api/v3.1/tool_router/session/{session_id}');
		expect(v31('DELETE', ...id)).toBe('/api/v3.1/tool_router/session/{session_id}');
		expect(v31('POST')).toBe('/api/v3.1/tool_router/session');
		expect(v3('POST')).toBe('/api/v3/tool_router/session');
		// Routes v3.1 has no operation of its own for still map onto v3's.
		expect(v31('POST', ...id, 'link')).toBe('/api/v3/tool_router/session/{session_id}/link');
	});
});

describe('connected accounts per API version', () => {
	it('v3 takes and shows one id per toolkit; v3.1 a list (several with multi-account), and v3 shows its first', async () => {
		const first = sim().connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		const second = sim().connectAccount('ada', 'ac_gh', { toolkit: 'github' });

		const v3 = await call('POST', V3, { user_id: 'ada', connected_accounts: { github: first.id } });
		expect(v3.status).toBe(201);
		expect(v3.json.config.connected_accounts).toEqual({ github: first.id });
		const multi = { enable: true, max_accounts_per_toolkit: 2, require_explicit_selection: true };
		const v31 = await call('POST', V31, {
			user_id: 'ada',
			connected_accounts: { github: [second.id, first.id] },
			multi_account: multi,
		});
		expect(v31.status).toBe(201);
		expect(v31.json.config.connected_accounts).toEqual({ github: [second.id, first.id] });
		expect(v31.json.config.multi_account).toEqual(multi);

		const id = v31.json.session_id as string;
		expect((await call('GET', `${V31}/${id}`)).json.config.connected_accounts).toEqual({
			github: [second.id, first.id],
		});
		expect((await call('GET', `${V3}/${id}`)).json.config.connected_accounts).toEqual({
			github: second.id,
		});
		expect((await call('GET', `${V31}/${v3.json.session_id}`)).json.config).toMatchObject({
			connected_accounts: { github: [first.id] },
		});
		expect(sim().violations).toEqual([]);
	});

	it.each([
		['v3 a list', V3, ['ca_1'], 'body/connected_accounts/github must be string'],
		['v3.1 one id', V31, 'ca_1', 'body/connected_accounts/github must be array'],
	])(
		'refuses %s with a 400 envelope and records the off-spec request',
		async (_, path, ids, why) => {
			const answer = await call('POST', path, {
				user_id: 'ada',
				connected_accounts: { github: ids },
			});

			expect(expectEnvelope(answer, 400)).toContain(why);
			expect(sim().sessionsOf('ada')).toEqual([]);
			expect(sim().violations).toEqual([expect.stringContaining(why)]);
		},
	);

	it('refuses several accounts for one toolkit without multi_account.enable, or more than its max (default 5), with a 400 envelope', async () => {
		const ids = Array.from(
			{ length: 6 },
			() => sim().connectAccount('ada', 'ac_gh', { toolkit: 'github' }).id,
		);
		const create = (count: number, multi?: object) =>
			call('POST', V31, {
				user_id: 'ada',
				connected_accounts: { github: ids.slice(0, count) },
				...(multi ? { multi_account: multi } : {}),
			});

		expect(expectEnvelope(await create(2), 400)).toBe(
			'2 connected accounts for github: a session without multi-account holds at most one per toolkit',
		);
		expectEnvelope(await create(2, { enable: false }), 400);
		expect(expectEnvelope(await create(6, { enable: true }), 400)).toBe(
			'6 connected accounts for github: this session allows at most 5 per toolkit (multi_account.max_accounts_per_toolkit)',
		);
		expectEnvelope(await create(3, { enable: true, max_accounts_per_toolkit: 2 }), 400);
		expect(sim().sessionsOf('ada')).toEqual([]);
		expect((await create(5, { enable: true })).status).toBe(201);
		expect((await create(1)).status).toBe(201);
		expect(sim().violations).toEqual([]);
	});

	it("an update's accounts are checked against the multi-account settings after it", async () => {
		const [first, second] = [1, 2].map(
			() => sim().connectAccount('ada', 'ac_gh', { toolkit: 'github' }).id,
		);
		const { json: created } = await call('POST', V31, { user_id: 'ada' });
		const path = `${V31}/${created.session_id}`;
		const both = { connected_accounts: { github: [first, second] } };

		expectEnvelope(await call('PATCH', path, both), 400);
		const turnedOn = await call('PATCH', path, { ...both, multi_account: { enable: true } });
		expect(turnedOn.json.config).toMatchObject({
			connected_accounts: { github: [first, second] },
			multi_account: { enable: true },
		});
		// Multi-account stays on for a later update that does not mention it; off, two are too many.
		expect((await call('PATCH', path, both)).status).toBe(200);
		expectEnvelope(await call('PATCH', path, { multi_account: { enable: false } }), 400);
		expect(sim().violations).toEqual([]);
	});

	it('refuses a v3.1 update that pins one id instead of a list', async () => {
		const { json: session } = await call('POST', V31, { user_id: 'ada' });

		const answer = await call('PATCH', `${V31}/${session.session_id}`, {
			connected_accounts: { github: 'ca_1' },
		});

		expect(expectEnvelope(answer, 400)).toContain('connected_accounts');
		expect(sim().violations).toHaveLength(1);
	});

	it("refuses an account of another toolkit or user, or a disabled one, as Composio's 400", async () => {
		const bob = sim().connectAccount('bob', 'ac_gh', { toolkit: 'github' });
		const slack = sim().connectAccount('ada', 'ac_sl', { toolkit: 'slack' });
		const create = (github: string) =>
			call('POST', V31, { user_id: 'ada', connected_accounts: { github: [github] } });

		expect(expectEnvelope(await create(bob.id), 400)).toBe(
			`Connected account ${bob.id} belongs to another user than the session's (ada)`,
		);
		expect(expectEnvelope(await create(slack.id), 400)).toBe(
			`Connected account ${slack.id} is not a github account of this project`,
		);
		expect(sim().violations).toEqual([]);
	});
});

describe('update (PATCH, v3.1)', () => {
	it('changes only what it is given and counts config_version up', async () => {
		const github = sim().connectAccount('ada', 'ac_gh', { toolkit: 'github' });
		const { json: created } = await call('POST', V31, {
			user_id: 'ada',
			toolkits: { enable: ['github'] },
			manage_connections: { enable: false, callback_url: 'https://app.example.com/a' },
		});
		const path = `${V31}/${created.session_id}`;

		const first = await call('PATCH', path, { connected_accounts: { github: [github.id] } });
		expect(first.status).toBe(200);
		expect(first.json).toEqual({
			...created,
			config: { ...created.config, connected_accounts: { github: [github.id] } },
			config_version: 2,
			warnings: [],
		});

		const second = await call('PATCH', path, {
			toolkits: { disable: [] },
			manage_connections: { callback_url: 'https://app.example.com/b' },
			tags: ['readOnlyHint'],
		});
		expect(second.json.config_version).toBe(3);
		expect(second.json.config).toMatchObject({
			toolkits: { disabled: [] },
			manage_connections: { enabled: false, callback_url: 'https://app.example.com/b' },
			tags: { enabled: ['readOnlyHint'] },
			connected_accounts: { github: [github.id] },
		});

		const cleared = await call('PATCH', path, { connected_accounts: null, tags: [] });
		expect(cleared.json.config.connected_accounts).toEqual({});
		expect(cleared.json.config.tags).toBeUndefined();
		expect(sim().violations).toEqual([]);
	});

	it('404s an unknown session', async () => {
		const answer = await call('PATCH', `${V31}/trs_nope`, { tags: [] });

		expect(expectEnvelope(answer, 404)).toBe('Tool router session not found: trs_nope');
		expect(sim().violations).toEqual([]);
	});
});

describe('delete (v3.1)', () => {
	it('answers { session_id, deleted: true }; then the session is gone, and a second delete 404s', async () => {
		const { json: created } = await call('POST', V31, { user_id: 'ada' });
		const path = `${V31}/${created.session_id}`;

		const deleted = await call('DELETE', path);
		expect(deleted.status).toBe(200);
		expect(deleted.json).toEqual({ session_id: created.session_id, deleted: true });
		expect(sim().sessionsOf('ada')).toEqual([]);
		expectEnvelope(await call('GET', path), 404);
		expectEnvelope(await call('DELETE', path), 404);
		expect(sim().violations).toEqual([]);
	});

	it('is not served under v3: 404, and the off-spec request is recorded', async () => {
		const { json: created } = await call('POST', V3, { user_id: 'ada' });

		const answer = await call('DELETE', `${V3}/${created.session_id}`);

		expectEnvelope(answer, 404);
		expect(sim().sessionsOf('ada')).toHaveLength(1);
		expect(sim().violations).toEqual([expect.stringContaining('no operation of the spec matches')]);
	});
});
