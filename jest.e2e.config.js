/**
 * End-to-end tests in a real n8n (test/e2e/**): n8n 2.x is installed once into a cache outside the repository
 * (scripts/n8n/install.sh), this package is installed into it as a community package, workflows run headless.
 * Transforms and the PostgreSQL cluster's setup/teardown are the unit tests' (jest.config.js).
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
	...base,
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	testPathIgnorePatterns: ['/node_modules/'],
	// Each n8n command is a 300 MB Node process: one test file at a time on a small CI machine.
	maxWorkers: 1,
	// A cold n8n install takes about 5 minutes; test files set their own longer hook timeouts.
	testTimeout: 120000,
};
