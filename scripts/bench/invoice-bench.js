'use strict';
/**
 * Invoice throughput, two figures: per-CDR Factur-X invoices per second (numbered in a SQLite ledger, rendered as PDF/A-3
 * with the CII inside), and one monthly invoice of 10,000 CDR lines: seconds to render, and to validate with the
 * official EN16931 / Factur-X validator (../shared/einvoice-validator). Usage: node invoice-bench.js <cdrs.ndjson> <tariffs.json>
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { reportUsage } = require('./usage');

const root = path.resolve(__dirname, '../..');
const dist = (p) => require(path.join(root, 'dist', p));
const { createPricer } = dist('lib/pricing');
const { parseInvoicingConfig } = dist('lib/invoice/config');
const { issueInvoices } = dist('lib/issuing');
const { openLedger } = dist('lib/ledger');

async function pricedCdrs(file, tariffs, count, filter) {
	const pricer = createPricer({ tariffs });
	const out = [];
	const lines = readline.createInterface({ input: fs.createReadStream(file) });
	for await (const line of lines) {
		const cdr = JSON.parse(line);
		if (!filter(cdr)) continue;
		out.push(pricer.price(cdr));
		if (out.length === count) break;
	}
	lines.close();
	return out;
}

function config(mode, formats, ledgerPath) {
	const raw = JSON.parse(fs.readFileSync(path.join(root, 'samples/invoice-config.json'), 'utf8'));
	raw.invoicing = { ...raw.invoicing, mode, formats, invoiceMismatches: true, issueDate: '2027-01-05' };
	return { ...parseInvoicingConfig(raw), ledgerConfig: { kind: 'sqlite', path: ledgerPath } };
}

async function main(cdrFile, tariffFile) {
	const tariffs = JSON.parse(fs.readFileSync(tariffFile, 'utf8'));
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ev-clearing-invoice-bench-'));
	const result = {};

	// Per-CDR Factur-X invoices.
	const perCdr = await pricedCdrs(cdrFile, tariffs, 1000, (c) => c.country_code === 'FR');
	const c1 = config('per_cdr', ['facturx'], path.join(dir, 'per-cdr.sqlite'));
	const ledger1 = await openLedger(c1.ledgerConfig);
	let started = process.hrtime.bigint();
	const outcome = await issueInvoices(perCdr, c1, ledger1);
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	await ledger1.close();
	result.perCdr = { invoices: outcome.documents.length, seconds, perSecond: outcome.documents.length / seconds };

	// One monthly invoice of 10,000 CDR lines (one eMSP, one month).
	const monthly = await pricedCdrs(cdrFile, tariffs, 10000, (c) => c.country_code === 'FR' && c.cdr_token.party_id === 'MOB' && c.start_date_time.startsWith('2026-03'));
	const generated = monthly.length;
	const c2 = config('per_emsp_period', ['facturx', 'cii', 'ubl'], path.join(dir, 'monthly.sqlite'));
	const ledger2 = await openLedger(c2.ledgerConfig);
	started = process.hrtime.bigint();
	const big = await issueInvoices(monthly, c2, ledger2, {
		onRendered: async (d) => {
			for (const f of d.files) fs.writeFileSync(path.join(dir, f.fileName), f.data);
		},
	});
	const renderSeconds = Number(process.hrtime.bigint() - started) / 1e9;
	await ledger2.close();
	const doc = big.documents[0];
	const pdf = path.join(dir, doc.files.find((f) => f.format === 'facturx').fileName);
	started = process.hrtime.bigint();
	const validator = path.resolve(root, '../shared/einvoice-validator/validate-einvoice');
	let verdict;
	try {
		verdict = JSON.parse(execFileSync(validator, ['--json', pdf], { maxBuffer: 1 << 28 }).toString().split('\n').find((l) => l.startsWith('{')));
	} catch (error) {
		verdict = JSON.parse(String(error.stdout).split('\n').find((l) => l.startsWith('{')));
	}
	const validateSeconds = Number(process.hrtime.bigint() - started) / 1e9;
	result.monthly = {
		lines: doc.invoice.lines.length,
		cdrs: generated,
		pages: Number((execFileSync('pdfinfo', [pdf]).toString().match(/Pages:\s+(\d+)/) || [])[1]),
		renderSeconds,
		validateSeconds,
		valid: verdict.valid,
		fatal: verdict.fatal,
	};
	fs.rmSync(dir, { recursive: true, force: true });
	return result;
}

main(process.argv[2], process.argv[3]).then((result) => reportUsage(result));
