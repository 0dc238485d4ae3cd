import type { Headers } from './headers';
import { header } from './headers';
import type { RequestRoute } from './permissions';
import { scopeRefusal } from './permissions';
/**
 * Reading Composio's answers into what an n8n user should see. Pure: no n8n objects, so every
 * shape Composio (or a proxy in front of it) can answer with is unit-tested.
 */

export interface ComposioErrorInfo {
	/** Composio's own message, or a short clean sentence when the answer was not Composio's JSON. */
	message: string;
	/** The suggested fix, the retry hint and the request id, as one line for n8n's error panel. */
	description?: string;
	httpCode: string;
	requestId?: string;
	retryAfterSeconds?: number;
}

const STATUS_TEXT: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	408: 'Request Timeout',
	409: 'Conflict',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

function asRecord(value: unknown): Record<string, unknown> | undefined {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

function text(value: unknown): string | undefined {
	if (typeof value === 'string' && value.trim() !== '') return value.trim();
	if (typeof value === 'number') return String(value);
	return undefined;
}

/** Retry-After as seconds: a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
	if (value === undefined || value.trim() === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim());
	const date = Date.parse(value);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, Math.ceil((date - now) / 1000));
}

/** Turns a body that may be JSON text into a value; anything else stays as it came. */
export function parseBody(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

function looksLikeHtml(body: string): boolean {
	return /^\s*</.test(body) || /<html|<body|<!doctype/i.test(body);
}

/** A short, tag-free excerpt of a non-JSON body, for the description only. */
export function excerpt(body: string, max = 160): string {
	const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1];
	const plain = (title ?? body.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
	return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}

export function describeComposioError(
	status: number,
	headers: Headers | undefined,
	rawBody: unknown,
	/** The request answered: a 403 then names the permission a scoped key lacks for it. */
	route?: RequestRoute,
): ComposioErrorInfo {
	const body = parseBody(rawBody);
	const envelope = asRecord(body);
	// Composio's envelope is { error: { message, ... } }; its rate limiter answers a bare { message }.
	const inner = asRecord(envelope?.error) ?? envelope;
	const statusLabel = `HTTP ${status}${STATUS_TEXT[status] ? ` ${STATUS_TEXT[status]}` : ''}`;

	let message = text(inner?.message) ?? text(envelope?.message) ?? text(envelope?.error);
	const notes: string[] = [];
	if (message === undefined) {
		message = `Composio answered ${statusLabel}`;
		if (typeof body === 'string' && body.trim() !== '') {
			notes.push(
				looksLikeHtml(body)
					? `The answer was an HTML page ("${excerpt(body)}"), not Composio's JSON: a proxy or gateway in front of Composio may be failing.`
					: `The answer was not Composio's JSON: "${excerpt(body)}".`,
			);
		}
	}

	const suggestedFix = text(inner?.suggested_fix);
	const requestId =
		text(inner?.request_id) ?? header(headers, 'x-request-id') ?? header(headers, 'request-id');
	const retryAfterSeconds = parseRetryAfter(header(headers, 'retry-after'));

	if (suggestedFix) notes.unshift(suggestedFix);
	// Only a 403 in Composio's envelope ({ error: { message, status } }, status a number): an HTML
	// 403, a bare { message } or { error: "…" } is a proxy's, a gateway's or a firewall's.
	const error = asRecord(envelope?.error);
	const composios = text(error?.message) !== undefined && typeof error?.status === 'number';
	const scope = status === 403 && route && composios ? scopeRefusal(route, message) : undefined;
	if (scope) {
		message = scope.message;
		notes.push(scope.fix);
	}
	if (status === 429) {
		notes.push(
			retryAfterSeconds === undefined
				? 'Composio is rate limiting this organisation; try again later.'
				: `Composio is rate limiting this organisation; retry after ${retryAfterSeconds} s.`,
		);
	} else if (status >= 500 && notes.length === 0) {
		notes.push('Composio could not handle the request; try again later.');
	}
	if (requestId) notes.push(`Request ID: ${requestId}`);

	return {
		message,
		description: notes.length ? notes.join(' ') : undefined,
		httpCode: String(status),
		requestId,
		retryAfterSeconds,
	};
}
