/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling: it runs servers and n8n processes on loopback; these rules are n8n Cloud's runtime rules for node code, which this file is not */
import type { ServerResponse } from 'node:http';

import type { Fault, RecordedRequest } from './types';

function pathMatches(pattern: string | RegExp, request: RecordedRequest): boolean {
	const candidates = [request.path, request.rawPath.split('?')[0], request.rawPath];
	if (typeof pattern === 'string') return candidates.includes(pattern);
	return candidates.some((candidate) => {
		pattern.lastIndex = 0;
		return pattern.test(candidate);
	});
}

/** Injected faults in the order given; each answers `times` matching requests, then goes. */
export class FaultQueue {
	private queue: Array<{ fault: Fault; remaining: number }> = [];

	add(fault: Fault): void {
		const times = fault.times ?? 1;
		if (!(times > 0)) throw new Error(`fault.times must be positive, got ${times}`);
		this.queue.push({ fault: { ...fault }, remaining: times });
	}

	/** The first fault matching the request, used up by one. */
	take(request: RecordedRequest): Fault | undefined {
		const index = this.queue.findIndex(
			({ fault }) =>
				(fault.method === undefined || fault.method.toUpperCase() === request.method) &&
				(fault.path === undefined || pathMatches(fault.path, request)) &&
				(fault.match === undefined || fault.match(request)),
		);
		if (index < 0) return undefined;
		const entry = this.queue[index];
		if (--entry.remaining <= 0) this.queue.splice(index, 1);
		return entry.fault;
	}

	clear(): void {
		this.queue = [];
	}
}

/**
 * Sends an answer, or with `cut` only its head (and half its body), then resets the connection.
 * The reset waits until the client has had time to read what was sent, so that it sees an answer
 * cut off, not a connection refused before any answer.
 */
export function writeAnswer(
	res: ServerResponse,
	status: number,
	headers: Record<string, string>,
	payload: string,
	cut?: 'headers' | 'body',
	reset: () => void = () => res.socket?.resetAndDestroy(),
): void {
	if (!cut) {
		res.writeHead(status, headers);
		res.end(payload);
		return;
	}
	const bytes = Buffer.from(payload, 'utf8');
	res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
	const resetSoon = () => {
		setTimeout(reset, CUT_PAUSE_MS).unref();
	};
	if (cut === 'body') {
		res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), resetSoon);
	} else {
		res.flushHeaders();
		res.write('', resetSoon);
	}
}

/** How long a cut answer's head stays on the wire before the reset; only ever that short. */
const CUT_PAUSE_MS = 20;

/**
 * Sends an answer a byte every `intervalMs` (see Fault.drip): the body, or with `headers` the whole
 * message from its status line; with `forever` the body goes on with spaces until the client
 * leaves. Stops when the connection closes.
 */
export function dripAnswer(
	res: ServerResponse,
	status: number,
	headers: Record<string, string>,
	payload: string,
	drip: NonNullable<Fault['drip']>,
): void {
	const socket = res.socket;
	if (!socket) return;
	const head: Record<string, string> = { ...headers, connection: 'close' };
	if (drip.forever) delete head['content-length'];
	else head['content-length'] = String(Buffer.byteLength(payload));
	const headText =
		`HTTP/1.1 ${status} Drip\r\n` +
		Object.entries(head)
			.map(([name, value]) => `${name}: ${value}\r\n`)
			.join('') +
		'\r\n';
	// Written on the socket itself: Node's response would send the head in one piece.
	let pending = Buffer.from(drip.headers ? headText + payload : payload, 'utf8');
	if (!drip.headers) socket.write(headText);
	const timer = setInterval(() => {
		if (socket.destroyed) return clearInterval(timer);
		if (pending.length === 0) {
			if (!drip.forever) {
				clearInterval(timer);
				socket.end();
				return;
			}
			pending = Buffer.from(' ');
		}
		socket.write(pending.subarray(0, 1));
		pending = pending.subarray(1);
	}, drip.intervalMs);
	socket.once('close', () => clearInterval(timer));
}

/** A fault's body for this request: a function is called with it. */
export function faultBody(fault: Fault, request: RecordedRequest | undefined): unknown {
	return typeof fault.body === 'function'
		? (fault.body as (request: RecordedRequest | undefined) => unknown)(request)
		: fault.body;
}

/** Answers exactly as the fault says: no envelope, no validation, no added headers. */
export function sendFault(
	res: ServerResponse,
	fault: Fault,
	reset?: () => void,
	request?: RecordedRequest,
): void {
	const headers: Record<string, string> = {};
	let payload = '';
	const body = faultBody(fault, request);
	if (body !== undefined) {
		payload = typeof body === 'string' ? body : JSON.stringify(body);
		headers['content-type'] = fault.contentType ?? 'application/json; charset=utf-8';
	} else if (fault.contentType) {
		headers['content-type'] = fault.contentType;
	}
	headers['content-length'] = String(Buffer.byteLength(payload));
	for (const [name, value] of Object.entries(fault.headers ?? {}))
		headers[name.toLowerCase()] = value;
	if (fault.drip) {
		dripAnswer(res, fault.status ?? 500, headers, payload, fault.drip);
		return;
	}
	writeAnswer(res, fault.status ?? 500, headers, payload, fault.cut, reset);
}
