/**
 * The credit note (381) of an accepted dispute, through the one issuing path: numbered in the credit-note series,
 * linked to the invoice it corrects, rendered and recorded. Its note names the dispute, so resolving the same dispute
 * again (after an interruption) finds it instead of issuing a second one.
 */
import type { RenderedInvoiceFile } from '../einvoice';
import { renderAll } from '../einvoice';
import type { DisputeCredit } from '../invoice/credit-note';
import { disputeCreditNote } from '../invoice/credit-note';
import { invoiceFromDocument } from '../invoice/document-json';
import type { CiiProfile, EInvoiceFormat } from '../invoice/formats';
import type { Invoice } from '../invoice/model';
import { invoiceNumberFormatter } from '../invoice/numbering';
import type { Ledger } from '../ledger';
import { issueDocument } from './issue-document';

/** How credit notes are numbered and rendered: the credit-note part of the invoicing configuration. */
export interface CreditNoteSettings {
	series: string;
	numberPattern: string;
	formats: EInvoiceFormat[];
	profile?: CiiProfile;
	/** PDF creation date, for reproducible files. */
	creationDate?: Date;
}

export interface IssuedCreditNote {
	invoice: Invoice;
	files: RenderedInvoiceFile[];
	/** Found from an earlier resolution of the same dispute rather than issued now. */
	existing: boolean;
}

const disputeNote = (disputeId: string) => `Dispute ${disputeId} accepted`;

export async function issueDisputeCreditNote(
	ledger: Ledger,
	invoiceNumber: string,
	disputeId: string,
	credit: DisputeCredit,
	issueDate: string,
	settings: CreditNoteSettings,
): Promise<IssuedCreditNote> {
	const rendering = { formats: settings.formats, profile: settings.profile, creationDate: settings.creationDate };
	for (const summary of await ledger.listInvoices({ correctsInvoiceNumber: invoiceNumber })) {
		const record = await ledger.getInvoice(summary.number);
		const invoice = invoiceFromDocument(record!.document);
		if (invoice.notes.some((note) => note.text.startsWith(disputeNote(disputeId)))) {
			const { formats, ...options } = rendering;
			return { invoice, files: await renderAll(invoice, formats, options), existing: true };
		}
	}
	const original = (await ledger.getInvoice(invoiceNumber))!;
	const originalInvoice = invoiceFromDocument(original.document);
	const result = await issueDocument(
		ledger,
		{
			typeCode: '381',
			series: settings.series,
			issueDate,
			buyer: original.buyer,
			currency: original.currency,
			correctsInvoiceNumber: invoiceNumber,
			cdrs: [],
			formatNumber: invoiceNumberFormatter(settings.numberPattern),
		},
		(number) => disputeCreditNote(originalInvoice, credit, { number, issueDate, reason: `${disputeNote(disputeId)}.` }),
		rendering,
	);
	if (result.kind !== 'issued') throw new Error('A credit note without CDRs cannot conflict.');
	return { invoice: result.invoice, files: result.files, existing: false };
}
