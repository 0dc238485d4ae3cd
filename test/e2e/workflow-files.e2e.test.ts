import type { INode, INodeParameters, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { ComposioMcp } from '../../nodes/ComposioMcp/ComposioMcp.node';
import { ComposioTrigger } from '../../nodes/ComposioTrigger/ComposioTrigger.node';
import agentExample from '../../examples/ai-agent-tool.json';
import agentWithUserMcp from '../../examples/agent-with-user-mcp.json';
import bulkOnboarding from '../../examples/bulk-onboarding.json';
import nightlyCleanup from '../../examples/nightly-cleanup.json';
import onboardingErrorOutput from '../../examples/onboarding-error-output.json';
import onboardingWebhook from '../../examples/onboarding-webhook.json';
import onboarding from '../../examples/onboarding.json';
import onboardingComplete from '../../examples/onboarding-complete.json';
import onboardingSessions from '../../examples/onboarding-sessions.json';
import reconnectExpired from '../../examples/reconnect-expired.json';
import triggerOnceDownstream from '../../examples/trigger-once-downstream.json';
import agentTool from './workflows/agent-tool.json';
import hostile from './workflows/hostile.json';
import mcpChain from './workflows/mcp-chain.json';
import sessionLifecycle from './workflows/session-lifecycle.json';
import serverLifecycle from './workflows/server-lifecycle.json';
import stopWorkflow from './workflows/stop-workflow.json';
import waitForConnection from './workflows/wait-for-connection.json';

interface WorkflowFile {
	id: string;
	name: string;
	nodes: Array<{ id: string; name: string; type: string; parameters: object }>;
	connections: Record<string, Record<string, Array<Array<{ node: string }>>>>;
}

const FILES: Array<[string, WorkflowFile]> = [
	['examples/onboarding.json', onboarding],
	['examples/onboarding-error-output.json', onboardingErrorOutput],
	['examples/onboarding-webhook.json', onboardingWebhook],
	['examples/bulk-onboarding.json', bulkOnboarding],
	['examples/nightly-cleanup.json', nightlyCleanup],
	['examples/ai-agent-tool.json', agentExample],
	['examples/onboarding-sessions.json', onboardingSessions],
	['examples/onboarding-complete.json', onboardingComplete],
	['examples/agent-with-user-mcp.json', agentWithUserMcp],
	['examples/reconnect-expired.json', reconnectExpired],
	['examples/trigger-once-downstream.json', triggerOnceDownstream],
	['test/e2e/workflows/server-lifecycle.json', serverLifecycle],
	['test/e2e/workflows/stop-workflow.json', stopWorkflow],
	['test/e2e/workflows/agent-tool.json', agentTool],
	['test/e2e/workflows/hostile.json', hostile],
	['test/e2e/workflows/mcp-chain.json', mcpChain],
	['test/e2e/workflows/session-lifecycle.json', sessionLifecycle],
	['test/e2e/workflows/wait-for-connection.json', waitForConnection],
];

const DESCRIPTIONS: Record<string, INodeTypeDescription> = {
	'n8n-nodes-composio-mcp.composioMcp': new ComposioMcp().description,
	'n8n-nodes-composio-mcp.composioMcpTool': new ComposioMcp().description,
	'n8n-nodes-composio-mcp.composioTrigger': new ComposioTrigger().description,
};

/**
 * What the editor does with a workflow file on import, checked without starting n8n: the end-to-end
 * runs prove the files execute, these prove that the editor shows the same parameters, flags no
 * parameter issue and wires every connection.
 */
describe.each(FILES)('%s, as the editor imports it', (_file, workflow) => {
	it('has unique node names and ids, and connections between its own nodes', () => {
		const names = workflow.nodes.map((node) => node.name);
		expect(new Set(names).size).toBe(names.length);
		expect(new Set(workflow.nodes.map((node) => node.id)).size).toBe(names.length);
		expect(workflow.id.length).toBeLessThanOrEqual(21);
		// n8n 1.x saves a workflow's static data (where the Composio Trigger keeps its subscription
		// and signing secret) only for ids of at most 16 characters.
		if (workflow.nodes.some((node) => node.type === 'n8n-nodes-composio-mcp.composioTrigger')) {
			expect(workflow.id.length).toBeLessThanOrEqual(16);
		}
		for (const [from, outputs] of Object.entries(workflow.connections)) {
			expect(names).toContain(from);
			for (const target of Object.values(outputs).flat(2)) expect(names).toContain(target.node);
		}
	});

	// The tool variant n8n generates has the same parameters (plus its tool description).
	const composioNodes = workflow.nodes.filter((node) => node.type in DESCRIPTIONS);

	it.each(composioNodes.map((node) => [node.name, node]))(
		'"%s" keeps every parameter it sets and has no parameter issues',
		(_name, node) => {
			const description = DESCRIPTIONS[node.type];
			// n8n adds the tool variant's description (Set Automatically, or Set Manually with a text).
			const { descriptionType, toolDescription, ...parameters } =
				node.parameters as INodeParameters;
			if (node.type.endsWith('Tool')) {
				if (descriptionType === 'manual') {
					expect(toolDescription).toEqual(expect.stringMatching(/\S/));
				} else {
					expect([undefined, 'auto']).toContain(descriptionType);
					expect(toolDescription).toBeUndefined();
				}
			} else {
				expect([descriptionType, toolDescription]).toEqual([undefined, undefined]);
			}
			const inode = {
				...node,
				parameters,
				typeVersion: 1,
				position: [0, 0],
			} as unknown as INode;
			// Parameters the node does not have, or does not show for this resource and operation,
			// would be dropped by the editor; the rest get their defaults.
			const kept = NodeHelpers.getNodeParameters(
				description.properties,
				parameters,
				true,
				false,
				inode,
				description,
			);
			expect(kept).toMatchObject(parameters);
			expect(
				NodeHelpers.getNodeParametersIssues(description.properties, inode, description),
			).toBeNull();
		},
	);
});

/**
 * What a newcomer sees on the canvas: each example says what to set before it runs (all but
 * onboarding-error-output.json, the plain error-output sample that predates the notes).
 */
const EXAMPLES = FILES.filter(
	([file]) => file.startsWith('examples/') && file !== 'examples/onboarding-error-output.json',
);

describe.each(EXAMPLES)('%s, as an example', (_file, workflow) => {
	it('has a sticky note naming the credential (and the server, when it uses one) to set', () => {
		const notes = workflow.nodes.filter((node) => node.type === 'n8n-nodes-base.stickyNote');
		expect(notes).toHaveLength(1);
		const content = (notes[0].parameters as { content: string }).content;
		expect(content).toMatch(/\*\*Composio MCP\*\* credential/);
		const usesServer = workflow.nodes.some((node) => 'serverId' in node.parameters);
		if (usesServer) expect(content).toMatch(/\*\*Server\*\*/);
	});

	it('uses the Composio MCP credential on every Composio node', () => {
		const composio = workflow.nodes.filter((node) =>
			node.type.startsWith('n8n-nodes-composio-mcp.'),
		);
		expect(composio.length).toBeGreaterThan(0);
		for (const node of composio) {
			expect(node).toMatchObject({ credentials: { composioMcpApi: { id: expect.any(String) } } });
		}
	});
});
