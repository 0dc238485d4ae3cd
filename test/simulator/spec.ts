/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling: it runs servers and n8n processes on loopback; these rules are n8n Cloud's runtime rules for node code, which this file is not */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { isObject, type JsonSchema, schemaTypes, toJsonSchema } from './schema';
import { v31Paths } from './spec-v31';

export const SPEC_PATH = join(__dirname, '..', 'fixtures', 'openapi-mcp-v3.json');

/** Tool Router sessions, connect links, tool execution and triggers: a second subset of the spec. */
export const SESSIONS_SPEC_PATH = join(
	__dirname,
	'..',
	'fixtures',
	'openapi-sessions-triggers-v3.json',
);

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const MAX_DETAILS = 5;

export interface ParamSpec {
	name: string;
	location: 'path' | 'query';
	required: boolean;
	schema: JsonSchema;
}

export interface Operation {
	operationId: string;
	method: string;
	template: string;
	segments: string[];
	params: ParamSpec[];
	/** The query parameters as one object schema; undocumented parameters are rejected. */
	query: JsonSchema;
	body?: JsonSchema;
	/** Documented statuses; `json` is the body schema when the status documents one. */
	responses: Map<string, { json?: JsonSchema }>;
}

export interface RequestInput {
	pathParams: Record<string, string>;
	query: Record<string, string[]>;
	contentType: string | undefined;
	rawBody: string;
}

export interface ParsedRequest {
	params: Record<string, string>;
	query: Record<string, unknown>;
	body: unknown;
	/** Spec violations of this request; empty when it is valid. */
	errors: string[];
}

export function isJsonContentType(contentType: string | undefined): boolean {
	return /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType ?? '');
}

function describeErrors(errors: ErrorObject[] | null | undefined, where: string): string[] {
	return (errors ?? []).slice(0, MAX_DETAILS).map((error) => {
		const params = error.params as Record<string, unknown>;
		let extra = '';
		if (error.keyword === 'additionalProperties') extra = ` '${String(params.additionalProperty)}'`;
		if (error.keyword === 'enum') extra = ` ${JSON.stringify(params.allowedValues)}`;
		return `${where}${error.instancePath} ${error.message ?? error.keyword}${extra}`;
	});
}

function coerceScalar(value: string, schema: unknown): unknown {
	const types = schemaTypes(schema);
	if ((types.includes('number') || types.includes('integer')) && /^-?\d+(\.\d+)?$/.test(value)) {
		return Number(value);
	}
	if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
	return value;
}

/** Query strings carry text only: give each value the type its parameter schema asks for. */
function coerceQuery(values: string[], schema: JsonSchema): unknown {
	if (schemaTypes(schema).includes('array')) {
		return values
			.flatMap((value) => (value === '' ? [] : value.split(',')))
			.map((value) => coerceScalar(value, schema.items));
	}
	// A repeated scalar parameter stays an array so that validation reports it.
	return values.length === 1 ? coerceScalar(values[0], schema) : values;
}

/** The operations of the OpenAPI document, with lazily compiled ajv validators. */
export class Spec {
	readonly operations: Operation[] = [];

	private readonly ajv: Ajv;

	private readonly validators = new Map<string, ValidateFunction>();

	constructor(readonly document: JsonSchema) {
		this.ajv = new Ajv({ strict: false, allErrors: true });
		addFormats(this.ajv);
		// Composio's id formats have no definition in the spec; any non-empty string passes.
		for (const format of [
			'authConfigId',
			'connectedAccountId',
			'toolRouterSessionId',
			'triggerInstanceId',
		]) {
			this.ajv.addFormat(format, (value: string) => value.length > 0);
		}
		this.readOperations();
	}

	private readOperations(): void {
		const paths = isObject(this.document.paths) ? this.document.paths : {};
		for (const [template, item] of Object.entries(paths)) {
			if (!isObject(item)) continue;
			for (const method of METHODS) {
				const raw = item[method];
				if (!isObject(raw)) continue;
				this.operations.push(this.readOperation(method, template, raw, item));
			}
		}
	}

	private readOperation(
		method: string,
		template: string,
		raw: JsonSchema,
		item: JsonSchema,
	): Operation {
		const root = this.document;
		const rawParams = [
			...(Array.isArray(item.parameters) ? item.parameters : []),
			...(Array.isArray(raw.parameters) ? raw.parameters : []),
		].map((param) => toJsonSchema(param, root) as JsonSchema);
		const params: ParamSpec[] = rawParams
			.filter((param) => param.in === 'path' || param.in === 'query')
			.map((param) => ({
				name: String(param.name),
				location: param.in as 'path' | 'query',
				required: param.in === 'path' || param.required === true,
				schema: (param.schema as JsonSchema) ?? {},
			}));

		const requestBody = toJsonSchema(raw.requestBody, root);
		const bodySchema = jsonSchemaOf(requestBody, root);
		const responses = new Map<string, { json?: JsonSchema }>();
		for (const [status, response] of Object.entries(isObject(raw.responses) ? raw.responses : {})) {
			responses.set(status, { json: jsonSchemaOf(toJsonSchema(response, root), root) });
		}
		const queryParams = params.filter((param) => param.location === 'query');
		return {
			operationId: String(raw.operationId ?? `${method} ${template}`),
			method: method.toUpperCase(),
			template,
			segments: template.split('/').slice(1),
			params,
			query: {
				type: 'object',
				properties: Object.fromEntries(queryParams.map((param) => [param.name, param.schema])),
				required: queryParams.filter((param) => param.required).map((param) => param.name),
				additionalProperties: false,
			},
			body: bodySchema && closeTopLevel(bodySchema),
			responses,
		};
	}

	/**
	 * Finds the operation for a method and decoded path segments (`/api/v3.1/` maps onto the
	 * spec's `/api/v3/`, unless an operation of v3.1's own matches, which then wins). Literal
	 * segments beat parameters, so `/mcp/servers` is not `/mcp/{id}`.
	 */
	match(
		method: string,
		segments: string[],
	): { op: Operation; pathParams: Record<string, string> } | undefined {
		const normalized =
			segments[0] === 'api' && segments[1] === 'v3.1'
				? ['api', 'v3', ...segments.slice(2)]
				: segments;
		let best: { op: Operation; pathParams: Record<string, string>; literals: number } | undefined;
		for (const op of this.operations) {
			// A v3.1 operation matches v3.1 requests only, and counts one literal more for it.
			const own = op.segments[1] === 'v3.1';
			const path = own ? segments : normalized;
			if (op.method !== method.toUpperCase() || op.segments.length !== path.length) continue;
			const pathParams: Record<string, string> = {};
			let literals = own ? 1 : 0;
			const fits = op.segments.every((part, index) => {
				const param = /^\{(.+)\}$/.exec(part);
				if (param) {
					pathParams[param[1]] = path[index];
					return true;
				}
				literals++;
				return part === path[index];
			});
			if (fits && (!best || literals > best.literals)) best = { op, pathParams, literals };
		}
		return best && { op: best.op, pathParams: best.pathParams };
	}

	/** Looks an operation up by its method and path template, e.g. `GET /api/v3/mcp/{id}`. */
	operation(method: string, template: string): Operation {
		const op = this.operations.find(
			(candidate) => candidate.method === method.toUpperCase() && candidate.template === template,
		);
		if (!op) throw new Error(`no operation ${method} ${template} in the spec`);
		return op;
	}

	parseRequest(op: Operation, input: RequestInput): ParsedRequest {
		const errors: string[] = [];
		const params: Record<string, string> = {};
		const query: Record<string, unknown> = {};
		for (const param of op.params) {
			if (param.location === 'path') {
				const value = input.pathParams[param.name] ?? '';
				if (value === '') errors.push(`path parameter ${param.name} is empty`);
				errors.push(...this.check(op, `path/${param.name}`, param.schema, value));
				params[param.name] = value;
			} else if (input.query[param.name] !== undefined) {
				query[param.name] = coerceQuery(input.query[param.name], param.schema);
			}
		}
		const documented = new Set(op.params.map((param) => param.name));
		for (const name of Object.keys(input.query)) {
			if (!documented.has(name)) errors.push(`query parameter '${name}' is not documented`);
		}
		errors.push(...this.check(op, 'query', op.query, query));

		const body = this.parseBody(op, input, errors);
		return { params, query, body, errors };
	}

	private parseBody(op: Operation, input: RequestInput, errors: string[]): unknown {
		if (!op.body) {
			if (input.rawBody !== '') errors.push(`${op.operationId} takes no request body`);
			return undefined;
		}
		let body: unknown;
		if (input.rawBody !== '') {
			if (!isJsonContentType(input.contentType)) {
				errors.push(
					`request content-type ${input.contentType ?? '(none)'} is not application/json`,
				);
			}
			try {
				body = JSON.parse(input.rawBody);
			} catch {
				errors.push('request body is not valid JSON');
				return input.rawBody;
			}
		}
		// The spec does not mark bodies as required: an absent body is checked as `{}`, so the
		// body's own required properties still decide.
		errors.push(...this.check(op, 'body', op.body, body ?? {}));
		return body;
	}

	/** Checks an answer against the documented response for its status. */
	validateResponse(
		op: Operation,
		status: number,
		contentType: string | undefined,
		body: unknown,
	): string[] {
		const code = String(status);
		const response =
			op.responses.get(code) ?? op.responses.get(`${code[0]}XX`) ?? op.responses.get('default');
		if (!response) return [`status ${status} is not documented for ${op.operationId}`];
		if (!response.json) return [];
		const errors: string[] = [];
		if (!isJsonContentType(contentType)) {
			errors.push(`content-type ${contentType ?? '(none)'} is not application/json`);
		}
		errors.push(...this.check(op, `response/${code}`, response.json, body, 'body'));
		return errors;
	}

	/** Compiles ahead the validators of the operations a test is likely to call. */
	warm(filter: (op: Operation) => boolean): void {
		for (const op of this.operations.filter(filter)) {
			this.validator(op, 'query', op.query);
			if (op.body) this.validator(op, 'body', op.body);
			for (const [code, response] of op.responses) {
				if (response.json) this.validator(op, `response/${code}`, response.json);
			}
		}
	}

	private validator(op: Operation, part: string, schema: JsonSchema): ValidateFunction {
		const key = `${op.method} ${op.template} ${part}`;
		let validate = this.validators.get(key);
		if (!validate) {
			validate = this.ajv.compile(schema);
			this.validators.set(key, validate);
		}
		return validate;
	}

	private check(
		op: Operation,
		part: string,
		schema: JsonSchema,
		value: unknown,
		where = part,
	): string[] {
		const validate = this.validator(op, part, schema);
		return validate(value) ? [] : describeErrors(validate.errors, where);
	}
}

function jsonSchemaOf(holder: unknown, root: unknown): JsonSchema | undefined {
	if (!isObject(holder) || !isObject(holder.content)) return undefined;
	const media = Object.entries(holder.content).find(([type]) => isJsonContentType(type));
	if (!media || !isObject(media[1])) return undefined;
	const schema = toJsonSchema(media[1].schema, root);
	return isObject(schema) ? schema : undefined;
}

/**
 * Composio ignores unknown body properties, but a client that sends one has a bug (a misspelt
 * `userId` would otherwise pass unnoticed), so the simulator rejects them at the top level.
 */
function closeTopLevel(schema: JsonSchema): JsonSchema {
	if (
		schema.type !== 'object' ||
		!isObject(schema.properties) ||
		'additionalProperties' in schema
	) {
		return schema;
	}
	return { ...schema, additionalProperties: false };
}

let cached: Spec | undefined;

/** Connected accounts (get, delete, status, refresh) and auth configs (get by id). */
export const CONNECTIONS_SPEC_PATH = join(
	__dirname,
	'..',
	'fixtures',
	'openapi-connections-v3.json',
);

/** The paths of the second subset the simulator serves: sessions, trigger instances and types. */
const SERVED_PATHS = /^\/api\/v3\/(tool_router\/session|trigger_instances|triggers_types)/;

/** Webhook subscriptions are not in the spec snapshot: written from Composio's API reference. */
export const WEBHOOK_SPEC_PATH = join(
	__dirname,
	'..',
	'fixtures',
	'openapi-webhook-subscriptions-v3.json',
);

/**
 * A session's v3.1 operations (update, delete, and create and get with v3.1's connected accounts),
 * hand-made from CONNECTIONS.md: no spec subset has them. Its paths are under `/api/v3.1/`.
 */
export const SESSION_LIFECYCLE_SCHEMA_PATH = join(
	__dirname,
	'..',
	'fixtures',
	'session-lifecycle.schema.json',
);

/**
 * The subsets of Composio's spec as one document: they describe the same API, so a path or a
 * schema two of them hold is the same in each.
 */
function mergedSpec(): JsonSchema {
	const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as JsonSchema;
	const main = read(SPEC_PATH);
	const sessions = read(SESSIONS_SPEC_PATH);
	const webhooks = read(WEBHOOK_SPEC_PATH);
	const lifecycle = read(SESSION_LIFECYCLE_SCHEMA_PATH);
	const connections = read(CONNECTIONS_SPEC_PATH);
	const sessionPaths = Object.entries(sessions.paths as object).filter(([path]) =>
		SERVED_PATHS.test(path),
	);
	const schemasOf = (spec: JsonSchema) =>
		(spec.components as JsonSchema | undefined)?.schemas as object;
	const v3Paths = {
		...(connections.paths as object),
		...Object.fromEntries(sessionPaths),
		...(webhooks.paths as object),
		...(lifecycle.paths as object),
		...(main.paths as object),
	};
	// The connected-accounts routes' v3.1 operations, made from their v3 ones (spec-v31.ts).
	const paths = { ...v3Paths, ...v31Paths(v3Paths) };
	const schemas = {
		...schemasOf(connections),
		...schemasOf(lifecycle),
		...schemasOf(sessions),
		...schemasOf(webhooks),
		...schemasOf(main),
	};
	return { ...main, paths, components: { ...(main.components as object), schemas } };
}

/**
 * The spec of the three subsets and the hand-made session fixture in `test/fixtures/`, loaded
 * once per process.
 */
export function loadSpec(): Spec {
	cached ??= new Spec(mergedSpec());
	return cached;
}
