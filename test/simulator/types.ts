import type { KeyScope } from './scopes';

/** A deliberately off-spec answer, queued with `Simulator.inject`. */
export interface Fault {
	method?: string;
	/** A string equals the decoded path or the raw path (with or without query); a RegExp tests either. */
	path?: string | RegExp;
	/** Also has to hold for the request (e.g. one user's create: `(r) => r.body?.user_id === 'u1'`). */
	match?: (request: RecordedRequest) => boolean;
	/** How many requests this fault answers; default 1. */
	times?: number;
	/** Default 500. */
	status?: number;
	/** An object is sent as JSON; a string is sent raw; a function makes the body per request. */
	body?: unknown;
	/** Default `application/json; charset=utf-8`, also for string bodies (set it for HTML). */
	contentType?: string;
	headers?: Record<string, string>;
	/** Delay before answering (or before resetting the socket). */
	delayMs?: number;
	/** With delayMs: delay, then answer normally. */
	passThrough?: boolean;
	/** Reset the socket without answering. */
	destroy?: boolean;
	/**
	 * Handle the request normally (state changes, e.g. the instance is created), then reset the
	 * socket instead of answering: a success whose answer is lost on the way.
	 */
	loseAnswer?: boolean;
	/**
	 * Handle the request normally at once (state changes), then wait delayMs and answer: with the
	 * fault's status/body when it gives one (a gateway error after the work was done), else with the
	 * normal answer (a late answer, e.g. past the client's timeout). Nothing is sent to a client that
	 * has gone by then.
	 */
	handle?: boolean;
	/**
	 * Send the status line and headers ('headers'), or those and half the body ('body'), with the
	 * whole body's content-length, then reset the connection: an answer cut off on the way. It cuts
	 * the fault's own answer, or the normal one with passThrough or handle (the work is done then).
	 */
	cut?: 'headers' | 'body';
	/**
	 * With passThrough or handle: the normal answer's status and headers, but only the first half of
	 * its JSON (complete as far as content-length says): a success whose answer arrives mangled.
	 */
	garble?: boolean;
	/**
	 * Sends the answer (the fault's own, or the normal one with passThrough or handle) a byte every
	 * `intervalMs`: the body only, or with `headers` the status line and headers too. With
	 * `forever`, the body never ends (no content-length; spaces after it until the client leaves).
	 */
	drip?: { intervalMs: number; headers?: boolean; forever?: boolean };
}

/**
 * Composio's per-organisation limiter (test/simulator/limiter.ts): beyond it, a bare 429 with
 * Retry-After in whole seconds; every answer says its state in X-RateLimit headers.
 */
export interface RateLimit {
	/** Requests per second: what the bucket refills, or what each one-second window allows. */
	perSecond: number;
	/** Token bucket only: its size (requests allowed at once); default perSecond. */
	burst?: number;
	/**
	 * A token bucket (default), fixed one-second windows aligned to the clock, or fixed one-second
	 * windows that start at the first request after the last one expired.
	 */
	kind?: 'bucket' | 'window' | 'firstHit';
	/** The X-RateLimit headers: the limiter's state (default), none, or a constant lie. */
	headers?: 'honest' | 'absent' | 'lying';
}

export interface RecordedRequest {
	method: string;
	/** Exactly as received, before decoding, query included. */
	rawPath: string;
	/** Decoded path without query. */
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON when the body is JSON, else the raw text; undefined when empty. */
	body: unknown;
	rawBody: string;
	/** When the request arrived and when its answer finished (or its connection ended), as ticks of one counter shared by all requests: comparable, not a clock. */
	startedTick: number;
	/** Undefined while the answer is pending. */
	endedTick?: number;
	/** Date.now() when the request arrived (wall-clock ms; a test that mocks Date.now sees its clock). */
	receivedAt: number;
}

export interface ServerRecord {
	id: string;
	name: string;
	auth_config_ids: string[];
	toolkits: string[];
	allowed_tools: string[];
	managed_auth_via_composio: boolean;
	created_at: string;
	updated_at: string;
	deleted: boolean;
}

export interface InstanceRecord {
	id: string;
	instance_id: string;
	mcp_server_id: string;
	created_at: string;
	updated_at: string;
}

/** REVOKED exists in v3.1 only: a v3 answer showing it is a spec violation. */
export const ACCOUNT_STATUSES = [
	'INITIALIZING',
	'INITIATED',
	'ACTIVE',
	'FAILED',
	'EXPIRED',
	'INACTIVE',
	'REVOKED',
] as const;

export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** What the user does on the hosted connect page. */
export type LinkOutcome = 'success' | 'failed';

export interface AccountRecord {
	id: string;
	user_id: string;
	auth_config_id: string;
	toolkit: string;
	status: string;
	/** Why the account is FAILED, EXPIRED, …; null otherwise. */
	status_reason: string | null;
	/** Disable sets it (and the status INACTIVE); enable clears it. */
	is_disabled: boolean;
	/** v3.1 Create Link's `alias`; null without one. */
	alias: string | null;
	created_at: string;
	updated_at: string;
}

/** A connected account's status change, as the simulator records it (wall-clock ms since the epoch). */
export interface StatusChange {
	status: AccountStatus;
	reason: string | null;
	/**
	 * When it took effect: a scheduled change (activateAt, activateAfter) or a link's expiry at its
	 * time, however much later a read applied it; any other change when it was made.
	 */
	at: number;
	/** When a GET of the account by ID first answered with this status; undefined until one did. */
	seenAt?: number;
}

/**
 * A connect link (Create Link, a session's link, Refresh): the hosted page at `redirect_url`
 * (`<sim>/link/<token>`) completes it once.
 */
export interface LinkRecord {
	token: string;
	connected_account_id: string;
	redirect_url: string;
	/** Where the page sends the browser afterwards; undefined: it shows a small HTML page. */
	callback_url?: string;
	expires_at: string;
	/** The outcome once the page (or completeLink) was used. */
	outcome?: LinkOutcome;
}

export interface AuthConfigRecord {
	id: string;
	uuid: string;
	name: string;
	toolkit: string;
	auth_scheme: string;
	is_composio_managed: boolean;
	created_at: string;
}

/** A Tool Router session (sessions.ts plays them). */
export interface MultiAccountConfig {
	enable?: boolean;
	/** 2–10; Composio's default is 5 when multi-account is on. */
	max_accounts_per_toolkit?: number;
	require_explicit_selection?: boolean;
}

export interface SessionRecord {
	session_id: string;
	user_id: string;
	/** Toolkits the create allowed (`enable`) or refused (`disable`); neither: all. */
	enable?: string[];
	disable?: string[];
	auth_configs: Record<string, string>;
	/** Toolkit → account ids, as v3.1 takes them (v3's one id is a list of one; v3 shows the first). */
	connected_accounts: Record<string, string[]>;
	manage_connections: { enabled: boolean; callback_url?: string };
	tags?: unknown;
	/** v3.1's multi-account settings as given (several accounts per toolkit need `enable`). */
	multi_account?: MultiAccountConfig;
	/** v3.1: 1 at create, one more on each update (PATCH); undefined counts as 1. */
	config_version?: number;
}

// Triggers (triggers.ts plays them).

export const EVENT_TYPES = [
	'composio.trigger.message',
	'composio.connected_account.expired',
	'composio.trigger.disabled',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface SubscriptionRecord {
	id: string;
	webhook_url: string;
	version: string;
	enabled_events: string[];
	secret: string;
	created_at: string;
	updated_at: string;
}

export interface TriggerInstanceRecord {
	id: string;
	uuid: string;
	trigger_name: string;
	connected_account_id: string;
	user_id: string;
	trigger_config: Record<string, unknown>;
	disabled_at: string | null;
	updated_at: string;
}

/** An event as Composio sends it (V3 payload). */
export interface WebhookEvent {
	id: string;
	type: EventType;
	timestamp: string;
	metadata: Record<string, unknown>;
	data: unknown;
}

export interface DeliveryOptions {
	/** Default: the subscription's URL. */
	url?: string;
	/** Default: the subscription's secret. */
	secret?: string;
	/** Replaces the signature header (a forgery); null leaves it out. */
	signature?: string | null;
	/** Seconds since the epoch; default now. */
	timestamp?: number;
	/** Delivery attempt, from 1. */
	attempt?: number;
}

export interface Delivery {
	status: number;
	body: string;
	attempt: number;
}

export interface Simulator {
	/** `http://127.0.0.1:<port>` */
	url: string;
	apiKey: string;
	requests: RecordedRequest[];
	/** Every spec violation seen in a request received or an answer sent. */
	violations: string[];
	/** Queued; the first matching fault answers instead of the normal route. */
	inject(fault: Fault): void;
	/** A scoped key (test/simulator/scopes.ts): a route its scope does not grant is answered 403. */
	addKey(key: string, scope: KeyScope): void;
	/** From now on the key is answered 401, like a key never issued; reset() restores it. */
	revokeKey(key: string): void;
	addServer(
		server?: Partial<{
			id: string;
			name: string;
			auth_config_ids: string[];
			toolkits: string[];
			allowed_tools: string[];
		}>,
	): ServerRecord;
	/**
	 * Seeds a connected account: ACTIVE unless told otherwise (no link; see Create Link for one),
	 * with a new ID unless given one (the same workload again on fresh state).
	 */
	connectAccount(
		userId: string,
		authConfigId: string,
		opts?: { status?: string; toolkit?: string; alias?: string; id?: string },
	): AccountRecord;
	/** The live connected account (pending hooks applied); undefined once deleted. */
	account(connectedAccountId: string): AccountRecord | undefined;
	/** The account's latest connect link (Create Link, a session's link or Refresh), if any. */
	linkOf(connectedAccountId: string): LinkRecord | undefined;
	/**
	 * What the hosted connect page does, without HTTP: the INITIATED account turns ACTIVE
	 * ('success', the default unless the user is in the failing set) or FAILED ('failed', with a
	 * status_reason). Throws when the account has no unused link or is not INITIATED.
	 */
	completeLink(connectedAccountId: string, outcome?: LinkOutcome): AccountRecord;
	/** Sets the status (and status_reason: null unless given) at once, as Composio's side would. */
	setAccountStatus(
		connectedAccountId: string,
		status: AccountStatus,
		reason?: string | null,
	): AccountRecord;
	/**
	 * For Wait tests without sleeps: the next `polls` GETs of /connected_accounts/{id} still see
	 * the current status, the one after sees `status` (default ACTIVE; with `reason` as its
	 * status_reason). polls 0: the next GET sees it.
	 */
	activateAfterPolls(
		connectedAccountId: string,
		polls: number,
		status?: AccountStatus,
		reason?: string,
	): void;
	/** The same after `ms` of wall-clock time (applied when the account is next read; no timer). */
	activateAfter(
		connectedAccountId: string,
		ms: number,
		status?: AccountStatus,
		reason?: string,
	): void;
	/**
	 * The same at the wall-clock time `at` (ms since the epoch, as Date.now()): the account has
	 * the status from then on, and statusChanges says it took effect at `at`.
	 */
	activateAt(connectedAccountId: string, at: number, status?: AccountStatus, reason?: string): void;
	/**
	 * The account's status changes since it was made, in order: when each took effect and when a
	 * GET of the account first showed it (a client's check seeing it).
	 */
	statusChanges(connectedAccountId: string): StatusChange[];
	/** Links of these users fail on the hosted page by default (outcome=success still succeeds). */
	failLinksFor(...userIds: string[]): void;
	/** Seeds an instance directly (no request; it counts as the user's one create). */
	addInstance(serverId: string, userId: string): InstanceRecord;
	/** Live instances of a server. */
	instancesOf(serverId: string): InstanceRecord[];
	/** The Tool Router sessions created for a user, in order. */
	sessionsOf(userId: string): SessionRecord[];
	/** The project's one webhook subscription, if any. */
	readonly subscription: SubscriptionRecord | undefined;
	/** Seeds the project's subscription (another receiver's, say); a new secret unless given. */
	setSubscription(
		subscription: Partial<SubscriptionRecord> & { webhook_url: string },
	): SubscriptionRecord;
	/** Whether GET and list show the subscription's secret (default true); create and rotate always do. */
	showSubscriptionSecret(show: boolean): void;
	/** Seeds a trigger instance, as the upsert route makes it. */
	addTriggerInstance(slug: string, connectedAccountId: string): TriggerInstanceRecord;
	triggerInstances(): TriggerInstanceRecord[];
	/** Events as Composio makes them; expiring and disabling change the state as Composio would. */
	triggerMessage(triggerId: string, data: unknown): WebhookEvent;
	/**
	 * The account turns EXPIRED (status_reason set) and the event is returned, sent nowhere: tests
	 * that deliver it themselves (deliver, send, signedDelivery) use this. See expireAndNotify.
	 */
	expireAccount(connectedAccountId: string): WebhookEvent;
	/**
	 * expireAccount, then the signed Connected Account Expired event sent as Composio sends it
	 * (send: only when a subscription exists and enables the event, retried up to maxAttempts).
	 */
	expireAndNotify(
		connectedAccountId: string,
		maxAttempts?: number,
	): Promise<{ event: WebhookEvent; deliveries: Delivery[] }>;
	disableTrigger(triggerId: string, reason: string): WebhookEvent;
	/** One signed delivery (to the subscription's URL with its secret unless told otherwise). */
	deliver(event: WebhookEvent, options?: DeliveryOptions): Promise<Delivery>;
	/**
	 * As Composio sends: only when the subscription enables the event's type, again with the same
	 * webhook-id after an answer other than 2xx, up to maxAttempts. Every attempt is returned.
	 */
	send(event: WebhookEvent, maxAttempts?: number): Promise<Delivery[]>;
	/** How many times an instance was actually created (for duplicate checks). */
	createCount(serverId: string, userId: string): number;
	/** Limits every request from now on (undefined lifts the limit); reset() lifts it too. */
	setRateLimit(limit: RateLimit | undefined): void;
	/** How many requests the rate limiter refused since the last reset. */
	readonly rateLimited: number;
	/** Requests received whose answer is not finished yet (answered, cut or reset ends one). */
	readonly inFlight: number;
	/** The most requests in flight at once since the last reset (or resetPeak). */
	readonly peakInFlight: number;
	/** Starts measuring peakInFlight afresh from the requests in flight now. */
	resetPeak(): void;
	/** Clears state, requests, violations, faults, the rate limit and keys added or revoked since the start. */
	reset(): void;
	close(): Promise<void>;
}

export interface SimulatorOptions {
	/** The key with full access. */
	apiKey?: string;
	/** Scoped keys, by key (see addKey). */
	scopedKeys?: Record<string, KeyScope>;
	/** The loopback address to listen on; default 127.0.0.1 (127.0.0.2 is "another origin"). */
	host?: string;
	/** Delays every answer. */
	latencyMs?: number;
	rateLimit?: RateLimit;
	/** Users whose links fail on the hosted page by default (kept across reset; see failLinksFor). */
	failingUsers?: string[];
}
