import { NodeApiError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import { createRedactor, MASK, secretForms } from '../../nodes/shared/transport/redact';
import { keyEncodings, keyLeaks } from '../support/leaks';

// Characters that URL encoding and base64 both change.
const KEY = 'ak_Zx9/Qw+Er7=Ty uI0p';
const redactor = createRedactor(KEY);

describe('createRedactor().text', () => {
	it.each(Object.entries({ raw: KEY, lower: KEY.toLowerCase(), ...keyEncodings(KEY) }))(
		'masks the key %s, alone and inside other text',
		(_, form) => {
			for (const text of [form, `before ${form} after`, `x=${form}&y=1`]) {
				const clean = redactor.text(text);
				expect(keyLeaks(clean, KEY)).toEqual([]);
				expect(clean).toContain(MASK);
			}
		},
	);

	it('masks base64 at every alignment inside a longer base64 text', () => {
		for (const prefix of ['', 'a', 'ab', 'abc', 'user:', 'Bearer ']) {
			for (const suffix of ['', 'z', 'zz']) {
				const encoded = Buffer.from(`${prefix}${KEY}${suffix}`).toString('base64');
				expect({ prefix, suffix, leaks: keyLeaks(redactor.text(encoded), KEY) }).toEqual({
					prefix,
					suffix,
					leaks: [],
				});
			}
		}
	});

	it('leaves text without the key exactly as it was', () => {
		const text = 'Instance created for user ada@example.com (request req_123, code 1803)';
		expect(redactor.text(text)).toBe(text);
		expect(redactor.found(text)).toBe(false);
	});

	it('does nothing for keys too short to be Composio keys (masking them would mangle answers)', () => {
		expect(secretForms('abc')).toEqual([]);
		expect(createRedactor('abc').text('abcdef')).toBe('abcdef');
	});
});

describe('createRedactor().value', () => {
	it('masks every string and key of a JSON value, in place', () => {
		const answer = {
			id: 'inst_1',
			echo: KEY,
			nested: [{ auth: keyEncodings(KEY).basicAuth }, 42, null, true],
			[KEY]: 'the key as a key',
		};
		const same = redactor.value(answer);
		expect(same).toBe(answer);
		expect(keyLeaks(JSON.stringify(answer), KEY)).toEqual([]);
		expect(answer.id).toBe('inst_1');
		expect(answer.nested.slice(1)).toEqual([42, null, true]);
		expect(Object.values(answer)).toContain('the key as a key');
	});
});

describe('createRedactor().error', () => {
	const node: INode = {
		id: 'n',
		name: 'Composio MCP',
		type: 'n8n-nodes-composio-mcp.composioMcp',
		typeVersion: 1,
		position: [0, 0],
		parameters: { userId: 'kept-as-is' },
	};

	it("masks an error's message, description, context and stack, not its node", () => {
		const error = new NodeApiError(node, { message: `bad ${KEY}` } as JsonObject, {
			message: `bad ${KEY}`,
			description: `fix: ${encodeURIComponent(KEY)}`,
		});
		error.context.requestId = KEY.toUpperCase();
		error.context.composioCode = { echoed: [keyEncodings(KEY).base64] };
		redactor.error(error);
		const everything = JSON.stringify(
			Object.fromEntries(
				Object.getOwnPropertyNames(error).map((key) => [
					key,
					(error as unknown as Record<string, unknown>)[key],
				]),
			),
		);
		expect(keyLeaks(everything, KEY)).toEqual([]);
		expect(error.message).toBe(`bad ${MASK}`);
		expect(error.node).toBe(node);
	});
});
