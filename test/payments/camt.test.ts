import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { isValidIban } from '../../lib/invoice/check';
import { bankTransactions, CamtError, parseCamt } from '../../lib/payments';
import type { CamtErrorCode } from '../../lib/payments';

const SAMPLES = join(__dirname, '../../samples/camt');
const HOSTILE = join(__dirname, 'hostile');
const sample = (name: string): Buffer => readFileSync(join(SAMPLES, name));
const hostile = (name: string): Buffer => readFileSync(join(HOSTILE, name));

function codeOf(run: () => unknown): CamtErrorCode | undefined {
	try {
		run();
	} catch (error) {
		if (error instanceof CamtError) return error.code;
		throw error;
	}
	return undefined;
}

describe('parseCamt camt.053.001.08', () => {
	const [statement] = parseCamt(sample('camt053-v08-2026-04-02.xml'));

	it('reads the statement header', () => {
		expect(statement).toMatchObject({
			message: 'camt.053.001.08',
			kind: 'statement',
			messageId: 'STMT-20260402-FR13',
			id: '2026-04-02-FR1330004000030002004578117',
			index: 1,
			accountIban: 'FR1330004000030002004578117',
			accountCurrency: 'EUR',
		});
		expect(statement.entries).toHaveLength(8);
	});

	it('reads a booked credit with its structured creditor reference (v08 Sts/Cd, Dbtr/Pty/Nm, TxDtls/Amt)', () => {
		const entry = statement.entries[0];
		expect(entry.amount.toFixed(2)).toBe('1250.40');
		expect(entry).toMatchObject({
			currency: 'EUR',
			creditDebit: 'CRDT',
			reversal: false,
			status: 'BOOK',
			bookingDate: '2026-04-02',
			valueDate: '2026-04-02',
			accountServicerReference: 'BNP20260402CR000871',
			bankTransactionCode: 'PMNT/RCDT/ESCT',
		});
		const [tx] = entry.transactions;
		expect(tx.amount?.toFixed(2)).toBe('1250.40');
		expect(tx).toMatchObject({
			index: 1,
			currency: 'EUR',
			endToEndId: 'MOB-20260401-0042',
			transactionId: '20260402FR60102780000042',
			debtorName: 'MOBILIS FRANCE SAS',
			debtorIban: 'FR6010278060310001234567889',
			unstructured: [],
			creditorReferences: [{ reference: 'RF13INV2026000101', type: 'SCOR', issuer: 'ISO' }],
			referredDocumentNumbers: [],
		});
	});

	it('reads every TxDtls of a batch entry', () => {
		const entry = statement.entries[1];
		expect(entry.amount.toFixed(2)).toBe('2916.12');
		expect(entry.transactions.map((tx) => tx.amount?.toFixed(2))).toEqual(['2210.75', '705.37']);
		expect(entry.transactions.map((tx) => tx.accountServicerReference)).toEqual([
			'BNP20260402CR000872-1',
			'BNP20260402CR000872-2',
		]);
		expect(entry.transactions[1].unstructured).toEqual(['Facture INV 2026 000105 recharges mars']);
		expect(entry.transactions[1].endToEndId).toBe('NOTPROVIDED');
	});

	it('reads referred document numbers, debits, pending entries and entry information', () => {
		expect(statement.entries[3].transactions[0].referredDocumentNumbers).toEqual(['INV-2026-000106']);
		expect(statement.entries[4]).toMatchObject({ creditDebit: 'DBIT', additionalInfo: 'FRAIS TENUE DE COMPTE MARS 2026' });
		expect(statement.entries[4].amount.toFixed(2)).toBe('18.90');
		expect(statement.entries[4].transactions).toEqual([]);
		expect(statement.entries[5]).toMatchObject({ status: 'PDNG', bookingDate: undefined, valueDate: '2026-04-03' });
	});

	it('turns booked credits into payments, one per TxDtls, and skips the debit and the pending entry', () => {
		const { payments, reversals, skipped } = bankTransactions([statement]);
		expect(payments.map((p) => [p.key, p.amount.toFixed(2)])).toEqual([
			['FR1330004000030002004578117:entry:BNP20260402CR000871#1', '1250.40'],
			['FR1330004000030002004578117:tx:BNP20260402CR000872-1', '2210.75'],
			['FR1330004000030002004578117:tx:BNP20260402CR000872-2', '705.37'],
			['FR1330004000030002004578117:entry:BNP20260402CR000873#1', '1200.00'],
			['FR1330004000030002004578117:entry:BNP20260402CR000874#1', '500.00'],
			['FR1330004000030002004578117:entry:BNP20260402CR000876#1', '431.55'],
			['FR1330004000030002004578117:entry:BNP20260402CR000877#1', '99.90'],
		]);
		expect(reversals).toEqual([]);
		expect(skipped.map((s) => [s.entryIndex, s.reason])).toEqual([
			[5, 'DEBIT'],
			[6, 'NOT_BOOKED'],
		]);
		expect(payments[1].endToEndId).toBe('ROAM-INV-2026-000104');
		expect(payments[2].endToEndId).toBeUndefined(); // NOTPROVIDED is no reference
		expect(payments[5].additionalInfo).toEqual(['SEPA CT ROAM NETHERLANDS BV']);
	});

	it('uses sample IBANs with valid check digits', () => {
		const text = sample('camt053-v08-2026-04-02.xml').toString('utf8');
		const ibans = [...text.matchAll(/<IBAN>([^<]+)<\/IBAN>/g)].map((m) => m[1]);
		expect(ibans.length).toBeGreaterThan(5);
		for (const iban of ibans) expect(isValidIban(iban)).toBe(true);
	});
});

describe('parseCamt camt.053.001.02', () => {
	const [statement] = parseCamt(sample('camt053-v02-2026-04-07.xml').toString('utf8'));

	it('reads v02 status, Dbtr/Nm, AmtDtls/TxAmt/Amt and a spaced debtor IBAN', () => {
		expect(statement.message).toBe('camt.053.001.02');
		const [tx] = statement.entries[0].transactions;
		expect(statement.entries[0].status).toBe('BOOK');
		expect(tx.amount?.toFixed(2)).toBe('2034.08');
		expect(tx.debtorName).toBe('Mobilis France SAS');
		expect(tx.debtorIban).toBe('FR6010278060310001234567889');
		expect(tx.creditorReferences[0].reference).toBe('RF18INV2026000108');
	});

	it('decodes entities and keeps Ustrd lines in order', () => {
		expect(statement.entries[1].transactions[0].unstructured).toEqual([
			'Zahlung Rechnung INV-2026-',
			'000109 Roaming Laden & Parken',
		]);
	});

	it('reports the reversed debit as a reversal with its return reason, and skips the direct debit', () => {
		const { payments, reversals, skipped } = bankTransactions([statement]);
		expect(payments).toHaveLength(2);
		expect(reversals).toHaveLength(1);
		expect(reversals[0]).toMatchObject({
			kind: 'reversal',
			endToEndId: 'CHP-2026-04-0007',
			returnReason: 'DUPL',
			bookingDate: '2026-04-07',
		});
		expect(reversals[0].amount.toFixed(2)).toBe('1200.00');
		expect(skipped).toMatchObject([{ entryIndex: 4, reason: 'DEBIT' }]);
	});
});

describe('parseCamt camt.054', () => {
	it('reads a camt.054.001.08 notification', () => {
		const [notification] = parseCamt(sample('camt054-v08-2026-04-03.xml'));
		expect(notification).toMatchObject({ message: 'camt.054.001.08', kind: 'notification', id: 'NTF-20260403-000318-1' });
		const [entry] = notification.entries;
		expect(entry.amount.toFixed(2)).toBe('1789.33');
		expect(entry.reversal).toBe(false);
		expect(entry.transactions[0]).toMatchObject({
			debtorName: 'E-Mobility Services SA',
			ultimateDebtorName: 'E-Mobility Services Luxembourg SARL',
			unstructured: ['PAIEMENT RF61 INV2 0260 0011 0 MERCI'],
		});
	});

	it('reads a Latin-1 camt.054.001.02 notification with its accents', () => {
		const [notification] = parseCamt(sample('camt054-v02-2026-04-03.xml'));
		expect(notification.message).toBe('camt.054.001.02');
		const [tx] = notification.entries[0].transactions;
		expect(tx.debtorName).toBe('Mobilis France Société par actions simplifiée');
		expect(tx.unstructured).toEqual(['Règlement facture INV-2026-000112']);
		expect(bankTransactions([notification]).payments[0].key).toBe(
			'FR1330004000030002004578117:tx:BNP20260403CR000925-TX',
		);
	});
});

describe('parseCamt refuses hostile and wrong files with a code', () => {
	it('rejects an XXE file reading /etc/passwd before parsing, and nothing of the file is read', () => {
		let error: unknown;
		try {
			parseCamt(hostile('xxe-etc-passwd.xml'));
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(CamtError);
		expect((error as CamtError).code).toBe('CAMT_DOCTYPE_FORBIDDEN');
		expect((error as CamtError).message).not.toMatch(/root:/);
	});

	it('rejects a parameter-entity XXE (lower-case doctype)', () => {
		expect(codeOf(() => parseCamt(hostile('xxe-parameter-entity.xml')))).toBe('CAMT_DOCTYPE_FORBIDDEN');
	});

	it('rejects a billion-laughs file fast, without expanding it', () => {
		const before = process.memoryUsage().heapUsed;
		const started = performance.now();
		expect(codeOf(() => parseCamt(hostile('billion-laughs.xml')))).toBe('CAMT_DOCTYPE_FORBIDDEN');
		// A generous bound: expanding the entities would take minutes, a loaded CI machine takes milliseconds.
		expect(performance.now() - started).toBeLessThan(2000);
		expect(process.memoryUsage().heapUsed - before).toBeLessThan(20 * 1024 * 1024);
	});

	it('rejects a DOCTYPE in UTF-16 too', () => {
		const text = hostile('xxe-etc-passwd.xml').toString('utf8').replace('encoding="UTF-8"', 'encoding="UTF-16"');
		const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
		expect(codeOf(() => parseCamt(bytes))).toBe('CAMT_DOCTYPE_FORBIDDEN');
	});

	it('refuses files above the size limit before reading them', () => {
		const xml = sample('camt053-v08-2026-04-02.xml');
		expect(codeOf(() => parseCamt(xml, { maxBytes: 1000 }))).toBe('CAMT_TOO_LARGE');
		expect(parseCamt(xml, { maxBytes: xml.byteLength })).toHaveLength(1);
	});

	it('names the root element of XML that is not camt', () => {
		let message = '';
		try {
			parseCamt(hostile('invoice-not-camt.xml'));
		} catch (error) {
			expect((error as CamtError).code).toBe('CAMT_NOT_CAMT');
			message = (error as CamtError).message;
		}
		expect(message).toContain('<rsm:CrossIndustryInvoice>');
		expect(codeOf(() => parseCamt(hostile('pain001-not-camt.xml')))).toBe('CAMT_NOT_CAMT');
	});

	it('names an unsupported camt version and lists the supported ones', () => {
		let error: CamtError | undefined;
		try {
			parseCamt(hostile('camt053-v04-unsupported.xml'));
		} catch (caught) {
			error = caught as CamtError;
		}
		expect(error?.code).toBe('CAMT_UNSUPPORTED_VERSION');
		expect(error?.message).toContain('camt.053.001.04');
		expect(error?.message).toContain('camt.053.001.02, camt.053.001.08, camt.054.001.02, camt.054.001.08');
		expect(codeOf(() => parseCamt(hostile('camt053-no-namespace.xml')))).toBe('CAMT_UNSUPPORTED_VERSION');
	});

	it('says a cut file is truncated', () => {
		const xml = sample('camt053-v08-2026-04-02.xml').toString('utf8');
		expect(codeOf(() => parseCamt(xml.slice(0, Math.floor(xml.length / 2))))).toBe('CAMT_TRUNCATED');
		expect(codeOf(() => parseCamt(xml.slice(0, xml.lastIndexOf('</Document>'))))).toBe('CAMT_TRUNCATED');
	});

	it('says what is not XML at all', () => {
		expect(codeOf(() => parseCamt(hostile('not-xml.json')))).toBe('CAMT_NOT_XML');
		expect(codeOf(() => parseCamt(''))).toBe('CAMT_NOT_XML');
		expect(codeOf(() => parseCamt(Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e])))).toBe(
			'CAMT_NOT_XML',
		);
	});

	it('refuses absurd nesting without a stack overflow', () => {
		const deep = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>${'<a>'.repeat(
			5000,
		)}${'</a>'.repeat(5000)}</BkToCstmrStmt></Document>`;
		expect(codeOf(() => parseCamt(deep))).toBe('CAMT_TOO_DEEP');
	});

	it('skips an entry whose amount is not a decimal, naming the field, and reads the rest of the statement', () => {
		const good = parseCamt(sample('camt053-v08-2026-04-02.xml'))[0];
		const xml = sample('camt053-v08-2026-04-02.xml').toString('utf8').replace('>1250.40</Amt>', '>1.250,40</Amt>');
		const [statement] = parseCamt(xml);
		expect(statement.invalidEntries).toEqual([
			expect.objectContaining({ index: 1, code: 'CAMT_FIELD_INVALID', field: 'Stmt[1]/Ntry[1]/Amt' }),
		]);
		expect(statement.entries.map((e) => e.index)).toEqual(good.entries.slice(1).map((e) => e.index));
		const { payments, skipped } = bankTransactions([statement]);
		expect(payments).toHaveLength(bankTransactions([good]).payments.length - 1);
		expect(skipped[skipped.length - 1]).toMatchObject({ entryIndex: 1, reason: 'ENTRY_INVALID', field: 'Stmt[1]/Ntry[1]/Amt' });
		expect(skipped[skipped.length - 1].message).toMatch(/"1\.250,40".*skipped/);
	});
});
