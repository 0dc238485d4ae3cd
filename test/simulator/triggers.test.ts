/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling: a receiver on loopback; this rule is n8n Cloud's runtime rule for node code, which this file is not */
/**
 * The simulator's triggers: the project's one webhook subscription, trigger types and instances,
 * on spec; and its sender, which signs as Composio signs and retries with the same webhook-id.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import { useSimulatorServer } from '../support/simulatorServer';
import { callSimulator } from './call';

const server = useSimulatorServer();
const sim = () => server.sim;

afterEach(() => expect(sim().violations).toEqual([]));

const call = (method: string, path: string, body?: unknown) =>
	callSimulator(sim(), method, path, body);

const EXPIRED = 'composio.connected_account.expired';

describe('webhook subscriptions', () => {
	it('allows one per project: the secret on create and rotate, 409 on a second create', async () => {
		const body = { webhook_url: 'https://n8n.example.com/webhook/x', enabled_events: [EXPIRED] };
		const created = await call('POST', '/api/v3/webhook_subscriptions', body);
		expect(created).toMatchObject({ status: 201, json: { ...body, version: 'V3' } });
		expect(created.json.secret).toMatch(/^whsec_/);
		expect((await call('POST', '/api/v3/webhook_subscriptions', body)).status).toBe(409);

		const rotated = await call(
			'POST',
			`/api/v3/webhook_subscriptions/${created.json.id}/rotate_secret`,
		);
		expect(rotated.json).toEqual({ id: created.json.id, secret: expect.stringMatching(/^whsec_/) });
		expect(rotated.json.secret).not.toBe(created.json.secret);
		expect(sim().subscription?.secret).toBe(rotated.json.secret);
	});

	it('lists, reads, updates and deletes it; reads hide the secret when told to', async () => {
		const { id } = sim().setSubscription({ webhook_url: 'https://a.example.com' });
		expect((await call('GET', '/api/v3/webhook_subscriptions')).json.items).toEqual([
			expect.objectContaining({ id, secret: sim().subscription!.secret }),
		]);
		sim().showSubscriptionSecret(false);
		expect((await call('GET', `/api/v3/webhook_subscriptions/${id}`)).json.secret).toBeUndefined();
		const patched = await call('PATCH', `/api/v3/webhook_subscriptions/${id}`, {
			webhook_url: 'https://b.example.com',
			enabled_events: [EXPIRED, 'composio.trigger.disabled'],
		});
		expect(patched.json).toMatchObject({
			webhook_url: 'https://b.example.com',
			enabled_events: [EXPIRED, 'composio.trigger.disabled'],
		});
		expect((await call('DELETE', `/api/v3/webhook_subscriptions/${id}`)).json).toEqual({
			success: true,
		});
		expect((await call('GET', `/api/v3/webhook_subscriptions/${id}`)).status).toBe(404);
		expect((await call('GET', '/api/v3/webhook_subscriptions')).json.items).toEqual([]);
	});

	it('refuses a webhook URL Composio could not deliver to, and an unknown event', async () => {
		const post = (webhook_url: string, events = [EXPIRED]) =>
			call('POST', '/api/v3/webhook_subscriptions', { webhook_url, enabled_events: events });
		expect((await post('http://n8n.example.com/webhook/x')).status).toBe(400);
		expect((await post('not a url')).status).toBe(400);
		expect((await post('https://ok.example.com', ['composio.unknown'])).status).toBe(400);
		sim().violations.length = 0;
		expect((await post('http://127.0.0.1:5678/webhook/x')).status).toBe(201);
	});
});

describe('trigger types and instances', () => {
	it('serves trigger types, upserts one instance per trigger and account, enables and disables it', async () => {
		const types = await call('GET', '/api/v3/triggers_types?toolkit_slugs=github');
		expect(types.json.items.map((type: { slug: string }) => type.slug)).toEqual([
			'GITHUB_COMMIT_EVENT',
		]);
		expect((await call('GET', '/api/v3/triggers_types/list/enum')).json).toContain(
			'SLACK_RECEIVE_MESSAGE',
		);
		expect((await call('GET', '/api/v3/triggers_types/GMAIL_NEW_GMAIL_MESSAGE')).status).toBe(200);

		const account = sim().connectAccount('u1', 'ac_gh', { toolkit: 'github' });
		const upsert = () =>
			call('POST', '/api/v3/trigger_instances/GITHUB_COMMIT_EVENT/upsert', {
				connected_account_id: account.id,
				trigger_config: { branch: 'main' },
			});
		const first = await upsert();
		expect((await upsert()).json.trigger_id).toBe(first.json.trigger_id);
		expect(sim().triggerInstances()).toHaveLength(1);

		const id = first.json.trigger_id as string;
		const manage = `/api/v3/trigger_instances/manage/${id}`;
		expect((await call('PATCH', manage, { status: 'disable' })).json).toEqual({
			status: 'success',
		});
		expect((await call('GET', '/api/v3/trigger_instances/active')).json.items).toEqual([]);
		const all = await call(
			'GET',
			`/api/v3/trigger_instances/active?show_disabled=true&trigger_ids=${id}`,
		);
		expect(all.json.items).toEqual([
			expect.objectContaining({ id, trigger_config: { branch: 'main' } }),
		]);
		expect((await call('DELETE', manage)).json).toEqual({ trigger_id: id });
		expect((await call('PATCH', manage, { status: 'enable' })).status).toBe(404);

		const slack = await call('POST', '/api/v3/trigger_instances/SLACK_RECEIVE_MESSAGE/upsert', {
			connected_account_id: account.id,
		});
		expect(slack.status).toBe(400);
	});
});

describe('the sender', () => {
	async function receiver(answers: number[]) {
		const got: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
		const server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
				res.writeHead(answers[got.length - 1] ?? 200).end();
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
		return { url, got, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
	}

	it('signs each delivery and sends it again, same webhook-id, until a 2xx', async () => {
		const hook = await receiver([500, 503, 200]);
		try {
			const { secret } = sim().setSubscription({
				webhook_url: hook.url,
				enabled_events: [EXPIRED],
			});
			const event = sim().expireAccount(
				sim().connectAccount('u1', 'ac_gh', { toolkit: 'github' }).id,
			);
			const deliveries = await sim().send(event, 5);

			expect(deliveries.map((delivery) => [delivery.status, delivery.attempt])).toEqual([
				[500, 1],
				[503, 2],
				[200, 3],
			]);
			for (const [index, { headers, body }] of hook.got.entries()) {
				expect(headers['webhook-id']).toBe(event.id);
				expect(headers['x-composio-delivery-attempt']).toBe(String(index + 1));
				const signed = `${event.id}.${String(headers['webhook-timestamp'])}.${body}`;
				const expected = createHmac('sha256', secret).update(signed).digest('base64');
				expect(headers['webhook-signature']).toBe(`v1,${expected}`);
				expect(JSON.parse(body)).toMatchObject({ id: event.id, type: EXPIRED });
			}
			// Events the subscription does not enable are not sent.
			const instance = sim().addTriggerInstance(
				'GITHUB_COMMIT_EVENT',
				sim().connectAccount('u2', 'ac_gh').id,
			);
			expect(await sim().send(sim().triggerMessage(instance.id, {}))).toEqual([]);
			expect(hook.got).toHaveLength(3);
		} finally {
			await hook.close();
		}
	});
});
