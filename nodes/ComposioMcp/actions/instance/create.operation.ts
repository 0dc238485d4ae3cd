import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { parseId, parsePathId } from '../../helpers/validation';
import { composioApiRequest } from '../../transport';
import { buildPath } from '../../transport/url';
import { serverLocator } from '../common.descriptions';
import { attachErrorFields } from '../errorFields';

const showFor = { show: { resource: ['instance'], operation: ['create'] } };

export const description: INodeProperties[] = [
	{ ...serverLocator, displayOptions: showFor },
	{
		displayName: 'User ID',
		name: 'userId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. user_123 or {{ $json.email }}',
		description:
			"Your own ID for the end user, e.g. their email or your app's user ID. Composio uses it as the instance ID, so each user gets one instance per server.",
		displayOptions: showFor,
	},
];

/** Composio's duplicate answer is 409, though its spec also allows a 400 with the same message. */
function isDuplicate(error: NodeApiError): boolean {
	return (
		error.httpCode === '409' || (error.httpCode === '400' && /already exists/i.test(error.message))
	);
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const rawServerId = this.getNodeParameter('serverId', itemIndex, '', { extractValue: true });
	const rawUserId = this.getNodeParameter('userId', itemIndex, '');
	const serverId = parsePathId(rawServerId, 'Server');
	const userId = parseId(rawUserId, 'User ID');
	const fields: IDataObject = {
		serverId: serverId.ok ? serverId.value : (rawServerId as IDataObject[string]),
		userId: userId.ok ? userId.value : (rawUserId as IDataObject[string]),
	};

	const invalid = (message: string) =>
		attachErrorFields(
			new NodeOperationError(this.getNode(), message, {
				itemIndex,
				description: 'Nothing was sent to Composio for this item.',
			}),
			fields,
		);
	if (!serverId.ok) throw invalid(serverId.message);
	if (!userId.ok) throw invalid(userId.message);

	try {
		const instance = await composioApiRequest.call(this, {
			method: 'POST',
			path: buildPath('/mcp/servers/{serverId}/instances', { serverId: serverId.value }),
			body: { user_id: userId.value },
			itemIndex,
		});
		return [instance];
	} catch (error) {
		if (error instanceof NodeApiError && isDuplicate(error)) {
			if (!/already exists/i.test(error.message)) {
				error.message = `An instance for user "${userId.value}" already exists on this server`;
			}
			error.description = [
				`User "${userId.value}" already has an instance on server ${serverId.value}.`,
				error.description,
			]
				.filter(Boolean)
				.join(' ');
		}
		throw attachErrorFields(error, fields);
	}
}
