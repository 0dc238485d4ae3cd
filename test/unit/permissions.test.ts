/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling: it reads the nodes' source to find every route they send; these rules are n8n Cloud's runtime rules for node code, which this file is not */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describeComposioError } from '../../nodes/shared/transport/errors';
import { permissionFor, PERMISSIONS, scopeRefusal } from '../../nodes/shared/transport/permissions';
import { buildPath } from '../../nodes/shared/transport/url';
import { loadSpec } from '../simulator';
import { PERMISSIONS as SIMULATOR_PERMISSIONS } from '../simulator/scopes';

const MISSING_ACCOUNTS =
	'The user does not have connected accounts for all required auth configurations.';
const REFUSED = "This API key's permissions do not allow this request.";

/** A concrete path for a route's template, with ids that need encoding. */
function pathOf(template: string): string {
	return template.replace(/\{\w+\}/g, () => buildPath('{id}', { id: 'a/b c' }));
}

function envelope(status: number, message: string, extra: Record<string, unknown> = {}) {
	return { error: { message, code: status * 10, status, request_id: 'req_1', ...extra } };
}

describe('permissionFor', () => {
	it('reads literal segments before parameters: /mcp/servers is the list, not a server', () => {
		expect(permissionFor({ method: 'GET', path: '/mcp/servers' })?.route).toBe('GET /mcp/servers');
		expect(permissionFor({ method: 'GET', path: '/mcp/srv_1' })?.route).toBe('GET /mcp/{id}');
		expect(
			permissionFor({
				method: 'post',
				path: buildPath('/mcp/servers/{id}/instances', { id: 'x/y' }),
			}),
		).toMatchObject({ route: 'POST /mcp/servers/{server_id}/instances', access: 'write' });
	});

	it('knows nothing of a route the nodes do not send, or of another method', () => {
		expect(permissionFor({ method: 'GET', path: '/toolkits' })).toBeUndefined();
		expect(permissionFor({ method: 'PUT', path: '/mcp/servers' })).toBeUndefined();
		expect(
			permissionFor({ method: 'GET', path: '/mcp/servers/extra/segments/here' }),
		).toBeUndefined();
	});

	it('covers every route the two nodes send', () => {
		const routes = new Set<string>();
		const walk = (dir: string): void => {
			for (const entry of readdirSync(dir, { withFileTypes: true })) {
				const file = join(dir, entry.name);
				if (entry.isDirectory()) walk(file);
				else if (file.endsWith('.ts') && !file.includes('transport')) {
					const source = readFileSync(file, 'utf8');
					for (const [, path] of source.matchAll(
						/'(\/(?:mcp|tool_router|trigger_instances|triggers_types|webhook_subscriptions|connected_accounts|auth_configs)[^']*)'/g,
					)) {
						routes.add(path.replace(/\{\w+\}/g, '{}'));
					}
				}
			}
		};
		walk(join(__dirname, '..', '..', 'nodes'));
		const known = new Set(PERMISSIONS.map((p) => p.route.split(' ')[1].replace(/\{\w+\}/g, '{}')));
		expect(routes.size).toBeGreaterThan(15);
		expect([...routes].filter((route) => !known.has(route))).toEqual([]);
	});

	it("agrees with the simulator's own reading of Composio's page, route by route", () => {
		const areaIds: Record<string, string> = {
			'MCP servers (legacy)': 'mcp_servers',
			Sessions: 'sessions',
			'Tool execution': 'tool_execution',
			'Auth configs': 'auth_configs',
			'Connected accounts': 'connected_accounts',
			Triggers: 'triggers',
			Webhooks: 'webhooks',
		};
		for (const permission of PERMISSIONS) {
			const [method, template] = permission.route.split(' ');
			// A route only v3.1 has (a session's update and delete) is looked up under /api/v3.1.
			const op = ['v3', 'v3.1']
				.map((version) => `/api/${version}${pathOf(template)}`.split('/').slice(1))
				.map((segments) => loadSpec().match(method, segments.map(decodeURIComponent))?.op)
				.find(Boolean);
			const theirs = op && SIMULATOR_PERMISSIONS[`${op.method} ${op.template}`];
			expect({
				route: permission.route,
				access: theirs?.access,
				areas: theirs?.areas.sort(),
			}).toEqual({
				route: permission.route,
				access: permission.access,
				areas: permission.areas.map((area) => areaIds[area]).sort(),
			});
		}
	});
});

describe('scopeRefusal', () => {
	it('names the one area a route needs, and what to do', () => {
		const refusal = scopeRefusal({ method: 'POST', path: '/tool_router/session' }, REFUSED);
		expect(refusal?.message).toBe(
			`${REFUSED} (if this API key is scoped, it needs "Sessions: write" for POST /tool_router/session)`,
		);
		expect(refusal?.fix).toContain('with Write access to "Sessions"');
		expect(refusal?.fix).toContain('Settings → API Keys');
	});

	it('names both areas where either grants the route', () => {
		expect(scopeRefusal({ method: 'GET', path: '/mcp/servers' }, 'Forbidden')?.message).toBe(
			'Forbidden (if this API key is scoped, it needs "MCP servers (legacy): read" or "Sessions: read" for GET /mcp/servers)',
		);
		expect(
			scopeRefusal({ method: 'POST', path: '/tool_router/session/trs_1/execute' }, 'Forbidden')
				?.message,
		).toContain('it needs "Tool execution: write" or "Sessions: write" for POST');
	});

	it.each([
		['/mcp/servers/srv_1/instances', MISSING_ACCOUNTS],
		['/tool_router/session/trs_1/link', 'The session does not belong to the authenticated user.'],
		[
			'/mcp/servers/srv_1/instances',
			'Requests from this IP address are not allowed for this API key.',
		],
	])(
		'does not blame the scope for a 403 Composio gives for another reason: POST %s %p',
		(path, message) => {
			expect(scopeRefusal({ method: 'POST', path }, message)).toBeUndefined();
		},
	);

	it.each([
		['GET', '/connected_accounts', 'Your key has no access to Connected accounts.'],
		['POST', '/connected_accounts/link', 'Connected accounts: write is not granted.'],
		['POST', '/tool_router/session', 'The session does not belong to this scope.'],
		['GET', '/mcp/servers', 'This resource does not belong to your permissions.'],
	])(
		'keeps the hint where those words are not the documented reason: %s %s',
		(method, path, message) => {
			expect(scopeRefusal({ method, path }, message)?.message).toMatch(
				/ \(if this API key is scoped, it needs "/,
			);
		},
	);

	it('excuses "does not belong" on every route of a session, and the IP allowlist anywhere', () => {
		const alien = 'The session does not belong to the authenticated user.';
		for (const path of ['/tool_router/session/trs_1', '/tool_router/session/trs_1/toolkits']) {
			expect(scopeRefusal({ method: 'GET', path }, alien)).toBeUndefined();
		}
		expect(
			scopeRefusal({ method: 'POST', path: '/tool_router/session/trs_1/execute' }, alien),
		).toBeUndefined();
		expect(
			scopeRefusal({ method: 'GET', path: '/webhook_subscriptions' }, 'IP not in allowlist'),
		).toBeUndefined();
	});
});

describe('describeComposioError names the missing permission on a 403', () => {
	const upsert = { method: 'POST', path: '/trigger_instances/GITHUB_COMMIT_EVENT/upsert' };

	it("after Composio's message, with Composio's fix and the request id kept", () => {
		const info = describeComposioError(
			403,
			{},
			envelope(403, REFUSED, { suggested_fix: 'Use another key.' }),
			upsert,
		);
		expect(info.message).toBe(
			`${REFUSED} (if this API key is scoped, it needs "Triggers: write" for POST /trigger_instances/{slug}/upsert)`,
		);
		expect(info.description).toMatch(
			/^Use another key\. If so, put a key that has it in the credential: .*Request ID: req_1$/,
		);
		expect(info.httpCode).toBe('403');
	});

	it("not for the instance create's 403 about connected accounts", () => {
		const create = { method: 'POST', path: '/mcp/servers/srv_1/instances' };
		const info = describeComposioError(403, {}, envelope(403, MISSING_ACCOUNTS), create);
		expect(info.message).toBe(MISSING_ACCOUNTS);
		expect(info.description).toBe('Request ID: req_1');
	});

	it('not for a 403 page from a proxy or firewall, another status, or an unknown route', () => {
		const html = describeComposioError(
			403,
			{},
			'<html><title>Access denied</title></html>',
			upsert,
		);
		expect(html.message).toBe('Composio answered HTTP 403 Forbidden');
		expect(describeComposioError(401, {}, envelope(401, 'Invalid API key'), upsert).message).toBe(
			'Invalid API key',
		);
		const other = { method: 'GET', path: '/toolkits' };
		expect(describeComposioError(403, {}, envelope(403, REFUSED), other).message).toBe(REFUSED);
		expect(describeComposioError(403, {}, envelope(403, REFUSED)).message).toBe(REFUSED);
	});

	it.each([
		['a bare { message }', { message: 'Forbidden' }],
		['{ error: "…" }', { error: 'Forbidden' }],
		['an envelope without a numeric status', { error: { message: 'Forbidden', status: '403' } }],
		['an envelope without a message', { error: { status: 403 } }],
	])("not for a 403 outside Composio's envelope: %s", (_case, body) => {
		const info = describeComposioError(403, {}, body, upsert);
		expect(info.message).not.toContain('if this API key is scoped');
		expect(info.description ?? '').not.toContain('put a key that has it');
	});
});
