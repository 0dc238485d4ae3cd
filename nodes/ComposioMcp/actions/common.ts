import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseList } from '../../shared/helpers/lists';
import {
	parseBoundedNumber,
	parseId,
	parsePathId,
	parseText,
} from '../../shared/helpers/validation';
import type { ComposioClient } from '../../shared/transport';

/**
 * What an operation runs with: the item's index, and `fields`, where it records the inputs it
 * worked on (server, user, …) so a failed item on the error output still says what it was about.
 */
export interface ItemContext {
	itemIndex: number;
	fields: IDataObject;
	/** The run's client: every request goes through it. */
	client: ComposioClient;
	/** The run's parameters without expressions, read once (see readParameter). */
	staticParameters: Map<string, unknown>;
	/**
	 * The run's signal: aborted when the execution is cancelled, or (with the reason RunStopped)
	 * when a failed item stops a run that does not continue on fail. Long waits end on it.
	 */
	signal: AbortSignal;
	/**
	 * Runs one request (its retries included) within Request Options › Concurrency. For an
	 * operation whose items all run at once (`concurrency: 'requests'`), it waits for one of the
	 * run's slots; for the others the item holds its slot from start to end, and this runs at once.
	 */
	withSlot<T>(request: () => Promise<T>): Promise<T>;
}

/** The reason of the run's signal once a failed item has stopped the run (see ItemContext). */
export class RunStopped extends Error {
	constructor() {
		super('Another item failed: the run stopped');
	}
}

/**
 * The error for an item whose wait the run's signal ended: the run's stop as it is (the router
 * drops it: no failure of the item's own), else the execution's cancel.
 */
export function interrupted(
	this: IExecuteFunctions,
	signal: AbortSignal,
	itemIndex: number,
): NodeOperationError | RunStopped {
	if (signal.reason instanceof RunStopped) return signal.reason;
	return new NodeOperationError(this.getNode(), 'The execution was cancelled', { itemIndex });
}

function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value !== null && typeof value === 'object')
		return Object.values(value).some(holdsExpression);
	return false;
}

/**
 * A parameter's value for the item. One without an expression anywhere in it is the same for
 * every item, so n8n resolves (and copies) it once per run instead of once per item. The value is
 * shared between items: read it, never change it.
 */
export function readParameter(
	this: IExecuteFunctions,
	{ itemIndex, staticParameters }: ItemContext,
	name: string,
	fallback: unknown,
	options?: { extractValue?: boolean },
): unknown {
	const key = options?.extractValue ? `${name}\u0000value` : name;
	if (staticParameters.has(key)) return staticParameters.get(key);
	const value = this.getNodeParameter(name, itemIndex, fallback, options) as unknown;
	if (!holdsExpression(this.getNode().parameters[name])) staticParameters.set(key, value);
	return value;
}

export type OperationExecute = (
	this: IExecuteFunctions,
	item: ItemContext,
) => Promise<IDataObject[]>;

/** An operation's entry in its resource's Operation list. */
export interface OperationOption {
	name: string;
	value: string;
	action: string;
	description: string;
}

/**
 * What Request Options › Concurrency counts for an operation: items ('items', the default: each
 * item holds a slot from its start to its end), or requests ('requests': every item starts at
 * once, and holds a slot only while one of its requests is under way, through item.withSlot),
 * for an operation whose items mostly wait between requests.
 */
export type ConcurrencyOf = 'items' | 'requests';

/** What every `*.operation.ts` exports: its entry in the list, its fields, and its work. */
export interface OperationModule {
	option: OperationOption;
	description: INodeProperties[];
	execute: OperationExecute;
	concurrency?: ConcurrencyOf;
}

/** A per-item error for bad input: nothing is sent to Composio for that item. */
export function invalidInput(
	this: IExecuteFunctions,
	message: string,
	itemIndex: number,
): NodeOperationError {
	return new NodeOperationError(this.getNode(), message, {
		itemIndex,
		description: 'Nothing was sent to Composio for this item.',
	});
}

export interface IdParameter {
	parameter: string;
	label: string;
	/** An id that goes into the URL path ("." and ".." are refused). */
	inPath: boolean;
}

export const SERVER_ID: IdParameter = { parameter: 'serverId', label: 'Server', inPath: true };
export const SESSION_ID: IdParameter = {
	parameter: 'sessionId',
	label: 'Session ID',
	inPath: true,
};
export const CONNECTED_ACCOUNT_ID: IdParameter = {
	parameter: 'connectedAccountId',
	label: 'Connected Account',
	inPath: true,
};
/** An auth config ID goes into the path to read one; Create Link sends it in the body. */
export const AUTH_CONFIG_ID: IdParameter = {
	parameter: 'authConfigId',
	label: 'Auth Config',
	inPath: true,
};
/** A user ID goes into the path where it names an instance, into the body everywhere else. */
export const USER_ID: IdParameter = { parameter: 'userId', label: 'User ID', inPath: false };
export const USER_ID_IN_PATH: IdParameter = { ...USER_ID, inPath: true };

/**
 * Reads id parameters (resource locators or strings) into the strings Composio receives. All raw
 * values are recorded in the item's fields first, so an error about one still names the others;
 * each expression is evaluated once.
 */
export function readIds(
	this: IExecuteFunctions,
	item: ItemContext,
	ids: IdParameter[],
): Record<string, string> {
	const { itemIndex, fields } = item;
	const raws = ids.map(({ parameter }) => {
		const raw = readParameter.call(this, item, parameter, '', { extractValue: true });
		fields[parameter] = raw as IDataObject[string];
		return raw;
	});
	const values: Record<string, string> = {};
	ids.forEach(({ parameter, label, inPath }, index) => {
		const parsed = inPath ? parsePathId(raws[index], label) : parseId(raws[index], label);
		if (!parsed.ok) {
			const expression = emptyExpression.call(this, parameter, raws[index]);
			if (expression) {
				throw new NodeOperationError(
					this.getNode(),
					`${label} is empty: its expression gave no value for this item`,
					{
						itemIndex,
						description: `The expression is ${expression}. n8n gives no value when something inside an expression fails, e.g. reading a field this item does not have; open the parameter to see n8n's message. Nothing was sent to Composio for this item.`,
					},
				);
			}
			throw invalidInput.call(this, parsed.message, itemIndex);
		}
		fields[parameter] = parsed.value;
		values[parameter] = parsed.value;
	});
	return values;
}

/**
 * The expression of a parameter that evaluated to nothing, or undefined. n8n turns an error
 * inside an expression into an empty value, so "empty" alone would send the user looking at
 * their data rather than at the expression.
 */
function emptyExpression(
	this: IExecuteFunctions,
	parameter: string,
	value: unknown,
): string | undefined {
	if (value !== undefined && value !== null && value !== '') return undefined;
	const raw = locatorValue(this.getNode().parameters[parameter]);
	return typeof raw === 'string' && raw.startsWith('=') && raw.includes('{{')
		? raw.slice(1).trim()
		: undefined;
}

/**
 * A resource locator's value (`{ __rl, mode, value }`), or the value itself: for pickers n8n does
 * not unwrap (those inside a collection's rows) and text saved before a parameter became a picker.
 */
export function locatorValue(value: unknown): unknown {
	return value !== null && typeof value === 'object' && '__rl' in value
		? (value as { value?: unknown }).value
		: value;
}

export function readServerId(this: IExecuteFunctions, item: ItemContext): string {
	return readIds.call(this, item, [SERVER_ID]).serverId;
}

/** Return All / Limit as the limit the pagination helper takes (undefined = all). */
export function readLimit(this: IExecuteFunctions, item: ItemContext): number | undefined {
	if (readParameter.call(this, item, 'returnAll', false) as boolean) return undefined;
	return Math.max(1, Number(readParameter.call(this, item, 'limit', 50)) || 50);
}

/** A parser's value, or the item fails with its message. */
function parsedOrFail<T>(
	context: IExecuteFunctions,
	parsed: { ok: true; value: T } | { ok: false; message: string },
	itemIndex: number,
): T {
	if (!parsed.ok) throw invalidInput.call(context, parsed.message, itemIndex);
	return parsed.value;
}

/** A list parameter (comma-separated text or a list) as Composio's array; bad entries fail the item. */
export function readList(
	this: IExecuteFunctions,
	value: unknown,
	label: string,
	itemIndex: number,
): string[] {
	return parsedOrFail(this, parseList(value, label), itemIndex);
}

/** A number within bounds (a number or numeric text), or the item fails before any request. */
export function readBoundedNumber(
	this: IExecuteFunctions,
	value: unknown,
	bounds: Parameters<typeof parseBoundedNumber>[1],
	itemIndex: number,
): number {
	return parsedOrFail(this, parseBoundedNumber(value, bounds), itemIndex);
}

/** A text parameter or option as Composio receives it ('' if not given); a list or object fails the item. */
export function readText(
	this: IExecuteFunctions,
	value: unknown,
	label: string,
	itemIndex: number,
): string {
	return parsedOrFail(this, parseText(value, label), itemIndex);
}

/**
 * A JSON object parameter or option: JSON text, or an object from an expression; empty text is
 * {}. Anything else fails the item, with `example` showing what is wanted.
 */
export function readJsonObject(
	this: IExecuteFunctions,
	raw: unknown,
	label: string,
	example: string,
	itemIndex: number,
): IDataObject {
	let value: unknown = raw === undefined ? {} : raw;
	if (typeof value === 'string') {
		if (value.trim() === '') return {};
		try {
			value = JSON.parse(value);
		} catch {
			throw invalidInput.call(this, `${label} is not valid JSON`, itemIndex);
		}
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		throw invalidInput.call(this, `${label} must be a JSON object, e.g. ${example}`, itemIndex);
	}
	return value as IDataObject;
}

/**
 * Refuses, before anything is sent, an option that only Composio's API v3.1 takes when the
 * credential uses another version (Composio's v3 would refuse or ignore it). An operation that
 * only v3.1 has (Session › Update, Delete) passes `fix` instead of "or remove the option".
 */
export function requireV31(
	this: IExecuteFunctions,
	item: ItemContext,
	option: string,
	fix = `Switch the credential's API Version to V3.1, or remove '${option}'.`,
): void {
	if (item.client.apiVersion === 'v3.1') return;
	throw new NodeOperationError(
		this.getNode(),
		`${option} needs Composio's API v3.1, and the credential uses ${item.client.apiVersion ?? 'an unknown version'}`,
		{
			itemIndex: item.itemIndex,
			description: `${fix} Nothing was sent to Composio for this item.`,
		},
	);
}

/** A boolean parameter or option: true or false, or the texts "true" and "false" from an expression. */
export function readBoolean(
	this: IExecuteFunctions,
	value: unknown,
	label: string,
	itemIndex: number,
): boolean {
	if (typeof value === 'boolean') return value;
	// Boolean() would read the text "false" as true.
	const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
	if (text === 'true' || text === 'false') return text === 'true';
	throw invalidInput.call(
		this,
		`${label} must be true or false, got ${JSON.stringify(value) ?? String(value)}`,
		itemIndex,
	);
}
