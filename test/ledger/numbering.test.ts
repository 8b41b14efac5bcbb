import fc from 'fast-check';
import { assertValidInvoiceNumber, invoiceNumberFormatter } from '../../lib/invoice/numbering';

describe('invoiceNumberFormatter', () => {
	it('fills series, date parts and the zero-padded sequence', () => {
		const parts = { series: 'INV', sequence: 42, issueDate: '2025-03-07' };
		expect(invoiceNumberFormatter('{series}-{yyyy}-{seq:6}')(parts)).toBe('INV-2025-000042');
		expect(invoiceNumberFormatter('{yy}{mm}{dd}/{series}_{seq}')(parts)).toBe('250307/INV_42');
		expect(invoiceNumberFormatter('F{seq:3}')({ ...parts, sequence: 12345 })).toBe('F12345');
	});

	it('rejects bad patterns at configuration time, naming the token', () => {
		expect(() => invoiceNumberFormatter('{series}-{year}-{seq}')).toThrow(
			expect.objectContaining({ code: 'NUMBER_PATTERN_UNKNOWN_TOKEN', field: 'numberPattern' }),
		);
		expect(() => invoiceNumberFormatter('{series}-{yyyy}')).toThrow(
			expect.objectContaining({ code: 'NUMBER_PATTERN_WITHOUT_SEQUENCE' }),
		);
		expect(() => invoiceNumberFormatter('INV.{seq}')).toThrow(
			expect.objectContaining({ code: 'NUMBER_PATTERN_INVALID_CHARACTERS' }),
		);
		expect(() => invoiceNumberFormatter('{series:3}{seq}')).toThrow(
			expect.objectContaining({ code: 'NUMBER_PATTERN_UNKNOWN_TOKEN' }),
		);
	});

	it('rejects results over 35 characters, bad series and impossible dates', () => {
		const format = invoiceNumberFormatter('{series}-{yyyy}-{seq:6}');
		expect(format({ series: 'A'.repeat(23), sequence: 1, issueDate: '2025-01-01' })).toHaveLength(35);
		expect(() => format({ series: 'A'.repeat(24), sequence: 1, issueDate: '2025-01-01' })).toThrow(
			expect.objectContaining({ code: 'INVOICE_NUMBER_TOO_LONG' }),
		);
		expect(() => format({ series: 'FACT URE', sequence: 1, issueDate: '2025-01-01' })).toThrow(
			expect.objectContaining({ code: 'INVOICE_SERIES_INVALID', field: 'series' }),
		);
		expect(() => format({ series: 'INV', sequence: 1, issueDate: '2025-02-30' })).toThrow(
			expect.objectContaining({ code: 'ISSUE_DATE_INVALID', field: 'issueDate' }),
		);
	});

	it('produces distinct valid numbers for distinct sequences', () => {
		const format = invoiceNumberFormatter('{series}-{yyyy}-{seq:6}');
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 1e9 }), (a, b) => {
				const x = format({ series: 'INV', sequence: a, issueDate: '2025-12-31' });
				assertValidInvoiceNumber(x);
				return (a === b) === (x === format({ series: 'INV', sequence: b, issueDate: '2025-12-31' }));
			}),
		);
	});
});

describe('assertValidInvoiceNumber', () => {
	it('accepts the French charset and rejects anything else', () => {
		expect(() => assertValidInvoiceNumber('Az09+-_/')).not.toThrow();
		for (const bad of ['INV 1', 'INV.1', 'FACTURÉ-1', 'INV#1']) {
			expect(() => assertValidInvoiceNumber(bad)).toThrow(
				expect.objectContaining({ code: 'INVOICE_NUMBER_INVALID_CHARACTERS' }),
			);
		}
		expect(() => assertValidInvoiceNumber('')).toThrow(expect.objectContaining({ code: 'INVOICE_NUMBER_EMPTY' }));
	});
});
