import { abortReason } from './pause';

/**
 * At most `size` tasks at a time, granted in the order they asked. A task waiting for a slot stops
 * waiting when `signal` aborts (rejecting with its reason); a task under way keeps its slot until
 * it ends.
 */
export class Slots {
	private free: number;

	private readonly waiting: Array<() => void> = [];

	constructor(
		size: number,
		private readonly signal: AbortSignal,
	) {
		this.free = Math.max(1, Math.floor(size));
	}

	async run<T>(task: () => Promise<T>): Promise<T> {
		await this.acquire();
		try {
			return await task();
		} finally {
			this.release();
		}
	}

	private async acquire(): Promise<void> {
		const { signal } = this;
		if (signal.aborted) throw abortReason(signal);
		if (this.free > 0) {
			this.free--;
			return;
		}
		await new Promise<void>((resolve, reject) => {
			const grant = () => {
				signal.removeEventListener('abort', onAbort);
				resolve();
			};
			const onAbort = () => {
				const at = this.waiting.indexOf(grant);
				if (at >= 0) this.waiting.splice(at, 1);
				reject(abortReason(signal));
			};
			this.waiting.push(grant);
			signal.addEventListener('abort', onAbort, { once: true });
		});
	}

	/** The slot goes straight to the task that has waited longest, or back to the free ones. */
	private release(): void {
		const next = this.waiting.shift();
		if (next) next();
		else this.free++;
	}
}
