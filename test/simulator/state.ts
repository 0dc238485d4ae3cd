import { randomBytes, randomUUID } from 'node:crypto';

import {
	ACCOUNT_STATUSES,
	type AccountRecord,
	type AccountStatus,
	type AuthConfigRecord,
	type InstanceRecord,
	type LinkOutcome,
	type LinkRecord,
	type ServerRecord,
	type SessionRecord,
	type StatusChange,
	type SubscriptionRecord,
	type TriggerInstanceRecord,
} from './types';

const EPOCH = Date.UTC(2026, 0, 1);
const DEFAULT_TOOLKIT = 'github';
/** How long a connect link lives (Composio: about 10 minutes). */
const LINK_LIFETIME_MS = 10 * 60_000;
export const LINK_FAILED_REASON = 'The user did not grant access on the connect page';
/** The status_reason of an account whose connect link expired before the user finished. */
export const LINK_EXPIRED_REASON = 'The connect link expired';

/** A status change a test hook scheduled: after some GETs of the account, or at a time. */
interface PendingStatus {
	status: AccountStatus;
	reason: string | null;
	polls?: number;
	at?: number;
}

export function checkStatus(status: string): AccountStatus {
	if (!(ACCOUNT_STATUSES as readonly string[]).includes(status)) {
		throw new Error(`connected account status must be one of ${ACCOUNT_STATUSES.join(', ')}`);
	}
	return status as AccountStatus;
}

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

	/** Connect links by token (see connections.ts). */
	links = new Map<string, LinkRecord>();

	/** Each account's latest link, by account id. */
	private latestLinks = new Map<string, LinkRecord>();

	/** Users whose links fail on the hosted page unless the page is told otherwise. */
	failingUsers = new Set<string>();

	/** Status changes scheduled by test hooks, by account id. */
	pending = new Map<string, PendingStatus>();

	/** Every status change of each account, by account id, in order (see StatusChange). */
	private changes = new Map<string, StatusChange[]>();

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
		opts: { status?: string; toolkit?: string; alias?: string; id?: string } = {},
	) {
		const status = checkStatus(opts.status ?? 'ACTIVE');
		if (opts.id !== undefined && this.accounts.some((account) => account.id === opts.id)) {
			throw new Error(`connected account ${opts.id} exists already`);
		}
		const config = this.ensureAuthConfig(authConfigId, opts.toolkit);
		const at = this.now();
		const record: AccountRecord = {
			id: opts.id ?? shortId('ca'),
			user_id: userId,
			auth_config_id: authConfigId,
			toolkit: opts.toolkit ?? config.toolkit,
			status,
			status_reason: null,
			is_disabled: false,
			alias: opts.alias ?? null,
			created_at: at,
			updated_at: at,
		};
		this.accounts.push(record);
		return record;
	}

	/** The live account, with any status change whose time has come applied. */
	account(id: string): AccountRecord | undefined {
		const account = this.accounts.find((candidate) => candidate.id === id);
		if (account) this.applyDue(account);
		return account;
	}

	/**
	 * The status changes whose time has come (Date.now(), the clock tests may mock): a test hook's
	 * (activateAfter), then the expiry of an INITIATED account's latest link (Composio: a link
	 * lives about 10 minutes), which makes the account EXPIRED.
	 */
	private applyDue(account: AccountRecord): void {
		const pending = this.pending.get(account.id);
		if (pending?.at !== undefined && Date.now() >= pending.at) {
			this.pending.delete(account.id);
			// It took effect at its time, however much later it is first read.
			this.setStatus(account, pending.status, pending.reason, pending.at);
		}
		if (account.status !== 'INITIATED') return;
		const link = this.linkOf(account.id);
		const expiresAt = link ? Date.parse(link.expires_at) : Number.NaN;
		if (link && !link.outcome && expiresAt <= Date.now()) {
			this.setStatus(account, 'EXPIRED', LINK_EXPIRED_REASON, expiresAt);
		}
	}

	/** Applies every status change that is due (before a request or an MCP call reads them). */
	settle(): void {
		for (const account of this.accounts) this.applyDue(account);
	}

	/** One GET of the account by id: a change scheduled after N polls counts it down. */
	poll(account: AccountRecord): void {
		const pending = this.pending.get(account.id);
		if (pending?.polls === undefined) return;
		if (pending.polls > 0) {
			pending.polls--;
			return;
		}
		this.pending.delete(account.id);
		this.setStatus(account, pending.status, pending.reason);
	}

	/** Sets the status and records the change as taking effect `at` (wall-clock ms; default now). */
	setStatus(
		account: AccountRecord,
		status: AccountStatus,
		reason: string | null = null,
		at = Date.now(),
	): void {
		account.status = status;
		account.status_reason = reason;
		account.updated_at = this.now();
		const changes = this.changes.get(account.id) ?? [];
		changes.push({ status, reason, at });
		this.changes.set(account.id, changes);
	}

	/** The account's status changes, in order. */
	statusChanges(accountId: string): StatusChange[] {
		return this.changes.get(accountId) ?? [];
	}

	/**
	 * A GET of the account by ID answers with its status now: the latest change, if that is the
	 * status shown and no GET showed it yet, was seen now.
	 */
	answered(account: AccountRecord): void {
		const latest = this.changes.get(account.id)?.at(-1);
		if (latest && latest.status === account.status && latest.seenAt === undefined) {
			latest.seenAt = Date.now();
		}
	}

	schedule(id: string, pending: PendingStatus): void {
		if (!this.account(id)) throw new Error(`no connected account ${id}`);
		this.pending.set(id, pending);
	}

	/** A new connect link for the account (the hosted page at `<baseUrl>/link/<token>`). */
	newLink(account: AccountRecord, baseUrl: string, callbackUrl?: string): LinkRecord {
		const token = shortId('lt');
		const link: LinkRecord = {
			token,
			connected_account_id: account.id,
			redirect_url: `${baseUrl}/link/${token}`,
			...(callbackUrl ? { callback_url: callbackUrl } : {}),
			expires_at: new Date(Date.now() + LINK_LIFETIME_MS).toISOString(),
		};
		this.links.set(token, link);
		this.latestLinks.set(account.id, link);
		return link;
	}

	/** The account's latest link. */
	linkOf(accountId: string): LinkRecord | undefined {
		return this.latestLinks.get(accountId);
	}

	/** What the user does on the hosted page; an error message when the link cannot be used. */
	completeLink(link: LinkRecord, outcome?: LinkOutcome): AccountRecord | string {
		const account = this.account(link.connected_account_id);
		if (!account) return 'The connected account of this link was deleted.';
		if (link.outcome) return 'This link was used already.';
		if (this.linkOf(account.id) !== link) return 'A newer link replaced this one.';
		if (Date.parse(link.expires_at) <= Date.now()) return 'This link has expired.';
		if (account.status !== 'INITIATED') return `The connected account is ${account.status}.`;
		link.outcome = outcome ?? (this.failingUsers.has(account.user_id) ? 'failed' : 'success');
		this.pending.delete(account.id);
		if (link.outcome === 'success') this.setStatus(account, 'ACTIVE');
		else this.setStatus(account, 'FAILED', LINK_FAILED_REASON);
		return account;
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
