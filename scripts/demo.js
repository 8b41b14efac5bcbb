'use strict';
/**
 * `npm run demo`: the monthly clearing workflow (workflows/monthly-clearing.json) run headless in a real n8n 2.x on the
 * bundled sample CDRs and tariffs. Embedded defaults, nothing to configure: a SQLite ledger and the files in ./out, the
 * e-mails caught by a local SMTP sink this script starts (saved as out/mail/*.eml). Prints a summary at the end.
 * `npm run demo -- --cdrs 100000` runs it on that many generated CDRs (scripts/bench/generate.js) instead: the workflow
 * moves CDRs as files, so any volume works.
 *
 * Results are read from what the workflow writes (out/run-summary.json) and from n8n's database (status, run data
 * size), never parsed from n8n's stdout. The output folder is marked as the demo's (out/.ev-clearing-demo): the demo
 * empties only a folder it made, and refuses to touch a ledger.sqlite it did not create.
 *
 * n8n is installed on first use into the machine cache (scripts/n8n/install.sh, a few minutes, then reused); this
 * package is installed into a throw-away n8n user folder as a community package, as n8n's own installer does.
 * Environment: EV_CLEARING_OUT (default ./out), EV_CLEARING_E2E_KEEP=1 keeps the n8n user folder,
 * EV_CLEARING_PACKAGE_TGZ installs that packed archive instead of packing the repository.
 * Expects `npm run build` to have run.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { SMTPServer } = require('smtp-server');

const repo = path.resolve(__dirname, '..');
const out = path.resolve(process.env.EV_CLEARING_OUT || path.join(repo, 'out'));
const nodeBin = path.join(repo, 'node_modules/.bin');
const WORKFLOW = path.join(repo, 'workflows/monthly-clearing.json');
const SMTP_CREDENTIAL = { id: 'evcSmtpSample001', name: 'SMTP (EV Clearing) - your relay', type: 'evClearingSmtp' };
/** The credentials the sample workflows name that need no secret (the ledger: a SQLite file in the output folder). */
const SAMPLE_CREDENTIALS = path.join(repo, 'scripts/n8n/sample-credentials.json');

/** The sample CDRs are from October 2026: the run is pinned to early November so that it is the same every day. */
const DEMO_DATES = { now: '2026-11-01T00:00:00Z', issueDate: '2026-11-02', asOf: '2026-11-02' };

const say = (message) => process.stderr.write(`[demo] ${message}\n`);

function run(command, args, options = {}) {
	return new Promise((resolve, reject) => {
		// stdoutFile: the output goes to that file, never into memory (n8n prints whole runs).
		const stdio = ['ignore', options.stdoutFile ? fs.openSync(options.stdoutFile, 'w') : 'pipe', 'pipe'];
		const child = spawn(command, args, { cwd: options.cwd || repo, env: options.env || process.env, stdio });
		if (typeof stdio[1] === 'number') fs.closeSync(stdio[1]);
		let stdout = '';
		let stderr = '';
		child.stdout?.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk) => {
			stderr += chunk;
			if (options.echo) process.stderr.write(chunk);
		});
		child.on('error', reject);
		child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
	});
}

function failed(what, result) {
	const tail = (text) => text.split('\n').slice(-30).join('\n');
	return new Error(`${what} failed (exit ${result.code ?? result.signal}).\n${tail(result.stdout)}\n${tail(result.stderr)}`);
}

function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Fills __SAMPLES__, __REPO__, __OUT__ in every string value, as scripts/n8n/n8n-env.sh does. */
function fill(value, vars) {
	if (typeof value === 'string') return Object.entries(vars).reduce((s, [key, v]) => s.split(key).join(v), value);
	if (Array.isArray(value)) return value.map((v) => fill(v, vars));
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
	return value;
}

/**
 * The monthly workflow as the demo runs it: placeholders filled and the dates pinned (Validate CDR's reference time,
 * Build Invoice's issue date, the report's aging date). Exported for the end-to-end test.
 */
function demoWorkflow(outDir, dates = DEMO_DATES, input = undefined) {
	const workflow = fill(JSON.parse(fs.readFileSync(WORKFLOW, 'utf8')), {
		__SAMPLES__: path.join(repo, 'samples'),
		__REPO__: repo,
		__OUT__: outDir,
	});
	const byName = (name) => {
		const node = workflow.nodes.find((n) => n.name === name);
		if (!node) throw new Error(`${WORKFLOW} has no node "${name}".`);
		return node;
	};
	byName('Validate CDR').parameters.options = { ...byName('Validate CDR').parameters.options, now: dates.now };
	byName('Build Invoice').parameters.options = { ...byName('Build Invoice').parameters.options, issueDate: dates.issueDate };
	byName('Clearing Report').parameters.asOf = dates.asOf;
	byName('Clearing Report').parameters.title = input
		? 'Clearing report: EV Charge France, generated CDRs (demo)'
		: 'Clearing report: EV Charge France, October 2026 (demo)';
	if (input) {
		byName('Read CDRs').parameters.fileSelector = input.cdrFile;
		byName('Read Tariffs').parameters.fileSelector = input.tariffFile;
	}
	return workflow;
}

/** The sample credentials (scripts/n8n/sample-credentials.json) for `n8n import:credentials`, the ledger in `outDir`. */
function sampleCredentials(outDir) {
	return fill(JSON.parse(fs.readFileSync(SAMPLE_CREDENTIALS, 'utf8')), { __SAMPLES__: path.join(repo, 'samples'), __REPO__: repo, __OUT__: outDir });
}

/** A local SMTP sink: accepts everything without TLS or login and keeps each message as .eml in `dir`. */
async function startSmtpSink(dir) {
	fs.mkdirSync(dir, { recursive: true });
	const messages = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['AUTH', 'STARTTLS'],
		logger: false,
		onData(stream, session, callback) {
			const chunks = [];
			stream.on('data', (chunk) => chunks.push(chunk));
			stream.on('end', () => {
				const raw = Buffer.concat(chunks);
				const to = session.envelope.rcptTo.map((r) => r.address);
				const file = path.join(dir, `${String(messages.length + 1).padStart(2, '0')}-${to[0] || 'unknown'}.eml`);
				fs.writeFileSync(file, raw);
				messages.push({ to, file, subject: /^Subject: (.*)$/m.exec(raw.toString('utf8'))?.[1] ?? '' });
				callback();
			});
		},
	});
	const port = await freePort();
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', resolve);
	});
	return { port, messages, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * The demo's own output folder holds this marker: the demo wipes the ledger and outputs of a folder it made, never a
 * ledger it did not create (an earlier real run, a colleague's test ledger).
 */
const MARKER = '.ev-clearing-demo';
const DEMO_ENTRIES = [
	'ledger.sqlite',
	'ledger.sqlite-wal',
	'ledger.sqlite-shm',
	'invoices',
	'batches',
	'mail',
	'report.html',
	'run-summary.json',
];

/** Empties the demo's outputs in `dir`, or refuses when `dir` holds a ledger the demo did not make. */
function prepareOutput(dir) {
	const marker = path.join(dir, MARKER);
	const ledger = path.join(dir, 'ledger.sqlite');
	if (fs.existsSync(ledger) && !fs.existsSync(marker)) {
		throw new Error(
			`${ledger} exists and was not created by the demo: it is left untouched. Move it away, or run the demo ` +
				'elsewhere: EV_CLEARING_OUT=/tmp/ev-clearing-demo npm run demo',
		);
	}
	fs.mkdirSync(dir, { recursive: true });
	for (const entry of DEMO_ENTRIES) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
	fs.writeFileSync(marker, 'This folder and its ledger.sqlite are made by `npm run demo`, which empties them on each run.\n');
	for (const sub of ['invoices', 'batches', 'mail']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
}

/**
 * The last execution recorded in n8n's own database (SQLite): its status and the size of its run data. Read there,
 * not from `n8n execute`'s stdout, which a pipe cuts at a few MB.
 */
function lastExecution(userFolder) {
	const { DatabaseSync } = require('node:sqlite');
	const db = new DatabaseSync(path.join(userFolder, '.n8n', 'database.sqlite'), { readOnly: true });
	try {
		const row = db.prepare('SELECT id, status, finished FROM execution_entity ORDER BY id DESC LIMIT 1').get();
		if (!row) return undefined;
		const data = db.prepare('SELECT length(data) AS bytes FROM execution_data WHERE executionId = ?').get(row.id);
		return { id: row.id, status: row.status, runDataBytes: data ? data.bytes : null };
	} finally {
		db.close();
	}
}

/** What the workflow wrote in run-summary.json: the Clearing Report node's JSON (counts, documents, deliveries). */
function readRunSummary(dir) {
	const file = path.join(dir, 'run-summary.json');
	if (!fs.existsSync(file)) throw new Error(`The workflow wrote no ${file}: see n8n's log above.`);
	const parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
	return Array.isArray(parsed) ? parsed[0] : parsed;
}

function summary(report, sink, execution, source) {
	const rel = (p) => path.relative(process.cwd(), p) || '.';
	const { cdrs, pricing, invoices } = report;
	const deliveries = invoices.documents.flatMap((d) => d.deliveries);
	const sent = deliveries.filter((d) => d.status === 'sent').length;
	const codes = (list) => list.map((c) => `${c.code} ${c.count}`).join(', ');
	const lines = [
		'',
		`Monthly clearing, run by n8n on ${source}`,
		`  CDRs       ${cdrs.received} read: ${cdrs.valid} valid, ${cdrs.rejected} rejected${cdrs.rejectedByCode.length ? ` (${codes(cdrs.rejectedByCode)})` : ''}`,
		`  priced     ${pricing.byStatus.match + pricing.byStatus.not_declared} at the agreed price, ${pricing.byStatus.mismatch} with a price deviation, ` +
			`${pricing.byStatus.unpriceable} unpriceable (not invoiced, in the report)`,
		`  invoiced   ${invoices.documentCount} invoice(s)`,
		...invoices.documents.map(
			(d) => `    ${d.number.padEnd(18)} ${String(d.buyerName).padEnd(30)} ${String(d.withVat).padStart(12)} ${d.currency}`,
		),
		`  e-mailed   ${sent} sent, ${deliveries.length - sent} failed; ${sink.messages.length} message(s) caught by the local SMTP sink`,
		...sink.messages.slice(0, 20).map((m) => `    to ${m.to.join(', ').padEnd(40)} ${rel(m.file)}`),
		`  n8n        execution ${execution.id}: ${execution.status}, run data ${(execution.runDataBytes / 1e6).toFixed(2)} MB`,
		'',
		'Results:',
		`  ${rel(path.join(out, 'invoices'))}/   Factur-X PDF, CII and UBL of every invoice`,
		`  ${rel(path.join(out, 'batches'))}/   the NDJSON files of each step (rejected, deviating, failed CDRs ...)`,
		`  ${rel(path.join(out, 'report.html'))}   the review report (open it in a browser)`,
		`  ${rel(path.join(out, 'ledger.sqlite'))}   the ledger: numbers, CDRs invoiced, deliveries`,
		`  ${rel(path.join(out, 'mail'))}/   the e-mails as sent`,
		'',
	];
	process.stdout.write(lines.join('\n'));
}

/** `--cdrs N`: N generated CDRs (scripts/bench/generate.js) instead of the samples; the CDRs span 2026. */
function options() {
	const { values } = require('node:util').parseArgs({ options: { cdrs: { type: 'string' } } });
	if (values.cdrs === undefined) return { cdrs: 0 };
	const cdrs = Number(values.cdrs.replace(/_/g, ''));
	if (!Number.isInteger(cdrs) || cdrs <= 0) throw new Error(`--cdrs expects a number of CDRs such as 10000, got "${values.cdrs}".`);
	return { cdrs };
}

/** Generated data: the CDRs of 2026 and the tariffs they reference; the run's dates after the last CDR. */
function generatedInput(dir, count) {
	const { generate } = require('./bench/generate');
	const input = path.join(dir, 'input');
	fs.mkdirSync(input, { recursive: true });
	const cdrFile = path.join(input, `cdrs-${count}.ndjson`);
	const tariffFile = path.join(input, 'tariffs.json');
	if (!fs.existsSync(cdrFile)) {
		say(`generating ${count.toLocaleString('en-US')} CDRs into ${cdrFile}`);
		generate(count, cdrFile, tariffFile);
	}
	return {
		cdrFile,
		tariffFile,
		dates: { now: '2027-01-15T00:00:00Z', issueDate: '2027-01-15', asOf: '2027-01-15' },
		source: `${count.toLocaleString('en-US')} generated CDRs (${path.relative(process.cwd(), cdrFile)})`,
	};
}

async function main() {
	const { cdrs } = options();
	if (!fs.existsSync(path.join(repo, 'dist/nodes/SendFacturX/SendFacturX.node.js'))) {
		throw new Error('dist/ is missing or incomplete: run `npm run build` first (npm run demo does it).');
	}
	prepareOutput(out);
	const generated = cdrs > 0 ? generatedInput(out, cdrs) : undefined;
	const env = { ...process.env, PATH: `${nodeBin}${path.delimiter}${process.env.PATH ?? ''}` };
	const install = await run('bash', [path.join(repo, 'scripts/n8n/install.sh')], { env, echo: true });
	if (install.code !== 0) throw failed('scripts/n8n/install.sh', install);
	const n8nDir = install.stdout.trim().split('\n').pop();
	const n8nBin = path.join(n8nDir, 'node_modules/n8n/bin/n8n');

	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'ev-clearing-demo-'));
	const sink = await startSmtpSink(path.join(out, 'mail'));
	try {
		say('installing this package into a throw-away n8n user folder as a community package');
		const tgz = process.env.EV_CLEARING_PACKAGE_TGZ ? [process.env.EV_CLEARING_PACKAGE_TGZ] : [];
		const link = await run('bash', [path.join(repo, 'scripts/n8n/link-package.sh'), userFolder, ...tgz], {
			env: { ...env, EV_CLEARING_N8N_DIR: n8nDir },
		});
		if (link.code !== 0) throw failed('scripts/n8n/link-package.sh', link);

		const n8nEnv = {
			...env,
			...JSON.parse(fs.readFileSync(path.join(repo, 'scripts/n8n/n8n-env.json'), 'utf8')),
			N8N_USER_FOLDER: userFolder,
			N8N_ENCRYPTION_KEY: 'ev-clearing-demo-not-a-secret',
			N8N_RESTRICT_FILE_ACCESS_TO: [path.join(repo, 'samples'), out].join(';'),
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			NODE_OPTIONS: '',
		};
		const n8n = (args, options = {}) => run(path.join(nodeBin, 'node'), [n8nBin, ...args], { env: n8nEnv, cwd: userFolder, ...options });

		// import:credentials encrypts a plain `data` object with the instance's key (n8n 2.41.1).
		const credentials = path.join(userFolder, 'credentials.json');
		const smtp = { host: '127.0.0.1', port: sink.port, secure: false, user: '', password: '', rejectUnauthorized: true };
		fs.writeFileSync(credentials, JSON.stringify([{ ...SMTP_CREDENTIAL, data: smtp }, ...sampleCredentials(out)]));
		say('importing the SMTP and ledger credentials and the monthly clearing workflow');
		const credImport = await n8n(['import:credentials', `--input=${credentials}`]);
		if (credImport.code !== 0) throw failed('n8n import:credentials', credImport);
		const workflow = demoWorkflow(out, generated?.dates ?? DEMO_DATES, generated);
		const file = path.join(userFolder, 'monthly-clearing.json');
		fs.writeFileSync(file, JSON.stringify(workflow));
		const wfImport = await n8n(['import:workflow', `--input=${file}`]);
		if (wfImport.code !== 0) throw failed('n8n import:workflow', wfImport);

		say(`running "${workflow.name}"`);
		// n8n prints the whole run on stdout: it goes to a log file, the results are read from what the workflow wrote
		// and from n8n's database. n8n 2.41 on Node 24 may segfault at exit after a good run: the database decides.
		const log = path.join(userFolder, 'execute.log');
		const result = await n8n(['execute', `--id=${workflow.id}`], { stdoutFile: log });
		const execution = lastExecution(userFolder);
		if (!execution) throw failed(`n8n execute (no execution recorded; its output is in ${log})`, result);
		if (execution.status !== 'success') {
			throw new Error(`The workflow ended with status "${execution.status}" (execution ${execution.id}). ${failed('n8n execute', result).message}`);
		}
		summary(readRunSummary(out), sink, execution, generated?.source ?? 'the sample data (samples/cdrs.json, samples/tariffs.json)');
	} finally {
		await sink.close();
		if (process.env.EV_CLEARING_E2E_KEEP === '1') say(`kept the n8n user folder ${userFolder}`);
		else fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

module.exports = { demoWorkflow, sampleCredentials, prepareOutput, lastExecution, readRunSummary, startSmtpSink, freePort, run, DEMO_DATES, SMTP_CREDENTIAL };

if (require.main === module) {
	main().catch((error) => {
		process.stderr.write(`[demo] ${error.message}\n`);
		process.exitCode = 1;
	});
}
