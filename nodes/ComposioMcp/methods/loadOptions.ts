import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { ComposioClient } from '../../shared/transport';
import { authConfigLabel } from './labels';

/** Every auth config of the project, for lists that take several (n8n filters them as you type). */
export async function getAuthConfigs(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const client = await ComposioClient.create(this);
	// Composio's largest page of auth configs (200 since 2026-09), for fewer calls per list.
	const configs = await client.cursorPages({ method: 'GET', path: '/auth_configs', pageSize: 200 });
	return configs
		.map((config: IDataObject) => ({ name: authConfigLabel(config), value: String(config.id) }))
		.sort((a, b) => a.name.localeCompare(b.name));
}
