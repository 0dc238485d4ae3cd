/**
 * What every engine test against the simulator shares: one simulator per file, reset per test,
 * and after each test the two promises every test keeps: the simulator saw no off-spec request or
 * answer, and no API key appears in any output, error or run data, in any form (keyLeaks).
 */
import type { IDataObject, INodeExecutionData, INodeParameters, OnError } from 'n8n-workflow';

import type { NodeRun } from '../engine/runWorkflow';
import { dump, runComposioNode } from '../engine/runWorkflow';
import { forgetRateGates } from '../../nodes/shared/transport/gate';
import { keyLeaks } from './leaks';
import { useSimulatorServer } from './simulatorServer';
import type { Simulator, SimulatorOptions } from '../simulator/types';

export interface RunOptions {
	onError?: OnError;
	/** Another API key than the simulator's (it is checked for leaks too). */
	apiKey?: string;
	/** Extra credential fields, e.g. { apiVersion: 'v3.1' }. */
	credentials?: IDataObject;
	/** The node's version; 1 unless given. */
	typeVersion?: number;
	/** Aborting it cancels the execution (n8n's Stop). */
	cancelSignal?: AbortSignal;
}

export interface SimulatorTestContext {
	/** The file's simulator (set in beforeAll). */
	readonly sim: Simulator;
	/** Runs the Composio node over `items` with `parameters`; the run is checked for leaks. */
	run(items: IDataObject[], parameters: INodeParameters, options?: RunOptions): Promise<NodeRun>;
	/** `run` for one resource and operation, with one empty input item unless given more. */
	runner(resource: string, operation: string): OperationRunner;
}

export type OperationRunner = (
	parameters: INodeParameters,
	items?: IDataObject[],
	options?: RunOptions,
) => Promise<NodeRun>;

/** Registers the hooks and returns the context; call once at the top of a test file. */
export function useSimulator(options: SimulatorOptions = {}): SimulatorTestContext {
	const server = useSimulatorServer(options);
	let runs: NodeRun[] = [];
	let secrets: string[] = [];

	beforeEach(() => {
		// Each test starts with no rate limit learnt (the process keeps one gate per organisation).
		forgetRateGates();
		runs = [];
		secrets = [server.sim.apiKey];
	});
	afterEach(() => {
		expect(server.sim.violations).toEqual([]);
		for (const run of runs) {
			const places = {
				outputs: dump(run.outputs, true),
				error: dump(run.error, true),
				runData: run.runJson,
				everything: run.deepDump,
			};
			for (const secret of secrets) {
				for (const [where, text] of Object.entries(places)) {
					expect({ where, leaked: keyLeaks(text, secret) }).toEqual({ where, leaked: [] });
				}
			}
		}
	});

	return {
		get sim() {
			return server.sim;
		},
		async run(items, parameters, options = {}) {
			const apiKey = options.apiKey ?? server.sim.apiKey;
			if (!secrets.includes(apiKey)) secrets.push(apiKey);
			const result = await runComposioNode({
				items,
				parameters,
				credentials: { apiKey, baseUrl: server.sim.url, ...options.credentials },
				onError: options.onError,
				typeVersion: options.typeVersion,
				cancelSignal: options.cancelSignal,
			});
			runs.push(result);
			return result;
		},
		runner(resource, operation) {
			return async (parameters, items = [{}], options) =>
				await this.run(items, { resource, operation, ...parameters }, options);
		},
	};
}

export function pairedIndex(item: INodeExecutionData): number {
	const paired = item.pairedItem;
	if (paired === undefined || typeof paired === 'number' || Array.isArray(paired)) {
		throw new Error(`unexpected pairedItem ${JSON.stringify(paired)}`);
	}
	return paired.item;
}

/** Every input item comes out at least once and nothing else does, each paired to its input. */
export function expectPairedTo(result: NodeRun, count: number): void {
	const all = result.outputs.flat();
	for (const item of all) expect(item.pairedItem).toEqual({ item: pairedIndex(item) });
	expect(new Set(all.map(pairedIndex))).toEqual(new Set([...Array(count).keys()]));
}

/** Every input item comes out exactly once, on one of the outputs, paired to itself. */
export function expectEachItemOnce(result: NodeRun, count: number): void {
	const all = result.outputs.flat();
	for (const item of all) expect(item.pairedItem).toEqual({ item: pairedIndex(item) });
	expect(all.map(pairedIndex).sort((a, b) => a - b)).toEqual([...Array(count).keys()]);
}

export interface ErrorFields extends IDataObject {
	error: string;
	description: string | null;
	httpCode: string | null;
	requestId: string | null;
}

/**
 * The error fields of a failed item, with the message as `error`. The node puts them all in one
 * `error` object: n8n routes an item to the error output only when its JSON holds nothing but an
 * error (an item with `item.error` set would have its JSON cut down to `{ error: message }`).
 */
export function errorJson(item: INodeExecutionData): ErrorFields {
	// On the error output n8n adds the input item's own fields around `error`.
	expect(item.json.error).toEqual(expect.any(Object));
	const { message, ...rest } = item.json.error as IDataObject;
	expect(typeof message).toBe('string');
	return { ...rest, error: message } as ErrorFields;
}
