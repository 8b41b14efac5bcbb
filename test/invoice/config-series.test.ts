/**
 * The RF reference of a document is its number without separators, unique in the ledger: a configuration whose
 * invoice and credit-note series can give the same one is refused up front, naming the fields, instead of every
 * credit note failing later.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { InvoicingConfigError, parseInvoicingConfig } from '../../lib/invoice/config';
import { sharedReferenceBody } from '../../lib/invoice/numbering';

const sample = JSON.parse(readFileSync(path.resolve(__dirname, '../../samples/invoice-config.json'), 'utf8'));
const withSeries = (invoicing: Record<string, unknown>) => ({ ...sample, invoicing: { ...sample.invoicing, ...invoicing } });

function refusal(invoicing: Record<string, unknown>): InvoicingConfigError | undefined {
	try {
		parseInvoicingConfig(withSeries(invoicing));
	} catch (error) {
		if (error instanceof InvoicingConfigError) return error;
		throw error;
	}
	return undefined;
}

describe('invoice and credit-note series whose RF references could collide', () => {
	it('refuses series equal but for separators or case, naming the fields and a fix', () => {
		const error = refusal({ series: 'EVC', creditNoteSeries: 'EV-C', numberPattern: '{series}-{yyyy}-{seq:6}' });
		expect(error?.message).toMatch(/^\$\.invoicing\.creditNoteSeries: "EV-C" and \$\.invoicing\.series "EVC" can give .* same ISO 11649 creditor reference under \$\.invoicing\.numberPattern/);
		expect(error?.message).toMatch(/e\.g\. RF\d\dEVC20\d{8}/);
		expect(error?.message).toMatch(/"EVC-AV"/);
		expect(refusal({ series: 'evc', creditNoteSeries: 'EVC' })).toBeDefined();
	});

	it('refuses a series that a growing sequence number runs into', () => {
		// EVC + 11 = EVC1 + 1: the same RF body "EVC11".
		expect(sharedReferenceBody('{series}{seq}', 'EVC', 'EVC1')).toBe('EVC11');
		expect(refusal({ series: 'EVC', creditNoteSeries: 'EVC1', numberPattern: '{series}{seq}' })).toBeDefined();
		// With {seq:6} the collision comes at sequence 1,000,000, a month of per-CDR invoices.
		expect(sharedReferenceBody('{series}-{seq:6}', 'A', 'A1')).toBe('A1000000');
	});

	it('accepts series that can never meet, whatever the dates and sequences', () => {
		expect(refusal({ series: 'EVC', creditNoteSeries: 'EVC-AV', numberPattern: '{series}-{yyyy}-{seq:6}' })).toBeUndefined();
		expect(refusal({ series: 'EVC1', creditNoteSeries: 'EVC2', numberPattern: '{series}-{yyyy}-{seq:6}' })).toBeUndefined();
		// A year 20xx cannot follow "EVC2" where "EVC" is followed by its year: no collision.
		expect(sharedReferenceBody('{series}{yyyy}{seq:6}', 'EVC', 'EVC2')).toBeUndefined();
		expect(parseInvoicingConfig(sample).invoicing.creditNoteSeries).toBe('EVC-AV');
	});
});
