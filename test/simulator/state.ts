import { randomBytes, randomUUID } from 'node:crypto';

import {
	ACCOUNT_STATUSES,
	type AccountRecord,
	type AuthConfigRecord,
	type InstanceRecord,
	type ServerRecord,
	type SessionRecord,
	type SubscriptionRecord,
	type TriggerInstanceRecord,
} from './types';

const EPOCH = Date.UTC(2026, 0, 1);
const DEFAULT_TOOLKIT = 'github';

export function shortId(prefix: string): string {
	return `${prefix}_${randomBytes(6).toString('hex')}`;
}

function unique(values: string[]): string[] {
	return [...new Set(values)];
}

/** The simulator's in-memory Composio project. */
export class State {
	servers = new Map<string, ServerRecord>();

	/** serverId → instance_id → instance. */
	instances = new Map<string, Map<string, InstanceRecord>>();

	accounts: AccountRecord[] = [];

	authConfigs = new Map<string, AuthConfigRecord>();

	/** Tool Router sessions by id (see sessions.ts). */
	sessions = new Map<string, SessionRecord>();

	/** The project's one webhook subscription (see triggers.ts). */
	subscription: SubscriptionRecord | undefined;

	/** Whether GET and list show the subscription's secret (Composio's references disagree). */
	secretOnRead = true;

	triggerInstances = new Map<string, TriggerInstanceRecord>();

	private creates = new Map<string, number>();

	private tick = 0;

	/** A clock one second apart per call, so that ordering by time is deterministic. */
	now(): string {
		return new Date(EPOCH + ++this.tick * 1000).toISOString();
	}

	ensureAuthConfig(id: string, toolkit?: string): AuthConfigRecord {
		const existing = this.authConfigs.get(id);
		if (existing) return existing;
		const slug = toolkit ?? DEFAULT_TOOLKIT;
		return this.addAuthConfig({ id, toolkit: slug });
	}

	addAuthConfig(config: Partial<AuthConfigRecord> & { toolkit: string }): AuthConfigRecord {
		const record: AuthConfigRecord = {
			id: config.id ?? shortId('ac'),
			uuid: randomUUID(),
			name: config.name ?? `${config.toolkit} auth`,
			toolkit: config.toolkit,
			auth_scheme: config.auth_scheme ?? 'OAUTH2',
			is_composio_managed: config.is_composio_managed ?? true,
			created_at: this.now(),
		};
		this.authConfigs.set(record.id, record);
		return record;
	}

	addServer(
		server: Partial<
			Pick<ServerRecord, 'id' | 'name' | 'auth_config_ids' | 'toolkits' | 'allowed_tools'>
		> &
			Partial<Pick<ServerRecord, 'managed_auth_via_composio'>> = {},
	): ServerRecord {
		const authConfigIds = server.auth_config_ids ?? [];
		const configs = authConfigIds.map((id, index) =>
			this.ensureAuthConfig(id, server.toolkits?.[index] ?? server.toolkits?.[0]),
		);
		const at = this.now();
		const record: ServerRecord = {
			id: server.id ?? randomUUID(),
			name: server.name ?? `Test Server ${this.servers.size + 1}`,
			auth_config_ids: [...authConfigIds],
			toolkits: server.toolkits ? [...server.toolkits] : unique(configs.map((c) => c.toolkit)),
			allowed_tools: [...(server.allowed_tools ?? [])],
			managed_auth_via_composio: server.managed_auth_via_composio ?? false,
			created_at: at,
			updated_at: at,
			deleted: false,
		};
		this.servers.set(record.id, record);
		return record;
	}

	/** A server that exists and is not soft-deleted. */
	liveServer(id: string): ServerRecord | undefined {
		const server = this.servers.get(id);
		return server && !server.deleted ? server : undefined;
	}

	addAccount(
		userId: string,
		authConfigId: string,
		opts: { status?: string; toolkit?: string } = {},
	) {
		const status = opts.status ?? 'ACTIVE';
		if (!(ACCOUNT_STATUSES as readonly string[]).includes(status)) {
			throw new Error(`connected account status must be one of ${ACCOUNT_STATUSES.join(', ')}`);
		}
		const config = this.ensureAuthConfig(authConfigId, opts.toolkit);
		const at = this.now();
		const record: AccountRecord = {
			id: shortId('ca'),
			user_id: userId,
			auth_config_id: authConfigId,
			toolkit: opts.toolkit ?? config.toolkit,
			status,
			created_at: at,
			updated_at: at,
		};
		this.accounts.push(record);
		return record;
	}

	/** Auth config ids of the server that the user has no ACTIVE connected account for. */
	missingAccounts(server: ServerRecord, userId: string): string[] {
		return server.auth_config_ids.filter(
			(configId) =>
				!this.accounts.some(
					(a) => a.user_id === userId && a.auth_config_id === configId && a.status === 'ACTIVE',
				),
		);
	}

	instancesOf(serverId: string): InstanceRecord[] {
		return [...(this.instances.get(serverId)?.values() ?? [])];
	}

	addInstance(serverId: string, userId: string): InstanceRecord {
		const at = this.now();
		const record: InstanceRecord = {
			id: randomUUID(),
			instance_id: userId,
			mcp_server_id: serverId,
			created_at: at,
			updated_at: at,
		};
		let perServer = this.instances.get(serverId);
		if (!perServer) {
			perServer = new Map();
			this.instances.set(serverId, perServer);
		}
		perServer.set(userId, record);
		const key = JSON.stringify([serverId, userId]);
		this.creates.set(key, (this.creates.get(key) ?? 0) + 1);
		return record;
	}

	createCount(serverId: string, userId: string): number {
		return this.creates.get(JSON.stringify([serverId, userId])) ?? 0;
	}

	/** Removes an instance and the user's connected accounts for the server's auth configs. */
	deleteInstance(server: ServerRecord, userId: string): number | undefined {
		const perServer = this.instances.get(server.id);
		if (!perServer?.delete(userId)) return undefined;
		const before = this.accounts.length;
		this.accounts = this.accounts.filter(
			(a) => !(a.user_id === userId && server.auth_config_ids.includes(a.auth_config_id)),
		);
		return before - this.accounts.length;
	}

	/** Every toolkit slug the project knows of, for `GET /mcp/app/{appKey}`. */
	knownToolkits(): Set<string> {
		return new Set([
			...[...this.authConfigs.values()].map((c) => c.toolkit),
			...[...this.servers.values()].flatMap((s) => s.toolkits),
		]);
	}
}
