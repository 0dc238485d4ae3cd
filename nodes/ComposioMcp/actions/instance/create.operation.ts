import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { findInstance, generateUrls } from '../../calls';
import { settle } from '../../../shared/helpers/settle';
import { addDescription, buildPath } from '../../../shared/transport';
import type { ItemContext, OperationOption } from '../common';
import { readIds, readParameter, readText, SERVER_ID, USER_ID } from '../common';
import { callbackUrlField, serverLocator, userIdField } from '../common.descriptions';
import { ensureConnected } from './connectedAccounts';

const showFor = { show: { resource: ['instance'], operation: ['create'] } };

export const option: OperationOption = {
	name: 'Create',
	value: 'create',
	action: 'Create instance',
	description:
		"Create a user's instance on an MCP server so the user can connect to it. Returns the instance: ID, 'instance_id' (the user ID), 'mcp_server_id', 'created_at'; optionally 'alreadyExisted' and the user's 'mcpUrl'.",
};

export const description: INodeProperties[] = [
	{ ...serverLocator, displayOptions: showFor },
	{
		...userIdField,
		description:
			"Your own ID for the end user, e.g. their email or your app's user ID. Composio uses it as the instance ID, so each user gets one instance per server.",
		displayOptions: showFor,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showFor,
		options: [
			{
				...callbackUrlField,
				description:
					"With 'Check Connected Accounts First': where users land after connecting. When set, a user who is not connected yet gets one connect link per missing auth config on the failed item.",
			},
			{
				displayName: 'Check Connected Accounts First',
				name: 'checkConnectedAccounts',
				type: 'boolean',
				default: false,
				description:
					"Whether to check that the user has an active connected account for each of the server's auth configs before creating, and fail the item naming what is missing",
			},
			{
				displayName: 'If It Already Exists',
				name: 'ifExists',
				type: 'options',
				options: [
					{
						name: 'Error',
						value: 'error',
						description: 'The item fails, saying the instance already exists',
					},
					{
						name: 'Return Existing',
						value: 'returnExisting',
						description:
							"The existing instance comes out on the success output, with 'alreadyExisted': true",
					},
				],
				default: 'error',
				description: 'What to do when the user already has an instance on this server',
			},
			{
				displayName: 'Include MCP URL',
				name: 'includeMcpUrl',
				type: 'boolean',
				default: false,
				description: "Whether to add the user's MCP URL ('mcpUrl') to the output",
			},
		],
	},
];

/** Composio's duplicate answer is 409, though its spec also allows a 400 with the same message. */
function isDuplicate(error: unknown): error is NodeApiError {
	return (
		error instanceof NodeApiError &&
		(error.httpCode === '409' ||
			(error.httpCode === '400' && /already exists/i.test(error.message)))
	);
}

function describeDuplicate(
	error: NodeApiError,
	serverId: string,
	userId: string,
	returnExisting: boolean,
): NodeApiError {
	if (!/already exists/i.test(error.message)) {
		error.message = `An instance for user "${userId}" already exists on this server`;
	}
	error.description = [
		`User "${userId}" already has an instance on server ${serverId}.`,
		returnExisting ? undefined : 'Set If It Already Exists to Return Existing to reuse it.',
		error.description,
	]
		.filter(Boolean)
		.join(' ');
	return error;
}

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { itemIndex, fields, client } = item;
	const { serverId, userId } = readIds.call(this, item, [SERVER_ID, USER_ID]);
	const options = readParameter.call(this, item, 'options', {}) as IDataObject;
	const returnExisting = options.ifExists === 'returnExisting';

	if (options.checkConnectedAccounts) {
		const callbackUrl =
			readText.call(this, options.callbackUrl, 'Callback URL', itemIndex) || undefined;
		await ensureConnected.call(this, item, serverId, userId, callbackUrl);
	}

	let alreadyExisted = false;
	const created = await settle(
		client.request({
			method: 'POST',
			path: buildPath('/mcp/servers/{serverId}/instances', { serverId }),
			body: { user_id: userId },
			itemIndex,
			// A 409 after an attempt that may have reached Composio is most likely that attempt's
			// instance: the item gets it rather than an error, and Composio never gets a second create.
			ifAlreadyDone: {
				when: isDuplicate,
				resolve: async () => await findInstance(client, serverId, userId, itemIndex),
			},
			ifOutcomeUnknown:
				'Composio may have created the instance although no answer said so: run the item again with If It Already Exists set to Return Existing.',
		}),
	);
	let instance: IDataObject;
	if (created.ok) {
		instance = created.value;
	} else {
		const { error } = created;
		if (!isDuplicate(error)) throw error;
		const existing = returnExisting
			? await findInstance(client, serverId, userId, itemIndex)
			: undefined;
		if (!existing) throw describeDuplicate(error, serverId, userId, returnExisting);
		instance = existing;
		alreadyExisted = true;
	}

	const output: IDataObject = { ...instance };
	if (returnExisting) output.alreadyExisted = alreadyExisted;
	if (options.includeMcpUrl) {
		const urls = await settle(generateUrls(client, serverId, { user_ids: [userId] }, itemIndex));
		if (!urls.ok) {
			// The instance exists by now: say so, or a rerun with the default option would hit a 409.
			addDescription(
				urls.error,
				`The instance for user "${userId}" exists; only its MCP URL could not be fetched. Rerun with If It Already Exists set to Return Existing to get it.`,
			);
			fields.instanceId = (instance.id as string | undefined) ?? null;
			throw urls.error;
		}
		const userUrls = urls.value.user_ids_url;
		output.mcpUrl = Array.isArray(userUrls) ? (userUrls[0] ?? null) : null;
	}
	return [output];
}
