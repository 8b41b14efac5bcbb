/** What every view and action works with: the ledger, its read model, the CDR records, and the console's settings. */
import type { InvoicingConfig } from '../../invoice/config';
import type { CreditNoteSettings } from '../../issuing';
import type { Ledger } from '../../ledger';
import type { ReminderLevel } from '../../payments';
import type { CdrRecords } from '../data/cdr-records';
import type { LedgerIndex } from '../data/ledger-index';

/** Re-sends one invoice on one channel; the console records who asked. */
export type Resender = (invoiceNumber: string, channel: string) => Promise<{ outcome: string; message?: string }>;

export interface ConsoleContext {
	ledger: Ledger;
	/** The read model of the whole ledger, brought up to date (built once, in the background from the start). */
	index(): Promise<LedgerIndex>;
	/** The read model if it is built already (for what may do without it, e.g. the eMSPs of a filter). */
	indexIfReady(): LedgerIndex | undefined;
	/** Buyer names (BT-44) by eMSP, read once. */
	names: Map<string, string | undefined>;
	cdrs: CdrRecords;
	/** Today as YYYY-MM-DD: statuses and aging are as of this day unless a view is asked for another. */
	today: () => string;
	/** The invoicing configuration: credit-note series, rendering, the CPO's OCPI parties. */
	config?: InvoicingConfig;
	/** How accepted disputes' credit notes are numbered and rendered (from `config` when absent). */
	creditNotes?: CreditNoteSettings;
	/** Where issued files were written (`out/invoices`): served when their hash matches the ledger's record. */
	filesDir?: string;
	/** Where the console writes the files of the credit notes it issues (default: filesDir). */
	creditNoteDir?: string;
	reminderSchedule?: readonly ReminderLevel[];
	resend?: { channels: string[]; send: Resender };
}

export interface Page<T> {
	rows: T[];
	total: number;
	page: number;
	pageSize: number;
	pages: number;
}

export const MAX_PAGE_SIZE = 200;

export function pageOf(params: URLSearchParams, defaultSize = 50): { page: number; pageSize: number; offset: number } {
	const size = Number.parseInt(params.get('pageSize') ?? '', 10);
	const pageSize = Number.isSafeInteger(size) && size > 0 ? Math.min(size, MAX_PAGE_SIZE) : defaultSize;
	const number = Number.parseInt(params.get('page') ?? '', 10);
	const page = Number.isSafeInteger(number) && number > 0 ? number : 1;
	return { page, pageSize, offset: (page - 1) * pageSize };
}

export function pageCount(total: number, pageSize: number): number {
	return Math.max(1, Math.ceil(total / pageSize));
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-\d{2}$/;

/** A period from `period` (YYYY-MM) or `from` / `to` (YYYY-MM-DD); anything else is ignored. */
export function periodOf(params: URLSearchParams): { from?: string; to?: string; period?: string } {
	const period = params.get('period') ?? '';
	if (MONTH.test(period)) {
		const [year, month] = period.split('-').map(Number);
		const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
		return { period, from: `${period}-01`, to: `${period}-${String(last).padStart(2, '0')}` };
	}
	const from = params.get('from') ?? '';
	const to = params.get('to') ?? '';
	return { ...(DATE.test(from) ? { from } : {}), ...(DATE.test(to) ? { to } : {}) };
}

export function dateParam(params: URLSearchParams, name: string): string | undefined {
	const value = params.get(name) ?? '';
	return DATE.test(value) && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

/** eMSP as "FR*MOB", upper case; anything else is ignored. */
export function emspParam(params: URLSearchParams): string | undefined {
	const value = (params.get('emsp') ?? '').trim().toUpperCase();
	return /^[A-Z]{2}\*[A-Z0-9]{3}$/.test(value) ? value : undefined;
}
