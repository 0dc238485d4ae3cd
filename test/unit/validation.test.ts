import { parseId, parsePathId, parseText } from '../../nodes/shared/helpers/validation';

describe('parseId', () => {
	it.each([
		['user_1', 'user_1'],
		['  padded  ', 'padded'],
		['ünïcødé 用户', 'ünïcødé 用户'],
		['emoji 😀 𝔘', 'emoji 😀 𝔘'],
		['a/b?c#d', 'a/b?c#d'],
		['../x', '../x'],
	])('keeps text %p as %p', (input, expected) => {
		expect(parseId(input, 'User ID')).toEqual({ ok: true, value: expected });
	});

	it.each([
		[42, '42'],
		[0, '0'],
		[-7, '-7'],
		[1e21, '1000000000000000000000'],
		[1.5, '1.5'],
	])('turns the number %p into its decimal string %p', (input, expected) => {
		expect(parseId(input, 'User ID')).toEqual({ ok: true, value: expected });
	});

	it.each([
		['', /User ID is empty/],
		['   \t\n', /User ID is blank/],
		[undefined, /User ID is empty/],
		[null, /User ID is empty/],
		[{ id: 1 }, /must be text, got an object/],
		[['a'], /must be text, got a list/],
		[true, /must be text, got a boolean/],
		[Number.NaN, /finite number/],
		[Number.POSITIVE_INFINITY, /finite number/],
		['ab\uD83D', /broken character/],
		['\uDE00ab', /broken character/],
	])('rejects %p', (input, message) => {
		const result = parseId(input, 'User ID');
		expect(result.ok).toBe(false);
		expect(!result.ok && result.message).toMatch(message);
	});
});

describe('parseText', () => {
	it.each([
		[null, ''],
		[undefined, ''],
		['', ''],
		['  https://app.example.com/done  ', 'https://app.example.com/done'],
		[42, '42'],
		[1e21, '1000000000000000000000'],
		[BigInt(10), '10'],
	])('reads %p as %p: nothing is empty text, never "null"', (input, expected) => {
		expect(parseText(input, 'Callback URL')).toEqual({ ok: true, value: expected });
	});

	it.each([
		[{ url: 'x' }, 'Callback URL must be text, got an object'],
		[['x'], 'Callback URL must be text, got a list'],
		[false, 'Callback URL must be text, got a boolean'],
		[Number.NaN, 'Callback URL must be text or a finite number, got NaN'],
		['x\uD83D', 'Callback URL holds a broken character'],
	])('refuses %p rather than sending its String()', (input, message) => {
		const result = parseText(input, 'Callback URL');
		expect(result.ok).toBe(false);
		expect(!result.ok && result.message).toContain(message);
	});
});

describe('parsePathId', () => {
	it.each(['.', '..', ' .. '])('rejects %p, which a URL parser would resolve away', (input) => {
		const result = parsePathId(input, 'Server');
		expect(result).toEqual({
			ok: false,
			message: expect.stringMatching(/cannot be used in a URL path/),
		});
	});

	it('accepts ids that merely contain dots', () => {
		expect(parsePathId('../x', 'Server')).toEqual({ ok: true, value: '../x' });
		expect(parsePathId('a.b', 'Server')).toEqual({ ok: true, value: 'a.b' });
	});
});
