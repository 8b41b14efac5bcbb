import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseInvoicingConfig } from '../../lib/invoice/config';
import type { InvoicingConfig } from '../../lib/invoice/config';
import { issueInvoices } from '../../lib/issuing';
import type { IssuedDocument } from '../../lib/issuing';
import { openLedger } from '../../lib/ledger';
import type { Ledger } from '../../lib/ledger';
import { dec, sum } from '../../lib/money';
import { createPricer } from '../../lib/pricing';
import type { PricedCdr } from '../../lib/pricing';
import { fatalFindings, validateEInvoices, withValidator } from '../helpers/einvoice-validator';

const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8'));
const cdrs = load('cdrs.json') as Array<{ id: string; country_code: string; credit?: boolean; credit_reference_id?: string }>;
const pricer = createPricer({ tariffs: load('tariffs.json') });
const priced: PricedCdr[] = cdrs.map((c) => pricer.price(c as never));
const CREATED = new Date('2026-11-02T08:00:00Z');

function configWith(file = 'invoice-config.json'): InvoicingConfig {
	return parseInvoicingConfig(load(file));
}

describe('issuing invoices from priced sample CDRs (French CPO, monthly per eMSP)', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'issue-test-'));
	const config = configWith();
	let ledger: Ledger;
	let documents: IssuedDocument[];
	let first: Awaited<ReturnType<typeof issueInvoices>>;

	beforeAll(async () => {
		ledger = await openLedger({ kind: 'sqlite', path: path.join(dir, 'ledger.sqlite') });
		first = await issueInvoices(priced, config, ledger, { creationDate: CREATED });
		documents = first.documents;
	});
	afterAll(async () => ledger.close());

	it('bills every French CDR once, refuses the German CPO\'s CDRs, and numbers without gaps', () => {
		const frIndexes = cdrs.flatMap((c, i) => (c.country_code === 'FR' ? [i] : []));
		const billed = documents.flatMap((d) => d.sourceIndexes).sort((a, b) => a - b);
		expect(billed).toEqual(frIndexes);
		expect(first.failures.map((f) => f.code)).toEqual(cdrs.filter((c) => c.country_code !== 'FR').map(() => 'SELLER_MISMATCH'));
		expect(first.alreadyInvoiced).toEqual([]);
		const invoices = documents.filter((d) => d.invoice.typeCode === '380').map((d) => d.invoice.number);
		expect(invoices).toEqual(invoices.map((_, i) => `EVC-2026-${String(i + 1).padStart(6, '0')}`));
		// One invoice per eMSP of the French CDRs (all in October 2026).
		const emsps = new Set(cdrs.filter((c) => c.country_code === 'FR' && !c.credit).map((c) => (c as unknown as { cdr_token: { party_id: string } }).cdr_token.party_id));
		expect(invoices).toHaveLength(emsps.size);
	});

	it('totals each invoice to the cent of its CDRs\' computed prices, with the right VAT treatment', () => {
		for (const doc of documents.filter((d) => d.invoice.typeCode === '380')) {
			const expectedNet = sum(doc.sourceIndexes.map((i) => priced[i].computed!.total_cost.excl_vat.toDecimalPlaces(2, 4)));
			expect(doc.invoice.totals.taxExclusive.toFixed(2)).toBe(expectedNet.toFixed(2));
			const buyerCountry = doc.invoice.buyer.address.countryCode;
			const categories = new Set(doc.invoice.vatBreakdown.map((b) => b.category));
			expect([...categories]).toEqual(buyerCountry === 'FR' ? ['S'] : ['AE']);
			if (buyerCountry === 'FR') {
				const vat = doc.invoice.vatBreakdown[0];
				expect(vat.rate!.toFixed()).toBe('20');
				expect(vat.taxAmount.toFixed(2)).toBe(vat.taxableAmount.times(dec('0.2')).toDecimalPlaces(2, 4).toFixed(2));
			} else {
				expect(doc.invoice.totals.vatTotal.toFixed(2)).toBe('0.00');
				expect(doc.invoice.vatBreakdown[0].exemptionReason).toBe('Autoliquidation');
			}
			expect(doc.invoice.payment?.remittanceInformation).toMatch(/^RF\d{2}EVC2026\d{6}$/);
			expect(doc.invoice.notes.map((n) => n.subjectCode)).toEqual(expect.arrayContaining(['PMD', 'PMT', 'AAB']));
		}
	});

	it('turns the credit CDR into a credit note that references the invoice of the original CDR', () => {
		const creditIndex = cdrs.findIndex((c) => c.credit);
		const credit = documents.find((d) => d.sourceIndexes.includes(creditIndex))!;
		expect(credit.invoice.typeCode).toBe('381');
		expect(credit.invoice.number).toBe('EVC-AV-2026-000001');
		const originalIndex = cdrs.findIndex((c) => c.id === cdrs[creditIndex].credit_reference_id);
		const original = documents.find((d) => d.sourceIndexes.includes(originalIndex))!;
		expect(credit.invoice.precedingInvoices).toEqual([{ number: original.invoice.number, issueDate: '2026-11-02' }]);
		expect(credit.invoice.totals.taxExclusive.toFixed(2)).toBe(priced[creditIndex].computed!.total_cost.excl_vat.negated().toDecimalPlaces(2, 4).toFixed(2));
		expect(credit.invoice.totals.taxExclusive.isPositive()).toBe(true);
	});

	withValidator().it('renders every document in every format, and the official validator finds no fatal issue', async () => {
		const files: string[] = [];
		for (const doc of documents) {
			expect(doc.files.map((f) => f.format)).toEqual(['facturx', 'cii', 'ubl']);
			for (const f of doc.files) {
				const file = path.join(dir, f.fileName);
				writeFileSync(file, f.data);
				files.push(file);
			}
		}
		const verdicts = await validateEInvoices(files);
		for (const v of verdicts) expect([v.file, fatalFindings(v)]).toEqual([v.file, '']);
	}, 180_000);

	it('invoices nothing twice: a re-run reports every CDR already invoiced, with its number', async () => {
		const again = await issueInvoices(priced, config, ledger, { creationDate: CREATED });
		expect(again.documents).toEqual([]);
		const numberOf = new Map(documents.flatMap((d) => d.sourceIndexes.map((i) => [i, d.invoice.number] as const)));
		expect(again.alreadyInvoiced.map((a) => [a.index, a.invoiceNumber])).toEqual([...numberOf].sort((a, b) => a[0] - b[0]));
		expect((await ledger.listInvoices()).length).toBe(documents.length);
	});
});

describe('a run that stops between numbering and files', () => {
	it('leaves no gap and no orphan: the next run renders the recorded invoice again, under the same number', async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'issue-crash-'));
		const config = configWith();
		config.invoicing.mode = 'per_cdr';
		const ledger = await openLedger({ kind: 'sqlite', path: path.join(dir, 'ledger.sqlite') });
		const firstCdr = [priced[0]];
		await expect(
			issueInvoices(firstCdr, config, ledger, {
				onRendered: async () => {
					throw new Error('disk full');
				},
			}),
		).rejects.toThrow('disk full');
		const unrendered = await ledger.listUnrendered();
		expect(unrendered.map((u) => u.number)).toEqual(['EVC-2026-000001']);
		const written: string[] = [];
		// A run right after: the document is too young to be another run's crash, so it is left alone.
		const tooSoon = await issueInvoices(firstCdr, config, ledger, { onRendered: async (d) => void written.push(d.invoice.number) });
		expect(tooSoon.documents).toEqual([]);
		expect(written).toEqual([]);
		const rerun = await issueInvoices(firstCdr, config, ledger, {
			recoverAfterMs: 0,
			onRendered: async (d) => void written.push(d.invoice.number),
		});
		expect(rerun.documents.map((d) => [d.invoice.number, d.recovered])).toEqual([['EVC-2026-000001', true]]);
		expect(rerun.alreadyInvoiced).toEqual([{ index: 0, id: priced[0].id, invoiceNumber: 'EVC-2026-000001' }]);
		expect(written).toEqual(['EVC-2026-000001']);
		expect(await ledger.listUnrendered()).toEqual([]);
		const next = await issueInvoices([priced[1]], config, ledger);
		expect(next.documents.map((d) => d.invoice.number)).toEqual(['EVC-2026-000002']);
		await ledger.close();
	});
});
