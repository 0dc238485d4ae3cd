/**
 * Instance › Create as the fault, concurrency and integration tests run it: a server whose one
 * auth config the users have connected (so the create succeeds unless a fault says otherwise), and
 * a run with one item per user.
 */
import type { IDataObject, INodeParameters, OnError } from 'n8n-workflow';

import type { NodeRun } from '../engine/runWorkflow';
import { createInstanceParameters } from '../engine/runWorkflow';
import type { ServerRecord } from '../simulator';
import type { SimulatorTestContext } from './simulator';

export const AUTH_CONFIG = 'ac_github_1';

export interface CreateOptions {
	requestOptions?: IDataObject;
	onError?: OnError;
	/** If It Already Exists. */
	ifExists?: string;
}

export interface InstanceFixtures {
	/** A server whose one auth config the given users have connected. */
	serverFor(users: string[], id?: string): ServerRecord;
	/** Instance › Create on the server, one item ({ userId }) per user. */
	create(server: ServerRecord, users: string[], options?: CreateOptions): Promise<NodeRun>;
}

/** The fixtures for a file's simulator; `defaults` apply where a create gives no option. */
export function instanceFixtures(
	context: SimulatorTestContext,
	defaults: CreateOptions = {},
): InstanceFixtures {
	return {
		serverFor(users, id) {
			const server = context.sim.addServer({ id, auth_config_ids: [AUTH_CONFIG] });
			for (const user of users) context.sim.connectAccount(user, AUTH_CONFIG);
			return server;
		},
		async create(server, users, options = {}) {
			const { requestOptions, onError, ifExists } = { ...defaults, ...options };
			const parameters: INodeParameters = { ...createInstanceParameters(server.id) };
			if (requestOptions) parameters.requestOptions = requestOptions as INodeParameters;
			if (ifExists) parameters.options = { ifExists };
			return await context.run(
				users.map((userId) => ({ userId })),
				parameters,
				{ onError },
			);
		},
	};
}
