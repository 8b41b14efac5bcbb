/**
 * One function per operation: reads its parameters for item `i`, calls lib/payments over the ledger, and returns
 * the items for the first output (Matched, or the result) and the second (Unmatched; import only).
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { OdooClient } from '../../lib/delivery/odoo';
import type { EInvoiceFormat } from '../../lib/einvoice';
import type { Ledger } from '../../lib/ledger';
import type { Decimal } from '../../lib/money';
import { dec, withAmountStrings } from '../../lib/money';
import type { AgingLine, InvoicePaymentStatus, ReminderLevel } from '../../lib/payments';
import {
	importBankStatement,
	ledgerRemindersDue,
	markReminderSent,
	openDispute,
	pullLifecycleStatuses,
	recordLifecycleFile,
	recordLifecycleFlow,
	recordPayment,
	reportCashedStatuses,
	resolveDispute,
	statusReport,
} from '../../lib/payments/tracking';
import type { LifecycleOutcome, StatementImport } from '../../lib/payments/tracking';
import { createPaClient } from '../../lib/delivery/pa';
import { CamtError } from '../../lib/payments/camt-error';
import { syncFromOdoo } from '../../lib/payments/odoo-sync';
import { invoiceSummary } from '../../lib/invoice/summary';
import {
	FRENCH_PLATFORM_CREDENTIAL,
	ODOO_CREDENTIAL,
	n8nHttpTransport,
	n8nOdooTransport,
	odooConnectionFrom,
	paConnectionFrom,
} from '../shared/transports';


export interface OperationOutput {
	main: INodeExecutionData[];
	unmatched?: INodeExecutionData[];
}

type Operation = (context: IExecuteFunctions, ledger: Ledger, i: number) => Promise<OperationOutput>;

const text = (context: IExecuteFunctions, name: string, i: number) => String(context.getNodeParameter(name, i, '') ?? '').trim();
const today = () => new Date().toISOString().slice(0, 10);
const dateOf = (context: IExecuteFunctions, i: number) => text(context, 'date', i) || today();
const item = (json: unknown, i: number): INodeExecutionData => ({ json: json as IDataObject, pairedItem: { item: i } });

export const statusJson = (status: InvoicePaymentStatus) => withAmountStrings(status) as IDataObject;
export const agingJson = (aging: AgingLine[]) => withAmountStrings(aging) as IDataObject[];

const recordPaymentOperation: Operation = async (context, ledger, i) => {
	const result = await recordPayment(ledger, text(context, 'invoice', i), {
		paymentId: text(context, 'paymentId', i),
		amount: text(context, 'amount', i),
		currency: text(context, 'currency', i).toUpperCase(),
		date: text(context, 'paymentDate', i),
		payerName: text(context, 'payerName', i) || undefined,
		bankReference: text(context, 'bankReference', i) || undefined,
	});
	return {
		main: [item({ outcome: result.outcome, invoiceNumber: result.event.invoiceNumber, payment: result.event.payload, status: statusJson(result.status) }, i)],
	};
};

/**
 * One camt file per item. A file that is not a readable camt (CamtError) costs that item only: it leaves on Unmatched
 * with its file name and code, and the other items' files are imported.
 */
const importStatementOperation: Operation = async (context, ledger, i) => {
	const property = text(context, 'binaryPropertyName', i) || 'data';
	const binary = context.helpers.assertBinaryData(i, property);
	const file = binary.fileName ?? `item ${i} binary "${property}"`;
	const xml = await context.helpers.getBinaryDataBuffer(i, property);
	const result: StatementImport | CamtError = await importBankStatement(ledger, xml).catch((error: unknown) => {
		if (error instanceof CamtError) return error;
		throw error; // the ledger's errors: the node reports them on the item
	});
	if (result instanceof CamtError) {
		const refused = { code: result.code, message: `${file}: ${result.message}`, ...(result.field ? { field: result.field } : {}) };
		return { main: [], unmatched: [item({ kind: 'statement', status: 'refused', file, error: refused }, i)] };
	}
	const transaction = (tx: { key: string; amount: Decimal; currency: string; bookingDate?: string; debtorName?: string; debtorIban?: string; entryReference?: string; endToEndId?: string; unstructured: string[] }) =>
		withAmountStrings({
			key: tx.key,
			amount: tx.amount,
			currency: tx.currency,
			bookingDate: tx.bookingDate,
			payerName: tx.debtorName,
			payerIban: tx.debtorIban,
			bankReference: tx.entryReference,
			endToEndId: tx.endToEndId,
			remittance: tx.unstructured,
		});
	const main: INodeExecutionData[] = [];
	const unmatched: INodeExecutionData[] = [];
	for (const { match, events } of result.matched) {
		if (match.status !== 'matched') continue;
		main.push(item({ kind: 'payment', status: 'recorded', method: match.method, transaction: transaction(match.transaction), allocations: events.map((e) => ({ invoiceNumber: e.invoiceNumber, ...e.payload })), notes: match.notes }, i));
	}
	for (const tx of result.alreadyRecorded) main.push(item({ kind: 'payment', status: 'already_recorded', transaction: transaction(tx) }, i));
	for (const reversal of result.reversals) {
		if (reversal.status === 'matched') {
			main.push(item({ kind: 'reversal', status: 'recorded', transaction: transaction(reversal.reversal), reversed: reversal.events.map((e) => ({ invoiceNumber: e.invoiceNumber, ...e.payload })) }, i));
		} else {
			unmatched.push(item({ kind: 'reversal', transaction: transaction(reversal.reversal), message: reversal.message, candidates: [] }, i));
		}
	}
	for (const { match } of result.unmatched) {
		if (match.status !== 'unmatched') continue;
		unmatched.push(item({ kind: 'payment', transaction: transaction(match.transaction), message: match.message, candidates: match.candidates, notes: match.notes }, i));
	}
	for (const entry of result.skipped) {
		if (entry.reason === 'ENTRY_INVALID') unmatched.push(item({ kind: 'entry', status: 'invalid', file, ...entry }, i));
	}
	return { main, unmatched };
};

const getStatusOperation: Operation = async (context, ledger, i) => {
	const scope = text(context, 'scope', i);
	const report = await statusReport(ledger, dateOf(context, i), {
		openOnly: scope === 'open',
		emsp: scope === 'emsp' ? text(context, 'emsp', i) : undefined,
		invoice: scope === 'invoice' ? text(context, 'statusInvoice', i) : undefined,
	});
	const statuses = scope === 'rejected' ? report.statuses.filter((s) => s.status === 'rejected') : report.statuses;
	return { main: [item({ asOf: report.asOf, count: statuses.length, statuses: statuses.map(statusJson), aging: agingJson(report.aging) }, i)] };
};

const remindersDueOperation: Operation = async (context, ledger, i) => {
	const raw = context.getNodeParameter('schedule', i, '') as unknown;
	const schedule = (typeof raw === 'string' ? (raw.trim() === '' ? undefined : JSON.parse(raw)) : raw) as ReminderLevel[] | undefined;
	const asOf = dateOf(context, i);
	const due = await ledgerRemindersDue(ledger, { asOf, schedule });
	const mark = context.getNodeParameter('markAsSent', i, true) as boolean;
	const main: INodeExecutionData[] = [];
	for (const reminder of due) {
		if (mark) {
			await markReminderSent(ledger, { invoiceNumber: reminder.invoiceNumber, level: reminder.level, date: asOf, formalNotice: reminder.formalNotice });
		}
		main.push(item({ ...reminder, markedSent: mark }, i));
	}
	return { main };
};

const disputeOperation: Operation = async (context, ledger, i) => {
	const action = text(context, 'disputeAction', i);
	const date = dateOf(context, i);
	if (action === 'open') {
		const cdrIds = text(context, 'cdrIds', i).split(',').map((id) => id.trim()).filter((id) => id !== '');
		const event = await openDispute(ledger, {
			invoice: text(context, 'disputeInvoice', i),
			date,
			reason: text(context, 'reason', i),
			amountClaimed: text(context, 'amountClaimed', i) || undefined,
			cdrIds: cdrIds.length > 0 ? cdrIds : undefined,
			disputeId: text(context, 'disputeId', i) || undefined,
		});
		return { main: [item({ outcome: 'opened', invoiceNumber: event.invoiceNumber, ...event.payload }, i)] };
	}
	const disputeId = text(context, 'disputeId', i);
	const note = text(context, 'note', i) || undefined;
	if (action === 'rejected') {
		const { event } = await resolveDispute(ledger, { disputeId, date, outcome: 'rejected', note });
		return { main: [item({ invoiceNumber: event.invoiceNumber, ...event.payload }, i)] };
	}
	const creditAmount = text(context, 'creditAmount', i);
	const { event, creditNote } = await resolveDispute(ledger, {
		disputeId,
		date,
		outcome: 'accepted',
		note,
		credit: creditAmount ? { kind: 'amount', amountWithVat: dec(creditAmount) } : undefined,
		creditNotes: {
			series: text(context, 'creditNoteSeries', i) || 'CN',
			numberPattern: text(context, 'numberPattern', i) || '{series}-{yyyy}-{seq:6}',
			formats: context.getNodeParameter('formats', i, ['facturx', 'cii', 'ubl']) as EInvoiceFormat[],
		},
	});
	const binary: NonNullable<INodeExecutionData['binary']> = {};
	for (const file of creditNote?.files ?? []) {
		binary[file.format] = await context.helpers.prepareBinaryData(file.data, file.fileName, file.mimeType);
	}
	const invoice = creditNote!.invoice;
	const record = await ledger.getInvoice(invoice.number);
	return {
		main: [
			{
				json: {
					// The credit note as Build Invoice describes its documents, so Send Factur-X takes this item as it is
					// (the buyer's e-mail is not known here: give Send Factur-X a To address, or set buyer.email).
					...(invoiceSummary(invoice, {
						cdrIds: record?.cdrs.map((c) => c.id) ?? [],
						ocpiParty: record ? `${record.buyer.countryCode}*${record.buyer.partyId}` : null,
						email: null,
						files: Object.fromEntries(creditNote!.files.map((f) => [f.format, f.fileName])),
						recovered: false,
					}) as unknown as IDataObject),
					invoiceNumber: event.invoiceNumber,
					...event.payload,
					creditNote: withAmountStrings({
						number: invoice.number,
						typeCode: invoice.typeCode,
						issueDate: invoice.issueDate,
						currency: invoice.currency,
						correctsInvoiceNumber: invoice.precedingInvoices[0]?.number,
						totals: { withoutVat: invoice.totals.taxExclusive, vat: invoice.totals.vatTotal, withVat: invoice.totals.taxInclusive },
						existing: creditNote!.existing,
						files: Object.fromEntries(creditNote!.files.map((f) => [f.format, f.fileName])),
					}) as IDataObject,
				},
				binary,
				pairedItem: { item: i },
			},
		],
	};
};

const syncOdooOperation: Operation = async (context, ledger, i) => {
	const credentials = await context.getCredentials(ODOO_CREDENTIAL);
	const client = new OdooClient(odooConnectionFrom(credentials, 30_000, ODOO_CREDENTIAL), n8nOdooTransport(context));
	const results = await syncFromOdoo(ledger, client, { date: dateOf(context, i) });
	return { main: results.filter((r) => r.outcome !== 'not_in_odoo').map((r) => item(r, i)) };
};

/** The flow id of a platform callback (WebhookCallbackContent), as the item or behind a Webhook node (body). */
function callbackFlowId(json: IDataObject): string | undefined {
	const body = (json.body ?? json) as { flowInfo?: { flowId?: unknown }; flowId?: unknown };
	const id = body.flowInfo?.flowId ?? body.flowId;
	return typeof id === 'string' && id !== '' ? id : undefined;
}

const lifecycleOperation: Operation = async (context, ledger, i) => {
	const action = text(context, 'lifecycleAction', i);
	const outcomeItems = (outcomes: LifecycleOutcome[]) =>
		outcomes.map((outcome) => item({ ...outcome, status: outcome.outcome }, i));
	if (action === 'recordCdar') {
		const property = text(context, 'cdarProperty', i) || 'data';
		context.helpers.assertBinaryData(i, property);
		return { main: outcomeItems(await recordLifecycleFile(ledger, await context.helpers.getBinaryDataBuffer(i, property))) };
	}
	const label = context.getNode().credentials?.[FRENCH_PLATFORM_CREDENTIAL]?.name;
	const client = createPaClient(paConnectionFrom(await context.getCredentials(FRENCH_PLATFORM_CREDENTIAL), 30_000, label), n8nHttpTransport(context, false));
	if (action === 'pull') {
		const result = await pullLifecycleStatuses(ledger, client);
		return { main: outcomeItems(result.outcomes) };
	}
	if (action === 'recordCallback') {
		const flowId = callbackFlowId(context.getInputData()[i].json);
		if (!flowId) {
			return { main: [item({ status: 'failed', outcome: 'failed', error: { code: 'CALLBACK_FLOW_ID_MISSING', message: 'The item is not a platform callback: it has no flowInfo.flowId (nor body.flowInfo.flowId behind a Webhook node).', field: 'flowInfo.flowId' } }, i)] };
		}
		return { main: outcomeItems(await recordLifecycleFlow(ledger, client, flowId)) };
	}
	const outcomes = await reportCashedStatuses(ledger, client);
	return { main: outcomes.filter((o) => o.outcome !== 'already_deposited').map((o) => item({ ...o, status: o.outcome }, i)) };
};

export const OPERATIONS: Record<string, Operation> = {
	lifecycle: lifecycleOperation,
	recordPayment: recordPaymentOperation,
	importStatement: importStatementOperation,
	syncOdoo: syncOdooOperation,
	getStatus: getStatusOperation,
	remindersDue: remindersDueOperation,
	dispute: disputeOperation,
};
