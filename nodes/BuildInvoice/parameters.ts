/** Build Invoice parameters, mapped onto the one invoicing configuration shape of lib/invoice/config.ts. */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { DEFAULT_INVOICING, InvoicingConfigError, parseInvoicingConfig } from '../../lib/invoice/config';
import type { InvoicingConfig } from '../../lib/invoice/config';
import { formFieldLabel, partnersFormProperty, partnersFromForm, sellerFormProperties, sellerFromForm } from './party-form';

const SELLER_EXAMPLE = JSON.stringify(
	{
		name: 'EV Charge France SAS',
		ocpi: [{ country_code: 'FR', party_id: 'EVC' }],
		legalRegistrationId: { value: '884123456', scheme: '0002' },
		vatId: 'FR52884123456',
		electronicAddress: { value: '884123456', scheme: '0225' },
		address: { line1: '15 boulevard Haussmann', city: 'Paris', postCode: '75009', countryCode: 'FR' },
		iban: 'FR7630006000011234567890189',
		bic: 'AGRIFRPP',
	},
	null,
	2,
);

const PARTNERS_EXAMPLE = JSON.stringify(
	[
		{
			ocpi: { country_code: 'NL', party_id: 'ROM' },
			name: 'Roam Netherlands B.V.',
			vatId: 'NL812345678B01',
			address: { line1: 'Keizersgracht 100', city: 'Amsterdam', postCode: '1015 CV', countryCode: 'NL' },
			email: 'invoices@roam-netherlands.example',
			vatRegime: 'reverse_charge',
		},
	],
	null,
	2,
);

const configInputOptions = [
	{ name: 'Fields', value: 'fields', description: 'Fill in the seller and each partner in form fields' },
	{ name: 'JSON', value: 'json', description: 'Paste or compute the configuration as JSON (as the CLI config file)' },
];
const configInputDescription = 'How you give the seller (you) and the partners (the eMSPs you bill)';
const inJson = { configInput: ['json'] };

export const invoicingProperties: INodeProperties[] = [
	// Version 1 nodes (workflows saved before the form existed) keep JSON as their default; new nodes start on the form.
	{
		displayName: 'Seller and Partners Given As',
		name: 'configInput',
		type: 'options',
		noDataExpression: true,
		options: configInputOptions,
		default: 'json',
		description: configInputDescription,
		displayOptions: { show: { '@version': [1] } },
	},
	{
		displayName: 'Seller and Partners Given As',
		name: 'configInput',
		type: 'options',
		noDataExpression: true,
		options: configInputOptions,
		default: 'fields',
		description: configInputDescription,
		displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } },
	},
	...sellerFormProperties,
	partnersFormProperty,
	{
		displayName: 'Seller (CPO)',
		name: 'seller',
		type: 'json',
		default: SELLER_EXAMPLE,
		required: true,
		description:
			'You, the CPO issuing the invoices, as JSON: legal name, OCPI parties, company number {value, scheme}, VAT number, address, IBAN/BIC, e-invoicing address {value, scheme}, French mentions (shareCapital, tradeRegister, operationCategory, vatOnDebits)',
		hint: 'Field names: see "Invoicing configuration" in the README, or switch to Fields',
		displayOptions: { show: inJson },
	},
	{
		displayName: 'Partners (eMSPs)',
		name: 'partners',
		type: 'json',
		default: PARTNERS_EXAMPLE,
		required: true,
		description:
			'The eMSPs you bill, as a JSON array, matched by the OCPI party of the CDR token: legal name, VAT number, address, billing e-mail, VAT regime (domestic or reverse_charge), e-invoicing address {value, scheme} and specification (en16931, peppol, xrechnung, fr-ctc)',
		displayOptions: { show: inJson },
	},
	{
		displayName: 'Mode',
		name: 'mode',
		description: 'How CDRs are grouped into invoices: one invoice per charging session, or one per eMSP, month and currency',
		type: 'options',
		options: [
			{ name: 'One Invoice per CDR', value: 'per_cdr', description: 'As GIREVE clearing does' },
			{ name: 'One Invoice per eMSP, Month and Currency', value: 'per_emsp_period', description: 'As Hubject does' },
		],
		default: DEFAULT_INVOICING.mode,
	},
	{
		displayName: 'Lines',
		name: 'lines',
		description: 'What each invoice line is: one per charging session, or one per session and price component (energy, time, parking, fees)',
		type: 'options',
		options: [
			{ name: 'One per CDR', value: 'per_cdr', description: 'Session, EVSE, contract, kWh and duration on each line' },
			{ name: 'One per CDR and Price Component', value: 'per_component', description: 'Energy, time, parking, fees' },
		],
		default: DEFAULT_INVOICING.lines,
	},
	{
		displayName: 'Invoice Series',
		name: 'series',
		type: 'string',
		default: DEFAULT_INVOICING.series,
		description: 'Numbering series of invoices: numbers follow each other without gaps within a series',
	},
	{
		displayName: 'Credit Note Series',
		name: 'creditNoteSeries',
		description: 'Numbering series of credit notes (refunds), gap-free on its own; must differ from the invoice series in its letters or digits',
		type: 'string',
		default: DEFAULT_INVOICING.creditNoteSeries,
	},
	{
		displayName: 'Number Pattern',
		name: 'numberPattern',
		type: 'string',
		default: DEFAULT_INVOICING.numberPattern,
		description:
			'How an invoice number is written: {series} the series, {yyyy} {yy} {mm} {dd} the issue date, {seq:6} the running number on 6 digits. At most 35 characters of A-Z a-z 0-9 + - _ / (French rule).',
	},
	{
		displayName: 'Payment Terms (Days)',
		name: 'paymentTermsDays',
		description: 'Days between the issue date and the due date printed on each invoice (a partner may have its own)',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: DEFAULT_INVOICING.paymentTermsDays,
	},
	{
		displayName: 'Formats',
		name: 'formats',
		type: 'multiOptions',
		options: [
			{ name: 'Factur-X PDF', value: 'facturx' },
			{ name: 'CII XML', value: 'cii' },
			{ name: 'UBL XML (Peppol BIS 3)', value: 'ubl' },
		],
		default: DEFAULT_INVOICING.formats,
		description: 'Files attached to each invoice item as binary properties facturx, cii, ubl',
	},
	{
		displayName: 'Options',
		name: 'options',
		description: 'Optional settings: issue date, dry run, billing framework, VAT exemption…',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Billing Framework (France)',
				name: 'businessProcess',
				type: 'options',
				options: [
					{ name: "Automatic (From the Seller's Operation Category)", value: '' },
					{ name: 'B1 – Goods', value: 'B1' },
					{ name: 'S1 – Services', value: 'S1' },
					{ name: 'M1 – Mixed Goods and Services', value: 'M1' },
					{ name: 'B2 – Goods, Already Paid', value: 'B2' },
					{ name: 'S2 – Services, Already Paid', value: 'S2' },
					{ name: 'M2 – Mixed, Already Paid', value: 'M2' },
					{ name: 'B4 – Goods, Final Invoice After a Down Payment', value: 'B4' },
					{ name: 'S4 – Services, Final Invoice After a Down Payment', value: 'S4' },
					{ name: 'M4 – Mixed, Final Invoice After a Down Payment', value: 'M4' },
					{ name: 'S5 – Services by a Subcontractor', value: 'S5' },
					{ name: 'S6 – Services by a Co-Contractor', value: 'S6' },
				],
				default: '',
				description:
					'The French "cadre de facturation" every invoice states from 2026 (EN 16931 field BT-23). Leave Automatic: it follows what you supply (goods, services or mixed).',
			},
			{
				displayName: 'Dry Run (Check Only)',
				name: 'dryRun',
				type: 'boolean',
				default: false,
				description:
					'Whether to only plan and check the documents: each item shows the invoice that would be issued, with its number and totals, but no number is taken, nothing is written to the ledger and no file is attached',
			},
			{
				displayName: 'Factur-X Profile',
				name: 'profile',
				description: 'The Factur-X profile declared in the PDF: EN 16931 (the standard, recommended) or EXTENDED',
				type: 'options',
				options: [
					{ name: 'EN 16931', value: 'EN16931' },
					{ name: 'EXTENDED', value: 'EXTENDED' },
				],
				default: DEFAULT_INVOICING.profile,
			},
			{
				displayName: 'Invoice Mismatching CDRs',
				name: 'invoiceMismatches',
				type: 'boolean',
				default: false,
				description: 'Whether CDRs whose declared price differs from the tariff are billed at the computed price',
			},
			{
				displayName: 'Issue Date',
				name: 'issueDate',
				type: 'string',
				default: '',
				placeholder: '2026-11-01',
				description: 'Date printed as the issue date (YYYY-MM-DD), e.g. to reproduce a run; empty: the day of the run (UTC)',
			},
			{
				displayName: 'Page Preview (PNG)',
				name: 'pagePreview',
				type: 'boolean',
				default: false,
				description:
					"Whether to add a picture of each invoice's first page (binary \"preview\"), which the editor can show with View: n8n does not preview PDFs. Needs poppler-utils (pdftoppm) on the n8n server.",
			},
			{
				displayName: 'Price Without VAT Is',
				name: 'noVatCategory',
				type: 'options',
				options: [
					{ name: 'Exempt From VAT (Category E)', value: 'E', description: 'Give the legal basis in Reason for No VAT' },
					{ name: 'Not Subject to VAT (Category O)', value: 'O', description: 'The supply is outside the scope of VAT' },
				],
				default: DEFAULT_INVOICING.noVatCategory,
				description: 'How a price component is invoiced when its tariff states no VAT rate',
			},
			{
				displayName: 'Reason for No VAT',
				name: 'noVatReason',
				type: 'string',
				default: DEFAULT_INVOICING.noVatReason,
				description: 'The reason printed on the invoice for a price without VAT, e.g. the article of law that exempts it',
			},
		],
	},
];

function json(context: IExecuteFunctions, name: string): unknown {
	const value = context.getNodeParameter(name, 0);
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value);
	} catch (error) {
		throw new NodeOperationError(context.getNode(), `${name === 'seller' ? 'Seller (CPO)' : 'Partners (eMSPs)'} is not valid JSON: ${(error as Error).message}`);
	}
}

function fromForm(context: IExecuteFunctions): boolean {
	return context.getNodeParameter('configInput', 0, 'json') === 'fields';
}

/** The raw configuration object; parseInvoicingConfig checks it and names any wrong field. */
export function invoicingConfigFromParameters(context: IExecuteFunctions): IDataObject {
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	const pick = (key: string) => (options[key] === '' || options[key] === undefined ? undefined : options[key]);
	const form = fromForm(context);
	return {
		seller: form ? sellerFromForm((name) => context.getNodeParameter(name, 0, undefined)) : (json(context, 'seller') as IDataObject),
		partners: form ? partnersFromForm(context.getNodeParameter('partnerList', 0, {})) : (json(context, 'partners') as IDataObject[]),
		invoicing: {
			mode: context.getNodeParameter('mode', 0),
			lines: context.getNodeParameter('lines', 0),
			series: context.getNodeParameter('series', 0),
			creditNoteSeries: context.getNodeParameter('creditNoteSeries', 0),
			numberPattern: context.getNodeParameter('numberPattern', 0),
			paymentTermsDays: context.getNodeParameter('paymentTermsDays', 0),
			formats: context.getNodeParameter('formats', 0),
			profile: pick('profile'),
			issueDate: pick('issueDate'),
			noVatCategory: pick('noVatCategory'),
			noVatReason: pick('noVatReason'),
			invoiceMismatches: options.invoiceMismatches === true,
			businessProcess: pick('businessProcess'),
		},
	};
}

/**
 * The checked configuration. From the form, an error names the field as the panel shows it ("Seller → VAT Number")
 * besides its JSON path, so the ops person finds what to fill in. Errors carry their stable code as description.
 */
export function readInvoicingConfig(context: IExecuteFunctions): InvoicingConfig {
	const raw = invoicingConfigFromParameters(context);
	try {
		return parseInvoicingConfig(raw);
	} catch (error) {
		const code = error instanceof InvoicingConfigError ? error.code : 'INVOICING_CONFIG_INVALID';
		let message = (error as Error).message;
		if (error instanceof InvoicingConfigError && fromForm(context)) {
			const label = formFieldLabel(error.path, (raw.partners ?? []) as IDataObject[]);
			if (label) message = `${label}: ${error.message.slice(error.path.length + 2)} (${error.path})`;
		}
		throw new NodeOperationError(context.getNode(), message, { description: code });
	}
}
