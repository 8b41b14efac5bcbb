import fc from 'fast-check';
import type { Invoice, InvoiceDraft, InvoiceLine, VatCategoryCode } from '../../lib/invoice/model';
import { InvoiceArithmeticError, completeInvoice } from '../../lib/invoice/totals';
import { dec, roundMoney, sum } from '../../lib/money';
import type { Decimal } from '../../lib/money';
import { BUYER_FR, SELLER } from '../einvoice/fixtures';

/** rate null: no BT-152 at all. */
function line(id: number, net: string, rate: string | null = '20', category: VatCategoryCode = 'S'): InvoiceLine {
	return {
		id: String(id),
		quantity: dec(1),
		unitCode: 'C62',
		netAmount: dec(net),
		netPrice: dec(net).abs(),
		vat: { category, rate: rate === null ? undefined : dec(rate) },
		item: { name: 'Charge' },
	};
}

function draft(lines: InvoiceLine[]): InvoiceDraft {
	return {
		number: 'T-1',
		issueDate: '2026-03-31',
		typeCode: '380',
		currency: 'EUR',
		dueDate: '2026-04-30',
		notes: [],
		precedingInvoices: [],
		seller: SELLER,
		buyer: BUYER_FR,
		lines,
	};
}

/** The EN16931 arithmetic rules, as the schematron states them, on the rounded values of the invoice. */
function assertBusinessRules(invoice: Invoice): void {
	const cents = (value: Decimal) => expect(value.decimalPlaces()).toBeLessThanOrEqual(2);
	for (const l of invoice.lines) cents(l.netAmount);
	const t = invoice.totals;
	[t.lineNetTotal, t.taxExclusive, t.vatTotal, t.taxInclusive, t.paid, t.due].forEach(cents);
	// BR-CO-10
	expect(t.lineNetTotal.equals(sum(invoice.lines.map((l) => l.netAmount)))).toBe(true);
	// BR-CO-13 (no document-level allowances/charges)
	expect(t.taxExclusive.equals(t.lineNetTotal)).toBe(true);
	// BR-CO-14
	expect(t.vatTotal.equals(sum(invoice.vatBreakdown.map((b) => b.taxAmount)))).toBe(true);
	// BR-CO-15
	expect(t.taxInclusive.equals(t.taxExclusive.plus(t.vatTotal))).toBe(true);
	// BR-CO-16
	expect(t.due.equals(t.taxInclusive.minus(t.paid))).toBe(true);
	for (const b of invoice.vatBreakdown) {
		cents(b.taxableAmount);
		cents(b.taxAmount);
		// BR-S-08, BR-AE-08, BR-Z-08, BR-E-08: taxable amount = Σ line nets of that category and rate
		const same = invoice.lines.filter(
			(l) => l.vat.category === b.category && (l.vat.rate?.toFixed() ?? '') === (b.rate?.toFixed() ?? ''),
		);
		expect(b.taxableAmount.equals(sum(same.map((l) => l.netAmount)))).toBe(true);
		// BR-CO-17: tax = round2(taxable × rate / 100), half away from zero
		expect(b.taxAmount.equals(roundMoney(b.taxableAmount.times(b.rate ?? 0).dividedBy(100)))).toBe(true);
	}
	// Every line is in exactly one breakdown.
	expect(sum(invoice.vatBreakdown.map((b) => b.taxableAmount)).equals(t.lineNetTotal)).toBe(true);
}

describe('invoice totals (EN16931 BR-CO-10 … BR-CO-17)', () => {
	it('3 lines of 0.333: each line rounds to 0.33, totals are sums of the printed lines', () => {
		const invoice = completeInvoice(draft([line(1, '0.333'), line(2, '0.333'), line(3, '0.333')]));
		expect(invoice.lines.map((l) => l.netAmount.toFixed(2))).toEqual(['0.33', '0.33', '0.33']);
		expect(invoice.totals.lineNetTotal.toFixed(2)).toBe('0.99'); // not round(0.999) = 1.00
		expect(invoice.vatBreakdown[0].taxAmount.toFixed(2)).toBe('0.20'); // 0.99 × 20 % = 0.198
		expect(invoice.totals.taxInclusive.toFixed(2)).toBe('1.19');
		assertBusinessRules(invoice);
	});

	it('1,000 lines of 0.005 round half away from zero to 0.01 each: 10.00, not 5.00', () => {
		const lines = Array.from({ length: 1000 }, (_, i) => line(i + 1, '0.005'));
		const invoice = completeInvoice(draft(lines));
		expect(invoice.totals.lineNetTotal.toFixed(2)).toBe('10.00');
		expect(invoice.totals.vatTotal.toFixed(2)).toBe('2.00');
		assertBusinessRules(invoice);
	});

	it('a negative corrective line: −0.005 rounds to −0.01, VAT of a negative base rounds away from zero', () => {
		const invoice = completeInvoice(draft([line(1, '10.00'), line(2, '-10.125'), line(3, '-0.005', '5.5')]));
		expect(invoice.lines.map((l) => l.netAmount.toFixed(2))).toEqual(['10.00', '-10.13', '-0.01']);
		const [s20, s55] = invoice.vatBreakdown;
		expect(s20.taxableAmount.toFixed(2)).toBe('-0.13');
		expect(s20.taxAmount.toFixed(2)).toBe('-0.03'); // −0.026
		expect(s55.taxAmount.toFixed(2)).toBe('0.00'); // −0.00055
		expect(invoice.totals.taxInclusive.toFixed(2)).toBe('-0.17');
		assertBusinessRules(invoice);
	});

	it('VAT per breakdown, not per line: 3 lines of 0.03 at 20 % carry 0.02 VAT, not 3 × 0.01', () => {
		const invoice = completeInvoice(draft([line(1, '0.10'), line(2, '0.10'), line(3, '0.10')]));
		expect(invoice.vatBreakdown[0].taxAmount.toFixed(2)).toBe('0.06');
		const odd = completeInvoice(draft([line(1, '0.025'), line(2, '0.025'), line(3, '0.025')]));
		// lines 0.03 each → 0.09 × 20 % = 0.018 → 0.02 (per-line VAT 0.006 → 0.01 × 3 = 0.03 would break BR-CO-17)
		expect(odd.vatBreakdown[0].taxAmount.toFixed(2)).toBe('0.02');
	});

	it('groups by (category, rate) in order of appearance: 20 %, 5.5 %, AE, E', () => {
		const invoice = completeInvoice(
			draft([line(1, '100'), line(2, '50', '5.5'), line(3, '12.34', null, 'AE'), line(4, '7', '0', 'E'), line(5, '1.01')]),
			{ exemptionReasons: { E: { text: 'Exonération, article 261 du CGI' } } },
		);
		expect(invoice.vatBreakdown.map((b) => `${b.category} ${b.rate?.toFixed()} ${b.taxableAmount.toFixed(2)} ${b.taxAmount.toFixed(2)}`)).toEqual([
			'S 20 101.01 20.20',
			'S 5.5 50.00 2.75',
			'AE 0 12.34 0.00',
			'E 0 7.00 0.00',
		]);
		expect(invoice.vatBreakdown[2]).toMatchObject({ exemptionReason: 'Reverse charge', exemptionReasonCode: 'VATEX-EU-AE' });
		expect(invoice.vatBreakdown[3].exemptionReason).toBe('Exonération, article 261 du CGI');
		expect(invoice.vatBreakdown[0].exemptionReason).toBeUndefined();
		expect(invoice.totals.taxInclusive.toFixed(2)).toBe('193.30');
		assertBusinessRules(invoice);
	});

	it('a paid amount makes the amount due smaller (BR-CO-16)', () => {
		const invoice = completeInvoice(draft([line(1, '10')]), { paidAmount: dec('4.5') });
		expect(invoice.totals.due.toFixed(2)).toBe('7.50');
	});

	it('refuses what it cannot compute, with a code naming the field', () => {
		const code = (fn: () => unknown) => {
			try {
				fn();
			} catch (error) {
				return error instanceof InvoiceArithmeticError ? error.code : String(error);
			}
			return undefined;
		};
		expect(code(() => completeInvoice(draft([])))).toBe('INVOICE_NO_LINES');
		expect(code(() => completeInvoice(draft([line(1, '1', null)])))).toBe('INVOICE_LINE_VAT_RATE');
		expect(code(() => completeInvoice(draft([line(1, '1', '0')])))).toBe('INVOICE_LINE_VAT_RATE');
		expect(code(() => completeInvoice(draft([line(1, '1', '20', 'AE')])))).toBe('INVOICE_LINE_VAT_RATE');
		expect(code(() => completeInvoice(draft([line(1, '1', '0', 'E')])))).toBe('INVOICE_EXEMPTION_REASON_MISSING');
	});

	it('holds the rules on any lines (property)', () => {
		const amount = fc.integer({ min: -2_000_000, max: 5_000_000 }).map((n) => dec(n).dividedBy(1000));
		const rate = fc.constantFrom('20', '5.5', '19', '7', '2.1', '10');
		fc.assert(
			fc.property(fc.array(fc.tuple(amount, rate), { minLength: 1, maxLength: 40 }), (specs) => {
				const lines = specs.map(([net, r], i) => ({ ...line(i + 1, '0', r), netAmount: net }));
				assertBusinessRules(completeInvoice(draft(lines)));
			}),
			{ numRuns: 300 },
		);
	});
});
