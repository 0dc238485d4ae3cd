/**
 * Turns what an expression gave for an id into the exact string Composio should receive.
 * Pure, so every rule is unit-tested; the caller turns a failure into a per-item NodeOperationError
 * before any request is sent.
 */
export type IdParseResult = { ok: true; value: string } | { ok: false; message: string };

export function parseId(value: unknown, label: string): IdParseResult {
	if (value === undefined || value === null) {
		return { ok: false, message: `${label} is empty` };
	}
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
	if (trimmed === '') {
		return { ok: false, message: `${label} is ${value === '' ? 'empty' : 'blank'}` };
	}
	// Half of a UTF-16 surrogate pair is no character at all: it cannot be sent as UTF-8.
	if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(trimmed)) {
		return { ok: false, message: `${label} holds a broken character (half of a surrogate pair)` };
	}
	return { ok: true, value: trimmed };
}

/**
 * An id that goes into a URL path. "." and ".." cannot: URL parsers resolve them (even
 * percent-encoded) and the request would reach another endpoint.
 */
export function parsePathId(value: unknown, label: string): IdParseResult {
	const parsed = parseId(value, label);
	if (parsed.ok && (parsed.value === '.' || parsed.value === '..')) {
		return { ok: false, message: `${label} "${parsed.value}" cannot be used in a URL path` };
	}
	return parsed;
}
