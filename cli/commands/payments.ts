import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import { NdjsonWriter } from '../../lib/io/ndjson-writer';
import { openLedger } from '../../lib/ledger';
import type { Ledger } from '../../lib/ledger';
import { dec, withAmountStrings } from '../../lib/money';
import type { ReminderLevel } from '../../lib/payments';
import { CamtError } from '../../lib/payments/camt-error';
import type { ImportStatementOptions, StatementImport } from '../../lib/payments/tracking';
import {
	importBankStatement,
	ledgerRemindersDue,
	markReminderSent,
	openDispute,
	pullLifecycleStatuses,
	recordLifecycleFile,
	recordPayment,
	reportCashedStatuses,
	resolveDispute,
	statusReport,
} from '../../lib/payments/tracking';
import { createPaClient } from '../../lib/delivery/pa';
import type { PaConnection } from '../../lib/delivery/pa';
import { readJsonFile } from '../input';
import type { Command } from '../usage';
import { UsageError, listOption } from '../usage';

const usage = `Usage: ev-clearing payments <action> --ledger <file> [options]

Payment tracking over a SQLite ledger; one NDJSON line per outcome on stdout. Exit code 0 when done, 1 when the ledger
refused the request ({"kind": "failed", "code", "message", "field"}), 2 on a usage error or when a camt file given to
import could not be read (that file fails on its own, named, and the other files are imported).

Actions:
  record    --invoice <number|RF> --amount <1250.40> --currency EUR --date <YYYY-MM-DD> --payment-id <ref> [--payer <name>]
  import    <camt.xml>...               camt.053 / camt.054; each payment matched, unmatched or already recorded;
                                        progress and a summary per file on stderr
  status    [--date <day>] [--emsp FR*MOB | --invoice <number>] [--all | --rejected]   open invoices by default; aging
            last; each status carries the invoice's latest lifecycle status on the French network ("lifecycle");
            --rejected lists the invoices the platform rejected (213: not legally issued, to correct)
  reminders [--date <day>] [--schedule <json file>] [--mark-sent]          reminders due; --mark-sent records them
  dispute   open --invoice <n> --reason <text> [--amount <claimed>] [--cdrs id,id] [--date <day>]
            reject --dispute <id> [--date <day>]
            accept --dispute <id> [--amount <with VAT>] [--series CN] [--pattern {series}-{yyyy}-{seq:6}] [--date <day>]
  lifecycle pull --platform <connection.json>     lifecycle statuses (CDAR) from the French accredited platform
            record <cdar.xml>...                  CDAR files received another way (a webhook, a mailbox)
            cashed --platform <connection.json>   deposit the 212 Encaissée of payments whose VAT is due on receipts
            (connection: {"flowUrl", "directoryUrl", "tokenUrl", "clientId", "clientSecret", "scope"?}; one line per
            status: {"kind": "lifecycle", "invoiceNumber", "code", "label", "outcome", "disputeId"?, "error"?})`;

const today = () => new Date().toISOString().slice(0, 10);

/** How far an import is, on stderr: a counter rewritten in place for a person at a terminal, and one line per file. */
function importProgress(file: string): { update: ImportStatementOptions['onProgress']; done: (summary: string) => void } {
	const started = Date.now();
	const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
	const live = process.stderr.isTTY === true;
	return {
		update: (stage, done, total) => {
			if (live) process.stderr.write(`\rpayments import ${file}: ${stage} ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${seconds()} s)`);
		},
		done: (summary) => process.stderr.write(`${live ? '\r\x1b[K' : ''}payments import ${file}: ${summary} (${seconds()} s)\n`),
	};
}

/** One camt file: its outcomes as NDJSON lines; false when the file itself was refused (it fails alone, named). */
async function importStatementFile(ledger: Ledger, file: string, out: NdjsonWriter): Promise<boolean> {
	const progress = importProgress(file);
	const refuse = async (code: string, message: string, field?: string) => {
		await out.write({ kind: 'failed', file, code, message: `${file}: ${message}`, ...(field ? { field } : {}) });
		progress.done(`refused, ${code}: ${message}`);
		return false;
	};
	let xml: Buffer;
	try {
		xml = await readFile(file);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		return refuse('FILE_UNREADABLE', code === 'ENOENT' ? 'no such file.' : `cannot be read (${code ?? String(error)}).`);
	}
	let result: StatementImport;
	try {
		result = await importBankStatement(ledger, xml, { onProgress: progress.update });
	} catch (error) {
		if (error instanceof CamtError) return refuse(error.code, error.message, error.field);
		throw error;
	}
	for (const { match, events } of [...result.matched, ...result.unmatched]) {
		await out.write(withAmountStrings({ kind: match.status, file, key: match.transaction.key, amount: match.transaction.amount, currency: match.transaction.currency, events, candidates: match.candidates, notes: match.notes }));
	}
	for (const tx of result.alreadyRecorded) await out.write(withAmountStrings({ kind: 'already_recorded', file, key: tx.key, amount: tx.amount }));
	for (const r of result.reversals) await out.write(withAmountStrings({ kind: `reversal_${r.status}`, file, key: r.reversal.key, ...(r.status === 'matched' ? { events: r.events } : { message: r.message }) }));
	for (const s of result.skipped) await out.write(withAmountStrings({ kind: 'skipped', file, ...s }));
	const count = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}`;
	progress.done(
		[
			count(result.matched.length, 'matched'),
			count(result.unmatched.length, 'unmatched'),
			count(result.alreadyRecorded.length, 'already recorded'),
			count(result.reversals.length, 'reversals'),
			count(result.skipped.length, 'skipped'),
		].join(', '),
	);
	return true;
}

async function act(action: string, ledger: Ledger, values: Record<string, string | boolean | undefined>, positionals: string[], out: NdjsonWriter): Promise<number | void> {
	const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
	const required = (name: string) => {
		const value = text(name);
		if (!value) throw new UsageError(`--${name} is required for "payments ${action}".`);
		return value;
	};
	const date = text('date') ?? today();
	switch (action) {
		case 'record': {
			const result = await recordPayment(ledger, required('invoice'), {
				paymentId: required('payment-id'),
				amount: required('amount'),
				currency: required('currency').toUpperCase(),
				date: required('date'),
				payerName: text('payer'),
			});
			await out.write(withAmountStrings({ kind: 'payment', outcome: result.outcome, ...result.event, status: result.status }));
			return;
		}
		case 'import': {
			if (positionals.length === 0) throw new UsageError('give the camt files to import.');
			let refused = 0;
			for (const file of positionals) if (!(await importStatementFile(ledger, file, out))) refused++;
			return refused > 0 ? 2 : 0;
		}
		case 'status': {
			const rejected = values.rejected === true;
			const report = await statusReport(ledger, date, { openOnly: values.all !== true && !rejected, emsp: text('emsp'), invoice: text('invoice') });
			for (const status of report.statuses) {
				if (!rejected || status.status === 'rejected') await out.write(withAmountStrings({ kind: 'status', ...status }));
			}
			for (const line of report.aging) await out.write(withAmountStrings({ kind: 'aging', asOf: date, ...line }));
			return;
		}
		case 'reminders': {
			const scheduleFile = text('schedule');
			const schedule = scheduleFile ? (JSON.parse(await readFile(scheduleFile, 'utf8')) as ReminderLevel[]) : undefined;
			for (const reminder of await ledgerRemindersDue(ledger, { asOf: date, schedule })) {
				if (values['mark-sent'] === true) await markReminderSent(ledger, { invoiceNumber: reminder.invoiceNumber, level: reminder.level, date, formalNotice: reminder.formalNotice });
				await out.write({ kind: 'reminder', ...reminder, markedSent: values['mark-sent'] === true });
			}
			return;
		}
		case 'dispute': {
			const step = positionals[0];
			if (step === 'open') {
				const event = await openDispute(ledger, { invoice: required('invoice'), reason: required('reason'), date, amountClaimed: text('amount'), cdrIds: listOption(text('cdrs')) });
				await out.write({ kind: 'dispute_opened', invoiceNumber: event.invoiceNumber, ...event.payload });
			} else if (step === 'reject') {
				const { event } = await resolveDispute(ledger, { disputeId: required('dispute'), date, outcome: 'rejected' });
				await out.write({ kind: 'dispute_resolved', invoiceNumber: event.invoiceNumber, ...event.payload });
			} else if (step === 'accept') {
				const amount = text('amount');
				const { event, creditNote } = await resolveDispute(ledger, {
					disputeId: required('dispute'),
					date,
					outcome: 'accepted',
					credit: amount ? { kind: 'amount', amountWithVat: dec(amount) } : undefined,
					creditNotes: { series: text('series') ?? 'CN', numberPattern: text('pattern') ?? '{series}-{yyyy}-{seq:6}', formats: [] },
				});
				await out.write(withAmountStrings({ kind: 'dispute_resolved', invoiceNumber: event.invoiceNumber, ...event.payload, creditNoteTotals: creditNote?.invoice.totals }));
			} else throw new UsageError('payments dispute open|reject|accept: say which.');
			return;
		}
		case 'lifecycle': {
			const step = positionals[0];
			if (step === 'record') {
				if (positionals.length < 2) throw new UsageError('give the CDAR files to record.');
				for (const file of positionals.slice(1)) {
					for (const outcome of await recordLifecycleFile(ledger, await readFile(file))) await out.write({ kind: 'lifecycle', file, ...outcome });
				}
				return;
			}
			if (step !== 'pull' && step !== 'cashed') throw new UsageError('payments lifecycle pull|record|cashed: say which.');
			const client = createPaClient((await readJsonFile(required('platform'), 'the platform connection')) as PaConnection);
			if (step === 'pull') {
				const result = await pullLifecycleStatuses(ledger, client);
				for (const outcome of result.outcomes) await out.write({ kind: 'lifecycle', ...outcome });
			} else {
				for (const outcome of await reportCashedStatuses(ledger, client)) await out.write({ kind: 'cashed_status', ...outcome });
			}
			return;
		}
		default:
			throw new UsageError(`unknown action "${action}": use record, import, status, reminders, dispute or lifecycle.`);
	}
}

export const paymentsCommand: Command = {
	name: 'payments',
	summary: 'record and import payments (camt.053/054), statuses and aging, reminders, disputes, platform lifecycle',
	usage,
	async run(argv) {
		const [action, ...rest] = argv;
		const { values, positionals } = parseArgs({
			args: rest,
			allowPositionals: true,
			options: {
				ledger: { type: 'string' },
				invoice: { type: 'string' },
				amount: { type: 'string' },
				currency: { type: 'string' },
				date: { type: 'string' },
				'payment-id': { type: 'string' },
				payer: { type: 'string' },
				emsp: { type: 'string' },
				schedule: { type: 'string' },
				reason: { type: 'string' },
				cdrs: { type: 'string' },
				dispute: { type: 'string' },
				series: { type: 'string' },
				pattern: { type: 'string' },
				all: { type: 'boolean' },
				rejected: { type: 'boolean' },
				platform: { type: 'string' },
				'mark-sent': { type: 'boolean' },
			},
		});
		if (!action) throw new UsageError(usage);
		if (typeof values.ledger !== 'string') throw new UsageError('--ledger <file> is required: the SQLite ledger.');
		const ledger = await openLedger({ kind: 'sqlite', path: values.ledger });
		const out = new NdjsonWriter(process.stdout);
		try {
			return (await act(action, ledger, values as Record<string, string | boolean | undefined>, positionals, out)) ?? 0;
		} catch (error) {
			if (error instanceof UsageError) throw error;
			const { code, field } = error as { code?: string; field?: string };
			if (!code) throw error;
			await out.write({ kind: 'failed', code, message: (error as Error).message, field });
			return 1;
		} finally {
			await out.flush();
			await ledger.close();
		}
	},
};
