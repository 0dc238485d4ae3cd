/**
 * The demo's sample users and what it changes in the example workflows before importing them: the
 * Composio nodes get the demo's credential and server, the onboarding workflow the sample users.
 * And the demo's own sessions workflow, built like examples/onboarding-complete.json, for the one
 * sample user who finishes a connect link while the demo runs. Pure, no I/O.
 */

export const COMPOSIO_NODE_TYPES = [
	'n8n-nodes-composio-mcp.composioMcp',
	'n8n-nodes-composio-mcp.composioMcpTool',
	'n8n-nodes-composio-mcp.composioTrigger',
];

export interface SampleUser {
	userId: string;
	name: string;
	/** The toolkits the simulator says the user has connected. */
	connected: string[];
	/** Whether the simulator starts with an instance for the user. */
	hasInstance: boolean;
	/** What the onboarding run should say about the user, given the above. */
	expected: 'created' | 'already existed' | 'needs to connect';
}

/** The toolkits of the simulator's demo server, one auth config each. */
export const DEMO_TOOLKITS = [
	{ toolkit: 'github', authConfigId: 'ac_demo_github' },
	{ toolkit: 'slack', authConfigId: 'ac_demo_slack' },
];

export const SAMPLE_USERS: SampleUser[] = [
	{
		userId: 'ada@example.com',
		name: 'Ada',
		connected: ['github', 'slack'],
		hasInstance: false,
		expected: 'created',
	},
	{
		userId: 'grace@example.com',
		name: 'Grace',
		connected: ['github', 'slack'],
		hasInstance: true,
		expected: 'already existed',
	},
	{
		userId: 'linus@example.com',
		name: 'Linus',
		connected: ['github'],
		hasInstance: false,
		expected: 'needs to connect',
	},
];

export interface CredentialRef {
	id: string;
	name: string;
}

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, CredentialRef>;
	[key: string]: unknown;
}

export interface Connection {
	node: string;
	type: string;
	index: number;
}

export interface Workflow {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, Record<string, Array<Connection[] | null>>>;
	[key: string]: unknown;
}

function isResourceLocator(value: unknown): boolean {
	return typeof value === 'object' && value !== null && '__rl' in value;
}

/** A copy of `workflow` whose Composio nodes use `credential` and, where they take one, `serverId`. */
export function pointAtServer(
	workflow: Workflow,
	serverId: string,
	credential: CredentialRef,
): Workflow {
	const copy = structuredClone(workflow);
	for (const node of copy.nodes) {
		if (!COMPOSIO_NODE_TYPES.includes(node.type)) continue;
		node.credentials = { ...node.credentials, composioMcpApi: { ...credential } };
		if (isResourceLocator(node.parameters.serverId)) {
			node.parameters.serverId = { __rl: true, mode: 'id', value: serverId };
		}
	}
	return copy;
}

/** The workflow's one Composio node that creates instances: the node whose outcomes the demo shows. */
export function onboardingNode(workflow: Workflow): WorkflowNode {
	const nodes = workflow.nodes.filter(
		(node) =>
			COMPOSIO_NODE_TYPES.includes(node.type) &&
			node.parameters.resource === 'instance' &&
			node.parameters.operation === 'create',
	);
	if (nodes.length !== 1) {
		throw new Error(
			`"${workflow.name}" should have exactly one Composio MCP node that creates instances, it has ${nodes.length}`,
		);
	}
	return nodes[0];
}

/** Code node source that outputs one item per user. */
export function sampleUsersCode(users: Array<Pick<SampleUser, 'userId' | 'name'>>): string {
	const lines = users.map(
		(user) =>
			`\t{ json: { userId: ${JSON.stringify(user.userId)}, name: ${JSON.stringify(user.name)} } },`,
	);
	return [
		"// The demo's sample users. One item per user; userId is your own ID for them.",
		'return [',
		...lines,
		'];',
	].join('\n');
}

/**
 * A copy of the onboarding workflow whose Code node feeding the onboarding node outputs `users`:
 * the users the demo seeded the simulator with, whatever the example lists.
 */
export function withSampleUsers(
	workflow: Workflow,
	users: Array<Pick<SampleUser, 'userId' | 'name'>>,
): Workflow {
	const target = onboardingNode(workflow).name;
	const copy = structuredClone(workflow);
	const feeding = copy.nodes.filter((node) =>
		Object.values(copy.connections[node.name] ?? {})
			.flat()
			.some((outputs) => (outputs ?? []).some((connection) => connection.node === target)),
	);
	if (feeding.length !== 1 || feeding[0].type !== 'n8n-nodes-base.code') {
		throw new Error(
			`"${workflow.name}": the demo expects one Code node listing the users before "${target}", found ${feeding.map((node) => `"${node.name}" (${node.type})`).join(', ') || 'none'}`,
		);
	}
	feeding[0].parameters = { ...feeding[0].parameters, jsCode: sampleUsersCode(users) };
	return copy;
}

/**
 * The sample user of the sessions onboarding: new, nothing connected; the demo opens the connect
 * link on the simulator's hosted page while the workflow waits, as the user's browser would.
 */
export const SESSION_USER = {
	userId: 'margaret@example.com',
	name: 'Margaret',
	toolkit: DEMO_TOOLKITS[0].toolkit,
	authConfigId: DEMO_TOOLKITS[0].authConfigId,
};

/** The sessions workflow's node names: examples/onboarding-complete.json's, where it has them. */
export const SESSION_NODES = {
	trigger: 'When clicking Test workflow',
	users: 'Sample user',
	session: "Create the user's session",
	link: 'Create a connect link',
	send: 'Send link to user',
	wait: 'Wait for the user to connect',
	done: 'Send the MCP URL',
	failed: 'Connection failed',
};

/** How often the sessions workflow checks the account, and for how long at most (seconds). */
export const SESSION_WAIT = { pollInterval: 1, waitTimeout: 120 };

function connect(to: string): Connection[] {
	return [{ node: to, type: 'main', index: 0 }];
}

/**
 * Composio's current API, sessions, in one `n8n execute`: examples/onboarding-complete.json's
 * steps (a session for the user's own MCP URL, a connect link, a placeholder for sending it,
 * then the MCP URL or the failure branch), with Connected Account › Wait for Connection in place
 * of n8n's Wait node and the Get after it: a run from the command line cannot be resumed by the
 * link's callback, the node's own polling needs none.
 */
export function sessionsWorkflow(
	credential: CredentialRef,
	user: Pick<SampleUser, 'userId' | 'name'> & {
		toolkit: string;
		authConfigId: string;
	} = SESSION_USER,
): Workflow {
	const composio = (
		id: string,
		name: string,
		position: number[],
		parameters: Record<string, unknown>,
		extra: Record<string, unknown> = {},
	): WorkflowNode => ({
		id,
		name,
		type: COMPOSIO_NODE_TYPES[0],
		typeVersion: 1.1,
		position,
		parameters,
		credentials: { composioMcpApi: { ...credential } },
		...extra,
	});
	const n = SESSION_NODES;
	return {
		id: 'demoSessionsWait',
		name: 'Composio MCP demo: a session, a connect link, and Wait for Connection until the user has connected',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'd5e6f7a8-0000-4000-8000-000000000001',
				name: n.trigger,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'd5e6f7a8-0000-4000-8000-000000000002',
				name: n.users,
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: sampleUsersCode([user]) },
			},
			composio('d5e6f7a8-0000-4000-8000-000000000003', n.session, [440, 0], {
				resource: 'session',
				operation: 'create',
				userId: '={{ $json.userId }}',
				toolkitsMode: 'enable',
				toolkits: user.toolkit,
			}),
			composio('d5e6f7a8-0000-4000-8000-000000000004', n.link, [660, 0], {
				resource: 'connectedAccount',
				operation: 'createLink',
				authConfigId: { __rl: true, mode: 'id', value: user.authConfigId },
				userId: `={{ $('${n.users}').item.json.userId }}`,
			}),
			{
				id: 'd5e6f7a8-0000-4000-8000-000000000005',
				name: n.send,
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [880, 0],
				parameters: {},
			},
			composio(
				'd5e6f7a8-0000-4000-8000-000000000006',
				n.wait,
				[1100, 0],
				{
					resource: 'connectedAccount',
					operation: 'waitForConnection',
					connectedAccountId: {
						__rl: true,
						mode: 'id',
						value: `={{ $('${n.link}').item.json.connectedAccountId }}`,
					},
					...SESSION_WAIT,
				},
				{ onError: 'continueErrorOutput' },
			),
			{
				id: 'd5e6f7a8-0000-4000-8000-000000000007',
				name: n.done,
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [1320, -100],
				parameters: {
					assignments: {
						assignments: [
							{ id: 'm1', name: 'userId', value: '={{ $json.user_id }}', type: 'string' },
							{
								id: 'm2',
								name: 'sessionId',
								value: `={{ $("${n.session}").item.json.sessionId }}`,
								type: 'string',
							},
							{
								id: 'm3',
								name: 'mcpUrl',
								value: `={{ $("${n.session}").item.json.mcpUrl }}`,
								type: 'string',
							},
							{ id: 'm4', name: 'connectedAccountId', value: '={{ $json.id }}', type: 'string' },
						],
					},
					options: {},
				},
			},
			{
				id: 'd5e6f7a8-0000-4000-8000-000000000008',
				name: n.failed,
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [1320, 100],
				parameters: {},
			},
		],
		connections: {
			[n.trigger]: { main: [connect(n.users)] },
			[n.users]: { main: [connect(n.session)] },
			[n.session]: { main: [connect(n.link)] },
			[n.link]: { main: [connect(n.send)] },
			[n.send]: { main: [connect(n.wait)] },
			[n.wait]: { main: [connect(n.done), connect(n.failed)] },
		},
	};
}
