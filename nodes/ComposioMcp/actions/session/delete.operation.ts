import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildPath } from '../../../shared/transport';
import type { ItemContext, OperationOption } from '../common';
import { readIds, SESSION_ID } from '../common';
import { requireSessionLifecycle, sessionIdParameter } from './session';

export const option: OperationOption = {
	name: 'Delete',
	value: 'delete',
	action: 'Delete session',
	description:
		"Delete a Tool Router session: its MCP URL stops working. Needs the credential's API Version V3.1. Returns 'deleted': true and the session's ID.",
};

export const description: INodeProperties[] = [sessionIdParameter('delete')];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { sessionId } = readIds.call(this, item, [SESSION_ID]);
	requireSessionLifecycle.call(this, item, 'Delete');
	await item.client.request({
		method: 'DELETE',
		path: buildPath('/tool_router/session/{sessionId}', { sessionId }),
		itemIndex: item.itemIndex,
		// A 404 to a repeated delete: the first attempt deleted it and its answer was lost.
		ifAlreadyDone: {
			when: (error) => error.httpCode === '404',
			resolve: async () => ({ session_id: sessionId, deleted: true }),
		},
	});
	return [{ deleted: true, sessionId }];
}
