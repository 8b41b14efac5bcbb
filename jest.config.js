/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// End-to-end runs in a real n8n have their own config (jest.e2e.config.js, npm run test:e2e).
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: {
		'^.+\\.tsx?$': [
			'@swc/jest',
			{
				jsc: {
					target: 'es2023',
					parser: { syntax: 'typescript', tsx: true },
					transform: { react: { runtime: 'automatic', importSource: 'hono/jsx' } },
				},
			},
		],
		// openapi-backend (the fake platform's OpenAPI validator) requires this ES-module-only package from CommonJS.
		'/node_modules/@apidevtools/json-schema-ref-parser/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }],
	},
	transformIgnorePatterns: ['/node_modules/(?!@apidevtools/json-schema-ref-parser/)'],
	// The n8n engine keeps timers alive after a run; tests close what they open, this is the safety net.
	forceExit: true,
	// The PostgreSQL test cluster is started on demand; the run that started it stops it (test/ledger/postgres-cluster.ts).
	globalSetup: '<rootDir>/test/ledger/global-setup.ts',
	globalTeardown: '<rootDir>/test/ledger/global-teardown.ts',
	testTimeout: 60000,
};
