import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INodeProperties,
} from 'n8n-workflow';

import { serverNameProblem } from '../../../shared/helpers/lists';
import type { ItemContext } from '../common';
import { invalidInput, readList, readText } from '../common';
import { beforeOutputVersion, fromOutputVersion } from '../version';

/**
 * A server's fields, as Create and Update show them; each operation adds its own displayOptions,
 * `required` and, where it differs, description.
 */
export const serverFields: Record<Exclude<keyof ServerValues, 'authConfigIds'>, INodeProperties> = {
	name: {
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		placeholder: 'e.g. Support Agent Tools',
		description: '4 to 30 characters: letters, digits, spaces and hyphens',
	},
	allowedTools: {
		displayName: 'Allowed Tools',
		name: 'allowedTools',
		type: 'string',
		default: '',
		placeholder: 'e.g. GMAIL_SEND_EMAIL, SLACK_SEND_MESSAGE',
		description: 'Only these tools are offered (comma-separated tool slugs); empty offers all',
	},
	managedAuth: {
		displayName: 'Managed Auth via Composio',
		name: 'managedAuth',
		type: 'boolean',
		default: false,
		description: "Whether Composio handles the users' authentication for this server",
	},
	toolkits: {
		displayName: 'Toolkits',
		name: 'toolkits',
		type: 'string',
		default: '',
		placeholder: 'e.g. gmail, slack',
		description:
			'Toolkit slugs for a multi-toolkit server (comma-separated). With toolkits, the server is created as a custom server.',
	},
};

/**
 * A server's auth configs, as each node version shows them, under one name (the code reads a list
 * or comma-separated text alike): from version 1.1, the project's auth configs to pick from (or an
 * expression); version 1 keeps the comma-separated text its workflows saved, which a multi-select
 * would show as values it does not support. `what` says what the IDs do here; `show` is the
 * operation's displayOptions.show (none inside a collection).
 */
export function authConfigIdsFields(
	what: string,
	show: IDisplayOptions['show'] = {},
): INodeProperties[] {
	return [
		{
			displayName: 'Auth Config IDs',
			name: 'authConfigIds',
			type: 'string',
			default: '',
			placeholder: 'e.g. ac_123, ac_456',
			description: `${what} (comma-separated)`,
			displayOptions: { show: { ...show, ...beforeOutputVersion } },
		},
		{
			displayName: 'Auth Config Names or IDs',
			name: 'authConfigIds',
			type: 'multiOptions',
			typeOptions: { loadOptionsMethod: 'getAuthConfigs' },
			default: [],
			description: `${what}. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
			displayOptions: { show: { ...show, ...fromOutputVersion } },
		},
	];
}

/** The fields' values as the node read them, under the fields' names; undefined = not given. */
export interface ServerValues {
	name?: unknown;
	authConfigIds?: unknown;
	allowedTools?: unknown;
	managedAuth?: unknown;
	toolkits?: unknown;
}

const LIST_FIELDS = [
	{ field: 'authConfigIds', apiField: 'auth_config_ids', label: 'Auth Config IDs' },
	{ field: 'toolkits', apiField: 'toolkits', label: 'Toolkits' },
	{ field: 'allowedTools', apiField: 'allowed_tools', label: 'Allowed Tools' },
] as const;

/**
 * The body Composio receives for the given values: a name is checked, lists are parsed. The
 * parsed values are recorded in the item's fields (for an error item) before the name is checked.
 * An empty list is sent with `emptyLists: 'send'` (Update: it clears the list) and left out with
 * 'omit' (Create: not given).
 */
export function readServerBody(
	this: IExecuteFunctions,
	item: ItemContext,
	values: ServerValues,
	emptyLists: 'send' | 'omit',
): IDataObject {
	const { itemIndex, fields } = item;
	const body: IDataObject = {};
	if (values.name !== undefined) {
		// An expression that gives null is an empty name, refused below, never the text "null".
		body.name = fields.name = readText.call(this, values.name, 'Name', itemIndex);
	}
	for (const { field, apiField, label } of LIST_FIELDS) {
		if (values[field] === undefined) continue;
		const list = readList.call(this, values[field], label, itemIndex);
		fields[field] = list;
		if (list.length || emptyLists === 'send') body[apiField] = list;
	}
	if (values.managedAuth !== undefined) body.managed_auth_via_composio = values.managedAuth;
	if (body.name !== undefined) {
		const problem = serverNameProblem(body.name as string);
		if (problem) throw invalidInput.call(this, problem, itemIndex);
	}
	return body;
}
