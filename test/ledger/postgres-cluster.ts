/**
 * Tests stop what they start (issue 13.13): the jest global setup notes whether the private test cluster
 * (scripts/ci/start-postgres.sh, started on demand by postgres-server.ts) was already running; the global teardown
 * stops it only when this run started it. A server given by EV_CLEARING_PG_URL, or one running before, stays.
 */
import { execFileSync } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

const port = Number(process.env.EV_CLEARING_PG_PORT || 54329);
const RUNNING_BEFORE = '__evClearingTestClusterRunningBefore';

/** Whether a server accepts connections on the port (127.0.0.1). */
export function listening(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect({ host: '127.0.0.1', port });
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

/** A port nothing listens on: bound by the OS, then released. */
export async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	const { port: free } = server.address() as { port: number };
	await new Promise((done) => server.close(done));
	return free;
}

export async function noteRunningCluster(): Promise<void> {
	(globalThis as Record<string, unknown>)[RUNNING_BEFORE] = Boolean(process.env.EV_CLEARING_PG_URL) || (await listening(port));
}

export async function stopClusterStartedByRun(): Promise<void> {
	if ((globalThis as Record<string, unknown>)[RUNNING_BEFORE] !== false || !(await listening(port))) return;
	const script = join(__dirname, '..', '..', 'scripts', 'ci', 'stop-postgres.sh');
	execFileSync('bash', [script], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 });
}
