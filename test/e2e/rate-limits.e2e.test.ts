/**
 * The rate gate in a real n8n, 2.x and 1.x: Instance › Create for 60 users at its defaults, against
 * every limiter shape the simulator has (a token bucket, one-second windows aligned to the clock,
 * one-second windows from the first request after the last expired) and every kind of X-RateLimit
 * headers (honest, absent, lying). Whatever they are, every user gets exactly one instance, no item
 * fails, and 429s come only where the limit first binds. (How fast is `npm run bench`'s part 4.)
 */
import type { RateLimit } from '../simulator';
import { useE2eEnvironment } from './environment';
import { nodeOutputs } from './n8n';

const SERVER_ID = '5c1f2e3d-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const USERS = 60;
const PER_SECOND = 20;
const CONCURRENCY = 5;

const workflow = {
	id: 'e2eRateLimits',
	name: 'E2E rate limits',
	active: false,
	settings: { executionOrder: 'v1' },
	connections: {
		Start: { main: [[{ node: 'Users', type: 'main', index: 0 }]] },
		Users: { main: [[{ node: 'Composio MCP', type: 'main', index: 0 }]] },
	},
	nodes: [
		{
			id: 'a1b2c3d4-0000-4000-8000-000000000001',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'a1b2c3d4-0000-4000-8000-000000000002',
			name: 'Users',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [220, 0],
			parameters: {
				jsCode: `return Array.from({ length: ${USERS} }, (_, i) => ({ json: { userId: 'user-' + i } }));`,
			},
		},
		{
			id: 'a1b2c3d4-0000-4000-8000-000000000003',
			name: 'Composio MCP',
			type: 'n8n-nodes-composio-mcp.composioMcp',
			typeVersion: 1,
			position: [440, 0],
			parameters: {
				resource: 'instance',
				operation: 'create',
				serverId: { __rl: true, mode: 'id', value: SERVER_ID },
				userId: '={{ $json.userId }}',
			},
			credentials: { composioMcpApi: { id: 'e2eComposioCred1', name: 'Composio (simulator)' } },
		},
	],
};

describe('the rate gate in a real n8n, whatever the limiter and its headers', () => {
	const env = useE2eEnvironment({
		composioCredentialName: 'Composio (simulator)',
		openAiCredentialName: 'OpenAI (fake)',
		model: () => ({ content: 'unused' }),
		workflows: [workflow],
		async seed() {},
	});

	const kinds: Array<NonNullable<RateLimit['kind']>> = ['bucket', 'window', 'firstHit'];
	const modes: Array<NonNullable<RateLimit['headers']>> = ['honest', 'absent', 'lying'];
	const cases = kinds.flatMap((kind) => modes.map((headers) => [kind, headers] as const));

	it.each(cases)(
		'%s limiter, %s headers: every user created once, no item fails',
		async (kind, headers) => {
			env.sim.reset();
			env.sim.addServer({ id: SERVER_ID });
			env.sim.setRateLimit({ perSecond: PER_SECOND, kind, headers });

			const result = await env.n8n.execute(workflow.id);

			expect(result.code).toBe(0);
			const [created] = nodeOutputs(result.run, 'Composio MCP');
			expect(created).toHaveLength(USERS);
			const users = Array.from({ length: USERS }, (_, i) => `user-${i}`);
			expect((created ?? []).map((item) => item.json.instance_id)).toEqual(users);
			for (const user of users) expect(env.sim.createCount(SERVER_ID, user)).toBe(1);
			// Honest headers stop the node before the limiter must; otherwise the requests in flight
			// when the limit first binds are refused, once per window until the limit is known.
			const refusals = headers === 'honest' ? 1 : 3 * CONCURRENCY;
			expect(env.sim.rateLimited).toBeLessThanOrEqual(refusals);
		},
	);
});
