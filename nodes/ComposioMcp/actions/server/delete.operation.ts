import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { settle } from '../../helpers/settle';
import { answeredAfterMaybeDone, composioApiRequest } from '../../transport';
import { buildPath } from '../../transport/url';
import type { ItemContext } from '../common';
import { readServerId } from '../common';
import { serverLocator } from '../common.descriptions';

const showFor = { show: { resource: ['server'], operation: ['delete'] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'Composio soft-deletes the server: it disappears from lists and its users can no longer connect, but Composio keeps its record.',
		name: 'deleteServerNotice',
		type: 'notice',
		default: '',
		displayOptions: showFor,
	},
	{ ...serverLocator, displayOptions: showFor },
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const serverId = readServerId.call(this, item);
	const deleted = await settle(
		composioApiRequest.call(this, {
			method: 'DELETE',
			path: buildPath('/mcp/{id}', { id: serverId }),
			itemIndex: item.itemIndex,
		}),
	);
	if (deleted.ok) return [deleted.value];
	// A 404 to a retry after an attempt that may have reached Composio: that attempt deleted it.
	if (answeredAfterMaybeDone(deleted.error, '404')) return [{ id: serverId, deleted: true }];
	throw deleted.error;
}
