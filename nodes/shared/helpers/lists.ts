export type ListParseResult = { ok: true; value: string[] } | { ok: false; message: string };

function kindOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'boolean') return `${value}`;
	return `a ${typeof value}`;
}

/**
 * Lists typed by people ("gmail, slack") or mapped from data (["gmail", "slack"]) become the
 * arrays Composio expects: trimmed, without blanks or repeats, in the order given. Anything else
 * in a list (null, an object, a nested list) is refused rather than dropped: it usually means an
 * expression mapped the wrong field, and the request would quietly leave something out.
 */
export function parseList(value: unknown, label = 'The list'): ListParseResult {
	if (value === undefined || value === null) return { ok: true, value: [] };
	let parts: unknown[];
	if (Array.isArray(value)) parts = value;
	else if (typeof value === 'string') parts = value.split(/[,\n]/);
	else if (typeof value === 'number') parts = [value];
	else {
		return {
			ok: false,
			message: `${label} must be comma-separated text or a list of text, got ${kindOf(value)}`,
		};
	}
	const out: string[] = [];
	for (const [index, part] of parts.entries()) {
		let text: string;
		if (typeof part === 'string') text = part.trim();
		else if (typeof part === 'number' && Number.isFinite(part)) text = String(part);
		else {
			return {
				ok: false,
				message: `${label} holds ${kindOf(part)} at position ${index + 1}: each entry must be text, e.g. "gmail"`,
			};
		}
		if (text && !out.includes(text)) out.push(text);
	}
	return { ok: true, value: out };
}

/** Composio's rule for server names, checked before sending so the user sees it on the item. */
export function serverNameProblem(name: string): string | undefined {
	if (name.length < 4 || name.length > 30) {
		return `Server name must be 4 to 30 characters long, "${name}" has ${name.length}`;
	}
	if (!/^[a-zA-Z0-9- ]+$/.test(name)) {
		return `Server name may hold only letters, digits, spaces and hyphens: "${name}"`;
	}
	return undefined;
}
