/**
 * One simulator per test file, as every test against it needs: started before the file's tests,
 * closed after them, reset before each. Kept apart from simulator.ts so the simulator's own tests
 * load none of the n8n engine.
 */
import { startSimulator } from '../simulator';
import type { Simulator, SimulatorOptions } from '../simulator/types';

export interface SimulatorServer {
	/** The file's simulator (set in beforeAll). */
	readonly sim: Simulator;
}

/** Registers the hooks; call once at the top of a test file. */
export function useSimulatorServer(options: SimulatorOptions = {}): SimulatorServer {
	let sim: Simulator | undefined;

	beforeAll(async () => {
		sim = await startSimulator(options);
	});
	afterAll(async () => {
		await sim?.close();
	});
	beforeEach(() => {
		sim!.reset();
	});

	return {
		get sim() {
			if (!sim) throw new Error('the simulator starts in beforeAll');
			return sim;
		},
	};
}
