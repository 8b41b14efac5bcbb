import * as jsoncParser from 'jsonc-eslint-parser';
import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'out/**', '**/*.js', '**/*.mjs'] },
	...tseslint.configs.recommended.map((config) => ({ ...config, files: ['**/*.ts', '**/*.tsx'] })),
	{
		files: ['**/*.ts', '**/*.tsx'],
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
			'@typescript-eslint/consistent-type-imports': 'error',
		},
	},
	{ files: ['package.json'], languageOptions: { parser: jsoncParser } },
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		...n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport,
		rules: {
			...n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport.rules,
			// Self-hosted package by design: the ledger (SQLite/PostgreSQL), PDF rendering and decimal money need runtime
			// dependencies, which n8n Cloud's verified-package rule forbids. Everything else of the rule set applies.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		files: ['lib/**/*.ts', 'lib/**/*.tsx'],
		rules: {
			'no-restricted-imports': ['error', { patterns: ['n8n-workflow', 'n8n-core', 'n8n-*'] }],
		},
	},
);
