/**
 * The Composio Trigger under n8n-core's own contexts, as n8n drives a trigger node: activation
 * (HookContext: checkExists, then create when it says false), deactivation (delete), and each
 * delivery (WebhookContext over a request that carries the raw body, as n8n's body parser keeps
 * it). One Workflow object holds the node's static data across calls, as an active workflow does;
 * `restart()` gives a fresh one with the static data n8n would have saved.
 */
import { HookContext, WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHookFunctions,
	INode,
	INodeParameters,
	IWebhookData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';

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
}

export interface Delivered {
	headers: Record<string, string>;
	rawBody: string;
}

let engine: TestEngine | undefined;

function getEngine(): TestEngine {
	engine ??= new TestEngine({
		nodeTypes: { [TRIGGER_NODE_TYPE]: new ComposioTrigger() },
		credentialTypes: [new ComposioMcpApi()],
	});
	return engine;
}

export class TriggerHarness {
	readonly trigger = new ComposioTrigger();

	readonly node: INode;

	private workflow: Workflow;

	/** A test listen's own copy of the workflow: n8n starts each with empty static data. */
	private testWorkflow: Workflow | undefined;

	constructor(
		parameters: INodeParameters,
		private readonly credentials: ICredentialDataDecryptedObject,
		private readonly workflowId = 'trigger-wf',
		staticData: IDataObject = {},
	) {
		const { credentialsHelper } = getEngine();
		credentialsHelper.add('cred-trigger', { type: 'composioMcpApi', data: credentials });
		const node: INode = {
			id: 'composio-trigger',
			name: 'Composio Trigger',
			type: TRIGGER_NODE_TYPE,
			typeVersion: 1,
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
		this.workflow = this.newWorkflow(staticData);
	}

	private newWorkflow(staticData: IDataObject): Workflow {
		return new Workflow({
			id: this.workflowId,
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: getEngine().nodeTypes,
			staticData: structuredClone(staticData),
		});
	}

	/** The node's static data as n8n would save it. */
	get staticData(): IDataObject {
		const data = JSON.parse(
			JSON.stringify(this.workflow.getStaticData('node', this.node)),
		) as IDataObject;
		return { [`node:${this.node.name}`]: data };
	}

	nodeStaticData(): IDataObject {
		return this.workflow.getStaticData('node', this.node);
	}

	/** The same node after n8n restarted: static data as saved, the process's memory kept. */
	restart(): TriggerHarness {
		return new TriggerHarness(
			this.node.parameters,
			this.credentials,
			this.workflowId,
			this.staticData,
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
		if (!test) return this.workflow;
		this.testWorkflow ??= this.newWorkflow({});
		return this.testWorkflow;
	}

	private hookContext(test: boolean, mode = test ? 'manual' : 'trigger'): IHookFunctions {
		const additionalData = additionalDataFor(getEngine().credentialsHelper, undefined);
		return new HookContext(
			this.workflowFor(test),
			this.node,
			additionalData,
			mode as 'manual' | 'trigger' | 'internal',
			test ? 'manual' : 'activate',
			this.webhookData(test),
		) as unknown as IHookFunctions;
	}

	url(test = false): string {
		return this.hookContext(test).getNodeWebhookUrl('default')!;
	}

	/**
	 * As n8n activates a webhook: create() only when checkExists() says it is missing. A test listen
	 * (`test`) starts on a fresh copy of the workflow with empty static data, as n8n's does.
	 */
	async activate(test = false): Promise<void> {
		if (test) this.testWorkflow = this.newWorkflow({});
		const context = this.hookContext(test);
		const methods = this.trigger.webhookMethods.default;
		if (!(await methods.checkExists.call(context))) await methods.create.call(context);
	}

	/** Deactivation, or the end of a test listen (n8n removes test webhooks in mode 'internal'). */
	async deactivate(test = false): Promise<void> {
		await this.trigger.webhookMethods.default.delete.call(
			this.hookContext(test, test ? 'internal' : 'trigger'),
		);
	}

	/** One delivery through webhook(), with a request and response shaped as n8n's. */
	async receive(delivery: Delivered, test = false): Promise<Answered> {
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
		const context = new WebhookContext(
			this.workflowFor(test),
			this.node,
			additionalData,
			test ? 'manual' : 'webhook',
			this.webhookData(test),
			[],
			null,
		) as unknown as IWebhookFunctions;
		const result = await this.trigger.webhook.call(context);
		return { result, ...answered };
	}
}
