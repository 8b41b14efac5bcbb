import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { partnerFor, parseInvoicingConfig } from '../../lib/invoice/config';
import type { InvoicingConfig } from '../../lib/invoice/config';
import { issueInvoices } from '../../lib/issuing';
import type { IssuedDocument } from '../../lib/issuing';
import { invoiceSummary } from '../../lib/invoice/summary';
import { readPricedCdrJson } from '../../lib/pricing';
import type { PricedCdr } from '../../lib/pricing';
import {
	ledgerProperties,
	openNodeLedger,
	postgresLedgerTest,
} from '../shared/ledger-parameters';
import { invoicingProperties, invoicingConfigFromParameters } from './parameters';
import { batchProperties, inputMode } from '../shared/batch-files';
import { batchInvoiceProperties, invoiceBatches } from './batch';

export class BuildInvoice implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Build Invoice',
		name: 'buildInvoice',
		icon: { light: 'file:buildInvoice.svg', dark: 'file:buildInvoice.dark.svg' },
		group: ['transform'],
		version: 1,
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
		],
		properties: [...batchProperties, ...batchInvoiceProperties, ...ledgerProperties, ...invoicingProperties],
	};

	methods = { credentialTest: { postgresLedgerTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const invoices: INodeExecutionData[] = [];
		const already: INodeExecutionData[] = [];
		const failed: INodeExecutionData[] = [];
		const fail = (index: number, code: string, message: string) =>
			failed.push({ json: { ...items[index].json, error: { code, message } }, pairedItem: { item: index } });

		let config: InvoicingConfig;
		try {
			config = parseInvoicingConfig(invoicingConfigFromParameters(this));
		} catch (error) {
			if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), error as Error);
			items.forEach((_, i) => fail(i, 'INVOICING_CONFIG_INVALID', (error as Error).message));
			return [invoices, already, failed];
		}
		if (inputMode(this) === 'file') return await invoiceBatches(this, config);

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

		const ledger = await openNodeLedger(this);
		try {
			const outcome = await issueInvoices(priced, config, ledger);
			for (const document of outcome.documents) {
				invoices.push(await documentItem(this, document, config, itemOf));
			}
			for (const a of outcome.alreadyInvoiced) {
				const index = itemOf[a.index];
				already.push({
					json: { ...items[index].json, invoiceNumber: a.invoiceNumber, status: 'already_invoiced' },
					pairedItem: { item: index },
				});
			}
			for (const f of outcome.failures) fail(itemOf[f.index], f.code, f.message);
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
