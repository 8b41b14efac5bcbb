/**
 * STAND-IN for the streaming issueStream of branch `month` (same signature), so that the batch mode of Build Invoice
 * and the monthly workflow can be built and tested before it lands: it holds the batch in memory and calls
 * issueInvoices. Replaced by the real, bounded-memory implementation when `month` is merged.
 */
import type { InvoicingConfig } from '../invoice/config';
import type { JsonRecord } from '../io/json-records';
import type { Ledger } from '../ledger';
import { readPricedCdrJson } from '../pricing';
import type { PricedCdr } from '../pricing';
import { issueInvoices } from './issue-invoices';
import type { IssueOptions } from './issue-invoices';

export interface StreamOutcomeLine {
	kind: 'failed' | 'already_invoiced';
	id: string | null;
	code?: string;
	message?: string;
	invoiceNumber?: string;
	line?: number;
}

export interface IssueStreamOptions extends IssueOptions {
	acceptInvalidCdrs?: boolean;
	onOutcome?: (line: StreamOutcomeLine) => Promise<void>;
	onProgress?: (p: { read: number; staged: number; documents: number }) => void;
}

export interface IssueStreamSummary {
	read: number;
	staged: number;
	documents: number;
	cdrsInvoiced: number;
	alreadyInvoiced: number;
	failed: number;
	failuresByCode: Record<string, number>;
}

export async function issueStream(
	records: AsyncIterable<JsonRecord>,
	config: InvoicingConfig,
	ledger: Ledger,
	options: IssueStreamOptions = {},
): Promise<IssueStreamSummary> {
	const summary: IssueStreamSummary = { read: 0, staged: 0, documents: 0, cdrsInvoiced: 0, alreadyInvoiced: 0, failed: 0, failuresByCode: {} };
	const fail = async (line: Omit<StreamOutcomeLine, 'kind'> & { code: string }) => {
		summary.failed++;
		summary.failuresByCode[line.code] = (summary.failuresByCode[line.code] ?? 0) + 1;
		await options.onOutcome?.({ kind: 'failed', ...line });
	};
	const priced: PricedCdr[] = [];
	const lines: number[] = [];
	for await (const record of records) {
		summary.read++;
		const line = record.line ?? record.index + 1;
		if (!record.ok) {
			await fail({ id: null, code: 'CDR_NOT_JSON', message: record.error, line });
			continue;
		}
		const read = readPricedCdrJson(record.value);
		if ('error' in read) {
			await fail({ id: null, code: 'NOT_A_PRICED_CDR', message: read.error, line });
			continue;
		}
		priced.push(read.priced);
		lines.push(line);
	}
	summary.staged = priced.length;
	const outcome = await issueInvoices(priced, config, ledger, options);
	summary.documents = outcome.documents.length;
	summary.cdrsInvoiced = outcome.documents.reduce((n, d) => n + d.sourceIndexes.length, 0);
	for (const a of outcome.alreadyInvoiced) {
		summary.alreadyInvoiced++;
		await options.onOutcome?.({ kind: 'already_invoiced', id: a.id, invoiceNumber: a.invoiceNumber, line: lines[a.index] });
	}
	for (const f of outcome.failures) await fail({ id: f.id, code: f.code, message: f.message, line: lines[f.index] });
	return summary;
}
