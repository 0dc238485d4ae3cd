/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- test: runs the Code node source the demo generates, as n8n would */
import onboardingCompleteFile from '../../examples/onboarding-complete.json';
import onboardingFile from '../../examples/onboarding.json';
import {
	COMPOSIO_NODE_TYPES,
	DEMO_TOOLKITS,
	onboardingNode,
	pointAtServer,
	SAMPLE_USERS,
	sampleUsersCode,
	SESSION_NODES,
	SESSION_USER,
	SESSION_WAIT,
	sessionsWorkflow,
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

describe('demo: the sessions workflow, built like examples/onboarding-complete.json', () => {
	const workflow = sessionsWorkflow(CREDENTIAL);
	const example = onboardingCompleteFile as unknown as Workflow;
	const named = (w: Workflow, name: string) => {
		const found = w.nodes.find((n) => n.name === name);
		if (!found) throw new Error(`no node "${name}" in "${w.name}"`);
		return found;
	};
	/** The node names along the main connections from the trigger, first output first. */
	const path = (w: Workflow, from: string): string[] => {
		const next = (w.connections[from]?.main ?? []).flatMap((out) => out ?? []).map((c) => c.node);
		return [from, ...next.flatMap((name) => path(w, name))];
	};

	it("runs the example's steps in its order, with Wait for Connection in place of the Wait node and the Get", () => {
		expect(path(workflow, SESSION_NODES.trigger)).toEqual([
			SESSION_NODES.trigger,
			SESSION_NODES.users,
			SESSION_NODES.session,
			SESSION_NODES.link,
			SESSION_NODES.send,
			SESSION_NODES.wait,
			SESSION_NODES.done,
			SESSION_NODES.failed,
		]);
		for (const name of [SESSION_NODES.session, SESSION_NODES.link, SESSION_NODES.send]) {
			const ours = named(workflow, name);
			const theirs = named(example, name);
			expect([ours.type, ours.parameters.resource, ours.parameters.operation]).toEqual([
				theirs.type,
				theirs.parameters.resource,
				theirs.parameters.operation,
			]);
		}
		expect(named(example, SESSION_NODES.done)).toBeDefined();
		expect(named(example, SESSION_NODES.failed)).toBeDefined();
		// The demo's link has no callback: nothing resumes a command-line run; the node polls.
		expect(named(workflow, SESSION_NODES.link).parameters).not.toHaveProperty('callbackUrl');
	});

	it('waits for the account the link made, every second, failures to their own branch', () => {
		const wait = named(workflow, SESSION_NODES.wait);
		expect(wait).toMatchObject({
			type: COMPOSIO_NODE_TYPES[0],
			onError: 'continueErrorOutput',
			parameters: {
				resource: 'connectedAccount',
				operation: 'waitForConnection',
				connectedAccountId: {
					__rl: true,
					mode: 'id',
					value: `={{ $('${SESSION_NODES.link}').item.json.connectedAccountId }}`,
				},
				pollInterval: SESSION_WAIT.pollInterval,
				waitTimeout: SESSION_WAIT.waitTimeout,
			},
		});
		expect(SESSION_WAIT.pollInterval).toBe(1);
		expect(workflow.connections[SESSION_NODES.wait].main).toEqual([
			[{ node: SESSION_NODES.done, type: 'main', index: 0 }],
			[{ node: SESSION_NODES.failed, type: 'main', index: 0 }],
		]);
	});

	it("onboards the sessions user to the demo's GitHub auth config, with the demo's credential", () => {
		const code = named(workflow, SESSION_NODES.users).parameters.jsCode as string;
		expect(runCode(code)).toEqual([
			{ json: { userId: SESSION_USER.userId, name: SESSION_USER.name } },
		]);
		expect(SAMPLE_USERS.map((user) => user.userId)).not.toContain(SESSION_USER.userId);
		expect(named(workflow, SESSION_NODES.session).parameters).toMatchObject({
			userId: '={{ $json.userId }}',
			toolkitsMode: 'enable',
			toolkits: 'github',
		});
		expect(named(workflow, SESSION_NODES.link).parameters.authConfigId).toEqual({
			__rl: true,
			mode: 'id',
			value: DEMO_TOOLKITS[0].authConfigId,
		});
		const composio = workflow.nodes.filter((n) => COMPOSIO_NODE_TYPES.includes(n.type));
		expect(composio).toHaveLength(3);
		for (const n of composio) expect(n.credentials).toEqual({ composioMcpApi: CREDENTIAL });
		// The table reads the session's ID and MCP URL from the success branch.
		const fields = (
			named(workflow, SESSION_NODES.done).parameters.assignments as {
				assignments: Array<{ name: string }>;
			}
		).assignments.map((a) => a.name);
		expect(fields).toEqual(['userId', 'sessionId', 'mcpUrl', 'connectedAccountId']);
	});
});
