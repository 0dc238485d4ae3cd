/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling: it waits on a real n8n on loopback; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * The Composio Trigger in a real n8n, 2.x and 1.x (`n8n start`, the packed package installed as a community
 * package), activated and deactivated through n8n's REST API as the editor does it, with the
 * simulator as Composio: its subscription, its signed deliveries. Each workflow reports the items
 * it got to a capture server on loopback, and n8n's own execution list says how many ran.
 */
import { randomBytes } from 'node:crypto';

import reconnectExpired from '../../../examples/reconnect-expired.json';
import triggerOnceDownstream from '../../../examples/trigger-once-downstream.json';
import { keyLeaks } from '../../support/leaks';
import { startSimulator, type Simulator, type WebhookEvent } from '../../simulator';
import { loginAsOwner, N8n, type RunningN8n } from '../n8n';
import { type Capture, startCapture } from './capture';
import {
	ALL_EVENTS,
	CREDENTIAL,
	inParallel,
	productionUrlOf,
	reporter,
	triggerWorkflow,
	type WorkflowFile,
} from './workflows';

/** An example as users import it, with a Report node (to `/<name>`) after its last node. */
function reportingExample(
	file: unknown,
	lastNode: string,
	name: string,
	captureUrl: string,
	id: string,
): WorkflowFile {
	const example = structuredClone(file) as WorkflowFile;
	example.nodes.push({ ...reporter(name, captureUrl, id), position: [960, 0] });
	example.connections[lastNode] = { main: [[{ node: 'Report', type: 'main', index: 0 }]] };
	return example;
}

const apiKey = `e2e_key_${randomBytes(16).toString('hex')}`;
let sim: Simulator;
let capture: Capture;
let n8n: N8n;
let running: RunningN8n;
let cookie: string;

async function rest(method: string, path: string, body?: unknown) {
	const response = await fetch(`${running.url}/rest${path}`, {
		method,
		headers: { cookie, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read whatever JSON came back
	return { status: response.status, json: JSON.parse(text || '{}') as Record<string, any> };
}

/** As the editor's Publish/Activate (n8n 2.x activates a version; 1.123 has the same route). */
async function activate(workflowId: string) {
	const workflow = await rest('GET', `/workflows/${workflowId}`);
	return await rest('POST', `/workflows/${workflowId}/activate`, {
		versionId: workflow.json.data.versionId,
	});
}

async function deactivate(workflowId: string) {
	return await rest('POST', `/workflows/${workflowId}/deactivate`, {});
}

/**
 * What n8n's execution list says of a workflow's executions: how many ended, how many are still
 * going. (The list answers a page of them and the count of the ended ones.)
 */
async function executions(workflowId: string): Promise<{ ended: number; going: number }> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const answer = await rest('GET', `/executions?filter=${filter}&limit=100`);
	expect(answer.status).toBe(200);
	const { count, estimated, results } = answer.json.data as {
		count: number;
		estimated: boolean;
		results: Array<{ status: string }>;
	};
	expect(estimated).toBe(false);
	const going = results.filter((result) => ['new', 'running'].includes(result.status)).length;
	return { ended: count, going };
}

/** How many executions n8n has of a workflow, from its own execution list. */
async function executionCount(workflowId: string): Promise<number> {
	const { ended, going } = await executions(workflowId);
	return ended + going;
}

/** Resolves once n8n's execution list has `count` executions of the workflow, all ended. */
async function allEnded(workflowId: string, count: number): Promise<void> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const now = await executions(workflowId);
		if (now.going === 0 && now.ended >= count) return;
		if (Date.now() > deadline) {
			throw new Error(
				`${workflowId}: ${JSON.stringify(now)} executions, waiting for ${count} ended`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

function productionUrl(workflowId: string): string {
	return productionUrlOf(running.url, workflowId);
}

/** Sends as Composio does and expects the one delivery to be answered 200 {"received": true}. */
async function send(event: WebhookEvent) {
	const deliveries = await sim.send(event);
	// The body says why when n8n refused (the node's 401 names the reason).
	expect(deliveries.map((delivery) => [delivery.status, delivery.body])).toEqual([
		[200, '{"received":true}'],
	]);
}

beforeAll(async () => {
	sim = await startSimulator({ apiKey });
	capture = await startCapture();
	n8n = await N8n.create();
	expect(
		await n8n.import('credentials', [
			{ ...CREDENTIAL, type: 'composioMcpApi', data: { apiKey, baseUrl: sim.url } },
		]),
	).toMatchObject({ code: 0 });
	const workflows = [
		triggerWorkflow('TrigA', { events: ALL_EVENTS }, capture.url),
		triggerWorkflow('TrigB', { events: ALL_EVENTS }, capture.url),
		triggerWorkflow('TrigC', { events: ALL_EVENTS, replaceExisting: true }, capture.url),
		reportingExample(
			reconnectExpired,
			'Message to the user',
			'reconnect',
			capture.url,
			'b0b0b0b0-0000-4000-8000-000000000001',
		),
		reportingExample(
			triggerOnceDownstream,
			'Handle the event',
			'once',
			capture.url,
			'b0b0b0b0-0000-4000-8000-000000000002',
		),
	];
	expect(await n8n.import('workflow', workflows)).toMatchObject({ code: 0 });
	running = await n8n.start();
	cookie = await loginAsOwner(running.url);
}, 240_000);

afterAll(async () => {
	await running?.stop();
	await capture?.close();
	await sim?.close();
	n8n?.dispose();
});

afterEach(() => {
	expect(sim.violations).toEqual([]);
	const secret = sim.subscription?.secret;
	for (const printed of n8n.transcript) {
		expect(keyLeaks(printed, apiKey)).toEqual([]);
		if (secret) expect(printed).not.toContain(secret);
	}
});

describe('Composio Trigger in real n8n', () => {
	const github = () => sim.connectAccount('user-e2e', 'ac_github_e2e', { toolkit: 'github' });

	it("on activation points the project's subscription at the workflow's production URL", async () => {
		expect(await activate('TrigA')).toMatchObject({ status: 200 });
		expect(sim.subscription).toMatchObject({
			webhook_url: productionUrl('TrigA'),
			enabled_events: ALL_EVENTS,
		});
	});

	it('starts one execution per signed event of each type, with the documented output', async () => {
		const account = github();
		const instance = sim.addTriggerInstance('GITHUB_COMMIT_EVENT', account.id);
		const before = await executionCount('TrigA');

		const message = sim.triggerMessage(instance.id, { sha: 'e2e-sha' });
		await send(message);
		const disabled = sim.disableTrigger(instance.id, 'connected account deleted');
		await send(disabled);
		const expired = sim.expireAccount(account.id);
		await send(expired);

		const items = await capture.waitFor('TrigA', 3);
		const byEvent = Object.fromEntries(items.map((item) => [item.event, item]));
		expect(byEvent['composio.trigger.message']).toEqual({
			event: 'composio.trigger.message',
			id: message.id,
			timestamp: message.timestamp,
			attempt: 1,
			triggerSlug: 'GITHUB_COMMIT_EVENT',
			triggerId: instance.id,
			userId: 'user-e2e',
			connectedAccountId: account.id,
			authConfigId: 'ac_github_e2e',
			logId: message.metadata.log_id,
			data: { sha: 'e2e-sha' },
		});
		expect(byEvent['composio.trigger.disabled']).toMatchObject({
			id: disabled.id,
			triggerId: instance.id,
			disabledReason: 'connected account deleted',
		});
		expect(byEvent['composio.connected_account.expired']).toMatchObject({
			id: expired.id,
			userId: 'user-e2e',
			connectedAccountId: account.id,
			toolkit: 'github',
			status: 'EXPIRED',
			statusReason: 'The refresh token was revoked',
		});
		// Counted once all have ended: a count taken while one was ending once came out one too high
		// (4 for 3), likely n8n's list holding it as running and in the count of ended ones.
		await allEnded('TrigA', before + 3);
		expect(await executionCount('TrigA')).toBe(before + 3);
	});

	it('answers a forged signature 401 and a repeated delivery 200, and starts neither', async () => {
		const before = await executionCount('TrigA');
		const reported = capture.received('TrigA').length;
		const forged = sim.expireAccount(github().id);
		const refused = await sim.deliver(forged, { secret: 'whsec_forged-by-someone-else' });
		expect(refused.status).toBe(401);

		const event = sim.expireAccount(github().id);
		await send(event);
		await capture.waitFor('TrigA', reported + 1);
		const repeated = await sim.deliver(event, { attempt: 2 });
		expect(repeated.status).toBe(200);
		expect(JSON.parse(repeated.body)).toEqual({ received: true });

		// A marker after both: once it is reported, anything they had started would be too.
		const marker = sim.expireAccount(github().id);
		await send(marker);
		const items = await capture.waitFor('TrigA', reported + 2);
		expect(items.slice(reported).map((item) => item.id)).toEqual([event.id, marker.id]);
		expect(await executionCount('TrigA')).toBe(before + 2);
	});

	it('refuses a second workflow in managed mode without Replace; the first keeps receiving', async () => {
		const before = { ...sim.subscription! };
		const refused = await activate('TrigB');
		expect(refused.status).toBeGreaterThanOrEqual(400);
		expect(JSON.stringify(refused.json)).toContain(
			`The Composio project's webhook already points at ${productionUrl('TrigA')}`,
		);
		expect(sim.subscription).toEqual(before);

		const reported = capture.received('TrigA').length;
		const event = sim.expireAccount(github().id);
		await send(event);
		expect((await capture.waitFor('TrigA', reported + 1)).at(-1)).toMatchObject({ id: event.id });
		expect(capture.received('TrigB')).toEqual([]);
	});

	it('with Replace takes the subscription over, and gives it back to the first on deactivation', async () => {
		const before = { ...sim.subscription! };
		expect(await activate('TrigC')).toMatchObject({ status: 200 });
		expect(sim.subscription).toMatchObject({ id: before.id, webhook_url: productionUrl('TrigC') });
		const taken = sim.expireAccount(github().id);
		await send(taken);
		expect((await capture.waitFor('TrigC', 1))[0]).toMatchObject({ id: taken.id });

		expect(await deactivate('TrigC')).toMatchObject({ status: 200 });
		expect(sim.subscription).toEqual({ ...before, updated_at: expect.any(String) });
		const reported = capture.received('TrigA').length;
		const back = sim.expireAccount(github().id);
		await send(back);
		expect((await capture.waitFor('TrigA', reported + 1)).at(-1)).toMatchObject({ id: back.id });
		expect(capture.received('TrigC')).toHaveLength(1);
	});

	it('a delivery re-sent after a restart starts nothing', async () => {
		const before = await executionCount('TrigA');
		const reported = capture.received('TrigA').length;
		const events = Array.from({ length: 40 }, () => sim.expireAccount(github().id));
		await inParallel(events, 10, send);
		await capture.waitFor('TrigA', reported + events.length);
		// Every run ended: n8n saved what each wrote to the workflow's static data.
		await allEnded('TrigA', before + events.length);

		await running.stop();
		running = await n8n.start();
		cookie = await loginAsOwner(running.url);
		// n8n activated the workflow again on start, at its new address (another port).
		expect(sim.subscription).toMatchObject({ webhook_url: productionUrl('TrigA') });

		// Composio's retries, to the subscription's URL, signed with its secret.
		const repeats = await inParallel(events, 10, (event) => sim.deliver(event, { attempt: 2 }));
		expect(repeats.map((repeat) => [repeat.status, repeat.body])).toEqual(
			events.map(() => [200, '{"received":true}']),
		);

		// A marker after the repeats: once it is reported, anything they had started would be too.
		const marker = sim.expireAccount(github().id);
		await send(marker);
		const items = await capture.waitFor('TrigA', reported + events.length + 1);
		expect(items.slice(reported + events.length).map((item) => item.id)).toEqual([marker.id]);
		await allEnded('TrigA', before + events.length + 1);
		expect(await executionCount('TrigA')).toBe(before + events.length + 1);
	}, 300_000);

	it('removes the subscription it created when the workflow is deactivated', async () => {
		expect(await deactivate('TrigA')).toMatchObject({ status: 200 });
		expect(sim.subscription).toBeUndefined();
	});

	it('runs examples/reconnect-expired.json: an expired connection is refreshed, the user gets its new link and connects again', async () => {
		expect(await activate(reconnectExpired.id)).toMatchObject({ status: 200 });
		expect(sim.subscription).toMatchObject({
			webhook_url: `${running.url}/webhook/${reconnectExpired.nodes[0].webhookId}/webhook`,
			enabled_events: ['composio.connected_account.expired'],
		});
		const account = sim.connectAccount('ada@example.com', 'ac_gmail_e2e', { toolkit: 'gmail' });
		const before = sim.requests.length;

		// Composio's side: the account expires, and the signed event goes to the subscription.
		const { event, deliveries } = await sim.expireAndNotify(account.id);
		expect(deliveries.map((delivery) => [delivery.status, delivery.body])).toEqual([
			[200, '{"received":true}'],
		]);
		expect(event.type).toBe('composio.connected_account.expired');

		// The trigger started the workflow; Refresh made the same account a new link, and the
		// message carries it.
		const [message] = await capture.waitFor('reconnect', 1);
		const link = sim.linkOf(account.id)!;
		expect(link.redirect_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/link\/lt_\w+$/);
		expect(message).toEqual({
			to: 'ada@example.com',
			subject: 'Your gmail connection expired',
			text: `Your gmail connection stopped working (The refresh token was revoked). Connect it again here: ${link.redirect_url}`,
		});
		expect(
			sim.requests.slice(before).map((request) => [request.method, request.path, request.body]),
		).toEqual([
			[
				'POST',
				`/api/v3/connected_accounts/${account.id}/refresh`,
				{ redirect_url: 'https://example.com/connected' },
			],
		]);
		expect(sim.account(account.id)?.status).toBe('INITIATED');
		// No new session or account: the expired one is the one the user connects again.
		expect(sim.sessionsOf('ada@example.com')).toEqual([]);

		// The user's browser opens the new link; the hosted page sends it on to the callback.
		const page = await fetch(link.redirect_url, { redirect: 'manual' });
		expect(page.status).toBe(302);
		await page.text();
		expect(page.headers.get('location')).toBe(
			`https://example.com/connected?status=success&connected_account_id=${account.id}`,
		);
		expect(sim.account(account.id)).toMatchObject({ status: 'ACTIVE', status_reason: null });

		expect(await deactivate(reconnectExpired.id)).toMatchObject({ status: 200 });
		expect(sim.subscription).toBeUndefined();
	});
	it('runs examples/trigger-once-downstream.json: each event reaches the last node once', async () => {
		expect(await activate(triggerOnceDownstream.id)).toMatchObject({ status: 200 });
		const account = sim.connectAccount('user-once', 'ac_github_once', { toolkit: 'github' });
		const instance = sim.addTriggerInstance('GITHUB_COMMIT_EVENT', account.id);
		const first = sim.triggerMessage(instance.id, { sha: 'once-1' });
		const second = sim.triggerMessage(instance.id, { sha: 'once-2' });
		await send(first);
		await send(second);
		const repeat = await sim.deliver(first, { attempt: 2 });
		expect([repeat.status, repeat.body]).toEqual([200, '{"received":true}']);
		// Executions run side by side, so the two messages may reach the last node in either order;
		// the marker is sent once both have, and whatever the repeat started has had that long too.
		const messages = await capture.waitFor('once', 2);
		expect(messages.map((item) => item.id).sort()).toEqual([first.id, second.id].sort());
		const marker = sim.expireAccount(account.id);
		await send(marker);
		const items = await capture.waitFor('once', 3);
		expect(items.map((item) => [item.id, item.event])).toEqual([
			...messages.map((item) => [item.id, 'composio.trigger.message']),
			[marker.id, 'composio.connected_account.expired'],
		]);
		expect(await deactivate(triggerOnceDownstream.id)).toMatchObject({ status: 200 });
		expect(sim.subscription).toBeUndefined();
	});
});
