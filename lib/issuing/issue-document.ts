/**
 * The one path every document takes, invoice or credit note, whoever asks (Build Invoice, the CLI, an accepted
 * dispute): number it in the ledger (the document is built for its number inside the ledger's transaction and stored
 * with it), render its files, hand them over, and record them as rendered. A crash after the number leaves a stored,
 * unrendered document that `renderStored` finishes later; a crash before it leaves nothing.
 */
import { createHash } from 'node:crypto';

import type { RenderAllOptions, RenderedInvoiceFile, SupportingAttachment } from '../einvoice';
import { renderAll } from '../einvoice';
import type { BusinessRuleViolation } from '../invoice/business-rules';
import { blockingViolations, checkBusinessRules, describeViolations } from '../invoice/business-rules';
import type { EInvoiceFormat } from '../invoice/formats';
import { invoiceFromDocument, invoiceToDocument } from '../invoice/document-json';
import type { Invoice } from '../invoice/model';
import type { CreditAllocation, IssueCreditNoteRequest, IssueInvoiceRequest, InvoiceRecord, Ledger } from '../ledger';
import type { Decimal } from '../money';
import { roundMoney, toFixedAmount } from '../money';

/** How a document's files are made: which syntaxes, and the renderer's options. */
export interface Rendering extends Omit<RenderAllOptions, 'attachments'> {
	formats: readonly EInvoiceFormat[];
	/** The contents of the document's supporting documents (BG-24), once its number is known. */
	attachments?: (invoice: Invoice) => SupportingAttachment[];
}

type WithoutDocument<R> = Omit<R, 'totals' | 'dueDate' | 'buildDocument'>;

/**
 * What the ledger needs beside the document; totals and due date are taken from the document itself. A credit note's
 * allocations may be computed from its total with VAT (known once the document is built).
 */
export type DocumentRequest =
	| WithoutDocument<IssueInvoiceRequest>
	| (Omit<WithoutDocument<IssueCreditNoteRequest>, 'allocations'> & {
			allocations?: CreditAllocation[] | ((totalWithVat: Decimal) => CreditAllocation[]);
	  });

export type IssuedDocumentResult =
	| { kind: 'issued'; invoice: Invoice; files: RenderedInvoiceFile[] }
	/** Nothing was written: these CDRs (by cdrKey) are already on the listed documents. */
	| { kind: 'already_invoiced'; conflicts: Map<string, string> };

/** A document that breaks an EN 16931 rule or one of its specification's: refused before it gets a number. */
export class DocumentRefusedError extends Error {
	readonly code = 'INVOICE_RULES_VIOLATED';
	constructor(readonly violations: BusinessRuleViolation[]) {
		super(`Not issued, no number used: the document breaks ${violations.length === 1 ? 'a rule' : `${violations.length} rules`}: ${describeViolations(violations)}`);
		this.name = 'DocumentRefusedError';
	}
}

export interface IssueDocumentOptions {
	/** Receives the files before the ledger marks them rendered: write them, attach them, send them. */
	onRendered?: (invoice: Invoice, files: RenderedInvoiceFile[]) => Promise<void>;
}

/**
 * Numbers, records, renders and marks rendered one document. `build(number)` returns the complete document for a
 * number; it is called once to learn the totals and once more inside the ledger transaction with the real number.
 * The document is held to the EN 16931 business rules and its specification's before the ledger numbers it: one
 * that breaks any is refused with DocumentRefusedError. What `build` throws, that refusal and a refusal of the ledger
 * (LedgerError) leave nothing written and no number used.
 */
export async function issueDocument(
	ledger: Ledger,
	request: DocumentRequest,
	build: (number: string) => Invoice,
	rendering: Rendering,
	options: IssueDocumentOptions = {},
): Promise<IssuedDocumentResult> {
	const preview = build('PREVIEW');
	const broken = blockingViolations(checkBusinessRules(preview));
	if (broken.length > 0) throw new DocumentRefusedError(broken);
	let stored: Invoice | undefined;
	const totals = {
		withoutVat: toFixedAmount(preview.totals.taxExclusive),
		vat: toFixedAmount(preview.totals.vatTotal),
		withVat: toFixedAmount(preview.totals.taxInclusive),
	};
	const buildDocument = (number: string) => {
		stored = build(number);
		return invoiceToDocument(stored);
	};
	const document = { totals, dueDate: preview.dueDate, buildDocument };
	const result =
		request.typeCode === '381'
			? await ledger.issue({
					...request,
					...document,
					allocations: typeof request.allocations === 'function' ? request.allocations(roundMoney(preview.totals.taxInclusive)) : request.allocations,
				})
			: await ledger.issue({ ...request, ...document });
	if (result.kind === 'already_invoiced') return result;
	// The document the ledger stored, not a rebuild: one build per number.
	const invoice = stored?.number === result.number ? stored : build(result.number);
	const files = await renderAndRecord(ledger, invoice, rendering, options);
	return { kind: 'issued', invoice, files };
}

/** Renders a document the ledger holds but never marked rendered (an interrupted run), and records it. */
export async function renderStored(
	ledger: Ledger,
	record: InvoiceRecord,
	rendering: Rendering,
	options: IssueDocumentOptions = {},
): Promise<{ invoice: Invoice; files: RenderedInvoiceFile[] }> {
	const invoice = invoiceFromDocument(record.document);
	return { invoice, files: await renderAndRecord(ledger, invoice, rendering, options) };
}

async function renderAndRecord(
	ledger: Ledger,
	invoice: Invoice,
	rendering: Rendering,
	options: IssueDocumentOptions,
): Promise<RenderedInvoiceFile[]> {
	const { formats, attachments, ...renderOptions } = rendering;
	const files = await renderAll(invoice, formats, { ...renderOptions, attachments: attachments?.(invoice) });
	await options.onRendered?.(invoice, files);
	await ledger.markRendered(
		invoice.number,
		files.map((file) => ({ name: file.fileName, sha256: createHash('sha256').update(file.data).digest('hex') })),
	);
	return files;
}
