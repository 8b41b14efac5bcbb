/**
 * Amounts carry the currency's ISO 4217 minor units where EN16931 allows them (at most 2 decimals, BR-DEC-*): an
 * invoice in yen is in whole yen — computed, written in CII and UBL, shown on the PDF and in its summary. The
 * official validator's verdict on it is in validator.test.ts (fixture "yen").
 */
import { renderCii, renderUbl } from '../../lib/einvoice';
import { disputeCreditNote } from '../../lib/invoice/credit-note';
import { invoiceSummary } from '../../lib/invoice/summary';
import { amountDecimals, dec, withAmountStrings } from '../../lib/money';
import { perCdrInvoice, yenInvoice } from './fixtures';

describe('amounts in the minor units of their currency', () => {
	const invoice = yenInvoice();

	it('knows the ISO 4217 minor units, capped at the 2 decimals EN16931 allows', () => {
		expect(['EUR', 'JPY', 'KRW', 'KWD', 'CLF', 'XXX'].map(amountDecimals)).toEqual([2, 0, 0, 2, 2, 2]);
	});

	it('rounds yen lines, VAT and totals to whole yen, once', () => {
		// 23.456 kWh × 45.7 = 1071.9392 → 1072; 7.891 × 52.35 = 413.09385 → 413; VAT 10 % of 1485 = 148.5 → 149.
		expect(invoice.lines.map((line) => line.netAmount.toFixed())).toEqual(['1072', '413']);
		expect(invoice.vatBreakdown.map((b) => [b.taxableAmount.toFixed(), b.taxAmount.toFixed()])).toEqual([['1485', '149']]);
		expect(invoice.totals.taxInclusive.toFixed()).toBe('1634');
	});

	it('writes whole yen in CII and UBL, and 2 decimals for euros', () => {
		const cii = renderCii(invoice);
		expect(cii).toContain('<ram:LineTotalAmount>1072</ram:LineTotalAmount>');
		expect(cii).toContain('<ram:GrandTotalAmount>1634</ram:GrandTotalAmount>');
		expect(cii).toContain('<ram:TaxTotalAmount currencyID="JPY">149</ram:TaxTotalAmount>');
		const ubl = renderUbl(invoice);
		expect(ubl).toContain('<cbc:PayableAmount currencyID="JPY">1634</cbc:PayableAmount>');
		expect(ubl).toContain('<cbc:LineExtensionAmount currencyID="JPY">413</cbc:LineExtensionAmount>');
		expect(renderCii(perCdrInvoice(1))).toContain('<ram:GrandTotalAmount>9.85</ram:GrandTotalAmount>');
	});

	it('says whole yen in the summary and in payment outputs', () => {
		const summary = invoiceSummary(invoice, { cdrIds: [], ocpiParty: null, email: null, files: {}, recovered: false });
		expect(summary.totals).toEqual({ withoutVat: '1485', vat: '149', withVat: '1634', due: '1634' });
		expect(withAmountStrings({ currency: 'JPY', residual: dec(1634), lines: [{ paid: dec(100) }] })).toEqual({
			currency: 'JPY',
			residual: '1634',
			lines: [{ paid: '100' }],
		});
		expect(withAmountStrings({ currency: 'EUR', residual: dec('9.5') })).toEqual({ currency: 'EUR', residual: '9.50' });
	});

	it('credits an accepted amount in whole yen', () => {
		const credit = disputeCreditNote(invoice, { kind: 'amount', amountWithVat: dec(550) }, { number: 'JP-AV-1', issueDate: '2026-04-02', reason: 'Dispute accepted.' });
		expect([credit.totals.taxExclusive.toFixed(), credit.totals.vatTotal.toFixed(), credit.totals.taxInclusive.toFixed()]).toEqual(['500', '50', '550']);
		expect(() => disputeCreditNote(invoice, { kind: 'amount', amountWithVat: dec('550.5') }, { number: 'JP-AV-2', issueDate: '2026-04-02', reason: 'x' })).toThrow(/at most 0 decimals \(JPY\)/);
	});
});
