/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2023', parser: { syntax: 'typescript' } } }],
	},
	// The n8n engine keeps timers alive after a run; tests close what they open, this is the safety net.
	forceExit: true,
	testTimeout: 60000,
};
