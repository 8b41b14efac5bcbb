/**
 * Issuing a month of any size in bounded memory (issue 12.1): priced CDRs stream in, the ledger's run journal holds
 * what the month accumulates, and documents are issued one at a time from it.
 *
 * 1. Stage. Each record is read, admitted (the same checks as issueInvoices: priced, quality verdict, seller, partner,
 *    currency — lib/invoice/build.ts admitPriced) and reduced to its journal row: the document it goes on (`docKey`:
 *    kind, eMSP, period, currency; in per-CDR mode the CDR too), its line parts and its CSV row. Rows are staged in
 *    batches of STAGE_BATCH, one transaction each; the journal refuses a repeat (CDR_REPEATED, the first is billed) and
 *    reports a CDR already on a document (already_invoiced), so a re-run never bills twice.
 * 2. Issue. Document keys are read back in order (invoices before credit notes, so a credit CDR can correct a CDR
 *    invoiced by the same run); each document's rows are streamed once to fold its aggregated lines and write its CSV,
 *    then it takes the one issuing path (issue-document.ts): numbered and recorded with its CDR links in one ledger
 *    transaction (INSERT … SELECT from the journal), rendered, handed to onRendered, marked rendered. Its rows then
 *    leave the journal. Credit CDRs of one eMSP, period and currency make one credit note, referencing (BT-25) every
 *    invoice their originals are on and allocating to each the amount of the credit CDRs whose original it billed
 *    (credit-allocation.ts); the ledger checks each allocation against what remains creditable on its invoice.
 *
 * A killed run: what was issued is in the ledger; a re-run (the same runId resumes the journal, a new one re-stages)
 * reports those CDRs as already_invoiced and issues the rest. Journals of runs killed and never resumed are dropped
 * after JOURNAL_RETENTION_MS.
 */
import { randomUUID } from 'node:crypto';

import type { SupportingAttachment } from '../einvoice';
import { currencyProfileProblem } from '../einvoice';
import { cdrLineParts, LineAggregator } from '../invoice/aggregated-lines';
import type { CdrLineParts } from '../invoice/aggregated-lines';
import { admitPriced, draftDocument, draftInvoice, languageOf } from '../invoice/build';
import type { DocumentFrame, InvoicePlan } from '../invoice/build';
import { CDR_CSV_HEADER, cdrCsvFileName, cdrCsvRow } from '../invoice/cdr-csv';
import { partnerFor, PER_CDR_LINES_LIMIT } from '../invoice/config';
import type { InvoicingConfig } from '../invoice/config';
import { createCreditorReference } from '../invoice/creditor-reference';
import type { Invoice, InvoiceDraft, InvoiceLine } from '../invoice/model';
import { invoiceNumberFormatter } from '../invoice/numbering';
import { completeInvoice } from '../invoice/totals';
import type { JsonRecord } from '../io/json-records';
import type { Ledger, StagedCdr, StagedDocument } from '../ledger';
import { cdrRefProblem, LedgerError } from '../ledger';
import { cdrKey } from '../ocpi/types';
import { parsePricedCdrJson, pricedCdrToJson, readPricedCdrJson } from '../pricing';
import type { PricedCdr, PricedCdrJson } from '../pricing';
import { CreditAllocator } from './credit-allocation';
import { DocumentRefusedError, issueDocument } from './issue-document';
import { completionOptions, DocumentInvalidError, recoverStaleDocuments, renderingFor } from './issue-invoices';
import type { IssuedDocument, IssueOptions } from './issue-invoices';

export interface StreamOutcomeLine {
	kind: 'failed' | 'already_invoiced';
	id: string | null;
	code?: string;
	message?: string;
	invoiceNumber?: string;
	/** The record's line in its input (NDJSON line, else its position from 1). */
	line?: number;
}

export interface IssueStreamOptions extends IssueOptions {
	/** Invoice CDRs the quality checks reject, and CDRs priced without them. */
	acceptInvalidCdrs?: boolean;
	/** Every CDR not invoiced by this run, with why (in input order while staging, then document by document). */
	onOutcome?: (line: StreamOutcomeLine) => Promise<void>;
	/** Called after each staged batch and each document. */
	onProgress?: (p: { read: number; staged: number; documents: number }) => void;
	/** Called once when every record is staged, before the first document is issued. */
	onStaged?: (p: { read: number; staged: number }) => void;
	/** The run journal's name: give the id of a killed run to resume it (default: a new id per call). */
	runId?: string;
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

/** Rows per staging transaction. */
export const STAGE_BATCH = 2_000;
/** At most this many CDR ids in IssuedDocument.cdrIds of a streamed document (its CSV lists them all). */
export const STREAM_CDR_IDS_CAP = 1_000;
/** Journal rows older than this belong to a run killed and never resumed: dropped at the start of a run. */
export const JOURNAL_RETENTION_MS = 7 * 24 * 3600 * 1000;
/** Document keys read from the journal at a time. */
const KEYS_PAGE = 200;

/** What the journal keeps of a CDR: its line parts and CSV row, and the whole priced CDR for per-CDR lines. */
interface JournalData {
	parts: CdrLineParts;
	csv: string;
	priced?: PricedCdrJson;
}

interface DocKey {
	kind: 'invoice' | 'credit_note';
	countryCode: string;
	partyId: string;
	start: string;
	end: string;
	currency: string;
}

function docKeyOf(frame: DocKey, perCdr: string | undefined): string {
	// "1…" sorts invoices before credit notes ("2…").
	const parts = [frame.kind === 'invoice' ? '1' : '2', frame.countryCode, frame.partyId, frame.start, frame.end, frame.currency];
	return perCdr === undefined ? parts.join('|') : `${parts.join('|')}|${perCdr}`;
}

function parseDocKey(key: string): DocKey {
	const [kind, countryCode, partyId, start, end, currency] = key.split('|');
	return { kind: kind === '1' ? 'invoice' : 'credit_note', countryCode, partyId, start, end, currency };
}

const idOf = (value: unknown): string | null =>
	typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : null;

export async function issueStream(
	records: AsyncIterable<JsonRecord>,
	config: InvoicingConfig,
	ledger: Ledger,
	options: IssueStreamOptions = {},
): Promise<IssueStreamSummary> {
	const summary: IssueStreamSummary = { read: 0, staged: 0, documents: 0, cdrsInvoiced: 0, alreadyInvoiced: 0, failed: 0, failuresByCode: {} };
	const emit = async (outcome: StreamOutcomeLine): Promise<void> => {
		if (outcome.kind === 'failed') {
			summary.failed++;
			summary.failuresByCode[outcome.code!] = (summary.failuresByCode[outcome.code!] ?? 0) + 1;
		} else summary.alreadyInvoiced++;
		await options.onOutcome?.(outcome);
	};
	const progress = () => options.onProgress?.({ read: summary.read, staged: summary.staged, documents: summary.documents });
	const runId = options.runId ?? randomUUID();
	const attempt = randomUUID();

	await ledger.pruneStaged(new Date(Date.now() - JOURNAL_RETENTION_MS).toISOString());
	for (const document of await recoverStaleDocuments(config, ledger, options)) {
		summary.documents++;
		summary.cdrsInvoiced += document.cdrIds.length;
	}

	const perCdrDocuments = config.invoicing.mode === 'per_cdr';
	const perCdrLines = perCdrDocuments || config.invoicing.lineDetail === 'per_cdr';
	const admission = { acceptInvalidCdrs: options.acceptInvalidCdrs, requireQualityVerdict: options.requireQualityVerdict ?? true };

	// 1. Stage.
	let batch: StagedCdr[] = [];
	const flush = async () => {
		const result = await ledger.stageCdrs(runId, attempt, batch);
		batch = [];
		summary.staged += result.staged;
		for (const r of result.invoiced) await emit({ kind: 'already_invoiced', id: r.ref.id, invoiceNumber: r.invoiceNumber, line: r.line });
		for (const r of result.repeated) {
			const first = r.firstLine === undefined ? '' : ` (line ${r.firstLine})`;
			await emit({
				kind: 'failed',
				id: r.ref.id,
				code: 'CDR_REPEATED',
				message: `CDR ${cdrKey(r.ref)} appears again in the input: billed once, by its first occurrence${first}; this line is ignored.`,
				line: r.line,
			});
		}
		progress();
	};
	for await (const record of records) {
		summary.read++;
		const line = record.line ?? record.index + 1;
		if (!record.ok) {
			await emit({ kind: 'failed', id: null, code: 'NOT_A_PRICED_CDR', message: record.error, line });
			continue;
		}
		const read = readPricedCdrJson(record.value);
		if ('error' in read) {
			const unpriceable = (record.value as { status?: unknown } | null)?.status === 'unpriceable';
			await emit({
				kind: 'failed',
				id: idOf(record.value),
				code: unpriceable ? 'CDR_UNPRICEABLE' : 'NOT_A_PRICED_CDR',
				message: unpriceable ? `CDR ${idOf(record.value) ?? '(no id)'} could not be priced: see its issues in the output of \`ev-clearing price\`.` : read.error,
				line,
			});
			continue;
		}
		const p = read.priced;
		const admitted = admitPriced(p, config, admission);
		const ref = { country_code: p.country_code ?? '', party_id: p.party_id ?? '', id: p.id };
		const refProblem = admitted.ok ? cdrRefProblem(ref) : undefined;
		if (!admitted.ok || refProblem) {
			await emit({ kind: 'failed', id: p.id ?? null, code: admitted.ok ? 'CDR_REF_INVALID' : admitted.code, message: admitted.ok ? refProblem : admitted.message, line });
			continue;
		}
		const sign = admitted.kind === 'credit_note' ? -1 : 1;
		const frame: DocKey = {
			kind: admitted.kind,
			countryCode: admitted.partner.ocpi.country_code.toUpperCase(),
			partyId: admitted.partner.ocpi.party_id.toUpperCase(),
			start: admitted.period.start,
			end: admitted.period.end,
			currency: admitted.currency,
		};
		const data: JournalData = {
			parts: cdrLineParts(p, admitted.partner, config, sign),
			csv: cdrCsvRow(p, sign),
			...(perCdrLines ? { priced: pricedCdrToJson(p) } : {}),
		};
		batch.push({
			ref,
			docKey: docKeyOf(frame, perCdrDocuments ? cdrKey(ref).toUpperCase() : undefined),
			creditedKey: admitted.creditedCdrId === undefined ? undefined : cdrKey({ ...ref, id: admitted.creditedCdrId }).toUpperCase(),
			sortKey: p.cdr.start_date_time ?? '',
			line,
			data: JSON.stringify(data),
		});
		if (batch.length >= STAGE_BATCH) await flush();
	}
	if (batch.length > 0) await flush();
	options.onStaged?.({ read: summary.read, staged: summary.staged });

	// 2. Issue, one document at a time.
	const issuer = new StagedIssuer(config, ledger, options, runId, perCdrLines, emit);
	let after: string | null = null;
	for (;;) {
		const keys = await ledger.stagedDocumentKeys(runId, after, KEYS_PAGE);
		if (keys.length === 0) break;
		for (const key of keys) {
			for (const document of await ledger.stagedDocuments(runId, key)) {
				const issued = await issuer.issue(document);
				if (issued > 0) {
					summary.documents++;
					summary.cdrsInvoiced += issued;
				}
				progress();
			}
			await ledger.unstage(runId, key);
		}
		after = keys[keys.length - 1];
	}
	await ledger.unstage(runId);
	return summary;
}

/** Builds up a document's CSV in 1 MB buffers: never a million strings at once. */
class CsvBuilder {
	private readonly chunks: Buffer[] = [];
	private pending = CDR_CSV_HEADER;

	add(row: string): void {
		this.pending += row;
		if (this.pending.length >= 1 << 20) {
			this.chunks.push(Buffer.from(this.pending, 'utf8'));
			this.pending = '';
		}
	}

	finish(): Buffer {
		this.chunks.push(Buffer.from(this.pending, 'utf8'));
		this.pending = '';
		const all = Buffer.concat(this.chunks);
		this.chunks.length = 0;
		return all;
	}
}

/** Issues the documents of a run journal, one at a time, through issueDocument. */
class StagedIssuer {
	private readonly completion;
	private readonly formatNumber;
	private readonly issueDate: string;

	constructor(
		private readonly config: InvoicingConfig,
		private readonly ledger: Ledger,
		private readonly options: IssueStreamOptions,
		private readonly runId: string,
		private readonly perCdrLines: boolean,
		private readonly emit: (outcome: StreamOutcomeLine) => Promise<void>,
	) {
		this.completion = completionOptions(config);
		this.formatNumber = invoiceNumberFormatter(config.invoicing.numberPattern);
		this.issueDate = config.invoicing.issueDate ?? options.today ?? new Date().toISOString().slice(0, 10);
	}

	/** Fails every CDR of a document with one code. */
	private async failAll(document: StagedDocument, credited: boolean, code: string, message: string): Promise<void> {
		const failed: Array<{ id: string; line?: number }> = [];
		await this.ledger.forEachStaged(this.runId, document, credited, (row) => {
			failed.push({ id: row.ref.id, line: row.line });
		});
		for (const f of failed) await this.emit({ kind: 'failed', id: f.id, code, message, line: f.line });
	}

	/** Issues one staged document; returns how many CDRs it billed (0 when it failed). */
	async issue(document: StagedDocument): Promise<number> {
		const key = parseDocKey(document.docKey);
		const credited = key.kind === 'credit_note';
		const partner = partnerFor(this.config, key.countryCode, key.partyId);
		if (!partner) {
			await this.failAll(document, credited, 'PARTNER_UNKNOWN', `No partner for eMSP ${key.countryCode}*${key.partyId}: add it to the partner table.`);
			return 0;
		}
		if (credited && document.corrects === null) {
			await this.failAll(
				document,
				credited,
				'CREDIT_ORIGINAL_NOT_INVOICED',
				'This credit CDR corrects a CDR that is on no invoice of this ledger (credit_reference_id): invoice the original CDR first.',
			);
			return 0;
		}
		const profileProblem = currencyProfileProblem(key.currency, this.config.invoicing.profile);
		if (profileProblem) {
			await this.failAll(document, credited, 'CURRENCY_PROFILE_UNSUPPORTED', profileProblem);
			return 0;
		}
		if (this.perCdrLines && document.count > PER_CDR_LINES_LIMIT) {
			await this.failAll(
				document,
				credited,
				'INVOICE_TOO_MANY_LINES',
				`This document would bill ${document.count} CDRs with one line each, more than ${PER_CDR_LINES_LIMIT}: set invoicing.lineDetail to "aggregated" (the CDRs then travel as a CSV attached to the invoice).`,
			);
			return 0;
		}
		const frame: DocumentFrame = { kind: key.kind, partner, currency: key.currency, period: { start: key.start, end: key.end } };
		// BT-25/26 of every invoice corrected, read as summaries (getInvoice would load each invoice's CDR list).
		const issued = new Map<string, string>();
		const numbers = credited ? (document.corrects ?? []) : [];
		for (let start = 0; start < numbers.length; start += 1000) {
			const page = await this.ledger.pageInvoices({ numbers: numbers.slice(start, start + 1000), limit: 1000 });
			for (const row of page.rows) issued.set(row.number, row.issueDate);
		}
		const corrects = numbers.map((number) => ({ number, issueDate: issued.get(number) }));
		const allocator = new CreditAllocator();

		// One pass over the rows: the lines (or the members, for per-CDR lines), the CSV, the first ids.
		const aggregator = new LineAggregator(this.config.invoicing.lineGrouping);
		const csv = new CsvBuilder();
		const members: PricedCdr[] = [];
		const ids: string[] = [];
		await this.ledger.forEachStaged(this.runId, document, credited, (row) => {
			const data = JSON.parse(row.data) as JournalData;
			if (row.corrects !== undefined) allocator.add(row.corrects, data.parts);
			if (ids.length < STREAM_CDR_IDS_CAP) ids.push(row.ref.id);
			if (this.perCdrLines) members.push(parsePricedCdrJson(data.priced!));
			else {
				aggregator.add(data.parts);
				csv.add(data.csv);
			}
		});
		const attachment: SupportingAttachment | undefined = this.perCdrLines ? undefined : { fileName: '', data: csv.finish() };
		const language = languageOf(partner, this.config);
		let lines: InvoiceLine[] | undefined;
		let delivery: ReturnType<LineAggregator['delivery']> | undefined;
		if (!this.perCdrLines) {
			lines = aggregator.lines(language, key.currency);
			delivery = aggregator.delivery(partner.address);
		}
		const draft = (number: string): InvoiceDraft => {
			const ctx = { number, issueDate: this.issueDate, paymentReference: createCreditorReference(number), ...(credited ? { corrects } : {}) };
			if (this.perCdrLines) {
				const plan = {
					...frame,
					members: members.map((priced, index) => ({ index, priced })),
					...(credited ? { creditedCdrId: '' } : {}),
				} as InvoicePlan;
				return draftInvoice(plan, this.config, ctx);
			}
			const fileName = cdrCsvFileName(number);
			return draftDocument(frame, this.config, ctx, lines!, delivery!, [
				{ id: fileName, fileName, mimeCode: 'text/csv', description: `${document.count} CDR${document.count === 1 ? '' : 's'} of this document (CSV)` },
			]);
		};
		const build = (number: string): Invoice => {
			try {
				return completeInvoice(draft(number), this.completion);
			} catch (error) {
				throw new DocumentInvalidError((error as Error).message);
			}
		};
		const buyer = { countryCode: partner.ocpi.country_code, partyId: partner.ocpi.party_id };
		const attachments = (invoice: Invoice): SupportingAttachment[] => (attachment ? [{ fileName: cdrCsvFileName(invoice.number), data: attachment.data }] : []);
		const documentOf = (invoice: Invoice, files: IssuedDocument['files']): IssuedDocument => ({
			invoice,
			files,
			sourceIndexes: [],
			cdrIds: ids,
			cdrCount: document.count,
			buyerParty: buyer,
			recovered: false,
			...(attachment ? { attachments: attachments(invoice) } : {}),
		});
		const common = {
			series: credited ? this.config.invoicing.creditNoteSeries : this.config.invoicing.series,
			issueDate: this.issueDate,
			buyer,
			currency: key.currency,
			cdrs: [],
			staged: { runId: this.runId, docKey: document.docKey, count: document.count },
			formatNumber: this.formatNumber,
			paymentReferenceFor: (number: string) => createCreditorReference(number),
		};
		let result;
		try {
			result = await issueDocument(
				this.ledger,
				credited ? { ...common, typeCode: '381', allocations: (total) => allocator.allocate(total, key.currency) } : { ...common, typeCode: '380' },
				build,
				{ ...renderingFor(buyer, this.config, this.options), attachments },
				{ onRendered: async (invoice, files) => this.options.onRendered?.(documentOf(invoice, files)) },
			);
		} catch (error) {
			if (error instanceof LedgerError && error.operational) throw error;
			if (error instanceof LedgerError || error instanceof DocumentInvalidError || error instanceof DocumentRefusedError) {
				await this.failAll(document, credited, error.code, error.message);
				return 0;
			}
			throw error;
		}
		if (result.kind === 'already_invoiced') {
			// A concurrent run billed some of them meanwhile: report those; the rest are left for a re-run.
			const rows: Array<{ id: string; key: string; line?: number }> = [];
			await this.ledger.forEachStaged(this.runId, document, credited, (row) => {
				rows.push({ id: row.ref.id, key: cdrKey(row.ref), line: row.line });
			});
			for (const row of rows) {
				const number = result.conflicts.get(row.key);
				if (number) await this.emit({ kind: 'already_invoiced', id: row.id, invoiceNumber: number, line: row.line });
				else {
					await this.emit({
						kind: 'failed',
						id: row.id,
						code: 'INVOICE_CONFLICT',
						message: `CDR ${row.id} was not invoiced: another CDR of its document was billed by a concurrent run; run again.`,
						line: row.line,
					});
				}
			}
			return 0;
		}
		return document.count;
	}
}
