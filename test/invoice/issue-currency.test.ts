/**
 * Issuing in a currency without minor units (JPY): whole-yen documents that pass the official validator under
 * EN16931, and a refusal before numbering under Factur-X EXTENDED, whose BR-FXEXT-S-09b whole-yen VAT cannot meet.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseInvoicingConfig } from '../../lib/invoice/config';
import { issueInvoices } from '../../lib/issuing';
import { openLedger } from '../../lib/ledger';
import { createPricer } from '../../lib/pricing';
import { fatalFindings, validateEInvoices, withValidator } from '../helpers/einvoice-validator';

const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8'));
const inYen = <T>(value: T): T =>
	JSON.parse(JSON.stringify(value), (key, v) => (key === 'currency' && v === 'EUR' ? 'JPY' : key === 'price' && typeof v === 'number' ? v * 150 : v));
const cdrs = (load('cdrs.json') as Array<{ country_code: string; credit?: boolean }>).filter((c) => c.country_code === 'FR' && !c.credit).map(inYen);
const priced = cdrs.map((c) => createPricer({ tariffs: inYen(load('tariffs.json')) }).price(c as never));

function config(profile: 'EN16931' | 'EXTENDED') {
	const raw = load('invoice-config.json');
	raw.invoicing = { ...raw.invoicing, profile, invoiceMismatches: true, issueDate: '2026-11-02' };
	// By e-mail, not through the French platform: BR-FR-CO-12 wants VAT in EUR on a platform document in another currency.
	raw.partners = raw.partners.map((partner: object) => ({ ...partner, specification: 'en16931' }));
	return parseInvoicingConfig(raw);
}

describe('invoices in yen', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'issue-jpy-'));
	const written: string[] = [];

	it('are in whole yen in the model, the CII and the UBL', async () => {
		const c = config('EN16931');
		const ledger = await openLedger({ kind: 'sqlite', path: path.join(dir, `${c.invoicing.profile}.sqlite`) });
		const { documents, failures } = await issueInvoices(priced, c, ledger, { creationDate: new Date('2026-11-02T08:00:00Z') });
		await ledger.close();
		expect(failures).toEqual([]);
		expect(documents.length).toBeGreaterThan(0);
		for (const doc of documents) {
			const amounts = [...doc.invoice.lines.map((l) => l.netAmount), doc.invoice.totals.vatTotal, doc.invoice.totals.taxInclusive];
			expect(amounts.filter((a) => !a.isInteger())).toEqual([]);
			const cii = doc.files.find((f) => f.format === 'cii')!.data.toString();
			expect(cii).toContain(`<ram:GrandTotalAmount>${doc.invoice.totals.taxInclusive.toFixed()}</ram:GrandTotalAmount>`);
			const ubl = doc.files.find((f) => f.format === 'ubl')!.data.toString();
			expect(ubl).toContain(`<cbc:PayableAmount currencyID="JPY">${doc.invoice.totals.taxInclusive.toFixed()}</cbc:PayableAmount>`);
			for (const f of doc.files) {
				writeFileSync(path.join(dir, f.fileName), f.data);
				written.push(path.join(dir, f.fileName));
			}
		}
	});

	withValidator().it('pass the official validator (EN16931, Factur-X)', async () => {
		expect(written.length).toBeGreaterThan(0);
		for (const verdict of await validateEInvoices(written)) expect([verdict.file, fatalFindings(verdict)]).toEqual([verdict.file, '']);
	}, 180_000);

	it('are refused before numbering under Factur-X EXTENDED, with a code naming the fix', async () => {
		const c = config('EXTENDED');
		const ledger = await openLedger({ kind: 'sqlite', path: path.join(dir, `${c.invoicing.profile}.sqlite`) });
		const { documents, failures } = await issueInvoices(priced, c, ledger);
		expect(documents).toEqual([]);
		expect(new Set(failures.map((f) => f.code))).toEqual(new Set(['CURRENCY_PROFILE_UNSUPPORTED']));
		expect(failures[0].message).toMatch(/BR-FXEXT-S-09b.*invoicing\.profile to "EN16931"/);
		expect(await ledger.listInvoices()).toEqual([]);
		await ledger.close();
	});
});
