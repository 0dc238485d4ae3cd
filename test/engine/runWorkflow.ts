/**
 * Runs the Composio MCP node inside n8n's real engine (see engine.ts): Manual Trigger → Test Items →
 * Composio MCP, with a `composioMcpApi` credential authenticated by the credential class's own
 * `authenticate` block, and requests going through n8n's OutboundHttp to 127.0.0.1.
 */
import type {
	IDataObject,
	INodeListSearchResult,
	INodeParameters,
	INodePropertyOptions,
	OnError,
} from 'n8n-workflow';

import { ComposioMcpApi } from '../../credentials/ComposioMcpApi.credentials';
import { ComposioMcp } from '../../nodes/ComposioMcp/ComposioMcp.node';
import type { NodeRun } from './engine';
import { TestEngine } from './engine';

export type { NodeRun } from './engine';
export { dump } from './engine';

/** The type name n8n gives the node when the package is installed as a community package. */
export const COMPOSIO_NODE_TYPE = 'n8n-nodes-composio-mcp.composioMcp';
export const COMPOSIO_NODE_NAME = 'Composio MCP';

export interface ComposioCredentials {
	apiKey: string;
	baseUrl?: string;
	apiVersion?: string;
}

export interface RunComposioNodeOptions {
	items: IDataObject[];
	/** Node parameters; resource and operation default to instance/create. */
	parameters: INodeParameters;
	credentials: ComposioCredentials;
	/** The node's On Error setting; n8n's default is stopWorkflow. */
	onError?: OnError;
	/** The node's version in the workflow; 1 unless given. */
	typeVersion?: number;
	/** Aborting it cancels the execution (n8n's Stop). */
	cancelSignal?: AbortSignal;
}

let engine: TestEngine | undefined;

function getEngine(): TestEngine {
	engine ??= new TestEngine({
		nodeTypes: { [COMPOSIO_NODE_TYPE]: new ComposioMcp() },
		credentialTypes: [new ComposioMcpApi()],
	});
	return engine;
}

/** A resource locator value, as the editor stores it. */
export function serverLocator(value: string, mode: 'id' | 'list' = 'id') {
	return { __rl: true, mode, value };
}

/** Parameters for instance/create; `userId` is usually an expression reading the item. */
export function createInstanceParameters(serverId: string, userId = '={{ $json.userId }}') {
	return {
		resource: 'instance',
		operation: 'create',
		serverId: serverLocator(serverId),
		userId,
	};
}

export async function runComposioNode(options: RunComposioNodeOptions): Promise<NodeRun> {
	// Unset fields are left out, so the credential type's defaults apply as in n8n.
	const data = Object.fromEntries(
		Object.entries(options.credentials).filter(([, value]) => value !== undefined),
	);
	return await getEngine().runNode({
		type: COMPOSIO_NODE_TYPE,
		name: COMPOSIO_NODE_NAME,
		parameters: { resource: 'instance', operation: 'create', ...options.parameters },
		items: options.items,
		credentials: {
			type: 'composioMcpApi',
			data,
		},
		onError: options.onError,
		typeVersion: options.typeVersion,
		cancelSignal: options.cancelSignal,
	});
}

type Methods = ComposioMcp['methods'];

/** A LoadOptionsContext as the editor makes one for the parameter at `path` (e.g. 'serverId'). */
function optionsContext(
	credentials: ComposioCredentials,
	parameters: INodeParameters,
	path: string,
) {
	return getEngine().loadOptionsContext({
		type: COMPOSIO_NODE_TYPE,
		name: COMPOSIO_NODE_NAME,
		parameters,
		credentials: { type: 'composioMcpApi', data: { ...credentials } },
		path: `parameters.${path}`,
	});
}

/** Calls one of the node's list searches as the editor would, through a real LoadOptionsContext. */
export async function listSearch(
	method: keyof Methods['listSearch'],
	credentials: ComposioCredentials,
	at: { parameters: INodeParameters; path: string },
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const context = optionsContext(credentials, at.parameters, at.path);
	const node = new ComposioMcp();
	return await node.methods.listSearch[method].call(context, filter, paginationToken);
}

/** Calls one of the node's load-options methods as the editor would. */
export async function loadOptions(
	method: keyof Methods['loadOptions'],
	credentials: ComposioCredentials,
	at: { parameters: INodeParameters; path: string },
): Promise<INodePropertyOptions[]> {
	const context = optionsContext(credentials, at.parameters, at.path);
	const node = new ComposioMcp();
	return await node.methods.loadOptions[method].call(context);
}

/** Calls the node's Server list search as the editor would, through a real LoadOptionsContext. */
export async function searchServers(
	credentials: ComposioCredentials,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const parameters = {
		resource: 'instance',
		operation: 'create',
		serverId: serverLocator('', 'list'),
	};
	return await listSearch(
		'searchServers',
		credentials,
		{ parameters, path: 'serverId' },
		filter,
		paginationToken,
	);
}
