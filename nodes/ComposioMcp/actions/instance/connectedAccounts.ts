import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { createConnectLink, missingConnections } from '../../calls';
import type { ItemContext } from '../common';

/**
 * Fails the item before the create when the user is not connected to every auth config of the
 * server, naming what is missing and, with a callback URL, carrying one connect link for each.
 */
export async function ensureConnected(
	this: IExecuteFunctions,
	{ itemIndex, fields, client }: ItemContext,
	serverId: string,
	userId: string,
	callbackUrl: string | undefined,
): Promise<void> {
	const missing = await missingConnections(client, serverId, userId, itemIndex);
	if (missing.length === 0) return;

	const connectLinks: IDataObject[] = [];
	if (callbackUrl) {
		for (const connection of missing) {
			connectLinks.push(
				await createConnectLink(client, connection, userId, callbackUrl, itemIndex),
			);
		}
	}

	const names = missing.map(({ authConfigId, toolkit }) =>
		toolkit ? `${toolkit} (${authConfigId})` : authConfigId,
	);
	Object.assign(fields, {
		missingAuthConfigIds: missing.map((m) => m.authConfigId),
		missingToolkits: missing.map((m) => m.toolkit).filter((t): t is string => Boolean(t)),
		...(callbackUrl ? { connectLinks } : {}),
	});
	throw new NodeOperationError(
		this.getNode(),
		`User "${userId}" has no active connected account for: ${names.join(', ')}`,
		{
			itemIndex,
			description: callbackUrl
				? 'No instance was created. The item carries one connect link per missing auth config (connectLinks): send them to the user, then run again.'
				: 'No instance was created. Set a Callback URL in the options to get connect links for the user.',
		},
	);
}
