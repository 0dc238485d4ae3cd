import type { IDataObject, IHttpRequestMethods, NodeApiError } from 'n8n-workflow';

/** One request to Composio, as operations hand it to the client (and pagination builds pages of). */
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
	/**
	 * For a request that is repeated after an attempt that may already have done the work (a lost
	 * answer, a timeout): the error that then means "done" (a 409 to a create, a 404 to a delete),
	 * and the result to give instead of it. `resolve` answers undefined when it finds nothing, and
	 * the error stands.
	 */
	ifAlreadyDone?: {
		when: (error: NodeApiError) => boolean;
		resolve: () => Promise<IDataObject | undefined>;
	};
	/** Said on the error when the request failed after it may have reached Composio. */
	ifOutcomeUnknown?: string;
}
