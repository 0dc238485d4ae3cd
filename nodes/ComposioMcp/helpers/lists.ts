/**
 * Lists typed by people ("gmail, slack") or mapped from data (["gmail", "slack"]) become the
 * arrays Composio expects: trimmed, without blanks or repeats, in the order given.
 */
export function parseList(value: unknown): string[] {
	const parts: unknown[] = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(/[,\n]/)
			: value === undefined || value === null
				? []
				: [value];
	const out: string[] = [];
	for (const part of parts) {
		const text =
			typeof part === 'number' ? String(part) : typeof part === 'string' ? part.trim() : '';
		if (text && !out.includes(text)) out.push(text);
	}
	return out;
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
