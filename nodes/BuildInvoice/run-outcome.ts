/**
 * What Build Invoice says about its run (issue 17.4): a hint on the output pane whenever nothing was issued or the run
 * was a dry run, and — for version 2 nodes — a summary item on Invoices instead of "No output data", so the panel and
 * Send Factur-X behind it tell what happened ("26 CDRs already invoiced in ledger … (invoices EVC-…)"). Version 1
 * nodes keep an empty Invoices output, as the workflows saved before expect.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { firstPagePng, PagePreviewError } from '../../lib/einvoice/page-preview';
import type { IssueOutcome } from '../../lib/issuing';
import { runSummary } from '../../lib/issuing/run-summary';

export function reportRun(
	context: IExecuteFunctions,
	outcome: Pick<IssueOutcome, 'documents' | 'alreadyInvoiced' | 'failures'>,
	dryRun: boolean,
	invoices: INodeExecutionData[],
): void {
	const summary = runSummary(outcome, { dryRun });
	if (outcome.documents.length > 0 && !dryRun) return;
	context.addExecutionHints({ message: summary.message, type: dryRun ? 'info' : 'warning', location: 'outputPane' });
	if (outcome.documents.length === 0 && context.getNode().typeVersion >= 2) {
		invoices.push({ json: summary as unknown as IDataObject, pairedItem: { item: 0 } });
	}
}

/** A dry-run document: what would be issued, without files (nothing to send by mistake). */
export function dryRunItem(item: INodeExecutionData): INodeExecutionData {
	return { json: { ...item.json, dryRun: true, status: 'would_issue' }, pairedItem: item.pairedItem };
}

/**
 * Option "Page Preview (PNG)": the first page of the Factur-X PDF as binary `preview`, which n8n's editor shows with
 * its View button (it does not preview PDFs). A server without pdftoppm gets a hint, and the invoices stay as they are.
 */
export async function addPagePreviews(context: IExecuteFunctions, invoices: INodeExecutionData[]): Promise<void> {
	for (const item of invoices) {
		const pdf = item.binary?.facturx;
		if (!pdf) continue;
		try {
			const png = await firstPagePng(await context.helpers.getBinaryDataBuffer(0, pdf));
			item.binary!.preview = await context.helpers.prepareBinaryData(png, (pdf.fileName ?? 'invoice.pdf').replace(/\.pdf$/, '-page1.png'), 'image/png');
		} catch (error) {
			if (!(error instanceof PagePreviewError)) throw new NodeOperationError(context.getNode(), error as Error);
			context.addExecutionHints({ message: error.message, type: 'warning', location: 'outputPane' });
			return;
		}
	}
}
