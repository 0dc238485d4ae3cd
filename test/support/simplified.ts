/**
 * Simplify (node version 1.1) for the operations that answer a server: each should output the
 * server exactly as Server › Get simplifies it, whose fields and their order server-get.test.ts
 * pins down.
 */
import type { IDataObject } from 'n8n-workflow';

import type { SimulatorTestContext } from './simulator';

/** Asserts `json` is the server Server › Get outputs, simplified, for its id: field order too. */
export async function expectSimplifiedServer(
	context: SimulatorTestContext,
	json: IDataObject,
): Promise<void> {
	const got = await context.run(
		[{}],
		{
			resource: 'server',
			operation: 'get',
			serverId: { __rl: true, mode: 'id', value: String(json.id) },
		},
		{ typeVersion: 1.1 },
	);
	const expected = got.success[0].json;
	expect(expected).not.toHaveProperty('commands');
	expect(json).toEqual(expected);
	expect(Object.keys(json)).toEqual(Object.keys(expected));
}
