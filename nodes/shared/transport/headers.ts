/** Response headers as n8n's HTTP helper hands them over: lower-case names, sometimes repeated. */
export type Headers = Record<string, string | string[] | undefined>;

/** One header's value, looked up whatever the case of its name; the first of repeated ones. */
export function header(headers: Headers | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	const lower = name.toLowerCase();
	const value =
		headers[lower] ?? headers[Object.keys(headers).find((k) => k.toLowerCase() === lower) ?? ''];
	return Array.isArray(value) ? value[0] : value;
}
