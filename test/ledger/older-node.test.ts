/**
 * Issue 13.14: the nodes load wherever n8n runs. n8n 1.x runs on Node 20, which has no node:sqlite: every built node
 * module must load there (the SQLite module is loaded only when a SQLite ledger is opened), the SQLite ledger must
 * refuse with a LedgerError naming the Node it needs, and the PostgreSQL ledger must work. Runs the built package
 * (dist/, made by `npm run build`, which `npm test` runs first) under the machine's Node 20, in a child process.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { postgresUrl, uniqueSchemaName, dropSchema } from './postgres-server';

const root = resolve(__dirname, '../..');

function node20(): string | undefined {
	return ['/usr/local/bin/node', '/usr/bin/node'].find((candidate) => {
		if (!existsSync(candidate)) return false;
		return execFileSync(candidate, ['--version'], { encoding: 'utf8' }).startsWith('v20.');
	});
}

const older = node20();
const schema = uniqueSchemaName();

afterAll(async () => {
	await dropSchema(schema);
});

(older ? it : it.skip)(`loads every built node module under Node 20 (${older ?? 'none on this machine'})`, async () => {
	expect(existsSync(join(root, 'dist/nodes'))).toBe(true); // run `npm run build` first
	const child = spawnSync(
		older!,
		[join(__dirname, 'fixtures', 'load-built-package.js'), root, await postgresUrl(), schema],
		{ encoding: 'utf8', timeout: 60_000 },
	);
	expect(child.stderr).toBe('');
	const report = JSON.parse(child.stdout) as {
		node: string;
		modules: string[];
		failed: Record<string, string>;
		sqlite: { code: string; message: string };
		postgres: string;
	};
	expect(report.node).toMatch(/^v20\./);
	expect(report.failed).toEqual({});
	// The nodes of package.json, and every module beside them.
	const declared = (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { n8n: { nodes: string[] } }).n8n.nodes;
	expect(report.modules.filter((file) => file.endsWith('.node.js'))).toHaveLength(declared.length);
	expect(report.sqlite).toEqual({
		code: 'LEDGER_SQLITE_UNAVAILABLE',
		message:
			`The SQLite ledger needs Node.js 22.13 or later (its built-in node:sqlite); this runs on Node.js ` +
			`${report.node.slice(1)}: upgrade Node.js, or choose the PostgreSQL ledger, which works on this version.`,
	});
	expect(report.postgres).toBe('issued TEST-000001');
});

if (!older) console.warn('older-node.test.ts skipped: no Node 20 at /usr/local/bin/node or /usr/bin/node (CI has one)');
