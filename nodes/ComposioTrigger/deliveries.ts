/**
 * Composio delivers at least once: a retry carries the same `webhook-id`. What n8n lets a trigger
 * keep decides where the ids of accepted deliveries live (read in n8n 2.41 and 1.123, proven in
 * test/e2e/trigger):
 *
 * - webhook() reads the workflow's static data, but what it writes there is lost once it starts a
 *   run: n8n 2.x builds the run's workflow over the same static data before saving it, which
 *   clears its "changed" mark. So webhook() only reads, and keeps ids in this process's memory,
 *   which also covers two copies arriving at once.
 * - The run can write static data, and n8n saves it when the run ends, on whatever process ran it
 *   (main, or a worker in queue mode). The trigger's own execute(), the run's first step, records
 *   the id there: later deliveries, after a restart or on another process, find it.
 * - The run can also record into n8n's deduplication store (the Remove Duplicates node's, in n8n's
 *   database), which is written at once: a repeat that reached another process before the first
 *   run ended is caught there, and its run stops at the trigger with no items.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/** Composio retries within minutes to hours; a day covers it. */
export const REMEMBER_MS = 24 * 60 * 60 * 1000;

/** Bounds what static data and the deduplication store hold (both are rewritten on each run). */
export const REMEMBER_AT_MOST = 1000;

/** Delivery id → when it was accepted (ms). A plain object: static data saves it as it is. */
type Received = Record<string, number>;

/** This process's memory, per workflow and node. */
const inMemory = new Map<string, Received>();

function memoryOf(scope: string): Received {
	let memory = inMemory.get(scope);
	if (!memory) {
		memory = {};
		inMemory.set(scope, memory);
	}
	return memory;
}

function prune(received: Received, now: number): void {
	for (const [id, at] of Object.entries(received)) {
		if (now - at > REMEMBER_MS) delete received[id];
	}
	const ids = Object.keys(received);
	if (ids.length <= REMEMBER_AT_MOST) return;
	// Ids merged from static data may be older than ids added before them: drop by age.
	ids
		.sort((a, b) => received[a] - received[b])
		.slice(0, ids.length - REMEMBER_AT_MOST)
		.forEach((id) => delete received[id]);
}

function storedIn(staticData: IDataObject): Received {
	const stored = staticData.received;
	return stored !== null && typeof stored === 'object' && !Array.isArray(stored)
		? (stored as Received)
		: {};
}

/**
 * For webhook(): whether `id` was accepted before, by this process or by a run that ended (static
 * data as n8n loaded it for this delivery). A new id is remembered by this process at once.
 */
export function isRepeat(staticData: IDataObject, scope: string, id: string, now: number): boolean {
	const memory = memoryOf(scope);
	prune(memory, now);
	const at = memory[id] ?? storedIn(staticData)[id];
	if (typeof at === 'number' && now - at <= REMEMBER_MS) return true;
	memory[id] = now;
	return false;
}

/**
 * For the run: records `id` in the node's static data, which n8n saves when the run ends. The
 * static data gets this process's own record, merged with what it held, rather than a copy: n8n
 * serialises it when it saves, so whichever run of this process saves last saves every id the
 * process knows by then (runs that end out of order lose nothing).
 */
export function recordDelivery(
	staticData: IDataObject,
	scope: string,
	id: string,
	now: number,
): void {
	const memory = memoryOf(scope);
	for (const [known, at] of Object.entries(storedIn(staticData))) {
		if (typeof at === 'number' && !(known in memory)) memory[known] = at;
	}
	memory[id] ??= now;
	prune(memory, now);
	staticData.received = memory;
}

type CheckProcessedAndRecord = IExecuteFunctions['helpers']['checkProcessedAndRecord'];

/** Runs of this process that are recording, per workflow and node (see claimDelivery). */
const claiming = new Map<string, Promise<unknown>>();

/**
 * For the run: records `id` in n8n's deduplication store and says whether this run is the first
 * to (false: a run of the same delivery on another process got there first). The store keeps one
 * list per node that it reads and rewrites whole, so this process records one id at a time, and a
 * write that collides with another process's is tried once more.
 */
export async function claimDelivery(
	checkProcessedAndRecord: CheckProcessedAndRecord,
	scope: string,
	id: string,
): Promise<boolean> {
	const record = async () => {
		const options = { mode: 'entries' as const, maxEntries: REMEMBER_AT_MOST };
		const checked = await checkProcessedAndRecord([id], 'node', options).catch(
			// Two processes creating the node's list at once: the second finds it now.
			async () => await checkProcessedAndRecord([id], 'node', options),
		);
		return checked.processed.length === 0;
	};
	const previous = claiming.get(scope) ?? Promise.resolve();
	const mine = previous.then(record, record);
	const settled = mine.catch(() => undefined);
	claiming.set(scope, settled);
	try {
		return await mine;
	} finally {
		if (claiming.get(scope) === settled) claiming.delete(scope);
	}
}

/** Forgets what this process remembers (tests). */
export function forgetDeliveries(): void {
	inMemory.clear();
}
