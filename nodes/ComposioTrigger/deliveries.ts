/**
 * Composio delivers at least once: a retry carries the same `webhook-id`. The ids of recent
 * deliveries are kept in the node's static data (saved by n8n after each webhook call, so they
 * survive restarts and are seen by every process of the instance) and in this process's memory
 * (two deliveries at once each read static data before either saved it).
 */
import type { IDataObject } from 'n8n-workflow';

/** Composio retries within minutes to hours; a day covers it. */
export const REMEMBER_MS = 24 * 60 * 60 * 1000;

/** Bounds what static data holds (it is saved with the workflow on every delivery). */
export const REMEMBER_AT_MOST = 1000;

const inMemory = new Map<string, Map<string, number>>();

function prune(seen: Map<string, number>, now: number): void {
	for (const [id, at] of seen) {
		if (now - at > REMEMBER_MS) seen.delete(id);
	}
	// Maps keep insertion order: the oldest go first.
	const excess = seen.size - REMEMBER_AT_MOST;
	if (excess > 0) [...seen.keys()].slice(0, excess).forEach((id) => seen.delete(id));
}

/**
 * Records `id` as received and says whether it had been received before, in this node's static
 * data (`staticData.received`) or by this process for the same `scope` (workflow and node).
 */
export function firstDelivery(
	staticData: IDataObject,
	scope: string,
	id: string,
	now: number,
): boolean {
	const stored = new Map(Object.entries((staticData.received as Record<string, number>) ?? {}));
	let memory = inMemory.get(scope);
	if (!memory) {
		memory = new Map();
		inMemory.set(scope, memory);
	}
	prune(stored, now);
	prune(memory, now);
	const seenBefore = stored.has(id) || memory.has(id);
	if (!seenBefore) {
		stored.set(id, now);
		memory.set(id, now);
		prune(stored, now);
		prune(memory, now);
	}
	staticData.received = Object.fromEntries(stored);
	return !seenBefore;
}

/** Forgets what this process remembers (tests). */
export function forgetDeliveries(): void {
	inMemory.clear();
}
