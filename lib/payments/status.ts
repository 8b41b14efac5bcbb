/**
 * Payment status of an invoice, derived from its facts and its events at a given day — never stored, so it is the same
 * whenever and wherever it is computed, and re-deriving it after a correction needs nothing but the events.
 */
import type { Decimal } from '../money';
import { dec, sum, ZERO } from '../money';
import { checkIsoDate, daysBetween } from './calendar';
import type { PaymentEvent } from './events';
import { creditedOn, eventDate } from './events';
import { PaymentError } from './payment-error';

export interface InvoiceFacts {
	number: string;
	/** The eMSP billed, as its OCPI party "FR*MOB" (aging is grouped by it). */
	emsp: string;
	buyerName?: string;
	currency: string;
	/** BT-112, the invoice total with VAT. */
	total: Decimal;
	issueDate: string;
	/** BT-9 */
	dueDate: string;
	/** ISO 11649 reference quoted on the invoice (BT-83). */
	rfReference?: string;
}

/**
 * `rejected`: the platform rejected the invoice (lifecycle 213): it was not legally issued, is not dunned and must be
 * corrected and issued again. `cancelled`: cancelled on the platform (220), nothing is due on it.
 */
export type PaymentStatusCode = 'pending' | 'partially_paid' | 'paid' | 'overdue' | 'credited' | 'disputed' | 'rejected' | 'cancelled';

/** The invoice's latest lifecycle status on the French network, when it travelled through a platform. */
export interface LifecycleState {
	code: string;
	label: string;
	date: string;
	source: 'platform' | 'buyer' | 'seller';
	reasons?: Array<{ code?: string; text?: string }>;
}

export interface InvoicePaymentStatus {
	invoiceNumber: string;
	emsp: string;
	currency: string;
	status: PaymentStatusCode;
	total: Decimal;
	/** Sum of what the credit notes correcting it allocate on it. */
	credited: Decimal;
	/** Payments minus reversals. */
	paid: Decimal;
	/** total − credited − paid; negative when over-paid (the eMSP is owed a refund). */
	residual: Decimal;
	dueDate: string;
	/** Days past the due date while something is still due; 0 otherwise. */
	daysOverdue: number;
	openDisputes: string[];
	/** Reminder levels already sent. */
	remindersSent: number[];
	rfReference?: string;
	lastPaymentDate?: string;
	/** The latest lifecycle status (CDAR), if any. */
	lifecycle?: LifecycleState;
	asOf: string;
}

/**
 * Status at `asOf` (YYYY-MM-DD; events dated later are not yet taken into account). `events` may hold the events of
 * many invoices: those of this invoice, and the credit notes correcting it, are picked out.
 * Precedence: credited (credit notes cover the total) > rejected (lifecycle 213: not legally issued, whatever was paid)
 * > cancelled (220) > paid (nothing left due) > disputed (an open dispute suspends collection) > overdue >
 * partially_paid > pending.
 */
export function paymentStatus(invoice: InvoiceFacts, events: readonly PaymentEvent[], asOf: string): InvoicePaymentStatus {
	checkIsoDate(asOf, 'asOf');
	checkIsoDate(invoice.dueDate, 'dueDate');
	const relevant = events.filter(
		(event) =>
			eventDate(event) <= asOf &&
			(event.type === 'CREDIT_NOTE_ISSUED'
				? creditedOn(event.payload, invoice.number) !== undefined
				: event.invoiceNumber === invoice.number),
	);
	const amounts = (type: 'CREDIT_NOTE_ISSUED' | 'PAYMENT_RECORDED' | 'PAYMENT_REVERSED'): Decimal[] =>
		relevant.flatMap((event) => {
			if (event.type !== type) return [];
			if (event.payload.currency !== invoice.currency) {
				throw new PaymentError(
					'PAYMENT_CURRENCY_MISMATCH',
					`A ${event.type} event of invoice ${invoice.number} is in ${event.payload.currency}, the invoice in ` +
						`${invoice.currency}: correct the ledger entry.`,
					'currency',
				);
			}
			return [dec(event.type === 'CREDIT_NOTE_ISSUED' ? creditedOn(event.payload, invoice.number)! : event.payload.amount)];
		});
	const credited = sum(amounts('CREDIT_NOTE_ISSUED'));
	const paid = sum(amounts('PAYMENT_RECORDED')).minus(sum(amounts('PAYMENT_REVERSED')));
	const residual = invoice.total.minus(credited).minus(paid);

	const disputes = new Map<string, boolean>();
	const remindersSent: number[] = [];
	let lastPaymentDate: string | undefined;
	let lifecycle: LifecycleState | undefined;
	let rejected = false;
	let cancelled = false;
	for (const event of relevant) {
		if (event.type === 'LIFECYCLE_STATUS') {
			const { code, label, date, source, reasons } = event.payload;
			if (code === '213') rejected = true;
			if (code === '220') cancelled = true;
			// The latest by date; on the same day the one recorded last.
			if (!lifecycle || date >= lifecycle.date) lifecycle = { code, label, date, source, ...(reasons?.length ? { reasons } : {}) };
		}
		if (event.type === 'DISPUTE_OPENED') disputes.set(event.payload.disputeId, true);
		if (event.type === 'DISPUTE_RESOLVED') disputes.set(event.payload.disputeId, false);
		if (event.type === 'REMINDER_SENT' && !remindersSent.includes(event.payload.level)) {
			remindersSent.push(event.payload.level);
		}
		if (event.type === 'PAYMENT_RECORDED' && (!lastPaymentDate || event.payload.date > lastPaymentDate)) {
			lastPaymentDate = event.payload.date;
		}
	}
	const openDisputes = [...disputes].filter(([, open]) => open).map(([id]) => id);
	const daysOverdue = residual.gt(ZERO) ? Math.max(0, daysBetween(invoice.dueDate, asOf)) : 0;

	let status: PaymentStatusCode;
	if (credited.gte(invoice.total)) status = 'credited';
	else if (rejected) status = 'rejected';
	else if (cancelled) status = 'cancelled';
	else if (residual.lte(ZERO)) status = 'paid';
	else if (openDisputes.length > 0) status = 'disputed';
	else if (daysOverdue > 0) status = 'overdue';
	else if (paid.gt(ZERO)) status = 'partially_paid';
	else status = 'pending';

	return {
		invoiceNumber: invoice.number,
		emsp: invoice.emsp,
		currency: invoice.currency,
		status,
		total: invoice.total,
		credited,
		paid,
		residual,
		dueDate: invoice.dueDate,
		daysOverdue,
		openDisputes,
		remindersSent: remindersSent.sort((a, b) => a - b),
		rfReference: invoice.rfReference,
		lastPaymentDate,
		...(lifecycle ? { lifecycle } : {}),
		asOf,
	};
}

/** Statuses under which nothing is owed as invoiced: no aging, no reminder, no matching of payments to it. */
export function isCollectible(status: Pick<InvoicePaymentStatus, 'status' | 'residual'>): boolean {
	return status.residual.gt(ZERO) && !['credited', 'rejected', 'cancelled'].includes(status.status);
}

export type AgingBucket = 'current' | '1-30' | '31-60' | '61-90' | '>90';

export const AGING_BUCKETS: readonly AgingBucket[] = ['current', '1-30', '31-60', '61-90', '>90'];

export interface AgingLine {
	emsp: string;
	/** Amounts in different currencies are never added: one line per eMSP and currency. */
	currency: string;
	buckets: Record<AgingBucket, Decimal>;
	total: Decimal;
	invoiceCount: number;
}

export function agingBucket(daysOverdue: number): AgingBucket {
	if (daysOverdue <= 0) return 'current';
	if (daysOverdue <= 30) return '1-30';
	if (daysOverdue <= 60) return '31-60';
	if (daysOverdue <= 90) return '61-90';
	return '>90';
}

/**
 * Open receivables (residual > 0, disputed ones included: they are still owed until credited; rejected and cancelled
 * ones not: they were never legally issued or were withdrawn) by eMSP and currency,
 * bucketed by days past due at `asOf`. Sorted by eMSP, then currency.
 */
export function agingSummary(statuses: readonly InvoicePaymentStatus[], asOf: string): AgingLine[] {
	checkIsoDate(asOf, 'asOf');
	const lines = new Map<string, AgingLine>();
	for (const status of statuses) {
		if (!isCollectible(status)) continue;
		const key = `${status.emsp}\u0000${status.currency}`;
		let line = lines.get(key);
		if (!line) {
			line = {
				emsp: status.emsp,
				currency: status.currency,
				buckets: { current: ZERO, '1-30': ZERO, '31-60': ZERO, '61-90': ZERO, '>90': ZERO },
				total: ZERO,
				invoiceCount: 0,
			};
			lines.set(key, line);
		}
		const bucket = agingBucket(daysBetween(status.dueDate, asOf));
		line.buckets[bucket] = line.buckets[bucket].plus(status.residual);
		line.total = line.total.plus(status.residual);
		line.invoiceCount++;
	}
	return [...lines.values()].sort((a, b) =>
		a.emsp === b.emsp ? a.currency.localeCompare(b.currency) : a.emsp.localeCompare(b.emsp),
	);
}
