import {
	buildPath,
	checkBaseUrl,
	forbiddenHost,
	normalizeBaseUrl,
	segment,
} from '../../nodes/shared/transport/url';

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

describe('checkBaseUrl', () => {
	it.each([
		['https://backend.composio.dev/', 'https://backend.composio.dev'],
		['http://10.0.0.5:8080', 'http://10.0.0.5:8080'],
		['http://192.168.1.20/composio', 'http://192.168.1.20'],
		['http://[fd12::1]:9000', 'http://[fd12::1]:9000'],
		['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
	])('accepts %p (private addresses too: teams run proxies), origin %p', (input, origin) => {
		expect(checkBaseUrl(input)).toMatchObject({ ok: true, origin });
	});

	it.each([
		['http://169.254.169.254/latest', '169.254.169.254'],
		['http://2852039166/', '169.254.169.254'],
		['http://0xA9FEA9FE', '169.254.169.254'],
		['http://169.254.10.1:8080', '169.254.10.1'],
		['http://[fe80::1]', '[fe80::1]'],
		['http://[febf::1]', '[febf::1]'],
		['http://[::ffff:169.254.169.254]', '[::ffff:a9fe:a9fe]'],
	])('refuses the link-local %p, naming %p', (input, host) => {
		const checked = checkBaseUrl(input);
		expect(checked).toMatchObject({
			ok: false,
			message: `The credential's Base URL points at a link-local address (${host}), which cannot be Composio`,
		});
		expect(!checked.ok && checked.description).toMatch(/private addresses are allowed/);
	});

	it.each([
		'http://metadata.google.internal/computeMetadata/v1',
		'http://metadata.google.internal.',
		'http://METADATA',
		'http://100.100.100.200',
		'http://[fd00:ec2::254]',
	])('refuses the cloud metadata service %p', (input) => {
		expect(checkBaseUrl(input)).toMatchObject({
			ok: false,
			message: expect.stringContaining('a cloud metadata service'),
		});
	});

	it.each(['ftp://x.example', 'https://a.example?q=1', 'https://u:p@a.example', 'nope', 7])(
		'refuses %p as not an http(s) URL',
		(input) => {
			expect(checkBaseUrl(input)).toMatchObject({
				ok: false,
				message: "The credential's Base URL is not an http(s) URL",
			});
		},
	);

	it('forbiddenHost leaves ordinary hosts alone', () => {
		for (const host of [
			'backend.composio.dev',
			'10.1.2.3',
			'[::1]',
			'169.25.4.1',
			'metadata.example',
		])
			expect(forbiddenHost(host)).toBeUndefined();
	});
});
