import {
	describeComposioError,
	excerpt,
	parseRetryAfter,
} from '../../nodes/shared/transport/errors';

describe('describeComposioError', () => {
	it("uses Composio's envelope: message, suggested fix and request id", () => {
		const info = describeComposioError(
			403,
			{},
			{
				error: {
					message:
						'The user does not have connected accounts for all required auth configurations.',
					code: 1234,
					status: 403,
					request_id: 'req_1',
					suggested_fix: 'Connect the user first.',
				},
			},
		);
		expect(info).toEqual({
			message: 'The user does not have connected accounts for all required auth configurations.',
			description: 'Connect the user first. Request ID: req_1',
			httpCode: '403',
			requestId: 'req_1',
			retryAfterSeconds: undefined,
		});
	});

	it('reads an envelope that arrived as JSON text', () => {
		const info = describeComposioError(404, {}, '{"error":{"message":"Server not found"}}');
		expect(info.message).toBe('Server not found');
		expect(info.description).toBeUndefined();
	});

	it("reads the rate limiter's bare body and its Retry-After", () => {
		const info = describeComposioError(
			429,
			{ 'Retry-After': '17' },
			{ message: 'Rate limit exceeded. Limit: 100 requests per 1 minutes' },
		);
		expect(info.message).toBe('Rate limit exceeded. Limit: 100 requests per 1 minutes');
		expect(info.retryAfterSeconds).toBe(17);
		expect(info.description).toMatch(/retry after 17 s/);
	});

	it('gives a short clean message for an HTML page, never the HTML', () => {
		const html =
			'<!DOCTYPE html><html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>503</h1><p>nginx</p></body></html>';
		const info = describeComposioError(503, { 'content-type': 'text/html' }, html);
		expect(info.message).toBe('Composio answered HTTP 503 Service Unavailable');
		expect(info.message).not.toMatch(/</);
		expect(info.description).not.toMatch(/[<>]/);
		expect(info.description).toMatch(/503 Service Temporarily Unavailable/);
		expect(info.description).toMatch(/proxy or gateway/);
	});

	it('falls back to the status for an empty body', () => {
		const info = describeComposioError(500, {}, '');
		expect(info.message).toBe('Composio answered HTTP 500 Internal Server Error');
		expect(info.description).toMatch(/try again later/);
	});

	it('takes the request id from a header when the body has none', () => {
		const info = describeComposioError(
			500,
			{ 'x-request-id': 'hdr_9' },
			{ error: { message: 'Boom' } },
		);
		expect(info.requestId).toBe('hdr_9');
		expect(info.description).toMatch(/Request ID: hdr_9/);
	});
});

describe('parseRetryAfter', () => {
	it('reads seconds and HTTP dates', () => {
		const now = Date.parse('2026-11-27T10:00:00Z');
		expect(parseRetryAfter('5', now)).toBe(5);
		expect(parseRetryAfter('Fri, 27 Nov 2026 10:00:30 GMT', now)).toBe(30);
		expect(parseRetryAfter('Fri, 27 Nov 2026 09:00:00 GMT', now)).toBe(0);
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
	});
});

describe('excerpt', () => {
	it('strips tags and shortens', () => {
		expect(excerpt('<p>hello   <b>world</b></p>')).toBe('hello world');
		expect(excerpt('x'.repeat(500), 10)).toHaveLength(10);
	});
});
