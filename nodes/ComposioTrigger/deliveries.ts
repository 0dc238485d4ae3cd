/**
 * Composio delivers at least once: a retry carries the same `webhook-id`. What n8n lets a trigger
 * keep decides where the ids of accepted deliveries live (read in n8n 2.41 and 1.123, proven in
 * test/e2e/trigger):
 *
 * - webhook() reads the workflow's static data, but what it writes there is lost once it starts a
 *   run: n8n 2.x builds the run's workflow over the same static data before saving it, which
 *   clears its "changed" mark. So webhook() only reads, and keeps ids in this process's memory,
 *   which also covers two copies arriving at once.
 * - The run can write static data, and n8n saves it when the run ends. The trigger's own execute(),
 *   the run's first step, records the id there when the process that runs it is the one that
 *   activated the workflow (see `activations`): later deliveries, after a restart or on another
 *   process, find it.
 * - The run can also record into n8n's deduplication store (the Remove Duplicates node's, in n8n's
 *   database), which is written at once: a repeat that reached another process before the first
 *   run ended is caught there, and its run stops at the trigger with no items.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { randomUUID } from 'crypto';

/** Composio retries within minutes to hours; a day covers it. */
export const REMEMBER_MS = 24 * 60 * 60 * 1000;

/** Bounds what static data and the deduplication store hold (both are rewritten on each run). */
export const REMEMBER_AT_MOST = 1000;

/** Delivery id → when it was taken (ms), in the order taken: the oldest first. */
type Received = Map<string, number>;

/** This process's memory, per workflow and node. */
const inMemory = new Map<string, Received>();

function memoryOf(scope: string): Received {
	let memory = inMemory.get(scope);
	if (!memory) {
		memory = new Map();
		inMemory.set(scope, memory);
	}
	return memory;
}

/** Drops ids older than a day and the oldest beyond the bound: from the front, in order taken. */
function prune(received: Received, now: number): void {
	for (const [id, at] of received) {
		if (now - at <= REMEMBER_MS && received.size <= REMEMBER_AT_MOST) break;
		received.delete(id);
	}
}

/**
 * How static data keeps the ids: one string, `id@seconds` separated by spaces, oldest first. n8n
 * parses, wraps and rewrites a workflow's static data on every delivery and run; a thousand keys
 * of an object cost it far more than one string.
 */
function encode(received: Received): string {
	return [...received]
		.map(([id, at]) => `${encodeURIComponent(id)}@${Math.floor(at / 1000)}`)
		.join(' ');
}

/** The ids static data holds (also the object an earlier version of the node kept there). */
function storedIn(staticData: IDataObject): Received {
	const stored = staticData.received;
	const received: Received = new Map();
	if (typeof stored === 'string') {
		for (const entry of stored.split(' ')) {
			const at = entry.lastIndexOf('@');
			const seconds = Number(entry.slice(at + 1));
			if (at > 0 && Number.isFinite(seconds)) {
				received.set(decodeURIComponent(entry.slice(0, at)), seconds * 1000);
			}
		}
	} else if (stored !== null && typeof stored === 'object' && !Array.isArray(stored)) {
		for (const [id, at] of Object.entries(stored)) if (typeof at === 'number') received.set(id, at);
	}
	return received;
}

/**
 * For webhook(): whether `id` was taken before, by this process or by a run that ended (static
 * data as n8n loaded it for this delivery). A new id is remembered by this process at once.
 */
export function isRepeat(staticData: IDataObject, scope: string, id: string, now: number): boolean {
	const memory = memoryOf(scope);
	prune(memory, now);
	const at = memory.get(id) ?? storedAt(staticData, id);
	if (at !== undefined && now - at <= REMEMBER_MS) return true;
	memory.set(id, now);
	return false;
}

/** When static data says `id` was taken (one lookup, without reading every id it holds). */
function storedAt(staticData: IDataObject, id: string): number | undefined {
	const stored = staticData.received;
	if (typeof stored !== 'string') return storedIn(staticData).get(id);
	const key = ` ${encodeURIComponent(id)}@`;
	const found = ` ${stored}`.indexOf(key);
	if (found < 0) return undefined;
	const seconds = Number(/^\d+/.exec(stored.slice(found - 1 + key.length))?.[0]);
	return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/**
 * For the run: records `id` in the node's static data, which n8n saves when the run ends. Static
 * data gets this process's own record, merged with what it held, and read when n8n serialises it:
 * whichever run of this process saves last saves every id the process knows by then (runs that
 * end out of order lose nothing). It is set first as a value, so that n8n sees the change.
 */
export function recordDelivery(
	staticData: IDataObject,
	scope: string,
	id: string,
	now: number,
): void {
	const memory = memoryOf(scope);
	const others = [...storedIn(staticData)].filter(([known]) => !memory.has(known));
	if (others.length > 0) {
		// Ids another process took, maybe older than some this one has: kept in order of time.
		const merged = [...memory, ...others].sort((a, b) => a[1] - b[1]);
		memory.clear();
		for (const [known, at] of merged) memory.set(known, at);
	}
	if (!memory.has(id)) memory.set(id, now);
	prune(memory, now);
	staticData.received = encode(memory);
	Object.defineProperty(staticData, 'received', {
		get: () => encode(memory),
		// A later assignment (the next item of the run) marks the change and changes nothing else.
		set: () => {},
		enumerable: true,
		configurable: true,
	});
}

/** The ids static data holds, oldest first. */
export function idsIn(staticData: IDataObject): string[] {
	return [...storedIn(staticData).keys()];
}

/**
 * The activation of each workflow and node that this process made. A run records in static data
 * only when it sees this activation there: n8n saves a run's whole static data when it ends, and
 * a copy loaded before a re-activation, or by a process that did not activate the workflow (a
 * queue-mode worker, which on n8n 2.x gets none at all), would put back what the activation
 * replaced (a subscription and its signing secret) or wipe it.
 */
const activations = new Map<string, string>();

/** Marks an activation of `scope` by this process; its token goes into static data. */
export function activationBegins(scope: string): string {
	const token = randomUUID();
	activations.set(scope, token);
	return token;
}

/** Forgets the activation `token` of `scope`, unless a newer one replaced it. */
export function activationEnds(scope: string, token: unknown): void {
	if (activations.get(scope) === token) activations.delete(scope);
}

/** Whether a run whose static data says `token` may write it: this process's current activation. */
export function isCurrentActivation(scope: string, token: unknown): boolean {
	return typeof token === 'string' && activations.get(scope) === token;
}

type CheckProcessedAndRecord = IExecuteFunctions['helpers']['checkProcessedAndRecord'];

/** Runs of this process that are recording, per workflow and node (see claimDelivery). */
const claiming = new Map<string, Promise<unknown>>();

/**
 * For the run: records `id` in n8n's deduplication store and says whether this run is the first
 * to (false: a run of the same delivery on another process got there first). The store keeps one
 * list per node that it reads and rewrites whole, so this process records one id at a time, and a
 * write that collides with another process's creating the list is tried once more. (Two processes
 * rewriting it at once can still lose one's id: n8n's store takes no lock.)
 */
export async function claimDelivery(
	checkProcessedAndRecord: CheckProcessedAndRecord,
	scope: string,
	id: string,
): Promise<boolean> {
	const record = async () => {
		const options = { mode: 'entries' as const, maxEntries: REMEMBER_AT_MOST };
		const attempt = async () => await checkProcessedAndRecord([id], 'node', options);
		const checked = await attempt().catch(async (error: unknown) => {
			// Two processes creating the node's list at once: the second finds it now.
			if (/unique|duplicate key/i.test(String((error as Error)?.message))) return await attempt();
			throw error;
		});
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

/** Forgets the activations this process made (tests: another process). */
export function forgetActivations(): void {
	activations.clear();
}
