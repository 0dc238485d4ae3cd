/**
 * The Composio calls that more than one operation makes: a server, a user's MCP URL, a user's
 * instance, a connected account, the connections a user lacks and the links to make them. Operations use these and
 * never each other.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ComposioClient } from '../../shared/transport';
import { buildPath } from '../../shared/transport';

/** One object read by its ID, which goes into the path template's `{id}`. */
function getById(template: string) {
	return async (client: ComposioClient, id: string, itemIndex: number): Promise<IDataObject> =>
		await client.request({ method: 'GET', path: buildPath(template, { id }), itemIndex });
}

export const getServer = getById('/mcp/{id}');

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

/** A connected account by its ID: Connected Account › Get, and Wait for Connection's polls. */
export const getConnectedAccount = getById('/connected_accounts/{id}');

/**
 * Connected Account › Enable and Disable: Composio's answer with the account's ID and the state
 * asked for on top. Repeating it changes nothing, so it is retried like a read.
 */
export async function setConnectedAccountEnabled(
	client: ComposioClient,
	connectedAccountId: string,
	enabled: boolean,
	itemIndex: number,
): Promise<IDataObject> {
	const answer = await client.request({
		method: 'PATCH',
		path: buildPath('/connected_accounts/{id}/status', { id: connectedAccountId }),
		body: { enabled },
		itemIndex,
	});
	return { connectedAccountId, enabled, ...answer };
}

export interface ConnectLinkBody extends IDataObject {
	auth_config_id: string;
	user_id: string;
	callback_url?: string;
	connection_data?: IDataObject;
	/** API v3.1 only. */
	alias?: string;
}

/**
 * Composio's connect link for an auth config. Each call makes a new link and pending account:
 * never sent again once it may have reached Composio.
 */
export async function requestConnectLink(
	client: ComposioClient,
	body: ConnectLinkBody,
	itemIndex: number,
	ifOutcomeUnknown?: string,
): Promise<IDataObject> {
	return await client.request({
		method: 'POST',
		path: '/connected_accounts/link',
		body,
		itemIndex,
		safeToRepeat: false,
		ifOutcomeUnknown,
	});
}

/** A link where the user connects an account for an auth config the user lacks. */
export async function createConnectLink(
	client: ComposioClient,
	{ authConfigId, toolkit }: MissingConnection,
	userId: string,
	callbackUrl: string,
	itemIndex: number,
): Promise<IDataObject> {
	const link = await requestConnectLink(
		client,
		{ auth_config_id: authConfigId, user_id: userId, callback_url: callbackUrl },
		itemIndex,
	);
	return {
		authConfigId,
		toolkit,
		redirectUrl: link.redirect_url ?? null,
		expiresAt: link.expires_at ?? null,
		connectedAccountId: link.connected_account_id ?? null,
	};
}
