import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { buildPath } from '../../../shared/transport';
import type { ItemContext, OperationOption } from '../common';
import { readIds, readParameter, readText, SESSION_ID } from '../common';
import { callbackUrlField } from '../common.descriptions';
import { sessionIdParameter } from './session';

const showFor = { show: { resource: ['session'], operation: ['createLink'] } };

export const option: OperationOption = {
	name: 'Create Connect Link',
	value: 'createLink',
	action: 'Create connect link',
	description:
		"Create a link where the user connects an account for a toolkit of the session. Returns 'redirect_url' (the link) and 'connected_account_id'.",
};

export const description: INodeProperties[] = [
	sessionIdParameter('createLink'),
	{
		displayName: 'Toolkit',
		name: 'toolkit',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. github',
		description: 'The toolkit the user connects an account for',
		displayOptions: showFor,
	},
	{ ...callbackUrlField, displayOptions: showFor },
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { sessionId, toolkit } = readIds.call(this, item, [
		SESSION_ID,
		{ parameter: 'toolkit', label: 'Toolkit', inPath: false },
	]);
	const callbackUrl = readText.call(
		this,
		readParameter.call(this, item, 'callbackUrl', ''),
		'Callback URL',
		item.itemIndex,
	);
	const link = await item.client.request({
		method: 'POST',
		path: buildPath('/tool_router/session/{sessionId}/link', { sessionId }),
		body: { toolkit, ...(callbackUrl ? { callback_url: callbackUrl } : {}) },
		itemIndex: item.itemIndex,
		// Each link starts a pending connection: never sent twice.
		safeToRepeat: false,
		ifOutcomeUnknown:
			'Composio may have made the link although its answer was lost; running the item again makes a new one, which works as well.',
	});
	return [{ ...link, sessionId, toolkit }];
}
