/**
 * Turns what a parameter or its expression gave for a text or an id into the exact string Composio
 * should receive: the one way both nodes read text. Pure, so every rule is unit-tested; the caller
 * turns a failure into its node's error before any request is sent.
 */
export type TextParseResult = { ok: true; value: string } | { ok: false; message: string };

/**
 * Text as Composio receives it: trimmed, a number as its digits, and '' for nothing (an unset
 * option, or an expression that gave null), never the text "null" or "[object Object]".
 */
export function parseText(value: unknown, label: string): TextParseResult {
	if (value === undefined || value === null) return { ok: true, value: '' };
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) {
			return { ok: false, message: `${label} must be text or a finite number, got ${value}` };
		}
		// Integers via BigInt so 1e21 becomes its digits rather than "1e+21".
		return { ok: true, value: Number.isInteger(value) ? BigInt(value).toString() : String(value) };
	}
	if (typeof value === 'bigint') return { ok: true, value: value.toString() };
	if (typeof value !== 'string') {
		const kind = Array.isArray(value)
			? 'a list'
			: typeof value === 'object'
				? 'an object'
				: `a ${typeof value}`;
		return {
			ok: false,
			message: `${label} must be text, got ${kind}: map a single field, e.g. {{ $json.userId }}`,
		};
	}
	const trimmed = value.trim();
	// Half of a UTF-16 surrogate pair is no character at all: it cannot be sent as UTF-8.
	if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(trimmed)) {
		return { ok: false, message: `${label} holds a broken character (half of a surrogate pair)` };
	}
	return { ok: true, value: trimmed };
}

/** An id: text that may not be empty. */
export function parseId(value: unknown, label: string): TextParseResult {
	const parsed = parseText(value, label);
	if (!parsed.ok || parsed.value !== '') return parsed;
	const blank = typeof value === 'string' && value !== '';
	return { ok: false, message: `${label} is ${blank ? 'blank' : 'empty'}` };
}

/**
 * An id that goes into a URL path. "." and ".." cannot: URL parsers resolve them (even
 * percent-encoded) and the request would reach another endpoint.
 */
export function parsePathId(value: unknown, label: string): TextParseResult {
	const parsed = parseId(value, label);
	if (parsed.ok && (parsed.value === '.' || parsed.value === '..')) {
		return { ok: false, message: `${label} "${parsed.value}" cannot be used in a URL path` };
	}
	return parsed;
}

/**
 * A number given as a number or as numeric text, within `min`–`max` (a whole number when `whole`),
 * or why not: "<label> must be a [whole] number [of <unit>] from <min> to <max>, got <value>".
 */
export function parseBoundedNumber(
	value: unknown,
	bounds: { label: string; min: number; max: number; whole?: boolean; unit?: string },
): { ok: true; value: number } | { ok: false; message: string } {
	const { label, min, max, whole = false, unit } = bounds;
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (
		typeof number === 'number' &&
		number >= min &&
		number <= max &&
		(!whole || Number.isInteger(number))
	) {
		return { ok: true, value: number };
	}
	const kind = `${whole ? 'a whole number' : 'a number'}${unit ? ` of ${unit}` : ''}`;
	const shown = JSON.stringify(value) ?? String(value);
	return { ok: false, message: `${label} must be ${kind} from ${min} to ${max}, got ${shown}` };
}
