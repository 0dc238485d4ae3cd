import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseId, parsePathId } from '../helpers/validation';

/**
 * What an operation runs with: the item's index, and `fields`, where it records the inputs it
 * worked on (server, user, …) so a failed item on the error output still says what it was about.
 */
export interface ItemContext {
	itemIndex: number;
	fields: IDataObject;
}

export type OperationExecute = (
	this: IExecuteFunctions,
	item: ItemContext,
) => Promise<IDataObject[]>;

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

/** Reads an id parameter (a resource locator or a string) into the string Composio receives. */
export function readId(
	this: IExecuteFunctions,
	{ itemIndex, fields }: ItemContext,
	parameter: string,
	label: string,
	options: { inPath: boolean },
): string {
	const raw = this.getNodeParameter(parameter, itemIndex, '', { extractValue: true });
	const parsed = options.inPath ? parsePathId(raw, label) : parseId(raw, label);
	fields[parameter] = parsed.ok ? parsed.value : (raw as IDataObject[string]);
	if (!parsed.ok) throw invalidInput.call(this, parsed.message, itemIndex);
	return parsed.value;
}

export function readServerId(this: IExecuteFunctions, item: ItemContext): string {
	return readId.call(this, item, 'serverId', 'Server', { inPath: true });
}

/** Return All / Limit as the limit the pagination helper takes (undefined = all). */
export function readLimit(this: IExecuteFunctions, itemIndex: number): number | undefined {
	if (this.getNodeParameter('returnAll', itemIndex, false) as boolean) return undefined;
	return Math.max(1, Number(this.getNodeParameter('limit', itemIndex, 50)) || 50);
}
