'use strict';
/**
 * `npm run bench`: throughput and peak memory of the CLI commands over generated CDRs, each beside a bare
 * read + JSON.parse + JSON.stringify pass over the same file, measured in the same run.
 * The small-volume case: one large JSON record of 100 and 200 MB read by the streaming reader (linear time).
 * A large bank statement: `ev-clearing payments import` of a generated camt.053 (57,263 entries, ~45 MB) against a
 * ledger of 1,350 open invoices (scripts/bench/generate-camt.js).
 * The CDR chain is the CLI's: validate, price (its output kept), then invoice of the priced CDRs in monthly mode
 * (per eMSP × month, aggregated lines + the CSV of the CDRs) into a fresh SQLite ledger; each command's wall time,
 * CDRs/s and peak RSS beside the bare pass. `invoice-lib` adds the library figures (per-CDR invoices/s, one monthly
 * invoice of 10,000 per-CDR lines).
 * Options: --cdrs N (or --count; default 1000000), --only validate,price,invoice,invoice-lib,record,camt (default: all
 * but invoice-lib), --record-mb 100,200, --camt-entries 57263, --camt-invoices 1350, --shuffle (the same month in random
 * session order, ids unrelated to session time: scripts/bench/generate.js shuffleMonth).
 * CI-sized: `npm run bench -- --cdrs 2000 --only validate,price,invoice`.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { benchInput } = require('./bench/cdr-files');
const { generateCamt } = require('./bench/generate-camt');

const root = path.resolve(__dirname, '..');
const { values } = parseArgs({
	options: {
		count: { type: 'string', default: '1000000' },
		cdrs: { type: 'string' },
		only: { type: 'string' },
		'record-mb': { type: 'string', default: '100,200' },
		'camt-entries': { type: 'string', default: '57263' },
		'camt-invoices': { type: 'string', default: '1350' },
		shuffle: { type: 'boolean', default: false },
	},
});
const count = Number(values.cdrs ?? values.count);
const only = values.only ? values.only.split(',') : null;
const dir = path.join(root, '.cache', 'bench');
fs.mkdirSync(dir, { recursive: true });
// One month, declared prices as the pricer finds them; files of an older generator are not reused (bench/cdr-files.js).
const cdrFiles = () => benchInput(count, { dir, shuffle: values.shuffle, say: (m) => process.stdout.write(`${m}\n`) });

// The runtime flags of the real CLI (its shebang), used for every measured process alike.
const cliFlags = (fs.readFileSync(path.join(root, 'bin', 'ev-clearing.js'), 'utf8').split('\n')[0].match(/node (.*)$/) ?? [])[1]?.split(/\s+/) ?? [];

// One core, as the goals are stated, when taskset is there.
const pin = spawnSync('taskset', ['--version']).status === 0 ? ['taskset', '-c', '0'] : [];

function run(label, script, args, stdoutFile) {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const [cmd, ...pre] = pin.length ? [...pin, process.execPath, ...cliFlags] : [process.execPath, ...cliFlags];
		const out = stdoutFile ? fs.openSync(stdoutFile, 'w') : 'ignore';
		const child = spawn(cmd, [...pre, path.join(__dirname, 'bench', script), ...args], {
			stdio: ['ignore', out, 'pipe', 'pipe'],
		});
		if (stdoutFile) fs.closeSync(out);
		let report = '';
		let stderr = '';
		child.stdio[3].on('data', (d) => (report += d));
		child.stderr.on('data', (d) => {
			process.stderr.write(d);
			stderr = (stderr + d).slice(-65536);
		});
		child.on('error', reject);
		child.on('close', (code) => {
			const seconds = Number(process.hrtime.bigint() - started) / 1e9;
			if (code !== 0) return reject(new Error(`${label} exited with ${code}`));
			const usage = JSON.parse(report.trim().split('\n').pop());
			// `--timings` phases (their peaks are measured apart, so the command's peak is the largest of them).
			const phases = /timings: .* (\{"phases".*\})$/m.exec(stderr)?.[1];
			const timings = phases ? JSON.parse(phases).phases : undefined;
			if (timings) usage.maxRssMb = Math.max(usage.maxRssMb, ...timings.map((p) => p.peakRssMb));
			resolve({ label, seconds, perSecond: count / seconds, ...usage, ...(timings ? { phases: timings } : {}) });
		});
	});
}

function line(r, bare) {
	const ratio = bare ? ` | ${(r.seconds / bare.seconds).toFixed(2)}x the bare pass` : '';
	return `${r.label.padEnd(34)} ${r.seconds.toFixed(1).padStart(7)} s | ${Math.round(r.perSecond).toLocaleString('en-US').padStart(9)} CDRs/s | peak ${String(r.maxRssMb).padStart(4)} MB${ratio}`;
}

async function main() {
	if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) throw new Error('Build first: npm run build');
	const want = (name) => (!only ? name !== 'invoice-lib' : only.includes(name));
	const results = {};
	if (want('validate') || want('price') || want('invoice') || want('invoice-lib')) Object.assign(results, await cdrRuns(want));
	if (want('record')) results.record = await largeRecordRuns();
	if (want('camt')) results.camt = await camtImportRun();
	if (only?.includes('n8n')) results.n8n = await n8nMonthlyRun();
	fs.writeFileSync(path.join(dir, 'last-result.json'), JSON.stringify(results, null, 2));
}

/** The monthly workflow in a real n8n: its own process tree is measured from outside (scripts/bench/n8n-monthly.js). */
function n8nMonthlyRun() {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [path.join(__dirname, 'bench', 'n8n-monthly.js'), String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
		let out = '';
		child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code !== 0) return reject(new Error(`scripts/bench/n8n-monthly.js exited with ${code}`));
			const r = JSON.parse(out.trim().split('\n').pop());
			process.stdout.write(
				`\nn8n monthly workflow (batch mode), ${count.toLocaleString('en-US')} CDRs: ${r.seconds.toFixed(1)} s | ${r.cdrsPerSecond.toLocaleString('en-US')} CDRs/s | ` +
					`n8n peak ${r.n8nPeakRssMb} MB (process tree ${r.n8nTreePeakRssMb} MB) | run data ${r.runDataMb} MB | ${r.report.documents} documents, ${r.emails} e-mails\n` +
					`  billed: ${r.billing.billed.toLocaleString('en-US')} CDRs (${(r.billing.matchShare * 100).toFixed(1)} % priced as declared; ${r.billing.deviating} deviating; refused at invoicing ${JSON.stringify(r.billing.refusedAtInvoicing)})\n` +
					`  per node (s): ${Object.entries(r.nodeSeconds).filter(([, s]) => s >= 0.5).map(([n, s]) => `${n} ${s.toFixed(1)}`).join(', ')}\n`,
			);
			resolve(r);
		});
	});
}

async function largeRecordRuns() {
	process.stdout.write('\nOne large JSON record (a CDR of N MB), read by the streaming reader (lib/io readJsonRecords):\n');
	const out = [];
	for (const mb of values['record-mb'].split(',').map(Number)) {
		const r = await run(`record ${mb} MB`, 'large-record.js', [String(mb), dir]);
		out.push(r);
		process.stdout.write(
			`${`${mb} MB record`.padEnd(34)} as an array element ${r.arraySeconds.toFixed(1).padStart(5)} s | as an NDJSON line ` +
				`${r.lineSeconds.toFixed(1).padStart(5)} s | bare JSON.parse ${r.bareSeconds.toFixed(1)} s | peak ${r.maxRssMb} MB\n`,
		);
	}
	return out;
}

async function camtImportRun() {
	const entries = Number(values['camt-entries']);
	const invoices = Number(values['camt-invoices']);
	const { ledgerFile, camtFile } = await generateCamt(entries, invoices, dir);
	const ledger = path.join(dir, 'camt-import.sqlite');
	fs.copyFileSync(ledgerFile, ledger); // each run imports into a fresh copy
	const megabytes = fs.statSync(camtFile).size / 1e6;
	process.stdout.write(`\nBank statement import: camt.053 of ${entries.toLocaleString('en-US')} entries (${megabytes.toFixed(1)} MB) against ${invoices.toLocaleString('en-US')} open invoices\n`);
	const r = await run('payments import', 'measured-cli.js', ['payments', 'import', '--ledger', ledger, camtFile]);
	process.stdout.write(`${'ev-clearing payments import'.padEnd(34)} ${r.seconds.toFixed(1).padStart(7)} s | ${Math.round(entries / r.seconds).toLocaleString('en-US').padStart(9)} entries/s | CPU ${(r.cpuMs / 1000).toFixed(1)} s | peak ${String(r.maxRssMb).padStart(4)} MB\n`);
	fs.rmSync(ledger, { force: true });
	return { entries, invoices, megabytes, seconds: r.seconds, cpuSeconds: r.cpuMs / 1000, maxRssMb: r.maxRssMb };
}

/** The sample configuration in monthly mode with aggregated lines; every generated CDR of the French CPO is billed. */
function benchInvoicingConfig() {
	const raw = JSON.parse(fs.readFileSync(path.join(root, 'samples', 'invoice-config.json'), 'utf8'));
	delete raw.ledger;
	raw.invoicing = { ...raw.invoicing, mode: 'per_emsp_period', lineDetail: 'aggregated', issueDate: '2026-04-02' };
	return raw;
}

async function cdrRuns(want) {
	const { cdrFile, tariffFile } = cdrFiles();
	const size = fs.statSync(cdrFile).size;
	process.stdout.write(`Input: ${count.toLocaleString('en-US')} CDRs, ${(size / 1e6).toFixed(0)} MB NDJSON; node ${process.version} ${cliFlags.join(' ')}${pin.length ? ', pinned to one core' : ''}\n\n`);
	const bare = await run('bare read+parse+stringify', 'bare-pass.js', [cdrFile]);
	process.stdout.write(line(bare) + '\n');
	const results = { bare };
	if (want('validate')) {
		results.validate = await run('ev-clearing validate', 'measured-cli.js', ['validate', '--now', '2027-01-01T00:00:00Z', cdrFile]);
		process.stdout.write(line(results.validate, bare) + '\n');
	}
	const pricedFile = path.join(dir, path.basename(cdrFile).replace(/^cdrs-/, 'priced-'));
	if (want('price') || (want('invoice') && !fs.existsSync(pricedFile))) {
		results.price = await run('ev-clearing price', 'measured-cli.js', ['price', '--tariffs', tariffFile, cdrFile], pricedFile);
		process.stdout.write(line(results.price, bare) + '\n');
	}
	if (want('invoice')) {
		const name = values.shuffle ? `${count}-shuffled` : count;
		const ledger = path.join(dir, `invoice-${name}.sqlite`);
		const out = path.join(dir, `invoices-${name}`);
		for (const stale of [ledger, `${ledger}-wal`, `${ledger}-shm`, out]) fs.rmSync(stale, { recursive: true, force: true });
		const config = path.join(dir, 'invoice-config.json');
		fs.writeFileSync(config, JSON.stringify(benchInvoicingConfig(), null, 2));
		const outcomes = path.join(dir, `invoice-${name}.ndjson`);
		results.invoice = await run('ev-clearing invoice (monthly)', 'measured-cli.js', ['invoice', '--timings', '--config', config, '--ledger', ledger, '--out', out, pricedFile], outcomes);
		process.stdout.write(line(results.invoice, bare) + '\n');
		const documents = [];
		for (const text of fs.readFileSync(outcomes, 'utf8').split('\n')) if (text.includes('"kind":"ev-clearing.invoice"')) documents.push(JSON.parse(text));
		const billed = documents.reduce((n, d) => n + d.cdrCount, 0);
		const bytes = (ext) => fs.readdirSync(out).filter((f) => f.endsWith(ext)).reduce((n, f) => n + fs.statSync(path.join(out, f)).size, 0);
		const csvBeside = documents.filter((d) => d.files.cdrs).length;
		process.stdout.write(
			`  ${billed.toLocaleString('en-US')} CDRs billed on ${documents.length} documents (aggregated lines; PDF ${(bytes('.pdf') / 1e6).toFixed(1)} MB, ` +
				`CSV of the CDRs beside ${csvBeside} of them ${(bytes('.csv') / 1e6).toFixed(1)} MB), ledger ${(fs.statSync(ledger).size / 1e6).toFixed(0)} MB\n`,
		);
		for (const p of results.invoice.phases ?? []) {
			const cdrs = p.name === 'issuing' ? billed : count;
			process.stdout.write(
				`  ${p.name.padEnd(32)} ${p.seconds.toFixed(1).padStart(7)} s | ${Math.round(cdrs / p.seconds).toLocaleString('en-US').padStart(9)} CDRs/s | peak ${String(p.peakRssMb).padStart(4)} MB | CPU ${p.cpuSeconds.toFixed(1)} s\n`,
			);
		}
		process.stdout.write(`  (load average ${require('node:os').loadavg().map((l) => l.toFixed(2)).join(' ')})\n`);
		Object.assign(results.invoice, { documents: documents.length, billed });
	}
	if (want('invoice-lib')) {
		const r = await run('invoices', 'invoice-bench.js', [cdrFile, tariffFile]);
		results.invoiceLib = r;
		process.stdout.write(
			`per-CDR Factur-X invoices: ${r.perCdr.invoices} in ${r.perCdr.seconds.toFixed(1)} s = ${r.perCdr.perSecond.toFixed(0)} invoices/s (numbered in the ledger + PDF/A-3)\n` +
				`monthly invoice, ${r.monthly.lines} CDR lines, ${r.monthly.pages} pages: render (PDF + CII + UBL) ${r.monthly.renderSeconds.toFixed(1)} s, ` +
				`official validation of the PDF ${r.monthly.validateSeconds.toFixed(1)} s (${r.monthly.fatal} fatal), total ${(r.monthly.renderSeconds + r.monthly.validateSeconds).toFixed(1)} s\n`,
		);
	}
	return results;
}

main().catch((error) => {
	console.error(error.message);
	process.exitCode = 1;
});
