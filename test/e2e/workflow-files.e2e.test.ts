import type { INode, INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { ComposioMcp } from '../../nodes/ComposioMcp/ComposioMcp.node';
import onboardingErrorOutput from '../../examples/onboarding-error-output.json';
import onboarding from '../../examples/onboarding.json';
import agentTool from './workflows/agent-tool.json';
import serverLifecycle from './workflows/server-lifecycle.json';
import stopWorkflow from './workflows/stop-workflow.json';

interface WorkflowFile {
	id: string;
	name: string;
	nodes: Array<{ id: string; name: string; type: string; parameters: object }>;
	connections: Record<string, Record<string, Array<Array<{ node: string }>>>>;
}

const FILES: Array<[string, WorkflowFile]> = [
	['examples/onboarding.json', onboarding],
	['examples/onboarding-error-output.json', onboardingErrorOutput],
	['test/e2e/workflows/server-lifecycle.json', serverLifecycle],
	['test/e2e/workflows/stop-workflow.json', stopWorkflow],
	['test/e2e/workflows/agent-tool.json', agentTool],
];

const description = new ComposioMcp().description;

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
		for (const [from, outputs] of Object.entries(workflow.connections)) {
			expect(names).toContain(from);
			for (const target of Object.values(outputs).flat(2)) expect(names).toContain(target.node);
		}
	});

	// The tool variant n8n generates has the same parameters (plus its tool description).
	const composioNodes = workflow.nodes.filter((node) =>
		['n8n-nodes-composio-mcp.composioMcp', 'n8n-nodes-composio-mcp.composioMcpTool'].includes(
			node.type,
		),
	);

	it.each(composioNodes.map((node) => [node.name, node]))(
		'"%s" keeps every parameter it sets and has no parameter issues',
		(_name, node) => {
			const parameters = node.parameters as INodeParameters;
			const inode = { ...node, typeVersion: 1, position: [0, 0] } as unknown as INode;
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
