'use strict';
/**
 * Clearing Console at volume: seeds a ledger with invoices and their CDRs (console-seed.js: the rows issue and
 * recordEvent write), payments, disputes, reminders and deliveries on part of them, then serves the console on a local
 * port and measures p50 / p95 of list and detail requests (JSON twins and HTML pages) over HTTP.
 *
 *   node scripts/bench/console-bench.js [--invoices 100000] [--cdrs 2000000] [--requests 200]
 *                                       [--ledger <file> | --pg <postgresql://…>] [--keep]
 * A ledger already holding the invoices is reused (seeding 100,000 invoices takes minutes). `npm run build` first.
 * Prints one JSON line per measure and a table.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

const root = path.resolve(__dirname, '../..');
const dist = (p) => require(path.join(root, 'dist', p));
const { openLedger } = dist('lib/ledger');
const { createConsole, serveConsole } = dist('lib/console');
const { seedLedger, numberOf } = require('./console-seed');

const { values } = parseArgs({
	options: {
		invoices: { type: 'string', default: '100000' },
		cdrs: { type: 'string', default: '2000000' },
		requests: { type: 'string', default: '200' },
		ledger: { type: 'string' },
		pg: { type: 'string' },
		schema: { type: 'string', default: 'console_bench' },
		keep: { type: 'boolean', default: false },
	},
});
const INVOICES = Number(values.invoices);
const CDRS = Number(values.cdrs);
const REQUESTS = Number(values.requests);
const TOKEN = 'console-bench-token-0123456789';
const log = (line) => process.stdout.write(JSON.stringify(line) + '\n');

function percentile(sorted, p) {
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(base, name, paths) {
	const times = [];
	for (const route of paths) {
		const started = process.hrtime.bigint();
		const response = await fetch(`${base}${route}`, { headers: { authorization: `Bearer ${TOKEN}`, accept: route.startsWith('/api/') ? 'application/json' : 'text/html' } });
		await response.arrayBuffer();
		if (response.status !== 200) throw new Error(`${route}: ${response.status}`);
		times.push(Number(process.hrtime.bigint() - started) / 1e6);
	}
	times.sort((a, b) => a - b);
	const line = { kind: 'measure', name, requests: times.length, p50Ms: +percentile(times, 50).toFixed(1), p95Ms: +percentile(times, 95).toFixed(1), maxMs: +times[times.length - 1].toFixed(1) };
	log(line);
	return line;
}

async function main() {
	const temporary = !values.ledger && !values.pg ? fs.mkdtempSync(path.join(os.tmpdir(), 'console-bench-')) : undefined;
	const config = values.pg
		? { kind: 'postgres', connectionString: values.pg, schema: values.schema }
		: { kind: 'sqlite', path: values.ledger ?? path.join(temporary, 'ledger.sqlite') };
	let ledger = await openLedger(config);
	try {
		await ledger.close();
		const perInvoice = Math.max(1, Math.round(CDRS / INVOICES));
		log({ kind: 'seed', ...(await seedLedger(config, INVOICES, perInvoice, (n) => process.stderr.write(`seeded ${n} / ${INVOICES} invoices\n`))) });
		ledger = await openLedger(config);
		let started = Date.now();
		const console = await createConsole({ ledger, today: () => '2026-12-15', auth: { token: TOKEN, tokenRole: 'viewer' } });
		const served = await serveConsole(console, { port: 0, host: '127.0.0.1' });
		log({ kind: 'startup', serving: true, ms: Date.now() - started });
		// Lists by number, date or amount and detail pages before the read model exists (the first seconds after start).
		const early = await measure(served.url, 'before the read model: list by number + detail', Array.from({ length: 20 }, (_, i) => (i % 2 ? `/api/invoices?page=${i}` : `/api/invoices/${numberOf(1 + ((i * 4999) % INVOICES))}`)));
		const index = await console.index();
		log({ kind: 'startup', documents: index.size, readModelMs: Date.now() - started, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) });
		const pick = (i) => numberOf(1 + ((i * 7919) % INVOICES));
		// Half paged by the ledger (order by number, date, amount), half by the read model (derived statuses).
		const lists = [
			'/api/invoices',
			'/api/invoices?status=overdue',
			'/api/invoices?status=paid&sort=total&dir=desc',
			'/api/invoices?emsp=DE*CHP&period=2026-03',
			'/api/invoices?status=partially_paid&sort=residual&dir=desc',
			'/api/invoices?sort=dueDate&dir=asc&page=40',
			'/api/invoices?q=BENCH-00123',
			'/api/invoices?type=380&status=disputed&pageSize=200',
			'/api/invoices?sort=total&dir=desc&page=1500',
			`/api/invoices?q=${numberOf(77777).replace('BENCH-', 'BENCH')}C05`,
		];
		const listPaths = Array.from({ length: REQUESTS }, (_, i) => lists[i % lists.length]);
		// Warm: the first request of a kind compiles code paths; measured requests are the steady state.
		await measure(served.url, 'warm-up', [...lists, `/api/invoices/${pick(1)}`]);
		const results = [];
		results.push(await measure(served.url, 'list JSON (/api/invoices, filters, sorts, pages)', listPaths));
		results.push(await measure(served.url, 'list page (/invoices)', listPaths.map((p) => p.replace('/api/invoices', '/invoices')).slice(0, Math.ceil(REQUESTS / 2))));
		results.push(await measure(served.url, 'detail JSON (/api/invoices/:n)', Array.from({ length: REQUESTS }, (_, i) => `/api/invoices/${pick(i)}`)));
		results.push(await measure(served.url, 'detail page (/invoices/:n)', Array.from({ length: Math.ceil(REQUESTS / 2) }, (_, i) => `/invoices/${pick(i + 1000)}`)));
		results.push(await measure(served.url, 'overview (/api/overview)', Array.from({ length: 20 }, () => '/api/overview?period=2026-03')));
		started = Date.now();
		await fetch(`${served.url}/api/invoices.csv`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.arrayBuffer());
		log({ kind: 'measure', name: 'CSV export of every invoice', ms: Date.now() - started });
		await served.close();
		process.stderr.write(`\n${config.kind} ledger, ${index.size} documents\n| request | p50 ms | p95 ms | max ms |\n| --- | --- | --- | --- |\n`);
		for (const r of [early, ...results]) process.stderr.write(`| ${r.name} | ${r.p50Ms} | ${r.p95Ms} | ${r.maxMs} |\n`);
	} finally {
		await ledger.close();
		if (temporary && !values.keep) fs.rmSync(temporary, { recursive: true, force: true });
	}
}

main().catch((error) => {
	process.stderr.write(`${error.stack ?? error}\n`);
	// exit, not exitCode: the console's server may still be listening, and CI must not wait on it.
	process.exit(1);
});
