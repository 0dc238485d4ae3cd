import { Slots } from '../../nodes/shared/helpers/slots';

const flush = async () => {
	for (let i = 0; i < 5; i++) await Promise.resolve();
};

/** A task whose end the test controls. */
function controlled() {
	const ends = new Map<string, () => void>();
	const started: string[] = [];
	let inFlight = 0;
	let peak = 0;
	const task = (name: string) => async () => {
		started.push(name);
		peak = Math.max(peak, ++inFlight);
		await new Promise<void>((resolve) => ends.set(name, resolve));
		inFlight--;
		return name;
	};
	return { task, started, end: (name: string) => ends.get(name)?.(), peak: () => peak };
}

describe('Slots', () => {
	it('runs at most `size` tasks at once, the others in the order they asked', async () => {
		const slots = new Slots(2, new AbortController().signal);
		const tasks = controlled();
		const runs = ['a', 'b', 'c', 'd'].map((name) => slots.run(tasks.task(name)));
		await flush();
		expect(tasks.started).toEqual(['a', 'b']);
		tasks.end('b');
		await flush();
		expect(tasks.started).toEqual(['a', 'b', 'c']);
		// A task asking now queues behind d.
		const late = slots.run(tasks.task('e'));
		tasks.end('a');
		await flush();
		expect(tasks.started).toEqual(['a', 'b', 'c', 'd']);
		tasks.end('c');
		await flush();
		expect(tasks.started).toEqual(['a', 'b', 'c', 'd', 'e']);
		tasks.end('d');
		tasks.end('e');
		expect(await Promise.all([...runs, late])).toEqual(['a', 'b', 'c', 'd', 'e']);
		expect(tasks.peak()).toBe(2);
	});

	it('gives the slot back when a task fails', async () => {
		const slots = new Slots(1, new AbortController().signal);
		await expect(slots.run(async () => await Promise.reject(new Error('no')))).rejects.toThrow(
			'no',
		);
		expect(await slots.run(async () => await Promise.resolve('next'))).toBe('next');
	});

	it('the signal ends the waits for a slot, not the tasks under way', async () => {
		const stop = new AbortController();
		const slots = new Slots(1, stop.signal);
		const tasks = controlled();
		const running = slots.run(tasks.task('a'));
		const waiting = slots.run(tasks.task('b'));
		await flush();
		stop.abort(new Error('stopped'));
		await expect(waiting).rejects.toThrow('stopped');
		await expect(slots.run(tasks.task('c'))).rejects.toThrow('stopped');
		tasks.end('a');
		expect(await running).toBe('a');
		expect(tasks.started).toEqual(['a']);
	});
});
