import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from './common';

/**
 * A resource's Operation list and fields, built from its operations' own modules: adding an
 * operation is its file and one line in the resource's `operations.ts`. Options are sorted by
 * name, as n8n's guidelines ask.
 */
export function resourceDescription(
	resource: string,
	operations: Record<string, OperationModule>,
	defaultOperation: string,
): INodeProperties[] {
	const modules = Object.values(operations);
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource] } },
			options: modules
				.map(({ option }) => ({ ...option }))
				.sort((a, b) => a.name.localeCompare(b.name)),
			default: defaultOperation,
		},
		...modules.flatMap((module) => module.description),
	];
}
