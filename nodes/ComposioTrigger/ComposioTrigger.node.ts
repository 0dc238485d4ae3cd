import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { jsonParse, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { settle } from '../shared/helpers/settle';
import { parseText } from '../shared/helpers/validation';
import type { Headers } from '../shared/transport';
import { ComposioClient, header } from '../shared/transport';
import {
	activationBegins,
	activationEnds,
	claimDelivery,
	isCurrentActivation,
	isRepeat,
	recordDelivery,
} from './deliveries';
import { filtersOf, passesFilters, toOutput, TRIGGER_MESSAGE } from './events';
import { properties } from './description';
import { getTriggerTypes } from './methods/loadOptions';
import type { ManagedSubscription } from './subscription';
import { activateSubscription, deactivateSubscription } from './subscription';
import type { ManagedTriggerInstance } from './triggerInstance';
import { activateTriggerInstance, deactivateTriggerInstance } from './triggerInstance';
import { credentialSecret, verifyWithCredentialSecret } from './secret';
import type { Verdict } from './signature';
import { verifySignature } from './signature';

/** What the node keeps in its static data (saved by n8n with the workflow). */
interface NodeState extends IDataObject {
	subscription?: ManagedSubscription & IDataObject;
	triggerInstance?: ManagedTriggerInstance & IDataObject;
	/** The activation's token (deliveries.ts `activations`): whether a run may write static data. */
	activated?: string;
}

function headerOf(context: IWebhookFunctions, name: string): string | undefined {
	return header(context.getHeaderData() as Headers, name);
}

/** A text parameter, read as the action node reads one: '' for nothing (not "null"). */
function readText(context: IHookFunctions, name: string, label: string): string {
	const parsed = parseText(context.getNodeParameter(name, ''), label);
	if (!parsed.ok) throw new NodeOperationError(context.getNode(), parsed.message);
	return parsed.value;
}

function triggerInstanceSetup(context: IHookFunctions) {
	const node = context.getNode();
	const slug = readText(context, 'triggerSlug', 'Trigger Name or ID');
	const connectedAccountId = readText(context, 'connectedAccountId', 'Connected Account ID');
	if (slug === '')
		throw new NodeOperationError(node, 'Pick the trigger to create (Trigger Name or ID)');
	if (connectedAccountId === '') {
		throw new NodeOperationError(node, 'Connected Account ID is empty', {
			description: "Give the user's connected account of the trigger's toolkit, e.g. ca_abc123.",
		});
	}
	const raw = context.getNodeParameter('triggerConfig', '{}');
	const config =
		typeof raw === 'string' ? jsonParse<unknown>(raw || '{}', { fallbackValue: undefined }) : raw;
	if (config === null || typeof config !== 'object' || Array.isArray(config)) {
		throw new NodeOperationError(node, 'Trigger Config must be a JSON object', {
			description:
				'Give the trigger\'s configuration as an object, e.g. {"labelIds": "INBOX"}, or {}.',
		});
	}
	return { slug, connectedAccountId, config: config as IDataObject };
}

/**
 * The answer to every verified delivery, whether it starts a run, repeats one or is filtered out:
 * Composio then stops retrying it. (n8n answers a run's delivery with the webhook's responseData.)
 */
const RECEIVED = { received: true };

function received(): IWebhookResponseData {
	return { webhookResponse: RECEIVED };
}

/** The node's deliveries are remembered per workflow and node. */
function scopeOf(context: IWebhookFunctions | IExecuteFunctions | IHookFunctions): string {
	return `${context.getWorkflow().id ?? ''}:${context.getNode().id}`;
}

export class ComposioTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Composio Trigger',
		name: 'composioTrigger',
		icon: { light: 'file:../../icons/composio.svg', dark: 'file:../../icons/composio.dark.svg' },
		group: ['trigger'],
		// 1.1 behaves as 1. n8n evaluates an expression in an isolate on each request to a version 1
		// webhook node (the old binary-data option of its own Webhook node): 1.1 skips that cost.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle:
			'={{ $parameter["subscription"] === "manual" ? "Manual webhook" : "Managed webhook" }}',
		description:
			"Starts the workflow on Composio's signed events: app triggers, expired connections, disabled triggers",
		defaults: { name: 'Composio Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'composioMcpApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// n8n answers an accepted delivery with this, not with the run's data (n8n's typing
				// names only its keywords here; a value without expressions is answered as it is).
				responseData: RECEIVED as unknown as string,
				path: 'webhook',
			},
		],
		properties,
	};

	methods = { loadOptions: { getTriggerTypes } };

	webhookMethods = {
		default: {
			// create() reconciles whatever it finds (its own subscription after a restart included).
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},

			async create(this: IHookFunctions): Promise<boolean> {
				const node = this.getNode();
				const state = this.getWorkflowStaticData('node') as NodeState;
				const managed = this.getNodeParameter('subscription') === 'managed';
				const withInstance = this.getNodeParameter('manageTriggerInstance', false) as boolean;

				if (!managed && (await credentialSecret(this)) === undefined) {
					throw new NodeOperationError(node, 'Manual mode needs the webhook signing secret', {
						description:
							"Paste the secret Composio showed when you registered this node's Production URL into the credential's Webhook Signing Secret. Without it every delivery would be refused.",
					});
				}
				const events = this.getNodeParameter('events', []) as string[];
				if (events.length === 0) {
					throw new NodeOperationError(node, 'Choose at least one event', {
						description: 'Events is empty: the workflow would never start.',
					});
				}
				const filters = filtersOf(this.getNodeParameter('filters', {}) as IDataObject);
				if (!filters.ok) throw new NodeOperationError(node, filters.message);
				// A test listen runs nothing that records deliveries.
				if (this.getMode() !== 'manual') state.activated = activationBegins(scopeOf(this));
				if (!managed && !withInstance) return true;
				// Checked before any request: a bad input changes nothing in Composio.
				const instanceSetup = withInstance ? triggerInstanceSetup(this) : undefined;

				const client = await ComposioClient.create(this);
				if (managed) {
					const url = this.getNodeWebhookUrl('default');
					if (!url) throw new NodeOperationError(node, 'n8n gave this node no webhook URL');
					state.subscription = (await activateSubscription(client, node, {
						url,
						events,
						replace: this.getNodeParameter('replaceExisting', false) as boolean,
						testing: this.getMode() === 'manual',
						previous: state.subscription,
					})) as NodeState['subscription'];
				}
				if (instanceSetup) {
					const instance = await settle(
						activateTriggerInstance(client, node, {
							...instanceSetup,
							previous: state.triggerInstance,
						}),
					);
					if (!instance.ok) {
						// Activation fails as a whole: give the subscription back first.
						if (state.subscription) {
							await deactivateSubscription(client, state.subscription);
							delete state.subscription;
						}
						throw instance.error;
					}
					state.triggerInstance = instance.value as NodeState['triggerInstance'];
				}
				return true;
			},

			async delete(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as NodeState;
				activationEnds(scopeOf(this), state.activated);
				delete state.activated;
				const { triggerInstance, subscription } = state;
				if (!subscription && !triggerInstance) return true;
				const client = await ComposioClient.create(this);
				// Both are given back even when one fails; what failed stays noted for the next try.
				const instanceOff = triggerInstance
					? await settle(deactivateTriggerInstance(client, triggerInstance))
					: undefined;
				if (instanceOff?.ok) delete state.triggerInstance;
				const subscriptionBack = subscription
					? await settle(deactivateSubscription(client, subscription))
					: undefined;
				if (subscriptionBack?.ok) delete state.subscription;
				for (const step of [subscriptionBack, instanceOff]) {
					if (step && !step.ok) throw step.error;
				}
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const id = headerOf(this, 'webhook-id');
		const rawBody = Buffer.isBuffer(request.rawBody)
			? request.rawBody
			: Buffer.from(JSON.stringify(this.getBodyData()));

		const signed = {
			id,
			timestamp: headerOf(this, 'webhook-timestamp'),
			signature: headerOf(this, 'webhook-signature'),
			rawBody,
		};
		const now = Date.now();
		const verify = (secret: string | undefined): Verdict =>
			secret
				? verifySignature(signed, secret, Math.floor(now / 1000))
				: { ok: false, reason: 'this node has no signing secret' };
		const state = this.getWorkflowStaticData('node') as NodeState;
		const scope = scopeOf(this);
		const checked = await settle(
			this.getNodeParameter('subscription') === 'manual'
				? verifyWithCredentialSecret(this, scope, now, verify)
				: Promise.resolve(verify(state.subscription?.secret)),
		);
		if (!checked.ok) {
			// Answered here: an error thrown from webhook() would make n8n start a failed execution.
			this.logger.error('Composio Trigger could not read its signing secret', {
				error: checked.error instanceof Error ? checked.error.message : String(checked.error),
			});
			this.getResponseObject()
				.status(500)
				.json({ message: 'The Composio Trigger could not read its signing secret' });
			return { noWebhookResponse: true };
		}
		const verdict = checked.value;
		if (!verdict.ok) {
			this.logger.warn(`Composio Trigger refused a delivery: ${verdict.reason}`);
			this.getResponseObject()
				.status(401)
				.json({ message: `Signature verification failed: ${verdict.reason}` });
			return { noWebhookResponse: true };
		}

		if (isRepeat(state, scope, id!, now)) return received();

		const payload = jsonParse<unknown>(rawBody.toString('utf8'), { fallbackValue: undefined });
		const attempt = Number(headerOf(this, 'x-composio-delivery-attempt'));
		const output = toOutput(payload, Number.isInteger(attempt) && attempt > 0 ? attempt : null);
		if (!output) return received();

		const events = this.getNodeParameter('events') as string[];
		// Checked at activation; a filter that no longer reads passes nothing.
		const filters = filtersOf(this.getNodeParameter('filters', {}) as IDataObject);
		const ownTrigger = state.triggerInstance?.id;
		const otherTrigger =
			ownTrigger !== undefined &&
			output.event === TRIGGER_MESSAGE &&
			output.triggerId !== ownTrigger;
		if (
			!events.includes(output.event) ||
			otherTrigger ||
			!filters.ok ||
			!passesFilters(output, filters.filters)
		) {
			return received();
		}

		// The verified delivery id (Composio's payload id is the same): downstream nodes can
		// deduplicate on it.
		output.id = id!;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		if (options.includeRawPayload === true) output.payload = payload as IDataObject;
		return { workflowData: [this.helpers.returnJsonArray([output])] };
	}

	/**
	 * The run's first step, on whatever process runs it: records the delivery where n8n keeps it
	 * (see deliveries.ts), and stops a run whose delivery another process's run already took.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		// A test event records nothing: n8n keeps nothing of test runs either.
		if (this.getMode() === 'manual') return [items];
		const state = this.getWorkflowStaticData('node') as NodeState;
		const scope = scopeOf(this);
		const { checkProcessedAndRecord } = this.helpers;
		const first: INodeExecutionData[] = [];
		for (const item of items) {
			const id = typeof item.json.id === 'string' ? item.json.id : undefined;
			if (id === undefined) {
				first.push(item);
				continue;
			}
			if (isCurrentActivation(scope, state.activated)) recordDelivery(state, scope, id, Date.now());
			// n8n before 1.60 has no deduplication store. When it fails, the item goes on: better a
			// repeat stopped nowhere than a delivery lost.
			const claimed = checkProcessedAndRecord
				? await settle(claimDelivery(checkProcessedAndRecord, scope, id))
				: { ok: true as const, value: true };
			if (!claimed.ok) {
				this.logger.warn(
					`Composio Trigger could not record delivery ${id} in n8n's deduplication store: ${String((claimed.error as Error)?.message ?? claimed.error)}`,
				);
			}
			if (!claimed.ok || claimed.value) {
				first.push(item);
			} else {
				this.logger.info(
					`Composio Trigger: delivery ${id} was already taken by another run; this run stops here`,
				);
			}
		}
		return [first];
	}
}
