import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemContext } from '../common';
import {
	invalidInput,
	locatorValue,
	readBoolean,
	readBoundedNumber,
	readList,
	readText,
	requireV31,
} from '../common';
import { authConfigLocator, callbackUrlField } from '../common.descriptions';

/** Composio's bounds of multi_account.max_accounts_per_toolkit, and its default (when enabled). */
const MAX_ACCOUNTS = { min: 2, max: 10, default: 5 };

/** MCP's tool hints, which Composio takes as tags: titled in the list, sent by their names. */
const TOOL_TAGS = [
	{ name: 'Destructive Hint', value: 'destructiveHint' },
	{ name: 'Idempotent Hint', value: 'idempotentHint' },
	{ name: 'Open-World Hint', value: 'openWorldHint' },
	{ name: 'Read-Only Hint', value: 'readOnlyHint' },
];

/** A toolkit → id list, as a fixed collection; `idField` is the row's `id` (text or a picker). */
function toolkitMap(name: string, displayName: string, idField: INodeProperties) {
	return {
		displayName,
		name,
		type: 'fixedCollection' as const,
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: `Add ${displayName.replace(/s$/, '')}`,
		options: [
			{
				displayName: 'Entry',
				name: 'entries',
				values: [
					{
						displayName: 'Toolkit',
						name: 'toolkit',
						type: 'string' as const,
						default: '',
						placeholder: 'e.g. github',
					},
					{ ...idField, name: 'id' },
				],
			},
		],
	};
}

/**
 * A session's settings, as Create and Update show them; each operation adds its own
 * displayOptions and, where it differs, description.
 */
export const sessionFields: Record<keyof SessionValues, INodeProperties> = {
	toolkitsMode: {
		displayName: 'Toolkits',
		name: 'toolkitsMode',
		type: 'options',
		options: [
			{ name: 'All', value: 'all', description: 'Every toolkit of the project' },
			{ name: 'Only These', value: 'enable', description: 'Only the toolkits listed' },
			{ name: 'All Except These', value: 'disable', description: 'Every toolkit but those listed' },
		],
		default: 'all',
		description: 'Which toolkits the session offers',
	},
	toolkits: {
		displayName: 'Toolkit List',
		name: 'toolkits',
		type: 'string',
		default: '',
		placeholder: 'e.g. gmail, slack',
		description: 'Toolkit slugs, comma-separated or a list from an expression',
	},
	authConfigs: {
		// A picker in each row: rows saved as text before it still run (see readToolkitMap), and
		// n8n's editor shows such text in the picker as it is.
		...toolkitMap('authConfigs', 'Auth Configs', { ...authConfigLocator, required: false }),
		description: 'The auth config to use for a toolkit, instead of the default one',
	},
	callbackUrl: {
		...callbackUrlField,
		description: "With 'Manage Connections': where users land after connecting an account",
	},
	connectedAccounts: {
		...toolkitMap('connectedAccounts', 'Connected Accounts', {
			displayName: 'Connected Account ID',
			name: 'id',
			type: 'string',
			default: '',
			placeholder: 'e.g. ca_123',
		}),
		description:
			"The user's connected account to use for a toolkit: one row per toolkit, or several for one toolkit with 'Multi-Account' on (API Version V3.1)",
	},
	manageConnections: {
		displayName: 'Manage Connections',
		name: 'manageConnections',
		type: 'boolean',
		default: true,
		description:
			"Whether the session's tools may start connections for the user (a connect link when a toolkit is not connected yet)",
	},
	multiAccount: {
		displayName: 'Multi-Account',
		name: 'multiAccount',
		type: 'fixedCollection',
		default: {},
		placeholder: 'Add Multi-Account Settings',
		description:
			"Several connected accounts per toolkit for the user (e.g. a work and a personal Gmail). Without it a session holds one account per toolkit. Needs the credential's API Version V3.1.",
		options: [
			{
				displayName: 'Settings',
				name: 'settings',
				values: [
					{
						displayName: 'Enable',
						name: 'enable',
						type: 'boolean',
						default: true,
						description: 'Whether the session may hold several connected accounts per toolkit',
					},
					{
						displayName: 'Max Accounts per Toolkit',
						name: 'maxAccountsPerToolkit',
						type: 'number',
						typeOptions: { minValue: 2, maxValue: 10 },
						// MAX_ACCOUNTS, written out for the editor's linter.
						default: 5,
						description:
							'How many connected accounts the session may hold per toolkit, from 2 to 10',
					},
					{
						displayName: 'Require Explicit Selection',
						name: 'requireExplicitSelection',
						type: 'boolean',
						default: false,
						description:
							'Whether the agent must say which account to use when a toolkit has several; otherwise Composio uses the first (the default) one',
					},
				],
			},
		],
	},
	tags: {
		displayName: 'Tags',
		name: 'tags',
		type: 'multiOptions',
		options: TOOL_TAGS,
		default: [],
		description: 'Only tools with these MCP hints',
	},
};

/** The settings' values as the node read them, under the fields' names; undefined = not given. */
export interface SessionValues {
	toolkitsMode?: unknown;
	toolkits?: unknown;
	authConfigs?: unknown;
	callbackUrl?: unknown;
	connectedAccounts?: unknown;
	manageConnections?: unknown;
	multiAccount?: unknown;
	tags?: unknown;
}

/**
 * The multi-account settings as Composio takes them (`multi_account`, v3.1 only), or undefined
 * when not given; bad values fail the item before anything is sent.
 */
function readMultiAccount(
	this: IExecuteFunctions,
	item: ItemContext,
	value: unknown,
): IDataObject | undefined {
	const settings = (value as IDataObject | undefined)?.settings as IDataObject | undefined;
	if (settings === undefined) return undefined;
	requireV31.call(this, item, 'Multi-Account');
	const { itemIndex } = item;
	const most = readBoundedNumber.call(
		this,
		settings.maxAccountsPerToolkit ?? MAX_ACCOUNTS.default,
		{ ...MAX_ACCOUNTS, label: 'Multi-Account: Max Accounts per Toolkit', whole: true },
		itemIndex,
	);
	return {
		enable: readBoolean.call(this, settings.enable ?? true, 'Multi-Account: Enable', itemIndex),
		max_accounts_per_toolkit: most,
		require_explicit_selection: readBoolean.call(
			this,
			settings.requireExplicitSelection ?? false,
			'Multi-Account: Require Explicit Selection',
			itemIndex,
		),
	};
}

/** Whether a Toolkits choice takes the Toolkit List. */
export function listsToolkits(mode: unknown): mode is 'enable' | 'disable' {
	return mode === 'enable' || mode === 'disable';
}

/**
 * A fixed collection of toolkit → id as toolkit → ids, in the rows' order (the same id twice
 * counts once); blank rows are skipped, half-filled ones refused.
 */
function readToolkitMap(
	this: IExecuteFunctions,
	value: unknown,
	label: string,
	itemIndex: number,
): Record<string, string[]> | undefined {
	const entries = ((value as IDataObject | undefined)?.entries ?? []) as IDataObject[];
	const map: Record<string, string[]> = {};
	for (const entry of entries) {
		const toolkit = readText.call(this, entry.toolkit, `${label}: Toolkit`, itemIndex);
		const id = readText.call(this, locatorValue(entry.id), `${label}: ID`, itemIndex);
		if (!toolkit && !id) continue;
		if (!toolkit || !id) {
			throw invalidInput.call(this, `${label}: each row needs a toolkit and an ID`, itemIndex);
		}
		const ids = (map[toolkit] ??= []);
		if (!ids.includes(id)) ids.push(id);
	}
	return Object.keys(map).length ? map : undefined;
}

/** Toolkit → its one id; a toolkit with several fails the item, saying `why`. */
function onePerToolkit(
	this: IExecuteFunctions,
	map: Record<string, string[]>,
	label: string,
	why: string,
	itemIndex: number,
): Record<string, string> {
	const several = Object.entries(map).find(([, ids]) => ids.length > 1);
	if (several) {
		throw invalidInput.call(
			this,
			`${label}: ${several[1].length} rows for the toolkit ${several[0]} (${several[1].join(', ')}); ${why}`,
			itemIndex,
		);
	}
	return Object.fromEntries(Object.entries(map).map(([toolkit, [id]]) => [toolkit, id]));
}

/**
 * Connected accounts in the shape of the credential's API version: v3 one id per toolkit, v3.1 a
 * list of ids per toolkit. Several for one toolkit need Multi-Account on (a session without it
 * holds one per toolkit), and at most its Max Accounts per Toolkit.
 */
function readAccounts(
	this: IExecuteFunctions,
	{ itemIndex, client }: ItemContext,
	accounts: Record<string, string[]>,
	multi: IDataObject | undefined,
): IDataObject {
	const label = 'Connected Accounts';
	if (client.apiVersion !== 'v3.1') {
		const why =
			"Composio's API v3 takes one connected account per toolkit: keep one, or switch the credential's API Version to V3.1 and turn on 'Multi-Account'";
		return onePerToolkit.call(this, accounts, label, why, itemIndex);
	}
	if (multi?.enable !== true) {
		const why =
			"a session holds one connected account per toolkit unless 'Multi-Account' is on: keep one, or add 'Multi-Account' with Enable on";
		onePerToolkit.call(this, accounts, label, why, itemIndex);
		return accounts;
	}
	const most = multi.max_accounts_per_toolkit as number;
	const crowded = Object.entries(accounts).find(([, ids]) => ids.length > most);
	if (crowded) {
		throw invalidInput.call(
			this,
			`${label}: ${crowded[1].length} rows for the toolkit ${crowded[0]}; 'Multi-Account' allows at most ${most} per toolkit (Max Accounts per Toolkit)`,
			itemIndex,
		);
	}
	return accounts;
}

/**
 * The body Composio receives for the given settings. Create sends what it is given on top of
 * Composio's defaults; Update (`change: 'update'`) sends only what it is given, each field
 * replacing the session's: Toolkits "All" as an empty deny list, an empty Tags list (no filter),
 * and of Manage Connections and Callback URL only those given. Connected accounts: see
 * readAccounts.
 */
export function readSessionBody(
	this: IExecuteFunctions,
	item: ItemContext,
	values: SessionValues,
	change: 'create' | 'update',
): IDataObject {
	const { itemIndex, fields } = item;
	const body: IDataObject = {};
	const mode = values.toolkitsMode;
	if (listsToolkits(mode)) {
		const toolkits = readList.call(this, values.toolkits ?? '', 'Toolkit List', itemIndex);
		fields.toolkits = toolkits;
		if (toolkits.length === 0) {
			throw invalidInput.call(
				this,
				'Toolkit List is empty: list the toolkits, or set Toolkits to All',
				itemIndex,
			);
		}
		body.toolkits = { [mode]: toolkits };
	} else if (change === 'update' && mode === 'all') {
		body.toolkits = { disable: [] };
	} else if (change === 'update' && mode === undefined && values.toolkits !== undefined) {
		throw invalidInput.call(
			this,
			"Toolkit List needs 'Toolkits' (Only These or All Except These) under Update Fields",
			itemIndex,
		);
	}

	const authConfigs = readToolkitMap.call(this, values.authConfigs, 'Auth Configs', itemIndex);
	if (authConfigs) {
		const why = 'a session uses one auth config per toolkit';
		body.auth_configs = onePerToolkit.call(this, authConfigs, 'Auth Configs', why, itemIndex);
	}
	const multi = readMultiAccount.call(this, item, values.multiAccount);
	if (multi) body.multi_account = multi;
	const accounts = readToolkitMap.call(
		this,
		values.connectedAccounts,
		'Connected Accounts',
		itemIndex,
	);
	if (accounts) {
		body.connected_accounts = readAccounts.call(this, item, accounts, multi);
	}

	const callbackUrl = readText.call(this, values.callbackUrl, 'Callback URL', itemIndex);
	const manage = values.manageConnections;
	if (manage !== undefined || callbackUrl) {
		const connections: IDataObject = {};
		// Create: on unless turned off (Composio's default); Update changes only what is given.
		if (manage !== undefined || change === 'create') connections.enable = manage !== false;
		if (callbackUrl) connections.callback_url = callbackUrl;
		body.manage_connections = connections;
	}

	const tags = readList.call(this, values.tags, 'Tags', itemIndex);
	if (tags.length || (change === 'update' && values.tags !== undefined)) body.tags = tags;
	return body;
}
