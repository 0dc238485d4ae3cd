/**
 * The one place the node talks to Composio: base URL, credential, JSON encoding, retries, error
 * mapping. Every status is read here (ignoreHttpStatusErrors) so errors carry Composio's own
 * message instead of n8n's generic text per status, and nothing of the request (its API key) leaks.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	INode,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { describeComposioError, excerpt, parseBody } from './errors';
import type { Answer, ExchangeFault, Send } from './exchange';
import { errorCode, exchange, MAX_ANSWER_BYTES, MAX_REDIRECTS } from './exchange';
import type { Redactor } from './redact';
import { createRedactor } from './redact';
import type { AttemptOutcome } from './retry';
import { isTransient, mayHaveReached, retryDelay, TRANSIENT_NETWORK_CODES } from './retry';
import type { RequestSettings } from './settings';
import { DEFAULT_SETTINGS, toRequestSettings } from './settings';
import { apiPrefix, checkBaseUrl } from './url';

export const CREDENTIAL_TYPE = 'composioMcpApi';

export type ComposioContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface ComposioRequest {
	method: IHttpRequestMethods;
	/** Path after the API prefix, ids already encoded (see buildPath). */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	itemIndex?: number;
	/**
	 * Whether sending the request again, after an attempt that may have reached Composio, cannot
	 * do the work twice (reads, deletes, and instance creates, which Composio answers 409 the
	 * second time). Default true; a create without such a guard passes false and is re-sent only
	 * after failures that never reached Composio (a 429, a refused connection).
	 */
	safeToRepeat?: boolean;
}

/**
 * Set on an error when an earlier attempt of the same request failed in a way that may have
 * reached Composio (see mayHaveReached): a create that then answers 409 most likely made the
 * instance itself, and its caller resolves it instead of failing.
 */
export const MAY_HAVE_REACHED = 'mayHaveReachedComposio';

/**
 * Set on an error whose last attempt failed in a way that may have reached Composio: the work
 * may have been done although no answer said so.
 */
export const OUTCOME_UNKNOWN = 'outcomeUnknown';

function apiError(
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

interface Attempt {
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
function faultAttempt(
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

function responseAttempt(
	node: INode,
	{ statusCode, headers, text }: Answer,
	redactor: Redactor,
	itemIndex?: number,
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

	const info = describeComposioError(statusCode, headers, data);
	const error = apiError(node, info.message, {
		description: info.description,
		httpCode: info.httpCode,
		itemIndex,
	});
	error.context.requestId = info.requestId;
	error.context.composioCode = info.code;
	error.context.retryAfterSeconds = info.retryAfterSeconds;
	return {
		outcome: { kind: 'status', status: statusCode, retryAfterSeconds: info.retryAfterSeconds },
		error,
	};
}

function settingsFor(context: ComposioContext, itemIndex: number | undefined): RequestSettings {
	// The list search in the editor has no items and no Request Options of its own.
	if (itemIndex === undefined || !('getInputData' in context)) return DEFAULT_SETTINGS;
	return toRequestSettings(
		(context as IExecuteFunctions).getNodeParameter('requestOptions', itemIndex, {}) as IDataObject,
	);
}

let lastRedactor: { secret: string; redactor: Redactor } | undefined;

/** Building a redactor compiles a pattern; a run uses one key, so the last one is kept. */
function redactorFor(secret: string): Redactor {
	if (lastRedactor?.secret !== secret) lastRedactor = { secret, redactor: createRedactor(secret) };
	return lastRedactor.redactor;
}

export async function composioApiRequest(
	this: ComposioContext,
	request: ComposioRequest,
): Promise<IDataObject> {
	const credentials = await this.getCredentials(CREDENTIAL_TYPE, request.itemIndex);
	const redactor = redactorFor(String(credentials.apiKey ?? ''));
	try {
		return await requestWithRetries.call(this, request, credentials, redactor);
	} catch (error) {
		// The one pass over everything an error carries out: message, description, context, cause.
		throw redactor.error(error);
	}
}

async function requestWithRetries(
	this: ComposioContext,
	{ method, path, body, qs, itemIndex, safeToRepeat = true }: ComposioRequest,
	credentials: ICredentialDataDecryptedObject,
	redactor: Redactor,
): Promise<IDataObject> {
	const node = this.getNode();
	const base = checkBaseUrl(credentials.baseUrl);
	if (!base.ok) {
		throw new NodeOperationError(node, base.message, { description: base.description, itemIndex });
	}
	const prefix = apiPrefix(credentials.apiVersion);
	if (!prefix) {
		throw new NodeOperationError(node, `Unknown API version "${String(credentials.apiVersion)}"`, {
			description: "Pick V3 or V3.1 in the credential's API Version.",
			itemIndex,
		});
	}
	const settings = settingsFor(this, itemIndex);
	const signal = 'getExecutionCancelSignal' in this ? this.getExecutionCancelSignal?.() : undefined;

	// Hand the helper the credential already read, so it is not loaded and decrypted again.
	const reference = this.getNode().credentials?.[CREDENTIAL_TYPE];
	const credentialsDecrypted = {
		id: reference?.id ?? '',
		name: reference?.name ?? '',
		type: CREDENTIAL_TYPE,
		data: credentials,
	};
	const send: Send = async (options) =>
		(await this.helpers.httpRequestWithAuthentication.call(
			this,
			CREDENTIAL_TYPE,
			{
				method: options.method,
				url: options.url,
				body: options.body,
				qs: options.qs,
				json: true,
				encoding: 'stream',
				disableFollowRedirect: true,
				timeout: settings.timeoutMs,
				abortSignal: options.signal,
				ignoreHttpStatusErrors: true,
				returnFullResponse: true,
			},
			{ credentialsDecrypted },
		)) as IN8nHttpFullResponse;

	const target = { method, url: `${base.url}${prefix}${path}`, body, qs };
	let reachedBefore = false;
	for (let retry = 0; ; retry++) {
		const result = await exchange(send, target, settings.timeoutMs, signal);
		const attempt = result.ok
			? responseAttempt(node, result.answer, redactor, itemIndex)
			: faultAttempt(node, result.fault, base.url, settings, itemIndex);
		if (!attempt.error) return attempt.data ?? {};

		const reached = mayHaveReached(attempt.outcome);
		const delay =
			signal?.aborted || (reached && !safeToRepeat)
				? undefined
				: retryDelay(attempt.outcome, retry + 1, settings.retry);
		if (delay === undefined) {
			if (reachedBefore) attempt.error.context[MAY_HAVE_REACHED] = true;
			if (reached && isTransient(attempt.outcome)) attempt.error.context[OUTCOME_UNKNOWN] = true;
			attempt.error.context.attempts = retry + 1;
			throw attempt.error;
		}
		reachedBefore ||= reached;
		await sleep(delay, signal);
	}
}

/**
 * Whether `error` is a `httpCode` answer to a retry whose earlier attempt may already have done
 * the work: a 404 to a repeated delete, a 409 to a repeated create.
 */
export function answeredAfterMaybeDone(error: unknown, httpCode: string): error is NodeApiError {
	return (
		error instanceof NodeApiError &&
		error.httpCode === httpCode &&
		error.context[MAY_HAVE_REACHED] === true
	);
}

/** Adds a sentence to an n8n error's description. */
export function addDescription(error: unknown, sentence: string): void {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.description = [error.description, sentence].filter(Boolean).join(' ');
	}
}
