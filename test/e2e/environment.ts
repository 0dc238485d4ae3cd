/**
 * The environment the end-to-end suites share: a throwaway n8n with the packed node, the Composio
 * simulator and the fake OpenAI server on loopback, a Composio and an OpenAI credential with random
 * keys, and the suite's workflows imported once (every n8n command boots all of n8n). After each
 * test: no spec violation, no problem at the fake model, no form of either key in anything n8n
 * printed.
 */
import { randomBytes } from 'node:crypto';

import { keyLeaks } from '../support/leaks';
import { startSimulator, type Simulator } from '../simulator';
import { startFakeOpenAi, type FakeOpenAi, type Model } from './fake-openai';
import { N8n } from './n8n';

export interface EnvironmentOptions {
	/** The Composio credential as the workflows name it (the id is fixed: e2eComposioCred1). */
	composioCredentialName: string;
	/** The OpenAI credential as the workflows name it (the id is fixed: e2eOpenAiCred1). */
	openAiCredentialName: string;
	/** What the fake chat model answers. */
	model: Model;
	/** The simulator's state before the workflows are imported. */
	seed: (env: E2eEnvironment) => Promise<void>;
	workflows: unknown[];
	/** More credentials to import, made with the Composio key (e.g. a Header Auth for MCP). */
	extraCredentials?: (apiKey: string) => unknown[];
}

export interface E2eEnvironment {
	readonly n8n: N8n;
	readonly sim: Simulator;
	readonly openAi: FakeOpenAi;
	/** The Composio credential's API key (random, so that any copy found is a leak). */
	readonly apiKey: string;
	/** Creates a user's instance directly at the simulator, as another client would. */
	createInstance(serverId: string, userId: string): Promise<Record<string, unknown>>;
	/** The MCP URL the simulator gives a user on a server. */
	mcpUrl(serverId: string, userId: string): string;
}

export const COMPOSIO_CREDENTIAL_ID = 'e2eComposioCred1';
export const OPENAI_CREDENTIAL_ID = 'e2eOpenAiCred1';

/** Call at the top of a suite: the environment is ready in beforeAll and gone after the suite. */
export function useE2eEnvironment(options: EnvironmentOptions): E2eEnvironment {
	const apiKey = `e2e_key_${randomBytes(16).toString('hex')}`;
	const openAiKey = `sk-e2e-${randomBytes(16).toString('hex')}`;
	let n8n: N8n | undefined;
	let sim: Simulator | undefined;
	let openAi: FakeOpenAi | undefined;
	const ready = <T>(value: T | undefined, what: string): T => {
		if (value === undefined) throw new Error(`${what} starts in beforeAll`);
		return value;
	};

	const env: E2eEnvironment = {
		get n8n() {
			return ready(n8n, 'n8n');
		},
		get sim() {
			return ready(sim, 'the simulator');
		},
		get openAi() {
			return ready(openAi, 'the fake OpenAI server');
		},
		apiKey,
		async createInstance(serverId, userId) {
			const response = await fetch(`${env.sim.url}/api/v3/mcp/servers/${serverId}/instances`, {
				method: 'POST',
				headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
				body: JSON.stringify({ user_id: userId }),
			});
			expect(response.status).toBe(201);
			return (await response.json()) as Record<string, unknown>;
		},
		mcpUrl: (serverId, userId) =>
			`${env.sim.url}/v3/mcp/${serverId}?user_id=${encodeURIComponent(userId)}`,
	};

	beforeAll(async () => {
		n8n = await N8n.create();
		sim = await startSimulator({ apiKey });
		openAi = await startFakeOpenAi(options.model);
		await options.seed(env);
		const credentials = await n8n.import('credentials', [
			{
				id: COMPOSIO_CREDENTIAL_ID,
				name: options.composioCredentialName,
				type: 'composioMcpApi',
				data: { apiKey, baseUrl: sim.url },
			},
			{
				id: OPENAI_CREDENTIAL_ID,
				name: options.openAiCredentialName,
				type: 'openAiApi',
				data: { apiKey: openAiKey, url: openAi.baseUrl },
			},
			...(options.extraCredentials?.(apiKey) ?? []),
		]);
		expect(credentials).toMatchObject({ code: 0 });
		expect(await n8n.import('workflow', options.workflows)).toMatchObject({ code: 0 });
	});

	afterAll(async () => {
		await sim?.close();
		await openAi?.close();
		n8n?.dispose();
	});

	afterEach(() => {
		expect(env.sim.violations).toEqual([]);
		expect(env.openAi.problems).toEqual([]);
		for (const printed of env.n8n.transcript) {
			expect(keyLeaks(printed, apiKey)).toEqual([]);
			expect(keyLeaks(printed, openAiKey)).toEqual([]);
		}
	});

	return env;
}
