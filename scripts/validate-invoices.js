'use strict';
/**
 * `npm run validate:invoices`: issues the sample documents (samples/cdrs.json priced by samples/tariffs.json, both
 * sample sellers, monthly as configured (per-CDR lines, the list path issueInvoices), monthly with aggregated lines and
 * the CSV of the CDRs attached (the stream path issueStream, what `ev-clearing invoice` runs) and per CDR) into a fresh ledger, and judges every file with the official
 * rules — EN 16931 (CII, UBL), Factur-X (the PDF), Peppol BIS 3 and XRechnung 3.0 (`validate-einvoice --rules`), and
 * the French BR-FR rules of Factur-X 1.09 (SaxonJS) — then prints the table: document × rule set, fatal counts.
 * A "*" marks the rule set of the network the document travels on (its partner's specification); the run fails
 * when a document has a fatal finding under EN 16931, Factur-X or its own network's rules.
 *
 * Files are left in out/validate-invoices/. Needs ../shared/einvoice-validator (skipped, with a message, without it).
 */
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = (p) => require(path.join(root, 'dist', p));
const { createPricer } = dist('lib/pricing');
const { parseInvoicingConfig } = dist('lib/invoice/config');
const { issueInvoices, issueStream } = dist('lib/issuing');
const { pricedCdrToJson } = dist('lib/pricing');
const { createCdrValidator } = dist('lib/quality');
const { withQualityStamp } = dist('lib/invoice/quality-stamp');
const { openLedger } = dist('lib/ledger');
const { compiledStylesheet, checkFrenchRules, FR_UBL_STYLESHEET } = require('./lib/french-rules');

const VALIDATOR = path.resolve(root, '..', 'shared', 'einvoice-validator', 'validate-einvoice');
const OUT = path.join(root, 'out', 'validate-invoices');
const load = (file) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));

/**
 * The validator may exit before a pipe has taken all its output (process.exit after console.log): past ~60 files its
 * JSON lines came back short by a varying count. Files go to it in chunks small enough for one pipe buffer.
 */
async function validate(files, rules) {
	const verdicts = new Map();
	for (let i = 0; i < files.length; i += 20) {
		for (const [file, verdict] of await validateChunk(files.slice(i, i + 20), rules)) verdicts.set(file, verdict);
	}
	return verdicts;
}

function validateChunk(files, rules) {
	const args = ['--json', ...(rules ? ['--rules', rules] : []), ...files];
	return new Promise((resolve, reject) => {
		execFile(VALIDATOR, args, { maxBuffer: 512 * 1024 * 1024 }, (error, stdout, stderr) => {
			const verdicts = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
			if (verdicts.length !== files.length) reject(new Error(`validate-einvoice gave ${verdicts.length} verdicts for ${files.length} files (${rules ?? 'EN 16931'}): ${error?.message ?? ''}\n${stderr}`));
			else resolve(new Map(verdicts.map((v) => [v.file, v])));
		});
	});
}

const fatalIds = (issues) => issues.filter((i) => i.severity === 'fatal').map((i) => i.id ?? '-');

/** Issues every sample document in one mode into its own fresh ledger; returns { number, buyer, specification, files }. */
async function issueSamples(mode) {
	const dir = path.join(OUT, mode);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	const pricer = createPricer({ tariffs: load('samples/tariffs.json') });
	const priced = load('samples/cdrs.json').map((cdr) => pricer.price(cdr));
	const ledger = await openLedger({ kind: 'sqlite', path: path.join(dir, 'ledger.sqlite') });
	const documents = [];
	try {
		for (const file of ['samples/invoice-config.json', 'samples/invoice-config-de.json']) {
			const config = parseInvoicingConfig(load(file));
			if (mode === 'per_cdr') config.invoicing.mode = 'per_cdr';
			const mine = priced.filter((p) => (config.seller.ocpi ?? []).some((o) => o.country_code === p.country_code && o.party_id === p.party_id));
			const outcome =
				mode === 'aggregated'
					? await streamed(mine, config, ledger)
					: await issueInvoices(mine, config, ledger, { creationDate: new Date('2026-11-02T08:00:00Z') });
			for (const failure of outcome.failures) console.error(`  not invoiced: ${failure.id} ${failure.code} ${failure.message}`);
			for (const document of outcome.documents) {
				const files = {};
				for (const f of document.files) {
					files[f.format] = path.join(dir, f.fileName);
					fs.writeFileSync(files[f.format], f.data);
				}
				const { countryCode, partyId } = document.buyerParty;
				documents.push({ mode: { per_cdr: 'per CDR', monthly: 'monthly', aggregated: 'monthly, aggregated' }[mode], number: document.invoice.number, buyer: `${countryCode}*${partyId}`, specification: document.invoice.specification ?? 'en16931', files });
			}
		}
	} finally {
		await ledger.close();
	}
	return documents;
}

/** The stream path over the same CDRs, each with its quality verdict; documents and failures as issueInvoices gives them. */
async function streamed(priced, config, ledger) {
	const validator = createCdrValidator({ exclude: ['CDR_DUPLICATE'] });
	const cdrs = new Map(load('samples/cdrs.json').map((c) => [c.id, c]));
	async function* records() {
		let index = 0;
		for (const p of priced) yield { ok: true, value: pricedCdrToJson(withQualityStamp(p, validator.validate(cdrs.get(p.id)))), index: index++ };
	}
	const documents = [];
	const failures = [];
	await issueStream(records(), { ...config, invoicing: { ...config.invoicing, lineGrouping: ['site'] } }, ledger, {
		creationDate: new Date('2026-11-02T08:00:00Z'),
		onRendered: async (d) => void documents.push(d),
		onOutcome: async (o) => void failures.push(o),
	});
	return { documents, failures };
}

const TARGET = { peppol: 'Peppol', xrechnung: 'XRechnung', 'fr-ctc': 'BR-FR', en16931: null };

async function main() {
	if (!fs.existsSync(VALIDATOR)) {
		console.log(`Skipped: the official validator is not at ${VALIDATOR} (clone ../shared beside the repository; CI has it).`);
		return;
	}
	const documents = [...(await issueSamples('monthly')), ...(await issueSamples('aggregated')), ...(await issueSamples('per_cdr'))];
	const all = documents.flatMap((d) => Object.values(d.files));
	const ubl = documents.map((d) => d.files.ubl);
	const cii = documents.map((d) => d.files.cii);
	const started = Date.now();
	const [base, peppol, xrechnung] = [await validate(all), await validate(ubl, 'peppol'), await validate([...cii, ...ubl], 'xrechnung')];
	const sef = compiledStylesheet(FR_UBL_STYLESHEET);
	const french = new Map(ubl.map((file) => [file, checkFrenchRules(sef, fs.readFileSync(file, 'utf8'))]));

	const rows = [];
	const reasons = { Peppol: new Set(), XRechnung: new Set(), 'BR-FR': new Set() };
	let failures = 0;
	for (const d of documents) {
		const count = (verdicts, file) => fatalIds(verdicts.get(file).issues);
		const en = [count(base, d.files.cii), count(base, d.files.ubl)];
		const fx = count(base, d.files.facturx);
		const cells = {
			'EN16931 (CII/UBL)': `${en[0].length}/${en[1].length}`,
			'Factur-X (PDF)': String(fx.length),
			Peppol: count(peppol, d.files.ubl),
			XRechnung: [count(xrechnung, d.files.cii), count(xrechnung, d.files.ubl)],
			'BR-FR': fatalIds(french.get(d.files.ubl)),
		};
		if (en[0].length + en[1].length + fx.length > 0) failures++;
		const target = TARGET[d.specification];
		const show = (name, ids) => {
			const n = Array.isArray(ids[0]) ? ids.map((x) => x.length).join('/') : String(ids.length);
			const flat = Array.isArray(ids[0]) ? ids.flat() : ids;
			if (name === target && flat.length > 0) failures++;
			if (name !== target) for (const id of flat) reasons[name].add(id);
			return name === target ? `**${n}** *` : n;
		};
		rows.push([
			d.mode,
			d.number,
			d.buyer,
			d.specification,
			cells['EN16931 (CII/UBL)'],
			cells['Factur-X (PDF)'],
			show('Peppol', cells.Peppol),
			show('XRechnung', cells.XRechnung),
			show('BR-FR', cells['BR-FR']),
		]);
	}
	const header = ['mode', 'document', 'buyer', 'network', 'EN16931 CII/UBL', 'Factur-X PDF', 'Peppol UBL', 'XRechnung CII/UBL', 'BR-FR UBL'];
	console.log(`\n${documents.length} sample documents (monthly with per-CDR lines, monthly aggregated, per CDR), fatal findings per rule set; * = the rule set of the document's network (must be 0)\n`);
	console.log(`| ${header.join(' | ')} |`);
	console.log(`| ${header.map(() => '---').join(' | ')} |`);
	for (const row of rows) console.log(`| ${row.join(' | ')} |`);
	console.log('\nWhy documents fail rule sets of networks they do not travel on:');
	for (const [name, ids] of Object.entries(reasons)) console.log(`  ${name}: ${[...ids].sort().join(', ') || 'none'}`);
	console.log(`\nvalidated in ${((Date.now() - started) / 1000).toFixed(1)} s; files in ${path.relative(root, OUT)}/`);
	if (failures > 0) {
		console.error(`\n${failures} fatal cell(s) under EN 16931, Factur-X or a document's own network`);
		process.exitCode = 1;
	}
}

main().catch((error) => {
	console.error(error.stack ?? String(error));
	process.exitCode = 2;
});
