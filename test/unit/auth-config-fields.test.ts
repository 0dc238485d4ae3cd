/**
 * Server's auth config IDs per node version, as n8n's editor decides what to show (n8n-workflow's
 * displayParameter, which reads `@version` from the node at any depth): version 1.1 picks them from
 * the project's auth configs (getAuthConfigs), version 1 keeps the comma-separated text its
 * workflows saved. One parameter name, so the code reads either.
 */
import type { INode, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { ComposioMcp } from '../../nodes/ComposioMcp/ComposioMcp.node';

const description = new ComposioMcp().description;

function node(typeVersion: number): INode {
	return {
		id: 'n',
		name: 'Composio MCP',
		type: 'n8n-nodes-composio-mcp.composioMcp',
		typeVersion,
		position: [0, 0],
		parameters: {},
	};
}

/** The auth config ID fields the editor shows for an operation, at the top or in a collection. */
function shown(operation: string, typeVersion: number, collection?: string): INodeProperties[] {
	const values = { resource: 'server', operation };
	const visible = (list: INodeProperties[], nodeValues: object) =>
		list.filter((p) =>
			NodeHelpers.displayParameter(nodeValues as never, p, node(typeVersion), description),
		);
	const top = visible(description.properties, values);
	if (!collection) return top.filter((p) => p.name === 'authConfigIds');
	const holder = top.find((p) => p.name === collection);
	if (!holder) throw new Error(`no ${collection} for Server › ${operation}`);
	return visible(holder.options as INodeProperties[], {}).filter((p) => p.name === 'authConfigIds');
}

describe.each([
	['Create', 'create', undefined],
	['Update (Update Fields)', 'update', 'updateFields'],
	['Get Many (Filters)', 'getAll', 'filters'],
])('Server › %s: Auth Config IDs', (_label, operation, collection) => {
	it('version 1.1: one multi-select of the project’s auth configs', () => {
		const fields = shown(operation, 1.1, collection);

		expect(fields).toHaveLength(1);
		expect(fields[0]).toMatchObject({
			displayName: 'Auth Config Names or IDs',
			type: 'multiOptions',
			typeOptions: { loadOptionsMethod: 'getAuthConfigs' },
			default: [],
		});
	});

	it('version 1: the comma-separated text it saved', () => {
		const fields = shown(operation, 1, collection);

		expect(fields).toHaveLength(1);
		expect(fields[0]).toMatchObject({
			displayName: 'Auth Config IDs',
			type: 'string',
			default: '',
		});
	});
});

it('the picker the fields name exists', () => {
	expect(Object.keys(new ComposioMcp().methods.loadOptions)).toContain('getAuthConfigs');
});
