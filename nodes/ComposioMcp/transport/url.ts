/** Composio's API versions; v3.1 serves the same MCP shapes under another prefix. */
export const API_VERSIONS = ['v3', 'v3.1'] as const;

/** The path prefix for the credential's API version; an unset one (older credentials) is v3. */
export function apiPrefix(version: unknown): string | undefined {
	if (version === undefined || version === null || version === '') return '/api/v3';
	return (API_VERSIONS as readonly unknown[]).includes(version) ? `/api/${version}` : undefined;
}

export const DEFAULT_BASE_URL = 'https://backend.composio.dev';

/** The credential's base URL without trailing slashes, or undefined when it is not an http(s) URL. */
export function normalizeBaseUrl(raw: unknown): string | undefined {
	if (typeof raw !== 'string') return undefined;
	const trimmed = raw.trim().replace(/\/+$/, '');
	let parsed: URL;
	try {
		parsed = new URL(trimmed);
	} catch {
		return undefined;
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
	if (parsed.search || parsed.hash || parsed.username || parsed.password) return undefined;
	return trimmed;
}

/** One path segment: "/", "?", "#" and every non-ASCII character are percent-encoded. */
export function segment(id: string): string {
	return encodeURIComponent(id);
}

/** Builds a path from a template such as `/mcp/servers/{serverId}/instances`, encoding each value. */
export function buildPath(template: string, params: Record<string, string> = {}): string {
	return template.replace(/\{(\w+)\}/g, (_, name: string) => {
		const value = params[name];
		if (value === undefined) throw new RangeError(`Missing path parameter ${name}`);
		return segment(value);
	});
}
