import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { ComposioClient } from '../../shared/transport';

/** Enough for every trigger of the toolkits a project uses; the list is sorted by toolkit. */
const AT_MOST = 2000;

/** Composio's trigger types, for the Trigger Slug filter and the Trigger Instance option. */
export async function getTriggerTypes(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const client = await ComposioClient.create(this);
	const types = await client.cursorPages({
		method: 'GET',
		path: '/triggers_types',
		limit: AT_MOST,
	});
	return types
		.map((type: IDataObject) => {
			const toolkit = String((type.toolkit as IDataObject | undefined)?.slug ?? '');
			return {
				name: `${toolkit ? `${toolkit}: ` : ''}${String(type.name ?? type.slug)}`,
				value: String(type.slug),
				description: typeof type.description === 'string' ? type.description : undefined,
			};
		})
		.sort((a, b) => a.name.localeCompare(b.name));
}
