/**
 * Composio Trigger workflows as the e2e suites import them (the trigger suite in regular mode, the
 * queue-mode trigger suite): the trigger, under a webhook id of its own, followed by a Report node
 * that posts each item it gets to the capture server (./capture.ts).
 */

/** The Composio credential every e2e suite imports. */
export const CREDENTIAL = { id: 'e2eComposioCred1', name: 'Composio MCP account' };

export const ALL_EVENTS = [
	'composio.trigger.message',
	'composio.connected_account.expired',
	'composio.trigger.disabled',
];

export interface Node {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	webhookId?: string;
	credentials?: Record<string, { id: string; name: string }>;
}

export interface WorkflowFile {
	id: string;
	name: string;
	nodes: Node[];
	connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: string; index: number }>> }
	>;
	[key: string]: unknown;
}

/** An HTTP Request node that posts each item it gets to the capture server at `/<name>`. */
export function reporter(name: string, captureUrl: string, id: string): Node {
	return {
		id,
		name: 'Report',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [480, 0],
		parameters: {
			method: 'POST',
			url: `${captureUrl}/${name}`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify($json) }}',
			options: {},
		},
	};
}

/** The trigger's webhook id in a workflow of the suites: derived from the workflow id. */
export function hookOf(workflowId: string): string {
	return `${workflowId.toLowerCase().padEnd(8, '0').slice(0, 8)}-1111-4111-8111-111111111111`;
}

/** Composio Trigger → Report (to `/<id>` of the capture server), under a webhook id of its own. */
export function triggerWorkflow(
	id: string,
	parameters: Record<string, unknown>,
	captureUrl: string,
): WorkflowFile {
	return {
		id,
		name: `Composio Trigger ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: `${id}-trigger`,
				name: 'Composio Trigger',
				type: 'n8n-nodes-composio-mcp.composioTrigger',
				typeVersion: 1.1,
				position: [0, 0],
				webhookId: hookOf(id),
				parameters,
				credentials: { composioMcpApi: CREDENTIAL },
			},
			reporter(id, captureUrl, `${id}-report`),
		],
		connections: {
			'Composio Trigger': { main: [[{ node: 'Report', type: 'main', index: 0 }]] },
		},
	};
}

/** The path of a trigger workflow's production webhook on an n8n process at `url`. */
export function productionUrlOf(url: string, workflowId: string): string {
	return `${url}/webhook/${hookOf(workflowId)}/webhook`;
}

/** Runs `task` on every element, at most `inFlight` at a time; the results in order. */
export async function inParallel<T, R>(
	items: T[],
	inFlight: number,
	task: (item: T) => Promise<R>,
): Promise<R[]> {
	const results: R[] = new Array(items.length);
	let next = 0;
	const lane = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await task(items[index]);
		}
	};
	await Promise.all(Array.from({ length: Math.min(inFlight, items.length) }, lane));
	return results;
}
