/**
 * What an issuing run did, in one sentence a person reads in the editor when no document came out ("26 CDRs already
 * invoiced in ledger (invoices EVC-2026-000001 … EVC-2026-000004): nothing new to invoice."), and as counts a report or
 * a notify-ops branch can test.
 */
import type { IssueOutcome } from './issue-invoices';

export const RUN_SUMMARY_KIND = 'ev-clearing.run-summary';

export interface RunSummary {
	kind: typeof RUN_SUMMARY_KIND;
	/** Documents issued (or, in a dry run, that would be). */
	issued: number;
	alreadyInvoiced: number;
	failed: number;
	/** The numbers the already-invoiced CDRs are on, in order, each once. */
	existingInvoices: string[];
	dryRun: boolean;
	message: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** At most `max` numbers, then how many more. */
function numberList(numbers: readonly string[], max = 6): string {
	if (numbers.length <= max) return numbers.join(', ');
	return `${numbers.slice(0, max).join(', ')} and ${numbers.length - max} more`;
}

export function runSummary(outcome: Pick<IssueOutcome, 'documents' | 'alreadyInvoiced' | 'failures'>, options: { dryRun?: boolean } = {}): RunSummary {
	const existingInvoices = [...new Set(outcome.alreadyInvoiced.map((a) => a.invoiceNumber))].sort();
	const failedCdrs = new Set(outcome.failures.map((f) => f.index)).size;
	const parts: string[] = [];
	const issued = outcome.documents.length;
	if (issued > 0 || options.dryRun) parts.push(`${plural(issued, 'document')} ${options.dryRun ? 'would be issued (dry run: no number taken, nothing written)' : 'issued'}`);
	if (outcome.alreadyInvoiced.length > 0) {
		parts.push(
			`${plural(outcome.alreadyInvoiced.length, 'CDR')} already invoiced in ledger (${existingInvoices.length === 1 ? 'invoice' : 'invoices'} ${numberList(existingInvoices)})`,
		);
	}
	if (failedCdrs > 0) parts.push(`${plural(failedCdrs, 'CDR')} could not be invoiced (see the Failed output)`);
	if (parts.length === 0) parts.push('No CDR to invoice');
	const nothingNew = issued === 0 && !options.dryRun && failedCdrs === 0 && outcome.alreadyInvoiced.length > 0;
	const message = `${parts.join('; ')}${nothingNew ? ': nothing new to invoice. To send an invoice again, use Send Factur-X with "Resend by Invoice Number".' : '.'}`;
	return {
		kind: RUN_SUMMARY_KIND,
		issued,
		alreadyInvoiced: outcome.alreadyInvoiced.length,
		failed: failedCdrs,
		existingInvoices,
		dryRun: options.dryRun === true,
		message,
	};
}

export function isRunSummary(json: unknown): json is RunSummary {
	return typeof json === 'object' && json !== null && (json as { kind?: unknown }).kind === RUN_SUMMARY_KIND;
}
