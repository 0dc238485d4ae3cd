/**
 * The demo's sample users and what it changes in the example workflows before importing them: the
 * Composio nodes get the demo's credential and server, the onboarding workflow the sample users.
 * Pure, no I/O.
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
