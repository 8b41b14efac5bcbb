/**
 * Reminders due (`/reminders`, `/api/reminders`) at a day under the schedule (default D+7, D+30, D+45 formal
 * notice): one per overdue invoice, the highest level due and not yet sent (lib/payments remindersDue).
 */
import type { ReminderDue } from '../../payments';
import { DEFAULT_REMINDER_SCHEDULE, remindersDue } from '../../payments';
import type { ConsoleContext } from './context';
import { dateParam, emspParam } from './context';

export interface ReminderList {
	asOf: string;
	emsp: string | null;
	schedule: ReadonlyArray<{ level: number; daysAfterDue: number; formalNotice?: boolean }>;
	due: Array<ReminderDue & { buyerName: string | null }>;
}

export async function reminderList(ctx: ConsoleContext, params: URLSearchParams): Promise<ReminderList> {
	const index = await ctx.index();
	const asOf = dateParam(params, 'asOf') ?? ctx.today();
	const emsp = emspParam(params);
	const schedule = ctx.reminderSchedule ?? DEFAULT_REMINDER_SCHEDULE;
	const statuses = [];
	for (const doc of index.all()) {
		if (doc.summary.typeCode !== '380' || (emsp && doc.emsp !== emsp)) continue;
		statuses.push(index.status(doc, asOf));
	}
	const names = await index.buyerNames();
	const due = remindersDue(statuses, schedule, undefined, asOf)
		.sort((a, b) => b.variables.daysOverdue - a.variables.daysOverdue || a.invoiceNumber.localeCompare(b.invoiceNumber))
		.map((reminder) => ({ ...reminder, buyerName: names.get(reminder.emsp) ?? null }));
	return { asOf, emsp: emsp ?? null, schedule, due };
}
