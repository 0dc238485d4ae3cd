/**
 * The one place the node talks to Composio: base URL, credential, JSON encoding, error mapping.
 * Every status is read here (ignoreHttpStatusErrors) so errors carry Composio's own message
 * instead of n8n's generic text per status, and nothing of the request (its API key) leaks.
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
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { describeComposioError, excerpt, parseBody } from './errors';
import { apiPrefix, normalizeBaseUrl } from './url';

export const CREDENTIAL_TYPE = 'composioMcpApi';

const TIMEOUT_MS = 60_000;

export type ComposioContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface ComposioRequest {
	method: IHttpRequestMethods;
	/** Path after the API prefix, ids already encoded (see buildPath). */
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	itemIndex?: number;
}

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

function networkError(
	node: INode,
	error: unknown,
	baseUrl: string,
	apiKey: string,
	itemIndex?: number,
): NodeApiError {
	const code = errorCode(error);
	const host = new URL(baseUrl).host;
	const original = (error as Error)?.message ?? String(error);
	const timedOut =
		code === 'ETIMEDOUT' || code === 'ECONNABORTED' || /timeout/i.test(original ?? '');
	const message = timedOut
		? `Composio did not answer within ${TIMEOUT_MS / 1000} s`
		: code === 'ECONNREFUSED'
			? `Could not connect to Composio at ${host}`
			: code === 'ECONNRESET'
				? 'The connection to Composio closed before it answered'
				: `Could not reach Composio at ${host}`;
	const description = redact(`${code ? `${code}: ` : ''}${original}`, apiKey);
	const apiError = new NodeApiError(node, { message, code: code ?? null } as JsonObject, {
		message,
		description,
		itemIndex,
	});
	// NodeApiError swaps messages that mention an OS error code for its own text; keep ours.
	apiError.message = message;
	return apiError;
}

export async function composioApiRequest(
	this: ComposioContext,
	{ method, path, body, qs, itemIndex }: ComposioRequest,
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

	let response: IN8nHttpFullResponse;
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
			method,
			url: `${baseUrl}${prefix}${path}`,
			body,
			qs,
			json: true,
			timeout: TIMEOUT_MS,
			ignoreHttpStatusErrors: true,
			returnFullResponse: true,
		})) as IN8nHttpFullResponse;
	} catch (error) {
		throw networkError(node, error, baseUrl, apiKey, itemIndex);
	}

	const { statusCode, headers } = response;
	const data = parseBody(response.body);
	if (statusCode >= 200 && statusCode < 300) {
		if (data === undefined || data === '') return {};
		if (data !== null && typeof data === 'object' && !Array.isArray(data))
			return data as IDataObject;
		const message = `Composio answered HTTP ${statusCode}, but its answer is not valid JSON`;
		const apiError = new NodeApiError(node, { message, httpCode: statusCode } as JsonObject, {
			message,
			description: redact(
				typeof data === 'string' ? `It began: "${excerpt(data)}"` : undefined,
				apiKey,
			),
			httpCode: String(statusCode),
			itemIndex,
		});
		apiError.message = message;
		throw apiError;
	}

	const info = describeComposioError(statusCode, headers as IDataObject as never, data);
	const message = redact(info.message, apiKey) as string;
	const apiError = new NodeApiError(
		node,
		{ message, httpCode: info.httpCode, requestId: info.requestId ?? null } as JsonObject,
		{ message, description: redact(info.description, apiKey), httpCode: info.httpCode, itemIndex },
	);
	apiError.message = message;
	apiError.context.requestId = info.requestId;
	apiError.context.composioCode = info.code;
	apiError.context.retryAfterSeconds = info.retryAfterSeconds;
	throw apiError;
}
