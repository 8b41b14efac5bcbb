'use strict';
/**
 * Throughput of the per-CDR OCPI push workflow in n8n queue mode (Redis + PostgreSQL ledger), with 1 and 2 workers:
 * runs test/e2e/queue-mode.e2e.test.ts (which proves no gap, no duplicate, every execution on a worker) with
 * EV_CLEARING_QUEUE_WORKERS and EV_CLEARING_QUEUE_BURST, and reads the timings it prints.
 *
 * Usage: node scripts/bench/n8n-queue.js [--burst 1000] [--workers 1,2]
 * Needs redis-server and PostgreSQL (scripts/ci/install-system-packages.sh); EV_CLEARING_PG_PORT / _DIR as for tests.
 */
const { spawn } = require('node:child_process');
const path = require('node:path');
const { parseArgs } = require('node:util');

const root = path.resolve(__dirname, '../..');
const { values } = parseArgs({ options: { burst: { type: 'string', default: '1000' }, workers: { type: 'string', default: '1,2' } } });

function runQueueTest(workers, burst) {
	return new Promise((resolve, reject) => {
		const child = spawn(
			path.join(root, 'node_modules/.bin/jest'),
			['-c', 'jest.e2e.config.js', 'test/e2e/queue-mode.e2e.test.ts'],
			{
				cwd: root,
				env: { ...process.env, EV_CLEARING_QUEUE_WORKERS: String(workers), EV_CLEARING_QUEUE_BURST: String(burst) },
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		let log = '';
		child.stdout.setEncoding('utf8').on('data', (c) => (log += c));
		child.stderr.setEncoding('utf8').on('data', (c) => (log += c));
		child.on('error', reject);
		child.on('close', (code) => {
			const match = /\[queue e2e\] timings (\{.*\})/.exec(log);
			const passed = /Tests:\s+(\d+) passed, (\d+) total/.exec(log);
			if (code !== 0 || !match) return reject(new Error(`queue-mode e2e with ${workers} worker(s) failed (exit ${code}):\n${log.slice(-4000)}`));
			resolve({ ...JSON.parse(match[1]), tests: passed ? `${passed[1]}/${passed[2]} passed` : 'unknown' });
		});
	});
}

async function main() {
	const burst = Number(values.burst);
	const results = [];
	for (const workers of values.workers.split(',').map(Number)) {
		process.stderr.write(`[bench queue] ${burst} CDRs pushed 20 at a time, ${workers} worker(s) of concurrency 5 ...\n`);
		const t = await runQueueTest(workers, burst);
		const perSecond = burst / (t.burstMs / 1000);
		results.push({ workers, burst, seconds: t.burstMs / 1000, cdrsPerSecond: Number(perSecond.toFixed(1)), perWorker: t.perWorker, tests: t.tests });
		process.stdout.write(
			`queue mode, ${workers} worker(s): ${burst} CDRs in ${(t.burstMs / 1000).toFixed(1)} s = ${perSecond.toFixed(1)} CDRs/s ` +
				`(executions per worker ${JSON.stringify(t.perWorker)}); ${t.tests}: numbers 1..${burst}, no gap, no duplicate\n`,
		);
	}
	process.stdout.write(JSON.stringify(results) + '\n');
}

main().catch((error) => {
	process.stderr.write(`[bench queue] ${error.message}\n`);
	process.exitCode = 1;
});
