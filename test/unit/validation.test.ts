import {
	parseBoundedNumber,
	parseId,
	parsePathId,
	parseText,
} from '../../nodes/shared/helpers/validation';

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

describe('parseBoundedNumber', () => {
	const seconds = { label: 'Poll Interval', min: 1, max: 300, unit: 'seconds' };
	const whole = { label: 'Max', min: 2, max: 10, whole: true };

	it.each([
		[5, seconds, 5],
		['2.5', seconds, 2.5],
		[' 300 ', seconds, 300],
		[2, whole, 2],
		['10', whole, 10],
	])('%j within %j: %j', (value, bounds, expected) => {
		expect(parseBoundedNumber(value, bounds)).toEqual({ ok: true, value: expected });
	});

	it.each([
		[0, seconds, 'Poll Interval must be a number of seconds from 1 to 300, got 0'],
		['', seconds, 'Poll Interval must be a number of seconds from 1 to 300, got ""'],
		['soon', seconds, 'Poll Interval must be a number of seconds from 1 to 300, got "soon"'],
		[null, seconds, 'Poll Interval must be a number of seconds from 1 to 300, got null'],
		[undefined, seconds, 'Poll Interval must be a number of seconds from 1 to 300, got undefined'],
		[2.5, whole, 'Max must be a whole number from 2 to 10, got 2.5'],
		[11, whole, 'Max must be a whole number from 2 to 10, got 11'],
	])('%j within %j is refused: %s', (value, bounds, message) => {
		expect(parseBoundedNumber(value, bounds)).toEqual({ ok: false, message });
	});
});
