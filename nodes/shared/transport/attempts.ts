/**
 * What one attempt ended with, as the retry loop and the user see it: an answer read into data or
 * into an n8n error carrying Composio's own message, or a fault (network, timeout, redirect,
 * size) put into words. Pure apart from building the errors: no requests are made here.
 */
import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { describeComposioError, excerpt, parseBody } from './errors';
import type { Answer, ExchangeFault } from './exchange';
import type { RequestRoute } from './permissions';
import { errorCode, MAX_ANSWER_BYTES, MAX_REDIRECTS } from './exchange';
import { parseLimitMessage } from './gate';
import type { Redactor } from './redact';
import type { AttemptOutcome } from './retry';
import { TRANSIENT_NETWORK_CODES } from './retry';
import type { RequestSettings } from './settings';

export function apiError(
	node: INode,
	message: string,
	options: { description?: string; httpCode?: string; itemIndex?: number },
): NodeApiError {
	const error = new NodeApiError(
		node,
		{ message, httpCode: options.httpCode ?? null } as JsonObject,
		{
			message,
			description: options.description,
			httpCode: options.httpCode,
			itemIndex: options.itemIndex,
		},
	);
	// NodeApiError swaps messages that mention an OS error code for its own text; keep ours.
	error.message = message;
	return error;
}

export interface Attempt {
	outcome: AttemptOutcome;
	/** The answer, when the attempt succeeded. */
	data?: IDataObject;
	/** The error to throw, when it failed and is not retried. */
	error?: NodeApiError;
}

function seconds(ms: number): string {
	return `${ms / 1000} s`;
}

/** The helper failed before any answer: a network fault, or n8n refused to send. */
function sendFailure(
	node: INode,
	error: unknown,
	host: string,
	settings: RequestSettings,
	itemIndex?: number,
): Attempt {
	const code = errorCode(error);
	const original = (error as Error)?.message ?? String(error);
	const timedOut = code === 'ETIMEDOUT' || code === 'ECONNABORTED' || /timeout/i.test(original);
	if (!timedOut && !(code && TRANSIENT_NETWORK_CODES.includes(code))) {
		// Not a network fault: n8n refused the request itself (its SSRF guard, a bad proxy
		// setting, …). Its own message says why; retrying cannot help.
		return {
			outcome: { kind: 'refused' },
			error: apiError(node, original, {
				description: (error as { description?: string })?.description,
				itemIndex,
			}),
		};
	}
	const message = timedOut
		? `Composio did not answer within ${seconds(settings.timeoutMs)}`
		: code === 'ECONNREFUSED'
			? `Could not connect to Composio at ${host}`
			: code === 'ECONNRESET'
				? 'The connection to Composio closed before it answered'
				: `Could not reach Composio at ${host}`;
	return {
		outcome: { kind: 'network', code, timedOut },
		// n8n rewrites network errors into its own advice; the code is the part worth keeping.
		error: apiError(node, message, {
			description: code ? `Network error ${code}.` : undefined,
			itemIndex,
		}),
	};
}

const SET_BASE_URL = "Set the credential's Base URL to the address where Composio's API answers.";

/** An attempt that ended without a whole answer, as the retry policy and the user see it. */
export function faultAttempt(
	node: INode,
	fault: ExchangeFault,
	baseUrl: string,
	settings: RequestSettings,
	itemIndex?: number,
): Attempt {
	const host = new URL(baseUrl).host;
	const answered = 'statusCode' in fault && fault.statusCode ? ` (HTTP ${fault.statusCode})` : '';
	switch (fault.kind) {
		case 'send':
			return sendFailure(node, fault.error, host, settings, itemIndex);
		case 'cancelled':
			return {
				outcome: { kind: 'refused' },
				error: apiError(node, 'The execution was cancelled', { itemIndex }),
			};
		case 'timeout':
			return {
				outcome: { kind: 'network', code: 'ETIMEDOUT', timedOut: true },
				error: apiError(
					node,
					answered
						? `Composio's answer${answered} did not arrive in full within ${seconds(settings.timeoutMs)}`
						: `Composio did not answer within ${seconds(settings.timeoutMs)}`,
					{
						description: 'The Timeout (Request Options) bounds each attempt, answer included.',
						itemIndex,
					},
				),
			};
		case 'cut':
			return {
				// Dropped after the headers: Composio got the request and may have done its work.
				outcome: { kind: 'network', code: fault.code ?? 'ECONNRESET', timedOut: false },
				error: apiError(
					node,
					`The connection to Composio closed while its answer${answered} was arriving`,
					{ description: `Network error ${fault.code ?? 'ECONNRESET'}.`, itemIndex },
				),
			};
		case 'tooLarge':
			return {
				outcome: { kind: 'status', status: fault.statusCode },
				error: apiError(
					node,
					`Composio's answer${answered} is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB, the most the node reads`,
					{
						description:
							fault.statusCode >= 200 && fault.statusCode < 300
								? 'Composio carried out the request; only its answer could not be read. A list this large needs a filter or a Limit.'
								: undefined,
						httpCode: String(fault.statusCode),
						itemIndex,
					},
				),
			};
		case 'redirect': {
			const status = `HTTP ${fault.statusCode}`;
			const messages: Record<typeof fault.reason, string> = {
				crossOrigin: `The Base URL redirected the request (${status}) to another origin, ${fault.origin ?? 'unknown'}; the node did not follow it`,
				toGet: `The Base URL redirected a write (${status}), which would turn it into a GET; the node did not follow it`,
				tooMany: `The Base URL redirected the request more than ${MAX_REDIRECTS} times`,
				badLocation: `The Base URL answered ${status} with a Location that is not a URL`,
			};
			const why =
				fault.reason === 'crossOrigin'
					? `The API key is only ever sent to the Base URL's origin, ${new URL(baseUrl).origin}. `
					: '';
			return {
				outcome: { kind: 'refused' },
				error: apiError(node, messages[fault.reason], {
					description: `${why}${SET_BASE_URL}`,
					httpCode: String(fault.statusCode),
					itemIndex,
				}),
			};
		}
	}
}

export function responseAttempt(
	node: INode,
	{ statusCode, headers, text }: Answer,
	redactor: Redactor,
	itemIndex?: number,
	route?: RequestRoute,
): Attempt {
	const data = parseBody(text);
	// The answer is masked before anything reads it (JSON escapes could spell the key in disguise).
	if (typeof data === 'object' && data !== null && (text.includes('\\') || redactor.found(text))) {
		redactor.value(data);
	}
	if (statusCode >= 200 && statusCode < 300) {
		if (data === undefined || data === '')
			return { outcome: { kind: 'status', status: statusCode }, data: {} };
		if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
			return { outcome: { kind: 'status', status: statusCode }, data: data as IDataObject };
		}
		return {
			// A success whose answer was mangled on the way: treated like a gateway fault.
			outcome: { kind: 'status', status: 502 },
			error: apiError(
				node,
				`Composio answered HTTP ${statusCode}, but its answer is not valid JSON`,
				{
					description: typeof data === 'string' ? `It began: "${excerpt(data)}"` : undefined,
					httpCode: String(statusCode),
					itemIndex,
				},
			),
		};
	}

	const info = describeComposioError(statusCode, headers, data, route);
	const error = apiError(node, info.message, {
		description: info.description,
		httpCode: info.httpCode,
		itemIndex,
	});
	error.context.requestId = info.requestId;
	const limit = statusCode === 429 ? parseLimitMessage(info.message) : undefined;
	return {
		outcome: {
			kind: 'status',
			status: statusCode,
			retryAfterSeconds: info.retryAfterSeconds,
			...(limit && { limit }),
		},
		error,
	};
}
