import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { ledgerProperties, openNodeLedger, ledgerCredentialTest, postgresLedgerTest } from '../shared/ledger-parameters';
import { ODOO_CREDENTIAL, frenchPlatformLogin } from '../shared/transports';
import { OPERATIONS } from './operations';
import { trackPaymentProperties } from './parameters';

/** Import Bank Statement routes to Matched and Unmatched; every other operation has one output. */
const outputsOf = (operation: string) =>
	operation === 'importStatement'
		? [
				{ type: 'main', displayName: 'Matched' },
				{ type: 'main', displayName: 'Unmatched' },
			]
		: [{ type: 'main' }];

export class TrackPayment implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Track Payment',
		name: 'trackPayment',
		icon: { light: 'file:trackPayment.svg', dark: 'file:trackPayment.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {"recordPayment": "Record payment", "importStatement": "Import bank statement", "syncOdoo": "Sync from Odoo", "getStatus": "Get payment status", "remindersDue": "Reminders due", "dispute": "Dispute", "lifecycle": "French platform lifecycle"}[$parameter["operation"]] }}',
		description:
			'Payments of EV clearing invoices: record, import camt bank statements, sync from Odoo, statuses and aging, reminders, disputes, lifecycle statuses of the French e-invoicing platform',
		defaults: { name: 'Track Payment' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${outputsOf.toString()})($parameter.operation)}}`,
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
			{ name: ODOO_CREDENTIAL, required: true, displayOptions: { show: { operation: ['syncOdoo'] } } },
			{
				name: 'evClearingFrenchPlatformApi',
				required: true,
				testedBy: 'frenchPlatformLogin',
				displayOptions: { show: { operation: ['lifecycle'], lifecycleAction: ['pull', 'recordCallback', 'reportCashed'] } },
			},
		],
		properties: [...trackPaymentProperties, ...ledgerProperties],
	};

	methods = { credentialTest: { ledgerCredentialTest, postgresLedgerTest, frenchPlatformLogin } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const run = OPERATIONS[operation];
		const main: INodeExecutionData[] = [];
		const unmatched: INodeExecutionData[] = [];
		const ledger = await openNodeLedger(this);
		try {
			for (let i = 0; i < items.length; i++) {
				try {
					const output = await run(this, ledger, i);
					main.push(...output.main);
					unmatched.push(...(output.unmatched ?? []));
				} catch (error) {
					const { code, field } = error as { code?: string; field?: string };
					const message = (error as Error).message;
					if (!this.continueOnFail()) {
						throw new NodeOperationError(this.getNode(), message, {
							itemIndex: i,
							description: code ? `${code}${field ? ` (${field})` : ''}` : undefined,
						});
					}
					main.push({ json: { ...items[i].json, error: { code: code ?? 'ERROR', message, field } }, pairedItem: { item: i } });
				}
			}
		} finally {
			await ledger.close();
		}
		return operation === 'importStatement' ? [main, unmatched] : [main];
	}
}
