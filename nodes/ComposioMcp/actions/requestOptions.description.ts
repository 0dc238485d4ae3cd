import type { INodeProperties } from 'n8n-workflow';

/** Options for how requests are sent, shared by every operation (read by the transport and router). */
export const requestOptions: INodeProperties = {
	displayName: 'Request Options',
	name: 'requestOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Batch Interval (Ms)',
			name: 'batchInterval',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 0,
			description:
				"Pause between groups of 'Concurrency' items, in milliseconds, to spread requests out; 0 sends the next item as soon as one finishes. Wait for Connection starts each group's wait this long after the group before.",
		},
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 50 },
			default: 5,
			description:
				'How many items are sent to Composio at the same time; 1 sends one at a time. Wait for Connection: every item waits at once, and this many checks are sent at the same time. Output order always follows the input.',
		},
		{
			displayName: 'Max Retries',
			name: 'maxRetries',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10 },
			default: 3,
			description:
				'How often a request is retried after a rate limit (429), a timeout, a dropped connection or a server error (408, 5xx). Errors that will not heal (400, 401, 403, 404, 409) are never retried.',
		},
		{
			displayName: 'Max Wait (Seconds)',
			name: 'maxWait',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 60,
			description:
				"The longest single wait before a retry, even when Composio's Retry-After asks for more",
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 60,
			description:
				'How long to wait for each answer from Composio before giving up on that attempt',
		},
	],
};
