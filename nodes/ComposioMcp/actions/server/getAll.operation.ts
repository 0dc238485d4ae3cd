import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemContext, OperationOption } from '../common';
import { readLimit, readList, readParameter, readText } from '../common';
import { returnAllOrLimit as returnAllOrLimitFields } from '../common.descriptions';
import { readSimplify, simplifyField, simplifyServer } from '../simplify';
import { authConfigIdsFields } from './fields';

const showFor = { show: { resource: ['server'], operation: ['getAll'] } };

export const option: OperationOption = {
	name: 'Get Many',
	value: 'getAll',
	action: 'Get many servers',
	description:
		'Retrieve a list of MCP servers, optionally filtered by name, toolkits or auth config IDs. Returns one item per server.',
};

export const description: INodeProperties[] = [
	...returnAllOrLimitFields('server', 'getAll'),
	simplifyField('server', 'getAll'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: showFor,
		options: [
			...authConfigIdsFields('Only servers using these auth configs'),
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				description: 'Only servers whose name contains this text (case-insensitive)',
			},
			{
				displayName: 'Toolkits',
				name: 'toolkits',
				type: 'string',
				default: '',
				placeholder: 'e.g. gmail, slack',
				description: 'Only servers with these toolkits (comma-separated slugs)',
			},
		],
	},
	{
		displayName: 'Sort',
		name: 'sort',
		type: 'collection',
		placeholder: 'Add Sort',
		default: {},
		displayOptions: showFor,
		options: [
			{
				displayName: 'Sort By',
				name: 'orderBy',
				type: 'options',
				options: [
					{ name: 'Created At', value: 'created_at' },
					{ name: 'Updated At', value: 'updated_at' },
				],
				default: 'created_at',
			},
			{
				displayName: 'Direction',
				name: 'orderDirection',
				type: 'options',
				options: [
					{ name: 'Ascending', value: 'asc' },
					{ name: 'Descending', value: 'desc' },
				],
				default: 'desc',
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { itemIndex, client } = item;
	const filters = readParameter.call(this, item, 'filters', {}) as IDataObject;
	const sort = readParameter.call(this, item, 'sort', {}) as IDataObject;
	const qs: IDataObject = {};
	const name = readText.call(this, filters.name, 'Name', itemIndex);
	if (name) qs.name = name;
	const toolkits = readList.call(this, filters.toolkits, 'Toolkits', itemIndex);
	if (toolkits.length) qs.toolkits = toolkits.join(',');
	const authConfigIds = readList.call(this, filters.authConfigIds, 'Auth Config IDs', itemIndex);
	if (authConfigIds.length) qs.auth_config_ids = authConfigIds.join(',');
	if (sort.orderBy) qs.order_by = sort.orderBy;
	if (sort.orderDirection) qs.order_direction = sort.orderDirection;
	const simplify = readSimplify.call(this, item);

	const servers = await client.pages({
		method: 'GET',
		path: '/mcp/servers',
		qs,
		itemsKey: 'items',
		limit: readLimit.call(this, item),
		itemIndex,
	});
	return simplify ? servers.map(simplifyServer) : servers;
}
