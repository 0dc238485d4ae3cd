import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildPath } from '../../../shared/transport';
import type { ItemContext, OperationOption } from '../common';
import { readIds, SESSION_ID } from '../common';
import { readSimplify, simplifyField, simplifySession } from '../simplify';
import { sessionIdParameter, sessionOutput } from './session';

export const option: OperationOption = {
	name: 'Get',
	value: 'get',
	action: 'Get session',
	description: "Retrieve a session by its ID. Returns 'sessionId', 'mcpUrl' and its configuration.",
};

export const description: INodeProperties[] = [
	sessionIdParameter('get'),
	simplifyField('session', 'get'),
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { sessionId } = readIds.call(this, item, [SESSION_ID]);
	const simplify = readSimplify.call(this, item);
	const session = await item.client.request({
		method: 'GET',
		path: buildPath('/tool_router/session/{sessionId}', { sessionId }),
		itemIndex: item.itemIndex,
	});
	const output = sessionOutput(session);
	return [simplify ? simplifySession(output) : output];
}
