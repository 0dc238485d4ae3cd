/** What `npm run demo` was asked to do: its arguments and the Composio variables. Pure, no I/O. */

export const COMPOSIO_BASE_URL = 'https://backend.composio.dev';
export const DEFAULT_UI_PORT = 5678;

export const USAGE = `Usage: npm run demo [-- --ui [--port <port>]]

Runs the example onboarding workflow (MCP server instances) in a throwaway n8n with this package
installed, then a sessions onboarding (Composio's current API) for one more user, who finishes a
connect link while the workflow waits; prints what happened to each sample user.

  --ui           then keep n8n running (http://localhost:${DEFAULT_UI_PORT}) with the workflows
                 loaded and an owner account whose login it prints; Ctrl-C stops everything
  --port <port>  the port for --ui (default ${DEFAULT_UI_PORT})
  --help         this text

By default the workflow talks to a local simulator of Composio's API. To use the real API instead, set
COMPOSIO_API_KEY (your project API key) and COMPOSIO_SERVER_ID (the MCP server to onboard users to):
the demo then creates instances for the sample users on that server. The sessions onboarding runs
with the simulator only: its user's link is finished on the simulator's hosted connect page.`;

export type Backend =
	| { kind: 'simulator' }
	| { kind: 'composio'; baseUrl: string; apiKey: string; serverId: string };

export interface DemoOptions {
	help: boolean;
	ui: boolean;
	port: number;
	backend: Backend;
}

/** A mistake in the arguments or variables: printed with the usage, exit code 2. */
export class UsageError extends Error {}

function parsePort(value: string | undefined): number {
	const port = Number(value);
	if (!value || !/^\d+$/.test(value) || port < 1 || port > 65535) {
		throw new UsageError(`--port needs a port number from 1 to 65535, got ${value ?? 'nothing'}`);
	}
	return port;
}

/** The Composio API when COMPOSIO_API_KEY is set (then COMPOSIO_SERVER_ID too), else the simulator. */
export function parseBackend(env: Record<string, string | undefined>): Backend {
	const apiKey = env.COMPOSIO_API_KEY?.trim() ?? '';
	const serverId = env.COMPOSIO_SERVER_ID?.trim() ?? '';
	if (!apiKey) {
		if (serverId) {
			throw new UsageError(
				'COMPOSIO_SERVER_ID is set but COMPOSIO_API_KEY is not: set both to use the real Composio API, or neither to use the simulator',
			);
		}
		return { kind: 'simulator' };
	}
	if (!serverId) {
		throw new UsageError(
			'COMPOSIO_API_KEY is set, so the demo uses the real Composio API, but COMPOSIO_SERVER_ID is not: set it to the ID of the MCP server to onboard the sample users to (Composio dashboard → MCP servers)',
		);
	}
	return { kind: 'composio', baseUrl: COMPOSIO_BASE_URL, apiKey, serverId };
}

export function parseOptions(argv: string[], env: Record<string, string | undefined>): DemoOptions {
	let help = false;
	let ui = false;
	let port: number | undefined;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') help = true;
		else if (arg === '--ui') ui = true;
		else if (arg === '--port') port = parsePort(argv[++i]);
		else if (arg.startsWith('--port=')) port = parsePort(arg.slice('--port='.length));
		else throw new UsageError(`unknown argument: ${arg}`);
	}
	if (port !== undefined && !ui) throw new UsageError('--port only applies with --ui');
	if (help) return { help, ui, port: port ?? DEFAULT_UI_PORT, backend: { kind: 'simulator' } };
	return { help, ui, port: port ?? DEFAULT_UI_PORT, backend: parseBackend(env) };
}

/** The data of the demo's Composio MCP credential: the simulator's address and key, or the real API's. */
export function credentialData(
	backend: Backend,
	simulator?: { url: string; apiKey: string },
): { apiKey: string; baseUrl: string } {
	if (backend.kind === 'composio') return { apiKey: backend.apiKey, baseUrl: backend.baseUrl };
	if (!simulator) throw new Error('the simulator is not running');
	return { apiKey: simulator.apiKey, baseUrl: simulator.url };
}
