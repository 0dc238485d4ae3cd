/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling: it runs servers and n8n processes on loopback; these rules are n8n Cloud's runtime rules for node code, which this file is not */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { type Answer, envelope, fail, newRequestId } from './answers';
import { dripAnswer, FaultQueue, sendFault, writeAnswer } from './faults';
import { linkToken, serveLinkPage } from './connections';
import { ROUTES, type RouteContext } from './routes';
import { loadSpec, type Spec } from './spec';
import { createLimiter, type Limiter } from './limiter';
import { isMcpPath, serveMcp } from './mcp';
import {
	allows,
	type KeyScope,
	mcpPermission,
	type Permission,
	PERMISSIONS,
	scopeProblems,
	scopeRefusal,
} from './scopes';
import {
	accountExpiredEvent,
	deliver,
	newSecret,
	triggerDisabledEvent,
	triggerMessageEvent,
	triggerRoutes,
} from './triggers';
import { checkStatus, State } from './state';
import type {
	AccountRecord,
	AccountStatus,
	Delivery,
	DeliveryOptions,
	Fault,
	InstanceRecord,
	LinkOutcome,
	LinkRecord,
	RateLimit,
	RecordedRequest,
	ServerRecord,
	SessionRecord,
	Simulator,
	SimulatorOptions,
	StatusChange,
	SubscriptionRecord,
	TriggerInstanceRecord,
	WebhookEvent,
} from './types';

export const SIM_API_KEY = 'sim-key-9f8e7d6c5b4a';

const RATE_LIMIT = 20000;

const MAX_HEADER_SIZE = 64 * 1024;
const RATE_WINDOW = '60s';

interface Tracked {
	request?: RecordedRequest;
	end: () => void;
}

interface Prepared {
	status: number;
	headers: Record<string, string>;
	payload: string;
}

interface Decoded {
	segments: string[] | undefined;
	path: string;
	query: Record<string, string[]>;
}

/** Splits the raw request target; each path segment is percent-decoded exactly once. */
function decodeTarget(rawPath: string): Decoded {
	const queryAt = rawPath.indexOf('?');
	const pathPart = queryAt < 0 ? rawPath : rawPath.slice(0, queryAt);
	const query: Record<string, string[]> = {};
	for (const [name, value] of new URLSearchParams(queryAt < 0 ? '' : rawPath.slice(queryAt + 1))) {
		(query[name] ??= []).push(value);
	}
	try {
		const segments = pathPart.split('/').slice(1).map(decodeURIComponent);
		return { segments, path: `/${segments.join('/')}`, query };
	} catch {
		return { segments: undefined, path: pathPart, query };
	}
}

/** The body, or undefined when the client went away before sending all of it. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', () => resolve(undefined));
		req.on('close', () => {
			if (!req.complete) resolve(undefined);
		});
	});
}

function parseLoosely(rawBody: string): unknown {
	if (rawBody === '') return undefined;
	try {
		return JSON.parse(rawBody);
	} catch {
		return rawBody;
	}
}

class SimulatorServer implements Simulator {
	url = '';

	readonly apiKey: string;

	readonly requests: RecordedRequest[] = [];

	readonly violations: string[] = [];

	private state = new State();

	private readonly faults = new FaultQueue();

	private readonly spec: Spec = loadSpec();

	private readonly server: Server;

	private readonly latencyMs: number;

	private readonly pending = new Map<NodeJS.Timeout, () => void>();

	private answered = 0;

	private limiter: Limiter | undefined;

	rateLimited = 0;

	inFlight = 0;

	peakInFlight = 0;

	/** Orders request starts and ends (RecordedRequest.startedTick / endedTick). */
	private tick = 0;

	private closed = false;

	private readonly host: string;

	/** Keys besides apiKey (which has full access), with their scope; reset() restores the options'. */
	private readonly scopedKeys = new Map<string, KeyScope>();

	/** Keys revoked since the last reset: answered 401, like a key Composio never issued. */
	private readonly revoked = new Set<string>();

	private readonly initialKeys: Record<string, KeyScope>;

	private readonly failingUsers: string[];

	constructor(opts: SimulatorOptions) {
		this.apiKey = opts.apiKey ?? SIM_API_KEY;
		this.failingUsers = opts.failingUsers ?? [];
		this.failLinksFor(...this.failingUsers);
		this.initialKeys = opts.scopedKeys ?? {};
		for (const [key, scope] of Object.entries(this.initialKeys)) this.addKey(key, scope);
		this.host = opts.host ?? '127.0.0.1';
		this.latencyMs = opts.latencyMs ?? 0;
		this.setRateLimit(opts.rateLimit);
		// Node's default 16 KiB limit on the request line and headers would refuse a path with a long
		// id (2,000 astral characters encode to 24,000) before the API sees it; Composio's limit is
		// not documented.
		this.server = createServer({ maxHeaderSize: MAX_HEADER_SIZE }, (req, res) => {
			this.track(res);
			this.handle(req, res).catch((error: Error) => {
				this.violations.push(`${req.method} ${req.url}: simulator error: ${error.message}`);
				res.destroy();
			});
		});
	}

	async listen(): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(0, this.host, () => resolve());
		});
		this.url = `http://${this.host}:${(this.server.address() as AddressInfo).port}`;
	}

	inject(fault: Fault): void {
		this.faults.add(fault);
	}

	addKey(key: string, scope: KeyScope): void {
		const problems = scopeProblems(scope);
		if (problems.length > 0)
			throw new Error(`Composio offers no such scope: ${problems.join(', ')}`);
		if (key === this.apiKey) throw new Error('the full-access key cannot also be a scoped key');
		this.scopedKeys.set(key, { ...scope });
		this.revoked.delete(key);
	}

	revokeKey(key: string): void {
		this.revoked.add(key);
	}

	/** What a key may do: everything, its scope, or nothing (unknown or revoked: a 401). */
	private scopeOf(key: unknown): KeyScope | 'full' | undefined {
		if (typeof key !== 'string' || this.revoked.has(key)) return undefined;
		return key === this.apiKey ? 'full' : this.scopedKeys.get(key);
	}

	addServer(server: Parameters<Simulator['addServer']>[0] = {}): ServerRecord {
		return this.state.addServer(server);
	}

	connectAccount(
		userId: string,
		authConfigId: string,
		opts?: { status?: string; toolkit?: string; alias?: string; id?: string },
	): AccountRecord {
		return this.state.addAccount(userId, authConfigId, opts);
	}

	account(connectedAccountId: string): AccountRecord | undefined {
		return this.state.account(connectedAccountId);
	}

	linkOf(connectedAccountId: string): LinkRecord | undefined {
		return this.state.linkOf(connectedAccountId);
	}

	private liveAccount(id: string): AccountRecord {
		const account = this.state.account(id);
		if (!account) throw new Error(`no connected account ${id}`);
		return account;
	}

	completeLink(connectedAccountId: string, outcome?: LinkOutcome): AccountRecord {
		this.liveAccount(connectedAccountId);
		const link = this.state.linkOf(connectedAccountId);
		if (!link) throw new Error(`connected account ${connectedAccountId} has no link`);
		const done = this.state.completeLink(link, outcome);
		if (typeof done === 'string') throw new Error(done);
		return done;
	}

	setAccountStatus(
		connectedAccountId: string,
		status: AccountStatus,
		reason: string | null = null,
	): AccountRecord {
		const account = this.liveAccount(connectedAccountId);
		this.state.pending.delete(account.id);
		this.state.setStatus(account, checkStatus(status), reason);
		return account;
	}

	activateAfterPolls(
		connectedAccountId: string,
		polls: number,
		status: AccountStatus = 'ACTIVE',
		reason?: string,
	): void {
		if (!Number.isInteger(polls) || polls < 0) throw new Error('polls must be a whole number ≥ 0');
		this.state.schedule(connectedAccountId, {
			status: checkStatus(status),
			reason: reason ?? null,
			polls,
		});
	}

	activateAfter(
		connectedAccountId: string,
		ms: number,
		status: AccountStatus = 'ACTIVE',
		reason?: string,
	): void {
		this.activateAt(connectedAccountId, Date.now() + ms, status, reason);
	}

	activateAt(
		connectedAccountId: string,
		at: number,
		status: AccountStatus = 'ACTIVE',
		reason?: string,
	): void {
		if (!Number.isFinite(at)) throw new Error('at must be a time in ms since the epoch');
		this.state.schedule(connectedAccountId, {
			status: checkStatus(status),
			reason: reason ?? null,
			at,
		});
	}

	statusChanges(connectedAccountId: string): StatusChange[] {
		return this.state.statusChanges(connectedAccountId).map((change) => ({ ...change }));
	}

	failLinksFor(...userIds: string[]): void {
		for (const userId of userIds) this.state.failingUsers.add(userId);
	}

	addInstance(serverId: string, userId: string): InstanceRecord {
		if (!this.state.servers.has(serverId)) throw new Error(`no server ${serverId}`);
		if (this.state.instancesOf(serverId).some((instance) => instance.instance_id === userId)) {
			throw new Error(`${userId} already has an instance on ${serverId}`);
		}
		return this.state.addInstance(serverId, userId);
	}

	instancesOf(serverId: string): InstanceRecord[] {
		return this.state.instancesOf(serverId);
	}

	sessionsOf(userId: string): SessionRecord[] {
		return [...this.state.sessions.values()].filter((session) => session.user_id === userId);
	}

	get subscription(): SubscriptionRecord | undefined {
		return this.state.subscription;
	}

	setSubscription(
		subscription: Partial<SubscriptionRecord> & { webhook_url: string },
	): SubscriptionRecord {
		const at = this.state.now();
		this.state.subscription = {
			id: 'whs_seeded',
			version: 'V3',
			enabled_events: ['composio.trigger.message'],
			secret: newSecret(),
			created_at: at,
			updated_at: at,
			...subscription,
		};
		return this.state.subscription;
	}

	showSubscriptionSecret(show: boolean): void {
		this.state.secretOnRead = show;
	}

	addTriggerInstance(slug: string, connectedAccountId: string): TriggerInstanceRecord {
		const answer = triggerRoutes['POST /api/v3/trigger_instances/{slug}/upsert']({
			params: { slug },
			query: {},
			body: { connected_account_id: connectedAccountId, trigger_config: {} },
			state: this.state,
		});
		if (!('body' in answer)) throw new Error(answer.error.message);
		return this.state.triggerInstances.get((answer.body as { trigger_id: string }).trigger_id)!;
	}

	triggerInstances(): TriggerInstanceRecord[] {
		return [...this.state.triggerInstances.values()];
	}

	triggerMessage(triggerId: string, data: unknown): WebhookEvent {
		const instance = this.state.triggerInstances.get(triggerId);
		if (!instance) throw new Error(`no trigger instance ${triggerId}`);
		return triggerMessageEvent(this.state, instance, data);
	}

	expireAccount(connectedAccountId: string): WebhookEvent {
		this.state.pending.delete(connectedAccountId);
		return accountExpiredEvent(this.state, this.liveAccount(connectedAccountId));
	}

	async expireAndNotify(
		connectedAccountId: string,
		maxAttempts?: number,
	): Promise<{ event: WebhookEvent; deliveries: Delivery[] }> {
		const event = this.expireAccount(connectedAccountId);
		return { event, deliveries: await this.send(event, maxAttempts) };
	}

	disableTrigger(triggerId: string, reason: string): WebhookEvent {
		const instance = this.state.triggerInstances.get(triggerId);
		if (!instance) throw new Error(`no trigger instance ${triggerId}`);
		return triggerDisabledEvent(this.state, instance, reason);
	}

	async deliver(event: WebhookEvent, options?: DeliveryOptions): Promise<Delivery> {
		return await deliver(event, this.state.subscription, options);
	}

	async send(event: WebhookEvent, maxAttempts = 3): Promise<Delivery[]> {
		const subscription = this.state.subscription;
		if (!subscription?.enabled_events.includes(event.type)) return [];
		const deliveries: Delivery[] = [];
		for (let attempt = 1; attempt <= maxAttempts; attempt++) {
			const delivery = await deliver(event, subscription, { attempt });
			deliveries.push(delivery);
			if (delivery.status >= 200 && delivery.status < 300) break;
		}
		return deliveries;
	}

	createCount(serverId: string, userId: string): number {
		return this.state.createCount(serverId, userId);
	}

	setRateLimit(limit: RateLimit | undefined): void {
		this.limiter = limit ? createLimiter(limit, Date.now()) : undefined;
	}

	/** Seconds until this request may pass (Retry-After), or undefined when it may pass now. */
	private takeToken(): number | undefined {
		return this.limiter?.take(Date.now());
	}

	/** What the limiter says on every answer; without a limit, Composio's generous default. */
	private rateHeaders(): Record<string, string> {
		if (this.limiter) return this.limiter.headers(Date.now());
		return {
			'X-RateLimit': String(RATE_LIMIT),
			'X-RateLimit-Remaining': String(Math.max(0, RATE_LIMIT - this.answered)),
			'X-RateLimit-Window-Size': RATE_WINDOW,
		};
	}

	resetPeak(): void {
		this.peakInFlight = this.inFlight;
	}

	/** Counts the request in flight until its answer is finished or its connection ends. */
	private track(res: ServerResponse): void {
		this.inFlight++;
		this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
		const entry: Tracked = {
			end: () => {
				if (!this.tracked.delete(res)) return;
				this.inFlight--;
				if (entry.request) entry.request.endedTick = ++this.tick;
			},
		};
		this.tracked.set(res, entry);
		res.once('finish', entry.end);
		res.once('close', entry.end);
	}

	/** Requests in flight, by their response; the request is set once its body has arrived. */
	private readonly tracked = new Map<ServerResponse, Tracked>();

	/** Resets the connection; the request ends now, not when the socket's close event comes. */
	private resetConnection(res: ServerResponse): void {
		this.tracked.get(res)?.end();
		res.socket?.resetAndDestroy();
	}

	reset(): void {
		this.peakInFlight = this.inFlight;
		this.limiter = undefined;
		this.rateLimited = 0;
		this.state = new State();
		this.failLinksFor(...this.failingUsers);
		this.requests.length = 0;
		this.violations.length = 0;
		this.faults.clear();
		this.answered = 0;
		this.scopedKeys.clear();
		this.revoked.clear();
		for (const [key, scope] of Object.entries(this.initialKeys)) this.addKey(key, scope);
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		for (const [timer, resolve] of this.pending) {
			clearTimeout(timer);
			resolve();
		}
		this.pending.clear();
		await new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	private wait(ms: number): Promise<void> {
		if (ms <= 0) return Promise.resolve();
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.pending.delete(timer);
				resolve();
			}, ms);
			this.pending.set(timer, resolve);
		});
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		// A client that gave up (timeout, abort) must not crash the simulator.
		res.on('error', () => undefined);
		const rawBody = await readBody(req);
		if (rawBody === undefined) return;
		const rawPath = req.url ?? '/';
		const target = decodeTarget(rawPath);
		const request: RecordedRequest = {
			method: (req.method ?? 'GET').toUpperCase(),
			rawPath,
			path: target.path,
			query: Object.fromEntries(Object.entries(target.query).map(([k, v]) => [k, v.join(',')])),
			headers: { ...req.headers },
			body: parseLoosely(rawBody),
			rawBody,
			startedTick: ++this.tick,
			receivedAt: Date.now(),
		};
		this.requests.push(request);
		const entry = this.tracked.get(res);
		if (entry) entry.request = request;
		else request.endedTick = ++this.tick;

		const token = linkToken(request.path);
		if (token !== undefined) {
			// The hosted connect page: a browser's, with no key (and no faults, limit or spec).
			const page = serveLinkPage(this.state, request.method, token, request.query);
			writeAnswer(res, page.status, page.headers, page.body);
			return;
		}

		if (isMcpPath(request.path)) {
			const refused =
				this.authenticate(request) ??
				this.authorize(request, mcpPermission(request.method, request.path));
			if (refused) {
				const { status, headers, payload } = this.prepare(refused);
				writeAnswer(res, status, headers, payload);
				return;
			}
			// The key is known and its scope allows this endpoint: serveMcp's own check is met.
			await serveMcp(req, res, request, this.state, String(request.headers['x-api-key']));
			return;
		}

		const fault = this.faults.take(request);
		await this.wait(this.latencyMs + (fault?.handle ? 0 : (fault?.delayMs ?? 0)));
		if (this.closed || req.socket.destroyed) {
			res.destroy();
			return;
		}
		const reset = () => this.resetConnection(res);
		if (fault?.destroy) {
			reset();
			return;
		}
		if (fault && !fault.passThrough && !fault.loseAnswer && !fault.handle) {
			sendFault(res, fault, reset, request);
			return;
		}
		const retryAfter = this.takeToken();
		if (retryAfter !== undefined) {
			// Composio's limiter answers before the API runs, with a bare body: only { message },
			// not the error envelope (Composio's Rate Limits page, docs.composio.dev/reference/rate-limits).
			this.rateLimited++;
			const limit = this.limiter!.limit;
			sendFault(res, {
				status: 429,
				body: { message: `Rate limit exceeded. Limit: ${limit.perSecond} requests per 1 seconds` },
				headers: { 'retry-after': String(retryAfter), ...this.rateHeaders() },
			});
			return;
		}
		const prepared = this.answer(request, target, req.headers['content-type']);
		if (fault?.loseAnswer) {
			reset();
			return;
		}
		if (fault?.handle) {
			await this.wait(fault.delayMs ?? 0);
			if (this.closed || req.socket.destroyed) {
				res.destroy();
				return;
			}
			if (fault.status !== undefined || fault.body !== undefined) {
				sendFault(res, fault, reset, request);
				return;
			}
		}
		let { payload } = prepared;
		if (fault?.garble) payload = payload.slice(0, Math.floor(payload.length / 2));
		if (fault?.drip) {
			dripAnswer(res, prepared.status, prepared.headers, payload, fault.drip);
			return;
		}
		writeAnswer(
			res,
			prepared.status,
			{ ...prepared.headers, 'content-length': String(Buffer.byteLength(payload)) },
			payload,
			fault?.cut,
			reset,
		);
	}

	/** Handles the request (state changes) and returns the answer to send, validated against the spec. */
	private answer(
		request: RecordedRequest,
		target: Decoded,
		contentType: string | undefined,
	): Prepared {
		const where = `${request.method} ${request.rawPath}`;
		if (!target.segments) {
			this.violations.push(`${where}: request: malformed percent-encoding in the path`);
			return this.prepare(fail(400, 'Malformed percent-encoding in the request path.'));
		}
		const matched = this.spec.match(request.method, target.segments);
		if (!matched) {
			this.violations.push(`${where}: request: no operation of the spec matches this path`);
			return this.prepare(fail(404, `Cannot ${request.method} ${target.path}`));
		}
		const { op } = matched;
		const route = `${op.method} ${op.template}`;
		const refused = this.authenticate(request) ?? this.authorize(request, PERMISSIONS[route]);
		let answer = refused;
		if (!answer) {
			const parsed = this.spec.parseRequest(op, {
				pathParams: matched.pathParams,
				query: target.query,
				contentType,
				rawBody: request.rawBody,
			});
			if (parsed.errors.length > 0) {
				this.violations.push(`${where}: request: ${parsed.errors.join('; ')}`);
				answer = fail(400, `Invalid request: ${parsed.errors.join('; ')}`);
			} else {
				const apiVersion = target.segments[1] === 'v3.1' ? 'v3.1' : 'v3';
				answer = this.route(route, { ...parsed, apiVersion }, where);
			}
		}
		const prepared = this.prepare(answer);
		// What the client parses, so that properties JSON drops (undefined) count as missing.
		const body = JSON.parse(prepared.payload) as unknown;
		// The spec subsets predate scoped keys and document 403 on a few routes only; a scope's 403
		// carries the same Error envelope as every route's 401, so it is checked against that.
		const checkedAs = refused?.status === 403 && !op.responses.has('403') ? 401 : answer.status;
		const errors = this.spec.validateResponse(op, checkedAs, 'application/json', body);
		if (errors.length > 0) {
			this.violations.push(`${where}: response ${answer.status}: ${errors.join('; ')}`);
		}
		return prepared;
	}

	private authenticate(request: RecordedRequest): Answer | undefined {
		const { headers } = request;
		const fix = 'Send your project API key in the x-api-key header.';
		if (headers['x-api-key'] !== undefined && headers['x-user-api-key'] !== undefined) {
			return fail(401, 'Multiple authentication modes were provided', 'Send only x-api-key.');
		}
		if (headers['x-user-api-key'] !== undefined) return fail(401, 'Invalid user API key', fix);
		if (headers['x-api-key'] === undefined) return fail(401, 'API key is missing', fix);
		if (!this.scopeOf(headers['x-api-key'])) return fail(401, 'Invalid API key', fix);
		return undefined;
	}

	/** A scoped key's 403 when its scope does not grant the route (call after authenticate). */
	private authorize(
		request: RecordedRequest,
		permission: Permission | undefined,
	): Answer | undefined {
		const scope = this.scopeOf(request.headers['x-api-key']);
		if (scope === 'full' || scope === undefined) return undefined;
		if (!permission) {
			this.violations.push(
				`${request.method} ${request.rawPath}: no permission area for this route`,
			);
			return scopeRefusal();
		}
		return allows(scope, permission) ? undefined : scopeRefusal();
	}

	private route(
		key: string,
		parsed: Omit<RouteContext, 'state' | 'baseUrl'>,
		where: string,
	): Answer {
		const handler = ROUTES[key];
		try {
			if (!handler) throw new Error(`no handler for ${key}`);
			// Status changes a test scheduled (activateAfter) are due before anything reads them.
			this.state.settle();
			return handler({ ...parsed, state: this.state, baseUrl: this.url });
		} catch (error) {
			this.violations.push(`${where}: simulator error: ${(error as Error).message}`);
			return fail(500, 'Internal server error');
		}
	}

	/** A normal answer with Composio's headers, as it goes on the wire. */
	private prepare(answer: Answer): Prepared {
		const requestId = newRequestId();
		const body = 'error' in answer ? envelope(answer.status, answer.error, requestId) : answer.body;
		const payload = JSON.stringify(body);
		this.answered++;
		return {
			status: answer.status,
			headers: {
				'content-type': 'application/json; charset=utf-8',
				'content-length': String(Buffer.byteLength(payload)),
				'x-request-id': requestId,
				...this.rateHeaders(),
			},
			payload,
		};
	}
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
	// Compiling on first use would add ~100 ms to the first answer and skew timing tests.
	loadSpec().warm((op) => op.template.startsWith('/api/v3/mcp/'));
	const simulator = new SimulatorServer(opts);
	await simulator.listen();
	return simulator;
}
