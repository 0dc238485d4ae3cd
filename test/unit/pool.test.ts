import { runPool } from '../../nodes/shared/helpers/pool';

/** A task whose completion the test controls, recording how many run at once. */
function controlledTasks() {
	let inFlight = 0;
	let peak = 0;
	const started: number[] = [];
	const release = new Map<number, () => void>();
	const task = async (index: number) => {
		started.push(index);
		inFlight++;
		peak = Math.max(peak, inFlight);
		await new Promise<void>((resolve) => release.set(index, resolve));
		inFlight--;
	};
	const finish = (index: number) => {
		release.get(index)?.();
		release.delete(index);
	};
	return {
		task,
		started,
		finish,
		finishAll: () => [...release.keys()].forEach(finish),
		pending: () => release.size,
		peak: () => peak,
	};
}

const flush = async () => {
	for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('runPool', () => {
	it('keeps at most `concurrency` tasks in flight and starts the next as one finishes', async () => {
		const tasks = controlledTasks();
		const done = runPool({
			count: 6,
			concurrency: 2,
			intervalMs: 0,
			task: tasks.task,
			stopped: () => false,
			wait: async () => undefined,
		});
		await flush();
		expect(tasks.started).toEqual([0, 1]);
		tasks.finish(1);
		await flush();
		expect(tasks.started).toEqual([0, 1, 2]);
		while (tasks.pending() > 0) {
			tasks.finishAll();
			await flush();
		}
		await done;
		expect(tasks.started.sort()).toEqual([0, 1, 2, 3, 4, 5]);
		expect(tasks.peak()).toBe(2);
	});

	it('with an interval, runs groups of `concurrency` with a wait between groups', async () => {
		const events: string[] = [];
		await runPool({
			count: 5,
			concurrency: 2,
			intervalMs: 100,
			task: async (index) => {
				events.push(`run ${index}`);
			},
			stopped: () => false,
			wait: async (ms) => {
				events.push(`wait ${ms}`);
			},
		});
		expect(events).toEqual(['run 0', 'run 1', 'wait 100', 'run 2', 'run 3', 'wait 100', 'run 4']);
	});

	it('starts nothing new once stopped, and awaits what is in flight', async () => {
		let stop = false;
		const ran: number[] = [];
		await runPool({
			count: 10,
			concurrency: 3,
			intervalMs: 0,
			task: async (index) => {
				ran.push(index);
				if (index === 1) stop = true;
			},
			stopped: () => stop,
			wait: async () => undefined,
		});
		expect(ran.length).toBeLessThanOrEqual(3);
		expect(ran).toContain(1);
	});

	it('handles zero items and a concurrency above the count', async () => {
		const ran: number[] = [];
		const options = {
			concurrency: 50,
			intervalMs: 0,
			task: async (index: number) => {
				ran.push(index);
			},
			stopped: () => false,
			wait: async () => undefined,
		};
		await runPool({ ...options, count: 0 });
		await runPool({ ...options, count: 2 });
		expect(ran).toEqual([0, 1]);
	});
});
