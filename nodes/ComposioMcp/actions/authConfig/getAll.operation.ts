import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemContext, OperationOption } from '../common';
import { readBoolean, readLimit, readParameter, readText } from '../common';
import { returnAllOrLimit } from '../common.descriptions';
import { readSimplify, simplifyAuthConfig, simplifyField } from '../simplify';

export const option: OperationOption = {
	name: 'Get Many',
	value: 'getAll',
	action: 'Get many auth configs',
	description:
		'Retrieve a list of auth configs, optionally only those of a toolkit or only those Composio manages. Returns one item per auth config.',
};

export const description: INodeProperties[] = [
	...returnAllOrLimit('authConfig', 'getAll'),
	simplifyField('authConfig', 'getAll', true),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show: { resource: ['authConfig'], operation: ['getAll'] } },
		options: [
			{
				displayName: 'Composio Managed',
				name: 'composioManaged',
				type: 'boolean',
				default: true,
				description:
					"Whether to return only auth configs that use Composio's own OAuth app (on) or only your own (off)",
			},
			{
				displayName: 'Toolkit',
				name: 'toolkit',
				type: 'string',
				default: '',
				placeholder: 'e.g. github',
				description: "Only this toolkit's auth configs (its slug)",
			},
		],
	},
];

export async function execute(this: IExecuteFunctions, item: ItemContext): Promise<IDataObject[]> {
	const { itemIndex, fields } = item;
	const filters = readParameter.call(this, item, 'filters', {}) as IDataObject;
	const qs: IDataObject = {};
	const toolkit = readText.call(this, filters.toolkit, 'Toolkit', itemIndex);
	if (toolkit) qs.toolkit_slug = fields.toolkit = toolkit;
	if (filters.composioManaged !== undefined) {
		qs.is_composio_managed = fields.composioManaged = readBoolean.call(
			this,
			filters.composioManaged,
			'Composio Managed',
			itemIndex,
		);
	}
	const simplify = readSimplify.call(this, item, true);
	const configs = await item.client.cursorPages({
		method: 'GET',
		path: '/auth_configs',
		qs,
		itemIndex,
		limit: readLimit.call(this, item),
	});
	return simplify ? configs.map(simplifyAuthConfig) : configs;
}
