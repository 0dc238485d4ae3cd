import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { pause } from '../../../shared/helpers/pause';
import { settle } from '../../../shared/helpers/settle';
import { addDescription } from '../../../shared/transport';
import { getConnectedAccount } from '../../calls';
import type { ConcurrencyOf, ItemContext, OperationOption } from '../common';
import {
	CONNECTED_ACCOUNT_ID,
	interrupted,
	invalidInput,
	readBoundedNumber,
	readIds,
	readParameter,
} from '../common';
import { connectedAccountLocator } from '../common.descriptions';
import { readSimplify, simplifyConnectedAccount, simplifyField } from '../simplify';

export const option: OperationOption = {
	name: 'Wait for Connection',
	value: 'waitForConnection',
	action: 'Wait for connection',
	description:
		"Check a connected account until the user has finished connecting. Returns the account once it is ACTIVE; the item fails when the account is FAILED, EXPIRED, REVOKED, INACTIVE or disabled, or when 'Wait Timeout' passes first.",
};

/**
 * Every item waits at once; Concurrency counts checks in flight, not waiting items. Were each
 * waiting item to hold a slot, 200 users waiting with Concurrency 50 would leave 150 unchecked
 * until earlier users finished: a user who connected early could wait for others' slow users.
 */
export const concurrency: ConcurrencyOf = 'requests';

/** Statuses after which the account will not turn ACTIVE by itself: the wait ends there. */
const ENDED = ['FAILED', 'EXPIRED', 'REVOKED', 'INACTIVE'];

/** The fields' names, labels and bounds, as the description below gives them. */
const INTERVAL = { name: 'pollInterval', label: 'Poll Interval', default: 5, min: 1, max: 300 };
/**
 * At most 15 minutes: a connect link lives about 10 (Composio), after which the account cannot
 * turn ACTIVE from that link; a little more leaves room for a user who opened it late.
 */
const TIMEOUT = { name: 'waitTimeout', label: 'Wait Timeout', default: 300, min: 1, max: 900 };

const show = { resource: ['connectedAccount'], operation: ['waitForConnection'] };

export const description: INodeProperties[] = [
	{ ...connectedAccountLocator, displayOptions: { show } },
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 300 },
		default: 5,
		description:
			'How long to wait after each check before the next, from 1 to 300 seconds. The first check is made at once.',
		displayOptions: { show },
	},
	{
		displayName: 'Wait Timeout (Seconds)',
		name: 'waitTimeout',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 900 },
		default: 300,
		description:
			"How long to wait for the account in all before the item fails (the last check is made then), at most 900 seconds (15 minutes): a connect link lives about 10 minutes. For longer waits, pass {{ $execution.resumeUrl }} as the 'Callback URL' of Create Link and pause in n8n's Wait node (Resume: On Webhook Call) instead: n8n saves the execution and resumes it when the user comes back.",
		displayOptions: { show },
	},
	simplifyField('connectedAccount', 'waitForConnection', true),
];

/** A number of seconds within the field's bounds, or the item fails before any request. */
function readSeconds(this: IExecuteFunctions, item: ItemContext, field: typeof INTERVAL): number {
	const value = readParameter.call(this, item, field.name, field.default);
	const bounds = { label: field.label, min: field.min, max: field.max, unit: 'seconds' };
	return readBoundedNumber.call(this, value, bounds, item.itemIndex) * 1000;
}

/**
 * A wait's elapsed time: the clock, or the end of the latest pause if that is later (a timer that
 * fires a millisecond early; in tests, a pause that is recorded rather than slept), as the rate
 * gate keeps its time.
 */
function stopwatch(clock: () => number = Date.now) {
	const start = clock();
	let sleptUntil = start;
	const now = () => Math.max(clock(), sleptUntil);
	return {
		elapsed: () => now() - start,
		async pause(ms: number, signal: AbortSignal) {
			const until = now() + ms;
			await pause(ms, signal);
			sleptUntil = Math.max(sleptUntil, until);
		},
	};
}

function isRateLimited(error: unknown): error is NodeApiError {
	return error instanceof NodeApiError && String(error.httpCode) === '429';
}

/** A setting as given, e.g. "2.5 s". */
function seconds(ms: number): string {
	return `${ms / 1000} s`;
}

/**
 * Polls GET /connected_accounts/{id}: at once, then a Poll Interval after each answer, until the
 * account is ACTIVE (the output), has ended (the item fails with Composio's status and
 * status_reason), or Wait Timeout has passed (the last check comes at Wait Timeout, sooner than a
 * Poll Interval after the one before if need be; then the item fails saying what the account
 * still is). Every item of the run waits at once; each check takes one of Concurrency's
 * slots while it is under way (item.withSlot, granted in turn), so a check may start late when
 * many are due together. Checks go through the run's client: the shared rate gate, its retries and
 * Retry-After. A check that the rate limit still refuses after those retries only misses that
 * check. Cancelling the execution, or another item's failure when the node does not continue on
 * fail, ends the wait at once (the run's signal, item.signal).
 */
export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { itemIndex, fields } = item;
	const { connectedAccountId } = readIds.call(this, item, [CONNECTED_ACCOUNT_ID]);
	const intervalMs = readSeconds.call(this, item, INTERVAL);
	const timeoutMs = readSeconds.call(this, item, TIMEOUT);
	const simplify = readSimplify.call(this, item, true);
	if (intervalMs > timeoutMs) {
		throw invalidInput.call(
			this,
			`${INTERVAL.label} (${seconds(intervalMs)}) is longer than ${TIMEOUT.label} (${seconds(timeoutMs)}): make it shorter, or the Wait Timeout longer`,
			itemIndex,
		);
	}
	const { signal } = item;
	const clock = stopwatch();
	let checks = 0;
	let status: string | undefined;
	let refused: NodeApiError | undefined;

	for (;;) {
		checks++;
		const answer = await settle(
			item.withSlot(
				async () => await getConnectedAccount(item.client, connectedAccountId, itemIndex),
			),
		);
		refused = undefined;
		if (!answer.ok) {
			if (signal.aborted) throw interrupted.call(this, signal, itemIndex);
			// Refused by the rate limit even after the client's retries: this check is missed, the
			// wait goes on. Anything else (a 404, a revoked key) ends it.
			if (!isRateLimited(answer.error)) throw answer.error;
			refused = answer.error;
		} else {
			const account = answer.value;
			status = typeof account.status === 'string' ? account.status : undefined;
			const disabled = account.is_disabled === true;
			if (status === 'ACTIVE' && !disabled) {
				return [simplify ? simplifyConnectedAccount(account) : account];
			}
			if (disabled || (status !== undefined && ENDED.includes(status))) {
				throw ended.call(this, item, connectedAccountId, account);
			}
		}
		// The next check is an interval after this one's answer: never two checks of an account
		// closer than that, however long this one waited for a slot, the rate gate or a retry (and
		// checks held up together spread out again rather than staying bunched). The last check is
		// at Wait Timeout itself, however the checks' own time has shifted the ones before it.
		const remainingMs = timeoutMs - clock.elapsed();
		const pauseMs = Math.min(intervalMs, remainingMs);
		if (remainingMs <= 0) {
			const waited = `${Math.round(clock.elapsed() / 1000)} s`;
			const lastCheck = refused
				? ` The last check was refused by Composio's rate limit (429).`
				: '';
			if (status === undefined && refused) {
				addDescription(
					refused,
					`Every check for ${waited} was refused by Composio's rate limit, so the account's status is not known.`,
				);
				throw refused;
			}
			fields.status = status ?? null;
			const raise =
				timeoutMs < TIMEOUT.max * 1000 ? ` Raise '${TIMEOUT.label}' (up to ${TIMEOUT.max} s).` : '';
			throw new NodeOperationError(
				this.getNode(),
				`Connected account ${connectedAccountId} is still ${status ?? 'without a status'} after ${waited}`,
				{
					itemIndex,
					description: `Checked ${checks} times, every ${seconds(intervalMs)}, within the ${TIMEOUT.label} of ${seconds(timeoutMs)}: the user has not finished connecting.${lastCheck}${raise} A connect link lives about 10 minutes: to wait longer, give the user a new link (Connected Account › Refresh, or Create Link again), or pause in n8n's Wait node (On Webhook Call) with {{ $execution.resumeUrl }} as the link's Callback URL.`,
				},
			);
		}
		// Cancelling the execution, or another item's failure without continue on fail, ends the
		// pause at once (the run's signal); a pause that returns after it all the same ends the
		// wait too.
		const paused = await settle(clock.pause(pauseMs, signal));
		if (signal.aborted) throw interrupted.call(this, signal, itemIndex);
		if (!paused.ok) throw paused.error;
	}
}

/**
 * The item's error for an account the wait ends on: a status it does not leave by itself, or
 * disabled (whatever its status: its tools do not run until it is enabled). The error item
 * carries the status, Composio's status_reason and isDisabled.
 */
function ended(
	this: IExecuteFunctions,
	{ itemIndex, fields }: ItemContext,
	connectedAccountId: string,
	account: IDataObject,
): NodeOperationError {
	const status = typeof account.status === 'string' ? account.status : null;
	const reason = typeof account.status_reason === 'string' ? account.status_reason : null;
	const disabled = account.is_disabled === true;
	Object.assign(fields, { status, statusReason: reason, isDisabled: disabled });
	if (status !== null && ENDED.includes(status)) {
		return new NodeOperationError(
			this.getNode(),
			`Connected account ${connectedAccountId} is ${status}${reason ? `: ${reason}` : ''}`,
			{
				itemIndex,
				description: `The wait ends on FAILED, EXPIRED, REVOKED and INACTIVE: the account does not turn ACTIVE from there by itself. Refresh the account (Connected Account › Refresh) or create a new link for the user to connect again.`,
			},
		);
	}
	return new NodeOperationError(
		this.getNode(),
		`Connected account ${connectedAccountId} is disabled (${status ?? 'without a status'})`,
		{
			itemIndex,
			description: `A disabled account's tools do not run, whatever its status, so the wait ends. Enable it (Connected Account › Enable), then wait again.`,
		},
	);
}
