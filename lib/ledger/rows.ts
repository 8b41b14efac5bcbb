/** Row ↔ record mapping shared by both stores (same column names in both dialects). */
import { LedgerError } from './errors';
import { EVENT_TYPE } from './issue-request';
import type { Row } from './sql-driver';
import type { CdrRef, InvoiceSummary, InvoiceTypeCode, LedgerEvent, RenderedFile } from './types';

export const SUMMARY_COLUMNS =
	'number, series, sequence, type_code, issue_date, due_date, buyer_country_code, buyer_party_id, currency, ' +
	'total_without_vat, total_vat, total_with_vat, corrects_number, payment_reference, recorded_at, rendered_at, ' +
	'rendered_files';

/** The condition selecting the credit notes that allocate credit on one invoice (its number the parameter). */
export const CREDITING_INVOICE = 'number IN (SELECT credit_note_number FROM credit_allocations WHERE invoice_number = ?)';

export function toSummary(row: Row): InvoiceSummary {
	const summary: InvoiceSummary = {
		number: String(row.number),
		series: String(row.series),
		sequence: Number(row.sequence),
		typeCode: String(row.type_code) as InvoiceTypeCode,
		issueDate: String(row.issue_date),
		buyer: { countryCode: String(row.buyer_country_code), partyId: String(row.buyer_party_id) },
		currency: String(row.currency),
		totals: {
			withoutVat: String(row.total_without_vat),
			vat: String(row.total_vat),
			withVat: String(row.total_with_vat),
		},
		recordedAt: String(row.recorded_at),
	};
	if (row.due_date != null) summary.dueDate = String(row.due_date);
	if (row.corrects_number != null) summary.correctsInvoiceNumber = String(row.corrects_number);
	if (row.payment_reference != null) summary.paymentReference = String(row.payment_reference);
	if (row.rendered_at != null) summary.renderedAt = String(row.rendered_at);
	if (row.rendered_files != null) summary.renderedFiles = JSON.parse(String(row.rendered_files)) as RenderedFile[];
	return summary;
}

export function toEvent(row: Row): LedgerEvent {
	const event: LedgerEvent = {
		id: Number(row.id),
		at: String(row.at),
		type: String(row.type),
		payload: JSON.parse(String(row.payload)),
	};
	if (row.invoice_number != null) event.invoiceNumber = String(row.invoice_number);
	return event;
}

export function checkEventType(type: string): void {
	if (!EVENT_TYPE.test(type)) {
		const message = `event type "${type}" must be UPPER_SNAKE_CASE, e.g. PAYMENT_RECORDED.`;
		throw new LedgerError('EVENT_TYPE_INVALID', message, 'type');
	}
}

export function invoiceNotFound(number: string): LedgerError {
	return new LedgerError('INVOICE_NOT_FOUND', `Invoice ${number} is not in this ledger: check the number.`, 'number');
}

export function numberTaken(number: string): LedgerError {
	return new LedgerError(
		'INVOICE_NUMBER_TAKEN',
		`formatNumber() produced ${number}, which another document already has: include {series} in the number ` +
			'pattern, or give each series its own prefix.',
		'formatNumber',
	);
}

export function paymentReferenceTaken(reference: string): LedgerError {
	return new LedgerError(
		'PAYMENT_REFERENCE_TAKEN',
		`paymentReferenceFor() produced ${reference}, which another document already has: payment references must ` +
			'identify one document. Derive it from the full invoice number.',
		'paymentReferenceFor',
	);
}

export function toCdrRef(row: Row): CdrRef {
	return { country_code: String(row.country_code), party_id: String(row.party_id), id: String(row.cdr_id) };
}
