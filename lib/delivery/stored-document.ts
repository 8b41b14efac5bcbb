/**
 * A document read back from the ledger to be sent again (Send Factur-X "Resend by Invoice Number"): the ledger keeps
 * each issued document's EN16931 model, so its files are rendered again under the same number and its summary is the
 * one Build Invoice gave. The billing e-mail comes from the latest e-mail delivery of the invoice, when there was one.
 */
import { renderAll } from '../einvoice';
import type { CiiProfile, EInvoiceFormat } from '../einvoice';
import { invoiceFromDocument } from '../invoice/document-json';
import { invoiceSummary } from '../invoice/summary';
import type { Ledger } from '../ledger';
import { DeliveryError } from './errors';
import type { InvoiceDocument } from './invoice-document';
import { lastSuccessfulDelivery } from './ledger-deliveries';

export interface StoredDocumentOptions {
	formats?: readonly EInvoiceFormat[];
	profile?: CiiProfile;
	/** The parameter the numbers came from, named in errors. */
	field?: string;
}

/** The invoice numbers of a comma / space / newline separated list, in order, without repeats. */
export function parseInvoiceNumbers(text: string): string[] {
	return [...new Set(text.split(/[\s,;]+/).map((n) => n.trim()).filter(Boolean))];
}

export async function storedInvoiceDocument(ledger: Ledger, number: string, options: StoredDocumentOptions = {}): Promise<InvoiceDocument> {
	const record = await ledger.getInvoice(number);
	if (!record) {
		throw new DeliveryError(
			'INVOICE_NOT_IN_LEDGER',
			`Invoice ${number} is not in this ledger: check the number, and that the node uses the ledger Build Invoice used.`,
			{ field: options.field ?? 'invoiceNumbers' },
		);
	}
	const invoice = invoiceFromDocument(record.document);
	const rendered = await renderAll(invoice, options.formats ?? ['facturx', 'cii', 'ubl'], { profile: options.profile });
	const mailed = await lastSuccessfulDelivery(ledger, number, 'email');
	const to = mailed?.details?.to;
	const email = typeof to === 'string' ? to : Array.isArray(to) ? to.map(String).join(', ') : (invoice.buyer.contact?.email ?? null);
	const files: InvoiceDocument['files'] = {};
	const names: Record<string, string> = {};
	for (const file of rendered) {
		files[file.format] = { fileName: file.fileName, mimeType: file.mimeType, data: file.data };
		names[file.format] = file.fileName;
	}
	const summary = invoiceSummary(invoice, {
		cdrIds: record.cdrs.map((c) => c.id),
		ocpiParty: `${record.buyer.countryCode}*${record.buyer.partyId}`,
		email,
		files: names,
		recovered: false,
	});
	return { summary, files };
}
