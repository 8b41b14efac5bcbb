/**
 * The summary of an issued document that travels with its files: the JSON of a Build Invoice item, the line of
 * `ev-clearing invoice`, and what Send Factur-X and Track Payment read. Amounts as 2-decimal strings.
 */
import { amountDecimals, toFixedAmount } from '../money';
import type { DocumentLanguage, Invoice } from './model';
import { documentLanguage } from './model';

export interface InvoiceSummaryJson {
	/** Marks items that came from Build Invoice, so later nodes can tell them apart from anything else. */
	kind: 'ev-clearing.invoice';
	number: string;
	/** 380 invoice, 381 credit note */
	typeCode: '380' | '381';
	issueDate: string;
	dueDate: string | null;
	/** The language the document is written in: its e-mail speaks it too. */
	language: DocumentLanguage;
	currency: string;
	period: { start: string; end: string } | null;
	seller: { name: string; vatId: string | null };
	buyer: {
		name: string;
		vatId: string | null;
		countryCode: string;
		/** The eMSP's OCPI party, e.g. "NL*ROM". */
		ocpiParty: string | null;
		email: string | null;
	};
	totals: { withoutVat: string; vat: string; withVat: string; due: string };
	vatBreakdown: Array<{ category: string; rate: string | null; taxable: string; tax: string }>;
	/** ISO 11649 RF creditor reference the payer quotes. */
	paymentReference: string | null;
	/** Credit notes: the first invoice corrected (BT-25). */
	correctsInvoiceNumber: string | null;
	/** Credit notes: every invoice corrected (BT-25 repeated), in document order. */
	correctsInvoiceNumbers: string[];
	cdrIds: string[];
	lineCount: number;
	/** File names by format, as attached to the item (binary properties facturx, cii, ubl). */
	files: Record<string, string>;
	/** Rendered again from the ledger after an interrupted run. */
	recovered: boolean;
}

export function invoiceSummary(
	invoice: Invoice,
	extra: { cdrIds: string[]; ocpiParty: string | null; email: string | null; files: Record<string, string>; recovered: boolean },
): InvoiceSummaryJson {
	const places = amountDecimals(invoice.currency);
	return {
		kind: 'ev-clearing.invoice',
		number: invoice.number,
		typeCode: invoice.typeCode,
		issueDate: invoice.issueDate,
		dueDate: invoice.dueDate ?? null,
		language: documentLanguage(invoice),
		currency: invoice.currency,
		period: invoice.period ?? null,
		seller: { name: invoice.seller.name, vatId: invoice.seller.vatId ?? null },
		buyer: {
			name: invoice.buyer.name,
			vatId: invoice.buyer.vatId ?? null,
			countryCode: invoice.buyer.address.countryCode,
			ocpiParty: extra.ocpiParty,
			email: extra.email,
		},
		totals: {
			withoutVat: toFixedAmount(invoice.totals.taxExclusive, places),
			vat: toFixedAmount(invoice.totals.vatTotal, places),
			withVat: toFixedAmount(invoice.totals.taxInclusive, places),
			due: toFixedAmount(invoice.totals.due, places),
		},
		vatBreakdown: invoice.vatBreakdown.map((b) => ({
			category: b.category,
			rate: b.rate ? b.rate.toFixed() : null,
			taxable: toFixedAmount(b.taxableAmount, places),
			tax: toFixedAmount(b.taxAmount, places),
		})),
		paymentReference: invoice.payment?.remittanceInformation ?? null,
		correctsInvoiceNumber: invoice.precedingInvoices[0]?.number ?? null,
		correctsInvoiceNumbers: invoice.precedingInvoices.map((reference) => reference.number),
		cdrIds: extra.cdrIds,
		lineCount: invoice.lines.length,
		files: extra.files,
		recovered: extra.recovered,
	};
}
