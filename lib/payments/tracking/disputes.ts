/**
 * Disputes over the ledger: opened on an invoice (an amount, some CDRs), resolved rejected, or accepted with a credit
 * note issued through lib/issuing. A dispute step is keyed by its disputeId: written once.
 */
import type { DisputeCredit } from '../../invoice/credit-note';
import type { CreditNoteSettings, IssuedCreditNote } from '../../issuing';
import { issueDisputeCreditNote } from '../../issuing';
import type { Ledger } from '../../ledger';
import { dec, toFixedAmount } from '../../money';
import { checkIsoDate } from '../calendar';
import type { DisputeOpenedEvent, DisputeResolvedEvent } from '../events';
import { keyedEvent } from '../events';
import { PaymentTrackingError } from './errors';
import { findInvoice, ledgerPaymentEvents } from './invoices';

export type { CreditNoteSettings, IssuedCreditNote } from '../../issuing';

export interface OpenDisputeInput {
	/** Invoice number or RF reference. */
	invoice: string;
	date: string;
	reason: string;
	/** Decimal string, the amount the eMSP contests. */
	amountClaimed?: string;
	/** The contested CDRs, when the dispute is about some of them; each must be on the invoice. */
	cdrIds?: string[];
	/** Default: "<invoice number>-D<n>". */
	disputeId?: string;
}

export async function openDispute(ledger: Ledger, input: OpenDisputeInput): Promise<DisputeOpenedEvent> {
	checkIsoDate(input.date, 'date');
	if (!input.reason || input.reason.trim() === '') {
		throw new PaymentTrackingError('DISPUTE_REASON_MISSING', 'reason is empty: say what the eMSP contests.', 'reason');
	}
	const summary = await findInvoice(ledger, input.invoice);
	const record = await ledger.getInvoice(summary.number);
	const onInvoice = new Set(record!.cdrs.map((cdr) => cdr.id.toUpperCase()));
	const foreign = (input.cdrIds ?? []).filter((id) => !onInvoice.has(id.toUpperCase()));
	if (foreign.length > 0) {
		throw new PaymentTrackingError(
			'DISPUTE_CDR_NOT_ON_INVOICE',
			`CDR ${foreign.join(', ')} is not on invoice ${summary.number}: give the ids of CDRs billed on it.`,
			'cdrIds',
		);
	}
	const amountClaimed = input.amountClaimed === undefined ? undefined : toFixedAmount(dec(input.amountClaimed));
	const disputes = await disputesOf(ledger);
	const count = [...disputes.values()].filter((d) => d.opened.invoiceNumber === summary.number).length;
	const disputeId = input.disputeId?.trim() || `${summary.number}-D${count + 1}`;
	if (disputes.has(disputeId)) {
		throw new PaymentTrackingError('DISPUTE_ID_TAKEN', `Dispute ${disputeId} exists already: give another id.`, 'disputeId');
	}
	const event: DisputeOpenedEvent = {
		type: 'DISPUTE_OPENED',
		invoiceNumber: summary.number,
		payload: {
			disputeId,
			date: input.date,
			reason: input.reason.trim(),
			...(amountClaimed ? { amountClaimed } : {}),
			...(input.cdrIds && input.cdrIds.length > 0 ? { cdrIds: input.cdrIds } : {}),
		},
	};
	await ledger.recordEvent(keyedEvent(event));
	return event;
}

interface DisputeState {
	opened: DisputeOpenedEvent;
	resolved?: DisputeResolvedEvent;
}

async function disputesOf(ledger: Ledger): Promise<Map<string, DisputeState>> {
	const disputes = new Map<string, DisputeState>();
	for (const event of await ledgerPaymentEvents(ledger)) {
		if (event.type === 'DISPUTE_OPENED') disputes.set(event.payload.disputeId, { opened: event });
		if (event.type === 'DISPUTE_RESOLVED') {
			const state = disputes.get(event.payload.disputeId);
			if (state) state.resolved = event;
		}
	}
	return disputes;
}

export type ResolveDisputeInput =
	| { disputeId: string; date: string; outcome: 'rejected'; note?: string }
	| {
			disputeId: string;
			date: string;
			outcome: 'accepted';
			/** Default: the contested CDRs of the dispute, else its amount claimed. */
			credit?: DisputeCredit;
			creditNotes: CreditNoteSettings;
			note?: string;
	  };

export interface DisputeResolution {
	event: DisputeResolvedEvent;
	creditNote?: IssuedCreditNote;
}

/**
 * Resolves an open dispute. Rejected: an event. Accepted: a credit note (381) for the accepted amount or CDRs is
 * issued in the ledger (gap-free number of the credit-note series, linked to the invoice), rendered, then the event
 * names it.
 */
export async function resolveDispute(ledger: Ledger, input: ResolveDisputeInput): Promise<DisputeResolution> {
	checkIsoDate(input.date, 'date');
	const state = (await disputesOf(ledger)).get(input.disputeId);
	if (!state) {
		throw new PaymentTrackingError('DISPUTE_NOT_FOUND', `No dispute ${input.disputeId} in the ledger: open it first.`, 'disputeId');
	}
	if (state.resolved) {
		throw new PaymentTrackingError(
			'DISPUTE_ALREADY_RESOLVED',
			`Dispute ${input.disputeId} was resolved on ${state.resolved.payload.date} (${state.resolved.payload.outcome}).`,
			'disputeId',
		);
	}
	const invoiceNumber = state.opened.invoiceNumber;
	let creditNote: IssuedCreditNote | undefined;
	if (input.outcome === 'accepted') {
		const credit = input.credit ?? defaultCredit(state.opened);
		creditNote = await issueDisputeCreditNote(ledger, invoiceNumber, input.disputeId, credit, input.date, input.creditNotes);
	}
	const event: DisputeResolvedEvent = {
		type: 'DISPUTE_RESOLVED',
		invoiceNumber,
		payload: {
			disputeId: input.disputeId,
			date: input.date,
			outcome: input.outcome,
			...(creditNote ? { creditNoteNumber: creditNote.invoice.number } : {}),
			...(input.note ? { note: input.note } : {}),
		},
	};
	await ledger.recordEvent(keyedEvent(event));
	return { event, creditNote };
}

function defaultCredit(opened: DisputeOpenedEvent): DisputeCredit {
	if (opened.payload.cdrIds && opened.payload.cdrIds.length > 0) return { kind: 'cdrs', cdrIds: opened.payload.cdrIds };
	if (opened.payload.amountClaimed) return { kind: 'amount', amountWithVat: dec(opened.payload.amountClaimed) };
	throw new PaymentTrackingError(
		'CREDIT_MISSING',
		`Dispute ${opened.payload.disputeId} names neither CDRs nor an amount: give the accepted amount or CDRs to credit.`,
		'credit',
	);
}
