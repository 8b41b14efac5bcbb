/**
 * n8n queue mode with the PostgreSQL ledger, proven once: a main n8n enqueues the per-CDR webhook workflow, one worker
 * runs it (Redis queue, n8n's own data in PostgreSQL), and a burst of 200 pushed CDRs leaves 200 invoices numbered
 * 1..200 with no duplicate and no gap; pushing 20 of them again invoices nothing new.
 * EV_CLEARING_QUEUE_WORKERS (default 1) and EV_CLEARING_QUEUE_BURST (default 200) scale it: scripts/bench/n8n-queue.js
 * runs it with 1 and 2 workers and reports the throughput from the timings it prints.
 *
 * Needs redis-server and PostgreSQL (scripts/ci/install-system-packages.sh); everything listens on 127.0.0.1 only.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

import { Client } from 'pg';

import { openLedger } from '../../lib/ledger';
import type { InvoiceSummary, Ledger } from '../../lib/ledger';
import { Decimal } from '../../lib/money';
import type { Cdr, Tariff } from '../../lib/ocpi/types';
import { cdrKey } from '../../lib/ocpi/types';
import { createPricer } from '../../lib/pricing';
import type { JsonObject, N8nServer } from './n8n';
import { N8nSandbox, REPO_ROOT, ensureN8n, freePort, loadWorkflow } from './n8n';

const run = promisify(execFile);
const QUEUE_SCRIPTS = path.join(REPO_ROOT, 'scripts/n8n/queue');
const SAMPLES = path.join(REPO_ROOT, 'samples');
const NODE = path.join(REPO_ROOT, 'node_modules/.bin/node');

const BURST = Number(process.env.EV_CLEARING_QUEUE_BURST ?? 200);
const WORKERS = Number(process.env.EV_CLEARING_QUEUE_WORKERS ?? 1);
const IN_FLIGHT = 20;
const REPOSTED = 20;
const WORKER_CONCURRENCY = 5;
const SERIES = 'QUEUE';
const LEDGER_SCHEMA = 'clearing';
const CREDENTIAL = { id: 'evcQueueLedger01', name: 'EV Clearing ledger (queue e2e)' };

const tariffs = JSON.parse(readFileSync(path.join(SAMPLES, 'tariffs.json'), 'utf8')) as Tariff[];
const invoicing = JSON.parse(readFileSync(path.join(SAMPLES, 'invoice-config.json'), 'utf8')) as JsonObject;
const sample = (JSON.parse(readFileSync(path.join(SAMPLES, 'cdrs.json'), 'utf8')) as Cdr[]).find(
	(cdr) => cdr.id === 'FREVC2610020001',
)!;

/** 200 distinct valid CDRs: the sample (FR*MOB, AC, energy only) with its own id and the session k × 3 minutes earlier. */
function burstCdrs(): Cdr[] {
	const shift = (iso: string, minutes: number) =>
		new Date(Date.parse(iso) - minutes * 60_000).toISOString().replace('.000Z', 'Z');
	return Array.from({ length: BURST }, (_, k) => {
		const cdr = structuredClone(sample);
		const minutes = k * 3;
		cdr.id = `FREVCQ${String(k + 1).padStart(4, '0')}`;
		cdr.session_id = `${cdr.id}-S`;
		cdr.start_date_time = shift(cdr.start_date_time, minutes);
		cdr.end_date_time = shift(cdr.end_date_time, minutes);
		cdr.last_updated = shift(cdr.last_updated, minutes);
		for (const period of cdr.charging_periods) period.start_date_time = shift(period.start_date_time, minutes);
		return cdr;
	});
}

/** Runs `task` over `inputs` with at most `limit` at once; results in input order. */
async function boundedAll<T, R>(inputs: T[], limit: number, task: (input: T) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(inputs.length);
	let next = 0;
	const lane = async () => {
		while (next < inputs.length) {
			const index = next++;
			results[index] = await task(inputs[index]);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, lane));
	return results;
}

interface Daemon {
	child: ChildProcess;
	log(): string;
	stop(): Promise<void>;
}

/** A child process whose output is kept for failure messages; stop() sends SIGTERM, then SIGKILL after `killAfterMs`. */
function daemon(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, killAfterMs = 10_000): Daemon {
	const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
	let log = '';
	child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
	child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	return {
		child,
		log: () => log,
		stop: async () => {
			if (child.exitCode !== null || child.signalCode !== null) return;
			child.kill('SIGTERM');
			const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
			await exited;
			clearTimeout(killer);
		},
	};
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number, log: () => string) {
	const until = Date.now() + timeoutMs;
	while (Date.now() < until) {
		if (await probe().catch(() => false)) return;
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
	throw new Error(`${what} not ready after ${timeoutMs} ms.\n${log().slice(-4000)}`);
}

function redisAnswersPing(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1');
		socket.setTimeout(1000, () => socket.destroy());
		socket.once('error', () => resolve(false));
		socket.once('close', () => resolve(false));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => {
			resolve(data.toString().startsWith('+PONG'));
			socket.end();
		});
	});
}

interface Posted {
	cdrId: string;
	status: number;
	body: JsonObject;
}

async function postCdr(baseUrl: string, cdr: Cdr): Promise<Posted> {
	const response = await fetch(`${baseUrl}/webhook/cdrs`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(cdr),
		signal: AbortSignal.timeout(30_000),
	});
	const text = await response.text();
	let body: JsonObject;
	try {
		body = JSON.parse(text) as JsonObject;
	} catch {
		body = { unparsed: text.slice(0, 500) };
	}
	return { cdrId: cdr.id, status: response.status, body };
}

/** The documents a burst answer lists: its own invoice, plus any the run rendered again as "recovered". */
const answered = (posted: Posted) => (posted.body.data as JsonObject).invoices as JsonObject[];
const ownNumber = (posted: Posted) => String(answered(posted).find((i) => i.recovered === false)?.number);

const suffix = randomBytes(4).toString('hex');
const n8nDatabase = `n8n_queue_${suffix}`;
const ledgerDatabase = `evc_ledger_queue_${suffix}`;
const cdrs = burstCdrs();

let n8nDbUrl = '';
let ledgerUrl = '';
let redis: Daemon | undefined;
const workers: Daemon[] = [];
let mainSandbox: N8nSandbox | undefined;
let workerSandboxes: N8nSandbox[] = [];
let main: N8nServer | undefined;
let ledger: Ledger | undefined;
let workflowId = '';
const createdDatabases: string[] = [];
const timings: Record<string, number | number[]> = {};

async function createDatabase(name: string): Promise<string> {
	const { stdout } = await run('bash', [path.join(QUEUE_SCRIPTS, 'n8n-database.sh'), 'create', name], {
		timeout: 90_000,
	});
	createdDatabases.push(name);
	return stdout.trim().split('\n').pop()!;
}

// A cold n8n install (first run on a machine) takes minutes; everything after it is bounded below.
beforeAll(() => ensureN8n(), 30 * 60_000);

beforeAll(async () => {
	const started = Date.now();
	n8nDbUrl = await createDatabase(n8nDatabase);
	ledgerUrl = await createDatabase(ledgerDatabase);
	const pg = new URL(n8nDbUrl);

	const redisPort = await freePort();
	redis = daemon('bash', [path.join(QUEUE_SCRIPTS, 'start-redis.sh'), String(redisPort)], process.env, REPO_ROOT);
	await waitUntil('redis-server', () => redisAnswersPing(redisPort), 15_000, () => redis!.log());

	// What must be the same on main and every worker: n8n's database, the queue, the encryption key (n8nEnv sets one
	// for every sandbox) and the package in each user folder.
	const queueEnv: NodeJS.ProcessEnv = {
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: pg.hostname,
		DB_POSTGRESDB_PORT: pg.port,
		DB_POSTGRESDB_DATABASE: n8nDatabase,
		DB_POSTGRESDB_USER: 'postgres',
		DB_POSTGRESDB_PASSWORD: '',
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redisPort),
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
	};
	[mainSandbox, ...workerSandboxes] = await Promise.all(
		Array.from({ length: 1 + WORKERS }, () => N8nSandbox.create({ env: queueEnv })),
	);
	timings.setupMs = Date.now() - started;

	// The ledger credential, created headless: import:credentials encrypts plain `data` with N8N_ENCRYPTION_KEY.
	const credentialsFile = path.join(mainSandbox.userFolder, 'queue-credentials.json');
	const ledgerPg = new URL(ledgerUrl);
	writeFileSync(
		credentialsFile,
		JSON.stringify([
			{
				...CREDENTIAL,
				type: 'evClearingPostgresLedgerApi',
				data: {
					host: ledgerPg.hostname,
					port: Number(ledgerPg.port),
					database: ledgerDatabase,
					user: 'postgres',
					password: '',
					schema: LEDGER_SCHEMA,
					ssl: false,
				},
			},
		]),
	);
	const imported = await mainSandbox.cli(['import:credentials', `--input=${credentialsFile}`]);
	if (imported.code !== 0 || !/Successfully imported 1 credential/.test(imported.stdout + imported.stderr)) {
		throw new Error(`import:credentials failed (${imported.code}):\n${imported.stdout}\n${imported.stderr}`);
	}

	const workflow = loadWorkflow(path.join(__dirname, 'fixtures/queue-per-cdr.workflow.json'), {
		__TARIFFS_JSON__: JSON.stringify(tariffs),
		__SELLER_JSON__: JSON.stringify(invoicing.seller),
		__PARTNERS_JSON__: JSON.stringify(invoicing.partners),
		__SERIES__: SERIES,
	});
	workflowId = await mainSandbox.importWorkflow(workflow);
	await mainSandbox.publishWorkflow(workflowId);

	const startMain = mainSandbox.startN8n({ readyTimeoutMs: 90_000 });
	startMain.catch(() => undefined); // awaited below; a worker failure first must not leave it unhandled
	for (const workerSandbox of workerSandboxes) {
		const [healthPort, brokerPort] = [await freePort(), await freePort()];
		const worker = daemon(
			NODE,
			[workerSandbox.install.bin, 'worker', `--concurrency=${WORKER_CONCURRENCY}`],
			workerSandbox.env({
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			}),
			workerSandbox.userFolder,
		);
		workers.push(worker);
		await waitUntil(
			'n8n worker',
			async () => (await fetch(`http://127.0.0.1:${healthPort}/healthz/readiness`)).ok,
			90_000,
			() => worker.log(),
		);
	}
	main = await startMain;
	await main.waitForWebhook('cdrs');
	timings.readyMs = Date.now() - started;

	ledger = await openLedger({ kind: 'postgres', connectionString: ledgerUrl, schema: LEDGER_SCHEMA });
}, 150_000 + 90_000 * (WORKERS - 1));

afterAll(async () => {
	// Everything this file started, whatever failed: n8n main and worker, redis, the two databases.
	await ledger?.close().catch(() => undefined);
	await Promise.allSettled([...workers.map((w) => w.stop()), main?.stop()]);
	await Promise.allSettled([mainSandbox?.dispose(), ...workerSandboxes.map((w) => w.dispose())]);
	await redis?.stop();
	for (const name of createdDatabases) {
		await run('bash', [path.join(QUEUE_SCRIPTS, 'n8n-database.sh'), 'drop', name], { timeout: 60_000 }).catch(
			(error: Error) => process.stderr.write(`[queue e2e] could not drop ${name}: ${error.message}\n`),
		);
	}
	if (Object.keys(timings).length > 0) process.stderr.write(`[queue e2e] timings ${JSON.stringify(timings)}\n`);
}, 60_000);

describe(`n8n queue mode: main + ${WORKERS} worker(s), the per-CDR webhook workflow, the PostgreSQL ledger`, () => {
	let burst: Posted[];
	let reposted: Posted[];
	let invoices: InvoiceSummary[];

	it('prices every generated CDR at 5.20 EUR excl. VAT in-process (what the ledger must hold)', () => {
		const pricer = createPricer({ tariffs, tolerance: { absolute: 0.01 } });
		expect(new Set(cdrs.map((cdr) => cdr.id)).size).toBe(BURST);
		for (const cdr of cdrs) {
			const priced = pricer.price(cdr);
			expect({ id: cdr.id, status: priced.status }).toEqual({ id: cdr.id, status: 'match' });
			expect(new Decimal(priced.computed?.total_cost.excl_vat ?? NaN).toFixed(2)).toBe('5.20');
		}
	});

	it(`answers ${BURST} CDRs pushed ${IN_FLIGHT} at a time with the OCPI envelope and one invoice each`, async () => {
		const started = Date.now();
		burst = await boundedAll(cdrs, IN_FLIGHT, (cdr) => postCdr(main!.baseUrl, cdr));
		timings.burstMs = Date.now() - started;
		timings.burst = BURST;
		timings.workers = WORKERS;

		const unexpected = burst.filter((p) => p.status !== 200 || p.body.status_code !== 1000);
		expect(unexpected.slice(0, 3)).toEqual([]);
		for (const posted of burst) {
			const data = posted.body.data as JsonObject;
			expect({ cdr: data.cdr_id, status: data.status }).toEqual({ cdr: posted.cdrId, status: 'invoiced' });
			const own = (data.invoices as JsonObject[]).filter((invoice) => invoice.recovered === false);
			expect(own).toEqual([
				{ number: expect.stringMatching(/^QUEUE-\d{6}$/), cdr_ids: [posted.cdrId], recovered: false, total_excl_vat: '5.20' },
			]);
		}
		expect(new Set(burst.map(ownNumber)).size).toBe(BURST);
		timings.answersWithRecoveredDocuments = burst.filter((p) => answered(p).some((i) => i.recovered !== false)).length;
	}, 90_000 + BURST * 500);

	it(`records ${BURST} invoices numbered QUEUE-000001..QUEUE-${String(BURST).padStart(6, '0')}: no duplicate, no gap, each CDR exactly once`, async () => {
		invoices = await ledger!.listInvoices({ series: SERIES });
		expect(invoices).toHaveLength(BURST);
		expect(invoices.map((i) => i.sequence)).toEqual(Array.from({ length: BURST }, (_, k) => k + 1));
		expect(invoices.map((i) => i.number)).toEqual(
			Array.from({ length: BURST }, (_, k) => `QUEUE-${String(k + 1).padStart(6, '0')}`),
		);
		for (const invoice of invoices) {
			expect({ n: invoice.number, totals: invoice.totals, buyer: invoice.buyer, type: invoice.typeCode }).toEqual({
				n: invoice.number,
				totals: { withoutVat: '5.20', vat: '1.04', withVat: '6.24' },
				buyer: { countryCode: 'FR', partyId: 'MOB' },
				type: '380',
			});
		}

		const byCdr = await ledger!.findInvoicedCdrs(cdrs);
		expect(byCdr.size).toBe(BURST);
		// The ledger's CDR → invoice links are the numbers each webhook answered.
		for (const posted of burst) {
			const cdr = cdrs.find((c) => c.id === posted.cdrId)!;
			expect({ cdr: cdr.id, number: byCdr.get(cdrKey(cdr)) }).toEqual({ cdr: cdr.id, number: ownNumber(posted) });
		}
		expect(await ledger!.listUnrendered()).toEqual([]);
	});

	// Recovery of unrendered documents only takes those older than a grace period (lib/invoice/issue.ts): a concurrent
	// execution's fresh document is never rendered (or delivered) a second time.
	it('renders each invoice once: no execution renders a concurrent execution\'s document again', async () => {
		const rendered = await ledger!.events({ type: 'INVOICE_RENDERED' });
		timings.renderEvents = rendered.length;
		expect(new Set(rendered.map((e) => e.invoiceNumber)).size).toBe(BURST);
		expect(burst.filter((p) => answered(p).length !== 1).map((p) => p.cdrId)).toEqual([]);
		expect(rendered).toHaveLength(BURST);
	});

	it(`re-posting ${REPOSTED} of the CDRs invoices nothing new and answers their existing numbers`, async () => {
		const again = cdrs.filter((_, k) => k % (BURST / REPOSTED) === 0);
		expect(again).toHaveLength(REPOSTED);
		reposted = await boundedAll(again, IN_FLIGHT, (cdr) => postCdr(main!.baseUrl, cdr));
		const firstNumber = new Map(burst.map((p) => [p.cdrId, ownNumber(p)]));
		for (const posted of reposted) {
			expect({ status: posted.status, code: posted.body.status_code, data: posted.body.data }).toEqual({
				status: 200,
				code: 1000,
				data: { cdr_id: posted.cdrId, status: 'already_invoiced', invoice_number: firstNumber.get(posted.cdrId) },
			});
		}
		expect(await ledger!.listInvoices({ series: SERIES })).toHaveLength(BURST);
		expect(await ledger!.listInvoices({ series: `${SERIES}CN` })).toEqual([]);
	}, 60_000);

	it(`ran all ${BURST + REPOSTED} executions on the worker(s), none on main`, async () => {
		const executions = async () => {
			const client = new Client({ connectionString: n8nDbUrl });
			await client.connect();
			try {
				const sql = 'SELECT id::text AS id, status, mode FROM execution_entity WHERE "workflowId" = $1 ORDER BY id';
				return (await client.query<{ id: string; status: string; mode: string }>(sql, [workflowId])).rows;
			} finally {
				await client.end();
			}
		};
		// The worker logs each job it runs; main, in queue mode, only enqueues.
		const finishedBy = (worker: Daemon) => [...worker.log().matchAll(/Worker finished execution (\d+)/g)].map((match) => match[1]);
		const finishedOnWorker = () => new Set(workers.flatMap(finishedBy));
		// Respond to Webhook answers before the execution ends: wait (bounded) for the worker to finish the last ones.
		const finished = (row: { id: string; status: string }, logged: Set<string>) =>
			!['new', 'running'].includes(row.status) && logged.has(row.id);
		await waitUntil(
			'the last executions',
			async () => {
				const logged = finishedOnWorker();
				return (await executions()).filter((row) => finished(row, logged)).length >= BURST + REPOSTED;
			},
			30_000,
			() => workers.map((w) => w.log()).join('\n'),
		);
		const rows = await executions();
		expect(rows).toHaveLength(BURST + REPOSTED);
		expect(new Set(rows.map((r) => `${r.mode}/${r.status}`))).toEqual(new Set(['webhook/success']));

		const logged = finishedOnWorker();
		expect(rows.filter((r) => !logged.has(r.id)).map((r) => r.id)).toEqual([]);
		expect(main!.log()).not.toMatch(/Worker (started|finished) execution/);
		timings.executions = rows.length;
		timings.perWorker = workers.map((w) => finishedBy(w).length);
	});
});
