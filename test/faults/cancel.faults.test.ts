/**
 * n8n's Stop on n8n 1.x, through n8n's real engine: 1.x's `sleep(ms)` ignores the abort signal
 * (n8n-workflow 1.123's utils.js: a bare setTimeout), so every wait of the node must end on the
 * signal by itself (pause()). Here `sleep` is 1.x's kind and never ends: a wait that relied on it
 * would keep the run going until the test times out.
 */
import * as n8nWorkflow from 'n8n-workflow';

import { useSimulator } from '../support/simulator';

const context = useSimulator();
const get = context.runner('connectedAccount', 'get');

/** The waits asked for; the Stop comes at the first. */
let waits: number[] = [];
let stop: AbortController;

function sleepLike1x(): void {
	jest.spyOn(n8nWorkflow, 'sleep').mockImplementation(async (ms: number) => {
		waits.push(ms);
		if (waits.length === 1) stop.abort();
		// 1.x's timer, which the signal does not end; here one that never fires.
		await new Promise<void>(() => {});
	});
}

beforeEach(() => {
	waits = [];
	stop = new AbortController();
});
afterEach(() => jest.restoreAllMocks());

function accounts(count: number): string[] {
	return Array.from(
		{ length: count },
		(_, index) =>
			context.sim.connectAccount(`user-${index}`, 'ac_gmail', { toolkit: 'gmail' }).id,
	);
}

const byId = { connectedAccountId: { __rl: true, mode: 'id', value: '={{ $json.id }}' } };

function gets(): number {
	return context.sim.requests.filter((request) => request.method === 'GET').length;
}

describe('the Stop ends every wait at once, though 1.x’s sleep ignores it', () => {
	it('a retry’s backoff after a 503', async () => {
		const [id] = accounts(1);
		sleepLike1x();
		context.sim.inject({ method: 'GET', path: `/api/v3/connected_accounts/${id}`, status: 503 });

		const result = await get(byId, [{ id }], { cancelSignal: stop.signal });

		expect(result.status).not.toBe('success');
		expect(waits).toHaveLength(1);
		expect(gets()).toBe(1);
	});

	it('the rate gate’s wait after a 429 with Retry-After', async () => {
		const ids = accounts(3);
		sleepLike1x();
		context.sim.inject({
			method: 'GET',
			path: `/api/v3/connected_accounts/${ids[0]}`,
			status: 429,
			body: { message: 'Rate limit exceeded' },
			headers: { 'retry-after': '30' },
		});

		const result = await get(
			{ ...byId, requestOptions: { concurrency: 1 } },
			ids.map((id) => ({ id })),
			{ cancelSignal: stop.signal },
		);

		expect(result.status).not.toBe('success');
		expect(result.success).toEqual([]);
		expect(gets()).toBe(1);
	});

	it('Batch Interval’s wait between groups', async () => {
		const ids = accounts(3);
		sleepLike1x();

		const result = await get(
			{ ...byId, requestOptions: { concurrency: 1, batchInterval: 60_000 } },
			ids.map((id) => ({ id })),
			{ cancelSignal: stop.signal },
		);

		expect(result.status).not.toBe('success');
		expect(waits).toEqual([60_000]);
		expect(gets()).toBe(1);
	});
});
