/**
 * What the hostile-server tests share: the simulator (127.0.0.1) as the Base URL, acting as a
 * hostile or broken server through its faults, and a second simulator on 127.0.0.2 as "another
 * origin" that must never receive a request. n8n's SSRF guard lets both addresses through, so
 * that only the node stands between the key and the other origin.
 */
import { randomBytes } from 'node:crypto';

import { allowIpRanges } from '../engine/engine';
import { useSimulator, type SimulatorTestContext } from './simulator';
import { startSimulator, type Simulator } from '../simulator';

/**
 * Random, so that any copy found is a leak, with characters that URL encoding and base64 both
 * change, so that every form of the key differs from the others.
 */
export const HOSTILE_KEY = ['ak', randomBytes(8).toString('hex'), 'Qw/Er+7=Ty'].join('_');

export interface HostileContext extends SimulatorTestContext {
	/** The other origin (127.0.0.2); checked after each test to have received nothing. */
	readonly elsewhere: Simulator;
}

/** Call once at the top of a test file, before anything runs the engine. */
export function useHostileServer(): HostileContext {
	allowIpRanges(['127.0.0.1/32', '127.0.0.2/32']);
	const context = useSimulator({ apiKey: HOSTILE_KEY });
	let elsewhere: Simulator | undefined;
	beforeAll(async () => {
		elsewhere = await startSimulator({ apiKey: HOSTILE_KEY, host: '127.0.0.2' });
	});
	afterAll(async () => {
		await elsewhere?.close();
	});
	beforeEach(() => elsewhere!.reset());
	afterEach(() => {
		expect(elsewhere!.requests.map((r) => `${r.method} ${r.rawPath}`)).toEqual([]);
	});
	return Object.defineProperty(Object.create(context) as HostileContext, 'elsewhere', {
		get() {
			if (!elsewhere) throw new Error('the other origin starts in beforeAll');
			return elsewhere;
		},
	});
}
