/**
 * Payments into the ledger: one recorded by hand, or a bank statement's credits matched and recorded. Idempotent: a
 * payment is keyed by its paymentId (the bank transaction key for a statement) and invoice, so importing a statement
 * twice records nothing twice.
 */
import type { Ledger } from '../../ledger';
import { dec, sum } from '../../money';
import type { BankTransaction, SkippedEntry } from '../bank-transactions';
import { bankTransactions } from '../bank-transactions';
import type { BankStatement, ParseCamtOptions } from '../camt';
import { parseCamt } from '../camt';
import type { PaymentRecordedEvent, PaymentReversedEvent } from '../events';
import { keyedEvent } from '../events';
import type { PaymentMatch } from '../matching';
import { matchPayments } from '../matching';
import type { PaymentInput } from '../record-payment';
import { paymentRecordedEvent } from '../record-payment';
import type { ReversalMatch } from '../statement-import';
import { matchReversals, paymentRecordedEvents } from '../statement-import';
import type { InvoicePaymentStatus } from '../status';
import { paymentStatus } from '../status';
import { unmatchedEntryEvent } from './bank-entries';
import { EVERYTHING_KNOWN, findInvoice, ledgerPaymentEvents, openInvoicesOf, trackedInvoices } from './invoices';

export type RecordPaymentResult =
	| { outcome: 'recorded'; event: PaymentRecordedEvent; status: InvoicePaymentStatus }
	/** A payment with this paymentId is already in the ledger: nothing written. */
	| { outcome: 'already_recorded'; event: PaymentRecordedEvent; status: InvoicePaymentStatus };

/**
 * Records a payment on an invoice given by number or RF reference. Partial and over-payments are allowed; another
 * currency than the invoice's is refused (PAYMENT_CURRENCY_MISMATCH).
 */
export async function recordPayment(
	ledger: Ledger,
	invoiceReference: string,
	input: PaymentInput,
): Promise<RecordPaymentResult> {
	const summary = await findInvoice(ledger, invoiceReference);
	const [tracked] = await trackedInvoices(ledger, { invoice: summary.number });
	const events = await ledgerPaymentEvents(ledger);
	const existing = events.find(
		(event): event is PaymentRecordedEvent =>
			event.type === 'PAYMENT_RECORDED' && event.payload.paymentId === input.paymentId,
	);
	if (existing) {
		const status = paymentStatus(tracked.facts, events, EVERYTHING_KNOWN);
		return { outcome: 'already_recorded', event: existing, status };
	}
	const before = paymentStatus(tracked.facts, events, EVERYTHING_KNOWN);
	const event = paymentRecordedEvent(input, { number: summary.number, currency: summary.currency, amountDue: before.residual });
	await ledger.recordEvent(keyedEvent(event));
	return { outcome: 'recorded', event, status: paymentStatus(tracked.facts, [...events, event], input.date) };
}

export interface ImportedPayment {
	match: PaymentMatch<BankTransaction>;
	/** The events written for it (none when unmatched). */
	events: PaymentRecordedEvent[];
}

export interface StatementImport {
	statements: Pick<BankStatement, 'message' | 'id' | 'accountIban'>[];
	matched: ImportedPayment[];
	unmatched: ImportedPayment[];
	/** Transactions recorded in full by an earlier import (same key): nothing written again. */
	alreadyRecorded: BankTransaction[];
	reversals: ReversalMatch[];
	alreadyReversed: BankTransaction[];
	skipped: SkippedEntry[];
}

export interface ImportStatementOptions extends ParseCamtOptions {
	/** Told how far matching and recording are, for a progress display on large statements. */
	onProgress?: (stage: 'matching' | 'recording', done: number, total: number) => void;
}

/**
 * Imports a camt.053 / camt.054 file: booked credits matched to open invoices and recorded, reversals applied to the
 * payment they take back, every other entry skipped with its reason. Throws CamtError for a file that is not a
 * readable camt (hostile, truncated, wrong message) before anything is written.
 */
export async function importBankStatement(
	ledger: Ledger,
	xml: string | Buffer,
	options: ImportStatementOptions = {},
): Promise<StatementImport> {
	const statements = parseCamt(xml, options);
	const { payments, reversals, skipped } = bankTransactions(statements);
	const events = await ledgerPaymentEvents(ledger);
	const recorded = events.filter((event): event is PaymentRecordedEvent => event.type === 'PAYMENT_RECORDED');
	const reversed = events.filter((event): event is PaymentReversedEvent => event.type === 'PAYMENT_REVERSED');
	const reversalIds = new Set(reversed.map((event) => event.payload.reversalId));
	const allocatedBy = new Map<string, PaymentRecordedEvent[]>();
	for (const event of recorded) {
		allocatedBy.set(event.payload.paymentId, [...(allocatedBy.get(event.payload.paymentId) ?? []), event]);
	}
	const allocatedAmount = (events: PaymentRecordedEvent[]) => sum(events.map((event) => dec(event.payload.amount)));

	const result: StatementImport = {
		statements: statements.map(({ message, id, accountIban }) => ({ message, id, accountIban })),
		matched: [],
		unmatched: [],
		alreadyRecorded: [],
		reversals: [],
		alreadyReversed: reversals.filter((tx) => reversalIds.has(tx.key)),
		skipped,
	};
	// Idempotency is per allocation: a transaction split over several invoices and interrupted after some of them is
	// finished now — its remainder matched against the invoices it has not paid yet.
	const fresh: BankTransaction[] = [];
	const unfinished: Array<{ transaction: BankTransaction; paid: Set<string>; remainder: BankTransaction }> = [];
	for (const tx of payments) {
		const done = allocatedBy.get(tx.key);
		if (!done) fresh.push(tx);
		else if (allocatedAmount(done).gte(tx.amount)) result.alreadyRecorded.push(tx);
		else {
			const paid = new Set(done.map((event) => event.invoiceNumber));
			unfinished.push({ transaction: tx, paid, remainder: { ...tx, amount: tx.amount.minus(allocatedAmount(done)) } });
		}
	}
	const record = async (match: PaymentMatch<BankTransaction>) => {
		const written = paymentRecordedEvents(match);
		for (const event of written) await ledger.recordEvent(keyedEvent(event));
		recorded.push(...written);
		// Kept for a person to match by hand (bank-entries.ts); once per transaction, however often it is imported.
		if (match.status === 'unmatched') await ledger.recordEvent(unmatchedEntryEvent(match.transaction, match));
		(match.status === 'matched' ? result.matched : result.unmatched).push({ match, events: written });
	};
	const progress = options.onProgress;
	const matches = matchPayments(fresh, await openInvoicesOf(ledger), progress && ((done, total) => progress('matching', done, total)));
	for (const [index, match] of matches.entries()) {
		if (progress && index % 1000 === 0) progress('recording', index, matches.length);
		await record(match);
	}
	for (const { transaction, paid, remainder } of unfinished) {
		const open = (await openInvoicesOf(ledger)).filter((invoice) => !paid.has(invoice.number));
		const [match] = matchPayments([remainder], open);
		// Reported as the bank booked it; the allocations are those of the remainder.
		if (match.status === 'matched') await record({ ...match, transaction });
		else {
			await ledger.recordEvent(unmatchedEntryEvent(transaction, match));
			result.unmatched.push({ match: { ...match, transaction }, events: [] });
		}
	}
	const freshReversals = reversals.filter((tx) => !reversalIds.has(tx.key));
	result.reversals = matchReversals(freshReversals, recorded, reversed);
	for (const reversal of result.reversals) {
		if (reversal.status === 'matched') for (const event of reversal.events) await ledger.recordEvent(keyedEvent(event));
	}
	return result;
}
