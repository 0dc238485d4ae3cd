/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling: it runs servers and n8n processes on loopback; these rules are n8n Cloud's runtime rules for node code, which this file is not */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { type Answer, envelope, fail, newRequestId } from './answers';
import { FaultQueue, sendFault } from './faults';
import { ROUTES } from './routes';
import { loadSpec, type Spec } from './spec';
import { State } from './state';
import type {
	Fault,
	InstanceRecord,
	RateLimit,
	RecordedRequest,
	ServerRecord,
	Simulator,
	SimulatorOptions,
} from './types';

export const SIM_API_KEY = 'sim-key-9f8e7d6c5b4a';

const RATE_LIMIT = 20000;
const RATE_WINDOW = '60s';

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

	private bucket: { limit: RateLimit; tokens: number; at: number } | undefined;

	rateLimited = 0;

	private closed = false;

	constructor(opts: SimulatorOptions) {
		this.apiKey = opts.apiKey ?? SIM_API_KEY;
		this.latencyMs = opts.latencyMs ?? 0;
		this.setRateLimit(opts.rateLimit);
		this.server = createServer((req, res) => {
			this.handle(req, res).catch((error: Error) => {
				this.violations.push(`${req.method} ${req.url}: simulator error: ${error.message}`);
				res.destroy();
			});
		});
	}

	async listen(): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(0, '127.0.0.1', () => resolve());
		});
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	inject(fault: Fault): void {
		this.faults.add(fault);
	}

	addServer(server: Parameters<Simulator['addServer']>[0] = {}): ServerRecord {
		return this.state.addServer(server);
	}

	connectAccount(
		userId: string,
		authConfigId: string,
		opts?: { status?: string; toolkit?: string },
	) {
		this.state.addAccount(userId, authConfigId, opts);
	}

	instancesOf(serverId: string): InstanceRecord[] {
		return this.state.instancesOf(serverId);
	}

	createCount(serverId: string, userId: string): number {
		return this.state.createCount(serverId, userId);
	}

	setRateLimit(limit: RateLimit | undefined): void {
		this.bucket = limit
			? { limit, tokens: limit.burst ?? limit.perSecond, at: Date.now() }
			: undefined;
	}

	/** Seconds until a token is free (Retry-After), or undefined when this request may pass. */
	private takeToken(): number | undefined {
		const bucket = this.bucket;
		if (!bucket) return undefined;
		const now = Date.now();
		const capacity = bucket.limit.burst ?? bucket.limit.perSecond;
		bucket.tokens = Math.min(
			capacity,
			bucket.tokens + ((now - bucket.at) / 1000) * bucket.limit.perSecond,
		);
		bucket.at = now;
		if (bucket.tokens >= 1) {
			bucket.tokens -= 1;
			return undefined;
		}
		return Math.max(1, Math.ceil((1 - bucket.tokens) / bucket.limit.perSecond));
	}

	reset(): void {
		this.bucket = undefined;
		this.rateLimited = 0;
		this.state = new State();
		this.requests.length = 0;
		this.violations.length = 0;
		this.faults.clear();
		this.answered = 0;
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
		};
		this.requests.push(request);

		const fault = this.faults.take(request);
		await this.wait(this.latencyMs + (fault?.delayMs ?? 0));
		if (this.closed || req.socket.destroyed) {
			res.destroy();
			return;
		}
		if (fault?.destroy) {
			req.socket.resetAndDestroy();
			return;
		}
		if (fault && !fault.passThrough && !fault.loseAnswer) {
			sendFault(res, fault);
			return;
		}
		const retryAfter = this.takeToken();
		if (retryAfter !== undefined) {
			// Composio's limiter answers before the API runs, with a bare body (API.md).
			this.rateLimited++;
			const limit = this.bucket!.limit;
			sendFault(res, {
				status: 429,
				body: { message: `Rate limit exceeded. Limit: ${limit.perSecond} requests per 1 seconds` },
				headers: { 'retry-after': String(retryAfter) },
			});
			return;
		}
		if (fault?.loseAnswer) {
			this.answer(undefined, request, target, req.headers['content-type']);
			req.socket.resetAndDestroy();
			return;
		}
		this.answer(res, request, target, req.headers['content-type']);
	}

	/** Handles the request; with no response object it does the work without answering. */
	private answer(
		res: ServerResponse | undefined,
		request: RecordedRequest,
		target: Decoded,
		contentType: string | undefined,
	): void {
		const where = `${request.method} ${request.rawPath}`;
		if (!target.segments) {
			this.violations.push(`${where}: request: malformed percent-encoding in the path`);
			this.send(res, fail(400, 'Malformed percent-encoding in the request path.'));
			return;
		}
		const matched = this.spec.match(request.method, target.segments);
		if (!matched) {
			this.violations.push(`${where}: request: no operation of the spec matches this path`);
			this.send(res, fail(404, `Cannot ${request.method} ${target.path}`));
			return;
		}
		const { op } = matched;
		let answer = this.authenticate(request);
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
				answer = this.route(`${op.method} ${op.template}`, parsed, where);
			}
		}
		const body = this.send(res, answer);
		const errors = this.spec.validateResponse(op, answer.status, 'application/json', body);
		if (errors.length > 0) {
			this.violations.push(`${where}: response ${answer.status}: ${errors.join('; ')}`);
		}
	}

	private authenticate(request: RecordedRequest): Answer | undefined {
		const { headers } = request;
		const fix = 'Send your project API key in the x-api-key header.';
		if (headers['x-api-key'] !== undefined && headers['x-user-api-key'] !== undefined) {
			return fail(401, 'Multiple authentication modes were provided', 'Send only x-api-key.');
		}
		if (headers['x-user-api-key'] !== undefined) return fail(401, 'Invalid user API key', fix);
		if (headers['x-api-key'] === undefined) return fail(401, 'API key is missing', fix);
		if (headers['x-api-key'] !== this.apiKey) return fail(401, 'Invalid API key', fix);
		return undefined;
	}

	private route(
		key: string,
		parsed: { params: Record<string, string>; query: Record<string, unknown>; body: unknown },
		where: string,
	): Answer {
		const handler = ROUTES[key];
		try {
			if (!handler) throw new Error(`no handler for ${key}`);
			return handler({ ...parsed, state: this.state, baseUrl: this.url });
		} catch (error) {
			this.violations.push(`${where}: simulator error: ${(error as Error).message}`);
			return fail(500, 'Internal server error');
		}
	}

	/** Writes a normal answer with Composio's headers; returns the body as sent. */
	private send(res: ServerResponse | undefined, answer: Answer): unknown {
		const requestId = newRequestId();
		const body = 'error' in answer ? envelope(answer.status, answer.error, requestId) : answer.body;
		const payload = JSON.stringify(body);
		this.answered++;
		res?.writeHead(answer.status, {
			'content-type': 'application/json; charset=utf-8',
			'content-length': String(Buffer.byteLength(payload)),
			'x-request-id': requestId,
			'X-RateLimit': String(RATE_LIMIT),
			'X-RateLimit-Remaining': String(Math.max(0, RATE_LIMIT - this.answered)),
			'X-RateLimit-Window-Size': RATE_WINDOW,
		});
		res?.end(payload);
		// What the client parses, so that properties JSON drops (undefined) count as missing.
		return JSON.parse(payload) as unknown;
	}
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
	// Compiling on first use would add ~100 ms to the first answer and skew timing tests.
	loadSpec().warm((op) => op.template.startsWith('/api/v3/mcp/'));
	const simulator = new SimulatorServer(opts);
	await simulator.listen();
	return simulator;
}
