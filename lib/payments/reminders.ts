/**
 * Dunning: which reminder each overdue invoice is due for today. A level is sent once; when several levels are due
 * (a reminder run was missed), only the highest is sent — one letter, not three at once; a level at or below one
 * already sent is never due again. The formal notice is never the first letter: a schedule must start with a plain
 * reminder, and an invoice no reminder went out for gets the highest plain level due (the formal notice follows on a
 * later run), as dunning practice and a mise en demeure expect.
 */
import { toFixedAmount } from '../money';
import { checkIsoDate, daysBetween } from './calendar';
import { PaymentError } from './payment-error';
import type { InvoicePaymentStatus } from './status';

export interface ReminderLevel {
	level: number;
	daysAfterDue: number;
	/** Mise en demeure / formal notice: the last step before collection or court. */
	formalNotice?: boolean;
}

export const DEFAULT_REMINDER_SCHEDULE: readonly ReminderLevel[] = [
	{ level: 1, daysAfterDue: 7 },
	{ level: 2, daysAfterDue: 30 },
	{ level: 3, daysAfterDue: 45, formalNotice: true },
];

/** The values a reminder text is filled with. */
export interface ReminderVariables {
	invoiceNumber: string;
	/** Two decimals, "1250.40". */
	amountDue: string;
	currency: string;
	dueDate: string;
	daysOverdue: number;
	rfReference?: string;
	level: number;
	formalNotice: boolean;
}

export interface ReminderDue {
	invoiceNumber: string;
	emsp: string;
	level: number;
	formalNotice: boolean;
	variables: ReminderVariables;
}

export type SentReminderLevels = ReadonlyMap<string, readonly number[]> | Readonly<Record<string, readonly number[]>>;

export function checkReminderSchedule(schedule: readonly ReminderLevel[]): void {
	const sorted = [...schedule].sort((a, b) => a.level - b.level);
	sorted.forEach((step, index) => {
		const field = `schedule[${schedule.indexOf(step)}]`;
		if (!Number.isInteger(step.level) || step.level < 1) {
			throw new PaymentError('REMINDER_SCHEDULE_INVALID', `${field}.level must be a whole number from 1.`, field);
		}
		if (!Number.isInteger(step.daysAfterDue) || step.daysAfterDue < 0) {
			throw new PaymentError('REMINDER_SCHEDULE_INVALID', `${field}.daysAfterDue must be a whole number ≥ 0.`, field);
		}
		if (index === 0 && step.formalNotice) {
			throw new PaymentError(
				'REMINDER_SCHEDULE_INVALID',
				`${field} (level ${step.level}, the first) is the formal notice: a formal notice follows at least one plain ` +
					'reminder. Put a reminder level before it, e.g. [{"level": 1, "daysAfterDue": 7}, ' +
					`{"level": 2, "daysAfterDue": ${Math.max(step.daysAfterDue, 8)}, "formalNotice": true}].`,
				field,
			);
		}
		const previous = sorted[index - 1];
		if (previous && (previous.level === step.level || previous.daysAfterDue >= step.daysAfterDue)) {
			throw new PaymentError(
				'REMINDER_SCHEDULE_INVALID',
				`Reminder levels must be distinct and each later than the one before: level ${step.level} comes ` +
					`${step.daysAfterDue} days after the due date, level ${previous.level} ${previous.daysAfterDue}.`,
				field,
			);
		}
	});
}

/**
 * The reminders due at `asOf`, one per invoice at most. Only invoices with status `overdue` get one: paid, credited
 * and disputed invoices are not dunned. `sentLevels` (invoice number → levels sent) defaults to each status's
 * remindersSent.
 */
export function remindersDue(
	statuses: readonly InvoicePaymentStatus[],
	schedule: readonly ReminderLevel[],
	sentLevels: SentReminderLevels | undefined,
	asOf: string,
): ReminderDue[] {
	checkIsoDate(asOf, 'asOf');
	checkReminderSchedule(schedule);
	const steps = [...schedule].sort((a, b) => b.level - a.level);
	const due: ReminderDue[] = [];
	for (const status of statuses) {
		if (status.status !== 'overdue') continue;
		const daysOverdue = daysBetween(status.dueDate, asOf);
		const sent = sentFor(sentLevels, status);
		const highestSent = sent.length > 0 ? Math.max(...sent) : 0;
		let step = steps.find((candidate) => candidate.daysAfterDue <= daysOverdue);
		if (step?.formalNotice && highestSent === 0) {
			step = steps.find((candidate) => candidate.daysAfterDue <= daysOverdue && !candidate.formalNotice);
		}
		if (!step || step.level <= highestSent) continue;
		const formalNotice = step.formalNotice === true;
		due.push({
			invoiceNumber: status.invoiceNumber,
			emsp: status.emsp,
			level: step.level,
			formalNotice,
			variables: {
				invoiceNumber: status.invoiceNumber,
				amountDue: toFixedAmount(status.residual),
				currency: status.currency,
				dueDate: status.dueDate,
				daysOverdue,
				rfReference: status.rfReference,
				level: step.level,
				formalNotice,
			},
		});
	}
	return due;
}

function sentFor(sentLevels: SentReminderLevels | undefined, status: InvoicePaymentStatus): readonly number[] {
	if (!sentLevels) return status.remindersSent;
	const levels =
		sentLevels instanceof Map
			? sentLevels.get(status.invoiceNumber)
			: (sentLevels as Readonly<Record<string, readonly number[]>>)[status.invoiceNumber];
	return levels ?? [];
}
