/**
 * Scoped project API keys in n8n's real engine against the simulator, which refuses what a key's
 * scope does not grant: the item fails with a message naming the missing permission area (the
 * run stops, or the item goes to the error output), a 403 Composio gives for another reason keeps
 * Composio's own message, and the Composio Trigger works with a key scoped to triggers and
 * webhooks only.
 */
import type { IDataObject } from 'n8n-workflow';

import { forgetDeliveries } from '../../nodes/ComposioTrigger/deliveries';
import { forgetSecrets } from '../../nodes/ComposioTrigger/secret';
import { createInstanceParameters } from '../engine/runWorkflow';
import { dump } from '../engine/engine';
import { TriggerHarness } from '../engine/trigger';
import { keyLeaks } from '../support/leaks';
import { errorJson, expectEachItemOnce, useSimulator } from '../support/simulator';

const TRIGGERS = 'ak_int_scoped_triggers_webhooks';
const ACCOUNTS = 'ak_int_scoped_connected_accounts';
const LEGACY = 'ak_int_scoped_mcp_servers';
const SESSIONS_READ = 'ak_int_scoped_sessions_read';

const context = useSimulator({
	scopedKeys: {
		[TRIGGERS]: { triggers: 'readwrite', webhooks: 'readwrite' },
		[ACCOUNTS]: { connected_accounts: 'readwrite' },
		[LEGACY]: { mcp_servers: 'readwrite' },
		[SESSIONS_READ]: { sessions: 'read' },
	},
});
const sim = () => context.sim;

const NO_ACCOUNTS =
	'The user does not have connected accounts for all required auth configurations.';
const SESSION_CREATE_NEEDS =
	'(if this API key is scoped, it needs "Sessions: write" for POST /tool_router/session)';

const createSession = (items: IDataObject[], apiKey: string, onError?: 'continueErrorOutput') =>
	context.run(
		items,
		{ resource: 'session', operation: 'create', userId: '={{ $json.userId }}' },
		{ apiKey, onError },
	);

describe('a node request the key’s scope does not grant', () => {
	it('stops the run with a message naming the missing area, and what to do', async () => {
		const result = await createSession([{ userId: 'ada' }], SESSIONS_READ);

		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({ httpCode: '403', context: { itemIndex: 0 } });
		expect(result.error?.message).toMatch(
			/\(if this API key is scoped, it needs "Sessions: write"/,
		);
		expect(result.error?.message).toContain(SESSION_CREATE_NEEDS);
		expect(result.error?.description).toContain('with Write access to "Sessions"');
		expect(sim().sessionsOf('ada')).toEqual([]);
	});

	it('continueErrorOutput: each item on the error output with the area named, nothing retried', async () => {
		const items = [{ userId: 'ada' }, { userId: 'bob' }];

		const result = await createSession(items, ACCOUNTS, 'continueErrorOutput');

		expect(result.status).toBe('success');
		expect(result.success).toEqual([]);
		for (const failed of result.errorOutput.map(errorJson)) {
			expect(failed).toMatchObject({ httpCode: '403', requestId: expect.any(String) });
			expect(failed.error).toContain(SESSION_CREATE_NEEDS);
		}
		expectEachItemOnce(result, items.length);
		// A 403 does not heal: one request per item.
		expect(sim().requests).toHaveLength(items.length);
	});

	it('names both areas that grant a legacy MCP server route', async () => {
		const server = sim().addServer();

		const result = await context.run(
			[{}],
			{
				resource: 'instance',
				operation: 'getAll',
				serverId: { __rl: true, mode: 'id', value: server.id },
				returnAll: true,
			},
			{ apiKey: TRIGGERS, onError: 'continueErrorOutput' },
		);

		expect(errorJson(result.errorOutput[0]).error).toContain(
			'(if this API key is scoped, it needs "MCP servers (legacy): read" or "Sessions: read" for GET /mcp/servers/{server_id}/instances)',
		);
	});

	it("keeps Composio's message for the instance create's 403 about connected accounts", async () => {
		const server = sim().addServer({ auth_config_ids: ['ac_github_1'] });
		const parameters = createInstanceParameters(server.id);

		const granted = await context.run([{ userId: 'nobody' }], parameters, {
			apiKey: LEGACY,
			onError: 'continueErrorOutput',
		});
		const refused = await context.run([{ userId: 'nobody' }], parameters, {
			apiKey: TRIGGERS,
			onError: 'continueErrorOutput',
		});

		expect(errorJson(granted.errorOutput[0])).toMatchObject({
			error: NO_ACCOUNTS,
			httpCode: '403',
		});
		expect(errorJson(refused.errorOutput[0]).error).toMatch(
			/it needs "MCP servers \(legacy\): write" or "Sessions: write" for POST \/mcp\/servers\/\{server_id\}\/instances\)$/,
		);
	});
});

describe('the Composio Trigger with a key scoped to triggers and webhooks', () => {
	const errors: unknown[] = [];

	beforeEach(() => {
		forgetDeliveries();
		forgetSecrets();
		errors.length = 0;
	});

	afterEach(() => {
		const text = dump(errors, true);
		for (const key of [TRIGGERS, SESSIONS_READ]) expect(keyLeaks(text, key)).toEqual([]);
	});

	const harness = (apiKey: string, parameters: IDataObject = {}) =>
		new TriggerHarness(
			{ events: ['composio.trigger.message'], ...parameters },
			{ apiKey, baseUrl: sim().url },
		);

	it('activates (subscription and trigger instance) and deactivates', async () => {
		const account = sim().connectAccount('user-1', 'ac_github', { toolkit: 'github' });
		const trigger = harness(TRIGGERS, {
			manageTriggerInstance: true,
			triggerSlug: 'GITHUB_COMMIT_EVENT',
			connectedAccountId: account.id,
			triggerConfig: '{}',
		});

		await trigger.activate();

		expect(sim().subscription).toMatchObject({ webhook_url: trigger.url() });
		expect(sim().triggerInstances()).toEqual([
			expect.objectContaining({ connected_account_id: account.id, disabled_at: null }),
		]);
		await trigger.deactivate();
		expect(sim().subscription).toBeUndefined();
		expect(sim().triggerInstances()[0].disabled_at).not.toBeNull();
	});

	it('fails activation with a key without Webhooks, naming it', async () => {
		const error = await harness(SESSIONS_READ)
			.activate()
			.then(
				() => undefined,
				(thrown: unknown) => thrown,
			);
		errors.push(error);

		expect(error).toMatchObject({ httpCode: '403' });
		expect((error as Error).message).toContain(
			'(if this API key is scoped, it needs "Webhooks: read" for GET /webhook_subscriptions)',
		);
		expect(sim().subscription).toBeUndefined();
	});
});
