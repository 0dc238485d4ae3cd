import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { linkedController, pause } from '../../shared/helpers/pause';
import { runPool } from '../../shared/helpers/pool';
import { settle } from '../../shared/helpers/settle';
import { Slots } from '../../shared/helpers/slots';
import { ComposioClient, toRequestSettings, toScheduling } from '../../shared/transport';

import type { ItemContext, OperationModule } from './common';
import { interrupted, RunStopped } from './common';
import * as resources from './resources';

/** resource → operation value → its module, built once from the resources' own modules. */
const executors = new Map(
	Object.entries(resources).map(([resource, { operations }]) => [
		resource,
		new Map(
			Object.values(operations as Record<string, OperationModule>).map((module) => [
				module.option.value,
				module,
			]),
		),
	]),
);

/** For operations that count items: the item holds its slot already. */
const atOnce = async <T>(request: () => Promise<T>): Promise<T> => await request();

function asNodeError(
	this: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(this.getNode(), error as Error, { itemIndex });
}

/**
 * The JSON a failed item carries, so the error branch can act on it: everything under `error`.
 * n8n sends an item to the error output only when its JSON holds nothing but an error (n8n 1.x:
 * only `error` and `message`; 2.x also `details`), and an item with `item.error` set is cut down
 * to `{ error: message }`, losing the rest. One `error` object routes on both, the same on either
 * continue setting.
 */
function errorJson(error: NodeApiError | NodeOperationError, fields: IDataObject): IDataObject {
	return {
		error: {
			message: error.message,
			description: error.description ?? null,
			httpCode: error instanceof NodeApiError ? error.httpCode : null,
			requestId: (error.context.requestId as string | undefined) ?? null,
			...fields,
		},
	};
}

/**
 * Runs the chosen operation for every input item, up to Concurrency items at a time. Each item
 * comes out paired to its input, in input order: its results (one item per element for lists),
 * or, when the node continues on fail, its error. Without continue on fail, the first failure
 * stops the run: no new item starts, the waits of the items in flight end at once (the run's
 * signal: Wait for Connection's pauses, the rate gate's and retries' waits), their requests
 * already sent are awaited, and the node fails with the first failing item in input order (an
 * item whose wait the stop ended has not failed of its own).
 *
 * An operation whose items mostly wait between requests (`concurrency: 'requests'`: Wait for
 * Connection) runs every item at once instead, and Concurrency counts its requests in flight
 * (item.withSlot); Batch Interval then starts each group of Concurrency items that much after the
 * group before, without waiting for it to end.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	if (items.length === 0) return [[]];
	// Request Options take effect for the whole run: read once, from the first item.
	const requestOptions = this.getNodeParameter('requestOptions', 0, {}) as IDataObject;
	const { concurrency, batchIntervalMs } = toScheduling(requestOptions);
	const continueOnFail = this.continueOnFail();
	const { execute, concurrency: counts = 'items' } = operationFor.call(this);
	// The run's signal: aborted when the execution is cancelled, or by the first failure when the
	// node does not continue on fail.
	const { controller: run, unlink } = linkedController(this.getExecutionCancelSignal?.());
	// One client for the run: the credential is read and decrypted once, not per request. If it
	// cannot be read, every item fails with that error, as with any other per-item failure.
	const created = await settle(
		ComposioClient.create(this, toRequestSettings(requestOptions), run.signal),
	);
	const results: INodeExecutionData[][] = new Array(items.length);
	const staticParameters = new Map<string, unknown>();
	const failures: Array<{ itemIndex: number; error: NodeApiError | NodeOperationError }> = [];
	// Requests counted: every item at once, Concurrency of their requests in flight.
	const slots = counts === 'requests' ? new Slots(concurrency, run.signal) : undefined;
	const withSlot = slots
		? async <T>(request: () => Promise<T>) => await slots.run(request)
		: atOnce;

	try {
		await runPool({
			count: items.length,
			concurrency: slots ? items.length : concurrency,
			intervalMs: slots ? 0 : batchIntervalMs,
			stopped: () => failures.length > 0,
			wait: async (ms) => await pause(ms, run.signal),
			task: async (itemIndex) => {
				const fields: IDataObject = {};
				try {
					if (!created.ok) throw created.error;
					const group = Math.floor(itemIndex / concurrency);
					if (slots && batchIntervalMs > 0 && group > 0) {
						const staggered = await settle(pause(group * batchIntervalMs, run.signal));
						if (!staggered.ok) throw interrupted.call(this, run.signal, itemIndex);
					}
					const item: ItemContext = {
						itemIndex,
						fields,
						client: created.value,
						staticParameters,
						signal: run.signal,
						withSlot,
					};
					const output = await execute.call(this, item);
					results[itemIndex] = output.map((json) => ({ json, pairedItem: { item: itemIndex } }));
				} catch (error) {
					// A wait the stop ended is no failure of the item's own.
					if (error instanceof RunStopped) return;
					const nodeError = asNodeError.call(this, error, itemIndex);
					if (!continueOnFail) {
						failures.push({ itemIndex, error: nodeError });
						if (!run.signal.aborted) run.abort(new RunStopped());
						return;
					}
					results[itemIndex] = [
						{ json: errorJson(nodeError, fields), pairedItem: { item: itemIndex } },
					];
				}
			},
		});
	} finally {
		unlink();
	}

	if (failures.length > 0) {
		failures.sort((a, b) => a.itemIndex - b.itemIndex);
		throw failures[0].error;
	}
	return [results.flat()];
}

function operationFor(this: IExecuteFunctions): OperationModule {
	// Resource and operation take no expressions (noDataExpression): one read serves every item.
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const module = executors.get(resource)?.get(operation);
	if (!module) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" is not supported for resource "${resource}"`,
		);
	}
	return module;
}
