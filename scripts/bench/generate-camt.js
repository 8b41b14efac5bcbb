'use strict';
/**
 * A large bank-statement import to measure: a SQLite ledger with N open invoices (30 eMSPs) and one camt.053.001.08
 * statement of M booked entries — some paying invoices by RF creditor reference, by invoice number in the remittance
 * text, by amount and payer, the rest unrelated credits (card acquirer payouts, other customers) and debits that
 * match nothing. Deterministic (seeded). Defaults: 57,263 entries (about 45 MB) against 1,350 invoices.
 * Usage: node generate-camt.js <entries> <invoices> <dir> → <dir>/camt-<entries>-entries-<invoices>-invoices.xml and
 * <dir>/camt-<invoices>-invoices.sqlite (kept: generated once).
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const { openLedger } = require(path.join(root, 'dist/lib/ledger'));
const { createCreditorReference } = require(path.join(root, 'dist/lib/invoice/creditor-reference'));
const { rng } = require('./generate');

const FORMS = ['GmbH', 'SAS', 'B.V.', 'SA', 'AG', 'Ltd'];
const emsps = Array.from({ length: 30 }, (_, i) => ({
	name: `Mobility Partner ${String(i + 1).padStart(2, '0')} ${FORMS[i % FORMS.length]}`,
	countryCode: ['FR', 'DE', 'NL', 'BE', 'IT'][i % 5],
	partyId: `P${String(i + 1).padStart(2, '0')}`,
	iban: `DE${String(10 + i)}370400440532013${String(i).padStart(3, '0')}`,
}));
const numberOf = (sequence) => `EVC-2026-${String(sequence).padStart(6, '0')}`;

function cents(random, min, max) {
	return (Math.round((min + random() * (max - min)) * 100) / 100).toFixed(2);
}

async function writeLedger(file, invoices) {
	fs.rmSync(file, { force: true });
	const ledger = await openLedger({ kind: 'sqlite', path: file });
	try {
		for (const invoice of invoices) {
			const result = await ledger.issue({
				typeCode: '380',
				series: 'EVC',
				issueDate: '2026-03-05',
				dueDate: '2026-04-04',
				buyer: { countryCode: invoice.emsp.countryCode, partyId: invoice.emsp.partyId },
				currency: 'EUR',
				totals: { withoutVat: invoice.total, vat: '0.00', withVat: invoice.total },
				cdrs: [{ country_code: 'FR', party_id: 'EVC', id: `CDR-${invoice.sequence}` }],
				formatNumber: ({ sequence }) => numberOf(sequence),
				buildDocument: () => ({ buyer: { name: invoice.emsp.name } }),
				paymentReferenceFor: (number) => createCreditorReference(number),
			});
			if (result.kind !== 'issued' || result.number !== invoice.number) throw new Error(`could not issue ${invoice.number}`);
		}
	} finally {
		await ledger.close();
	}
}

function entryXml(i, { amount, credit, name, iban, remittance }) {
	const ref = `BNK2026040${String(i).padStart(8, '0')}`;
	return `<Ntry><NtryRef>${i}</NtryRef><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd>` +
		'<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-04-07</Dt></BookgDt><ValDt><Dt>2026-04-07</Dt></ValDt>' +
		`<AcctSvcrRef>${ref}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>${credit ? 'RCDT' : 'ICDT'}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>` +
		`<NtryDtls><TxDtls><Refs><AcctSvcrRef>${ref}-1</AcctSvcrRef><EndToEndId>E2E-${i}</EndToEndId></Refs><Amt Ccy="EUR">${amount}</Amt>` +
		`<RltdPties><${credit ? 'Dbtr' : 'Cdtr'}><Pty><Nm>${name}</Nm></Pty></${credit ? 'Dbtr' : 'Cdtr'}>` +
		`<${credit ? 'DbtrAcct' : 'CdtrAcct'}><Id><IBAN>${iban}</IBAN></Id></${credit ? 'DbtrAcct' : 'CdtrAcct'}></RltdPties>` +
		`<RmtInf>${remittance}</RmtInf></TxDtls></NtryDtls>` +
		`<AddtlNtryInf>VIR SEPA RECU /DE ${name.toUpperCase()}</AddtlNtryInf></Ntry>\n`;
}

async function generateCamt(entries, invoiceCount, dir) {
	const random = rng(20260407);
	const invoices = Array.from({ length: invoiceCount }, (_, i) => ({
		sequence: i + 1,
		number: numberOf(i + 1),
		emsp: emsps[i % emsps.length],
		total: cents(random, 80, 9000),
	}));
	const ledgerFile = path.join(dir, `camt-${invoiceCount}-invoices.sqlite`);
	const camtFile = path.join(dir, `camt-${entries}-entries-${invoiceCount}-invoices.xml`);
	const matchable = Math.floor(invoiceCount / 3) + Math.floor(invoiceCount / 4) + Math.floor(invoiceCount / 10);
	if (fs.existsSync(ledgerFile) && fs.existsSync(camtFile)) return { ledgerFile, camtFile, matchable };
	await writeLedger(ledgerFile, invoices);

	const fd = fs.openSync(camtFile, 'w');
	fs.writeSync(fd, '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>' +
		'<GrpHdr><MsgId>BENCH-053-20260407</MsgId><CreDtTm>2026-04-07T21:00:00</CreDtTm></GrpHdr>' +
		'<Stmt><Id>BENCH-STMT-20260407</Id><CreDtTm>2026-04-07T21:00:00</CreDtTm><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id><Ccy>EUR</Ccy></Acct>\n');
	// Invoices paid in this statement: a third by RF, a quarter by number in the text, a tenth by amount and payer.
	const paid = { rf: Math.floor(invoiceCount / 3), number: Math.floor(invoiceCount / 4), amountAndPayer: Math.floor(invoiceCount / 10) };
	const mix = { ...paid, matched: paid.rf + paid.number + paid.amountAndPayer };
	let batch = [];
	for (let i = 1; i <= entries; i++) {
		const k = i - 1;
		let entry;
		if (k < mix.matched) {
			const invoice = invoices[k];
			const { emsp } = invoice;
			let remittance;
			if (k < paid.rf) remittance = `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp><Ref>${createCreditorReference(invoice.number)}</Ref></CdtrRefInf></Strd>`;
			else if (k < paid.rf + paid.number) remittance = `<Ustrd>PAYMENT INVOICE ${invoice.number.replace(/-/g, ' ')} ROAMING CHARGES MARCH</Ustrd>`;
			else remittance = '<Ustrd>ROAMING SETTLEMENT MARCH 2026</Ustrd>';
			entry = { amount: invoice.total, credit: true, name: emsp.name.toUpperCase().replace(/\./g, ''), iban: `${emsp.iban}9`, remittance };
		} else if (random() < 0.15) {
			entry = { amount: cents(random, 10, 5000), credit: false, name: `Supplier ${k % 400} SARL`, iban: `FR76300040000300020045${String(k % 99999).padStart(5, '0')}`, remittance: `<Ustrd>ENERGY BILL ${k}</Ustrd>` };
		} else {
			entry = {
				amount: cents(random, 5, 120),
				credit: true,
				name: random() < 0.5 ? 'CARD ACQUIRER PAYOUTS EUROPE SA' : `Customer ${k % 20000} Mueller`,
				iban: `DE89370400440532${String(k % 999999).padStart(6, '0')}`,
				remittance: `<Ustrd>PAYOUT ${2026000000 + k} SESSIONS ${k % 97} TERMINAL T${k % 5000} REF ${(k * 7919) % 1000003}</Ustrd>`,
			};
		}
		batch.push(entryXml(i, entry));
		if (batch.length === 2000) {
			fs.writeSync(fd, batch.join(''));
			batch = [];
		}
	}
	fs.writeSync(fd, batch.join('') + '</Stmt></BkToCstmrStmt></Document>\n');
	fs.closeSync(fd);
	return { ledgerFile, camtFile, matchable: mix.matched };
}

module.exports = { generateCamt };

if (require.main === module) {
	const [entries = '57263', invoices = '1350', dir = '.cache/bench'] = process.argv.slice(2);
	fs.mkdirSync(dir, { recursive: true });
	generateCamt(Number(entries), Number(invoices), dir).then((r) => {
		process.stdout.write(`${r.camtFile} (${(fs.statSync(r.camtFile).size / 1e6).toFixed(1)} MB), ${r.ledgerFile}; ${r.matchable} entries pay an invoice\n`);
	});
}
