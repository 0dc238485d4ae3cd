import {
	COMPOSIO_BASE_URL,
	DEFAULT_UI_PORT,
	parseBackend,
	parseOptions,
	UsageError,
} from '../../scripts/demo/config';

describe('demo: arguments', () => {
	it('runs once against the simulator by default', () => {
		expect(parseOptions([], {})).toEqual({
			help: false,
			ui: false,
			port: DEFAULT_UI_PORT,
			backend: { kind: 'simulator' },
		});
	});

	it('keeps n8n running with --ui, on 5678 unless --port says otherwise', () => {
		expect(parseOptions(['--ui'], {})).toMatchObject({ ui: true, port: 5678 });
		expect(parseOptions(['--ui', '--port', '6000'], {})).toMatchObject({ ui: true, port: 6000 });
		expect(parseOptions(['--port=6001', '--ui'], {})).toMatchObject({ ui: true, port: 6001 });
	});

	it.each([
		[['--iu'], 'unknown argument: --iu'],
		[['ui'], 'unknown argument: ui'],
		[['--ui', '--port'], '--port needs a port number from 1 to 65535, got nothing'],
		[['--ui', '--port', 'http'], '--port needs a port number from 1 to 65535, got http'],
		[['--ui', '--port=0'], '--port needs a port number from 1 to 65535, got 0'],
		[['--ui', '--port=65536'], '--port needs a port number from 1 to 65535, got 65536'],
		[['--ui', '--port=80.5'], '--port needs a port number from 1 to 65535, got 80.5'],
		[['--port=6000'], '--port only applies with --ui'],
	])('refuses %p', (argv, message) => {
		expect(() => parseOptions(argv, {})).toThrow(new UsageError(message));
	});

	it('answers --help without looking at the Composio variables', () => {
		expect(parseOptions(['--help'], { COMPOSIO_API_KEY: 'key' })).toMatchObject({ help: true });
		expect(parseOptions(['-h'], {})).toMatchObject({ help: true });
	});

	it('checks the Composio variables for a run', () => {
		expect(() => parseOptions(['--ui'], { COMPOSIO_API_KEY: 'key' })).toThrow(UsageError);
	});
});

describe('demo: simulator or the real Composio API', () => {
	it('uses the simulator when COMPOSIO_API_KEY is unset or blank', () => {
		expect(parseBackend({})).toEqual({ kind: 'simulator' });
		expect(parseBackend({ COMPOSIO_API_KEY: '  ', COMPOSIO_SERVER_ID: '' })).toEqual({
			kind: 'simulator',
		});
	});

	it('uses the real API at backend.composio.dev with both variables, trimmed', () => {
		expect(
			parseBackend({ COMPOSIO_API_KEY: ' ak_123 ', COMPOSIO_SERVER_ID: ' 9d4e7a10-2b3c ' }),
		).toEqual({
			kind: 'composio',
			baseUrl: COMPOSIO_BASE_URL,
			apiKey: 'ak_123',
			serverId: '9d4e7a10-2b3c',
		});
		expect(COMPOSIO_BASE_URL).toBe('https://backend.composio.dev');
	});

	it('fails clearly when the server ID is missing', () => {
		for (const serverId of [undefined, '', ' ']) {
			expect(() =>
				parseBackend({ COMPOSIO_API_KEY: 'ak_123', COMPOSIO_SERVER_ID: serverId }),
			).toThrow(/COMPOSIO_API_KEY is set.*but COMPOSIO_SERVER_ID is not/);
		}
	});

	it('fails clearly when only the server ID is set', () => {
		expect(() => parseBackend({ COMPOSIO_SERVER_ID: 'srv' })).toThrow(
			/COMPOSIO_SERVER_ID is set but COMPOSIO_API_KEY is not/,
		);
	});

	it('never puts the API key into an error message', () => {
		let message = '';
		try {
			parseBackend({ COMPOSIO_API_KEY: 'ak_secret_value' });
		} catch (error) {
			message = (error as Error).message;
		}
		expect(message).toMatch(/COMPOSIO_SERVER_ID/);
		expect(message).not.toContain('ak_secret_value');
	});
});
