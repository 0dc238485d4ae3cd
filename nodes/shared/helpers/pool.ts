/**
 * Runs `task` for indexes 0..count-1 with at most `concurrency` in flight. With an interval, the
 * indexes go in groups of `concurrency` with a pause between groups (for APIs that must be spaced
 * out); without one, a new index starts as soon as one finishes. Once `stopped()` turns true no new
 * index starts, and the ones in flight are awaited.
 */
export async function runPool(options: {
	count: number;
	concurrency: number;
	intervalMs: number;
	task: (index: number) => Promise<void>;
	stopped: () => boolean;
	wait: (ms: number) => Promise<void>;
}): Promise<void> {
	const { count, intervalMs, task, stopped, wait } = options;
	const concurrency = Math.max(1, Math.min(options.concurrency, count));

	if (intervalMs > 0) {
		for (let start = 0; start < count && !stopped(); start += concurrency) {
			if (start > 0) await wait(intervalMs);
			const group: Array<Promise<void>> = [];
			for (let index = start; index < Math.min(count, start + concurrency); index++) {
				group.push(task(index));
			}
			await Promise.all(group);
		}
		return;
	}

	let next = 0;
	const worker = async () => {
		while (next < count && !stopped()) {
			const index = next++;
			await task(index);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
}
