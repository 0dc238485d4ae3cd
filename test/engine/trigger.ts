/**
 * The Composio Trigger under n8n-core's own contexts, as n8n drives a trigger node: activation
 * (HookContext: checkExists, then create when it says false), deactivation (delete), and each
 * delivery (WebhookContext over a request that carries the raw body, as n8n's body parser keeps
 * it), then the run it starts (n8n-core's WorkflowExecute from the trigger with its items, which
 * calls the trigger's execute()).
 *
 * What persists is modelled on n8n 2.41 as test/e2e/trigger proves it in a real n8n: each call
 * builds the workflow from the static data last saved (n8n loads it per request); what the
 * webhook methods write is saved, and so is what webhook() writes when it starts no run; what
 * webhook() writes is dropped when it starts a run; what the run writes is saved when it ends. The
 * deduplication store is n8n's (DataDeduplicationService) over an in-memory table. `restart()` and
 * `otherProcess()` share that "database"; a restart keeps this process's memory, another process
 * does not.
 */
import {
	DataDeduplicationService,
	ExecutionLifecycleHooks,
	HookContext,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import type {
	DeduplicationItemTypes,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	ICredentialDataDecryptedObject,
	IDataDeduplicator,
	IDataObject,
	IDeduplicationOutput,
	IHookFunctions,
	INode,
	INodeExecutionData,
	INodeParameters,
	IWebhookData,
	IWebhookFunctions,
	IWebhookResponseData,
	IWorkflowBase,
} from 'n8n-workflow';
import { createRunExecutionData, NodeHelpers, Workflow } from 'n8n-workflow';

import { ComposioMcpApi } from '../../credentials/ComposioMcpApi.credentials';
import { ComposioTrigger } from '../../nodes/ComposioTrigger/ComposioTrigger.node';
import { additionalDataFor, TestEngine } from './engine';

export const TRIGGER_NODE_TYPE = 'n8n-nodes-composio-mcp.composioTrigger';
const WEBHOOK_ID = 'b5f0c6de-1111-4a4a-9c9c-000000000001';

export interface Answered {
	/** What webhook() returned. */
	result: IWebhookResponseData;
	/** Set when the node answered itself (a refused signature). */
	status?: number;
	body?: unknown;
	/** The trigger's output in the run the delivery started (after its execute()), if one started. */
	run?: INodeExecutionData[];
}

export interface Delivered {
	headers: Record<string, string>;
	rawBody: string;
}

let engine: TestEngine | undefined;

/** n8n's processed_data table, as n8n's DeduplicationHelper keeps it: one list per node. */
class MemoryDeduplicator implements IDataDeduplicator {
	readonly lists = new Map<string, string[]>();

	private key(contextData: ICheckProcessedContextData) {
		return `${contextData.workflow.id}:${contextData.node?.id ?? ''}`;
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		_scope: unknown,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		const list = this.lists.get(this.key(contextData)) ?? [];
		const output: IDeduplicationOutput = { new: [], processed: [] };
		for (const item of items.map(String)) {
			if (list.includes(item)) output.processed.push(item);
			else {
				output.new.push(item);
				list.push(item);
			}
		}
		if (options.maxEntries) list.splice(0, list.length - options.maxEntries);
		// Written after an await, as n8n writes the row: a second read can come in between.
		await Promise.resolve();
		this.lists.set(this.key(contextData), list);
		return output;
	}

	async removeProcessed(): Promise<void> {}

	async clearAllProcessedItems(_scope: unknown, contextData: ICheckProcessedContextData) {
		this.lists.delete(this.key(contextData));
	}

	async getProcessedDataCount(_scope: unknown, contextData: ICheckProcessedContextData) {
		return this.lists.get(this.key(contextData))?.length ?? 0;
	}
}

export const deduplicator = new MemoryDeduplicator();

function getEngine(): TestEngine {
	if (!engine) {
		engine = new TestEngine({
			nodeTypes: { [TRIGGER_NODE_TYPE]: new ComposioTrigger() },
			credentialTypes: [new ComposioMcpApi()],
		});
		void DataDeduplicationService.init(deduplicator);
	}
	return engine;
}

/** What n8n keeps of the workflow in its database between calls. */
interface Database {
	staticData: IDataObject;
}

export class TriggerHarness {
	readonly trigger = new ComposioTrigger();

	readonly node: INode;

	/** A test listen's own copy of the workflow: n8n starts each with empty static data, saves none. */
	private testWorkflow: Workflow | undefined;

	constructor(
		parameters: INodeParameters,
		private readonly credentials: ICredentialDataDecryptedObject,
		private readonly workflowId = 'trigger-wf',
		private readonly database: Database = { staticData: {} },
	) {
		const { credentialsHelper } = getEngine();
		credentialsHelper.add('cred-trigger', { type: 'composioMcpApi', data: credentials });
		const node: INode = {
			id: 'composio-trigger',
			name: 'Composio Trigger',
			type: TRIGGER_NODE_TYPE,
			typeVersion: 1.1,
			position: [0, 0],
			webhookId: WEBHOOK_ID,
			parameters: {},
			credentials: { composioMcpApi: { id: 'cred-trigger', name: 'Composio' } },
		};
		// As n8n loads a saved node: the parameters with their defaults filled in.
		node.parameters =
			NodeHelpers.getNodeParameters(
				this.trigger.description.properties,
				parameters,
				true,
				false,
				node,
				this.trigger.description,
			) ?? {};
		this.node = node;
	}

	/** The workflow as n8n builds it for one request: over the static data last saved. */
	private load(staticData: IDataObject = this.database.staticData): Workflow {
		return new Workflow({
			id: this.workflowId,
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: getEngine().nodeTypes,
			staticData: structuredClone(staticData),
		});
	}

	/** As n8n saves static data that changed (WorkflowStaticDataService): serialised then. */
	private save(staticData: IDataObject): void {
		if (staticData.__dataChanged === true) {
			this.database.staticData = JSON.parse(JSON.stringify(staticData)) as IDataObject;
		}
	}

	/** The workflow's static data as n8n saved it. */
	get staticData(): IDataObject {
		return structuredClone(this.database.staticData);
	}

	/** The node's saved static data. */
	nodeStaticData(): IDataObject {
		return (this.database.staticData[`node:${this.node.name}`] as IDataObject) ?? {};
	}

	/** Changes the stored credential (as a user editing it while the workflow is active). */
	setCredentials(data: ICredentialDataDecryptedObject): void {
		getEngine().credentialsHelper.add('cred-trigger', { type: 'composioMcpApi', data });
	}

	/** How many times n8n decrypted the credential for this node so far. */
	credentialReads(): number {
		return getEngine().credentialsHelper.requested.filter((id) => id === 'cred-trigger').length;
	}

	/** The same node after n8n restarted: static data as saved, the process's memory kept. */
	restart(): TriggerHarness {
		return new TriggerHarness(
			this.node.parameters,
			this.credentials,
			this.workflowId,
			this.database,
		);
	}

	private webhookData(test: boolean): IWebhookData {
		const webhookDescription = this.trigger.description.webhooks![0];
		return {
			httpMethod: 'POST',
			node: this.node.name,
			path: `${WEBHOOK_ID}/webhook`,
			webhookDescription,
			workflowId: this.workflowId,
			isTest: test,
		} as IWebhookData;
	}

	private workflowFor(test: boolean): Workflow {
		if (!test) return this.load();
		this.testWorkflow ??= this.load({});
		return this.testWorkflow;
	}

	private hookContext(
		workflow: Workflow,
		test: boolean,
		mode = test ? 'manual' : 'trigger',
	): IHookFunctions {
		const additionalData = additionalDataFor(getEngine().credentialsHelper, undefined);
		return new HookContext(
			workflow,
			this.node,
			additionalData,
			mode as 'manual' | 'trigger' | 'internal',
			test ? 'manual' : 'activate',
			this.webhookData(test),
		) as unknown as IHookFunctions;
	}

	url(test = false): string {
		return this.hookContext(this.workflowFor(test), test).getNodeWebhookUrl('default')!;
	}

	/**
	 * As n8n activates a webhook: create() only when checkExists() says it is missing. A test listen
	 * (`test`) starts on a fresh copy of the workflow with empty static data, as n8n's does.
	 */
	async activate(test = false): Promise<void> {
		if (test) this.testWorkflow = this.load({});
		const workflow = this.workflowFor(test);
		const context = this.hookContext(workflow, test);
		const methods = this.trigger.webhookMethods.default;
		try {
			if (!(await methods.checkExists.call(context))) await methods.create.call(context);
		} finally {
			if (!test) this.save(workflow.staticData);
		}
	}

	/** Deactivation, or the end of a test listen (n8n removes test webhooks in mode 'internal'). */
	async deactivate(test = false): Promise<void> {
		const workflow = this.workflowFor(test);
		try {
			await this.trigger.webhookMethods.default.delete.call(
				this.hookContext(workflow, test, test ? 'internal' : 'trigger'),
			);
		} finally {
			if (!test) this.save(workflow.staticData);
		}
	}

	/**
	 * One delivery through webhook(), with a request and response shaped as n8n's, and the run it
	 * starts. `runWith`: the static data the run gets, when not the saved one (an n8n 2.x
	 * queue-mode worker gets none; a run that began before a re-activation, the copy it loaded);
	 * n8n saves what the run writes over the saved one all the same.
	 */
	async receive(delivery: Delivered, test = false, runWith?: IDataObject): Promise<Answered> {
		const answered: { status?: number; body?: unknown } = {};
		const response = {
			status(code: number) {
				answered.status = code;
				return response;
			},
			json(body: unknown) {
				answered.body = body;
				return response;
			},
			send(body: unknown) {
				answered.body = body;
				return response;
			},
			end() {
				return response;
			},
		};
		const rawBody = Buffer.from(delivery.rawBody, 'utf8');
		let body: unknown = {};
		try {
			body = JSON.parse(delivery.rawBody);
		} catch {
			body = {};
		}
		const request = { headers: delivery.headers, body, rawBody, params: {}, query: {} };
		const additionalData = {
			...additionalDataFor(getEngine().credentialsHelper, undefined),
			httpRequest: request,
			httpResponse: response,
		} as unknown as ConstructorParameters<typeof WebhookContext>[2];
		const workflow = this.workflowFor(test);
		const context = new WebhookContext(
			workflow,
			this.node,
			additionalData,
			test ? 'manual' : 'webhook',
			this.webhookData(test),
			[],
			null,
		) as unknown as IWebhookFunctions;
		const result = await this.trigger.webhook.call(context);
		if (!result.workflowData) {
			if (!test) this.save(workflow.staticData);
			return { result, ...answered };
		}
		// A run starts: what webhook() wrote to static data is dropped (n8n 2.x), the run's is saved.
		return { result, ...answered, run: await this.run(result.workflowData, test, runWith) };
	}

	/** The run a delivery starts, as n8n runs it: from the trigger, with the items webhook() gave. */
	private async run(
		workflowData: INodeExecutionData[][],
		test: boolean,
		runWith: IDataObject | undefined,
	): Promise<INodeExecutionData[]> {
		const workflow = runWith ? this.load(runWith) : this.workflowFor(test);
		const mode = test ? 'manual' : 'webhook';
		const base = { id: this.workflowId, nodes: [this.node] } as unknown as IWorkflowBase;
		const hooks = new ExecutionLifecycleHooks(mode, 'run', base);
		hooks.addHandler('workflowExecuteAfter', (_run, newStaticData) => {
			// n8n saves a run's changed static data, but never a manual (test) run's.
			if (!test && newStaticData) this.save(newStaticData);
		});
		const executionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node: this.node, data: { main: workflowData }, source: null }],
			},
		});
		const additionalData = additionalDataFor(getEngine().credentialsHelper, hooks);
		const run = await new WorkflowExecute(
			additionalData,
			mode,
			executionData,
		).processRunExecutionData(workflow);
		const task = run.data.resultData.runData[this.node.name]?.[0];
		if (!task?.data)
			throw new Error(`the run failed: ${String(run.data.resultData.error?.message)}`);
		return task.data.main[0] ?? [];
	}
}
