/**
 * Build Invoice in batch mode: a file of priced CDRs (Price CDR's priced.ndjson, or `ev-clearing price` output) in,
 * streamed through the ledger by issueStream: memory does not grow with the month. Out: one item per document (few:
 * one per eMSP, month and currency) with its files, written to a folder too when one is given; the failed and already
 * invoiced lines as NDJSON files; one summary item per batch on Failed, so a run with nothing new still says why.
 */
import { join } from 'node:path';

import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { partnerFor } from '../../lib/invoice/config';
import type { InvoicingConfig } from '../../lib/invoice/config';
import { invoiceSummary } from '../../lib/invoice/summary';
import type { IssuedDocument } from '../../lib/issuing';
import { issueStream } from '../../lib/issuing/issue-stream';
import type { IssueStreamSummary } from '../../lib/issuing/issue-stream';
import { BATCH_SUMMARY_KIND, BatchFiles, batchRecords, openBatchInput, summaryItem, writableFolder } from '../shared/batch-files';
import { openNodeLedger } from '../shared/ledger-parameters';

const INVOICES = 0;
const ALREADY = 1;
const FAILED = 2;
/** A document item lists this many CDR ids at most (all are in the ledger and the document's CSV): run data stays small. */
const LISTED_CDR_IDS = 100;

export const batchInvoiceProperties: INodeProperties[] = [
	{
		displayName: 'Documents Folder',
		name: 'documentsFolder',
		type: 'string',
		default: '',
		placeholder: '/data/invoices/2026-11',
		description:
			'Folder where each document\'s files (Factur-X PDF, CII, UBL) are written as they are issued; n8n must be allowed to write there (N8N_RESTRICT_FILE_ACCESS_TO). Empty: the files are only on the items.',
		displayOptions: { show: { input: ['file'] } },
	},
];

async function writeFiles(context: IExecuteFunctions, folder: string, document: IssuedDocument): Promise<void> {
	for (const file of document.files) {
		await context.helpers.writeContentToFile(await context.helpers.resolvePath(join(folder, file.fileName)), Buffer.from(file.data));
	}
}

async function documentItem(
	context: IExecuteFunctions,
	document: IssuedDocument,
	config: InvoicingConfig,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const binary: IBinaryKeyData = {};
	const files: Record<string, string> = {};
	for (const file of document.files) {
		binary[file.format] = await context.helpers.prepareBinaryData(Buffer.from(file.data), file.fileName, file.mimeType);
		files[file.format] = file.fileName;
	}
	const partner = partnerFor(config, document.buyerParty.countryCode, document.buyerParty.partyId);
	const json = invoiceSummary(document.invoice, {
		cdrIds: document.cdrIds.slice(0, LISTED_CDR_IDS),
		ocpiParty: `${document.buyerParty.countryCode}*${document.buyerParty.partyId}`,
		email: partner?.email ?? null,
		files,
		recovered: document.recovered,
	}) as unknown as IDataObject;
	const cdrCount = document.cdrCount ?? document.cdrIds.length;
	json.cdrCount = cdrCount;
	json.cdrIdsTruncated = cdrCount > LISTED_CDR_IDS;
	return { json, binary, pairedItem: { item: itemIndex } };
}

function message(summary: IssueStreamSummary): string {
	const codes = Object.entries(summary.failuresByCode)
		.map(([code, n]) => `${code}: ${n}`)
		.join(', ');
	const parts = [
		`${summary.documents} document(s) issued for ${summary.cdrsInvoiced} CDR(s)`,
		`${summary.alreadyInvoiced} CDR(s) already invoiced in the ledger (nothing issued or sent again for them)`,
		`${summary.failed} failed${codes ? ` (${codes})` : ''}`,
	];
	return `${summary.read} priced CDR(s) read: ${parts.join('; ')}.`;
}

export async function invoiceBatches(context: IExecuteFunctions, config: InvoicingConfig): Promise<INodeExecutionData[][]> {
	const result: INodeExecutionData[][] = [[], [], []];
	const items = context.getInputData();
	const folderParameter = (context.getNodeParameter('documentsFolder', 0, '') as string).trim();
	const folder = folderParameter ? await writableFolder(context, folderParameter, 'Documents Folder') : '';
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const files = await BatchFiles.create(context, itemIndex);
		const ledger = await openNodeLedger(context);
		try {
			const input = await openBatchInput(context, itemIndex);
			const failed = files.output(`${input.baseName}.failed.ndjson`);
			const already = files.output(`${input.baseName}.already-invoiced.ndjson`);
			const started = Date.now();
			let summary: IssueStreamSummary;
			try {
				summary = await issueStream(batchRecords(input), config, ledger, {
					onOutcome: async (line) => (line.kind === 'failed' ? failed : already).write(line),
					onRendered: async (document) => {
						if (folder) await writeFiles(context, folder, document);
						result[INVOICES].push(await documentItem(context, document, config, itemIndex));
					},
				});
			} finally {
				await failed.close();
				await already.close();
			}
			const common: IDataObject = {
				step: 'invoice',
				source: input.baseName,
				...(summary as unknown as IDataObject),
				message: message(summary),
				documentsFolder: folder || null,
				seconds: (Date.now() - started) / 1000,
			};
			if (already.lines > 0) {
				result[ALREADY].push(
					await summaryItem(context, files, { ...common, output: 'already_invoiced', lines: already.lines, file: already.fileName }, already, itemIndex),
				);
			}
			result[FAILED].push(
				await summaryItem(
					context,
					files,
					{ ...common, output: 'failed', lines: failed.lines, file: failed.lines > 0 ? failed.fileName : null },
					failed,
					itemIndex,
				),
			);
		} catch (error) {
			if (!context.continueOnFail()) throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
			const code = (error as { code?: unknown }).code;
			result[FAILED].push({
				json: {
					kind: BATCH_SUMMARY_KIND,
					step: 'invoice',
					error: {
						code: typeof code === 'string' ? code : 'INVOICING_FAILED',
						message: `The ledger is consistent, but this batch stopped: ${(error as Error).message}`,
					},
				},
				pairedItem: { item: itemIndex },
			});
		} finally {
			await ledger.close();
			await files.dispose();
		}
	}
	return result;
}
