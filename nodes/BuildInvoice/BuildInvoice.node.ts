import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { partnerFor } from '../../lib/invoice/config';
import type { InvoicingConfig } from '../../lib/invoice/config';
import { issueInvoices } from '../../lib/issuing';
import type { IssuedDocument } from '../../lib/issuing';
import { dryRunLedger } from '../../lib/issuing/dry-run-ledger';
import { invoiceSummary } from '../../lib/invoice/summary';
import { readPricedCdrJson } from '../../lib/pricing';
import type { PricedCdr } from '../../lib/pricing';
import {
	ledgerProperties,
	openNodeLedger,
	ledgerCredentialTest,
	postgresLedgerTest,
} from '../shared/ledger-parameters';
import { invoicingProperties, readInvoicingConfig } from './parameters';
import { addPagePreviews, dryRunItem, reportRun } from './run-outcome';
import { batchProperties, inputMode } from '../shared/batch-files';
import { batchInvoiceProperties, invoiceBatches } from './batch';

export class BuildInvoice implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Build Invoice',
		name: 'buildInvoice',
		icon: { light: 'file:buildInvoice.svg', dark: 'file:buildInvoice.dark.svg' },
		group: ['transform'],
		// Version 2: Seller and Partners start as form fields; version 1 nodes keep their JSON (parameters.ts).
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["mode"] === "per_cdr" ? "one invoice per CDR" : "one invoice per eMSP and month"}}',
		description:
			'Issues EN16931 invoices and credit notes for priced CDRs: gap-free numbers from the ledger, Factur-X PDF, CII and UBL files',
		defaults: { name: 'Build Invoice' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Invoices', 'Already Invoiced', 'Failed'],
		credentials: [
			{
				name: 'evClearingPostgresLedgerApi',
				required: true,
				testedBy: 'postgresLedgerTest',
				displayOptions: { show: { ledger: ['postgres'] } },
			},
			{
				name: 'evClearingLedgerApi',
				required: true,
				testedBy: 'ledgerCredentialTest',
				displayOptions: { show: { ledger: ['credential'] } },
			},
		],
		properties: [...batchProperties, ...batchInvoiceProperties, ...ledgerProperties, ...invoicingProperties],
	};

	methods = { credentialTest: { ledgerCredentialTest, postgresLedgerTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const invoices: INodeExecutionData[] = [];
		const already: INodeExecutionData[] = [];
		const failed: INodeExecutionData[] = [];
		const fail = (index: number, code: string, message: string) =>
			failed.push({ json: { ...items[index].json, error: { code, message } }, pairedItem: { item: index } });

		let config: InvoicingConfig;
		try {
			config = readInvoicingConfig(this);
		} catch (error) {
			if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), error as Error);
			items.forEach((_, i) => fail(i, 'INVOICING_CONFIG_INVALID', (error as Error).message));
			return [invoices, already, failed];
		}
		if (inputMode(this) === 'file') {
			// The run journal is a ledger write: a batch has no dry run (issue the file to a test ledger instead).
			if ((this.getNodeParameter('options', 0, {}) as IDataObject).dryRun === true) {
				throw new NodeOperationError(
					this.getNode(),
					'Dry Run works on one item per CDR: set Input to "One Item per CDR", or run the file against a test ledger.',
					{ description: 'DRY_RUN_UNSUPPORTED' },
				);
			}
			return await invoiceBatches(this, config);
		}

		// Items that are not priced CDRs are refused one by one; the rest is invoiced in one run.
		const priced: PricedCdr[] = [];
		const itemOf: number[] = [];
		items.forEach((item, i) => {
			const read = readPricedCdrJson(item.json);
			if ('error' in read) fail(i, 'NOT_A_PRICED_CDR', `Item ${i}: ${read.error}`);
			else {
				priced.push(read.priced);
				itemOf.push(i);
			}
		});

		const dryRun = (this.getNodeParameter('options', 0, {}) as IDataObject).dryRun === true;
		const opened = await openNodeLedger(this);
		const ledger = dryRun ? dryRunLedger(opened) : opened;
		try {
			const outcome = await issueInvoices(priced, config, ledger);
			for (const document of outcome.documents) {
				const item = await documentItem(this, document, config, itemOf);
				invoices.push(dryRun ? dryRunItem(item) : item);
			}
			for (const a of outcome.alreadyInvoiced) {
				const index = itemOf[a.index];
				already.push({
					json: { ...items[index].json, invoiceNumber: a.invoiceNumber, status: 'already_invoiced' },
					pairedItem: { item: index },
				});
			}
			for (const f of outcome.failures) fail(itemOf[f.index], f.code, f.message);
			if (items.length > 0) reportRun(this, outcome, dryRun, invoices);
			if ((this.getNodeParameter('options', 0, {}) as IDataObject).pagePreview === true) await addPagePreviews(this, invoices);
		} catch (error) {
			if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), error as Error);
			const message = `The ledger is consistent, but this run stopped: ${(error as Error).message}`;
			itemOf.forEach((i) => fail(i, 'INVOICING_FAILED', message));
		} finally {
			await ledger.close();
		}
		return [invoices, already, failed];
	}
}

async function documentItem(
	context: IExecuteFunctions,
	document: IssuedDocument,
	config: InvoicingConfig,
	itemOf: number[],
): Promise<INodeExecutionData> {
	const binary: IBinaryKeyData = {};
	const files: Record<string, string> = {};
	for (const file of document.files) {
		binary[file.format] = await context.helpers.prepareBinaryData(file.data, file.fileName, file.mimeType);
		files[file.format] = file.fileName;
	}
	const partner = partnerFor(config, document.buyerParty.countryCode, document.buyerParty.partyId);
	const json = invoiceSummary(document.invoice, {
		cdrIds: document.cdrIds,
		ocpiParty: `${document.buyerParty.countryCode}*${document.buyerParty.partyId}`,
		email: partner?.email ?? null,
		files,
		recovered: document.recovered,
	}) as unknown as IDataObject;
	// A document recovered from an earlier run has no input item of this run: it is paired with the first.
	const sources = document.sourceIndexes.length > 0 ? document.sourceIndexes.map((i) => itemOf[i]) : [0];
	return { json, binary, pairedItem: sources.map((item) => ({ item })) };
}
