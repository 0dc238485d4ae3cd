/**
 * Connected Account › Wait for Connection, in n8n's real engine against the simulator, in virtual
 * time: n8n-workflow's `sleep` (the node's pauses and the rate gate's waits) advances a fake clock
 * that Date.now reads, and returns at once; nothing here sleeps for real. The simulator's
 * activateAfterPolls flips an account after a given number of checks, so every count is exact.
 * The fake clock adds up the pauses of items that wait at once (they would overlap in real time):
 * the tests with several items do not depend on times.
 */
import * as n8nWorkflow from 'n8n-workflow';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { simplifyConnectedAccount } from '../../nodes/ComposioMcp/actions/simplify';
import type { AccountRecord, AccountStatus } from '../simulator';
import type { RunOptions } from '../support/simulator';
import { errorJson, expectEachItemOnce, useSimulator } from '../support/simulator';

const context = useSimulator();
const waitFor = context.runner('connectedAccount', 'waitForConnection');

/** The fake clock, and every pause asked for (ms), in order. */
let clock = 0;
let waits: number[] = [];
/** Called at each pause before it returns. */
let onSleep: ((ms: number) => void) | undefined;

beforeEach(() => {
	clock = 1_800_000_000_000;
	waits = [];
	onSleep = undefined;
	jest.spyOn(Date, 'now').mockImplementation(() => clock);
	jest.spyOn(n8nWorkflow, 'sleep').mockImplementation(async (ms: number) => {
		waits.push(ms);
		clock += ms;
		onSleep?.(ms);
	});
});
afterEach(() => jest.restoreAllMocks());

/**
 * n8n 2.x's sleep when its time never comes: it ends only when the signal aborts, rejecting with
 * the signal's reason.
 */
async function sleepUntilAborted(_ms: number, signal?: AbortSignal): Promise<void> {
	await new Promise<void>((_resolve, reject) => {
		const abort = () => reject(signal?.reason as Error);
		if (signal?.aborted) abort();
		signal?.addEventListener('abort', abort, { once: true });
	});
}

/** n8n 1.x's sleep when its time never comes: it ignores the signal (a bare setTimeout). */
async function sleepIgnoringSignal(): Promise<void> {
	await new Promise<void>(() => {});
}

function locator(value: string) {
	return { __rl: true, mode: 'id', value };
}

function pending(userId = 'ada'): AccountRecord {
	return context.sim.connectAccount(userId, 'ac_gmail', { toolkit: 'gmail', status: 'INITIATED' });
}

/** The checks of one account, as the simulator received them. */
function checksOf(account: AccountRecord, version = 'v3'): string[] {
	return context.sim.requests
		.map((request) => `${request.method} ${request.rawPath}`)
		.filter((request) => request.endsWith(`/connected_accounts/${account.id}`))
		.map((request) => {
			expect(request).toBe(`GET /api/${version}/connected_accounts/${account.id}`);
			return request;
		});
}

async function wait(
	account: AccountRecord | string,
	parameters: INodeParameters = {},
	options?: RunOptions,
) {
	const id = typeof account === 'string' ? account : account.id;
	return await waitFor({ connectedAccountId: locator(id), ...parameters }, [{}], options);
}

const RATE_LIMITED = { message: 'Rate limit exceeded' };

/**
 * The account's checks answered 429 by Composio's limiter: the checks numbered in `which` (from
 * 1, counting each request), or every check when `which` is 'all'.
 */
function refuseChecks(account: AccountRecord, which: number[] | 'all', retryAfter = '1'): void {
	let gets = 0;
	context.sim.inject({
		method: 'GET',
		path: `/api/v3/connected_accounts/${account.id}`,
		times: which === 'all' ? 1000 : which.length,
		match: () => which === 'all' || which.includes(++gets),
		status: 429,
		body: RATE_LIMITED,
		headers: { 'retry-after': retryAfter },
	});
}

describe('Wait for Connection: until ACTIVE', () => {
	it('an account already ACTIVE: one GET, the account as Composio answers it, no pause', async () => {
		const account = context.sim.connectAccount('ada', 'ac_gmail', { toolkit: 'gmail' });

		const result = await wait(account);

		expect(result.status).toBe('success');
		expect(result.success).toHaveLength(1);
		expect(result.success[0].json).toMatchObject({
			id: account.id,
			status: 'ACTIVE',
			user_id: 'ada',
			toolkit: { slug: 'gmail' },
		});
		expectEachItemOnce(result, 1);
		expect(checksOf(account)).toHaveLength(1);
		expect(context.sim.requests).toHaveLength(1);
		expect(waits).toEqual([]);
	});

	it('ACTIVE after 3 checks: the first at once, then one every Poll Interval (default 5 s), 4 GETs in all', async () => {
		const account = pending();
		context.sim.activateAfterPolls(account.id, 3);

		const result = await wait(account);

		expect(result.status).toBe('success');
		expect(result.success.map((item) => item.json.status)).toEqual(['ACTIVE']);
		expect(result.success[0].json.id).toBe(account.id);
		expect(checksOf(account)).toHaveLength(4);
		expect(waits).toEqual([5000, 5000, 5000]);
	});

	it('Poll Interval and Wait Timeout from expressions, per item; requests stay ≤ 1 + wait / interval', async () => {
		const account = pending();
		context.sim.activateAfterPolls(account.id, 5);

		const result = await waitFor(
			{
				connectedAccountId: locator('={{ $json.id }}'),
				pollInterval: '={{ $json.every }}',
				waitTimeout: '={{ $json.within }}',
			},
			[{ id: account.id, every: 2, within: 60 }],
		);

		expect(result.status).toBe('success');
		expect(waits).toEqual([2000, 2000, 2000, 2000, 2000]);
		expect(checksOf(account).length).toBeLessThanOrEqual(1 + 10_000 / 2000);
		expect(checksOf(account)).toHaveLength(6);
	});

	it('Simplify (on by default) leaves out the connection’s state and data; off gives Composio’s whole answer', async () => {
		const account = context.sim.connectAccount('ada', 'ac_gmail', { toolkit: 'gmail' });

		const simplified = await wait(account);
		const raw = await wait(account, { simplify: false });

		expect(raw.success[0].json).toMatchObject({ id: account.id, state: expect.any(Object) });
		expect(simplified.success[0].json).toEqual(simplifyConnectedAccount(raw.success[0].json));
		expect(simplified.success[0].json).not.toHaveProperty('state');
		expect(simplified.success[0].json).not.toHaveProperty('data');
	});

	it('the credential’s API v3.1: the checks go to /api/v3.1', async () => {
		const account = pending();
		context.sim.activateAfterPolls(account.id, 1);

		const result = await wait(account, {}, { credentials: { apiVersion: 'v3.1' } });

		expect(result.status).toBe('success');
		expect(checksOf(account, 'v3.1')).toHaveLength(2);
	});
});

describe('Wait for Connection: statuses that end the wait', () => {
	const ended: Array<[AccountStatus, string]> = [
		['FAILED', 'The user denied access to the app'],
		['EXPIRED', 'The connect link expired before the user finished'],
		['REVOKED', 'The tokens were revoked at the provider'],
		['INACTIVE', 'The account was disabled'],
	];
	// REVOKED is v3.1's: a v3 answer with it would be off Composio's spec.
	const credentialsFor = (status: string) =>
		status === 'REVOKED' ? { apiVersion: 'v3.1' } : undefined;

	it.each(ended)(
		'%s after 2 checks: continue on fail puts an error item naming the status and status_reason on the error output',
		async (status, reason) => {
			const account = pending();
			context.sim.activateAfterPolls(account.id, 2, status, reason);

			const result = await wait(
				account,
				{},
				{ onError: 'continueErrorOutput', credentials: credentialsFor(status) },
			);

			expect(result.success).toEqual([]);
			expectEachItemOnce(result, 1);
			expect(errorJson(result.errorOutput[0])).toMatchObject({
				error: `Connected account ${account.id} is ${status}: ${reason}`,
				description: expect.stringContaining(
					'The wait ends on FAILED, EXPIRED, REVOKED and INACTIVE',
				),
				httpCode: null,
				connectedAccountId: account.id,
				status,
				statusReason: reason,
			});
			expect(checksOf(account, status === 'REVOKED' ? 'v3.1' : 'v3')).toHaveLength(3);
			expect(waits).toEqual([5000, 5000]);
		},
	);

	it.each(ended)('%s without continue on fail: the node fails with it', async (status, reason) => {
		const account = pending();
		context.sim.activateAfterPolls(account.id, 0, status, reason);

		const result = await wait(account, {}, { credentials: credentialsFor(status) });

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(`Connected account ${account.id} is ${status}: ${reason}`);
		expect(waits).toEqual([]);
	});

	it('a FAILED account without a status_reason: the message ends with the status', async () => {
		const account = pending();
		context.sim.setAccountStatus(account.id, 'FAILED', null);

		const result = await wait(account, {}, { onError: 'continueRegularOutput' });

		expect(result.success).toHaveLength(1);
		expect(errorJson(result.success[0])).toMatchObject({
			error: `Connected account ${account.id} is FAILED`,
			status: 'FAILED',
			statusReason: null,
		});
	});

	it.each([
		['ACTIVE', null],
		['INITIATED', null],
		['INACTIVE', 'Disabled by the admin'],
	])(
		'a disabled account (%s) ends the wait: an error item with the status and isDisabled',
		async (status, reason) => {
			const account = pending();
			context.sim.setAccountStatus(account.id, status as AccountStatus, reason);
			context.sim.account(account.id)!.is_disabled = true;

			const result = await wait(account, {}, { onError: 'continueErrorOutput' });

			expect(result.success).toEqual([]);
			expect(errorJson(result.errorOutput[0])).toMatchObject({
				error:
					status === 'INACTIVE'
						? `Connected account ${account.id} is INACTIVE: ${reason}`
						: `Connected account ${account.id} is disabled (${status})`,
				connectedAccountId: account.id,
				status,
				statusReason: reason,
				isDisabled: true,
			});
			expect(checksOf(account)).toHaveLength(1);
			expect(waits).toEqual([]);
		},
	);

	it('INITIALIZING is still pending: the wait goes on', async () => {
		const account = pending();
		context.sim.setAccountStatus(account.id, 'INITIALIZING');
		context.sim.activateAfterPolls(account.id, 1);

		const result = await wait(account);

		expect(result.status).toBe('success');
		expect(checksOf(account)).toHaveLength(2);
	});
});

describe('Wait for Connection: Wait Timeout', () => {
	it('still INITIATED at 20 s: 5 checks (0, 5, 10, 15, 20 s), then an error item saying so', async () => {
		const account = pending();

		const result = await wait(
			account,
			{ pollInterval: 5, waitTimeout: 20 },
			{ onError: 'continueErrorOutput' },
		);

		expect(checksOf(account)).toHaveLength(5);
		expect(waits).toEqual([5000, 5000, 5000, 5000]);
		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: `Connected account ${account.id} is still INITIATED after 20 s`,
			description: expect.stringMatching(
				/^Checked 5 times, every 5 s, within the Wait Timeout of 20 s: the user has not finished connecting\. Raise 'Wait Timeout' \(up to 900 s\)\. A connect link lives about 10 minutes: to wait longer, give the user a new link \(Connected Account › Refresh, or Create Link again\), or pause in n8n's Wait node/,
			),
			connectedAccountId: account.id,
			status: 'INITIATED',
		});
	});

	it.each([
		// Checks at 0, 5 and 10 s, then 2 s to the timeout.
		['a Wait Timeout that is no multiple of the interval', 0, 5, 12, [5000, 5000, 2000]],
		// Checks at 0, 5.3, 10.6 and 15.9 s, then 3.8 s to the timeout: the checks' own time does
		// not cost the last one.
		['checks that take 300 ms each', 300, 5, 20, [5000, 5000, 5000, 3800]],
		['a Poll Interval as long as Wait Timeout (checks of 300 ms)', 300, 10, 10, [9700]],
	])(
		'%s: the last check at Wait Timeout itself, none after',
		async (_case, requestMs, pollInterval, waitTimeout, expectedWaits) => {
			const account = pending();
			// Every request the simulator has seen has taken requestMs of the clock.
			jest
				.spyOn(Date, 'now')
				.mockImplementation(() => clock + requestMs * context.sim.requests.length);

			const result = await wait(account, { pollInterval, waitTimeout });

			expect(checksOf(account)).toHaveLength(expectedWaits.length + 1);
			expect(waits).toEqual(expectedWaits);
			expect(result.error?.message).toBe(
				`Connected account ${account.id} is still INITIATED after ${waitTimeout} s`,
			);
		},
	);

	it('the default Wait Timeout is 300 s: 61 checks at most', async () => {
		const account = pending();

		const result = await wait(account);

		expect(checksOf(account)).toHaveLength(61);
		expect(result.error?.message).toBe(
			`Connected account ${account.id} is still INITIATED after 300 s`,
		);
	});
});

describe('Wait for Connection: many items', () => {
	it('every item waits at once; Concurrency counts checks in flight; each output paired to its item, in input order', async () => {
		const accounts = ['ada', 'bob', 'cy', 'di'].map((user) => pending(user));
		const polls = [3, 0, 2, 1];
		accounts.forEach((account, index) => context.sim.activateAfterPolls(account.id, polls[index]));

		const result = await waitFor(
			{ connectedAccountId: locator('={{ $json.id }}'), requestOptions: { concurrency: 2 } },
			accounts.map((account) => ({ id: account.id })),
		);

		expect(result.status).toBe('success');
		expect(result.success.map((item) => item.json.id)).toEqual(accounts.map((a) => a.id));
		expectEachItemOnce(result, 4);
		accounts.forEach((account, index) => expect(checksOf(account)).toHaveLength(polls[index] + 1));
		// All four were checked once before any was checked again, in input order: none waited
		// for another's wait to end. Never more than two checks in flight.
		const { requests } = context.sim;
		const accountOf = (index: number) => requests[index].path.split('/').pop();
		expect([0, 1, 2, 3].map(accountOf)).toEqual(accounts.map((a) => a.id));
		expect(context.sim.peakInFlight).toBeLessThanOrEqual(2);
	});

	it('a user who connects early is not held up by one who never does, even at Concurrency 1', async () => {
		const never = pending('ada');
		const early = pending('bob');
		context.sim.activateAfterPolls(early.id, 1);

		const result = await waitFor(
			{
				connectedAccountId: locator('={{ $json.id }}'),
				waitTimeout: 20,
				requestOptions: { concurrency: 1 },
			},
			[{ id: never.id }, { id: early.id }],
			{ onError: 'continueErrorOutput' },
		);

		expect(result.success.map((item) => item.json.id)).toEqual([early.id]);
		expect(errorJson(result.errorOutput[0]).error).toMatch(
			new RegExp(`^Connected account ${never.id} is still INITIATED after \\d+ s$`),
		);
		// Bob's two checks (INITIATED, then ACTIVE) come between Ada's, not after her timeout.
		const order = context.sim.requests.map((request) => request.path.split('/').pop());
		expect(order.slice(0, 4)).toEqual([never.id, early.id, never.id, early.id]);
		expect(order.slice(4).every((id) => id === never.id)).toBe(true);
		expect(context.sim.peakInFlight).toBe(1);
	});

	it('Batch Interval starts each group of Concurrency items that much after the group before', async () => {
		const accounts = ['ada', 'bob', 'cy', 'di', 'eve'].map((user) =>
			context.sim.connectAccount(user, 'ac_gmail', { toolkit: 'gmail' }),
		);

		const result = await waitFor(
			{
				connectedAccountId: locator('={{ $json.id }}'),
				requestOptions: { concurrency: 2, batchInterval: 1000 },
			},
			accounts.map((account) => ({ id: account.id })),
		);

		expect(result.success.map((item) => item.json.id)).toEqual(accounts.map((a) => a.id));
		// Items 2 and 3 start after 1 s, item 4 after 2 s; items 0 and 1 at once.
		expect(waits).toEqual([1000, 1000, 2000]);
		const order = context.sim.requests.map((request) => request.path.split('/').pop());
		expect(order.slice(0, 2)).toEqual([accounts[0].id, accounts[1].id]);
		expect(new Set(order)).toEqual(new Set(accounts.map((a) => a.id)));
		expect(order).toHaveLength(5);
	});

	it('without continue on fail, items still waiting for a slot when one fails make no check', async () => {
		const bad = pending('ada');
		const queued = ['bob', 'cy', 'di'].map((user) => pending(user));
		context.sim.activateAfterPolls(bad.id, 0, 'FAILED', 'Access denied');

		const result = await waitFor(
			{ connectedAccountId: locator('={{ $json.id }}'), requestOptions: { concurrency: 1 } },
			[bad, ...queued].map((account) => ({ id: account.id })),
		);

		expect(result.error?.message).toBe(`Connected account ${bad.id} is FAILED: Access denied`);
		expect(checksOf(bad)).toHaveLength(1);
		// The slot Ada's check gave back went to Bob before her failure stopped the run; Cy and Di
		// were still waiting for one.
		expect(checksOf(queued[0]).length).toBeLessThanOrEqual(1);
		expect(checksOf(queued[1])).toHaveLength(0);
		expect(checksOf(queued[2])).toHaveLength(0);
	});

	it.each([
		['n8n 2.x, whose sleep ends on the signal', sleepUntilAborted],
		['n8n 1.x, whose sleep ignores it', sleepIgnoringSignal],
	])(
		'without continue on fail, one item’s failure ends the others’ waits at once, and the node fails with it (%s)',
		async (_, sleep) => {
			const never = pending('ada');
			const bad = pending('bob');
			context.sim.activateAfterPolls(bad.id, 0, 'FAILED', 'Access denied');
			jest.spyOn(n8nWorkflow, 'sleep').mockImplementation(sleep);

			const result = await waitFor({ connectedAccountId: locator('={{ $json.id }}') }, [
				{ id: never.id },
				{ id: bad.id },
			]);

			expect(result.status).toBe('error');
			expect(result.error?.message).toBe(`Connected account ${bad.id} is FAILED: Access denied`);
			expect(result.error).toMatchObject({ context: { itemIndex: 1 } });
			// The first item's first check was under way already: no check after the failure.
			expect(checksOf(never)).toHaveLength(1);
			expect(checksOf(bad)).toHaveLength(1);
		},
	);

	it('one item’s terminal status fails that item only (continue on fail)', async () => {
		const good = pending('ada');
		const bad = pending('bob');
		context.sim.activateAfterPolls(good.id, 2);
		context.sim.activateAfterPolls(bad.id, 1, 'FAILED', 'Access denied');

		const result = await waitFor(
			{ connectedAccountId: locator('={{ $json.id }}') },
			[{ id: bad.id }, { id: good.id }],
			{ onError: 'continueErrorOutput' },
		);

		expectEachItemOnce(result, 2);
		expect(result.success.map((item) => item.json.id)).toEqual([good.id]);
		expect(result.errorOutput[0].pairedItem).toEqual({ item: 0 });
		expect(errorJson(result.errorOutput[0]).error).toBe(
			`Connected account ${bad.id} is FAILED: Access denied`,
		);
	});
});

describe('Wait for Connection: rate limits', () => {
	it('a 429 with Retry-After: the check waits it out through the gate and goes on; the wait counts toward the timeout', async () => {
		const account = pending();
		context.sim.activateAfterPolls(account.id, 2);
		refuseChecks(account, [1], '3');

		const result = await wait(account);

		expect(result.status).toBe('success');
		// 429, then the same check again after 3 s; the next check a whole interval after its
		// answer, not 5 s after the refused attempt began: checks never come closer than that.
		expect(checksOf(account)).toHaveLength(4);
		expect(waits).toEqual([3000, 5000, 5000]);
	});

	it('a 429 after the retries (Max Retries 0) misses that check only: the item goes on and turns ACTIVE', async () => {
		const account = pending();
		context.sim.activateAfterPolls(account.id, 2);
		refuseChecks(account, [2]);

		const result = await wait(
			account,
			{ waitTimeout: 60, requestOptions: { maxRetries: 0 } },
			{ onError: 'continueErrorOutput' },
		);

		expect(result.errorOutput).toEqual([]);
		expect(result.success.map((item) => item.json.status)).toEqual(['ACTIVE']);
		// Checks at 0, 5 (refused), 10, 15 s.
		expect(checksOf(account)).toHaveLength(4);
		expect(waits).toEqual([5000, 5000, 5000]);
	});

	it.each([
		[
			'the last check refused at the Wait Timeout: still INITIATED, and the error says the rate limit refused it',
			[3],
			(id: string) => ({
				error: `Connected account ${id} is still INITIATED after 10 s`,
				description: expect.stringContaining(
					"The last check was refused by Composio's rate limit (429).",
				),
				status: 'INITIATED',
			}),
		],
		[
			'every check refused until the Wait Timeout: the rate limit’s own error, saying the status is not known',
			'all' as const,
			() => ({
				error: RATE_LIMITED.message,
				httpCode: '429',
				description: expect.stringContaining(
					"Every check for 10 s was refused by Composio's rate limit, so the account's status is not known.",
				),
			}),
		],
	])('%s', async (_, which, expected) => {
		const account = pending();
		refuseChecks(account, which);

		const result = await wait(
			account,
			{ waitTimeout: 10, requestOptions: { maxRetries: 0 } },
			{ onError: 'continueErrorOutput' },
		);

		expect(checksOf(account)).toHaveLength(3);
		expect(errorJson(result.errorOutput[0])).toMatchObject(expected(account.id));
	});
});

describe('Wait for Connection: cancelling the execution', () => {
	it.each([
		['n8n 2.x, whose sleep ends on the signal', sleepUntilAborted],
		['n8n 1.x, whose sleep ignores it', sleepIgnoringSignal],
	])('stops every item’s wait at once: no check after the Stop (%s)', async (_, sleep) => {
		const accounts = ['ada', 'bob', 'cy'].map((user) => pending(user));
		const stop = new AbortController();
		let paused = 0;
		jest
			.spyOn(n8nWorkflow, 'sleep')
			.mockImplementation(async (ms: number, signal?: AbortSignal) => {
				if (!signal) throw new Error('a pause without the execution’s cancel signal');
				if (++paused === accounts.length) stop.abort();
				await sleep(ms, signal);
			});

		const result = await waitFor(
			{ connectedAccountId: locator('={{ $json.id }}') },
			accounts.map((account) => ({ id: account.id })),
			{ cancelSignal: stop.signal },
		);

		expect(result.error?.message).toBe('The execution was cancelled');
		expect(paused).toBe(3);
		for (const account of accounts) expect(checksOf(account)).toHaveLength(1);
		expect(context.sim.requests).toHaveLength(3);
	});
});

describe('Wait for Connection: input refused before any request', () => {
	const cases: Array<[string, IDataObject, string]> = [
		['a blank ID', { connectedAccountId: locator('   ') }, 'Connected Account is blank'],
		[
			'".." as the ID',
			{ connectedAccountId: locator('..') },
			'Connected Account ".." cannot be used in a URL path',
		],
		[
			'Poll Interval 0',
			{ pollInterval: 0 },
			'Poll Interval must be a number of seconds from 1 to 300, got 0',
		],
		[
			'Poll Interval 301',
			{ pollInterval: 301 },
			'Poll Interval must be a number of seconds from 1 to 300, got 301',
		],
		[
			'Poll Interval as words',
			{ pollInterval: '={{ "soon" }}' },
			'Poll Interval must be a number of seconds from 1 to 300, got "soon"',
		],
		[
			'Wait Timeout 901 (a connect link lives about 10 minutes)',
			{ waitTimeout: 901 },
			'Wait Timeout must be a number of seconds from 1 to 900, got 901',
		],
		[
			'Wait Timeout shorter than Poll Interval',
			{ pollInterval: 30, waitTimeout: 10 },
			'Poll Interval (30 s) is longer than Wait Timeout (10 s): make it shorter, or the Wait Timeout longer',
		],
	];

	it.each(cases)('%s', async (_, parameters, message) => {
		const account = pending();

		const result = await waitFor(
			{ connectedAccountId: locator(account.id), ...parameters } as INodeParameters,
			[{}],
			{ onError: 'continueErrorOutput' },
		);

		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: message,
			description: 'Nothing was sent to Composio for this item.',
		});
		expect(context.sim.requests).toEqual([]);
	});

	it('an ID expression that gives nothing names the expression', async () => {
		const result = await waitFor({ connectedAccountId: locator('={{ $json.missing }}') }, [{}], {
			onError: 'continueErrorOutput',
		});

		expect(errorJson(result.errorOutput[0]).error).toBe(
			'Connected Account is empty: its expression gave no value for this item',
		);
		expect(context.sim.requests).toEqual([]);
	});

	it('an unknown account: Composio’s 404 on that item, after one request', async () => {
		const result = await wait('ca_nobody', {}, { onError: 'continueErrorOutput' });

		expect(errorJson(result.errorOutput[0]).httpCode).toBe('404');
		expect(context.sim.requests).toHaveLength(1);
		expect(waits).toEqual([]);
	});
});
