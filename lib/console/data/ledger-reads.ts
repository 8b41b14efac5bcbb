/**
 * The state of a few documents read straight from the ledger — a page of a list, one invoice — without the read model
 * of the whole ledger: their events in one query (`events({ invoiceNumbers })`), the credit notes correcting them in
 * another (`pageInvoices({ correcting })`). What a list by number, date or amount and a detail page need, at any
 * volume, from the first request on.
 */
import type { InvoiceSummary, Ledger } from '../../ledger';
import { creditedByEvent } from '../../ledger';
import type { DocumentState } from './document-state';
import { applyCreditNote, applyEvent, documentState } from './document-state';

export async function statesOf(ledger: Ledger, summaries: readonly InvoiceSummary[], cdrCounts?: ReadonlyMap<string, number>): Promise<DocumentState[]> {
	const docs = summaries.map((summary) => documentState(summary, cdrCounts?.get(summary.number)));
	if (docs.length === 0) return docs;
	const byNumber = new Map(docs.map((doc) => [doc.summary.number, doc]));
	const invoices = docs.filter((doc) => doc.summary.typeCode === '380').map((doc) => doc.summary.number);
	const creditNotesOf = async () => {
		const numbers: string[] = [];
		let after: string | undefined;
		while (invoices.length > 0) {
			const page = await ledger.pageInvoices({ correcting: invoices, typeCode: '381', limit: 1000, after });
			numbers.push(...page.rows.map((row) => row.number));
			after = page.next;
			if (!after) break;
		}
		return numbers.length ? ledger.events({ invoiceNumbers: numbers, type: 'CREDIT_NOTE_ISSUED' }) : [];
	};
	// Independent reads side by side (on PostgreSQL, on two connections of the pool).
	const [events, creditNoteEvents] = await Promise.all([ledger.events({ invoiceNumbers: [...byNumber.keys()] }), creditNotesOf()]);
	for (const event of events) {
		const doc = byNumber.get(event.invoiceNumber ?? '');
		if (doc) applyEvent(doc, event);
	}
	for (const event of creditNoteEvents) {
		for (const { invoiceNumber } of creditedByEvent(event.payload)) {
			const corrected = byNumber.get(invoiceNumber);
			if (corrected) applyCreditNote(corrected, event);
		}
	}
	return docs;
}
