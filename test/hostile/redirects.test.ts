/**
 * A Base URL that redirects: the node follows only 307/308 (and, for reads, 301/302/303) that stay
 * on the Base URL's origin; anything else fails the item, naming the status and the Location's
 * origin, and no request reaches the other origin (127.0.0.2, let through n8n's SSRF guard).
 */
import { createInstanceParameters, serverLocator } from '../engine/runWorkflow';
import { errorJson, pairedIndex } from '../support/simulator';
import { createsFor, forUser, instanceOf } from '../support/faults';
import { useHostileServer } from '../support/hostile';

const context = useHostileServer();

function requests() {
	return context.sim.requests.map((r) => `${r.method} ${r.rawPath}`);
}

describe('redirects to another origin are never followed', () => {
	it.each([307, 308, 302, 301])(
		'a create answered %p to another host fails, with the origin named and nothing sent there',
		async (status) => {
			const server = context.sim.addServer();
			const location = `${context.elsewhere.url}/api/v3/mcp/servers/${server.id}/instances?steal=1`;
			context.sim.inject(forUser('alice', { status, headers: { location } }));

			const result = await context.run([{ userId: 'alice' }], createInstanceParameters(server.id), {
				onError: 'continueErrorOutput',
			});

			expect(result.success).toEqual([]);
			const failed = errorJson(result.errorOutput[0]);
			expect(failed.error).toBe(
				`The Base URL redirected the request (HTTP ${status}) to another origin, ${context.elsewhere.url}; the node did not follow it`,
			);
			expect(failed.description).toBe(
				`The API key is only ever sent to the Base URL's origin, ${context.sim.url}. Set the credential's Base URL to the address where Composio's API answers.`,
			);
			expect(failed.httpCode).toBe(String(status));
			expect(pairedIndex(result.errorOutput[0])).toBe(0);
			// Refused at once: a redirect is not a fault that a retry could heal.
			expect(createsFor(context.sim, 'alice')).toHaveLength(1);
			expect(context.sim.instancesOf(server.id)).toEqual([]);
		},
	);

	it('a read redirected to another scheme on the same host fails too (https is another origin)', async () => {
		const server = context.sim.addServer();
		const location = context.sim.url.replace('http://', 'https://');
		context.sim.inject({ method: 'GET', status: 302, headers: { location } });

		const result = await context.run(
			[{}],
			{ resource: 'server', operation: 'get', serverId: serverLocator(server.id) },
			{ onError: 'continueErrorOutput' },
		);

		expect(errorJson(result.errorOutput[0]).error).toContain(
			`(HTTP 302) to another origin, ${location}`,
		);
		expect(requests()).toHaveLength(1);
	});

	it('with Stop Workflow, the run fails with the same message', async () => {
		const server = context.sim.addServer();
		const location = `${context.elsewhere.url}/anything`;
		context.sim.inject(forUser('alice', { status: 307, headers: { location } }));

		const result = await context.run([{ userId: 'alice' }], createInstanceParameters(server.id));

		expect(result.status).toBe('error');
		expect(result.error?.message).toContain(`to another origin, ${context.elsewhere.url}`);
	});
});

describe('redirects on the same origin', () => {
	it('a create answered 307 to the v3.1 path is sent there with its body, once, and succeeds', async () => {
		const server = context.sim.addServer();
		const target = `/api/v3.1/mcp/servers/${server.id}/instances`;
		context.sim.inject(forUser('alice', { status: 307, headers: { location: target } }));

		const result = await context.run([{ userId: 'alice' }], createInstanceParameters(server.id));

		expect(result.status).toBe('success');
		expect(result.success.map((item) => item.json)).toEqual([
			instanceOf(context.sim, server.id, 'alice'),
		]);
		const [first, second] = context.sim.requests;
		expect([first.method, second.method, second.rawPath]).toEqual(['POST', 'POST', target]);
		expect(second.body).toEqual({ user_id: 'alice' });
		expect(second.headers['x-api-key']).toBe(context.sim.apiKey);
		expect(context.sim.createCount(server.id, 'alice')).toBe(1);
	});

	it('a read answered 301 is followed on the same origin', async () => {
		const server = context.sim.addServer();
		context.sim.inject({
			method: 'GET',
			status: 301,
			headers: { location: `${context.sim.url}/api/v3/mcp/${server.id}` },
		});

		const result = await context.run([{}], {
			resource: 'server',
			operation: 'get',
			serverId: serverLocator(server.id),
		});

		expect(result.status).toBe('success');
		expect(result.success[0].json.id).toBe(server.id);
		expect(requests()).toHaveLength(2);
	});

	it.each([301, 302, 303])(
		'a create answered %p fails rather than become a GET; nothing is created',
		async (status) => {
			const server = context.sim.addServer();
			context.sim.inject(
				forUser('alice', {
					status,
					headers: { location: `/api/v3/mcp/servers/${server.id}/instances` },
				}),
			);

			const result = await context.run([{ userId: 'alice' }], createInstanceParameters(server.id), {
				onError: 'continueErrorOutput',
			});

			expect(errorJson(result.errorOutput[0]).error).toBe(
				`The Base URL redirected a write (HTTP ${status}), which would turn it into a GET; the node did not follow it`,
			);
			expect(requests()).toHaveLength(1);
			expect(context.sim.instancesOf(server.id)).toEqual([]);
		},
	);

	it('a redirect loop fails after 5 hops', async () => {
		const server = context.sim.addServer();
		const path = `/api/v3/mcp/${server.id}`;
		context.sim.inject({ method: 'GET', status: 307, headers: { location: path }, times: 20 });

		const result = await context.run(
			[{}],
			{ resource: 'server', operation: 'get', serverId: serverLocator(server.id) },
			{ onError: 'continueErrorOutput' },
		);

		expect(errorJson(result.errorOutput[0]).error).toBe(
			'The Base URL redirected the request more than 5 times',
		);
		expect(requests()).toHaveLength(6);
	});
});

describe('Base URLs that can never be Composio', () => {
	it.each(['http://169.254.169.254', 'http://[fe80::1]:8080', 'http://metadata.google.internal'])(
		'%p fails each item before anything is sent',
		async (baseUrl) => {
			const server = context.sim.addServer();

			const result = await context.run(
				[{ userId: 'alice' }, { userId: 'bob' }],
				createInstanceParameters(server.id),
				{ onError: 'continueErrorOutput', credentials: { baseUrl } },
			);

			expect(result.errorOutput.map(pairedIndex)).toEqual([0, 1]);
			const failed = errorJson(result.errorOutput[0]);
			expect(failed.error).toMatch(
				/^The credential's Base URL points at (a link-local address|a cloud metadata service) \(.+\), which cannot be Composio$/,
			);
			expect(failed.description).toContain('private addresses are allowed');
			expect(context.sim.requests).toEqual([]);
		},
	);
});
