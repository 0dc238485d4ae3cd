import type { IDataObject } from 'n8n-workflow';

import type { RetryPolicy } from './retry';
import { DEFAULT_RETRY_POLICY } from './retry';

export interface RequestSettings {
	timeoutMs: number;
	retry: RetryPolicy;
}

export const DEFAULT_SETTINGS: RequestSettings = { timeoutMs: 60_000, retry: DEFAULT_RETRY_POLICY };

function bounded(value: unknown, fallback: number, min: number, max: number): number {
	const number = typeof value === 'number' ? value : Number(value);
	if (value === undefined || value === '' || !Number.isFinite(number)) return fallback;
	return Math.min(max, Math.max(min, number));
}

/** The node's Request Options as the transport uses them; anything unset keeps its default. */
export function toRequestSettings(options: IDataObject | undefined): RequestSettings {
	const o = options ?? {};
	return {
		timeoutMs: bounded(o.timeout, DEFAULT_SETTINGS.timeoutMs / 1000, 1, 3600) * 1000,
		retry: {
			...DEFAULT_RETRY_POLICY,
			maxRetries: Math.round(bounded(o.maxRetries, DEFAULT_RETRY_POLICY.maxRetries, 0, 10)),
			maxWaitMs: bounded(o.maxWait, DEFAULT_RETRY_POLICY.maxWaitMs / 1000, 0, 3600) * 1000,
		},
	};
}

export interface Scheduling {
	concurrency: number;
	batchIntervalMs: number;
}

export function toScheduling(options: IDataObject | undefined): Scheduling {
	const o = options ?? {};
	return {
		concurrency: Math.round(bounded(o.concurrency, 5, 1, 50)),
		batchIntervalMs: bounded(o.batchInterval, 0, 0, 3_600_000),
	};
}
