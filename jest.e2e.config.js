/**
 * End-to-end suite: runs the packed node inside a real n8n (started by scripts/e2e.sh, which sets
 * the E2E_* variables). Each `n8n` command boots the whole app, hence the long timeouts.
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
	},
	testTimeout: 120000,
	maxWorkers: 1,
};
