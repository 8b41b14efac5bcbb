/** The clearing report from a run's outputs and the ledger. */
import { DELIVERY_FAILED, DELIVERY_SUCCEEDED } from '../delivery/ledger-deliveries';
import type { Ledger } from '../ledger';
import { statusReport } from '../payments/tracking';
import type { PricedCdrJson } from '../pricing';
import { buildClearingReport } from './clearing-report';
import type { ClearingReport, ReportDocument, ReportVerdict } from './clearing-report';

export { buildClearingReport, consoleLink } from './clearing-report';
export type { ClearingReport, ClearingReportInput, RejectedCdr, ReportDelivery, ReportDocument, ReportVerdict } from './clearing-report';
export { renderReportHtml } from './report-html';

/** Every document of the ledger, with its buyer's name from the stored EN16931 document and its deliveries. */
export async function ledgerDocuments(ledger: Ledger): Promise<ReportDocument[]> {
	const out: ReportDocument[] = [];
	for (const summary of await ledger.listInvoices()) {
		const record = await ledger.getInvoice(summary.number);
		const buyerName = (record?.document as { buyer?: { name?: string } } | undefined)?.buyer?.name;
		out.push({ ...summary, buyerName });
	}
	return withLedgerDeliveries(ledger, out);
}

/**
 * The documents with how each left, as the ledger recorded it (the last outcome per channel): the run's own items
 * may have been reported before Send Factur-X ran, the ledger knows every delivery made since.
 */
export async function withLedgerDeliveries(ledger: Ledger, documents: readonly ReportDocument[]): Promise<ReportDocument[]> {
	const out: ReportDocument[] = [];
	for (const document of documents) {
		const byChannel = new Map((document.deliveries ?? []).map((d) => [d.channel, d]));
		for (const event of await ledger.events({ invoiceNumber: document.number })) {
			if (event.type !== DELIVERY_SUCCEEDED && event.type !== DELIVERY_FAILED) continue;
			const channel = (event.payload as { channel?: unknown }).channel;
			if (typeof channel === 'string') byChannel.set(channel, { channel, status: event.type === DELIVERY_SUCCEEDED ? 'sent' : 'failed' });
		}
		out.push({ ...document, deliveries: [...byChannel.values()] });
	}
	return out;
}

export async function clearingReport(input: {
	title?: string;
	verdicts: readonly ReportVerdict[];
	priced: readonly PricedCdrJson[];
	ledger?: Ledger;
	/** Aging date, YYYY-MM-DD; default today. */
	asOf?: string;
	generatedAt?: Date;
	consoleUrl?: string;
}): Promise<ClearingReport> {
	const asOf = input.asOf ?? new Date().toISOString().slice(0, 10);
	const documents = input.ledger ? await ledgerDocuments(input.ledger) : [];
	// One report of every invoice: its aging is that of the open ones (aging counts only what is still collectible).
	const status = input.ledger ? await statusReport(input.ledger, asOf) : undefined;
	return buildClearingReport({
		title: input.title,
		generatedAt: (input.generatedAt ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
		verdicts: input.verdicts,
		priced: input.priced,
		documents,
		aging: status?.aging ?? [],
		agingAsOf: input.ledger ? asOf : undefined,
		statuses: status?.statuses,
		consoleUrl: input.consoleUrl,
	});
}

export { sortRunItems } from './run-items';
export type { RunItems } from './run-items';
export { cdrIdentity } from './run-items';
