import { randomUUID } from 'node:crypto';

/** What a route decides; the HTTP layer adds the request id and the rate-limit headers. */
export type Answer =
	| { status: number; body: unknown }
	| { status: number; error: { message: string; suggested_fix?: string } };

/**
 * Composio's numeric error codes are its own and undocumented, apart from 1803 (connected
 * account not found); these are stand-ins so that clients see a number where Composio puts one.
 */
const ERROR_CODES: Record<number, number> = {
	400: 1400,
	401: 1401,
	403: 1403,
	404: 1404,
	409: 1409,
	500: 1500,
};

export function ok(status: number, body: unknown): Answer {
	return { status, body };
}

export function fail(status: number, message: string, suggested_fix?: string): Answer {
	return { status, error: suggested_fix ? { message, suggested_fix } : { message } };
}

export function newRequestId(): string {
	return randomUUID();
}

/** Composio's error envelope. */
export function envelope(
	status: number,
	error: { message: string; suggested_fix?: string },
	requestId: string,
) {
	return {
		error: {
			message: error.message,
			code: ERROR_CODES[status] ?? status * 10,
			status,
			request_id: requestId,
			...(error.suggested_fix ? { suggested_fix: error.suggested_fix } : {}),
		},
	};
}
