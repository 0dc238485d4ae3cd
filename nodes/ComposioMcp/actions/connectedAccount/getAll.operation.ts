import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemContext, OperationOption } from '../common';
import { invalidInput, readLimit, readList, readParameter, requireV31 } from '../common';
import { returnAllOrLimit } from '../common.descriptions';
import { readSimplify, simplifyConnectedAccount, simplifyField } from '../simplify';

export const option: OperationOption = {
	name: 'Get Many',
	value: 'getAll',
	action: 'Get many connected accounts',
	description:
		'Retrieve a list of connected accounts, optionally filtered by users, toolkits, statuses or auth configs. Returns one item per account, newest first.',
};

/** Composio's statuses, as the list names them; REVOKED exists only in API v3.1. */
const STATUSES = [
	{ name: 'Active', value: 'ACTIVE' },
	{ name: 'Expired', value: 'EXPIRED' },
	{ name: 'Failed', value: 'FAILED' },
	{ name: 'Inactive', value: 'INACTIVE' },
	{ name: 'Initializing', value: 'INITIALIZING' },
	{ name: 'Initiated', value: 'INITIATED' },
	{ name: 'Revoked (V3.1)', value: 'REVOKED' },
];
const V31_STATUSES = ['REVOKED'];

export const description: INodeProperties[] = [
	...returnAllOrLimit('connectedAccount', 'getAll'),
	simplifyField('connectedAccount', 'getAll', true),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { resource: ['connectedAccount'], operation: ['getAll'] } },
		options: [
			{
				displayName: 'Auth Config Names or IDs',
				name: 'authConfigIds',
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getAuthConfigs' },
				default: [],
				description:
					'Only accounts connected through these auth configs (an expression may give a list or comma-separated text). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: STATUSES,
				default: [],
				description: 'Only accounts in these statuses',
			},
			{
				displayName: 'Toolkits',
				name: 'toolkits',
				type: 'string',
				default: '',
				placeholder: 'e.g. gmail, slack',
				description: 'Only accounts for these toolkits (comma-separated slugs)',
			},
			{
				displayName: 'User IDs',
				name: 'userIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. user_123, {{ $json.email }}',
				description: 'Only accounts of these users (comma-separated, or a list from an expression)',
			},
		],
	},
];

/** Each filter: its option, Composio's query parameter and its label in errors. */
const FILTERS = [
	{ option: 'userIds', query: 'user_ids', label: 'User IDs' },
	{ option: 'toolkits', query: 'toolkit_slugs', label: 'Toolkits' },
	{ option: 'statuses', query: 'statuses', label: 'Statuses' },
	{ option: 'authConfigIds', query: 'auth_config_ids', label: 'Auth Config IDs' },
] as const;

/** Statuses from an expression are Composio's own words, and REVOKED needs API v3.1. */
function checkStatuses(this: IExecuteFunctions, item: ItemContext, statuses: string[]): void {
	const known = STATUSES.map(({ value }) => value);
	const unknown = statuses.find((status) => !known.includes(status));
	if (unknown !== undefined) {
		throw invalidInput.call(
			this,
			`Statuses holds "${unknown}", which is not a status: use ${known.join(', ')}`,
			item.itemIndex,
		);
	}
	if (statuses.some((status) => V31_STATUSES.includes(status))) {
		requireV31.call(this, item, 'Statuses: Revoked');
	}
}

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { itemIndex, fields } = item;
	const filters = readParameter.call(this, item, 'filters', {}) as IDataObject;
	const qs: IDataObject = {};
	for (const { option, query, label } of FILTERS) {
		const list = readList.call(this, filters[option], label, itemIndex);
		if (list.length === 0) continue;
		fields[option] = list;
		qs[query] = list.join(',');
	}
	checkStatuses.call(this, item, (fields.statuses ?? []) as string[]);
	const simplify = readSimplify.call(this, item, true);
	const accounts = await item.client.cursorPages({
		method: 'GET',
		path: '/connected_accounts',
		qs,
		itemIndex,
		limit: readLimit.call(this, item),
	});
	return simplify ? accounts.map(simplifyConnectedAccount) : accounts;
}
