/**
 * The events payment tracking writes to the ledger (Ledger.recordEvent) and derives every status from. Shapes are
 * exactly what the ledger stores: `type`, the invoice concerned, a JSON payload. Amounts travel as decimal strings
 * ("1250.40"), dates as YYYY-MM-DD business dates (the day the bank booked it, the day the dispute was opened), not the
 * time the event was recorded.
 *
 * CREDIT_NOTE_ISSUED is the ledger's own event (lib/ledger issues it with the credit note): it is filed under the
 * credit note's number and names the invoices it corrects, with the amount credited on each (`allocations`), in its
 * payload; statuses read it as it is (creditedOn), nothing is written twice.
 */

import { creditedByEvent } from '../ledger/issue-request';

/** How a payment came to be tied to its invoice. */
export type PaymentSource = 'manual' | 'creditor_reference' | 'invoice_number' | 'amount_and_payer' | 'odoo';

export interface PaymentRecordedPayload {
	/** Unique per payment: the bank transaction key (camt), or the caller's reference for a manual payment. */
	paymentId: string;
	/** Positive decimal string, the part of the payment allocated to this invoice. */
	amount: string;
	currency: string;
	date: string;
	source: PaymentSource;
	/** The part of `amount` above what was due when it was allocated (over-payment). */
	overpayment?: string;
	payerName?: string;
	payerIban?: string;
	/** Bank reference (AcctSvcrRef) as the bank or the user gave it. */
	bankReference?: string;
	/** The payer's EndToEndId: a return of this payment quotes it. */
	endToEndId?: string;
}

export interface PaymentReversedPayload {
	/** The paymentId of the PAYMENT_RECORDED event reversed. */
	paymentId: string;
	/** Positive decimal string: the amount taken back from this invoice. */
	amount: string;
	currency: string;
	date: string;
	/** Key of the reversing bank transaction, or the user's reference. */
	reversalId: string;
	/** E.g. the ISO return reason code (AC04 account closed, MD06 refund request by the debtor). */
	reason?: string;
}

/** What payment tracking reads from the ledger's CREDIT_NOTE_ISSUED payload. */
export interface CreditNoteIssuedPayload {
	/** The first invoice corrected. */
	correctsInvoiceNumber: string;
	/** Every invoice corrected and what is credited on it (absent from events recorded before credit notes had several). */
	allocations?: Array<{ invoiceNumber: string; amountWithVat: string }>;
	issueDate: string;
	currency: string;
	/** Credit notes carry positive totals (BT-112). */
	totals: { withVat: string };
}

/** What a credit note takes off one invoice's amount due: its allocation on it (undefined: it does not correct it). */
export function creditedOn(payload: CreditNoteIssuedPayload, invoiceNumber: string): string | undefined {
	return creditedByEvent(payload).find((allocation) => allocation.invoiceNumber === invoiceNumber)?.amountWithVat;
}

export interface DisputeOpenedPayload {
	disputeId: string;
	date: string;
	reason: string;
	/** Decimal string: the amount the eMSP contests, when it says. */
	amountClaimed?: string;
	/** The CDRs contested, when the dispute is about some of them. */
	cdrIds?: string[];
}

export interface DisputeResolvedPayload {
	disputeId: string;
	date: string;
	outcome: 'rejected' | 'accepted';
	/** When accepted: the credit note issued for the accepted amount. */
	creditNoteNumber?: string;
	note?: string;
}

export interface ReminderSentPayload {
	level: number;
	date: string;
	formalNotice?: boolean;
}

/**
 * A lifecycle status of the invoice on the French network (AFNOR XP Z12-013, CDAR): set by the platform (200
 * Déposée, 213 Rejetée…), the buyer (205 Approuvée, 210 Refusée, 207 En litige…) or the seller itself (212 Encaissée,
 * deposited by us).
 */
export interface LifecycleStatusPayload {
	/** ProcessConditionCode, "200" … "213", "220". */
	code: string;
	/** Its French label, "Rejetée". */
	label: string;
	/** The day it took effect, YYYY-MM-DD (statuses at a date read this). */
	date: string;
	/** ISO 8601 when the message says so. */
	at?: string;
	source: 'platform' | 'buyer' | 'seller';
	/** The CDAR's own id (MDT-4): a message is recorded once. */
	messageId: string;
	/** The platform's flow that carried it. */
	flowId?: string;
	reasons?: Array<{ code?: string; text?: string; requestedActionCode?: string; requestedAction?: string }>;
	/** 212: the amounts cashed (VAT included) and their VAT rates. */
	amounts?: Array<{ amount: string; currency?: string; vatRate?: string }>;
	/** 212 deposited by us: the payment it reports. */
	paymentId?: string;
	/** 207 / 210: the dispute opened for it. */
	disputeId?: string;
}

interface EventOf<Type extends string, Payload> {
	type: Type;
	/** The invoice the event is about (for CREDIT_NOTE_ISSUED: the credit note's own number). */
	invoiceNumber: string;
	payload: Payload;
}

export type PaymentRecordedEvent = EventOf<'PAYMENT_RECORDED', PaymentRecordedPayload>;
export type PaymentReversedEvent = EventOf<'PAYMENT_REVERSED', PaymentReversedPayload>;
export type CreditNoteIssuedEvent = EventOf<'CREDIT_NOTE_ISSUED', CreditNoteIssuedPayload>;
export type DisputeOpenedEvent = EventOf<'DISPUTE_OPENED', DisputeOpenedPayload>;
export type DisputeResolvedEvent = EventOf<'DISPUTE_RESOLVED', DisputeResolvedPayload>;
export type ReminderSentEvent = EventOf<'REMINDER_SENT', ReminderSentPayload>;
export type LifecycleStatusEvent = EventOf<'LIFECYCLE_STATUS', LifecycleStatusPayload>;

export type PaymentEvent =
	| PaymentRecordedEvent
	| PaymentReversedEvent
	| CreditNoteIssuedEvent
	| DisputeOpenedEvent
	| DisputeResolvedEvent
	| ReminderSentEvent
	| LifecycleStatusEvent;

export type PaymentEventType = PaymentEvent['type'];

export const PAYMENT_EVENT_TYPES: readonly PaymentEventType[] = [
	'PAYMENT_RECORDED',
	'PAYMENT_REVERSED',
	'CREDIT_NOTE_ISSUED',
	'DISPUTE_OPENED',
	'DISPUTE_RESOLVED',
	'REMINDER_SENT',
	'LIFECYCLE_STATUS',
];

/**
 * Picks the payment events out of ledger events (any other type is left out). The ledger returns what was
 * written through this module, so the payload is trusted to have the shape of its type.
 */
export function paymentEventsOf(
	events: readonly { type: string; invoiceNumber?: string; payload: unknown }[],
): PaymentEvent[] {
	return events.flatMap((event) =>
		(PAYMENT_EVENT_TYPES as readonly string[]).includes(event.type) && event.invoiceNumber !== undefined
			? [{ type: event.type, invoiceNumber: event.invoiceNumber, payload: event.payload } as PaymentEvent]
			: [],
	);
}

/** The date an event takes effect on, for statuses at a given day. */
export function eventDate(event: PaymentEvent): string {
	return event.type === 'CREDIT_NOTE_ISSUED' ? event.payload.issueDate : event.payload.date;
}

/**
 * The idempotency key under which the ledger records an event at most once: the same bank transaction on the same
 * invoice, the same reversal, the same reminder level, the same dispute step. Two imports of one statement racing each
 * other then write each fact once (the ledger's unique index decides, not a read-then-write).
 */
export function eventKey(event: PaymentEvent): string | undefined {
	switch (event.type) {
		case 'PAYMENT_RECORDED':
			return `PAYMENT_RECORDED:${event.payload.paymentId}:${event.invoiceNumber}`;
		case 'PAYMENT_REVERSED':
			return `PAYMENT_REVERSED:${event.payload.reversalId}:${event.invoiceNumber}`;
		case 'REMINDER_SENT':
			return `REMINDER_SENT:${event.invoiceNumber}:${event.payload.level}`;
		case 'DISPUTE_OPENED':
			return `DISPUTE_OPENED:${event.payload.disputeId}`;
		case 'DISPUTE_RESOLVED':
			return `DISPUTE_RESOLVED:${event.payload.disputeId}`;
		case 'LIFECYCLE_STATUS':
			return `LIFECYCLE_STATUS:${event.payload.messageId}:${event.invoiceNumber}:${event.payload.code}`;
		default:
			return undefined;
	}
}

/** The ledger write of a payment event, with its idempotency key. */
export function keyedEvent<E extends PaymentEvent>(event: E): E & { key?: string } {
	return { ...event, key: eventKey(event) };
}
