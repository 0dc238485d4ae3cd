/**
 * Runs a real workflow in-process with n8n-core's WorkflowExecute: Manual Trigger → Test Items → the
 * node under test. Requests from `this.helpers.httpRequestWithAuthentication` go through n8n's
 * OutboundHttp with SSRF protection switched on, loopback (127.0.0.1 only) being the one range let
 * through so the tests can reach a local simulator.
 */
import {
	ErrorReporter,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ExecutionError,
	ExecutionStatus,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	ILoadOptionsFunctions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	OnError,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { TestCredentialsHelper } from './credentialsHelper';
import type { SsrfConfig } from './internals';
import { Container, Logger, OutboundHttp, SsrfProtectionConfig } from './internals';
import { MANUAL_TRIGGER_TYPE, ManualTrigger, TEST_ITEMS_TYPE, TestItems } from './testNodes';

export const TRIGGER_NODE_NAME = "When clicking 'Execute workflow'";
export const ITEMS_NODE_NAME = 'Test Items';

const silentLogger = {
	error() {},
	warn() {},
	info() {},
	debug() {},
	scoped() {
		return silentLogger;
	},
};

/** Errors n8n would send to its error reporter (Sentry) or log: kept so tests can inspect them. */
const reportedErrors: unknown[] = [];

let networkConfigured = false;

let allowedIpRanges = ['127.0.0.1/32'];

/**
 * Lets more loopback addresses past n8n's SSRF guard, for a test file that needs "another origin"
 * (127.0.0.2) reachable so that only the node stands between it and the key. Call it at the top
 * of the file, before the first run (the guard reads its config once per file).
 */
export function allowIpRanges(ranges: string[]): void {
	if (networkConfigured) throw new Error('allowIpRanges must run before the first engine is built');
	allowedIpRanges = ranges;
}

/**
 * Must run before n8n-core builds its OutboundHttp (it reads the SSRF config once). Every test file
 * gets a fresh module registry from jest, so this runs once per file.
 */
function configureNetwork() {
	if (networkConfigured) return;
	const ssrf = Container.get(SsrfProtectionConfig) as SsrfConfig;
	ssrf.enabled = true;
	ssrf.allowedIpRanges = allowedIpRanges;
	Container.set(Logger, silentLogger as never);
	Container.set(ErrorReporter, {
		error: (error: unknown) => reportedErrors.push(error),
		warn: (error: unknown) => reportedErrors.push(error),
		info: () => {},
	} as unknown as ErrorReporter);
	// Instantiated now so a misconfiguration fails here rather than in the middle of a run.
	Container.get(OutboundHttp);
	networkConfigured = true;
}

export interface TestEngineOptions {
	/** Node types by their full type name (e.g. `n8n-nodes-composio-mcp.composioMcp`). */
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	credentialTypes: ICredentialType[];
}

export interface RunNodeOptions {
	/** Full type name, as registered in `TestEngineOptions.nodeTypes`. */
	type: string;
	typeVersion?: number;
	/** Display name of the node in the workflow. */
	name?: string;
	parameters: INodeParameters;
	/** Input items for the node under test (their `json`). */
	items: IDataObject[];
	credentials?: { type: string; data: ICredentialDataDecryptedObject };
	onError?: OnError;
	/** Aborting it cancels the execution, as n8n's Stop button does (the nodes' cancel signal fires). */
	cancelSignal?: AbortSignal;
}

export interface NodeRun {
	status: ExecutionStatus;
	/** The node's output items per output index (index 1 is the error output with continueErrorOutput). */
	outputs: INodeExecutionData[][];
	success: INodeExecutionData[];
	/** Items on the error output (continueErrorOutput only). */
	errorOutput: INodeExecutionData[];
	/** The execution's error (stopWorkflow), as n8n records it. */
	error?: ExecutionError;
	/** The node's own task error, if it failed. */
	nodeError?: ExecutionError;
	/** Names of the nodes in the order they finished. */
	executedNodes: string[];
	run: IRun;
	/** The whole run as n8n would persist it (errors through their toJSON). */
	runJson: string;
	/** Everything reachable from the run, the errors' non-enumerable parts (cause, stack) included. */
	deepDump: string;
	/** Errors handed to n8n's error reporter during this run. */
	reportedErrors: unknown[];
	/** Credential ids the engine decrypted during the run. */
	credentialRequests: string[];
}

const CREDENTIAL_ID = 'cred-1';
const CREDENTIAL_NAME = 'Test account';

class TestNodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType | IVersionedNodeType>;

	constructor(types: Record<string, INodeType | IVersionedNodeType>) {
		this.types = types;
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (!type) throw new Error(`Unknown node type "${nodeType}"`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const type = this.getByName(nodeType);
		if ('nodeVersions' in type) return type.getNodeType(version);
		return type;
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

export function additionalDataFor(
	credentialsHelper: TestCredentialsHelper,
	hooks: ExecutionLifecycleHooks | undefined,
	currentNodeParameters?: INodeParameters,
): IWorkflowExecuteAdditionalData {
	const notAvailable = (what: string) => async () => {
		throw new Error(`${what} is not available in the test engine`);
	};
	return {
		credentialsHelper,
		hooks,
		executionId: 'test-execution',
		currentNodeExecutionIndex: 0,
		currentNodeParameters,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formBaseUrl: 'http://127.0.0.1:5678/form',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
		mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
		variables: {},
		userId: 'test-user',
		executeWorkflow: notAvailable('executeWorkflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: notAvailable('startRunnerTask'),
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** JSON.stringify that survives cycles; with `deep`, errors also show their hidden parts. */
export function dump(value: unknown, deep = false): string {
	const seen = new WeakSet<object>();
	const text = JSON.stringify(value, function (_key, val: unknown) {
		if (typeof val === 'bigint') return val.toString();
		if (typeof val === 'function') return undefined;
		if (val === null || typeof val !== 'object') return val;
		if (seen.has(val)) return '[Circular]';
		seen.add(val);
		if (Buffer.isBuffer(val)) return val.toString('utf8');
		if (deep && val instanceof Error) {
			const all: Record<string, unknown> = {};
			for (const key of Object.getOwnPropertyNames(val)) {
				all[key] = (val as unknown as Record<string, unknown>)[key];
			}
			return all;
		}
		if (deep && !Array.isArray(val)) {
			// Class instances (AxiosHeaders, ClientRequest...) are walked by their enumerable keys.
			return { ...(val as Record<string, unknown>) };
		}
		return val;
	});
	return text ?? String(value);
}

export class TestEngine {
	readonly credentialsHelper: TestCredentialsHelper;

	readonly nodeTypes: TestNodeTypes;

	constructor(options: TestEngineOptions) {
		configureNetwork();
		this.nodeTypes = new TestNodeTypes({
			[MANUAL_TRIGGER_TYPE]: new ManualTrigger(),
			[TEST_ITEMS_TYPE]: new TestItems(),
			...options.nodeTypes,
		});
		this.credentialsHelper = new TestCredentialsHelper(options.credentialTypes);
	}

	private buildNode(options: RunNodeOptions): INode {
		const node: INode = {
			id: 'node-under-test',
			name: options.name ?? 'Node Under Test',
			type: options.type,
			typeVersion: options.typeVersion ?? 1,
			position: [440, 0],
			parameters: structuredClone(options.parameters),
		};
		if (options.onError) node.onError = options.onError;
		if (options.credentials) {
			this.credentialsHelper.add(CREDENTIAL_ID, {
				type: options.credentials.type,
				data: options.credentials.data,
			});
			node.credentials = {
				[options.credentials.type]: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME },
			};
		}
		return node;
	}

	async runNode(options: RunNodeOptions): Promise<NodeRun> {
		const nodeUnderTest = this.buildNode(options);
		const nodes: INode[] = [
			{
				id: 'trigger',
				name: TRIGGER_NODE_NAME,
				type: MANUAL_TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'items',
				name: ITEMS_NODE_NAME,
				type: TEST_ITEMS_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters: { items: JSON.stringify(options.items) },
			},
			nodeUnderTest,
		];
		const connections = {
			[TRIGGER_NODE_NAME]: { main: [[{ node: ITEMS_NODE_NAME, type: 'main' as const, index: 0 }]] },
			[ITEMS_NODE_NAME]: {
				main: [[{ node: nodeUnderTest.name, type: 'main' as const, index: 0 }]],
			},
		};
		const workflowData: IWorkflowBase = {
			id: 'engine-test',
			name: 'Engine test',
			active: false,
			isArchived: false,
			activeVersionId: null,
			nodes,
			connections,
			settings: { executionOrder: 'v1' },
			createdAt: new Date(),
			updatedAt: new Date(),
		};
		const workflow = new Workflow({
			id: workflowData.id,
			name: workflowData.name,
			nodes,
			connections,
			active: false,
			nodeTypes: this.nodeTypes,
			settings: workflowData.settings,
		});

		const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', workflowData);
		const executedNodes: string[] = [];
		hooks.addHandler('nodeExecuteAfter', (nodeName) => {
			executedNodes.push(nodeName);
		});

		reportedErrors.length = 0;
		this.credentialsHelper.requested.length = 0;
		const additionalData = additionalDataFor(this.credentialsHelper, hooks);
		const execution = new WorkflowExecute(additionalData, 'manual').run({
			workflow,
			startNode: workflow.getNode(TRIGGER_NODE_NAME) ?? undefined,
		});
		options.cancelSignal?.addEventListener('abort', () => execution.cancel(), { once: true });
		const run = await execution;

		const { resultData } = run.data;
		const task = resultData.runData[nodeUnderTest.name]?.[0];
		const outputs = (task?.data?.main ?? []).map((items) => items ?? []);
		return {
			status: run.status,
			outputs,
			success: outputs[0] ?? [],
			errorOutput: options.onError === 'continueErrorOutput' ? (outputs[1] ?? []) : [],
			error: resultData.error,
			nodeError: task?.error,
			executedNodes,
			run,
			runJson: dump(run),
			deepDump: dump({ run, reportedErrors }, true),
			reportedErrors: [...reportedErrors],
			credentialRequests: [...this.credentialsHelper.requested],
		};
	}

	/**
	 * A LoadOptionsContext as the editor gets when it fills a resource locator list or a dropdown:
	 * `parameters` are the node's current parameters, `path` the parameter being loaded.
	 */
	loadOptionsContext(options: Omit<RunNodeOptions, 'items' | 'onError'> & { path: string }) {
		const node = this.buildNode({ ...options, items: [] });
		const workflow = new Workflow({
			id: 'engine-test',
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: this.nodeTypes,
		});
		const additionalData = additionalDataFor(this.credentialsHelper, undefined, node.parameters);
		return new LoadOptionsContext(
			workflow,
			node,
			additionalData,
			options.path,
		) as unknown as ILoadOptionsFunctions;
	}
}
