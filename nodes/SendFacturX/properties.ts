/** The parameters of Send Factur-X: the channel, then what each channel needs, then the options shared by all. */
import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_BODY, DEFAULT_SUBJECT } from '../../lib/delivery/templates';
import { ledgerProperties } from '../shared/ledger-parameters';

export type Channel = 'email' | 'odoo' | 'http' | 'pa';

const on = (channel: Channel, extra: Record<string, unknown[]> = {}) => ({ show: { channel: [channel], ...extra } });

const emailProperties: INodeProperties[] = [
	{
		displayName: 'From',
		name: 'from',
		description: 'Sender address of the e-mails, e.g. Billing <billing@your-company.com>; your SMTP server must allow it',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Billing <billing@example.com>',
		displayOptions: on('email'),
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '',
		placeholder: 'Leave empty to use the buyer\'s e-mail from the invoice',
		description:
			"Recipients, comma-separated. Empty: the e-mail address of the invoice's buyer (\"email\" of the partner in the invoicing configuration).",
		displayOptions: on('email'),
	},
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: DEFAULT_SUBJECT,
		description:
			'Placeholders such as {{number}}, {{issueDate}}, {{dueDate}}, {{buyer.name}}, {{totals.withVat}}, {{currency}}, {{paymentReference}}, {{documentType}} are filled from the invoice. In expression mode n8n reads {{ }} itself: write {{ $json.number }} there.',
		displayOptions: on('email'),
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		typeOptions: { rows: 8 },
		default: DEFAULT_BODY,
		description: 'Plain text; the same placeholders as the subject',
		displayOptions: on('email'),
	},
	{
		displayName: 'E-Mail Options',
		name: 'emailOptions',
		description: 'Optional e-mail settings: attach the XML too, CC, BCC, Reply-To',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: on('email'),
		options: [
			{
				displayName: 'Attach XML',
				name: 'attachXml',
				type: 'options',
				options: [
					{ name: 'No (the PDF Embeds the CII)', value: 'none' },
					{ name: 'CII XML', value: 'cii' },
					{ name: 'UBL XML', value: 'ubl' },
				],
				default: 'none',
				description: 'Whether to attach the structured XML too, besides the Factur-X PDF',
			},
			{ displayName: 'BCC', name: 'bcc', type: 'string', default: '', description: 'Comma-separated' },
			{ displayName: 'CC', name: 'cc', type: 'string', default: '', description: 'Comma-separated' },
			{ displayName: 'Reply To', name: 'replyTo', description: 'Address the eMSP replies to, when not the sender', type: 'string', default: '' },
		],
	},
];

const odooProperties: INodeProperties[] = [
	{
		displayName: 'Taxes by VAT Rate',
		name: 'taxTable',
		type: 'json',
		default: '{\n  "20": 1,\n  "AE": 2\n}',
		required: true,
		description:
			'Odoo sales tax id(s) for each VAT rate (percent, e.g. "20", "5.5") or VAT category (e.g. "AE" reverse charge, "E" exempt) of the invoice lines; a category wins over a rate',
		displayOptions: on('odoo'),
	},
	{
		displayName: 'Create Missing Partner',
		name: 'createPartner',
		type: 'boolean',
		default: false,
		description: 'Whether to create the customer in Odoo when neither its VAT ID nor its name is found',
		displayOptions: on('odoo'),
	},
	{
		displayName: 'Post Invoice',
		name: 'post',
		type: 'boolean',
		default: true,
		description: 'Whether to confirm the invoice in Odoo (action_post); off leaves a draft for review',
		displayOptions: on('odoo'),
	},
	{
		displayName: 'Odoo Options',
		name: 'odooOptions',
		description: 'Optional Odoo settings: sales journal, language',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: on('odoo'),
		options: [
			{
				displayName: 'Journal ID',
				name: 'journalId',
				type: 'number',
				default: 0,
				description: "The sales journal's ID; 0 uses Odoo's default sales journal",
			},
			{
				displayName: 'Language',
				name: 'lang',
				type: 'string',
				default: '',
				placeholder: 'fr_FR',
				description: 'Odoo context language for the records created',
			},
		],
	},
];

const httpProperties: INodeProperties[] = [
	{
		displayName: 'URL',
		name: 'url',
		description: 'The address invoices are sent to',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://einvoicing.example.com/api/invoices',
		displayOptions: on('http'),
	},
	{
		displayName: 'Body',
		name: 'bodyMode',
		description: 'How the invoice is put in the request: the PDF with its summary as JSON (multipart), one JSON with the PDF in Base64, or the XML alone',
		type: 'options',
		options: [
			{ name: 'Multipart (PDF + JSON Metadata)', value: 'multipart' },
			{ name: 'JSON (PDF in Base64)', value: 'json' },
			{ name: 'Raw XML', value: 'xml' },
		],
		default: 'multipart',
		displayOptions: on('http'),
	},
	{
		displayName: 'XML Format',
		name: 'xmlFormat',
		description: 'Which XML is sent: CII (as inside Factur-X) or UBL (as on Peppol)',
		type: 'options',
		options: [
			{ name: 'CII', value: 'cii' },
			{ name: 'UBL', value: 'ubl' },
		],
		default: 'cii',
		displayOptions: on('http', { bodyMode: ['xml'] }),
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		description: 'Whether the endpoint needs a credential (header, basic auth or bearer token in the "HTTP Endpoint Auth" credential)',
		type: 'options',
		options: [
			{ name: 'None', value: 'none' },
			{ name: 'Credential', value: 'credential' },
		],
		default: 'credential',
		displayOptions: on('http'),
	},
	{
		displayName: 'HTTP Method',
		name: 'method',
		description: 'The HTTP method your endpoint expects',
		type: 'options',
		options: [
			{ name: 'POST', value: 'POST' },
			{ name: 'PUT', value: 'PUT' },
		],
		default: 'POST',
		displayOptions: on('http'),
	},
];

const paProperties: INodeProperties[] = [
	{
		displayName: 'File Deposited',
		name: 'paFormat',
		type: 'options',
		options: [
			{ name: 'Factur-X PDF', value: 'facturx', description: 'The PDF/A-3 with its CII inside (flow syntax Factur-X)' },
			{ name: 'CII XML', value: 'cii', description: 'UN/CEFACT Cross Industry Invoice (flow syntax CII)' },
			{ name: 'UBL XML', value: 'ubl', description: 'OASIS UBL 2.1 (flow syntax UBL)' },
		],
		default: 'facturx',
		description:
			"Which of Build Invoice's files is deposited. The buyer's routing address is looked up in the platform's directory first; the invoice number is the flow's tracking ID, so a re-send finds the earlier flow instead of depositing twice.",
		displayOptions: on('pa'),
	},
];

export const sendFacturXProperties: INodeProperties[] = [
	{
		displayName: 'Channel',
		name: 'channel',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'E-Mail', value: 'email', description: 'Mail the Factur-X PDF to the buyer through SMTP' },
			{ name: 'Odoo', value: 'odoo', description: 'Book it as a customer invoice in Odoo, with the PDF attached' },
			{ name: 'HTTP', value: 'http', description: 'Post it to an e-invoicing platform or webhook' },
			{
				name: 'French E-Invoicing Platform (PA)',
				value: 'pa',
				description: 'Deposit it on your accredited platform (AFNOR XP Z12-013), which routes it to the buyer: the legal way for French B2B invoices from 2026',
			},
		],
		default: 'email',
		description: 'How the invoices travel; each channel asks for its own credential below',
	},
	{
		displayName: 'Invoices to Send',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'From the Input (Build Invoice)', value: 'input', description: 'Each input item is a document Build Invoice issued, with its files' },
			{
				name: 'Resend by Invoice Number',
				value: 'ledger',
				description: 'Read invoices from the ledger by number, render their files again and send them again (recorded as a new delivery)',
			},
		],
		default: 'input',
		description: 'Which invoices this node sends: those coming from Build Invoice, or earlier ones you name by number to send again',
	},
	{
		displayName: 'Invoice Numbers',
		name: 'invoiceNumbers',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'EVC-2026-000001, EVC-2026-000002',
		description: 'Numbers of the invoices or credit notes to send again, separated by commas; they are sent even if sent before',
		displayOptions: { show: { source: ['ledger'] } },
	},
	...emailProperties,
	...odooProperties,
	...httpProperties,
	...paProperties,
	...ledgerProperties,
	{
		displayName: 'Options',
		name: 'options',
		description: 'Optional settings: resend, retries, timeout',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Resend',
				name: 'resend',
				type: 'boolean',
				default: false,
				description:
					'Whether to send invoices the ledger shows as already delivered on this channel. Off: they leave on Sent, marked already sent, without being sent again.',
			},
			{
				displayName: 'Retries',
				name: 'retries',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 10 },
				default: 2,
				description:
					'How often to retry a delivery that failed for a passing reason (timeout, HTTP 5xx, SMTP 4xx). Refused credentials are never retried.',
			},
			{
				displayName: 'Retry Delay (Seconds)',
				name: 'retryDelaySeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 2,
				description: 'Wait before the first retry; doubled for each further one',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSeconds',
				description: 'How long to wait for each delivery before counting it as failed (and retrying it)',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 30,
			},
		],
	},
];
