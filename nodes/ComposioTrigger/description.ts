import type { INodeProperties } from 'n8n-workflow';

import { EVENT_OPTIONS, TRIGGER_MESSAGE } from './events';

const MANAGED = { show: { subscription: ['managed'] } };
const MANUAL = { show: { subscription: ['manual'] } };

export const properties: INodeProperties[] = [
	{
		displayName:
			"Composio sends all of a project's events to one webhook URL. In 'Managed' mode this node points it at this workflow while the workflow is active, and refuses if another receiver has it.",
		name: 'oneWebhookNotice',
		type: 'notice',
		default: '',
		displayOptions: MANAGED,
	},
	{
		displayName: 'Webhook Subscription',
		name: 'subscription',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Managed',
				value: 'managed',
				description:
					"The node creates the project's subscription for this workflow's URL on activation and removes what it set up on deactivation",
			},
			{
				name: 'Manual',
				value: 'manual',
				description:
					"You register this node's Production URL in Composio and paste the signing secret into the credential; the node changes nothing in Composio",
			},
		],
		default: 'managed',
	},
	{
		displayName: "Replace the Project's Webhook (Other Receivers Stop)",
		name: 'replaceExisting',
		type: 'boolean',
		default: false,
		displayOptions: MANAGED,
		description:
			"Whether to take over the project's subscription when it points at another URL. The other receiver gets no events until this workflow is deactivated; the subscription's URL and events are then restored.",
	},
	{
		displayName:
			"Copy this node's Production URL (above) into Composio's webhook settings, and its signing secret into the credential's 'Webhook Signing Secret'",
		name: 'manualNotice',
		type: 'notice',
		default: '',
		displayOptions: MANUAL,
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		options: EVENT_OPTIONS,
		default: [TRIGGER_MESSAGE],
		description: 'The events that start the workflow; others are answered and ignored',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		description: 'Events that do not match are answered and start nothing',
		options: [
			{
				displayName: 'Connected Account IDs',
				name: 'connectedAccountIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. ca_abc123, ca_def456',
				description: 'Only events about these connected accounts (comma-separated)',
			},
			{
				displayName: 'Trigger IDs',
				name: 'triggerIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. ti_abc123',
				description:
					"Only events of these trigger instances (comma-separated). 'Connected Account Expired' events are not held back by it.",
			},
			{
				displayName: 'Trigger Slug Names or IDs',
				name: 'triggerSlugs',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getTriggerTypes' },
				default: [],
				description:
					'Only events of these triggers. \'Connected Account Expired\' events are not held back by it. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'User IDs',
				name: 'userIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. user-123, user-456',
				description: 'Only events about these users (comma-separated)',
			},
		],
	},
	{
		displayName: 'Create Trigger Instance',
		name: 'manageTriggerInstance',
		type: 'boolean',
		default: false,
		description:
			"Whether to turn on a trigger for a connected account when the workflow is activated, and off again on deactivation if this node turned it on. The workflow then gets only that trigger's messages.",
	},
	{
		displayName: 'Trigger Name or ID',
		name: 'triggerSlug',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTriggerTypes' },
		required: true,
		default: '',
		displayOptions: { show: { manageTriggerInstance: [true] } },
		description:
			'The trigger to turn on. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Connected Account ID',
		name: 'connectedAccountId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. ca_abc123',
		displayOptions: { show: { manageTriggerInstance: [true] } },
		description: "The user's connected account of the trigger's toolkit",
	},
	{
		displayName: 'Trigger Config',
		name: 'triggerConfig',
		type: 'json',
		default: '{}',
		displayOptions: { show: { manageTriggerInstance: [true] } },
		description: "The trigger's configuration, as its trigger type's config schema describes it",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include Raw Payload',
				name: 'includeRawPayload',
				type: 'boolean',
				default: false,
				description: "Whether to add the event exactly as Composio sent it, under 'payload'",
			},
		],
	},
];
