import { parseList, serverNameProblem } from '../../nodes/shared/helpers/lists';
import { settle } from '../../nodes/shared/helpers/settle';
import { apiPrefix, apiVersionOf } from '../../nodes/shared/transport/url';

describe('parseList', () => {
	it.each([
		['gmail, slack', ['gmail', 'slack']],
		[' gmail ,, slack ,', ['gmail', 'slack']],
		['gmail\nslack\n', ['gmail', 'slack']],
		[
			['gmail', ' slack ', ''],
			['gmail', 'slack'],
		],
		[
			['a', 'a', 'b'],
			['a', 'b'],
		],
		[
			[1, 2],
			['1', '2'],
		],
		['', []],
		[undefined, []],
		[null, []],
		['single', ['single']],
	])('reads %p as %p', (input, expected) => {
		expect(parseList(input)).toEqual({ ok: true, value: expected });
	});

	it.each([
		[['gmail', null], 'Toolkits holds null at position 2: each entry must be text, e.g. "gmail"'],
		[['gmail', { slug: 'slack' }], 'Toolkits holds an object at position 2'],
		[[['gmail']], 'Toolkits holds a list at position 1'],
		[[true], 'Toolkits holds true at position 1'],
		[[Number.NaN], 'Toolkits holds a number at position 1'],
		[{ gmail: true }, 'Toolkits must be comma-separated text or a list of text, got an object'],
		[false, 'Toolkits must be comma-separated text or a list of text, got false'],
	])('refuses %p rather than dropping it', (input, message) => {
		const parsed = parseList(input, 'Toolkits');
		expect(parsed.ok).toBe(false);
		expect(!parsed.ok && parsed.message).toContain(message);
	});
});

describe('serverNameProblem', () => {
	it.each(['Good Name', 'abcd', 'a-b-c-1', 'x'.repeat(30)])('accepts %p', (name) => {
		expect(serverNameProblem(name)).toBeUndefined();
	});

	it.each([
		['abc', /4 to 30 characters/],
		['x'.repeat(31), /4 to 30 characters/],
		['bad_name', /letters, digits, spaces and hyphens/],
		['naïve name', /letters, digits, spaces and hyphens/],
	])('rejects %p', (name, message) => {
		expect(serverNameProblem(name)).toMatch(message);
	});
});

describe('apiPrefix', () => {
	it('maps the credential API version to a path prefix', () => {
		expect(apiPrefix('v3')).toBe('/api/v3');
		expect(apiPrefix('v3.1')).toBe('/api/v3.1');
		expect(apiPrefix(undefined)).toBe('/api/v3');
		expect(apiPrefix('')).toBe('/api/v3');
		expect(apiPrefix('v4')).toBeUndefined();
	});

	it('reads the API version the client exposes: unset is v3, unknown undefined', () => {
		expect(apiVersionOf('v3.1')).toBe('v3.1');
		expect(apiVersionOf(null)).toBe('v3');
		expect(apiVersionOf('V3.1')).toBeUndefined();
	});
});

describe('settle', () => {
	it('turns an outcome into a value', async () => {
		await expect(settle(Promise.resolve(1))).resolves.toEqual({ ok: true, value: 1 });
		const error = new Error('x');
		await expect(settle(Promise.reject(error))).resolves.toEqual({ ok: false, error });
	});
});
