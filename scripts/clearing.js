'use strict';
/**
 * `npm run clearing`: the sample clearing pipeline on the bundled sample data, with embedded defaults and no
 * configuration. Validate → price → (invoice) on samples/cdrs.json and samples/tariffs.json; results in out/.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = (p) => require(path.join(root, 'dist', p));
const { createCdrValidator } = dist('lib/quality');
const { createPricer, pricedCdrToJson, parsePricedCdrJson } = dist('lib/pricing');
const { parseInvoicingConfig } = dist('lib/invoice/config');
const { issueInvoices } = dist('lib/issuing');
const { openLedger } = dist('lib/ledger');
const { clearingReport, renderReportHtml } = dist('lib/report');

const out = path.join(root, 'out');
fs.mkdirSync(out, { recursive: true });
const cdrs = JSON.parse(fs.readFileSync(path.join(root, 'samples/cdrs.json'), 'utf8'));
const tariffs = JSON.parse(fs.readFileSync(path.join(root, 'samples/tariffs.json'), 'utf8'));

// The sample CDRs are from October 2026: check them as of the start of November.
const validator = createCdrValidator({ now: new Date('2026-11-01T00:00:00Z') });
const pricer = createPricer({ tariffs });

const verdicts = [];
const priced = [];
const review = { rejected: [], deviations: [], notInvoiced: [] };
for (const cdr of cdrs) {
	const verdict = validator.validate(cdr);
	verdicts.push({ id: verdict.id, valid: verdict.valid, issues: verdict.issues });
	if (!verdict.valid) {
		review.rejected.push({ id: verdict.id, issues: verdict.issues });
		continue;
	}
	const result = pricedCdrToJson(pricer.price(verdict.cdr));
	priced.push(result);
	if (result.status === 'mismatch' || result.status === 'unpriceable') {
		review.deviations.push({ id: result.id, status: result.status, deviation: result.deviation, issues: result.issues });
	}
}

const ndjson = (rows) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
fs.writeFileSync(path.join(out, 'validation.ndjson'), ndjson(verdicts));
fs.writeFileSync(path.join(out, 'priced.ndjson'), ndjson(priced));

async function invoice() {
	// One configuration per CPO (seller): the French and the German sample operators, one shared ledger file.
	const invoicesDir = path.join(out, 'invoices');
	fs.mkdirSync(invoicesDir, { recursive: true });
	const billable = priced.filter((p) => p.status === 'match' || p.status === 'not_declared').map(parsePricedCdrJson);
	const results = [];
	for (const file of ['samples/invoice-config.json', 'samples/invoice-config-de.json']) {
		const config = parseInvoicingConfig(JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')));
		const mine = billable.filter((p) => (config.seller.ocpi ?? []).some((o) => o.country_code === p.country_code && o.party_id === p.party_id));
		const ledger = await openLedger({ kind: 'sqlite', path: path.join(out, 'ledger.sqlite') });
		try {
			const outcome = await issueInvoices(mine, config, ledger, {
				onRendered: async (document) => {
					for (const f of document.files) fs.writeFileSync(path.join(invoicesDir, f.fileName), f.data);
				},
			});
			results.push({ seller: config.seller.name, outcome });
			for (const f of outcome.failures) review.notInvoiced.push({ id: f.id, code: f.code, message: f.message });
		} finally {
			await ledger.close();
		}
	}
	return results;
}

const count = (rows, status) => rows.filter((r) => r.status === status).length;
main().catch((error) => {
	console.error(error.stack ?? String(error));
	process.exitCode = 1;
});

async function main() {
const invoiced = await invoice();
fs.writeFileSync(path.join(out, 'review.json'), JSON.stringify(review, null, 2) + '\n');
// The report: this run's CDRs and prices, the ledger's documents and their payment aging as of the run's date.
const ledger = await openLedger({ kind: 'sqlite', path: path.join(out, 'ledger.sqlite') });
try {
	const report = await clearingReport({ title: 'Clearing report — sample CPOs, October 2026', verdicts, priced, ledger, asOf: '2026-11-02' });
	fs.writeFileSync(path.join(out, 'report.json'), JSON.stringify(report, null, 2) + '\n');
	fs.writeFileSync(path.join(out, 'report.html'), renderReportHtml(report));
} finally {
	await ledger.close();
}
const docLines = invoiced.flatMap(({ seller, outcome }) => [
	`  ${seller}: ${outcome.documents.length} document(s) issued, ${outcome.alreadyInvoiced.length} CDR(s) already invoiced by an earlier run, ${outcome.failures.length} not invoiced`,
	...outcome.documents.map((d) => `      ${d.invoice.number.padEnd(20)} ${d.invoice.typeCode === '381' ? 'credit note' : 'invoice    '} ${d.invoice.buyer.name.padEnd(28)} ${d.invoice.totals.taxInclusive.toFixed(2).padStart(9)} ${d.invoice.currency}  (${d.cdrIds.length} CDR${d.cdrIds.length > 1 ? 's' : ''})`),
]);
const lines = [
	`Clearing run on ${cdrs.length} sample CDRs (samples/cdrs.json) with ${tariffs.length} agreement tariffs (samples/tariffs.json)`,
	`  validated : ${verdicts.filter((v) => v.valid).length} valid, ${review.rejected.length} rejected`,
	`  priced    : ${count(priced, 'match')} match, ${count(priced, 'not_declared')} not declared, ` +
		`${count(priced, 'mismatch')} mismatch, ${count(priced, 'unpriceable')} unpriceable`,
	'  invoiced  :',
	...docLines,
	'',
	'Results:',
	`  out/validation.ndjson  one verdict per CDR`,
	`  out/priced.ndjson      one priced CDR per valid CDR (computed totals, breakdown, cross-check)`,
	`  out/invoices/          Factur-X PDF, CII and UBL of every document`,
	`  out/ledger.sqlite      the ledger: numbers, CDRs invoiced, events (a re-run invoices nothing twice)`,
	`  out/review.json        rejected CDRs, price deviations and CDRs not invoiced, for the ops team`,
	`  out/report.html        the clearing report (open it in a browser), and out/report.json`,
];
process.stdout.write(lines.join('\n') + '\n');
}
