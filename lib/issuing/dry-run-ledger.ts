/**
 * A dry run of issuing (Build Invoice option "Dry Run"): the real ledger is read — which CDRs are invoiced, the last
 * number of each series — and every write is kept in memory instead, so the run plans, checks and renders each
 * document under the number it would get, consumes no number and writes nothing. The one issuing path
 * (issueInvoices → issueDocument) runs unchanged on top of it.
 */
import type {
	CreditAllocationFilter,
	EventFilter,
	InvoiceFilter,
	InvoicePage,
	InvoicePageQuery,
	InvoiceRecord,
	InvoiceSummary,
	IssueRequest,
	IssueResult,
	Ledger,
	LedgerEvent,
	NewLedgerEvent,
	RecordedCreditAllocation,
	RenderedFile,
} from '../ledger';
import { LedgerError } from '../ledger';
import { cdrKey } from '../ocpi/types';

export function dryRunLedger(ledger: Ledger): Ledger {
	const planned = new Map<string, InvoiceRecord>();
	const plannedCdrs = new Map<string, string>();
	const nextSequence = new Map<string, number>();

	const sequenceFor = async (series: string): Promise<number> => {
		let next = nextSequence.get(series);
		if (next === undefined) {
			const last = await ledger.pageInvoices({ series, sort: 'number', descending: true, limit: 1 });
			next = (last.rows[0]?.sequence ?? 0) + 1;
		}
		nextSequence.set(series, next + 1);
		return next;
	};

	return {
		async findInvoicedCdrs(cdrs) {
			const found = await ledger.findInvoicedCdrs(cdrs);
			for (const cdr of cdrs) {
				const number = plannedCdrs.get(cdrKey(cdr));
				if (number) found.set(cdrKey(cdr), number);
			}
			return found;
		},
		async issue(request: IssueRequest): Promise<IssueResult> {
			const taken = await this.findInvoicedCdrs(request.cdrs);
			if (taken.size > 0) return { kind: 'already_invoiced', conflicts: taken };
			const sequence = await sequenceFor(request.series);
			const number = request.formatNumber({ series: request.series, sequence, issueDate: request.issueDate });
			const document = request.buildDocument(number);
			const creditAllocations =
				request.typeCode !== '381'
					? []
					: (request.allocations ?? [{ invoiceNumber: request.correctsInvoiceNumber!, amountWithVat: request.totals.withVat }]);
			planned.set(number, {
				series: request.series,
				typeCode: request.typeCode,
				issueDate: request.issueDate,
				dueDate: request.dueDate,
				buyer: request.buyer,
				currency: request.currency,
				totals: request.totals,
				correctsInvoiceNumber: creditAllocations[0]?.invoiceNumber,
				creditAllocations,
				cdrs: request.cdrs,
				number,
				sequence,
				paymentReference: request.paymentReferenceFor?.(number),
				recordedAt: new Date().toISOString(),
				document,
			});
			for (const cdr of request.cdrs) plannedCdrs.set(cdrKey(cdr), number);
			return { kind: 'issued', number, sequence };
		},
		async getInvoice(number: string) {
			return planned.get(number) ?? (await ledger.getInvoice(number));
		},
		async creditAllocations(filter: CreditAllocationFilter): Promise<RecordedCreditAllocation[]> {
			return await ledger.creditAllocations(filter);
		},
		async listInvoices(filter?: InvoiceFilter): Promise<InvoiceSummary[]> {
			return await ledger.listInvoices(filter);
		},
		async markRendered(_number: string, _files: RenderedFile[]) {
			// nothing is written in a dry run
		},
		// A dry run recovers nothing: rendering an interrupted run's documents is a write (they get marked rendered).
		async listUnrendered() {
			return [];
		},
		async recordEvent(event: NewLedgerEvent): Promise<LedgerEvent> {
			return { id: 0, at: new Date().toISOString(), type: event.type, invoiceNumber: event.invoiceNumber, payload: event.payload };
		},
		async events(filter?: EventFilter) {
			return await ledger.events(filter);
		},
		async pageInvoices(query: InvoicePageQuery): Promise<InvoicePage> {
			return await ledger.pageInvoices(query);
		},
		async findCdrsById(id: string) {
			return await ledger.findCdrsById(id);
		},
		// The run journal is written to the ledger itself: a streamed (batch-file) run has no dry run.
		async stageCdrs() {
			throw new LedgerError(
				'DRY_RUN_UNSUPPORTED',
				'A dry run plans documents item by item: turn Dry Run off for a batch file, or give the CDRs as items.',
			);
		},
		async stagedDocumentKeys() {
			return [];
		},
		async stagedDocuments() {
			return [];
		},
		async forEachStaged() {
			// nothing staged in a dry run
		},
		async unstage() {
			// nothing staged in a dry run
		},
		async pruneStaged() {
			return 0;
		},
		async close() {
			await ledger.close();
		},
	};
}
