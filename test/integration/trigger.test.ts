/**
 * The Composio Trigger under n8n-core's HookContext and WebhookContext (test/engine/trigger.ts)
 * against the simulator: the managed subscription (create, refuse, replace and restore, give
 * back), signed deliveries of each event type, forgeries, repeats, filters, Manual mode and the
 * Trigger Instance option.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { forgetActivations, forgetDeliveries, idsIn } from '../../nodes/ComposioTrigger/deliveries';
import { forgetSecrets, SECRET_FRESH_MS } from '../../nodes/ComposioTrigger/secret';
import { dump } from '../engine/engine';
import type { Answered } from '../engine/trigger';
import { deduplicator, TriggerHarness } from '../engine/trigger';
import { signedDelivery } from '../simulator';
import type { WebhookEvent } from '../simulator';
import { keyLeaks } from '../support/leaks';
import { useSimulator } from '../support/simulator';

const context = useSimulator();
const sim = () => context.sim;

const ALL_EVENTS = [
	'composio.trigger.message',
	'composio.connected_account.expired',
	'composio.trigger.disabled',
];

const OTHER_RECEIVER = 'https://receiver.example.com/composio';

let harnesses: TriggerHarness[] = [];
let answers: Answered[] = [];
let errors: unknown[] = [];

beforeEach(() => {
	forgetDeliveries();
	forgetSecrets();
	deduplicator.lists.clear();
	harnesses = [];
	answers = [];
	errors = [];
});

afterEach(() => {
	// Neither the API key nor a signing secret ever reaches an output, an answer or an error.
	const text = dump({ answers, errors }, true);
	expect(keyLeaks(text, sim().apiKey)).toEqual([]);
	const secret = sim().subscription?.secret;
	if (secret) expect(text).not.toContain(secret);
});

/** The error an activation or deactivation failed with (kept for the leak check). */
async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
	const error = await promise.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(Error);
	errors.push(error);
	return error as Record<string, unknown>;
}

function harness(parameters: INodeParameters = {}, credentials: IDataObject = {}): TriggerHarness {
	const made = new TriggerHarness(
		{ events: ALL_EVENTS, ...parameters },
		{ apiKey: sim().apiKey, baseUrl: sim().url, ...credentials },
	);
	harnesses.push(made);
	return made;
}

async function receive(
	trigger: TriggerHarness,
	event: WebhookEvent,
	options: Parameters<typeof signedDelivery>[2] & { secret?: string } = {},
): Promise<Answered> {
	const secret = options.secret ?? sim().subscription!.secret;
	const answered = await trigger.receive(signedDelivery(event, secret, options));
	answers.push(answered);
	return answered;
}

/** What the workflow got: the trigger's output in the run the delivery started. */
function started(answered: Answered): IDataObject[] {
	return (answered.run ?? []).map((item) => item.json);
}

const RECEIVED = { webhookResponse: { received: true } };

function githubAccount(userId = 'user-1') {
	return sim().connectAccount(userId, 'ac_github', { toolkit: 'github' });
}

function subscriptionRequests() {
	return sim().requests.filter((request) => request.path.includes('/webhook_subscriptions'));
}

describe('Managed mode: activation', () => {
	it("creates the project's subscription for the production URL with the chosen events", async () => {
		const trigger = harness({ events: ['composio.connected_account.expired'] });
		await trigger.activate();

		expect(sim().subscription).toMatchObject({
			webhook_url: trigger.url(),
			enabled_events: ['composio.connected_account.expired'],
			version: 'V3',
		});
		expect(trigger.url()).toMatch(/\/webhook\/[\w-]+\/webhook$/);
		expect(trigger.nodeStaticData().subscription).toMatchObject({
			id: sim().subscription!.id,
			url: trigger.url(),
			secret: sim().subscription!.secret,
			createdHere: true,
		});
	});

	it('finds its own subscription again after a restart: no second create, events brought up to date', async () => {
		const trigger = harness({ events: ['composio.trigger.message'] });
		await trigger.activate();
		const { id, secret } = sim().subscription!;

		const restarted = new TriggerHarness(
			{ ...trigger.node.parameters, events: ALL_EVENTS },
			{ apiKey: sim().apiKey, baseUrl: sim().url },
			'trigger-wf',
			{ staticData: trigger.staticData },
		);
		await restarted.activate();

		expect(subscriptionRequests().filter((r) => r.method === 'POST')).toHaveLength(1);
		expect(sim().subscription).toMatchObject({ id, secret, enabled_events: ALL_EVENTS });
		expect(restarted.nodeStaticData().subscription).toMatchObject({
			id,
			secret,
			createdHere: true,
		});
	});

	it('refuses a subscription that points at another URL, naming it, and changes nothing', async () => {
		const before = { ...sim().setSubscription({ webhook_url: OTHER_RECEIVER }) };
		const trigger = harness();

		expect(await failure(trigger.activate())).toMatchObject({
			message: `The Composio project's webhook already points at ${OTHER_RECEIVER}`,
			description: expect.stringContaining('Tick "Replace the Project\'s Webhook'),
		});
		expect(sim().subscription).toEqual(before);
		expect(subscriptionRequests().map((r) => r.method)).toEqual(['GET']);
		expect(trigger.nodeStaticData().subscription).toBeUndefined();
	});

	it.each([false, true])(
		'never takes a subscription over to listen for a test event (Replace ticked: %s)',
		async (replaceExisting) => {
			const production = harness();
			await production.activate();
			const before = { ...sim().subscription! };
			const saved = production.staticData;
			const testing = harness({ replaceExisting });

			expect(await failure(testing.activate(true))).toMatchObject({
				message: `The Composio project's webhook already points at ${production.url()}`,
				description: expect.stringContaining(
					'Listening for a test event never takes it over, even with Replace ticked',
				),
			});
			expect(sim().subscription).toEqual(before);
			expect(production.staticData).toEqual(saved);
		},
	);

	it('listens for a test event on a subscription of its own, removed when listening stops', async () => {
		const trigger = harness();
		await trigger.activate(true);
		expect(sim().subscription).toMatchObject({ webhook_url: trigger.url(true) });
		expect(trigger.url(true)).toMatch(/\/webhook-test\//);
		const event = sim().expireAccount(githubAccount().id);
		const answered = await trigger.receive(signedDelivery(event, sim().subscription!.secret), true);
		answers.push(answered);
		expect(started(answered)).toHaveLength(1);

		await trigger.deactivate(true);
		expect(sim().subscription).toBeUndefined();
		// The production workflow's static data was never touched.
		expect(trigger.nodeStaticData()).toEqual({});
	});

	it('with Replace, takes the subscription over and gives it back on deactivation, secret unchanged', async () => {
		const before = sim().setSubscription({
			webhook_url: OTHER_RECEIVER,
			enabled_events: ['composio.trigger.message'],
		});
		const trigger = harness({
			replaceExisting: true,
			events: ['composio.connected_account.expired'],
		});

		await trigger.activate();
		expect(sim().subscription).toMatchObject({
			id: before.id,
			webhook_url: trigger.url(),
			enabled_events: ['composio.connected_account.expired'],
			secret: before.secret,
		});
		expect(trigger.nodeStaticData().subscription).toMatchObject({
			createdHere: false,
			replaced: { url: OTHER_RECEIVER, events: ['composio.trigger.message'] },
		});

		await trigger.deactivate();
		expect(sim().subscription).toMatchObject({
			id: before.id,
			webhook_url: OTHER_RECEIVER,
			enabled_events: ['composio.trigger.message'],
			secret: before.secret,
		});
		expect(trigger.nodeStaticData().subscription).toBeUndefined();
	});

	it('refuses Replace when Composio does not show the secret: a new one would cut off the other receiver', async () => {
		sim().showSubscriptionSecret(false);
		const before = { ...sim().setSubscription({ webhook_url: OTHER_RECEIVER }) };
		const trigger = harness({ replaceExisting: true });

		expect(await failure(trigger.activate())).toMatchObject({
			message: `The Composio project's webhook already points at ${OTHER_RECEIVER}`,
			description: expect.stringContaining('Composio does not show its signing secret'),
		});
		expect(sim().subscription).toEqual(before);
		expect(subscriptionRequests().map((r) => r.method)).toEqual(['GET']);
	});

	it('keeps the secret of its own subscription when reads hide it, and takes a new one only if it lost it', async () => {
		sim().showSubscriptionSecret(false);
		const trigger = harness();
		await trigger.activate();
		const { secret } = sim().subscription!;
		await trigger.restart().activate();
		expect(sim().requests.some((r) => r.path.endsWith('/rotate_secret'))).toBe(false);

		// Static data lost (the workflow imported again): the subscription at its URL is still its own.
		const fresh = harness();
		await fresh.activate();
		expect(sim().subscription!.secret).not.toBe(secret);
		expect(fresh.nodeStaticData().subscription).toMatchObject({
			secret: sim().subscription!.secret,
		});
		const answered = await receive(fresh, sim().expireAccount(githubAccount().id));
		expect(started(answered)).toHaveLength(1);
	});

	it("takes the secret Composio shows over the one it kept (rotated in Composio's dashboard)", async () => {
		const trigger = harness();
		await trigger.activate();
		const rotated = await fetch(
			`${sim().url}/api/v3/webhook_subscriptions/${sim().subscription!.id}/rotate_secret`,
			{
				method: 'POST',
				headers: { 'x-api-key': sim().apiKey },
			},
		);
		expect(rotated.status).toBe(200);
		const restarted = trigger.restart();
		await restarted.activate();
		expect(restarted.nodeStaticData().subscription).toMatchObject({
			secret: sim().subscription!.secret,
		});
	});

	it("moves its own subscription to its new URL when n8n's address changed", async () => {
		const trigger = harness();
		await trigger.activate();
		const old = 'https://old-n8n.example.com/webhook/x/webhook';
		// As if the earlier activation ran at the old address.
		sim().setSubscription({ ...sim().subscription!, webhook_url: old });
		const saved = trigger.staticData;
		(saved['node:Composio Trigger'] as { subscription: { url: string } }).subscription.url = old;
		const restarted = new TriggerHarness(
			trigger.node.parameters,
			{ apiKey: sim().apiKey, baseUrl: sim().url },
			'trigger-wf',
			{ staticData: saved },
		);
		await restarted.activate();
		expect(sim().subscription).toMatchObject({ webhook_url: trigger.url() });
		expect(restarted.nodeStaticData().subscription).toMatchObject({
			url: trigger.url(),
			createdHere: true,
		});
	});

	it('refuses an empty Events list before any request', async () => {
		const trigger = harness({ events: [] });
		expect(await failure(trigger.activate())).toMatchObject({
			message: 'Choose at least one event',
		});
		expect(sim().requests).toEqual([]);
	});

	it('refuses a filter that is not a list of IDs before any request', async () => {
		const trigger = harness({ filters: { userIds: '={{ [{ "id": "u1" }] }}' } });
		expect(await failure(trigger.activate())).toMatchObject({
			message: expect.stringContaining('Filter User IDs holds an object at position 1'),
		});
		expect(sim().requests).toEqual([]);
	});

	it('deletes on deactivation the subscription it created, and only while it still points here', async () => {
		const trigger = harness();
		await trigger.activate();
		await trigger.deactivate();
		expect(sim().subscription).toBeUndefined();

		await trigger.activate();
		// Someone else took the subscription over since: it is theirs now.
		const taken = sim().setSubscription({
			id: sim().subscription!.id,
			webhook_url: OTHER_RECEIVER,
		});
		await trigger.deactivate();
		expect(sim().subscription).toEqual(taken);
	});

	it('says what to change in n8n when Composio refuses the webhook URL', async () => {
		sim().inject({
			method: 'POST',
			path: '/api/v3/webhook_subscriptions',
			status: 400,
			body: {
				error: { message: 'webhook_url must be a valid https URL', code: 1400, status: 400 },
			},
		});
		const trigger = harness();
		await expect(trigger.activate()).rejects.toMatchObject({
			message: 'webhook_url must be a valid https URL',
			description: expect.stringContaining("set n8n's WEBHOOK_URL"),
		});
	});
});

describe('Deliveries', () => {
	it('starts one item per event type with the documented fields', async () => {
		const trigger = harness();
		await trigger.activate();
		const account = githubAccount('user-7');
		const instance = sim().addTriggerInstance('GITHUB_COMMIT_EVENT', account.id);

		const message = sim().triggerMessage(instance.id, { sha: 'abc123' });
		const [messageItem] = started(await receive(trigger, message, { attempt: 2 }));
		expect(messageItem).toEqual({
			event: 'composio.trigger.message',
			id: message.id,
			timestamp: message.timestamp,
			attempt: 2,
			triggerSlug: 'GITHUB_COMMIT_EVENT',
			triggerId: instance.id,
			userId: 'user-7',
			connectedAccountId: account.id,
			authConfigId: 'ac_github',
			logId: message.metadata.log_id,
			data: { sha: 'abc123' },
		});

		const disabled = sim().disableTrigger(instance.id, 'connected account deleted');
		const [disabledItem] = started(await receive(trigger, disabled));
		expect(disabledItem).toMatchObject({
			event: 'composio.trigger.disabled',
			id: disabled.id,
			attempt: 1,
			triggerSlug: 'GITHUB_COMMIT_EVENT',
			triggerId: instance.id,
			userId: 'user-7',
			connectedAccountId: account.id,
			authConfigId: null,
			logId: null,
			disabledReason: 'connected account deleted',
		});

		const expired = sim().expireAccount(account.id);
		const [expiredItem] = started(await receive(trigger, expired));
		expect(expiredItem).toMatchObject({
			event: 'composio.connected_account.expired',
			id: expired.id,
			triggerSlug: null,
			triggerId: null,
			userId: 'user-7',
			connectedAccountId: account.id,
			authConfigId: 'ac_github',
			toolkit: 'github',
			status: 'EXPIRED',
			statusReason: 'The refresh token was revoked',
		});
		expect(expiredItem.data).toMatchObject({ id: account.id, status: 'EXPIRED' });
		expect(expiredItem.payload).toBeUndefined();
	});

	it('adds the raw payload under the option', async () => {
		const trigger = harness({ options: { includeRawPayload: true } });
		await trigger.activate();
		const event = sim().expireAccount(githubAccount().id);
		const [item] = started(await receive(trigger, event));
		expect(item.payload).toEqual(JSON.parse(JSON.stringify(event)));
	});

	// Options made in the test: a timestamp taken at definition time would age while tests run.
	const now = () => Math.floor(Date.now() / 1000);
	it.each([
		[
			'a forged signature',
			() => ({ signature: 'v1,Zm9yZ2VkLXNpZ25hdHVyZQ==' }),
			'signature does not match',
		],
		[
			'another secret',
			() => ({ secret: 'whsec_not-the-projects-secret' }),
			'signature does not match',
		],
		['no signature', () => ({ signature: null }), 'missing'],
		['a timestamp 301 s old', () => ({ timestamp: now() - 301 }), 'more than 300 s'],
		['a timestamp 301 s ahead', () => ({ timestamp: now() + 301 }), 'more than 300 s'],
	])('answers 401 to %s and starts nothing', async (_what, options, reason) => {
		const trigger = harness();
		await trigger.activate();
		const event = sim().expireAccount(githubAccount().id);
		const answered = await receive(trigger, event, options());
		expect(answered.status).toBe(401);
		expect(answered.body).toEqual({ message: expect.stringContaining(reason) });
		expect(answered.result).toEqual({ noWebhookResponse: true });
	});

	it('answers 401 to a body changed after signing', async () => {
		const trigger = harness();
		await trigger.activate();
		const event = sim().expireAccount(githubAccount().id);
		const delivery = signedDelivery(event, sim().subscription!.secret);
		const answered = await trigger.receive({
			...delivery,
			rawBody: delivery.rawBody.replace('EXPIRED', 'ACTIVE'),
		});
		expect(answered.status).toBe(401);
		expect(answered.result.workflowData).toBeUndefined();
	});

	it('accepts a signature keyed with the decoded whsec_ secret, among several', async () => {
		const secret = `whsec_${Buffer.from('secret-bytes-for-test').toString('base64')}`;
		const trigger = harness({ subscription: 'manual' }, { webhookSecret: secret });
		const event = sim().expireAccount(githubAccount().id);
		const good = signedDelivery(event, 'secret-bytes-for-test').headers['webhook-signature'];
		const answered = await trigger.receive(
			signedDelivery(event, 'unused', { signature: `v1,d3Jvbmc= ${good}` }),
		);
		expect(started(answered)).toHaveLength(1);
	});

	it('answers every verified delivery {received: true}: n8n sends the webhook’s responseData for a run', async () => {
		expect(harness().trigger.description.webhooks?.[0]).toMatchObject({
			responseMode: 'onReceived',
			responseData: { received: true },
		});
	});

	it('starts nothing for a repeated webhook-id: in the process, and after a restart from what the run saved', async () => {
		const trigger = harness();
		await trigger.activate();
		const event = sim().expireAccount(githubAccount().id);

		expect(started(await receive(trigger, event))).toHaveLength(1);
		const again = await receive(trigger, event, { attempt: 2 });
		expect(again).toEqual({ result: RECEIVED });
		// The run saved the id in static data (webhook() wrote nothing there: n8n drops it).
		expect(idsIn(trigger.nodeStaticData())).toEqual([event.id]);

		// Static data alone (what n8n saved) is enough: the process forgot.
		forgetDeliveries();
		const afterRestart = await receive(trigger.restart(), event, { attempt: 3 });
		expect(afterRestart).toEqual({ result: RECEIVED });
		// And the process alone is enough: two deliveries read static data before either run saved.
		const fresh = sim().expireAccount(githubAccount('user-2').id);
		const racing = [trigger.restart(), trigger.restart()];
		const raced = await Promise.all(racing.map(async (copy) => await receive(copy, fresh)));
		expect(raced.filter((answered) => answered.run)).toHaveLength(1);
	});

	it('keeps every id when runs save out of order: each saves what the process knows then', async () => {
		const trigger = harness();
		await trigger.activate();
		const events = Array.from({ length: 8 }, (_, i) =>
			sim().expireAccount(githubAccount(`user-${i}`).id),
		);
		await Promise.all(events.map(async (event) => await receive(trigger.restart(), event)));
		forgetDeliveries();
		expect(idsIn(trigger.nodeStaticData()).sort()).toEqual(events.map((event) => event.id).sort());
	});

	it('stops at the trigger the run of a repeat that reached another process before the first run ended', async () => {
		const trigger = harness();
		await trigger.activate();
		const before = trigger.staticData;
		const event = sim().expireAccount(githubAccount().id);
		expect(started(await receive(trigger, event))).toHaveLength(1);

		// Another process, whose n8n loaded static data before the first run saved it.
		forgetDeliveries();
		const other = new TriggerHarness(
			trigger.node.parameters,
			{
				apiKey: sim().apiKey,
				baseUrl: sim().url,
			},
			'trigger-wf',
			{ staticData: before },
		);
		const repeat = await receive(other, event, { attempt: 2 });
		expect(repeat.result.workflowData).toBeDefined();
		// n8n's deduplication store had it: the run stops at the trigger with no items.
		expect(repeat.run).toEqual([]);
		expect(
			started(await receive(other, sim().expireAccount(githubAccount('user-9').id))),
		).toHaveLength(1);
	});

	it('on an n8n 2.x queue worker (no static data) writes none: the subscription and its secret stay', async () => {
		const trigger = harness();
		await trigger.activate();
		const saved = trigger.staticData;
		const event = sim().expireAccount(githubAccount().id);
		const onWorker = await trigger.receive(
			signedDelivery(event, sim().subscription!.secret),
			false,
			{},
		);
		expect(started(onWorker)).toHaveLength(1);
		expect(trigger.staticData).toEqual(saved);
		// The deduplication store still has it: a repeat on another process stops at the trigger.
		forgetDeliveries();
		const repeat = await receive(trigger.restart(), event, { attempt: 2 });
		expect(repeat.run).toEqual([]);
	});

	it('a run that began before a re-activation leaves the new subscription and its secret alone', async () => {
		const trigger = harness();
		await trigger.activate();
		// The copy of static data a run loaded before the workflow was activated again.
		const loadedBefore = trigger.staticData;
		await trigger.deactivate();
		await trigger.activate();
		const now = trigger.staticData;
		expect(now).not.toEqual(loadedBefore);
		const event = sim().expireAccount(githubAccount().id);
		const late = await trigger.receive(
			signedDelivery(event, sim().subscription!.secret),
			false,
			loadedBefore,
		);
		expect(started(late)).toHaveLength(1);
		expect(trigger.staticData).toEqual(now);
		// The new secret still verifies.
		expect(started(await receive(trigger, sim().expireAccount(githubAccount().id)))).toHaveLength(
			1,
		);
	});

	it('a process that did not activate the workflow writes no static data (a queue-mode worker)', async () => {
		const trigger = harness();
		await trigger.activate();
		const saved = trigger.staticData;
		forgetActivations();
		forgetDeliveries();
		expect(
			started(await receive(trigger.restart(), sim().expireAccount(githubAccount().id))),
		).toHaveLength(1);
		expect(trigger.staticData).toEqual(saved);
	});

	it('deactivation forgets that the workflow was active: runs after it record nothing', async () => {
		const trigger = harness({ subscription: 'manual' }, { webhookSecret: 'whsec_manual-secret-x' });
		await trigger.activate();
		expect(trigger.nodeStaticData()).toEqual({ activated: expect.any(String) });
		await trigger.deactivate();
		expect(trigger.nodeStaticData()).toEqual({});
	});

	it('records nothing for a test event: n8n keeps nothing of test runs', async () => {
		const trigger = harness();
		await trigger.activate(true);
		const event = sim().expireAccount(githubAccount().id);
		const answered = await trigger.receive(signedDelivery(event, sim().subscription!.secret), true);
		expect(started(answered)).toHaveLength(1);
		expect(deduplicator.lists.size).toBe(0);
		await trigger.deactivate(true);
	});

	it('answers events not chosen or filtered out with 200 and starts nothing', async () => {
		const account = githubAccount('user-1');
		const other = githubAccount('user-2');
		const instance = sim().addTriggerInstance('GITHUB_COMMIT_EVENT', account.id);
		const trigger = harness({
			events: ['composio.trigger.message', 'composio.connected_account.expired'],
			filters: { userIds: 'user-1, user-3', triggerSlugs: ['GITHUB_COMMIT_EVENT'] },
		});
		await trigger.activate();

		const ignored = RECEIVED;
		expect((await receive(trigger, sim().disableTrigger(instance.id, 'gone'))).result).toEqual(
			ignored,
		);
		expect((await receive(trigger, sim().expireAccount(other.id))).result).toEqual(ignored);
		// Trigger filters do not hold back an expired connection: it has no trigger.
		expect(started(await receive(trigger, sim().expireAccount(account.id)))).toHaveLength(1);
		const otherInstance = sim().addTriggerInstance('GITHUB_COMMIT_EVENT', other.id);
		expect((await receive(trigger, sim().triggerMessage(otherInstance.id, {}))).result).toEqual(
			ignored,
		);
	});
});

describe('Manual mode', () => {
	it('refuses to activate without the signing secret in the credential', async () => {
		const trigger = harness({ subscription: 'manual' });
		await expect(trigger.activate()).rejects.toThrow(
			'Manual mode needs the webhook signing secret',
		);
		expect(sim().requests).toEqual([]);
	});

	it('makes no subscription call and verifies with the credential’s secret', async () => {
		const secret = 'whsec_manual-secret-from-composio';
		const trigger = harness({ subscription: 'manual' }, { webhookSecret: secret });
		await trigger.activate();
		const event = sim().expireAccount(githubAccount().id);
		expect(started(await receive(trigger, event, { secret }))).toHaveLength(1);
		await trigger.deactivate();
		expect(sim().requests).toEqual([]);
	});
	it('reads the credential’s secret once a minute, and at once when a delivery does not verify', async () => {
		jest.useFakeTimers({
			now: Date.now(),
			doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
		});
		try {
			const secret = 'whsec_manual-secret-first';
			const creds = { apiKey: sim().apiKey, baseUrl: sim().url, webhookSecret: secret };
			const trigger = harness({ subscription: 'manual' }, creds);
			await trigger.activate();
			const reads = trigger.credentialReads();
			const account = githubAccount().id;
			for (let i = 0; i < 5; i++) {
				expect(
					started(await receive(trigger, sim().expireAccount(account), { secret })),
				).toHaveLength(1);
			}
			expect(trigger.credentialReads() - reads).toBe(1);

			// The user pastes a new secret: the first delivery signed with it reads the credential again.
			const rotated = 'whsec_manual-secret-second';
			trigger.setCredentials({ ...creds, webhookSecret: rotated });
			jest.advanceTimersByTime(1_000);
			const signedWithNew = await receive(trigger, sim().expireAccount(account), {
				secret: rotated,
			});
			expect(started(signedWithNew)).toHaveLength(1);
			expect(trigger.credentialReads() - reads).toBe(2);
			// The old secret no longer verifies, and forgeries read the credential at most once a second.
			const old = await receive(trigger, sim().expireAccount(account), { secret });
			expect(old.status).toBe(401);
			expect(trigger.credentialReads() - reads).toBe(2);
			jest.advanceTimersByTime(SECRET_FRESH_MS);
			expect(
				started(await receive(trigger, sim().expireAccount(account), { secret: rotated })),
			).toHaveLength(1);
			expect(trigger.credentialReads() - reads).toBe(3);
		} finally {
			jest.useRealTimers();
		}
	});
});

describe('A secret that cannot be read', () => {
	it('is answered 500 by the node itself: no failed execution starts', async () => {
		const trigger = harness({ subscription: 'manual' }, { webhookSecret: 'whsec_manual-secret' });
		// As when the credential was deleted, or cannot be decrypted.
		delete (trigger.node as { credentials?: unknown }).credentials;
		const event = sim().expireAccount(githubAccount().id);
		const answered = await receive(trigger, event, { secret: 'whsec_manual-secret' });
		expect(answered).toEqual({
			result: { noWebhookResponse: true },
			status: 500,
			body: { message: 'The Composio Trigger could not read its signing secret' },
		});
	});
});

describe('Trigger Instance option', () => {
	const withInstance = (accountId: string) => ({
		manageTriggerInstance: true,
		triggerSlug: 'GITHUB_COMMIT_EVENT',
		connectedAccountId: accountId,
		triggerConfig: '{"branch": "main"}',
	});

	it('turns the trigger on at activation, passes only its messages, turns it off at deactivation', async () => {
		const account = githubAccount();
		const trigger = harness(withInstance(account.id));
		await trigger.activate();

		const [instance] = sim().triggerInstances();
		expect(instance).toMatchObject({
			trigger_name: 'GITHUB_COMMIT_EVENT',
			connected_account_id: account.id,
			trigger_config: { branch: 'main' },
			disabled_at: null,
		});
		expect(trigger.nodeStaticData().triggerInstance).toMatchObject({
			id: instance.id,
			enabledHere: true,
		});
		const other = sim().addTriggerInstance('GITHUB_COMMIT_EVENT', githubAccount('user-2').id);
		expect(started(await receive(trigger, sim().triggerMessage(instance.id, {})))).toHaveLength(1);
		expect(started(await receive(trigger, sim().triggerMessage(other.id, {})))).toHaveLength(0);

		await trigger.deactivate();
		expect(
			sim()
				.triggerInstances()
				.find((i) => i.id === instance.id)!.disabled_at,
		).not.toBeNull();
		expect(sim().subscription).toBeUndefined();
	});

	it('uses a trigger that was already running as it is, and leaves it on at deactivation', async () => {
		const account = githubAccount();
		const running = sim().addTriggerInstance('GITHUB_COMMIT_EVENT', account.id);
		const trigger = harness({ ...withInstance(account.id), triggerConfig: '{}' });
		await trigger.activate();
		expect(trigger.nodeStaticData().triggerInstance).toMatchObject({
			id: running.id,
			enabledHere: false,
		});
		expect(sim().requests.some((r) => r.path.endsWith('/upsert'))).toBe(false);
		await trigger.deactivate();
		expect(sim().triggerInstances()[0].disabled_at).toBeNull();
	});

	it('refuses to reconfigure a trigger that was already running, and gives the subscription back', async () => {
		const account = githubAccount();
		const running = sim().addTriggerInstance('GITHUB_COMMIT_EVENT', account.id);
		const trigger = harness(withInstance(account.id));
		expect(await failure(trigger.activate())).toMatchObject({
			message: `Trigger GITHUB_COMMIT_EVENT already runs for ${account.id} with another Trigger Config`,
			description: expect.stringContaining(running.id),
		});
		expect(sim().triggerInstances()).toEqual([running]);
		expect(sim().subscription).toBeUndefined();
	});

	it('gives the subscription back at deactivation even when turning the trigger off fails', async () => {
		const account = githubAccount();
		const trigger = harness(withInstance(account.id));
		await trigger.activate();
		sim().inject({ method: 'PATCH', path: /trigger_instances\/manage/, status: 400, times: 1 });
		expect(await failure(trigger.deactivate())).toMatchObject({ httpCode: '400' });
		expect(sim().subscription).toBeUndefined();
		// What failed stays noted, and the next deactivation turns it off.
		expect(trigger.nodeStaticData().subscription).toBeUndefined();
		expect(trigger.nodeStaticData().triggerInstance).toBeDefined();
		await trigger.deactivate();
		expect(sim().triggerInstances()[0].disabled_at).not.toBeNull();
	});

	it('refuses bad input before any request, and gives the subscription back when the upsert fails', async () => {
		const trigger = harness({ ...withInstance(' '), connectedAccountId: ' ' });
		await expect(trigger.activate()).rejects.toThrow('Connected Account ID is empty');
		const badConfig = harness({ ...withInstance('ca_x'), triggerConfig: '[1]' });
		await expect(badConfig.activate()).rejects.toThrow('Trigger Config must be a JSON object');
		expect(sim().requests).toEqual([]);

		const unknownAccount = harness(withInstance('ca_missing'));
		await expect(unknownAccount.activate()).rejects.toThrow(
			'Connected account ca_missing not found',
		);
		expect(sim().subscription).toBeUndefined();
	});

	it.each([
		['triggerSlug', null, 'Pick the trigger to create (Trigger Name or ID)'],
		['connectedAccountId', null, 'Connected Account ID is empty'],
		['triggerSlug', '={{ null }}', 'Pick the trigger to create (Trigger Name or ID)'],
		['connectedAccountId', '={{ null }}', 'Connected Account ID is empty'],
		['connectedAccountId', '={{ ["ca_1"] }}', 'Connected Account ID must be text, got a list'],
	])(
		'reads %s given as %j as the action node does, before any request',
		async (name, value, message) => {
			const trigger = harness({ ...withInstance('ca_x'), [name]: value });
			expect(await failure(trigger.activate())).toMatchObject({
				message: expect.stringContaining(message),
			});
			// Not a trigger named "null" for the account "null".
			expect(sim().requests).toEqual([]);
		},
	);
});
