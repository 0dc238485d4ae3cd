/** Composio's API versions; v3.1 serves the same MCP shapes under another prefix. */
export const API_VERSIONS = ['v3', 'v3.1'] as const;

export type ApiVersion = (typeof API_VERSIONS)[number];

/** The credential's API version; an unset one (older credentials) is v3, an unknown one undefined. */
export function apiVersionOf(version: unknown): ApiVersion | undefined {
	if (version === undefined || version === null || version === '') return 'v3';
	return (API_VERSIONS as readonly unknown[]).includes(version)
		? (version as ApiVersion)
		: undefined;
}

/** The path prefix for the credential's API version; an unset one (older credentials) is v3. */
export function apiPrefix(version: unknown): string | undefined {
	const known = apiVersionOf(version);
	return known && `/api/${known}`;
}

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

/** Cloud metadata services by name and by the addresses that are not link-local. */
const METADATA_HOSTS = [
	'metadata',
	'metadata.google.internal',
	'metadata.goog',
	'100.100.100.200',
	'[fd00:ec2::254]',
];

/**
 * Why a host must never receive the API key, or undefined. Link-local addresses (169.254.0.0/16,
 * fe80::/10, and IPv4 ones written as IPv6) and cloud metadata services answer for the machine
 * n8n runs on, never for Composio. `hostname` is as URL parses it: IPv4 in dotted decimal however
 * it was typed, IPv6 in brackets, lower case.
 */
export function forbiddenHost(hostname: string): string | undefined {
	const host = hostname.replace(/\.$/, '');
	if (METADATA_HOSTS.includes(host)) return 'a cloud metadata service';
	if (/^169\.254\.\d+\.\d+$/.test(host)) return 'a link-local address';
	if (/^\[fe[89ab][0-9a-f]:/.test(host)) return 'a link-local address';
	// 169.254.x.y inside IPv6: mapped (::ffff:), compatible (::) or NAT64 (64:ff9b::), as a9fe:xxxx.
	if (/^\[(::ffff:|::|64:ff9b::)a9fe:[0-9a-f]{1,4}\]$/.test(host)) return 'a link-local address';
	return undefined;
}

export type BaseUrlCheck =
	| { ok: true; url: string; origin: string }
	| { ok: false; message: string; description: string };

/**
 * The one check of a credential's Base URL, for the node's requests and the credential's Test
 * alike: an http(s) URL without query, fragment or user info, on an address that can be
 * Composio's. Private addresses pass: teams run proxies in front of Composio.
 */
export function checkBaseUrl(raw: unknown): BaseUrlCheck {
	const url = normalizeBaseUrl(raw);
	if (!url) {
		return {
			ok: false,
			message: "The credential's Base URL is not an http(s) URL",
			description:
				'Set it to https://backend.composio.dev, or the http(s) address of your Composio, without a query, fragment or user name.',
		};
	}
	const parsed = new URL(url);
	const forbidden = forbiddenHost(parsed.hostname);
	if (forbidden) {
		return {
			ok: false,
			message: `The credential's Base URL points at ${forbidden} (${parsed.hostname}), which cannot be Composio`,
			description:
				"Link-local addresses (169.254.0.0/16, fe80::/10) and cloud metadata services answer for the machine n8n runs on, so the API key is never sent there. Set the Base URL to https://backend.composio.dev or your proxy's address; private addresses are allowed.",
		};
	}
	return { ok: true, url, origin: parsed.origin };
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
