/**
 * A server that echoes the API key, as is or encoded, in every place an answer can carry it: the
 * error's message, suggested fix, request id (body and header) and code, and a success answer.
 * The node's output, its error, n8n's run data and the errors n8n reports hold no form of the key
 * (useSimulator checks them all after each test, with test/support/leaks.ts), on both error
 * settings; what is not the key is kept.
 */
import type { IDataObject } from 'n8n-workflow';

import { createInstanceParameters } from '../engine/runWorkflow';
import { keyEncodings, keyLeaks } from '../support/leaks';
import { forUser } from '../support/faults';
import { errorJson } from '../support/simulator';
import { HOSTILE_KEY, useHostileServer } from '../support/hostile';

const context = useHostileServer();
const encoded = keyEncodings(HOSTILE_KEY);

/** Alice's create answers `status`, echoing the key in the body and, as `requestIdForm`, the header. */
function echoOnCreate(status: number, requestIdForm: string): void {
	context.sim.inject(
		forUser('alice', {
			status,
			body: echoingError(status),
			headers: { 'x-request-id': requestIdForm },
		}),
	);
}

function echoingError(status: number): IDataObject {
	return {
		error: {
			message: `Invalid API key ${HOSTILE_KEY} for project p_1`,
			suggested_fix: `Check ${encoded.urlEncoded} or ${encoded.basicAuth}`,
			request_id: HOSTILE_KEY,
			code: encoded.base64,
			status,
		},
	};
}

describe('an error answer that echoes the key', () => {
	it('continue (error output): the item keeps every fact but the key', async () => {
		const server = context.sim.addServer();
		echoOnCreate(401, encoded.upper);

		const result = await context.run([{ userId: 'alice' }], createInstanceParameters(server.id), {
			onError: 'continueErrorOutput',
		});

		const failed = errorJson(result.errorOutput[0]);
		expect(failed.error).toBe('Invalid API key *** for project p_1');
		expect(failed.httpCode).toBe('401');
		// The request id was the key itself: masked, not dropped.
		expect(failed.requestId).toBe('***');
		expect(failed.description).toMatch(/^Check \*\*\* or Basic /);
		expect(keyLeaks(JSON.stringify(result.errorOutput), HOSTILE_KEY)).toEqual([]);
	});

	it('stop workflow: the run error, its context and what n8n reports hold no form of the key', async () => {
		const server = context.sim.addServer();
		echoOnCreate(400, encoded.base64Url);

		const result = await context.run([{ userId: 'alice' }], createInstanceParameters(server.id));

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Invalid API key *** for project p_1');
		expect(keyLeaks(result.deepDump, HOSTILE_KEY)).toEqual([]);
	});

	it('a 429 whose bare message echoes the key, retried then failed, leaks nothing either', async () => {
		const server = context.sim.addServer();
		context.sim.inject(
			forUser('alice', {
				status: 429,
				body: { message: `Rate limit for ${encoded.upper}` },
				headers: { 'retry-after': '0', 'x-request-id': HOSTILE_KEY },
				times: 3,
			}),
		);

		const result = await context.run(
			[{ userId: 'alice' }],
			{ ...createInstanceParameters(server.id), requestOptions: { maxRetries: 2 } },
			{ onError: 'continueErrorOutput' },
		);

		expect(errorJson(result.errorOutput[0])).toMatchObject({
			error: 'Rate limit for ***',
			httpCode: '429',
			requestId: '***',
		});
	});
});

describe('a success answer that echoes the key', () => {
	it('goes to the output with the key masked and everything else as Composio sent it', async () => {
		const server = context.sim.addServer();
		const instance = {
			id: 'b2a0c1d2-0000-4000-8000-000000000001',
			instance_id: 'alice',
			mcp_server_id: server.id,
			created_at: '2026-01-01T00:00:00.000Z',
			updated_at: '2026-01-01T00:00:00.000Z',
		};
		context.sim.inject(
			forUser('alice', {
				status: 201,
				body: {
					...instance,
					debug: { headers: { 'x-api-key': HOSTILE_KEY, authorization: encoded.basicAuth } },
					[encoded.urlEncoded]: 'the key as a field name',
				},
			}),
		);

		const result = await context.run([{ userId: 'alice' }], createInstanceParameters(server.id));

		expect(result.status).toBe('success');
		const output = result.success[0].json;
		expect(output).toMatchObject(instance);
		expect(output.debug).toEqual({
			headers: { 'x-api-key': '***', authorization: expect.stringMatching(/^Basic /) },
		});
		expect(Object.values(output)).toContain('the key as a field name');
		expect(keyLeaks(JSON.stringify(output), HOSTILE_KEY)).toEqual([]);
	});

	it('escaped in the JSON (\\u sequences) is masked all the same', async () => {
		const server = context.sim.addServer();
		const escaped = [...HOSTILE_KEY]
			.map((char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
			.join('');
		context.sim.inject({
			method: 'GET',
			status: 200,
			body: `{"id":"${server.id}","name":"Echo","note":"${escaped}"}`,
		});

		const result = await context.run([{}], {
			resource: 'server',
			operation: 'get',
			serverId: { __rl: true, mode: 'id', value: server.id },
		});

		expect(result.success[0].json).toEqual({ id: server.id, name: 'Echo', note: '***' });
	});
});
