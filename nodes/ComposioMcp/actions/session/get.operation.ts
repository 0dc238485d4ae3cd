import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildPath } from '../../../shared/transport';
import type { ItemContext, OperationOption } from '../common';
import { readIds } from '../common';
import { sessionIdParameter, sessionOutput } from './session';

export const option: OperationOption = {
	name: 'Get',
	value: 'get',
	action: 'Get a session',
	description: 'Get a session by its ID. Returns sessionId, mcpUrl and its configuration.',
};

export const description: INodeProperties[] = [sessionIdParameter('get')];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { sessionId } = readIds.call(this, item, [
		{ parameter: 'sessionId', label: 'Session ID', inPath: true },
	]);
	const session = await item.client.request({
		method: 'GET',
		path: buildPath('/tool_router/session/{sessionId}', { sessionId }),
		itemIndex: item.itemIndex,
	});
	return [sessionOutput(session)];
}
