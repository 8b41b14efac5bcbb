/** Reminders over the ledger: which are due at a date, and each level marked sent once. */
import type { Ledger } from '../../ledger';
import { checkIsoDate } from '../calendar';
import type { ReminderSentEvent } from '../events';
import { keyedEvent } from '../events';
import type { ReminderDue, ReminderLevel, ReminderVariables } from '../reminders';
import { DEFAULT_REMINDER_SCHEDULE, remindersDue } from '../reminders';
import { findInvoice, statusReport, trackedInvoices } from './invoices';

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
