/**
 * The part of n8n's CredentialsHelper (packages/cli) that a node execution touches, without a
 * database: it serves decrypted credential data (with the credential type's defaults filled in, as
 * n8n does) and applies the credential class's own `authenticate` block, resolving its `={{ }}`
 * expressions with n8n's expression engine and `$credentials`, the way n8n itself does.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialsExpressionResolveValues,
	ICredentialType,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers, isExpression } from 'n8n-workflow';

export interface StoredCredential {
	type: string;
	data: ICredentialDataDecryptedObject;
}

export class TestCredentialsHelper extends ICredentialsHelper {
	/** Credential ids the node asked for, in order: proves the engine went through getDecrypted. */
	readonly requested: string[] = [];

	private readonly types = new Map<string, ICredentialType>();

	private readonly store = new Map<string, StoredCredential>();

	constructor(credentialTypes: ICredentialType[]) {
		super();
		for (const type of credentialTypes) this.types.set(type.name, type);
	}

	/** Stores a credential under an id, as n8n's credentials table would. */
	add(id: string, credential: StoredCredential) {
		this.store.set(id, credential);
	}

	getType(name: string): ICredentialType {
		const type = this.types.get(name);
		if (!type) throw new Error(`Unknown credential type "${name}"`);
		return type;
	}

	getParentTypes(name: string): string[] {
		return this.getType(name).extends ?? [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.getType(type).properties;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const { authenticate } = this.getType(typeName);
		if (authenticate === undefined) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (!workflow || !node) {
			throw new Error('Workflow and node are required for declarative credential authentication');
		}
		if (authenticate.type !== 'generic') return requestOptions;

		const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
		requestOptions.headers ??= {};
		for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
			for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
				const resolvedKey = this.resolve(key, credentials, workflow, node);
				target[outerKey] ??= {};
				target[outerKey][resolvedKey] = this.resolve(value, credentials, workflow, node);
			}
		}
		return requestOptions;
	}

	private resolve(
		value: string,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(value)) return value;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return resolved ? String(resolved) : '';
	}

	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('Raw (encrypted) credentials are not available in the test engine');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		_executeData?: unknown,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const id = nodeCredentials.id ?? '';
		this.requested.push(id);
		const stored = this.store.get(id);
		if (!stored || stored.type !== type) {
			throw new Error(`Credential with ID "${id}" does not exist for type "${type}".`);
		}
		// A copy: n8n decrypts afresh for every call, so a node mutating it must not affect the store.
		const data = structuredClone(stored.data);
		if (raw) return data;

		const withDefaults = (NodeHelpers.getNodeParameters(
			this.getType(type).properties,
			data as INodeParameters,
			true,
			false,
			null,
			null,
		) ?? {}) as ICredentialDataDecryptedObject;

		if (!expressionResolveValues) return withDefaults;
		const { workflow } = expressionResolveValues;
		return workflow.expression.getComplexParameterValue(
			expressionResolveValues.node,
			withDefaults as INodeParameters,
			mode,
			{},
			undefined,
			undefined,
			withDefaults,
		) as ICredentialDataDecryptedObject;
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}
}
