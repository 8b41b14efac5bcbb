import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type {
	IBinaryKeyData,
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { deliverInvoice } from '../../lib/delivery/deliver';
import type { DeliveryOutcome } from '../../lib/delivery/deliver';
import { verifySmtp } from '../../lib/delivery/email';
import { DeliveryError } from '../../lib/delivery/errors';
import type { InvoiceDocument, InvoiceFile } from '../../lib/delivery/invoice-document';
import { readInvoiceSummary } from '../../lib/delivery/invoice-document';
import { parseInvoiceNumbers, storedInvoiceDocument } from '../../lib/delivery/stored-document';
import { isRunSummary } from '../../lib/issuing/run-summary';
import { OdooClient } from '../../lib/delivery/odoo';
import type { EInvoiceFormat } from '../../lib/einvoice';
import { LedgerError, openLedger } from '../../lib/ledger';
import type { Ledger, LedgerConfig } from '../../lib/ledger';
import { ledgerConfigOf, ledgerCredentialTest, postgresLedgerTest } from '../shared/ledger-parameters';
import { openChannel, smtpSettingsFrom } from './channels';
import { frenchPlatformLogin, odooConnectionFrom } from '../shared/transports';
import type { OpenChannel } from './channels';
import { sendFacturXProperties } from './properties';
import type { Channel } from './properties';

const FORMATS: EInvoiceFormat[] = ['facturx', 'cii', 'ubl'];

export class SendFacturX implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Send Factur-X',
		name: 'sendFacturX',
		icon: { light: 'file:sendFacturX.svg', dark: 'file:sendFacturX.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ {"email": "E-mail", "odoo": "Odoo", "http": "HTTP", "pa": "French e-invoicing platform"}[$parameter["channel"]] }}',
		description:
			'Delivers Build Invoice documents by e-mail, to Odoo, to an HTTP endpoint or to a French accredited platform, records each delivery in the ledger and never sends an invoice twice on a channel',
		defaults: { name: 'Send Factur-X' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Sent', 'Failed'],
		// n8n's editor moves a parameter into the credential dialog (as an "authentication type") when every one of its
		// values shows a credential. The HTTP credential hangs on "Authentication" (which has None) and not on the
		// channel, so the Channel stays a parameter of the panel (test/nodes/send-facturx-panel.test.ts).
		credentials: [
			{ name: 'evClearingSmtp', required: true, testedBy: 'smtpLogin', displayOptions: { show: { channel: ['email'] } } },
			{ name: 'evClearingOdooApi', required: true, testedBy: 'odooLogin', displayOptions: { show: { channel: ['odoo'] } } },
			{ name: 'evClearingHttpAuth', required: true, displayOptions: { show: { authentication: ['credential'] } } },
			{
				name: 'evClearingFrenchPlatformApi',
				required: true,
				testedBy: 'frenchPlatformLogin',
				displayOptions: { show: { channel: ['pa'] } },
			},
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
		properties: sendFacturXProperties,
	};

	methods = {
		credentialTest: {
			ledgerCredentialTest,
			postgresLedgerTest,
			frenchPlatformLogin,
			async smtpLogin(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				try {
					await verifySmtp(smtpSettingsFrom(credential.data ?? {}, 15_000, credential.name));
					return { status: 'OK', message: 'Connected and logged in' };
				} catch (error) {
					return { status: 'Error', message: (error as Error).message };
				}
			},
			async odooLogin(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				try {
					await new OdooClient(odooConnectionFrom(credential.data ?? {}, 15_000, credential.name)).login();
					return { status: 'OK', message: 'Logged in to Odoo' };
				} catch (error) {
					return { status: 'Error', message: (error as Error).message };
				}
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const sent: INodeExecutionData[] = [];
		const failed: INodeExecutionData[] = [];
		const channel = this.getNodeParameter('channel', 0) as Channel;
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const timeoutMs = (Number(options.timeoutSeconds) || 30) * 1000;
		const retry = {
			retries: typeof options.retries === 'number' ? options.retries : 2,
			baseDelayMs: (typeof options.retryDelaySeconds === 'number' ? options.retryDelaySeconds : 2) * 1000,
		};
		const resend = options.resend === true;

		let ledger: Ledger | undefined;
		let open: OpenChannel | undefined;
		try {
			try {
				const ledgerConfig = await ledgerConfigOf(this);
				ledger = await openLedger(ledgerConfig).catch((error: unknown) => {
					throw ledgerOpenError(error, ledgerConfig);
				});
				const ledgerSecret = ledgerConfig.kind === 'postgres' ? [ledgerConfig.connectionString] : [];
				open = await openChannel(this, channel, ledger, timeoutMs, ledgerSecret);
			} catch (error) {
				// A configuration fault concerns every item: each leaves on Failed with the reason, or the node stops.
				const message = error instanceof Error ? error.message : String(error);
				const code = error instanceof DeliveryError ? error.code : 'DELIVERY_CONFIG_INVALID';
				if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), message, { description: code });
				return [[], items.map((item, i) => failedItem(item, i, channel, { code, message }))];
			}

			const fromLedger = this.getNodeParameter('source', 0, 'input') === 'ledger';
			const summaries: string[] = [];
			for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
				const item = items[itemIndex];
				// Build Invoice's account of a run that issued nothing: passed on, so the panel says why nothing was sent.
				if (!fromLedger && isRunSummary(item.json)) {
					summaries.push(item.json.message);
					sent.push({ json: { ...item.json, delivery: { channel, status: 'nothing_to_send' } }, pairedItem: { item: itemIndex } });
					continue;
				}
				let documents: Array<{ document: InvoiceDocument; binary?: IBinaryKeyData }>;
				try {
					documents = fromLedger
						? await storedDocuments(this, ledger, itemIndex)
						: [{ document: await readDocument(this, item, itemIndex), binary: item.binary }];
				} catch (error) {
					if (!(error instanceof DeliveryError)) throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
					failed.push(failedItem(item, itemIndex, channel, { code: error.code, message: error.message, field: error.field }));
					continue;
				}
				for (const { document, binary } of documents) {
					const source: INodeExecutionData = fromLedger ? { json: document.summary as unknown as IDataObject, binary, pairedItem: { item: itemIndex } } : item;
					try {
						const outcome = await deliverInvoice(document, open.adapterFor(itemIndex), {
							ledger,
							// a number typed to send again is sent again: that is what the user asked for
							resend: resend || fromLedger,
							retry,
							redactor: open.redactor,
						});
						if (outcome.status === 'failed') failed.push(failedItem(source, itemIndex, channel, outcome, outcome));
						else sent.push({ json: { ...(source.json as IDataObject), delivery: deliveryJson(outcome) }, binary: source.binary, pairedItem: { item: itemIndex } });
					} catch (error) {
						const message = open.redactor.message(error);
						if (this.continueOnFail()) {
							failed.push(failedItem(source, itemIndex, channel, { code: 'DELIVERY_FAILED', message }));
							continue;
						}
						throw new NodeOperationError(this.getNode(), message, { itemIndex });
					}
				}
			}
			if (summaries.length > 0) this.addExecutionHints({ message: `Nothing sent. ${summaries.join(' ')}`, type: 'warning', location: 'outputPane' });
			return [sent, failed];
		} finally {
			open?.close();
			await ledger?.close();
		}
	}
}

/** The documents of "Resend by Invoice Number", read back from the ledger with their files as binaries. */
async function storedDocuments(
	context: IExecuteFunctions,
	ledger: Ledger,
	itemIndex: number,
): Promise<Array<{ document: InvoiceDocument; binary: IBinaryKeyData }>> {
	const numbers = parseInvoiceNumbers(String(context.getNodeParameter('invoiceNumbers', itemIndex, '')));
	if (numbers.length === 0) {
		throw new DeliveryError('INVOICE_ITEM_INVALID', 'Invoice Numbers is empty: give the numbers to send again, e.g. EVC-2026-000001, EVC-2026-000002.', {
			field: 'invoiceNumbers',
		});
	}
	const out: Array<{ document: InvoiceDocument; binary: IBinaryKeyData }> = [];
	for (const number of numbers) {
		const document = await storedInvoiceDocument(ledger, number);
		const binary: IBinaryKeyData = {};
		for (const format of FORMATS) {
			const file = document.files[format];
			if (file) binary[format] = await context.helpers.prepareBinaryData(file.data, file.fileName, file.mimeType);
		}
		out.push({ document, binary });
	}
	return out;
}

/** The item's summary and files; bad input becomes a DeliveryError naming what is missing. */
async function readDocument(context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number): Promise<InvoiceDocument> {
	if ((item.json as IDataObject).dryRun === true) {
		throw new DeliveryError(
			'INVOICE_ITEM_INVALID',
			`Item ${itemIndex} is a dry run of Build Invoice (${String(item.json.number)} was not issued): turn Dry Run off to issue and send it.`,
			{ field: 'dryRun' },
		);
	}
	const summary = readInvoiceSummary(item.json);
	const files: InvoiceDocument['files'] = {};
	for (const format of FORMATS) {
		const binary = item.binary?.[format];
		if (!binary) continue;
		const data = await context.helpers.getBinaryDataBuffer(itemIndex, format);
		const file: InvoiceFile = {
			fileName: binary.fileName ?? summary.files?.[format] ?? `${summary.number}.${format === 'facturx' ? 'pdf' : `${format}.xml`}`,
			mimeType: binary.mimeType,
			data,
		};
		files[format] = file;
	}
	return { summary, files };
}

/** The ledger explains its own path problems (LedgerError); anything else (a database down) names the ledger. */
function ledgerOpenError(error: unknown, config: LedgerConfig): DeliveryError {
	if (error instanceof LedgerError) return new DeliveryError('DELIVERY_CONFIG_INVALID', error.message, { field: 'ledger' });
	const where = config.kind === 'sqlite' ? `file ${config.path}` : 'PostgreSQL database';
	return new DeliveryError(
		'DELIVERY_CONFIG_INVALID',
		`The ledger ${where} is unusable (it cannot be opened: ${(error as Error).message}): check the "Ledger" parameters.`,
		{ field: 'ledger' },
	);
}

function deliveryJson(outcome: DeliveryOutcome): IDataObject {
	const { status, channel, remoteId, at } = outcome;
	const base: IDataObject = { channel, status, remoteId, at };
	// Channel details first: they never overwrite the status, channel or remote id.
	if (outcome.status === 'sent') return { ...(outcome.details ?? {}), ...base, attempts: outcome.attempts } as IDataObject;
	if (outcome.status === 'failed') return { ...base, attempts: outcome.attempts };
	return base;
}

function failedItem(
	item: INodeExecutionData,
	itemIndex: number,
	channel: Channel,
	reason: { code: string; message: string; field?: string },
	outcome?: DeliveryOutcome,
): INodeExecutionData {
	const error: IDataObject = { code: reason.code, message: reason.message, ...(reason.field ? { field: reason.field } : {}) };
	return {
		json: {
			...(item.json as IDataObject),
			delivery: outcome ? deliveryJson(outcome) : { channel, status: 'failed' },
			error,
		},
		binary: item.binary,
		pairedItem: { item: itemIndex },
	};
}

