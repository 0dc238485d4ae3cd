/**
 * The node's two versions in a real n8n (2.x and 1.x): version 1.1 simplifies Server › Get by
 * default (Simplify left out of the saved workflow, as n8n saves a parameter at its default) and
 * answers a Delete with `{ deleted: true, serverId }`; version 1 keeps Composio's raw answers, even
 * with `simplify: true` saved on the node.
 */
import { useE2eEnvironment } from './environment';
import versions from './workflows/node-versions.json';
import { nodeOutputs, type RunItem } from './n8n';

// Must match ./workflows/node-versions.json.
const SERVER_V11 = '5a1c7e20-4b3d-4f6a-8e9b-0c1d2e3f4a51';
const SERVER_V1 = '5a1c7e20-4b3d-4f6a-8e9b-0c1d2e3f4a52';
const AUTH_CONFIG = 'ac_versions_github';

/** The simplified server's fields, in their order (nodes/ComposioMcp/actions/simplify.ts). */
const SIMPLIFIED_KEYS = [
	'id',
	'name',
	'toolkits',
	'auth_config_ids',
	'allowed_tools',
	'mcp_url',
	'server_instance_count',
	'managed_auth_via_composio',
	'created_at',
	'updated_at',
];

function json(items: RunItem[] | null | undefined): Array<Record<string, unknown>> {
	return (items ?? []).map((item) => item.json);
}

describe('Node versions 1 and 1.1 in a real n8n', () => {
	const env = useE2eEnvironment({
		composioCredentialName: 'Composio (simulator)',
		openAiCredentialName: 'OpenAI (fake)',
		model: () => {
			throw new Error('no model in this suite');
		},
		workflows: [versions],
		async seed({ sim }) {
			sim.addServer({ id: SERVER_V11, name: 'Version 1.1', auth_config_ids: [AUTH_CONFIG] });
			sim.addServer({ id: SERVER_V1, name: 'Version 1', auth_config_ids: [AUTH_CONFIG] });
		},
	});

	it('1.1 simplifies Get and confirms Delete; 1 keeps the raw answers even with Simplify set', async () => {
		// The saved workflow is what n8n runs: 1.1's Get has no `simplify`, 1's has it on.
		const byName = new Map(versions.nodes.map((node) => [node.name, node]));
		expect(byName.get('Get server (v1.1)')).toMatchObject({ typeVersion: 1.1 });
		expect(byName.get('Get server (v1.1)')?.parameters).not.toHaveProperty('simplify');
		expect(byName.get('Get server (v1)')).toMatchObject({
			typeVersion: 1,
			parameters: { simplify: true },
		});

		const result = await env.n8n.execute(versions.id);

		expect({ code: result.code, error: result.run?.data.resultData.error?.message }).toEqual({
			code: 0,
			error: undefined,
		});

		// Version 1.1, Simplify at its default: exactly the simplified fields, in their order.
		const [simplified] = json(nodeOutputs(result.run, 'Get server (v1.1)')[0]);
		expect(simplified).toEqual({
			id: SERVER_V11,
			name: 'Version 1.1',
			toolkits: [expect.any(String)],
			auth_config_ids: [AUTH_CONFIG],
			allowed_tools: [],
			mcp_url: `${env.sim.url}/v3/mcp/${SERVER_V11}`,
			server_instance_count: 0,
			managed_auth_via_composio: false,
			created_at: expect.any(String),
			updated_at: expect.any(String),
		});
		expect(Object.keys(simplified)).toEqual(SIMPLIFIED_KEYS);
		expect(json(nodeOutputs(result.run, 'Delete server (v1.1)')[0])).toEqual([
			{ deleted: true, serverId: SERVER_V11 },
		]);

		// Version 1 with `simplify: true` saved: Composio's server and delete answer, untouched.
		const [raw] = json(nodeOutputs(result.run, 'Get server (v1)')[0]);
		expect(raw).toMatchObject({
			id: SERVER_V1,
			name: 'Version 1',
			auth_config_ids: [AUTH_CONFIG],
			commands: expect.objectContaining({ cursor: expect.any(String) }),
			toolkit_icons: expect.any(Object),
			deleted: false,
		});
		expect(Object.keys(raw).sort()).toEqual(
			[...SIMPLIFIED_KEYS, 'commands', 'toolkit_icons', 'deleted'].sort(),
		);
		expect(json(nodeOutputs(result.run, 'Delete server (v1)')[0])).toEqual([
			{ id: SERVER_V1, deleted: true },
		]);

		// Both servers were deleted at Composio, once each.
		const deletes = env.sim.requests.filter((request) => request.method === 'DELETE');
		expect(deletes.map((request) => request.path)).toEqual([
			`/api/v3/mcp/${SERVER_V11}`,
			`/api/v3/mcp/${SERVER_V1}`,
		]);
	});
});
