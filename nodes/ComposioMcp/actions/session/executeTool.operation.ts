import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { buildPath } from '../../../shared/transport';
import type { ItemContext, OperationOption } from '../common';
import { readIds, readJsonObject, readParameter, SESSION_ID } from '../common';
import { sessionIdParameter } from './session';

const showFor = { show: { resource: ['session'], operation: ['executeTool'] } };

export const option: OperationOption = {
	name: 'Execute Tool',
	value: 'executeTool',
	action: 'Execute tool',
	description:
		"Run one tool of the session (by its slug, e.g. GITHUB_GET_THE_AUTHENTICATED_USER) with arguments as a JSON object, as the session's user. Returns the tool's data and a log ID.",
};

export const description: INodeProperties[] = [
	sessionIdParameter('executeTool'),
	{
		displayName: 'Tool Slug',
		name: 'toolSlug',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. GITHUB_GET_THE_AUTHENTICATED_USER',
		description: 'The tool to run, by its Composio slug',
		displayOptions: showFor,
	},
	{
		displayName: 'Arguments',
		// Not `arguments`: n8n refuses that as a $fromAI key, which the editor derives from this name.
		name: 'toolArguments',
		type: 'json',
		default: '{}',
		description: "The tool's arguments, as a JSON object",
		displayOptions: showFor,
	},
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { itemIndex, fields } = item;
	const { sessionId, toolSlug } = readIds.call(this, item, [
		SESSION_ID,
		{ parameter: 'toolSlug', label: 'Tool Slug', inPath: false },
	]);
	const args = readJsonObject.call(
		this,
		readParameter.call(this, item, 'toolArguments', '{}'),
		'Arguments',
		'{"to": "ada@example.com"}',
		itemIndex,
	);
	const answer = await item.client.request({
		method: 'POST',
		path: buildPath('/tool_router/session/{sessionId}/execute', { sessionId }),
		body: { tool_slug: toolSlug, arguments: args },
		itemIndex,
		// A tool can have side effects (an email sent): never run twice.
		safeToRepeat: false,
		ifOutcomeUnknown:
			'The tool may have run although no answer said so: check its effect before running the item again.',
	});
	// Composio answers 200 when the tool itself failed, with `error` set: the item fails.
	if (typeof answer.error === 'string' && answer.error !== '') {
		fields.logId = (answer.log_id as string | undefined) ?? null;
		throw new NodeOperationError(this.getNode(), answer.error, {
			itemIndex,
			description: `The tool ${toolSlug} failed at Composio${answer.log_id ? ` (log ID ${String(answer.log_id)})` : ''}.`,
		});
	}
	return [{ data: answer.data ?? {}, logId: answer.log_id ?? null, sessionId, toolSlug }];
}
