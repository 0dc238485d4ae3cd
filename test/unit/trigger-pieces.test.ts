/**
 * The Composio Trigger's pure pieces: the signature check against the simulator's signer (written
 * apart from it), where webhook-ids are remembered, and events into output items.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	claimDelivery,
	forgetDeliveries,
	idsIn,
	isRepeat,
	recordDelivery,
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

describe('isRepeat and recordDelivery', () => {
	beforeEach(() => forgetDeliveries());

	it('isRepeat: true for an id this process saw or static data holds, per scope, for a day', () => {
		expect(isRepeat({}, 'wf:a', 'msg_1', 0)).toBe(false);
		expect(isRepeat({}, 'wf:a', 'msg_1', REMEMBER_MS)).toBe(true);
		expect(isRepeat({}, 'wf:b', 'msg_1', 0)).toBe(false);
		forgetDeliveries();
		expect(isRepeat({}, 'wf:a', 'msg_1', REMEMBER_MS + 1)).toBe(false);
		// What a run saved, as n8n loads it for the next delivery.
		forgetDeliveries();
		expect(isRepeat({ received: { msg_2: 100 } }, 'wf:a', 'msg_2', 200)).toBe(true);
		expect(isRepeat({ received: { msg_3: 0 } }, 'wf:a', 'msg_3', REMEMBER_MS + 1)).toBe(false);
		// webhook() only reads static data.
		const data = {};
		isRepeat(data, 'wf:a', 'msg_4', 0);
		expect(data).toEqual({});
	});

	it('recordDelivery: static data gets this process’s record, merged with what it held, as one string', () => {
		// Seconds as static data keeps them; the ids of an earlier version's object are read too.
		const saved: IDataObject = { received: { msg_other_process: 5_000 } };
		recordDelivery(saved, 'wf:a', 'msg 1@x', 10_000);
		expect(saved.received).toBe('msg_other_process@5 msg%201%40x@10');
		expect(idsIn(JSON.parse(JSON.stringify(saved)) as IDataObject)).toEqual([
			'msg_other_process',
			'msg 1@x',
		]);
		// A later run's record shows up in what the earlier run saves when it ends.
		const earlierRun: IDataObject = {};
		recordDelivery(earlierRun, 'wf:a', 'msg_2', 20_000);
		recordDelivery({}, 'wf:a', 'msg_3', 30_000);
		expect(JSON.parse(JSON.stringify(earlierRun))).toEqual({
			received: 'msg_other_process@5 msg%201%40x@10 msg_2@20 msg_3@30',
		});
		// Ids another process saved, older than some this one took, go where their time puts them.
		recordDelivery({ received: 'msg_elsewhere@15' }, 'wf:a', 'msg_4', 40_000);
		expect(idsIn(earlierRun)).toEqual([
			'msg_other_process',
			'msg 1@x',
			'msg_elsewhere',
			'msg_2',
			'msg_3',
			'msg_4',
		]);
		// What webhook() reads back from it: whole ids only, with their time.
		forgetDeliveries();
		const saved2 = JSON.parse(JSON.stringify(earlierRun)) as IDataObject;
		expect(isRepeat(saved2, 'wf:b', 'msg 1@x', 41_000)).toBe(true);
		expect(isRepeat(saved2, 'wf:b', 'msg', 41_000)).toBe(false);
		expect(isRepeat(saved2, 'wf:b', 'msg_2', 20_000 + REMEMBER_MS + 1_000)).toBe(false);
		expect(
			isRepeat(JSON.parse(JSON.stringify(earlierRun)) as IDataObject, 'wf:a', 'msg_4', 41_000),
		).toBe(true);
	});

	it('a run of several items records each: the record stays live', () => {
		const run: IDataObject = {};
		recordDelivery(run, 'wf:a', 'msg_1', 1_000);
		recordDelivery(run, 'wf:a', 'msg_2', 2_000);
		expect(JSON.parse(JSON.stringify(run))).toEqual({ received: 'msg_1@1 msg_2@2' });
	});

	it(`keeps at most ${REMEMBER_AT_MOST} ids, the newest by time, and none older than a day`, () => {
		const data: IDataObject = { received: { msg_old: -REMEMBER_MS - 1, msg_early: 0 } };
		for (let i = 1; i <= REMEMBER_AT_MOST; i++) recordDelivery(data, 'wf:a', `msg_${i}`, i);
		const ids = idsIn(JSON.parse(JSON.stringify(data)) as IDataObject);
		expect(ids).toHaveLength(REMEMBER_AT_MOST);
		expect(ids).not.toContain('msg_old');
		expect(ids).not.toContain('msg_early');
		expect(ids.at(-1)).toBe(`msg_${REMEMBER_AT_MOST}`);
	});
});

describe('claimDelivery', () => {
	/** n8n's store: the node's list read, then written back whole after an await, as n8n does. */
	function store() {
		const list: string[] = [];
		const check = async (items: unknown[]) => {
			const row = [...list];
			await Promise.resolve();
			const id = String(items[0]);
			const processed = row.includes(id);
			if (!processed) row.push(id);
			list.splice(0, list.length, ...row);
			return { new: processed ? [] : [id], processed: processed ? [id] : [] };
		};
		return { list, check: check as never };
	}

	it('is true for the first claim of an id, false after; claims of one process never lose an id', async () => {
		const { list, check } = store();
		const ids = Array.from({ length: 20 }, (_, i) => `msg_${i}`);
		expect(await Promise.all(ids.map(async (id) => await claimDelivery(check, 's', id)))).toEqual(
			ids.map(() => true),
		);
		expect([...list].sort()).toEqual([...ids].sort());
		expect(await claimDelivery(check, 's', 'msg_3')).toBe(false);
	});

	it('tries once more when the store refuses a write (two processes created the list at once)', async () => {
		let calls = 0;
		const check = (async () => {
			calls++;
			if (calls === 1) throw new Error('UNIQUE constraint failed: processed_data');
			return { new: ['msg_1'], processed: [] };
		}) as never;
		expect(await claimDelivery(check, 's', 'msg_1')).toBe(true);
		expect(calls).toBe(2);
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
