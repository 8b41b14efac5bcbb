/**
 * Payment tracking over the ledger: the pure functions of lib/payments fed with the ledger's invoices and events, and
 * their results written back as events. Nothing is stored but events; every status is derived again on each read.
 *
 * Idempotence, so a workflow or a daily schedule can run again safely:
 * - a payment is keyed by its paymentId (the bank transaction key for a statement): a second PAYMENT_RECORDED with the
 *   same key is never written, so importing a statement twice records nothing twice;
 * - a reversal is keyed by its reversalId, a reminder level by (invoice, level), a dispute by its disputeId;
 * - the credit note of an accepted dispute names the dispute in a note: resolving again finds it instead of issuing
 *   a second one.
 */
import { createHash } from 'node:crypto';

import type { CiiProfile, EInvoiceFormat, RenderedInvoiceFile } from '../einvoice';
import { renderAll } from '../einvoice';
import type { DisputeCredit } from '../invoice/credit-note';
import { disputeCreditNote } from '../invoice/credit-note';
import { invoiceFromDocument, invoiceToDocument } from '../invoice/document-json';
import type { Invoice } from '../invoice/model';
import { invoiceNumberFormatter } from '../invoice/numbering';
import type { InvoiceSummary, Ledger, LedgerEvent } from '../ledger';
import { dec, toFixedAmount, ZERO } from '../money';
import type { BankStatement } from './camt';
import { parseCamt } from './camt';
import type { ParseCamtOptions } from './camt';
import type { BankTransaction, SkippedEntry } from './bank-transactions';
import { bankTransactions } from './bank-transactions';
import { checkIsoDate } from './calendar';
import type {
	DisputeOpenedEvent,
	DisputeResolvedEvent,
	PaymentEvent,
	PaymentRecordedEvent,
	PaymentReversedEvent,
	ReminderSentEvent,
} from './events';
import { keyedEvent, PAYMENT_EVENT_TYPES, paymentEventsOf } from './events';
import type { OpenInvoice, PaymentMatch } from './matching';
import { matchPayments } from './matching';
import type { PaymentInput } from './record-payment';
import { paymentRecordedEvent } from './record-payment';
import type { ReminderDue, ReminderLevel, ReminderVariables } from './reminders';
import { DEFAULT_REMINDER_SCHEDULE, remindersDue } from './reminders';
import type { ReversalMatch } from './statement-import';
import { matchReversals, paymentRecordedEvents } from './statement-import';
import type { AgingLine, InvoiceFacts, InvoicePaymentStatus } from './status';
import { agingSummary, paymentStatus } from './status';

export type PaymentTrackingErrorCode =
	| 'INVOICE_NOT_FOUND'
	| 'NOT_AN_INVOICE'
	| 'DISPUTE_NOT_FOUND'
	| 'DISPUTE_ALREADY_RESOLVED'
	| 'DISPUTE_ID_TAKEN'
	| 'DISPUTE_REASON_MISSING'
	| 'DISPUTE_CDR_NOT_ON_INVOICE'
	| 'CREDIT_MISSING';

/** A tracking request refused before anything was written; `field` names the input to fix. */
export class PaymentTrackingError extends Error {
	constructor(
		readonly code: PaymentTrackingErrorCode,
		message: string,
		readonly field?: string,
	) {
		super(message);
		this.name = 'PaymentTrackingError';
	}
}

/** Far enough ahead that every recorded event counts: for matching, which must see all that is known. */
const EVERYTHING_KNOWN = '9999-12-31';

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
	if (selection.openOnly) statuses = statuses.filter((status) => status.residual.gt(ZERO) && status.status !== 'credited');
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
		if (!status.residual.gt(ZERO) || status.status === 'credited') return [];
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
	/** Transactions recorded by an earlier import (same key): nothing written again. */
	alreadyRecorded: BankTransaction[];
	reversals: ReversalMatch[];
	alreadyReversed: BankTransaction[];
	skipped: SkippedEntry[];
}

/**
 * Imports a camt.053 / camt.054 file: booked credits matched to open invoices and recorded, reversals applied to the
 * payment they take back, every other entry skipped with its reason. Throws CamtError for a file that is not a
 * readable camt (hostile, truncated, wrong message) before anything is written.
 */
export async function importBankStatement(
	ledger: Ledger,
	xml: string | Buffer,
	options: ParseCamtOptions = {},
): Promise<StatementImport> {
	const statements = parseCamt(xml, options);
	const { payments, reversals, skipped } = bankTransactions(statements);
	const events = await ledgerPaymentEvents(ledger);
	const recorded = events.filter((event): event is PaymentRecordedEvent => event.type === 'PAYMENT_RECORDED');
	const reversed = events.filter((event): event is PaymentReversedEvent => event.type === 'PAYMENT_REVERSED');
	const recordedIds = new Set(recorded.map((event) => event.payload.paymentId));
	const reversalIds = new Set(reversed.map((event) => event.payload.reversalId));

	const result: StatementImport = {
		statements: statements.map(({ message, id, accountIban }) => ({ message, id, accountIban })),
		matched: [],
		unmatched: [],
		alreadyRecorded: payments.filter((tx) => recordedIds.has(tx.key)),
		reversals: [],
		alreadyReversed: reversals.filter((tx) => reversalIds.has(tx.key)),
		skipped,
	};
	const fresh = payments.filter((tx) => !recordedIds.has(tx.key));
	for (const match of matchPayments(fresh, await openInvoicesOf(ledger))) {
		const written = paymentRecordedEvents(match);
		for (const event of written) await ledger.recordEvent(keyedEvent(event));
		recorded.push(...written);
		(match.status === 'matched' ? result.matched : result.unmatched).push({ match, events: written });
	}
	const freshReversals = reversals.filter((tx) => !reversalIds.has(tx.key));
	result.reversals = matchReversals(freshReversals, recorded, reversed);
	for (const reversal of result.reversals) {
		if (reversal.status === 'matched') for (const event of reversal.events) await ledger.recordEvent(keyedEvent(event));
	}
	return result;
}

export interface RemindersOptions {
	asOf: string;
	schedule?: readonly ReminderLevel[];
	emsp?: string;
}

/** A reminder with the eMSP's legal name among its text variables, for the letter's salutation. */
export type LedgerReminderDue = ReminderDue & { variables: ReminderVariables & { buyerName?: string } };

/** Reminders due at `asOf` under the schedule (default D+7, D+30, D+45 formal notice), one per invoice at most. */
export async function ledgerRemindersDue(ledger: Ledger, options: RemindersOptions): Promise<LedgerReminderDue[]> {
	const { statuses } = await statusReport(ledger, options.asOf, { emsp: options.emsp });
	const buyers = new Map((await trackedInvoices(ledger, { emsp: options.emsp })).map((i) => [i.facts.number, i.facts]));
	return remindersDue(statuses, options.schedule ?? DEFAULT_REMINDER_SCHEDULE, undefined, options.asOf).map(
		(reminder) => ({
			...reminder,
			variables: { ...reminder.variables, buyerName: buyers.get(reminder.invoiceNumber)?.buyerName },
		}),
	);
}

/**
 * Marks a reminder level sent on an invoice. Once only: marking the same level again writes nothing and answers
 * `already_sent`, so a daily schedule never sends a level twice.
 */
export async function markReminderSent(
	ledger: Ledger,
	reminder: { invoiceNumber: string; level: number; date: string; formalNotice?: boolean },
): Promise<{ outcome: 'marked' | 'already_sent'; event: ReminderSentEvent }> {
	checkIsoDate(reminder.date, 'date');
	const summary = await findInvoice(ledger, reminder.invoiceNumber, 'invoiceNumber');
	const sent = (await ledger.events({ invoiceNumber: summary.number, type: 'REMINDER_SENT' })).find(
		(event) => (event.payload as { level?: unknown }).level === reminder.level,
	);
	if (sent) {
		return { outcome: 'already_sent', event: { type: 'REMINDER_SENT', invoiceNumber: summary.number, payload: sent.payload as ReminderSentEvent['payload'] } };
	}
	const event: ReminderSentEvent = {
		type: 'REMINDER_SENT',
		invoiceNumber: summary.number,
		payload: {
			level: reminder.level,
			date: reminder.date,
			...(reminder.formalNotice ? { formalNotice: true } : {}),
		},
	};
	await ledger.recordEvent(keyedEvent(event));
	return { outcome: 'marked', event };
}

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

const disputeNote = (disputeId: string) => `Dispute ${disputeId} accepted`;

async function issueDisputeCreditNote(
	ledger: Ledger,
	invoiceNumber: string,
	disputeId: string,
	credit: DisputeCredit,
	issueDate: string,
	settings: CreditNoteSettings,
): Promise<IssuedCreditNote> {
	const render = (invoice: Invoice) =>
		renderAll(invoice, settings.formats, { profile: settings.profile, creationDate: settings.creationDate });
	// A resolution interrupted after its credit note was issued finds it again (its note names the dispute).
	for (const summary of await ledger.listInvoices({ correctsInvoiceNumber: invoiceNumber })) {
		const record = await ledger.getInvoice(summary.number);
		const invoice = invoiceFromDocument(record!.document);
		if (invoice.notes.some((note) => note.text.startsWith(disputeNote(disputeId)))) {
			return { invoice, files: await render(invoice), existing: true };
		}
	}
	const original = invoiceFromDocument((await ledger.getInvoice(invoiceNumber))!.document);
	const build = (number: string) =>
		disputeCreditNote(original, credit, { number, issueDate, reason: `${disputeNote(disputeId)}.` });
	const preview = build('PREVIEW');
	const summary = (await ledger.getInvoice(invoiceNumber))!;
	const result = await ledger.issue({
		typeCode: '381',
		series: settings.series,
		issueDate,
		buyer: summary.buyer,
		currency: summary.currency,
		totals: {
			withoutVat: toFixedAmount(preview.totals.taxExclusive),
			vat: toFixedAmount(preview.totals.vatTotal),
			withVat: toFixedAmount(preview.totals.taxInclusive),
		},
		correctsInvoiceNumber: invoiceNumber,
		cdrs: [],
		formatNumber: invoiceNumberFormatter(settings.numberPattern),
		buildDocument: (number) => invoiceToDocument(build(number)),
	});
	if (result.kind !== 'issued') throw new Error('A credit note without CDRs cannot conflict.');
	const invoice = build(result.number);
	const files = await render(invoice);
	await ledger.markRendered(
		invoice.number,
		files.map((file) => ({ name: file.fileName, sha256: createHash('sha256').update(file.data).digest('hex') })),
	);
	return { invoice, files, existing: false };
}
