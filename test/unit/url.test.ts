import { buildPath, normalizeBaseUrl, segment } from '../../nodes/ComposioMcp/transport/url';

describe('normalizeBaseUrl', () => {
	it.each([
		['https://backend.composio.dev', 'https://backend.composio.dev'],
		['https://backend.composio.dev/', 'https://backend.composio.dev'],
		['https://backend.composio.dev///', 'https://backend.composio.dev'],
		[' http://127.0.0.1:8080/ ', 'http://127.0.0.1:8080'],
		['https://proxy.example.com/composio/', 'https://proxy.example.com/composio'],
	])('accepts %p as %p', (input, expected) => {
		expect(normalizeBaseUrl(input)).toBe(expected);
	});

	it.each([
		'',
		'backend.composio.dev',
		'ftp://backend.composio.dev',
		'javascript:alert(1)',
		'https://backend.composio.dev?x=1',
		'https://user:pass@backend.composio.dev',
		undefined,
		42,
	])('rejects %p', (input) => {
		expect(normalizeBaseUrl(input)).toBeUndefined();
	});
});

describe('segment and buildPath', () => {
	it('encodes an id as exactly one path segment', () => {
		expect(segment('a/b?c#d')).toBe('a%2Fb%3Fc%23d');
		expect(segment('../x')).toBe('..%2Fx');
		expect(segment('用户 1')).toBe('%E7%94%A8%E6%88%B7%201');
		expect(decodeURIComponent(segment('a/b?c#d%'))).toBe('a/b?c#d%');
	});

	it('fills a template with encoded values', () => {
		expect(buildPath('/mcp/servers/{serverId}/instances', { serverId: 'a/b' })).toBe(
			'/mcp/servers/a%2Fb/instances',
		);
	});

	it('refuses to build a path with a missing parameter', () => {
		expect(() => buildPath('/mcp/{id}', {})).toThrow(/Missing path parameter id/);
	});

	it('keeps every encoded segment inside its place once parsed as a URL', () => {
		for (const id of ['../x', 'a/b?c#d', '%2e%2e', 'x/../../y']) {
			const url = new URL(
				`https://h${buildPath('/mcp/servers/{serverId}/instances', { serverId: id })}`,
			);
			const parts = url.pathname.split('/');
			expect(parts).toHaveLength(5);
			expect(decodeURIComponent(parts[3])).toBe(id);
			expect(url.search).toBe('');
			expect(url.hash).toBe('');
		}
	});
});
