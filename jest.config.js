/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	// End-to-end runs in a real n8n have their own config (jest.e2e.config.js, npm run test:e2e).
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: {
		'^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2023', parser: { syntax: 'typescript' } } }],
	},
	// The n8n engine keeps timers alive after a run; tests close what they open, this is the safety net.
	forceExit: true,
	testTimeout: 60000,
};
