import { sleep } from 'n8n-workflow';

/** Why a pause ended early: the signal's reason, as an Error. */
export function abortReason(signal: AbortSignal): Error {
	const reason: unknown = signal.reason;
	return reason instanceof Error ? reason : new Error('The execution was cancelled');
}

/**
 * Waits `ms`, or until `signal` aborts: then rejects at once with the signal's reason. Every wait
 * of the package goes through here. n8n 2.x's `sleep(ms, signal)` ends on the abort by itself;
 * n8n 1.x's ignores the signal and runs its timer out, so the abort is raced here.
 */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) return await sleep(ms);
	if (signal.aborted) throw abortReason(signal);
	let onAbort = () => {};
	const aborted = new Promise<never>((_resolve, reject) => {
		onAbort = () => reject(abortReason(signal));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms, signal), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

/**
 * A controller of its own that also aborts when `parent` does (with its reason); `unlink` stops
 * listening to the parent once the controller is no longer needed.
 */
export function linkedController(parent: AbortSignal | undefined): {
	controller: AbortController;
	unlink: () => void;
} {
	const controller = new AbortController();
	const follow = () => controller.abort(parent?.reason);
	if (parent?.aborted) follow();
	else parent?.addEventListener('abort', follow, { once: true });
	return { controller, unlink: () => parent?.removeEventListener('abort', follow) };
}
