import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { statusReport } from '../../lib/payments/tracking';
import { buildClearingReport, renderReportHtml, sortRunItems, withLedgerDeliveries } from '../../lib/report';
import { ledgerProperties, openNodeLedger, ledgerCredentialTest, postgresLedgerTest } from '../shared/ledger-parameters';

export class ClearingReport implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Clearing Report',
		name: 'clearingReport',
		icon: { light: 'file:clearingReport.svg', dark: 'file:clearingReport.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: 'HTML report of a clearing run',
		description:
			"A run's outcome as one self-contained HTML page with charts: CDRs rejected by reason, price deviations, invoices per eMSP, payment aging",
		defaults: { name: 'Clearing Report' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'evClearingPostgresLedgerApi',
				required: true,
				testedBy: 'postgresLedgerTest',
				displayOptions: { show: { includeAging: [true], ledger: ['postgres'] } },
			},
			{
				name: 'evClearingLedgerApi',
				required: true,
				testedBy: 'ledgerCredentialTest',
				displayOptions: { show: { includeAging: [true], ledger: ['credential'] } },
			},
		],
		properties: [
			{
				displayName:
					'Connect (through a Merge node in Append mode) both outputs of Validate CDR, or its Rejected output and every CDR left out before pricing, both outputs of Price CDR, and the documents (Build Invoice\'s Invoices, or Send Factur-X\'s outputs): each CDR and document is counted once',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{ displayName: 'Title', name: 'title', description: 'Heading of the HTML report', type: 'string', default: 'Clearing report' },
			{
				displayName: 'Include Payment Aging',
				name: 'includeAging',
				type: 'boolean',
				default: true,
				description: 'Whether to add the open invoices of the ledger by eMSP and days past due',
			},
			...ledgerProperties.map((p) => ({
				...p,
				displayOptions: { show: { includeAging: [true], ...(p.displayOptions?.show ?? {}) } },
			})),
			{
				displayName: 'Console URL',
				name: 'consoleUrl',
				type: 'string',
				default: '',
				placeholder: 'https://n8n.example.com/webhook/clearing-console',
				description:
					'Where the Clearing Console is served (the Webhook URL of the Clearing Console workflow, or the address of `ev-clearing console`): the report links each document to its page there',
			},
			{
				displayName: 'Aging As Of',
				name: 'asOf',
				type: 'string',
				default: '',
				placeholder: '2026-11-30',
				description: 'YYYY-MM-DD; empty: the day of the run',
				displayOptions: { show: { includeAging: [true] } },
			},
		],
	};

	methods = { credentialTest: { ledgerCredentialTest, postgresLedgerTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const run = sortRunItems(items.map((i) => i.json));
		const asOf = (this.getNodeParameter('asOf', 0, '') as string).trim() || new Date().toISOString().slice(0, 10);
		if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
			throw new NodeOperationError(this.getNode(), `Aging As Of "${asOf}" is not a date: use YYYY-MM-DD.`);
		}
		let aging: Awaited<ReturnType<typeof statusReport>>['aging'] = [];
		let statuses: Awaited<ReturnType<typeof statusReport>>['statuses'] = [];
		let documents = run.documents;
		if (this.getNodeParameter('includeAging', 0, true) as boolean) {
			const ledger = await openNodeLedger(this);
			try {
				({ aging, statuses } = await statusReport(ledger, asOf));
				documents = await withLedgerDeliveries(ledger, documents);
			} finally {
				await ledger.close();
			}
		}
		const report = buildClearingReport({
			title: this.getNodeParameter('title', 0, 'Clearing report') as string,
			generatedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
			verdicts: run.verdicts,
			priced: run.priced,
			batches: run.batches,
			documents,
			consoleUrl: (this.getNodeParameter('consoleUrl', 0, '') as string).trim() || undefined,
			aging,
			statuses,
			agingAsOf: aging.length || this.getNodeParameter('includeAging', 0, true) ? asOf : undefined,
		});
		const html = await this.helpers.prepareBinaryData(Buffer.from(renderReportHtml(report), 'utf8'), 'clearing-report.html', 'text/html');
		return [
			[
				{
					json: { ...(report as unknown as IDataObject), ignoredItems: run.ignored },
					binary: { report: html },
					pairedItem: items.map((_, item) => ({ item })),
				},
			],
		];
	}
}
