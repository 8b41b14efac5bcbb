/**
 * Bank entries that matched no invoice, kept in the ledger so a person can settle them later: a statement import
 * records each as a BANK_ENTRY_UNMATCHED event (once per transaction key), and matching one by hand records the
 * payment on the invoice chosen (PAYMENT_RECORDED, source "manual", paymentId = the transaction key, so a later
 * import of the same statement records nothing twice) and a BANK_ENTRY_MATCHED event naming who did it.
 * An entry is open while its allocations (PAYMENT_RECORDED with its key as paymentId) are less than its amount.
 */
import type { Ledger, LedgerEvent } from '../../ledger';
import type { Decimal } from '../../money';
import { dec, sum, ZERO } from '../../money';
import type { BankTransaction } from '../bank-transactions';
import { checkIsoDate } from '../calendar';
import type { PaymentRecordedEvent } from '../events';
import { keyedEvent } from '../events';
import type { MatchCandidate, MatchNote } from '../matching';
import { paymentRecordedEvent } from '../record-payment';
import type { InvoicePaymentStatus } from '../status';
import { paymentStatus } from '../status';
import { PaymentTrackingError } from './errors';
import { EVERYTHING_KNOWN, findInvoice, ledgerPaymentEvents, trackedInvoices } from './invoices';

export const BANK_ENTRY_UNMATCHED = 'BANK_ENTRY_UNMATCHED';
export const BANK_ENTRY_MATCHED = 'BANK_ENTRY_MATCHED';

/** What is kept of a bank entry no invoice was found for. Amounts as decimal strings. */
export interface UnmatchedBankEntryPayload {
	/** The transaction key (stable across imports of the same booking). */
	key: string;
	/** The whole credit as booked. */
	amount: string;
	currency: string;
	bookingDate?: string;
	valueDate?: string;
	statementId: string;
	accountIban?: string;
	entryReference?: string;
	endToEndId?: string;
	debtorName?: string;
	debtorIban?: string;
	creditorReferences: string[];
	referredDocumentNumbers: string[];
	unstructured: string[];
	/** Why the matcher took none of the invoices it looked at. */
	message: string;
	candidates: MatchCandidate[];
	notes: MatchNote[];
}

export interface BankEntryMatchedPayload {
	key: string;
	invoiceNumber: string;
	amount: string;
	currency: string;
	date: string;
	/** The person (or token) who matched it. */
	by: string;
	note?: string;
}

/** The ledger write of an unmatched entry: once per transaction key. */
export function unmatchedEntryEvent(
	transaction: BankTransaction,
	match: { message: string; candidates: MatchCandidate[]; notes: MatchNote[] },
): { type: string; payload: UnmatchedBankEntryPayload; key: string } {
	const payload: UnmatchedBankEntryPayload = {
		key: transaction.key,
		amount: transaction.amount.toFixed(),
		currency: transaction.currency,
		statementId: transaction.statementId,
		creditorReferences: transaction.creditorReferences.map((reference) => reference.reference),
		referredDocumentNumbers: transaction.referredDocumentNumbers,
		unstructured: transaction.unstructured,
		message: match.message,
		candidates: match.candidates,
		notes: match.notes,
	};
	for (const field of ['bookingDate', 'valueDate', 'accountIban', 'entryReference', 'endToEndId', 'debtorName', 'debtorIban'] as const) {
		if (transaction[field]) payload[field] = transaction[field];
	}
	return { type: BANK_ENTRY_UNMATCHED, payload, key: `${BANK_ENTRY_UNMATCHED}:${transaction.key}` };
}

export interface BankEntry {
	eventId: number;
	recordedAt: string;
	entry: UnmatchedBankEntryPayload;
	/** What its allocations leave to match (the whole amount until someone matches it). */
	remaining: Decimal;
	allocations: Array<{ invoiceNumber: string; amount: string; source: string }>;
	matched?: BankEntryMatchedPayload;
}

function entriesFrom(unmatched: LedgerEvent[], recorded: PaymentRecordedEvent[], matched: LedgerEvent[]): BankEntry[] {
	const allocationsOf = new Map<string, PaymentRecordedEvent[]>();
	for (const event of recorded) {
		allocationsOf.set(event.payload.paymentId, [...(allocationsOf.get(event.payload.paymentId) ?? []), event]);
	}
	const matchedOf = new Map(matched.map((event) => [(event.payload as BankEntryMatchedPayload).key, event.payload as BankEntryMatchedPayload]));
	return unmatched.map((event) => {
		const entry = event.payload as UnmatchedBankEntryPayload;
		const allocations = allocationsOf.get(entry.key) ?? [];
		return {
			eventId: event.id,
			recordedAt: event.at,
			entry,
			remaining: dec(entry.amount).minus(sum(allocations.map((allocation) => dec(allocation.payload.amount)))),
			allocations: allocations.map((allocation) => ({
				invoiceNumber: allocation.invoiceNumber,
				amount: allocation.payload.amount,
				source: allocation.payload.source,
			})),
			matched: matchedOf.get(entry.key),
		};
	});
}

/** Every bank entry an import could not match, settled or not, in the order recorded. */
export async function bankEntries(ledger: Ledger): Promise<BankEntry[]> {
	const [unmatched, matched, events] = await Promise.all([
		ledger.events({ type: BANK_ENTRY_UNMATCHED }),
		ledger.events({ type: BANK_ENTRY_MATCHED }),
		ledgerPaymentEvents(ledger),
	]);
	const recorded = events.filter((event): event is PaymentRecordedEvent => event.type === 'PAYMENT_RECORDED');
	return entriesFrom(unmatched, recorded, matched);
}

/** The entries still waiting for a person: something left to match. */
export async function openBankEntries(ledger: Ledger): Promise<BankEntry[]> {
	return (await bankEntries(ledger)).filter((entry) => entry.remaining.gt(ZERO));
}

export interface MatchBankEntryInput {
	/** The transaction key of the entry. */
	key: string;
	/** Invoice number or RF reference. */
	invoice: string;
	/** Who matched it: recorded with the match. */
	by: string;
	note?: string;
}

export interface MatchBankEntryResult {
	payment: PaymentRecordedEvent;
	matched: BankEntryMatchedPayload;
	status: InvoicePaymentStatus;
}

/**
 * Settles an unmatched entry by hand: what is left of it is recorded as a payment of the invoice (an over-payment
 * when it exceeds what is due), dated the day the bank booked it, and the match is recorded with who made it.
 */
export async function matchBankEntry(ledger: Ledger, input: MatchBankEntryInput): Promise<MatchBankEntryResult> {
	if (!input.by || input.by.trim() === '') {
		throw new PaymentTrackingError('MATCHED_BY_MISSING', 'by is empty: say who matched the entry.', 'by');
	}
	const entry = (await bankEntries(ledger)).find((candidate) => candidate.entry.key === input.key);
	if (!entry) {
		throw new PaymentTrackingError('BANK_ENTRY_NOT_FOUND', `No unmatched bank entry ${input.key} in the ledger: import the statement first.`, 'key');
	}
	if (!entry.remaining.gt(ZERO)) {
		const where = entry.allocations.map((allocation) => allocation.invoiceNumber).join(', ');
		throw new PaymentTrackingError('BANK_ENTRY_ALREADY_MATCHED', `Bank entry ${input.key} is matched already (${where}).`, 'key');
	}
	const summary = await findInvoice(ledger, input.invoice);
	const [tracked] = await trackedInvoices(ledger, { invoice: summary.number });
	const events = await ledgerPaymentEvents(ledger);
	const before = paymentStatus(tracked.facts, events, EVERYTHING_KNOWN);
	const date = entry.entry.bookingDate ?? entry.entry.valueDate ?? entry.recordedAt.slice(0, 10);
	checkIsoDate(date, 'date');
	const payment = paymentRecordedEvent(
		{
			paymentId: entry.entry.key,
			amount: entry.remaining.toFixed(2),
			currency: entry.entry.currency,
			date,
			source: 'manual',
			payerName: entry.entry.debtorName,
			payerIban: entry.entry.debtorIban,
			bankReference: entry.entry.entryReference,
		},
		{ number: summary.number, currency: summary.currency, amountDue: before.residual },
	);
	await ledger.recordEvent(keyedEvent(payment));
	const matched: BankEntryMatchedPayload = {
		key: entry.entry.key,
		invoiceNumber: summary.number,
		amount: payment.payload.amount,
		currency: payment.payload.currency,
		date,
		by: input.by.trim(),
		...(input.note ? { note: input.note } : {}),
	};
	await ledger.recordEvent({
		type: BANK_ENTRY_MATCHED,
		invoiceNumber: summary.number,
		payload: matched,
		key: `${BANK_ENTRY_MATCHED}:${entry.entry.key}:${summary.number}`,
	});
	return { payment, matched, status: paymentStatus(tracked.facts, [...events, payment], EVERYTHING_KNOWN) };
}
