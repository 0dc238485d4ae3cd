import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildPath } from '../../../shared/transport';
import type { ItemContext, OperationOption } from '../common';
import { readIds, readLimit, readParameter, SESSION_ID } from '../common';
import { returnAllOrLimit } from '../common.descriptions';
import { sessionIdParameter } from './session';

export const option: OperationOption = {
	name: 'Get Toolkits',
	value: 'getToolkits',
	action: 'Get session toolkits',
	description:
		"List the session's toolkits, one item each, with the user's connected account when there is one",
};

export const description: INodeProperties[] = [
	sessionIdParameter('getToolkits'),
	...returnAllOrLimit('session', 'getToolkits'),
	{
		displayName: 'Only Connected',
		name: 'onlyConnected',
		type: 'boolean',
		default: false,
		description: 'Whether to return only the toolkits the user has a connected account for',
		displayOptions: { show: { resource: ['session'], operation: ['getToolkits'] } },
	},
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { sessionId } = readIds.call(this, item, [SESSION_ID]);
	const onlyConnected = readParameter.call(this, item, 'onlyConnected', false) === true;
	const toolkits = await item.client.cursorPages({
		method: 'GET',
		path: buildPath('/tool_router/session/{sessionId}/toolkits', { sessionId }),
		qs: onlyConnected ? { is_connected: true } : {},
		itemIndex: item.itemIndex,
		limit: readLimit.call(this, item),
	});
	// The session on each item, so that the next node (e.g. Create Connect Link) can use it.
	return toolkits.map((toolkit) => ({ ...toolkit, sessionId }));
}
