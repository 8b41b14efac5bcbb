/**
 * The changes a person makes in the console, each through the same library path as everywhere else (lib/payments
 * tracking, lib/issuing for credit notes), and each followed by a CONSOLE_ACTION event on the invoice naming who did
 * it, with which role, from where (session, token, n8n webhook) — the audit trail shows it beside the change itself.
 * A refused change (a coded error of the library) writes nothing and comes back as a value, never thrown.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

import type { CreditNoteSettings } from '../issuing';
import { dec } from '../money';
import { PaymentError } from '../payments';
import { markReminderSent, matchBankEntry, openDispute, PaymentTrackingError, resolveDispute } from '../payments/tracking';
import type { Identity } from './auth/roles';
import type { ConsoleContext } from './views/context';

export const CONSOLE_ACTION = 'CONSOLE_ACTION';

export type ActionName = 'dispute.open' | 'dispute.accept' | 'dispute.reject' | 'reminder.mark_sent' | 'bank_entry.match' | 'delivery.resend';

export type ActionResult =
	| { ok: true; action: ActionName; invoiceNumber: string; values: Record<string, string>; result: unknown }
	| { ok: false; action: ActionName; code: string; message: string; field?: string };

export class ConsoleInputError extends Error {
	constructor(
		readonly code: string,
		message: string,
		readonly field?: string,
	) {
		super(message);
	}
}

type Form = Record<string, string | undefined>;

const required = (form: Form, field: string, what: string): string => {
	const value = form[field]?.trim();
	if (!value) throw new ConsoleInputError('FIELD_MISSING', `${field} is empty: give ${what}.`, field);
	return value;
};

const AMOUNT = /^\d+(\.\d{1,2})?$/;

function amountOf(form: Form, field: string): string | undefined {
	const value = form[field]?.trim().replace(',', '.');
	if (!value) return undefined;
	if (!AMOUNT.test(value) || dec(value).lte(0)) {
		throw new ConsoleInputError('AMOUNT_INVALID', `${field} is "${form[field]}": give a positive amount with at most 2 decimals, e.g. 12.50.`, field);
	}
	return value;
}

function creditNoteSettings(ctx: ConsoleContext): CreditNoteSettings {
	if (ctx.creditNotes) return ctx.creditNotes;
	if (ctx.config) {
		return {
			series: ctx.config.invoicing.creditNoteSeries,
			numberPattern: ctx.config.invoicing.numberPattern,
			formats: ctx.config.invoicing.formats,
			profile: ctx.config.invoicing.profile,
		};
	}
	throw new ConsoleInputError(
		'CREDIT_NOTES_NOT_CONFIGURED',
		'The console has no invoicing configuration: start it with --config <invoice-config.json> to issue credit notes.',
		'config',
	);
}

async function record(ctx: ConsoleContext, who: Identity, action: ActionName, invoiceNumber: string, details: Record<string, unknown>) {
	await ctx.ledger.recordEvent({
		type: CONSOLE_ACTION,
		invoiceNumber,
		payload: { action, by: who.user, role: who.role, via: who.via, at: new Date().toISOString(), ...details },
	});
}

async function perform(ctx: ConsoleContext, who: Identity, action: ActionName, form: Form): Promise<Omit<Extract<ActionResult, { ok: true }>, 'ok' | 'action'>> {
	const today = ctx.today();
	switch (action) {
		case 'dispute.open': {
			const invoice = required(form, 'invoice', 'the invoice number');
			const cdrIds = (form.cdrIds ?? '')
				.split(/[\s,;]+/)
				.map((id) => id.trim())
				.filter(Boolean);
			const event = await openDispute(ctx.ledger, {
				invoice,
				date: today,
				reason: required(form, 'reason', 'what the eMSP contests'),
				amountClaimed: amountOf(form, 'amountClaimed'),
				cdrIds: cdrIds.length ? cdrIds : undefined,
			});
			await record(ctx, who, action, event.invoiceNumber, { disputeId: event.payload.disputeId });
			return { invoiceNumber: event.invoiceNumber, values: { id: event.payload.disputeId }, result: event };
		}
		case 'dispute.accept': {
			const disputeId = required(form, 'disputeId', 'the dispute id');
			const amount = amountOf(form, 'amount');
			const settings = creditNoteSettings(ctx);
			const { event, creditNote } = await resolveDispute(ctx.ledger, {
				disputeId,
				date: today,
				outcome: 'accepted',
				credit: amount ? { kind: 'amount', amountWithVat: dec(amount) } : undefined,
				creditNotes: settings,
				note: form.comment?.trim() || undefined,
			});
			const folder = ctx.creditNoteDir ?? ctx.filesDir;
			if (folder && creditNote) {
				await fs.mkdir(folder, { recursive: true });
				for (const file of creditNote.files) await fs.writeFile(path.join(folder, file.fileName), file.data);
			}
			const number = creditNote?.invoice.number ?? event.payload.creditNoteNumber ?? '';
			await record(ctx, who, action, event.invoiceNumber, { disputeId, creditNoteNumber: number, ...(amount ? { amount } : {}) });
			return {
				invoiceNumber: event.invoiceNumber,
				values: { id: disputeId, creditNote: number },
				result: { event, creditNote: creditNote ? { number, files: creditNote.files.map((f) => f.fileName) } : null },
			};
		}
		case 'dispute.reject': {
			const disputeId = required(form, 'disputeId', 'the dispute id');
			const comment = required(form, 'comment', 'why the dispute is rejected');
			const { event } = await resolveDispute(ctx.ledger, { disputeId, date: today, outcome: 'rejected', note: comment });
			await record(ctx, who, action, event.invoiceNumber, { disputeId, comment });
			return { invoiceNumber: event.invoiceNumber, values: { id: disputeId }, result: event };
		}
		case 'reminder.mark_sent': {
			const invoice = required(form, 'invoice', 'the invoice number');
			const level = Number.parseInt(required(form, 'level', 'the reminder level'), 10);
			if (!Number.isSafeInteger(level) || level < 1) throw new ConsoleInputError('LEVEL_INVALID', 'level must be a whole number from 1.', 'level');
			const result = await markReminderSent(ctx.ledger, { invoiceNumber: invoice, level, date: today, formalNotice: form.formalNotice === 'true' });
			if (result.outcome === 'marked') await record(ctx, who, action, result.event.invoiceNumber, { level });
			return { invoiceNumber: result.event.invoiceNumber, values: { invoice: result.event.invoiceNumber, level: String(level) }, result };
		}
		case 'bank_entry.match': {
			const result = await matchBankEntry(ctx.ledger, {
				key: required(form, 'key', 'the bank entry'),
				invoice: required(form, 'invoice', 'the invoice number or RF reference'),
				by: who.user,
				note: form.note?.trim() || undefined,
			});
			await record(ctx, who, action, result.matched.invoiceNumber, { key: result.matched.key, amount: result.matched.amount });
			return { invoiceNumber: result.matched.invoiceNumber, values: { invoice: result.matched.invoiceNumber }, result: { payment: result.payment, matched: result.matched, status: result.status.status } };
		}
		case 'delivery.resend': {
			const invoice = required(form, 'invoice', 'the invoice number');
			const channel = required(form, 'channel', 'the channel');
			if (!ctx.resend || !ctx.resend.channels.includes(channel)) {
				throw new ConsoleInputError('CHANNEL_NOT_CONFIGURED', `The console has no ${channel} channel configured for re-sending: start it with --delivery.`, 'channel');
			}
			if (!(await ctx.ledger.getInvoice(invoice))) throw new ConsoleInputError('INVOICE_NOT_FOUND', `No document ${invoice} in the ledger.`, 'invoice');
			const outcome = await ctx.resend.send(invoice, channel);
			await record(ctx, who, action, invoice, { channel, outcome: outcome.outcome });
			return { invoiceNumber: invoice, values: { invoice, channel, outcome: outcome.outcome }, result: outcome };
		}
	}
}

/** Runs one change for `who`; a refusal of the library or of the form is a coded result, nothing written. */
export async function runAction(ctx: ConsoleContext, who: Identity, action: ActionName, form: Form): Promise<ActionResult> {
	try {
		const done = await perform(ctx, who, action, form);
		return { ok: true, action, ...done };
	} catch (error) {
		if (error instanceof ConsoleInputError || error instanceof PaymentTrackingError || error instanceof PaymentError || isCoded(error)) {
			const coded = error as { code: string; message: string; field?: string };
			return { ok: false, action, code: coded.code, message: coded.message, ...(coded.field ? { field: coded.field } : {}) };
		}
		throw error;
	}
}

/** Errors of the other rooms (LedgerError, InvoicingConfigError…) carry an UPPER_SNAKE code. */
function isCoded(error: unknown): boolean {
	const code = error instanceof Error ? (error as unknown as { code?: unknown }).code : undefined;
	return typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code);
}
