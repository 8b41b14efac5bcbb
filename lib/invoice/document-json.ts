/**
 * The invoice as the ledger stores it: JSON with amounts as decimal strings (decimal.js serialises itself so), and
 * back. A re-render after a crash starts from this document, so it must restore every Decimal exactly.
 */
import { dec } from '../money';
import type { Invoice, InvoiceLine, VatBreakdown } from './model';

type Json = Record<string, unknown>;

export function invoiceToDocument(invoice: Invoice): Json {
	return JSON.parse(JSON.stringify(invoice)) as Json;
}

const d = (v: unknown) => dec(v as string);
const optional = (v: unknown) => (v === undefined || v === null ? undefined : dec(v as string));

export function invoiceFromDocument(document: unknown): Invoice {
	const doc = document as Json & Invoice;
	const lines = (doc.lines as unknown as Json[]).map((l) => {
		const line = l as unknown as InvoiceLine & Json;
		const vat = line.vat as unknown as Json;
		return {
			...line,
			quantity: d(line.quantity),
			netAmount: d(line.netAmount),
			netPrice: d(line.netPrice),
			baseQuantity: optional(line.baseQuantity),
			vat: { ...line.vat, rate: optional(vat.rate) },
		} as InvoiceLine;
	});
	const vatBreakdown = (doc.vatBreakdown as unknown as Json[]).map(
		(b) => ({ ...b, taxableAmount: d(b.taxableAmount), taxAmount: d(b.taxAmount), rate: optional(b.rate) }) as VatBreakdown,
	);
	const t = doc.totals as unknown as Json;
	return {
		...doc,
		lines,
		vatBreakdown,
		totals: {
			lineNetTotal: d(t.lineNetTotal),
			taxExclusive: d(t.taxExclusive),
			vatTotal: d(t.vatTotal),
			taxInclusive: d(t.taxInclusive),
			paid: d(t.paid),
			due: d(t.due),
		},
	};
}
