/**
 * End-to-end tests in a real n8n (test/e2e/**): n8n 2.x is installed once into a cache outside the repository
 * (scripts/n8n/install.sh), this package is installed into it as a community package, workflows run headless.
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
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
	// Each n8n command is a 300 MB Node process: one test file at a time on a small CI machine.
	maxWorkers: 1,
	// A cold n8n install takes about 5 minutes; test files set their own longer hook timeouts.
	testTimeout: 120000,
	forceExit: true,
	// The PostgreSQL test cluster is started on demand; the run that started it stops it (test/ledger/postgres-cluster.ts).
	globalSetup: '<rootDir>/test/ledger/global-setup.ts',
	globalTeardown: '<rootDir>/test/ledger/global-teardown.ts',
};
