import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { jsonParse, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { settle } from '../ComposioMcp/helpers/settle';
import { ComposioClient, CREDENTIAL_TYPE } from '../ComposioMcp/transport';
import { firstDelivery } from './deliveries';
import { filtersOf, passesFilters, toOutput, TRIGGER_MESSAGE } from './events';
import { properties } from './description';
import { getTriggerTypes } from './methods/loadOptions';
import type { ManagedSubscription } from './subscription';
import { activateSubscription, deactivateSubscription } from './subscription';
import type { ManagedTriggerInstance } from './triggerInstance';
import { activateTriggerInstance, deactivateTriggerInstance } from './triggerInstance';
import { verifySignature } from './signature';

/** What the node keeps in its static data (saved by n8n with the workflow). */
interface NodeState extends IDataObject {
	subscription?: ManagedSubscription & IDataObject;
	triggerInstance?: ManagedTriggerInstance & IDataObject;
}

function headerOf(context: IWebhookFunctions, name: string): string | undefined {
	const value = context.getHeaderData()[name];
	return Array.isArray(value) ? value[0] : value;
}

/** Manual mode's signing secret: the credential's Webhook Signing Secret, if one is set. */
async function manualSecret(
	context: IHookFunctions | IWebhookFunctions,
): Promise<string | undefined> {
	const { webhookSecret } = await context.getCredentials(CREDENTIAL_TYPE);
	return typeof webhookSecret === 'string' && webhookSecret.trim() !== ''
		? webhookSecret.trim()
		: undefined;
}

async function signingSecret(context: IWebhookFunctions): Promise<string | undefined> {
	if (context.getNodeParameter('subscription') === 'manual') return await manualSecret(context);
	return (context.getWorkflowStaticData('node') as NodeState).subscription?.secret;
}

function triggerInstanceSetup(context: IHookFunctions) {
	const node = context.getNode();
	const slug = String(context.getNodeParameter('triggerSlug', '')).trim();
	const connectedAccountId = String(context.getNodeParameter('connectedAccountId', '')).trim();
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

/** Answered to deliveries that start nothing: Composio then stops retrying them. */
function received(status: 'duplicate' | 'ignored'): IWebhookResponseData {
	return { webhookResponse: { received: true, status } };
}

export class ComposioTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Composio Trigger',
		name: 'composioTrigger',
		icon: { light: 'file:../../icons/composio.svg', dark: 'file:../../icons/composio.dark.svg' },
		group: ['trigger'],
		version: 1,
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

				if (!managed && (await manualSecret(this)) === undefined) {
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

		const read = await settle(signingSecret(this));
		if (!read.ok) {
			// Answered here: an error thrown from webhook() would make n8n start a failed execution.
			this.logger.error('Composio Trigger could not read its signing secret', {
				error: read.error instanceof Error ? read.error.message : String(read.error),
			});
			this.getResponseObject()
				.status(500)
				.json({ message: 'The Composio Trigger could not read its signing secret' });
			return { noWebhookResponse: true };
		}
		const secret = read.value;
		const verdict = secret
			? verifySignature(
					{
						id,
						timestamp: headerOf(this, 'webhook-timestamp'),
						signature: headerOf(this, 'webhook-signature'),
						rawBody,
					},
					secret,
					Math.floor(Date.now() / 1000),
				)
			: { ok: false as const, reason: 'this node has no signing secret' };
		if (!verdict.ok) {
			this.logger.warn(`Composio Trigger refused a delivery: ${verdict.reason}`);
			this.getResponseObject()
				.status(401)
				.json({ message: `Signature verification failed: ${verdict.reason}` });
			return { noWebhookResponse: true };
		}

		const state = this.getWorkflowStaticData('node') as NodeState;
		const scope = `${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
		if (!firstDelivery(state, scope, id!, Date.now())) return received('duplicate');

		const payload = jsonParse<unknown>(rawBody.toString('utf8'), { fallbackValue: undefined });
		const attempt = Number(headerOf(this, 'x-composio-delivery-attempt'));
		const output = toOutput(payload, Number.isInteger(attempt) && attempt > 0 ? attempt : null);
		if (!output) return received('ignored');

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
			return received('ignored');
		}

		const options = this.getNodeParameter('options', {}) as IDataObject;
		if (options.includeRawPayload === true) output.payload = payload as IDataObject;
		return { workflowData: [this.helpers.returnJsonArray([output])] };
	}
}
