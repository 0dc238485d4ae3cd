import { n8nEnvironment } from '../../scripts/demo/n8n-home';

const CALLER = {
	PATH: '/usr/bin',
	HOME: '/home/me',
	NODE_ENV: 'test',
	NODE_OPTIONS: '--max-old-space-size=100',
	JEST_WORKER_ID: '1',
	N8N_PORT: '1234',
	N8N_USER_FOLDER: '/home/me/.n8n-real',
	n8n_encryption_key: 'mine',
	DB_TYPE: 'postgresdb',
	HTTPS_PROXY: 'http://proxy:3128',
	no_proxy: 'internal',
	COMPOSIO_API_KEY: 'ak_1',
};
const SETTINGS = { folder: '/tmp/home', encryptionKey: 'k'.repeat(48), brokerPort: 40001 };

describe("demo: n8n's environment", () => {
	it("drops the caller's n8n, database, Jest and Node settings; keeps the rest", () => {
		const env = n8nEnvironment(CALLER, { ...SETTINGS, loopbackApi: true });
		expect(env).toMatchObject({ PATH: '/usr/bin', HOME: '/home/me', COMPOSIO_API_KEY: 'ak_1' });
		for (const key of [
			'NODE_OPTIONS',
			'JEST_WORKER_ID',
			'n8n_encryption_key',
			'DB_TYPE',
			'N8N_PORT',
		]) {
			expect(env).not.toHaveProperty(key);
		}
		expect(env).toMatchObject({
			NODE_ENV: 'production',
			N8N_USER_FOLDER: '/tmp/home',
			N8N_ENCRYPTION_KEY: SETTINGS.encryptionKey,
			N8N_RUNNERS_BROKER_PORT: '40001',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_LOG_LEVEL: 'info',
		});
	});

	it('with the simulator: lets exactly 127.0.0.1 past the SSRF guard and uses no proxy', () => {
		const env = n8nEnvironment(CALLER, { ...SETTINGS, loopbackApi: true });
		expect(env).toMatchObject({
			N8N_SSRF_PROTECTION_ENABLED: 'true',
			N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.1/32',
		});
		expect(env).not.toHaveProperty('HTTPS_PROXY');
		expect(env).not.toHaveProperty('no_proxy');
	});

	it("with the real API: keeps the caller's proxy and the SSRF guard without exceptions", () => {
		const env = n8nEnvironment(CALLER, { ...SETTINGS, loopbackApi: false });
		expect(env).toMatchObject({
			HTTPS_PROXY: 'http://proxy:3128',
			no_proxy: 'internal',
			N8N_SSRF_PROTECTION_ENABLED: 'true',
		});
		expect(env).not.toHaveProperty('N8N_SSRF_ALLOWED_IP_RANGES');
	});
});
