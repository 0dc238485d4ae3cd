/**
 * The Server picker's list search, called as the editor calls it: through n8n-core's
 * LoadOptionsContext, the credential's authenticate block and n8n's HTTP stack, against the simulator.
 */
import { dump, searchServers } from '../engine/runWorkflow';
import { useSimulator } from '../support/simulator';

const context = useSimulator();
const sim = () => context.sim;

const credentials = () => ({ apiKey: sim().apiKey, baseUrl: sim().url });

function listRequests() {
	return sim().requests.filter(
		(request) => request.method === 'GET' && request.path === '/api/v3/mcp/servers',
	);
}

describe('Server list search through a LoadOptionsContext', () => {
	it('lists servers with their toolkits, authenticated with x-api-key', async () => {
		const github = sim().addServer({
			name: 'Github Helpers',
			auth_config_ids: ['ac_gh'],
			toolkits: ['github'],
		});
		const slack = sim().addServer({
			name: 'Slack Bot',
			auth_config_ids: ['ac_sl'],
			toolkits: ['slack'],
		});

		const result = await searchServers(credentials());

		expect(result.results).toEqual(
			expect.arrayContaining([
				{ name: 'Github Helpers (github)', value: github.id },
				{ name: 'Slack Bot (slack)', value: slack.id },
			]),
		);
		expect(result.results).toHaveLength(2);
		expect(result.paginationToken).toBeUndefined();
		const [request] = listRequests();
		expect(request.headers['x-api-key']).toBe(sim().apiKey);
		expect(request.query).toMatchObject({ page_no: '1' });
		expect(request.query.name).toBeUndefined();
	});

	it('passes the filter to Composio’s name search, trimmed', async () => {
		const github = sim().addServer({ name: 'Github Helpers', auth_config_ids: ['ac_gh'] });
		sim().addServer({ name: 'Slack Bot', auth_config_ids: ['ac_sl'] });

		const result = await searchServers(credentials(), '  github ');

		expect(result.results.map((entry) => entry.value)).toEqual([github.id]);
		expect(listRequests()[0].query.name).toBe('github');
	});

	it('pages with a pagination token until the last page', async () => {
		for (let i = 0; i < 60; i++) sim().addServer({ name: `Server ${String(i).padStart(2, '0')}` });

		const first = await searchServers(credentials());
		const second = await searchServers(credentials(), undefined, first.paginationToken);

		expect(first.paginationToken).toBe('2');
		expect(second.paginationToken).toBeUndefined();
		const ids = [...first.results, ...second.results].map((entry) => entry.value);
		expect(new Set(ids).size).toBe(60);
		expect(listRequests().map((request) => request.query.page_no)).toEqual(['1', '2']);
	});

	it('a wrong API key fails with Composio’s message and without the key', async () => {
		const wrongCredential = 'ak_wrong_key_for_search_42';

		const error = await searchServers({ apiKey: wrongCredential, baseUrl: sim().url }).then(
			() => undefined,
			(caught: unknown) => caught,
		);

		expect(error).toBeInstanceOf(Error);
		expect(error).toMatchObject({ httpCode: '401', message: 'Invalid API key' });
		expect(dump(error, true)).not.toContain(wrongCredential);
	});
});
