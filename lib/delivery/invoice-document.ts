/**
 * What a delivery sends: the summary of a Build Invoice item and its files. The item JSON is untrusted (anything can
 * reach the node), so it is checked here before a channel sees it.
 */
import type { EInvoiceFormat } from '../einvoice';
import type { InvoiceSummaryJson } from '../invoice/summary';
import { DeliveryError } from './errors';

export interface InvoiceFile {
	fileName: string;
	mimeType: string;
	data: Buffer;
}

export interface InvoiceDocument {
	summary: InvoiceSummaryJson;
	/** By format, as Build Invoice attaches them (binary properties facturx, cii, ubl). */
	files: Partial<Record<EInvoiceFormat, InvoiceFile>>;
}

export const INVOICE_KIND = 'ev-clearing.invoice';

const FORMAT_LABELS: Record<EInvoiceFormat, string> = {
	facturx: 'Factur-X PDF',
	cii: 'CII XML',
	ubl: 'UBL XML',
};

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The summary of a Build Invoice item, or an error naming what is missing. */
export function readInvoiceSummary(json: unknown): InvoiceSummaryJson {
	if (!isObject(json) || json.kind !== INVOICE_KIND) {
		throw new DeliveryError(
			'INVOICE_ITEM_NOT_FROM_BUILD_INVOICE',
			`The item is not an invoice from Build Invoice (no kind "${INVOICE_KIND}"): connect Send Factur-X after Build Invoice, or keep its JSON unchanged.`,
			{ field: 'kind' },
		);
	}
	const invalid = (field: string, what: string) =>
		new DeliveryError('INVOICE_ITEM_INVALID', `The invoice item's ${field} ${what}: keep Build Invoice's JSON unchanged.`, {
			field,
		});
	if (typeof json.number !== 'string' || json.number === '') throw invalid('number', 'is missing');
	if (json.typeCode !== '380' && json.typeCode !== '381') throw invalid('typeCode', 'is not 380 or 381');
	if (typeof json.currency !== 'string') throw invalid('currency', 'is missing');
	if (typeof json.issueDate !== 'string') throw invalid('issueDate', 'is missing');
	if (!isObject(json.buyer) || typeof json.buyer.name !== 'string') throw invalid('buyer.name', 'is missing');
	if (!isObject(json.totals) || typeof json.totals.withVat !== 'string') throw invalid('totals.withVat', 'is missing');
	// Items from before credit notes corrected several invoices name only the first.
	if (!Array.isArray(json.correctsInvoiceNumbers)) {
		return { ...json, correctsInvoiceNumbers: typeof json.correctsInvoiceNumber === 'string' ? [json.correctsInvoiceNumber] : [] } as unknown as InvoiceSummaryJson;
	}
	return json as unknown as InvoiceSummaryJson;
}

export function requireFile(document: InvoiceDocument, format: EInvoiceFormat): InvoiceFile {
	const file = document.files[format];
	if (!file || file.data.length === 0) {
		throw new DeliveryError(
			'INVOICE_FILE_MISSING',
			`Invoice ${document.summary.number} has no ${FORMAT_LABELS[format]} (binary property "${format}"): let Build Invoice render the ${format} format and pass its binary data on.`,
			{ field: `binary.${format}` },
		);
	}
	return file;
}

/** The structured XML of the invoice: CII if present, else UBL. */
export function invoiceXml(document: InvoiceDocument, prefer: 'cii' | 'ubl' = 'cii'): InvoiceFile & { format: 'cii' | 'ubl' } {
	const order: Array<'cii' | 'ubl'> = prefer === 'cii' ? ['cii', 'ubl'] : ['ubl', 'cii'];
	for (const format of order) {
		const file = document.files[format];
		if (file && file.data.length > 0) return { ...file, format };
	}
	throw new DeliveryError(
		'INVOICE_FILE_MISSING',
		`Invoice ${document.summary.number} has neither CII nor UBL XML (binary properties "cii", "ubl"): let Build Invoice render one of them.`,
		{ field: `binary.${prefer}` },
	);
}
