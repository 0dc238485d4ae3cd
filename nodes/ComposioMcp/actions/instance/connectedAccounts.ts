import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { composioApiRequest } from '../../transport';
import { requestAllCursor } from '../../transport/pagination';
import type { ItemContext } from '../common';
import { getServer } from '../server/get.operation';

interface MissingConnection {
	authConfigId: string;
	toolkit: string | null;
}

/** The server's auth configs for which the user has no ACTIVE connected account. */
async function findMissing(
	this: IExecuteFunctions,
	serverId: string,
	userId: string,
	itemIndex: number,
): Promise<MissingConnection[]> {
	const server = await getServer.call(this, serverId, itemIndex);
	const required = (
		Array.isArray(server.auth_config_ids) ? server.auth_config_ids : []
	) as string[];
	if (required.length === 0) return [];

	const accounts = await requestAllCursor.call(this, {
		method: 'GET',
		path: '/connected_accounts',
		// Composio takes its array filters comma-joined.
		qs: { user_ids: userId, auth_config_ids: required.join(','), statuses: 'ACTIVE' },
		itemIndex,
	});
	const connected = new Set(
		accounts
			.filter((account) => account.status === 'ACTIVE')
			.map((account) => (account.auth_config as IDataObject | undefined)?.id),
	);
	const missing = required.filter((id) => !connected.has(id));
	if (missing.length === 0) return [];

	// Toolkit names make the error readable; the auth config list is the one place that has them.
	const authConfigs = await requestAllCursor.call(this, {
		method: 'GET',
		path: '/auth_configs',
		itemIndex,
	});
	const toolkitOf = new Map(
		authConfigs.map((config) => [config.id, (config.toolkit as IDataObject | undefined)?.slug]),
	);
	return missing.map((authConfigId) => ({
		authConfigId,
		toolkit: (toolkitOf.get(authConfigId) as string | undefined) ?? null,
	}));
}

/**
 * Fails the item before the create when the user is not connected to every auth config of the
 * server, naming what is missing and, with a callback URL, carrying one connect link for each.
 */
export async function ensureConnected(
	this: IExecuteFunctions,
	{ itemIndex, fields }: ItemContext,
	serverId: string,
	userId: string,
	callbackUrl: string | undefined,
): Promise<void> {
	const missing = await findMissing.call(this, serverId, userId, itemIndex);
	if (missing.length === 0) return;

	const connectLinks: IDataObject[] = [];
	if (callbackUrl) {
		for (const { authConfigId, toolkit } of missing) {
			const link = await composioApiRequest.call(this, {
				method: 'POST',
				path: '/connected_accounts/link',
				body: { auth_config_id: authConfigId, user_id: userId, callback_url: callbackUrl },
				itemIndex,
				// Each attempt that reaches Composio starts a connection; one is enough.
				safeToRepeat: false,
			});
			connectLinks.push({
				authConfigId,
				toolkit,
				redirectUrl: link.redirect_url ?? null,
				expiresAt: link.expires_at ?? null,
				connectedAccountId: link.connected_account_id ?? null,
			});
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
