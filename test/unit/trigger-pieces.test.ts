/**
 * The Composio Trigger's pure pieces: the signature check against the simulator's signer (written
 * apart from it), the memory of webhook-ids, and events into output items.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	firstDelivery,
	forgetDeliveries,
	REMEMBER_AT_MOST,
	REMEMBER_MS,
} from '../../nodes/ComposioTrigger/deliveries';
import { filtersOf, passesFilters, toOutput } from '../../nodes/ComposioTrigger/events';
import { verifySignature } from '../../nodes/ComposioTrigger/signature';
import { sign } from '../simulator';

const NOW = 1_790_000_000;

function delivery(secret: string, body = '{"type":"x"}', id = 'msg_1', timestamp = NOW) {
	return {
		id,
		timestamp: String(timestamp),
		signature: sign(secret, id, timestamp, body),
		rawBody: Buffer.from(body),
	};
}

describe('verifySignature', () => {
	it('accepts what Composio signs, at the edges of ±300 s', () => {
		expect(verifySignature(delivery('s3cret-value'), 's3cret-value', NOW)).toEqual({ ok: true });
		expect(verifySignature(delivery('k'), 'k', NOW + 300).ok).toBe(true);
		expect(verifySignature(delivery('k'), 'k', NOW - 300).ok).toBe(true);
		expect(verifySignature(delivery('k'), 'k', NOW + 301).ok).toBe(false);
	});

	it('verifies the Standard Webhooks test vector (a whsec_ secret, base64-decoded)', () => {
		// Svix's published vector, which Composio's whsec_ secrets follow.
		const vector = {
			id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
			timestamp: '1614265330',
			signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
			rawBody: Buffer.from('{"test": 2432232314}'),
		};
		// The vector's published test key (not a secret of anyone's).
		const vectorKey = ['whsec', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'].join('_');
		expect(verifySignature(vector, vectorKey, 1614265330)).toEqual({ ok: true });
		expect(verifySignature(vector, vectorKey.slice(0, -1), 1614265330).ok).toBe(false);
	});

	it('refuses another id, timestamp or body than the ones signed', () => {
		const signed = delivery('k');
		expect(verifySignature({ ...signed, id: 'msg_2' }, 'k', NOW).ok).toBe(false);
		expect(verifySignature({ ...signed, timestamp: String(NOW + 1) }, 'k', NOW).ok).toBe(false);
		expect(verifySignature({ ...signed, rawBody: Buffer.from('{"type":"y"}') }, 'k', NOW).ok).toBe(
			false,
		);
	});

	it('refuses malformed headers without throwing', () => {
		const signed = delivery('k');
		for (const signature of ['', 'v1,', 'v2,abc', 'garbage', 'v1,!!!']) {
			expect(verifySignature({ ...signed, signature }, 'k', NOW).ok).toBe(false);
		}
		expect(verifySignature({ ...signed, timestamp: '12e3' }, 'k', NOW)).toEqual({
			ok: false,
			reason: 'malformed webhook-timestamp',
		});
	});
});

describe('firstDelivery', () => {
	beforeEach(() => forgetDeliveries());

	it('says true once per id and scope, and keeps ids a day', () => {
		const data = {};
		expect(firstDelivery(data, 'wf:a', 'msg_1', 0)).toBe(true);
		expect(firstDelivery(data, 'wf:a', 'msg_1', REMEMBER_MS)).toBe(false);
		expect(firstDelivery({}, 'wf:b', 'msg_1', 0)).toBe(true);
		forgetDeliveries();
		expect(firstDelivery(data, 'wf:a', 'msg_1', REMEMBER_MS + 1)).toBe(true);
	});

	it(`keeps at most ${REMEMBER_AT_MOST} ids in static data, the newest`, () => {
		const data: { received?: Record<string, number> } = {};
		for (let i = 0; i <= REMEMBER_AT_MOST; i++) firstDelivery(data, 'wf:a', `msg_${i}`, i);
		expect(Object.keys(data.received!)).toHaveLength(REMEMBER_AT_MOST);
		expect(data.received!.msg_0).toBeUndefined();
		expect(data.received![`msg_${REMEMBER_AT_MOST}`]).toBe(REMEMBER_AT_MOST);
	});
});

describe('toOutput and filters', () => {
	it('gives nothing for a payload that is not an event', () => {
		for (const payload of [undefined, null, 'text', [], {}, { type: '' }]) {
			expect(toOutput(payload, 1)).toBeUndefined();
		}
	});

	it('keeps an event type newer than the node, routed by its metadata', () => {
		const output = toOutput(
			{ type: 'composio.something.new', id: 'msg_9', metadata: { user_id: 'u1' }, data: { a: 1 } },
			null,
		);
		expect(output).toMatchObject({ event: 'composio.something.new', userId: 'u1', data: { a: 1 } });
	});

	it('holds back an event that lacks a filtered field', () => {
		const output = toOutput({ type: 'composio.trigger.message', metadata: {} }, 1)!;
		expect(
			passesFilters(output, {
				triggerSlugs: [],
				triggerIds: [],
				userIds: ['u1'],
				connectedAccountIds: [],
			}),
		).toBe(false);
		expect(
			passesFilters(output, {
				triggerSlugs: [],
				triggerIds: [],
				userIds: [],
				connectedAccountIds: [],
			}),
		).toBe(true);
	});

	it('reads comma-separated ids and lists', () => {
		const filters = (userIds: unknown) => filtersOf({ userIds } as IDataObject);
		expect(filters(' a, b ,,c ')).toMatchObject({
			ok: true,
			filters: { userIds: ['a', 'b', 'c'] },
		});
		expect(filters(['a', 1])).toMatchObject({ ok: true, filters: { userIds: ['a', '1'] } });
		expect(filters(undefined)).toEqual({
			ok: true,
			filters: { triggerSlugs: [], triggerIds: [], userIds: [], connectedAccountIds: [] },
		});
		expect(filters([{ id: 'a' }])).toEqual({
			ok: false,
			message: expect.stringContaining('Filter User IDs holds an object at position 1'),
		});
	});
});
