/**
 * What the console knows of one document beyond its summary, built from the ledger's events: the events its payment
 * status is derived from (its own payments, disputes, reminders, and the credit notes correcting it), its deliveries
 * per channel and the statuses an accredited platform reported. The read model of the whole ledger (ledger-index.ts)
 * and the reads of one page or one document (ledger-reads.ts) build it the same way.
 */
import type { InvoiceSummary, LedgerEvent } from '../../ledger';
import { creditedByEvent } from '../../ledger';
import type { Decimal } from '../../money';
import { dec } from '../../money';
import type { InvoiceFacts, InvoicePaymentStatus, PaymentEvent } from '../../payments';
import { PAYMENT_EVENT_TYPES, paymentEventsOf, paymentStatus } from '../../payments';
import { emspOf } from '../../payments/tracking';
import type { LifecycleStatus } from './lifecycle';
import { lifecycleStatusOf } from './lifecycle';

export interface DeliveryState {
	channel: string;
	outcome: 'sent' | 'failed';
	at: string;
	attempts?: number;
	remoteId?: string | null;
	reason?: { code: string; message: string };
}

export interface DocumentState {
	summary: InvoiceSummary;
	emsp: string;
	total: Decimal;
	cdrCount: number;
	/** Payment, dispute and reminder events of this invoice, and the credit notes correcting it. */
	paymentEvents: PaymentEvent[];
	/** Latest outcome per channel. */
	deliveries: Map<string, DeliveryState>;
	/** Statuses reported by the accredited platform, oldest first. */
	lifecycle: LifecycleStatus[];
	/** Numbers of the credit notes correcting it. */
	creditNotes: string[];
	/** Credit notes: the invoices it corrects (its CREDIT_NOTE_ISSUED event's allocations). */
	corrects: string[];
	/** The last status derived, and the day it is for; forgotten when an event concerns the invoice. */
	status?: InvoicePaymentStatus;
}

/** The events a payment status is derived from (lib/payments), lifecycle statuses among them. */
export const PAYMENT_TYPES: ReadonlySet<string> = new Set(PAYMENT_EVENT_TYPES);

export function documentState(summary: InvoiceSummary, cdrCount = 0): DocumentState {
	return {
		summary,
		emsp: emspOf(summary),
		total: dec(summary.totals.withVat),
		cdrCount,
		paymentEvents: [],
		deliveries: new Map(),
		lifecycle: [],
		creditNotes: [],
		corrects: summary.correctsInvoiceNumber ? [summary.correctsInvoiceNumber] : [],
	};
}

/**
 * Applies one event filed under the document (never a CREDIT_NOTE_ISSUED: that one is filed under the credit note and
 * applied to the invoice it corrects with `applyCreditNote`). Returns whether the payment status may have changed.
 */
export function applyEvent(doc: DocumentState, event: LedgerEvent): boolean {
	if (event.type === 'INVOICE_ISSUED' || event.type === 'CREDIT_NOTE_ISSUED') {
		const count = (event.payload as { cdrCount?: unknown }).cdrCount;
		if (typeof count === 'number') doc.cdrCount = count;
		if (event.type === 'CREDIT_NOTE_ISSUED') {
			const corrects = creditedByEvent(event.payload).map((allocation) => allocation.invoiceNumber);
			if (corrects.length > 0) doc.corrects = corrects;
		}
		return false;
	}
	const lifecycle = lifecycleStatusOf(event);
	if (lifecycle) doc.lifecycle.push(lifecycle);
	if (PAYMENT_TYPES.has(event.type)) {
		doc.paymentEvents.push(...paymentEventsOf([event]));
		doc.status = undefined;
		return true;
	}
	if (event.type === 'DELIVERY_SUCCEEDED' || event.type === 'DELIVERY_FAILED') {
		const payload = event.payload as Partial<DeliveryState>;
		if (typeof payload.channel !== 'string') return false;
		doc.deliveries.set(payload.channel, {
			channel: payload.channel,
			outcome: event.type === 'DELIVERY_SUCCEEDED' ? 'sent' : 'failed',
			at: payload.at ?? event.at,
			attempts: payload.attempts,
			remoteId: payload.remoteId,
			reason: payload.reason,
		});
		return false;
	}
	return false;
}

/** A credit note's CREDIT_NOTE_ISSUED event, on the invoice it corrects. */
export function applyCreditNote(invoice: DocumentState, creditNoteEvent: LedgerEvent): void {
	const number = creditNoteEvent.invoiceNumber;
	if (!number || invoice.creditNotes.includes(number)) return;
	invoice.creditNotes.push(number);
	invoice.paymentEvents.push(...paymentEventsOf([creditNoteEvent]));
	invoice.status = undefined;
}

export function factsOf(doc: DocumentState, buyerName?: string): InvoiceFacts {
	return {
		number: doc.summary.number,
		emsp: doc.emsp,
		buyerName,
		currency: doc.summary.currency,
		total: doc.total,
		issueDate: doc.summary.issueDate,
		dueDate: doc.summary.dueDate ?? doc.summary.issueDate,
		rfReference: doc.summary.paymentReference,
	};
}

/** The payment status of an invoice (380) at `asOf`, derived from its events and kept until one changes it. */
export function statusOf(doc: DocumentState, asOf: string): InvoicePaymentStatus | undefined {
	if (doc.summary.typeCode !== '380') return undefined;
	if (doc.status?.asOf === asOf) return doc.status;
	doc.status = paymentStatus(factsOf(doc), doc.paymentEvents, asOf);
	return doc.status;
}
