/**
 * One attempt at a request: sending it through n8n's helper, following redirects that stay on
 * the Base URL's origin, and reading the whole answer, all under one deadline. n8n's helper is
 * asked for the answer as a stream and never to follow redirects itself: n8n's redirect handling
 * drops only Authorization and Cookie headers, so a redirect would carry x-api-key to any host;
 * and its timeout only bounds silences, so an answer that drips a byte a second never ends.
 */
import type { IDataObject, IHttpRequestMethods, IN8nHttpFullResponse } from 'n8n-workflow';
import type { Headers } from './headers';
import { header } from './headers';

/** Answers above this size fail: Composio's largest answers are a few hundred kilobytes. */
export const MAX_ANSWER_BYTES = 10 * 1024 * 1024;

/** Same-origin redirects followed within one attempt. */
export const MAX_REDIRECTS = 5;

export interface Exchange {
	method: IHttpRequestMethods;
	url: string;
	qs?: IDataObject;
	body?: IDataObject;
}

export interface SendOptions extends Exchange {
	signal: AbortSignal;
}

/** n8n's helper, asked for a full response with a streamed body and no redirects followed. */
export type Send = (options: SendOptions) => Promise<IN8nHttpFullResponse>;

export interface Answer {
	statusCode: number;
	headers: Headers;
	/** The whole body as text. */
	text: string;
}

/** Why an attempt ended without a whole answer. */
export type ExchangeFault =
	/** The deadline passed, before the headers or while the body was arriving. */
	| { kind: 'timeout'; statusCode?: number }
	/** The execution was cancelled. */
	| { kind: 'cancelled' }
	/** The helper failed before any answer: a network fault, or n8n refused to send. */
	| { kind: 'send'; error: unknown }
	/** The connection ended after the headers, before the whole body. */
	| { kind: 'cut'; statusCode: number; code?: string }
	| { kind: 'tooLarge'; statusCode: number; bytes: number }
	| {
			kind: 'redirect';
			statusCode: number;
			reason: 'crossOrigin' | 'toGet' | 'tooMany' | 'badLocation';
			/** The Location's origin (never its path or query, which could carry anything). */
			origin?: string;
	  };

/** An attempt's end: the whole answer, or why there is none. */
export type ExchangeResult = { ok: true; answer: Answer } | { ok: false; fault: ExchangeFault };

const failed = (fault: ExchangeFault): { ok: false; fault: ExchangeFault } => ({
	ok: false,
	fault,
});

const REDIRECTS = [301, 302, 303, 307, 308];

interface Readable extends AsyncIterable<Buffer | string> {
	destroy(error?: Error): void;
}

function isReadable(body: unknown): body is Readable {
	return (
		body !== null &&
		typeof body === 'object' &&
		typeof (body as Readable).destroy === 'function' &&
		typeof (body as Readable)[Symbol.asyncIterator] === 'function'
	);
}

function discard(body: unknown): void {
	if (isReadable(body)) body.destroy();
}

/** The OS error code (ECONNRESET, …) of an error or of one of its causes. */
export function errorCode(error: unknown): string | undefined {
	let current = error as { code?: unknown; cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 4; depth++) {
		if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code)) return current.code;
		current = current.cause as typeof current;
	}
	return undefined;
}

/**
 * The next URL of a redirect, or the fault that stops it. Only the same origin is followed (the
 * key stays where the Base URL points), and never a 301/302/303 of a write, which clients turn
 * into a GET: the write would silently not happen.
 */
function nextHop(
	current: Exchange,
	statusCode: number,
	location: string,
	hops: number,
): { ok: true; next: Exchange } | { ok: false; fault: ExchangeFault } {
	let next: URL;
	try {
		next = new URL(location, current.url);
	} catch {
		return failed({ kind: 'redirect', statusCode, reason: 'badLocation' });
	}
	const origin = next.protocol === 'http:' || next.protocol === 'https:' ? next.origin : undefined;
	if (origin === undefined || origin !== new URL(current.url).origin) {
		return failed({
			kind: 'redirect',
			statusCode,
			reason: 'crossOrigin',
			origin: origin ?? next.protocol,
		});
	}
	if (current.method !== 'GET' && statusCode !== 307 && statusCode !== 308) {
		return failed({ kind: 'redirect', statusCode, reason: 'toGet', origin });
	}
	if (hops >= MAX_REDIRECTS) {
		return failed({ kind: 'redirect', statusCode, reason: 'tooMany', origin });
	}
	// The Location is the whole target: its own query replaces ours.
	return { ok: true, next: { ...current, url: next.href, qs: undefined } };
}

async function readText(
	response: IN8nHttpFullResponse,
	signal: AbortSignal,
	stopped: () => ExchangeFault | undefined,
): Promise<ExchangeResult> {
	const { body, statusCode } = response;
	const headers = response.headers as Headers;
	const done = (text: string): ExchangeResult => ({
		ok: true,
		answer: { statusCode, headers, text: text.replace(/^\uFEFF/, '') },
	});
	if (!isReadable(body)) {
		// A helper that did not stream (already read): take what it gave.
		if (body === undefined || body === null) return done('');
		if (typeof body === 'string') return done(body);
		if (Buffer.isBuffer(body)) return done(body.toString('utf8'));
		return done(JSON.stringify(body));
	}
	const declared = Number(header(headers, 'content-length'));
	if (declared > MAX_ANSWER_BYTES) {
		body.destroy();
		return failed({ kind: 'tooLarge', statusCode, bytes: declared });
	}
	const chunks: Buffer[] = [];
	let bytes = 0;
	const onAbort = () => body.destroy(new Error('attempt stopped'));
	if (signal.aborted) onAbort();
	signal.addEventListener('abort', onAbort);
	try {
		for await (const chunk of body) {
			const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
			bytes += buffer.length;
			if (bytes > MAX_ANSWER_BYTES) {
				body.destroy();
				return failed({ kind: 'tooLarge', statusCode, bytes });
			}
			chunks.push(buffer);
		}
	} catch (error) {
		const stop = stopped();
		if (stop?.kind === 'timeout') return failed({ kind: 'timeout', statusCode });
		return failed(stop ?? { kind: 'cut', statusCode, code: errorCode(error) });
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
	return done(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The helper's answer, or undefined once `options.signal` aborts. n8n's helper replaces the
 * request's abort signal by the execution's own, so the deadline is raced here; an answer that
 * arrives after it is discarded.
 */
async function sendWithin(
	send: Send,
	options: SendOptions,
): Promise<IN8nHttpFullResponse | undefined> {
	const { signal } = options;
	if (signal.aborted) return undefined;
	const sending = send(options);
	let onAbort = () => {};
	const aborted = new Promise<undefined>((resolve) => {
		onAbort = () => resolve(undefined);
		signal.addEventListener('abort', onAbort);
	});
	try {
		const response = await Promise.race([sending, aborted]);
		if (response === undefined) {
			sending.then(
				(late) => discard(late.body),
				() => undefined,
			);
		}
		return response;
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

/**
 * Sends `request` and reads its whole answer within `timeoutMs`, or says why it could not.
 * `cancel` is the execution's cancel signal.
 */
export async function exchange(
	send: Send,
	request: Exchange,
	timeoutMs: number,
	cancel?: AbortSignal,
): Promise<ExchangeResult> {
	const controller = new AbortController();
	const deadline = AbortSignal.timeout(timeoutMs);
	const stop = () => controller.abort();
	const stopped = (): ExchangeFault | undefined =>
		deadline.aborted ? { kind: 'timeout' } : cancel?.aborted ? { kind: 'cancelled' } : undefined;
	deadline.addEventListener('abort', stop);
	cancel?.addEventListener('abort', stop);
	if (cancel?.aborted) stop();
	try {
		let current = request;
		for (let hops = 0; ; hops++) {
			let response: IN8nHttpFullResponse | undefined;
			try {
				response = await sendWithin(send, { ...current, signal: controller.signal });
			} catch (error) {
				return failed(stopped() ?? { kind: 'send', error });
			}
			if (response === undefined) return failed(stopped() ?? { kind: 'timeout' });
			const { statusCode } = response;
			const location = REDIRECTS.includes(statusCode)
				? header(response.headers as Headers, 'location')
				: undefined;
			if (location === undefined) return await readText(response, controller.signal, stopped);
			discard(response.body);
			const hop = nextHop(current, statusCode, location, hops);
			if (!hop.ok) return hop;
			current = hop.next;
		}
	} finally {
		deadline.removeEventListener('abort', stop);
		cancel?.removeEventListener('abort', stop);
	}
}
