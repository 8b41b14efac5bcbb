/**
 * The ledger's invoices as payment tracking sees them: the facts statuses are derived from, the payment events, the
 * statuses and aging at a date, and the invoices a payment may still be for. Nothing is stored but events; every
 * status is derived again on each read.
 */
import type { InvoiceSummary, Ledger, LedgerEvent } from '../../ledger';
import { dec } from '../../money';
import { checkIsoDate } from '../calendar';
import type { PaymentEvent } from '../events';
import { PAYMENT_EVENT_TYPES, paymentEventsOf } from '../events';
import type { OpenInvoice } from '../matching';
import type { AgingLine, InvoiceFacts, InvoicePaymentStatus } from '../status';
import { agingSummary, isCollectible, paymentStatus } from '../status';
import { PaymentTrackingError } from './errors';

/** Far enough ahead that every recorded event counts: for matching, which must see all that is known. */
export const EVERYTHING_KNOWN = '9999-12-31';

/** The eMSP as Track Payment names it: its OCPI party, "FR*MOB". */
export function emspOf(summary: Pick<InvoiceSummary, 'buyer'>): string {
	return `${summary.buyer.countryCode}*${summary.buyer.partyId}`;
}

export interface TrackedInvoice {
	summary: InvoiceSummary;
	facts: InvoiceFacts;
}

export interface InvoiceSelection {
	/** One eMSP, as its OCPI party "FR*MOB" (case-insensitive). */
	emsp?: string;
	/** One invoice, by number or by its RF creditor reference. */
	invoice?: string;
}

const compact = (value: string) => value.replace(/\s/g, '').toUpperCase();

/** The invoices (380) of the ledger with the facts statuses are derived from. */
export async function trackedInvoices(ledger: Ledger, selection: InvoiceSelection = {}): Promise<TrackedInvoice[]> {
	let summaries = await ledger.listInvoices({ typeCode: '380' });
	if (selection.invoice !== undefined) {
		summaries = [await findInvoice(ledger, selection.invoice)];
	}
	if (selection.emsp !== undefined) {
		const emsp = compact(selection.emsp);
		summaries = summaries.filter((summary) => compact(emspOf(summary)) === emsp);
	}
	const tracked: TrackedInvoice[] = [];
	for (const summary of summaries) {
		const record = await ledger.getInvoice(summary.number);
		const buyerName = (record?.document as { buyer?: { name?: unknown } } | undefined)?.buyer?.name;
		tracked.push({
			summary,
			facts: {
				number: summary.number,
				emsp: emspOf(summary),
				buyerName: typeof buyerName === 'string' ? buyerName : undefined,
				currency: summary.currency,
				total: dec(summary.totals.withVat),
				issueDate: summary.issueDate,
				dueDate: summary.dueDate ?? summary.issueDate,
				rfReference: summary.paymentReference,
			},
		});
	}
	return tracked;
}

/** An invoice (380) by its number or its RF creditor reference, else a PaymentTrackingError naming `field`. */
export async function findInvoice(ledger: Ledger, reference: string, field = 'invoice'): Promise<InvoiceSummary> {
	const wanted = reference.trim();
	const record = wanted === '' ? undefined : await ledger.getInvoice(wanted);
	const summary =
		record ??
		(await ledger.listInvoices({ typeCode: '380' })).find(
			(candidate) => candidate.paymentReference !== undefined && compact(candidate.paymentReference) === compact(wanted),
		);
	if (!summary) {
		throw new PaymentTrackingError(
			'INVOICE_NOT_FOUND',
			`No invoice numbered or referenced "${reference}" in the ledger: give its number (BT-1) or RF reference.`,
			field,
		);
	}
	if (summary.typeCode !== '380') {
		throw new PaymentTrackingError(
			'NOT_AN_INVOICE',
			`${summary.number} is a credit note: payments, reminders and disputes are tracked on invoices.`,
			field,
		);
	}
	// A summary, not the record: callers get neither the CDR list nor the stored document.
	const rest: InvoiceSummary & { cdrs?: unknown; document?: unknown } = { ...summary };
	delete rest.cdrs;
	delete rest.document;
	return rest;
}

/** All payment events of the ledger, in the order written. */
export async function ledgerPaymentEvents(ledger: Ledger): Promise<PaymentEvent[]> {
	const batches = await Promise.all(PAYMENT_EVENT_TYPES.map((type) => ledger.events({ type })));
	const events: LedgerEvent[] = batches.flat().sort((a, b) => a.id - b.id);
	return paymentEventsOf(events);
}

export interface StatusReport {
	asOf: string;
	statuses: InvoicePaymentStatus[];
	aging: AgingLine[];
}

/** Statuses at `asOf` of the selected invoices and the aging of what they leave open. */
export async function statusReport(
	ledger: Ledger,
	asOf: string,
	selection: InvoiceSelection & { openOnly?: boolean } = {},
): Promise<StatusReport> {
	checkIsoDate(asOf, 'asOf');
	const [invoices, events] = await Promise.all([trackedInvoices(ledger, selection), ledgerPaymentEvents(ledger)]);
	let statuses = invoices.map((invoice) => paymentStatus(invoice.facts, events, asOf));
	if (selection.openOnly) statuses = statuses.filter(isCollectible);
	return { asOf, statuses, aging: agingSummary(statuses, asOf) };
}

/**
 * The invoices a payment may still be for (something due, whatever the date), with the IBANs their eMSP paid from
 * before: a payer known by its account is matched even when its bank spells its name differently.
 */
export async function openInvoicesOf(ledger: Ledger): Promise<OpenInvoice[]> {
	const [invoices, events] = await Promise.all([trackedInvoices(ledger), ledgerPaymentEvents(ledger)]);
	const ibansOf = new Map<string, Set<string>>();
	const emspOfInvoice = new Map(invoices.map((invoice) => [invoice.facts.number, invoice.facts.emsp]));
	for (const event of events) {
		if (event.type !== 'PAYMENT_RECORDED' || !event.payload.payerIban) continue;
		const emsp = emspOfInvoice.get(event.invoiceNumber);
		if (emsp) ibansOf.set(emsp, (ibansOf.get(emsp) ?? new Set()).add(event.payload.payerIban));
	}
	return invoices.flatMap(({ facts }) => {
		const status = paymentStatus(facts, events, EVERYTHING_KNOWN);
		if (!isCollectible(status)) return [];
		return [
			{
				number: facts.number,
				rfReference: facts.rfReference,
				buyerName: facts.buyerName ?? '',
				buyerIban: [...(ibansOf.get(facts.emsp) ?? [])],
				currency: facts.currency,
				amountDue: status.residual,
				dueDate: facts.dueDate,
			},
		];
	});
}
