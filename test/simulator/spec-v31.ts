/**
 * What `/api/v3.1/` changes on the connected-accounts routes. The spec subsets in test/fixtures/
 * are v3; these differences are read from the generated v3.1 types of the npm package
 * `@composio/client@2.0.0-rc.6` (dist/client-*.d.mts: PostApiV31ConnectedAccountsLinkData,
 * DeleteApiV31ConnectedAccountsByNanoidData/Responses, GetApiV31ConnectedAccounts…Responses):
 *
 * - Create Link accepts `alias` (v3 refuses it: its body is closed, see spec.ts);
 * - Delete accepts `?revoke_on_delete=` and answers `revoke_job_id` with it;
 * - the status REVOKED (statuses filter, answers, and the connection state's `val`);
 * - accounts carry `word_id` and `alias` (both `string | null`, always present).
 *
 * The operations made here are keyed `/api/v3.1/…` in the merged document: spec.ts matches them
 * to v3.1 requests only, before the v3 operation of the same path (routes and permissions are
 * keyed by these templates too: see v31Keys).
 */
import { isObject, type JsonSchema } from './schema';

const V3_STATUSES = ['INITIALIZING', 'INITIATED', 'ACTIVE', 'FAILED', 'EXPIRED', 'INACTIVE'];
const ACCOUNTS = '/api/v3/connected_accounts';

const REVOKED_STATE = {
	type: 'object',
	properties: {
		status: { type: 'string', enum: ['REVOKED'] },
		revoked_at: { type: 'string' },
	},
	required: ['status'],
	additionalProperties: { nullable: true },
};

const NAMES = {
	word_id: { type: 'string', nullable: true },
	alias: { type: 'string', nullable: true },
};

function sameList(a: unknown, b: string[]): boolean {
	return Array.isArray(a) && a.length === b.length && a.every((value, i) => value === b[i]);
}

/** Adds REVOKED wherever v3 lists every status, and a REVOKED variant beside EXPIRED's state. */
function addRevoked(node: unknown): void {
	if (Array.isArray(node)) {
		node.forEach(addRevoked);
		return;
	}
	if (!isObject(node)) return;
	if (sameList(node.enum, V3_STATUSES)) node.enum = [...V3_STATUSES, 'REVOKED'];
	if (Array.isArray(node.oneOf)) {
		const expired = node.oneOf.some(
			(variant) =>
				isObject(variant) &&
				isObject(variant.properties) &&
				isObject(variant.properties.status) &&
				sameList(variant.properties.status.enum, ['EXPIRED']),
		);
		if (expired) node.oneOf.push(structuredClone(REVOKED_STATE));
	}
	Object.values(node).forEach(addRevoked);
}

/** The JSON body schema of a request body or response object. */
function jsonBody(holder: unknown): JsonSchema {
	const content = isObject(holder) && isObject(holder.content) ? holder.content : {};
	const media = content['application/json'];
	if (!isObject(media) || !isObject(media.schema)) throw new Error('no JSON schema to amend');
	return media.schema;
}

function addProperties(schema: JsonSchema, properties: JsonSchema, required = false): void {
	schema.properties = { ...(schema.properties as JsonSchema), ...structuredClone(properties) };
	if (required) {
		schema.required = [
			...((schema.required as string[] | undefined) ?? []),
			...Object.keys(properties),
		];
	}
}

type Operation = JsonSchema & { parameters?: unknown[]; responses: JsonSchema };

/** The v3.1 path items of the connected-accounts routes, made from the document's v3 ones. */
export function v31Paths(paths: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [template, item] of Object.entries(paths)) {
		if (!template.startsWith(ACCOUNTS)) continue;
		const copy = structuredClone(item) as Record<string, Operation>;
		addRevoked(copy);
		out[template.replace('/api/v3/', '/api/v3.1/')] = copy;
	}
	const at = (template: string, method: string) =>
		(out[template.replace('/api/v3/', '/api/v3.1/')] as Record<string, Operation>)[method];

	addProperties(jsonBody(at(`${ACCOUNTS}/link`, 'post').requestBody), {
		alias: { type: 'string' },
	});

	const remove = at(`${ACCOUNTS}/{nanoid}`, 'delete');
	remove.parameters = [
		...(remove.parameters ?? []),
		{
			name: 'revoke_on_delete',
			in: 'query',
			required: false,
			schema: { type: 'boolean', nullable: true },
		},
	];
	addProperties(jsonBody(remove.responses['200']), { revoke_job_id: { type: 'string' } });

	addProperties(jsonBody(at(`${ACCOUNTS}/{nanoid}`, 'get').responses['200']), NAMES, true);
	const list = jsonBody(at(ACCOUNTS, 'get').responses['200']);
	addProperties((list.properties as { items: { items: JsonSchema } }).items.items, NAMES, true);
	return out;
}

/**
 * A table keyed `METHOD /api/v3/…` (routes, permissions) with its connected-accounts entries
 * also under `/api/v3.1/`, the templates of the operations v31Paths makes.
 */
export function v31Keys<T>(table: Record<string, T>): Record<string, T> {
	return Object.fromEntries(
		Object.entries(table)
			.filter(([key]) => key.includes(` ${ACCOUNTS}`))
			.map(([key, value]) => [key.replace(' /api/v3/', ' /api/v3.1/'), value]),
	);
}
