/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- test: runs the Code node source the demo generates, as n8n would */
import onboardingFile from '../../examples/onboarding.json';
import {
	COMPOSIO_NODE_TYPES,
	onboardingNode,
	pointAtServer,
	SAMPLE_USERS,
	sampleUsersCode,
	type Workflow,
	withSampleUsers,
} from '../../scripts/demo/workflow';

const onboarding = onboardingFile as unknown as Workflow;
const SERVER = 'demo-server-1';
const CREDENTIAL = { id: 'demoCred1', name: 'Composio MCP (demo)' };

/** Runs a Code node's source as n8n would (a function body) and returns its items. */
function runCode(code: string): unknown {
	return (new Function(code) as () => unknown)();
}

describe('demo: the example workflows, pointed at the demo', () => {
	it("gives every Composio node the demo's credential and server, and changes nothing else", () => {
		const pointed = pointAtServer(onboarding, SERVER, CREDENTIAL);
		const composio = pointed.nodes.filter((n) => COMPOSIO_NODE_TYPES.includes(n.type));
		expect(composio.length).toBeGreaterThan(0);
		for (const n of composio) {
			expect(n.credentials).toEqual({ composioMcpApi: CREDENTIAL });
			expect(n.parameters.serverId).toEqual({ __rl: true, mode: 'id', value: SERVER });
		}
		// Everything else as in the file, which itself is left alone.
		const strip = (w: Workflow) =>
			structuredClone(w.nodes).map((n) => {
				delete n.credentials;
				delete n.parameters.serverId;
				return n;
			});
		expect(strip(pointed)).toEqual(strip(onboarding));
		expect(pointed.connections).toEqual(onboarding.connections);
		expect(onboardingNode(onboarding).parameters.serverId).not.toEqual(
			onboardingNode(pointed).parameters.serverId,
		);
	});

	it('leaves a Composio node without a Server parameter without one', () => {
		const workflow: Workflow = {
			id: 'w',
			name: 'w',
			connections: {},
			nodes: [
				{
					id: '1',
					name: 'List servers',
					type: COMPOSIO_NODE_TYPES[0],
					parameters: { resource: 'server', operation: 'getAll' },
				},
			],
		};
		const pointed = pointAtServer(workflow, SERVER, CREDENTIAL);
		expect(pointed.nodes[0].parameters).toEqual({ resource: 'server', operation: 'getAll' });
		expect(pointed.nodes[0].credentials).toEqual({ composioMcpApi: CREDENTIAL });
	});

	it("makes the onboarding workflow's Code node output the sample users", () => {
		const withUsers = withSampleUsers(onboarding, SAMPLE_USERS);
		const feeding = withUsers.nodes.filter((n) => n.parameters.jsCode !== undefined);
		expect(feeding).toHaveLength(1);
		expect(runCode(feeding[0].parameters.jsCode as string)).toEqual(
			SAMPLE_USERS.map((user) => ({ json: { userId: user.userId, name: user.name } })),
		);
		// It feeds the onboarding node.
		const into = withUsers.connections[feeding[0].name].main.flat();
		expect(into.map((c) => c?.node)).toEqual([onboardingNode(withUsers).name]);
	});

	it('quotes user IDs and names safely in the generated code', () => {
		const users = [{ userId: "o'brien@example.com\\n", name: '*/ "x" ${y}' }];
		expect(runCode(sampleUsersCode(users))).toEqual([{ json: users[0] }]);
	});

	it('covers a new, an existing and a not yet connected user', () => {
		expect(SAMPLE_USERS.map((user) => user.expected).sort()).toEqual([
			'already existed',
			'created',
			'needs to connect',
		]);
	});

	it('refuses a workflow that is not shaped as the demo expects', () => {
		const twoCreates = structuredClone(onboarding);
		twoCreates.nodes.push({ ...onboardingNode(onboarding), id: 'x', name: 'Second create' });
		expect(() => onboardingNode(twoCreates)).toThrow(
			/exactly one Composio MCP node that creates instances, it has 2/,
		);

		const webhook = structuredClone(onboarding);
		const code = webhook.nodes.find((n) => n.type === 'n8n-nodes-base.code');
		code!.type = 'n8n-nodes-base.webhook';
		expect(() => withSampleUsers(webhook, SAMPLE_USERS)).toThrow(
			`the demo expects one Code node listing the users before "${onboardingNode(webhook).name}", found "${code!.name}" (n8n-nodes-base.webhook)`,
		);
	});
});
