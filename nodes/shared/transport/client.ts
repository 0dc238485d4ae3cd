/**
 * The one way the node talks to Composio: a client made once per run. It reads and decrypts the
 * credential once (with the Base URL check and the API version), takes the run's Request Options,
 * and sends every request of the run through n8n's HTTP helper with retries, one rate gate for
 * all items, error mapping and the key masked in everything handed back.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	INode,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { createHash } from 'crypto';

import { pause } from '../helpers/pause';

import type { Attempt } from './attempts';
import { faultAttempt, responseAttempt } from './attempts';
import type { Send } from './exchange';
import { exchange } from './exchange';
import { RateGate, rateGateFor } from './gate';
import type { CursorListRequest, ListRequest } from './pagination';
import type { ComposioRequest } from './request';
import { allCursorPages, allPages } from './pagination';
import type { Redactor } from './redact';
import { createRedactor } from './redact';
import type { AttemptOutcome } from './retry';
import { isTransient, mayHaveReached, retryDelay } from './retry';
import type { RequestSettings } from './settings';
import { DEFAULT_SETTINGS } from './settings';
import type { ApiVersion } from './url';
import { apiPrefix, apiVersionOf, checkBaseUrl } from './url';

export const CREDENTIAL_TYPE = 'composioMcpApi';

export type ComposioContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions;

/** Adds a sentence to an n8n error's description. */
export function addDescription(error: unknown, sentence: string): void {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.description = [error.description, sentence].filter(Boolean).join(' ');
	}
}

/** What the Base URL and API version of the credential resolve to, or why they cannot be used. */
type Target = { ok: true; url: string } | { ok: false; message: string; description: string };

function targetOf(credentials: ICredentialDataDecryptedObject): Target {
	const base = checkBaseUrl(credentials.baseUrl);
	if (!base.ok) return base;
	const prefix = apiPrefix(credentials.apiVersion);
	if (!prefix) {
		return {
			ok: false,
			message: `Unknown API version "${String(credentials.apiVersion)}"`,
			description: "Pick V3 or V3.1 in the credential's API Version.",
		};
	}
	return { ok: true, url: `${base.url}${prefix}` };
}

export class ComposioClient {
	private readonly node: INode;

	private readonly target: Target;

	private readonly redactor: Redactor;

	private readonly send: Send;

	private readonly gate: RateGate;

	/** The execution's cancel signal: it ends requests in flight. */
	private readonly signal: AbortSignal | undefined;

	/**
	 * What ends the client's waits (the rate gate, retries): the run's signal when given (it also
	 * aborts once a failed item stops the run), else the execution's.
	 */
	private readonly waitSignal: AbortSignal | undefined;

	/**
	 * The credential's API version (unset: v3), for what only one version has or takes in another
	 * shape; undefined when the credential names an unknown one (every request then fails).
	 */
	readonly apiVersion: ApiVersion | undefined;

	private constructor(
		context: ComposioContext,
		credentials: ICredentialDataDecryptedObject,
		readonly settings: RequestSettings,
		runSignal?: AbortSignal,
	) {
		this.node = context.getNode();
		const target = targetOf(credentials);
		this.target = target;
		this.apiVersion = apiVersionOf(credentials.apiVersion);
		// One gate per organisation in this n8n process: executions running at once share its limit.
		this.gate = target.ok
			? rateGateFor(
					createHash('sha256')
						.update(`${target.url}\n${String(credentials.apiKey ?? '')}`)
						.digest('hex'),
					settings.retry.maxWaitMs,
				)
			: new RateGate(settings.retry.maxWaitMs);
		this.redactor = createRedactor(String(credentials.apiKey ?? ''));
		this.signal =
			'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal?.() : undefined;
		this.waitSignal = runSignal ?? this.signal;
		// The helper gets the credential already read, so it is not loaded and decrypted again.
		const reference = this.node.credentials?.[CREDENTIAL_TYPE];
		const credentialsDecrypted: ICredentialsDecrypted = {
			id: reference?.id ?? '',
			name: reference?.name ?? '',
			type: CREDENTIAL_TYPE,
			data: credentials,
		};
		const { timeoutMs } = settings;
		this.send = async (options) =>
			(await context.helpers.httpRequestWithAuthentication.call(
				context,
				CREDENTIAL_TYPE,
				{
					method: options.method,
					url: options.url,
					body: options.body,
					qs: options.qs,
					json: true,
					// The answer is read by exchange(), under the attempt's deadline and size cap.
					encoding: 'stream',
					// Only exchange() follows redirects, and only on the Base URL's origin.
					disableFollowRedirect: true,
					timeout: timeoutMs,
					abortSignal: options.signal,
					ignoreHttpStatusErrors: true,
					returnFullResponse: true,
				},
				{ credentialsDecrypted },
			)) as IN8nHttpFullResponse;
	}

	/**
	 * The client for one run: the credential is read and decrypted here, once. `runSignal` ends
	 * the client's waits (see waitSignal); requests in flight end only with the execution.
	 */
	static async create(
		context: ComposioContext,
		settings: RequestSettings = DEFAULT_SETTINGS,
		runSignal?: AbortSignal,
	): Promise<ComposioClient> {
		const credentials = await context.getCredentials(CREDENTIAL_TYPE);
		return new ComposioClient(context, credentials, settings, runSignal);
	}

	/** Every page of a page-numbered list (servers, instances), or up to `list.limit` entries. */
	async pages(list: ListRequest): Promise<IDataObject[]> {
		return await allPages(async (request) => await this.request(request), this.node, list);
	}

	/**
	 * Every page of a cursor-paged list (connected accounts, auth configs, a session's toolkits,
	 * trigger types, webhook subscriptions), or up to `limit`.
	 */
	async cursorPages(request: CursorListRequest): Promise<IDataObject[]> {
		return await allCursorPages(async (page) => await this.request(page), this.node, request);
	}

	async request(request: ComposioRequest): Promise<IDataObject> {
		try {
			return await this.requestWithRetries(request);
		} catch (error) {
			// The one pass over everything an error carries out: message, description, context, cause.
			throw this.redactor.error(error);
		}
	}

	private async requestWithRetries(request: ComposioRequest): Promise<IDataObject> {
		const { method, path, body, qs, itemIndex, safeToRepeat = true } = request;
		if (!this.target.ok) {
			throw new NodeOperationError(this.node, this.target.message, {
				description: this.target.description,
				itemIndex,
			});
		}
		const url = `${this.target.url}${path}`;
		let reachedBefore = false;
		for (let retry = 0; ; retry++) {
			const ticket = await this.gate.pass(this.waitSignal, this.settings.retry.maxWaitMs);
			const result = await exchange(
				this.send,
				{ method, url, body, qs },
				this.settings.timeoutMs,
				this.signal,
			);
			const attempt: Attempt = result.ok
				? responseAttempt(this.node, result.answer, this.redactor, itemIndex, { method, path })
				: faultAttempt(this.node, result.fault, this.target.url, this.settings, itemIndex);
			const reached = attempt.error ? mayHaveReached(attempt.outcome) : false;
			const delay =
				!attempt.error || this.waitSignal?.aborted || (reached && !safeToRepeat)
					? undefined
					: retryDelay(attempt.outcome, retry + 1, this.settings.retry);
			const held = this.gate.settle(
				ticket,
				attempt.outcome,
				result.ok ? result.answer.headers : undefined,
				delay,
			);
			if (!attempt.error) return attempt.data ?? {};

			if (delay === undefined) {
				const { error } = attempt;
				if (reachedBefore && request.ifAlreadyDone?.when(error)) {
					const done = await request.ifAlreadyDone.resolve();
					if (done) return done;
				}
				if (reached && isTransient(attempt.outcome) && request.ifOutcomeUnknown) {
					addDescription(error, request.ifOutcomeUnknown);
				}
				throw error;
			}
			reachedBefore ||= reached;
			// A 429 has closed the gate for every request; other faults back off alone.
			if (isRateLimited(attempt.outcome)) await this.gate.waitOut(held, this.waitSignal);
			else await pause(delay, this.waitSignal);
		}
	}
}

function isRateLimited(outcome: AttemptOutcome): boolean {
	return outcome.kind === 'status' && outcome.status === 429;
}
