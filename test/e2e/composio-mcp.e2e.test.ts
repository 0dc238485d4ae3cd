import { randomBytes } from 'node:crypto';

import { startSimulator, type Simulator } from '../simulator';
import continueErrorOutput from '../../examples/onboarding-error-output.json';
import stopWorkflow from './workflows/stop-workflow.json';
import { N8n, type RunItem, type RunOutput } from './n8n';

// Must match the workflows (examples/onboarding-error-output.json and ./workflows).
const SERVER_ID = '3f2b9c4e-8d1a-4e6f-b7c2-5a9e0d1c2b3a';
const CREDENTIAL = { id: 'e2eComposioCred1', name: 'Composio (simulator)' };
const AUTH_CONFIG = 'ac_e2e_github';
const NEW_USER = 'ada@example.com';
const EXISTING_USER = 'grace@example.com';
const UNCONNECTED_USER = 'linus@example.com';

const MISSING_ACCOUNTS =
	'The user does not have connected accounts for all required auth configurations.';
const DUPLICATE = 'An instance with this ID already exists for the server.';
const INSTANCES_PATH = `/api/v3/mcp/servers/${SERVER_ID}/instances`;

// Distinctive, so that any leak into n8n's output is found.
const API_KEY = `e2e_key_${randomBytes(16).toString('hex')}`;

function nodeOutputs(run: RunOutput | undefined, node: string): Array<RunItem[] | null> {
	const tasks = run?.data.resultData.runData[node];
	expect(tasks).toHaveLength(1);
	return tasks![0].data!.main;
}

function pairedIndex(item: RunItem): number | undefined {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return paired?.item;
}

describe('Composio MCP in a real n8n', () => {
	let sim: Simulator;
	let n8n: N8n;

	beforeAll(async () => {
		n8n = await N8n.create();
		sim = await startSimulator({ apiKey: API_KEY });

		sim.addServer({ id: SERVER_ID, name: 'E2E Server', auth_config_ids: [AUTH_CONFIG] });
		sim.connectAccount(NEW_USER, AUTH_CONFIG);
		sim.connectAccount(EXISTING_USER, AUTH_CONFIG);
		const existing = await fetch(`${sim.url}${INSTANCES_PATH}`, {
			method: 'POST',
			headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
			body: JSON.stringify({ user_id: EXISTING_USER }),
		});
		expect(existing.status).toBe(201);

		const credentials = await n8n.import('credentials', [
			{ ...CREDENTIAL, type: 'composioMcpApi', data: { apiKey: API_KEY, baseUrl: sim.url } },
		]);
		expect(credentials).toMatchObject({ code: 0 });
		const workflows = await n8n.import('workflow', [continueErrorOutput, stopWorkflow]);
		expect(workflows).toMatchObject({ code: 0 });
	});

	afterAll(async () => {
		await sim?.close();
		n8n?.dispose();
	});

	afterEach(() => {
		expect(sim.violations).toEqual([]);
		for (const printed of n8n.transcript) expect(printed).not.toContain(API_KEY);
	});

	it('routes each item to the success or the error output, paired to its input', async () => {
		const before = sim.requests.length;
		const result = await n8n.execute(continueErrorOutput.id);

		expect(result.code).toBe(0);
		expect(result.run?.data.resultData.error).toBeUndefined();
		const [success, errors] = nodeOutputs(result.run, 'Composio MCP');

		expect(success).toHaveLength(1);
		expect(success![0].json).toEqual({
			id: expect.any(String),
			instance_id: NEW_USER,
			mcp_server_id: SERVER_ID,
			created_at: expect.any(String),
			updated_at: expect.any(String),
		});
		expect(pairedIndex(success![0])).toBe(0);

		expect(errors).toHaveLength(3);
		const byInput = new Map(errors!.map((item) => [pairedIndex(item), item.json]));
		expect([...byInput.keys()].sort()).toEqual([1, 2, 3]);
		// n8n's engine sends an item to the error output only when its JSON holds nothing but error,
		// message and details, and reduces any item that sets `item.error` to `{ error }`: the facts
		// the error branch needs must come under `details`. The engine merges the input item's JSON in.
		expect(byInput.get(1)).toEqual({
			userId: EXISTING_USER,
			error: DUPLICATE,
			details: expect.objectContaining({
				httpCode: '409',
				requestId: expect.any(String),
				serverId: SERVER_ID,
				userId: EXISTING_USER,
			}),
		});
		expect(byInput.get(2)).toEqual({
			userId: UNCONNECTED_USER,
			error: MISSING_ACCOUNTS,
			details: expect.objectContaining({
				httpCode: '403',
				requestId: expect.any(String),
				serverId: SERVER_ID,
				userId: UNCONNECTED_USER,
			}),
		});
		expect(byInput.get(3)).toEqual({
			userId: '   ',
			error: expect.stringMatching(/user id/i),
			details: expect.objectContaining({ httpCode: null, requestId: null, serverId: SERVER_ID }),
		});

		// Both branches reached their next node.
		expect(nodeOutputs(result.run, 'Instance created')[0]).toHaveLength(1);
		expect(nodeOutputs(result.run, 'Needs attention')[0]).toHaveLength(3);

		// The blank id failed before any request; the others were sent once each, exactly as the API wants.
		const sent = sim.requests.slice(before);
		expect(sent.map((r) => [r.method, r.rawPath, r.body])).toEqual([
			['POST', INSTANCES_PATH, { user_id: NEW_USER }],
			['POST', INSTANCES_PATH, { user_id: EXISTING_USER }],
			['POST', INSTANCES_PATH, { user_id: UNCONNECTED_USER }],
		]);
		for (const request of sent) {
			expect(request.headers['x-api-key']).toBe(API_KEY);
			expect(request.headers['x-user-api-key']).toBeUndefined();
			expect(request.headers.authorization).toBeUndefined();
		}
		expect(sim.createCount(SERVER_ID, NEW_USER)).toBe(1);
		expect(sim.createCount(SERVER_ID, EXISTING_USER)).toBe(1);
		expect(
			sim
				.instancesOf(SERVER_ID)
				.map((i) => i.instance_id)
				.sort(),
		).toEqual([EXISTING_USER, NEW_USER].sort());
	});

	it("fails the run with Composio's message when On Error is Stop Workflow", async () => {
		const before = sim.requests.length;
		const result = await n8n.execute(stopWorkflow.id);

		expect(result.code).toBe(1);
		expect(result.run?.data.resultData.error).toMatchObject({
			message: MISSING_ACCOUNTS,
			httpCode: '403',
		});
		expect(result.stdout + result.stderr).toContain(MISSING_ACCOUNTS);
		expect(sim.requests.slice(before).map((r) => [r.method, r.rawPath, r.body])).toEqual([
			['POST', INSTANCES_PATH, { user_id: UNCONNECTED_USER }],
		]);
	});

	it("sends its requests through n8n's SSRF guard", async () => {
		const before = sim.requests.length;
		// Same instance, loopback no longer allowed.
		const result = await n8n.execute(stopWorkflow.id, { N8N_SSRF_ALLOWED_IP_RANGES: '' });

		expect(result.code).toBe(1);
		expect(result.run?.data.resultData.error?.description).toMatch(/restricted IP address/);
		expect(sim.requests.length).toBe(before);
	});
});
