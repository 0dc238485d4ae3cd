/**
 * The Composio calls that more than one operation makes: a server, a user's MCP URL, a user's
 * instance, the connections a user lacks and the links to make them. Operations use these and
 * never each other.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ComposioClient } from '../../shared/transport';
import { buildPath } from '../../shared/transport';

export async function getServer(
	client: ComposioClient,
	serverId: string,
	itemIndex: number,
): Promise<IDataObject> {
	return await client.request({
		method: 'GET',
		path: buildPath('/mcp/{id}', { id: serverId }),
		itemIndex,
	});
}

export interface GenerateUrlsBody {
	user_ids?: string[];
	connected_account_ids?: string[];
	managed_auth_by_composio?: boolean;
}

/** Server › Generate URL, also Instance › Create's Include MCP URL. */
export async function generateUrls(
	client: ComposioClient,
	serverId: string,
	body: GenerateUrlsBody,
	itemIndex: number,
): Promise<IDataObject> {
	return await client.request({
		method: 'POST',
		path: '/mcp/servers/generate',
		body: { mcp_server_id: serverId, ...body },
		itemIndex,
	});
}

/** The user's instance on a server, or undefined. */
export async function findInstance(
	client: ComposioClient,
	serverId: string,
	userId: string,
	itemIndex: number,
): Promise<IDataObject | undefined> {
	// search matches parts of ids; the instance is the one whose id is exactly the user's.
	const isUsers = (instance: IDataObject) => instance.instance_id === userId;
	const pages = await client.pages({
		method: 'GET',
		path: buildPath('/mcp/servers/{serverId}/instances', { serverId }),
		qs: { search: userId },
		itemsKey: 'instances',
		until: isUsers,
		itemIndex,
	});
	return pages.find(isUsers);
}

export interface MissingConnection {
	authConfigId: string;
	toolkit: string | null;
}

/** The server's auth configs for which the user has no ACTIVE connected account. */
export async function missingConnections(
	client: ComposioClient,
	serverId: string,
	userId: string,
	itemIndex: number,
): Promise<MissingConnection[]> {
	const server = await getServer(client, serverId, itemIndex);
	const required = (
		Array.isArray(server.auth_config_ids) ? server.auth_config_ids : []
	) as string[];
	if (required.length === 0) return [];

	const accounts = await client.cursorPages({
		method: 'GET',
		path: '/connected_accounts',
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

	const authConfigs = await client.cursorPages({ method: 'GET', path: '/auth_configs', itemIndex });
	const toolkitOf = new Map(
		authConfigs.map((config) => [config.id, (config.toolkit as IDataObject | undefined)?.slug]),
	);
	return missing.map((authConfigId) => ({
		authConfigId,
		toolkit: (toolkitOf.get(authConfigId) as string | undefined) ?? null,
	}));
}

/**
 * A link where the user connects an account for an auth config. Each call makes a new link and
 * pending account: never sent again once it may have reached Composio.
 */
export async function createConnectLink(
	client: ComposioClient,
	{ authConfigId, toolkit }: MissingConnection,
	userId: string,
	callbackUrl: string,
	itemIndex: number,
): Promise<IDataObject> {
	const link = await client.request({
		method: 'POST',
		path: '/connected_accounts/link',
		body: { auth_config_id: authConfigId, user_id: userId, callback_url: callbackUrl },
		itemIndex,
		safeToRepeat: false,
	});
	return {
		authConfigId,
		toolkit,
		redirectUrl: link.redirect_url ?? null,
		expiresAt: link.expires_at ?? null,
		connectedAccountId: link.connected_account_id ?? null,
	};
}
