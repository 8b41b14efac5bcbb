/** The Track Payment node's parameters, by operation. */
import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_REMINDER_SCHEDULE } from '../../lib/payments';

const show = (...operation: string[]) => ({ show: { operation } });

export const trackPaymentProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		description: 'What to do with the payments and statuses of the invoices in the ledger',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Record Payment', value: 'recordPayment', action: 'Record a payment on an invoice', description: 'A payment received, by invoice number or RF reference' },
			{ name: 'Import Bank Statement', value: 'importStatement', action: 'Import a camt bank statement', description: 'camt.053 / camt.054 from a binary property, matched to open invoices' },
			{ name: 'Sync From Odoo', value: 'syncOdoo', action: 'Sync payments from Odoo', description: 'Read payment_state and amount_residual of the invoices delivered to Odoo' },
			{ name: 'Get Status', value: 'getStatus', action: 'Get payment statuses', description: 'Paid, partially paid, pending, overdue, credited, disputed; aging per eMSP' },
			{ name: 'Reminders Due', value: 'remindersDue', action: 'List the reminders due', description: 'One item per reminder due today, ready for an e-mail node' },
			{ name: 'Dispute', value: 'dispute', action: 'Open or resolve a dispute', description: 'Open a dispute, reject it, or accept it with a credit note' },
			{
				name: 'Platform Lifecycle',
				value: 'lifecycle',
				action: 'Follow invoices on the french e invoicing platform',
				description: 'Lifecycle statuses (CDAR) from the platform into the ledger, and payments cashed (212) reported to it',
			},
		],
		default: 'importStatement',
	},
	// Record Payment
	{ displayName: 'Invoice', name: 'invoice', type: 'string', default: '', required: true, placeholder: 'INV-2026-000101 or RF13INV2026000101', description: 'Invoice number (BT-1) or its RF creditor reference', displayOptions: show('recordPayment') },
	{ displayName: 'Amount', name: 'amount', type: 'string', default: '', required: true, placeholder: '1250.40', description: 'Decimal with a point and at most 2 decimals, in the invoice currency', displayOptions: show('recordPayment') },
	{ displayName: 'Currency', name: 'currency', type: 'string', default: 'EUR', required: true, description: 'ISO 4217; must be the invoice currency', displayOptions: show('recordPayment') },
	{ displayName: 'Payment Date', name: 'paymentDate', type: 'string', default: '', required: true, placeholder: '2026-04-02', description: 'YYYY-MM-DD, the day the money arrived', displayOptions: show('recordPayment') },
	{ displayName: 'Payment ID', name: 'paymentId', type: 'string', default: '', required: true, description: 'Unique reference of this payment (bank reference): a payment with the same ID is never recorded twice', displayOptions: show('recordPayment') },
	{ displayName: 'Payer Name', name: 'payerName', description: 'Who paid, as on the bank statement (optional, kept for the audit trail)', type: 'string', default: '', displayOptions: show('recordPayment') },
	{ displayName: 'Bank Reference', name: 'bankReference', description: 'The bank\'s reference of the transfer (optional, kept for the audit trail)', type: 'string', default: '', displayOptions: show('recordPayment') },
	// Import Bank Statement
	{ displayName: 'Input Binary Field', name: 'binaryPropertyName', type: 'string', default: 'data', required: true, description: 'The binary property holding the camt.053 or camt.054 XML file', displayOptions: show('importStatement') },
	// Get Status
	{
		displayName: 'Invoices',
		name: 'scope',
		description: 'Which invoices to report on',
		type: 'options',
		options: [
			{ name: 'All Open', value: 'open', description: 'Every invoice with something still due' },
			{ name: 'All', value: 'all' },
			{ name: 'One EMSP', value: 'emsp' },
			{ name: 'One Invoice', value: 'invoice' },
			{ name: 'Rejected by the Platform (to Correct)', value: 'rejected', description: 'Invoices the platform rejected (213): not legally issued, to correct and issue again' },
		],
		default: 'open',
		displayOptions: show('getStatus'),
	},
	{ displayName: 'EMSP', name: 'emsp', type: 'string', default: '', placeholder: 'FR*MOB', description: 'The eMSP by its OCPI party (country code * party ID)', displayOptions: { show: { operation: ['getStatus'], scope: ['emsp'] } } },
	{ displayName: 'Invoice', name: 'statusInvoice', type: 'string', default: '', description: 'Invoice number or RF reference', displayOptions: { show: { operation: ['getStatus'], scope: ['invoice'] } } },
	// Reminders Due
	{
		displayName: 'Schedule',
		name: 'schedule',
		type: 'json',
		default: JSON.stringify(DEFAULT_REMINDER_SCHEDULE),
		description: 'Reminder levels: [{"level": 1, "daysAfterDue": 7}, …, {"level": 3, "daysAfterDue": 45, "formalNotice": true}]',
		displayOptions: show('remindersDue'),
	},
	{ displayName: 'Mark as Sent', name: 'markAsSent', type: 'boolean', default: true, description: 'Whether to record each reminder level as sent when it is output, so the next run does not output it again', displayOptions: show('remindersDue') },
	// Dispute
	{
		displayName: 'Action',
		name: 'disputeAction',
		description: 'Open a dispute on an invoice, or close one: rejected (nothing changes) or accepted (a credit note is issued)',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Open', value: 'open' },
			{ name: 'Resolve: Rejected', value: 'rejected' },
			{ name: 'Resolve: Accepted (Credit Note)', value: 'accepted' },
		],
		default: 'open',
		displayOptions: show('dispute'),
	},
	{ displayName: 'Invoice', name: 'disputeInvoice', type: 'string', default: '', required: true, description: 'Invoice number or RF reference', displayOptions: { show: { operation: ['dispute'], disputeAction: ['open'] } } },
	{ displayName: 'Reason', name: 'reason', description: 'The eMSP\'s complaint, in its words (kept in the ledger)', type: 'string', default: '', required: true, displayOptions: { show: { operation: ['dispute'], disputeAction: ['open'] } } },
	{ displayName: 'Amount Claimed', name: 'amountClaimed', type: 'string', default: '', description: 'The amount with VAT the eMSP contests', displayOptions: { show: { operation: ['dispute'], disputeAction: ['open'] } } },
	{ displayName: 'CDR IDs', name: 'cdrIds', type: 'string', default: '', description: 'Comma-separated IDs of the contested CDRs, when the dispute is about some of them', displayOptions: { show: { operation: ['dispute'], disputeAction: ['open'] } } },
	{ displayName: 'Dispute ID', name: 'disputeId', type: 'string', default: '', description: 'Empty when opening: "<invoice>-D<n>"', displayOptions: show('dispute') },
	{ displayName: 'Accepted Amount', name: 'creditAmount', type: 'string', default: '', description: 'Amount with VAT to credit; empty: the contested CDRs, else the amount claimed', displayOptions: { show: { operation: ['dispute'], disputeAction: ['accepted'] } } },
	{ displayName: 'Credit Note Series', name: 'creditNoteSeries', description: 'Numbering series of the credit note issued when a dispute is accepted; the same as in Build Invoice', type: 'string', default: 'CN', displayOptions: { show: { operation: ['dispute'], disputeAction: ['accepted'] } } },
	{ displayName: 'Number Pattern', name: 'numberPattern', description: 'How the credit note number is written: {series} {yyyy} {mm} {seq:6}…; the same as in Build Invoice', type: 'string', default: '{series}-{yyyy}-{seq:6}', displayOptions: { show: { operation: ['dispute'], disputeAction: ['accepted'] } } },
	{
		displayName: 'Formats',
		name: 'formats',
		description: 'Files made for the credit note: Factur-X PDF, CII XML, UBL XML',
		type: 'multiOptions',
		options: [
			{ name: 'Factur-X PDF', value: 'facturx' },
			{ name: 'CII XML', value: 'cii' },
			{ name: 'UBL XML', value: 'ubl' },
		],
		default: ['facturx', 'cii', 'ubl'],
		displayOptions: { show: { operation: ['dispute'], disputeAction: ['accepted'] } },
	},
	{ displayName: 'Note', name: 'note', description: 'A note on the resolution, kept in the ledger (and printed on the credit note)', type: 'string', default: '', displayOptions: { show: { operation: ['dispute'], disputeAction: ['rejected', 'accepted'] } } },
	// Platform Lifecycle
	{
		displayName: 'Action',
		name: 'lifecycleAction',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Pull Statuses', value: 'pull', description: 'Read the new lifecycle messages from the platform (flows search, then each CDAR) and record them' },
			{ name: 'Record From Platform Callback', value: 'recordCallback', description: "Each item is the platform's webhook call ({flowInfo: {flowId}}): the flow is read and recorded" },
			{ name: 'Record CDAR File', value: 'recordCdar', description: 'Each item carries a CDAR XML file in a binary property' },
			{ name: 'Report Payments Cashed (212)', value: 'reportCashed', description: 'Deposit the 212 Encaissée of each payment whose VAT is due on receipts' },
		],
		default: 'pull',
		description:
			'Statuses are recorded once per invoice; 213 Rejetée marks the invoice as not legally issued, 210 Refusée and 207 En litige open a dispute',
		displayOptions: show('lifecycle'),
	},
	{ displayName: 'Input Binary Field', name: 'cdarProperty', type: 'string', default: 'data', required: true, description: 'The binary property holding the CDAR XML', displayOptions: { show: { operation: ['lifecycle'], lifecycleAction: ['recordCdar'] } } },
	// Dates
	{
		displayName: 'Date',
		name: 'date',
		type: 'string',
		default: '',
		placeholder: '2026-04-30',
		description: 'YYYY-MM-DD: the day statuses and reminders are computed for, or the day of the dispute event or Odoo sync; empty: today (UTC)',
		displayOptions: show('getStatus', 'remindersDue', 'dispute', 'syncOdoo'),
	},
];
