/**
 * Turns the OpenAPI 3.0 schemas of the spec into plain JSON Schema for ajv: `$ref`s are inlined,
 * `nullable` becomes a `null` type, and OpenAPI-only keywords are dropped (ajv rejects `nullable`
 * without `type`, which this spec has ~300 times).
 */
export type JsonSchema = { [key: string]: unknown };

const DROPPED = new Set([
	'nullable',
	'example',
	'examples',
	'discriminator',
	'xml',
	'externalDocs',
]);
const SCHEMA_MAPS = ['properties', 'patternProperties'];
const SCHEMA_LISTS = ['oneOf', 'anyOf', 'allOf'];
const SCHEMA_VALUES = ['items', 'additionalProperties', 'not'];

function isObject(value: unknown): value is JsonSchema {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function resolvePointer(root: unknown, ref: string): unknown {
	if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
	return ref
		.slice(2)
		.split('/')
		.map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
		.reduce<unknown>((node, part) => (isObject(node) ? node[part] : undefined), root);
}

export function toJsonSchema(schema: unknown, root: unknown, refStack: string[] = []): unknown {
	if (!isObject(schema)) return schema;
	if (typeof schema.$ref === 'string') {
		if (refStack.includes(schema.$ref)) throw new Error(`recursive $ref ${schema.$ref}`);
		const target = resolvePointer(root, schema.$ref);
		if (target === undefined) throw new Error(`unresolved $ref ${schema.$ref}`);
		return toJsonSchema(target, root, [...refStack, schema.$ref]);
	}

	const out: JsonSchema = {};
	for (const [key, value] of Object.entries(schema)) {
		if (DROPPED.has(key)) continue;
		if (SCHEMA_MAPS.includes(key) && isObject(value)) {
			out[key] = Object.fromEntries(
				Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub, root, refStack)]),
			);
		} else if (SCHEMA_LISTS.includes(key) && Array.isArray(value)) {
			out[key] = value.map((sub) => toJsonSchema(sub, root, refStack));
		} else if (SCHEMA_VALUES.includes(key)) {
			out[key] = toJsonSchema(value, root, refStack);
		} else {
			out[key] = value;
		}
	}
	// OpenAPI 3.0's boolean exclusiveMinimum/Maximum qualify minimum/maximum; JSON Schema's are numbers.
	for (const [exclusive, bound] of [
		['exclusiveMinimum', 'minimum'],
		['exclusiveMaximum', 'maximum'],
	] as const) {
		if (typeof out[exclusive] !== 'boolean') continue;
		if (out[exclusive] === true && typeof out[bound] === 'number') {
			out[exclusive] = out[bound];
			delete out[bound];
		} else {
			delete out[exclusive];
		}
	}
	return schema.nullable === true ? makeNullable(out) : out;
}

function makeNullable(schema: JsonSchema): JsonSchema {
	const { type } = schema;
	if (type === undefined && !SCHEMA_LISTS.some((key) => key in schema) && !('enum' in schema)) {
		// A bare `{ nullable: true }` already accepts anything, null included.
		return schema;
	}
	if (type !== undefined && !SCHEMA_LISTS.some((key) => key in schema)) {
		const types = Array.isArray(type) ? type : [type];
		const out: JsonSchema = {
			...schema,
			type: types.includes('null') ? types : [...types, 'null'],
		};
		if (Array.isArray(schema.enum) && !schema.enum.includes(null))
			out.enum = [...schema.enum, null];
		return out;
	}
	return { anyOf: [schema, { type: 'null' }] };
}

/** Types a schema admits, for coercing query-string values before validation. */
export function schemaTypes(schema: unknown): string[] {
	if (!isObject(schema)) return [];
	const { type } = schema;
	if (typeof type === 'string') return [type];
	if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
	return [];
}

export { isObject };
