/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling: it runs servers and n8n processes on loopback; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * The engine harness itself, driven with a probe node against a bare local HTTP server: proves that
 * a run really goes through WorkflowExecute, n8n's credential handling and OutboundHttp (with SSRF
 * protection on), so the Composio integration tests can rely on it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { TestEngine } from './engine';
import { PROBE_NODE_TYPE, Probe, ProbeApi } from './fixtures/probe';

interface Seen {
	method?: string;
	url?: string;
	headers: http.IncomingHttpHeaders;
	body: string;
}

const PROBE_CREDENTIAL = 'probe-secret-0123456789';

let server: http.Server;
let baseUrl: string;
const seen: Seen[] = [];

beforeAll(async () => {
	server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
		req.on('end', () => {
			seen.push({ method: req.method, url: req.url, headers: req.headers, body });
			if (req.url === '/list') {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ names: ['alpha', 'beta'] }));
				return;
			}
			const parsed = body ? (JSON.parse(body) as { fail?: number }) : {};
			if (parsed.fail) {
				res.writeHead(parsed.fail, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ message: `failed with ${parsed.fail}` }));
				return;
			}
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ echoed: parsed }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
	seen.length = 0;
});

const engine = () =>
	new TestEngine({
		nodeTypes: { [PROBE_NODE_TYPE]: new Probe() },
		credentialTypes: [new ProbeApi()],
	});

const credentials = () => ({ type: 'probeApi', data: { apiKey: PROBE_CREDENTIAL, baseUrl } });

describe('engine harness', () => {
	it('runs Manual Trigger → Test Items → node and applies the credential authenticate block', async () => {
		const run = await engine().runNode({
			type: PROBE_NODE_TYPE,
			parameters: { path: '/echo' },
			items: [{ n: 1 }, { n: 2 }],
			credentials: credentials(),
		});

		expect(run.status).toBe('success');
		expect(run.executedNodes).toEqual([
			"When clicking 'Execute workflow'",
			'Test Items',
			'Node Under Test',
		]);
		expect(run.success.map((item) => item.json)).toEqual([
			{ echoed: { n: 1 } },
			{ echoed: { n: 2 } },
		]);
		expect(run.success.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(seen).toHaveLength(2);
		expect(seen[0].headers['x-probe-key']).toBe(PROBE_CREDENTIAL);
		// Not set in the stored credential: n8n fills in the credential type's default.
		expect(seen[0].headers['x-probe-region']).toBe('eu');
		// Once for the node's getCredentials, once per request inside httpRequestWithAuthentication.
		expect(run.credentialRequests).toEqual(['cred-1', 'cred-1', 'cred-1']);
	});

	it('keeps SSRF protection on for everything but 127.0.0.1', async () => {
		const blockedBase = baseUrl.replace('127.0.0.1', '127.0.0.2');
		const run = await engine().runNode({
			type: PROBE_NODE_TYPE,
			parameters: { path: '/echo' },
			items: [{ n: 1 }],
			credentials: { type: 'probeApi', data: { apiKey: PROBE_CREDENTIAL, baseUrl: blockedBase } },
		});

		expect(run.status).toBe('error');
		expect(dumpMessage(run.error)).toMatch(/127\.0\.0\.2/);
		expect(seen).toHaveLength(0);
	});

	it('routes failed items to the error output with continueErrorOutput', async () => {
		const run = await engine().runNode({
			type: PROBE_NODE_TYPE,
			parameters: { path: '/echo' },
			items: [{ n: 1 }, { fail: 500 }, { n: 3 }],
			credentials: credentials(),
			onError: 'continueErrorOutput',
		});

		expect(run.status).toBe('success');
		expect(run.outputs).toHaveLength(2);
		expect(run.success.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(run.errorOutput).toHaveLength(1);
		expect(run.errorOutput[0].pairedItem).toEqual({ item: 1 });
		// n8n merges the failed item's input json into the error item.
		expect(run.errorOutput[0].json).toMatchObject({ fail: 500 });
	});

	it('fails the execution with stopWorkflow and records the error', async () => {
		const run = await engine().runNode({
			type: PROBE_NODE_TYPE,
			parameters: { path: '/echo' },
			items: [{ n: 1 }, { fail: 404 }],
			credentials: credentials(),
		});

		// Without an explicit message, NodeApiError swaps in n8n's generic text for the status.
		const generic = 'The resource you are requesting could not be found';
		expect(run.status).toBe('error');
		expect(run.error?.message).toBe(generic);
		expect(run.nodeError?.message).toBe(generic);
		expect(run.success).toEqual([]);
		expect(run.runJson).toContain(generic);
		expect(run.runJson).toContain('failed with 404');
	});

	it('gives list search methods a real LoadOptionsContext', async () => {
		const probe = new Probe();
		const context = engine().loadOptionsContext({
			type: PROBE_NODE_TYPE,
			parameters: { path: '/echo' },
			credentials: credentials(),
			path: 'parameters.path',
		});

		const result = await probe.methods.listSearch.probeSearch.call(context);

		expect(result.results.map((entry) => entry.value)).toEqual(['alpha', 'beta']);
		expect(seen[0].headers['x-probe-key']).toBe(PROBE_CREDENTIAL);
	});
});

function dumpMessage(error: unknown): string {
	if (!error || typeof error !== 'object') return String(error);
	const { message, description } = error as { message?: string; description?: string };
	return `${message ?? ''} ${description ?? ''}`;
}
