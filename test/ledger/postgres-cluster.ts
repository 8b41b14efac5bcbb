/**
 * Tests stop what they start (issue 13.13): the jest global setup notes whether the private test cluster
 * (scripts/ci/start-postgres.sh, started on demand by postgres-server.ts) was already running; the global teardown
 * stops it only when this run started it. A server given by EV_CLEARING_PG_URL, or one running before, stays.
 */
import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';

const port = Number(process.env.EV_CLEARING_PG_PORT || 54329);
const RUNNING_BEFORE = '__evClearingTestClusterRunningBefore';

function listening(): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect({ host: '127.0.0.1', port });
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

export async function noteRunningCluster(): Promise<void> {
	(globalThis as Record<string, unknown>)[RUNNING_BEFORE] = Boolean(process.env.EV_CLEARING_PG_URL) || (await listening());
}

export async function stopClusterStartedByRun(): Promise<void> {
	if ((globalThis as Record<string, unknown>)[RUNNING_BEFORE] !== false || !(await listening())) return;
	const script = join(__dirname, '..', '..', 'scripts', 'ci', 'stop-postgres.sh');
	execFileSync('bash', [script], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 });
}
