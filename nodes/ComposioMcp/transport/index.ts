/**
 * The one place the node talks to Composio: base URL, credential, JSON encoding, retries, error
 * mapping. Every status is read here (ignoreHttpStatusErrors) so errors carry Composio's own
 * message instead of n8n's generic text per status, and nothing of the request (its API key) leaks.
 */
import type {
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
import type { AttemptOutcome } from './retry';
import { isTransient, mayHaveReached, retryDelay, TRANSIENT_NETWORK_CODES } from './retry';
import type { RequestSettings } from './settings';
import { DEFAULT_SETTINGS, toRequestSettings } from './settings';
import { apiPrefix, normalizeBaseUrl } from './url';

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

/** Removes the API key from any text that could reach an output, an error or a log. */
function redact(textValue: string | undefined, secret: string): string | undefined {
	if (textValue === undefined || secret.length < 4) return textValue;
	return textValue.split(secret).join('***');
}

function errorCode(error: unknown): string | undefined {
	let current = error as { code?: unknown; cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 4; depth++) {
		if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code)) return current.code;
		current = current.cause as typeof current;
	}
	return undefined;
}

function apiError(
	node: INode,
	message: string,
	options: { description?: string; httpCode?: string; itemIndex?: number; apiKey: string },
): NodeApiError {
	const clean = redact(message, options.apiKey) as string;
	const error = new NodeApiError(
		node,
		{ message: clean, httpCode: options.httpCode ?? null } as JsonObject,
		{
			message: clean,
			description: redact(options.description, options.apiKey),
			httpCode: options.httpCode,
			itemIndex: options.itemIndex,
		},
	);
	// NodeApiError swaps messages that mention an OS error code for its own text; keep ours.
	error.message = clean;
	return error;
}

interface Attempt {
	outcome: AttemptOutcome;
	/** The answer, when the attempt succeeded. */
	data?: IDataObject;
	/** The error to throw, when it failed and is not retried. */
	error?: NodeApiError;
}

function networkAttempt(
	node: INode,
	error: unknown,
	baseUrl: string,
	settings: RequestSettings,
	apiKey: string,
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
				apiKey,
			}),
		};
	}
	const host = new URL(baseUrl).host;
	const message = timedOut
		? `Composio did not answer within ${settings.timeoutMs / 1000} s`
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
			apiKey,
		}),
	};
}

function responseAttempt(
	node: INode,
	response: IN8nHttpFullResponse,
	apiKey: string,
	itemIndex?: number,
): Attempt {
	const { statusCode, headers } = response;
	const data = parseBody(response.body);
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
					apiKey,
				},
			),
		};
	}

	const info = describeComposioError(statusCode, headers as never, data);
	const error = apiError(node, info.message, {
		description: info.description,
		httpCode: info.httpCode,
		itemIndex,
		apiKey,
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

export async function composioApiRequest(
	this: ComposioContext,
	{ method, path, body, qs, itemIndex, safeToRepeat = true }: ComposioRequest,
): Promise<IDataObject> {
	const node = this.getNode();
	const credentials = await this.getCredentials(CREDENTIAL_TYPE, itemIndex);
	const apiKey = String(credentials.apiKey ?? '');
	const baseUrl = normalizeBaseUrl(credentials.baseUrl);
	if (!baseUrl) {
		throw new NodeOperationError(node, "The credential's Base URL is not an http(s) URL", {
			description:
				'Set it to https://backend.composio.dev, or the http(s) address of your Composio.',
			itemIndex,
		});
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
	const reference = node.credentials?.[CREDENTIAL_TYPE];
	const credentialsDecrypted = {
		id: reference?.id ?? '',
		name: reference?.name ?? '',
		type: CREDENTIAL_TYPE,
		data: credentials,
	};

	let reachedBefore = false;
	for (let retry = 0; ; retry++) {
		let attempt: Attempt;
		try {
			const response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_TYPE,
				{
					method,
					url: `${baseUrl}${prefix}${path}`,
					body,
					qs,
					json: true,
					timeout: settings.timeoutMs,
					ignoreHttpStatusErrors: true,
					returnFullResponse: true,
				},
				{ credentialsDecrypted },
			)) as IN8nHttpFullResponse;
			attempt = responseAttempt(node, response, apiKey, itemIndex);
		} catch (error) {
			attempt = networkAttempt(node, error, baseUrl, settings, apiKey, itemIndex);
		}
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
