/**
 * Issue 13.13: a test run stops the PostgreSQL test cluster it started, and leaves alone one that was running before.
 * Runs jest itself, on one test file that needs the server, against a cluster of its own (own port and folder).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { closedPort, listening } from './postgres-cluster';

const root = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'ev-clearing-pg-run-'));
chmodSync(dir, 0o755); // the server runs as the postgres user when the tests run as root
let port = 0;
let env: NodeJS.ProcessEnv;

function jestRun(): void {
	const run = spawnSync(
		process.execPath,
		[join(root, 'node_modules/jest/bin/jest.js'), '--ci', 'test/ledger/postgres-ledger.test.ts', '-t', 'refuses a schema name'],
		{ cwd: root, env, encoding: 'utf8', timeout: 180_000 },
	);
	expect(run.stderr).toMatch(/Tests:\s+\d+ skipped, 1 passed/);
	expect(run.status).toBe(0);
}

beforeAll(async () => {
	port = await closedPort();
	env = { ...process.env, EV_CLEARING_PG_PORT: String(port), EV_CLEARING_PG_DIR: join(dir, 'cluster') };
	delete env.EV_CLEARING_PG_URL; // the run must use (and start) this cluster
});

afterAll(() => {
	execFileSync('bash', [join(root, 'scripts/ci/stop-postgres.sh')], { env, stdio: 'ignore' });
	rmSync(dir, { recursive: true, force: true });
	rmSync(`${join(dir, 'cluster')}.lock`, { force: true });
});

it('a run that started the cluster stops it; a cluster running before the run stays up', async () => {
	expect(await listening(port)).toBe(false);
	jestRun();
	expect(await listening(port)).toBe(false);

	execFileSync('bash', [join(root, 'scripts/ci/start-postgres.sh')], { env, stdio: 'ignore' });
	jestRun();
	expect(await listening(port)).toBe(true);
}, 300_000);
