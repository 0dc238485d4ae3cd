import { SIM_API_KEY } from './server';
import type { Simulator } from './types';

/**
 * One request to the simulator as a client of Composio's API sends it (the simulator's key by
 * default), and its answer: status, headers, text and the JSON it holds, if any.
 */
export async function callSimulator(
	sim: Simulator,
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = { 'x-api-key': SIM_API_KEY },
) {
	const response = await fetch(sim.url + path, {
		method,
		headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read whatever JSON came back
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text, json };
}
