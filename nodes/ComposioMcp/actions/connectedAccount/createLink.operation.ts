import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ConnectLinkBody } from '../../calls';
import { requestConnectLink } from '../../calls';
import type { ItemContext, OperationOption } from '../common';
import {
	AUTH_CONFIG_ID,
	readIds,
	readJsonObject,
	readParameter,
	readText,
	requireV31,
	USER_ID,
} from '../common';
import {
	authConfigLocator,
	callbackUrlField,
	optionsCollection,
	userIdField,
} from '../common.descriptions';

const showFor = { show: { resource: ['connectedAccount'], operation: ['createLink'] } };

export const option: OperationOption = {
	name: 'Create Link',
	value: 'createLink',
	action: 'Create connect link',
	description:
		"Create a link where a user connects an account through an auth config. Returns 'redirectUrl' (the link), 'connectedAccountId' and 'expiresAt'.",
};

export const description: INodeProperties[] = [
	{ ...authConfigLocator, displayOptions: showFor },
	{
		...userIdField,
		description:
			"Your own ID for the end user, e.g. their email or your app's user ID: the account is connected for this user",
		displayOptions: showFor,
	},
	{
		...callbackUrlField,
		description:
			"Where the user lands after connecting; Composio adds 'status' and 'connected_account_id' to its query. E.g. {{ $execution.resumeUrl }} with a Wait node.",
		displayOptions: showFor,
	},
	optionsCollection(showFor, [
		{
			displayName: 'Alias',
			name: 'alias',
			type: 'string',
			default: '',
			placeholder: 'e.g. Work Gmail',
			description:
				"A name for this connection, to tell a user's accounts for one toolkit apart. Needs the credential's API Version V3.1.",
		},
		{
			displayName: 'Connection Data',
			name: 'connectionData',
			type: 'json',
			default: '{}',
			description:
				'Fields the toolkit needs before the user connects, as a JSON object, e.g. {"subdomain": "acme"} for Zendesk',
		},
	]),
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { itemIndex } = item;
	// The auth config goes into the body here, not into a path.
	const { authConfigId, userId } = readIds.call(this, item, [
		{ ...AUTH_CONFIG_ID, inPath: false },
		USER_ID,
	]);
	const callbackUrl = readText.call(
		this,
		readParameter.call(this, item, 'callbackUrl', ''),
		'Callback URL',
		itemIndex,
	);
	const options = readParameter.call(this, item, 'options', {}) as IDataObject;
	const alias = readText.call(this, options.alias, 'Alias', itemIndex);
	const connectionData = readJsonObject.call(
		this,
		options.connectionData,
		'Connection Data',
		'{"subdomain": "acme"}',
		itemIndex,
	);
	if (alias) requireV31.call(this, item, 'Alias');

	const body: ConnectLinkBody = { auth_config_id: authConfigId, user_id: userId };
	if (callbackUrl) body.callback_url = callbackUrl;
	if (Object.keys(connectionData).length) body.connection_data = connectionData;
	if (alias) body.alias = alias;
	const link = await requestConnectLink(
		item.client,
		body,
		itemIndex,
		'Composio may have made the link (and a pending connected account) although its answer was lost; running the item again makes a new one, which works as well.',
	);
	return [
		{
			connectedAccountId: link.connected_account_id ?? null,
			redirectUrl: link.redirect_url ?? null,
			expiresAt: link.expires_at ?? null,
			...link,
		},
	];
}
