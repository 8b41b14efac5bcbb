/**
 * Seller and Partners of Build Invoice as form fields (issue 17.5): labels a person understands, option lists for the
 * identifier schemes, the same configuration object as the JSON mode once read (lib/invoice/config.ts checks both).
 * An error of lib's check names the JSON path ($.seller.vatId); `formFieldLabel` turns it into the label on the panel.
 */
import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

const inForm = { show: { configInput: ['fields'] } };

/** ISO 6523 schemes of a company number (BT-30 / BT-47), the ones CPOs and eMSPs of Europe use. */
const COMPANY_NUMBER_SCHEMES: INodePropertyOptions[] = [
	{ name: 'None (Number Printed as Given, e.g. HRB 123456 Köln)', value: '' },
	{ name: '0002 – SIREN (France)', value: '0002' },
	{ name: '0009 – SIRET (France)', value: '0009' },
	{ name: '0208 – Belgian Company Number (KBO/BCE)', value: '0208' },
	{ name: '0106 – Dutch Chamber of Commerce (KvK)', value: '0106' },
	{ name: '0007 – Swedish Organisation Number', value: '0007' },
	{ name: '0060 – DUNS Number', value: '0060' },
	{ name: '0088 – GS1 GLN', value: '0088' },
];

/** EAS schemes of an e-invoicing address (BT-34 / BT-49). */
const E_ADDRESS_SCHEMES: INodePropertyOptions[] = [
	{ name: 'None', value: '' },
	{ name: '0225 – French SIREN-Based E-Invoicing Address', value: '0225' },
	{ name: '0002 – SIREN (France)', value: '0002' },
	{ name: '0009 – SIRET (France)', value: '0009' },
	{ name: '9957 – French VAT Number', value: '9957' },
	{ name: '0208 – Belgian Company Number (Peppol)', value: '0208' },
	{ name: '9925 – Belgian VAT Number', value: '9925' },
	{ name: '9930 – German VAT Number', value: '9930' },
	{ name: '0204 – German Leitweg-ID', value: '0204' },
	{ name: '0106 – Dutch Chamber of Commerce (KvK)', value: '0106' },
	{ name: '0190 – Dutch OIN', value: '0190' },
	{ name: '0088 – GS1 GLN', value: '0088' },
	{ name: '0060 – DUNS Number', value: '0060' },
	{ name: 'EM – E-Mail Address (Not on Peppol or French Platforms)', value: 'EM' },
];

const SPECIFICATIONS: INodePropertyOptions[] = [
	{ name: 'Automatic', value: '', description: 'French platform between French parties, Peppol between Belgian ones, EN 16931 otherwise' },
	{ name: 'EN 16931', value: 'en16931', description: 'The European standard alone (e-mail, Odoo, most platforms)' },
	{ name: 'Peppol BIS Billing 3.0', value: 'peppol', description: 'The buyer receives on the Peppol network (Belgium, Netherlands, Nordics…)' },
	{ name: 'XRechnung 3.0', value: 'xrechnung', description: 'German public and B2B receivers; needs the buyer reference (Leitweg-ID)' },
	{ name: 'French Platform (2026 Reform)', value: 'fr-ctc', description: 'Delivered through a French accredited platform (PA): SIREN and 0225 address needed' },
];

const countryField = (name: string, who: string): INodeProperties => ({
	displayName: 'Country',
	name,
	type: 'string',
	default: '',
	required: true,
	placeholder: 'FR',
	description: `Country of the ${who}'s address, as its two-letter ISO code (FR, BE, DE, NL…)`,
});

/** The seller's fields, shown on the panel when Configuration Input = Fields. */
export const sellerFormProperties: INodeProperties[] = [
	{
		displayName: 'Seller (You, the CPO)',
		name: 'sellerNotice',
		type: 'notice',
		default: '',
		displayOptions: inForm,
	},
	{
		displayName: 'Your Company Name',
		name: 'sellerName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'EV Charge France SAS',
		description: 'Your legal company name, printed as the seller of every invoice',
		displayOptions: inForm,
	},
	{
		displayName: 'Your OCPI Parties',
		name: 'sellerOcpiParties',
		type: 'string',
		default: '',
		placeholder: 'FR*EVC, FR*EV2',
		description:
			'Country code and party ID of your CDRs (country_code*party_id), comma-separated. CDRs of other CPOs are refused, not billed. Empty: every CDR is yours.',
		displayOptions: inForm,
	},
	{
		displayName: 'Your Street',
		name: 'sellerStreet',
		type: 'string',
		default: '',
		required: true,
		placeholder: '15 boulevard Haussmann',
		description: 'Street and number of your registered address',
		displayOptions: inForm,
	},
	{
		displayName: 'Your Post Code',
		name: 'sellerPostCode',
		type: 'string',
		default: '',
		required: true,
		placeholder: '75009',
		description: 'Post code of your registered address',
		displayOptions: inForm,
	},
	{
		displayName: 'Your City',
		name: 'sellerCity',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Paris',
		description: 'City of your registered address',
		displayOptions: inForm,
	},
	{ ...countryField('sellerCountry', 'seller'), displayName: 'Your Country', displayOptions: inForm },
	{
		displayName: 'Your Company Number Type',
		name: 'sellerCompanyNumberScheme',
		type: 'options',
		options: COMPANY_NUMBER_SCHEMES,
		default: '0002',
		description: 'Which register your company number belongs to (ISO 6523 code, printed on the invoice as BT-30)',
		displayOptions: inForm,
	},
	{
		displayName: 'Your Company Number',
		name: 'sellerCompanyNumber',
		type: 'string',
		default: '',
		placeholder: '884123456',
		description: 'Your company number in that register: SIREN (9 digits) in France, KBO number (10 digits) in Belgium…',
		hint: 'Required for French invoices (SIREN)',
		displayOptions: inForm,
	},
	{
		displayName: 'Your VAT Number',
		name: 'sellerVatId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'FR52884123456',
		description: 'Your intra-EU VAT number with its country prefix. Every invoice needs it (EN 16931 rule BR-S-02).',
		displayOptions: inForm,
	},
	{
		displayName: 'Your E-Invoicing Address Type',
		name: 'sellerEAddressScheme',
		type: 'options',
		options: E_ADDRESS_SCHEMES,
		default: '',
		description: 'The kind of address under which you receive e-invoices (Peppol participant ID, French platform address…)',
		hint: 'Required when a partner receives Peppol or French platform invoices',
		displayOptions: inForm,
	},
	{
		displayName: 'Your E-Invoicing Address',
		name: 'sellerEAddress',
		type: 'string',
		default: '',
		placeholder: '884123456',
		description: 'Your address on that network, e.g. your SIREN for scheme 0225 or your KBO number for 0208',
		displayOptions: inForm,
	},
	{
		displayName: 'Your IBAN',
		name: 'sellerIban',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'FR76 3000 6000 0112 3456 7890 189',
		description: 'The account the eMSPs pay into, printed on every invoice (check digits verified)',
		displayOptions: inForm,
	},
	{
		displayName: 'Your BIC',
		name: 'sellerBic',
		type: 'string',
		default: '',
		placeholder: 'AGRIFRPP',
		description: "Your bank's BIC (optional)",
		displayOptions: inForm,
	},
	{
		displayName: 'More About the Seller',
		name: 'sellerDetails',
		type: 'collection',
		placeholder: 'Add Seller Detail',
		default: {},
		description: 'Legal mentions, contact and other optional seller details',
		displayOptions: inForm,
		options: [
			{ displayName: 'Account Name', name: 'accountName', type: 'string', default: '', description: 'Name of the bank account holder, if not the company name' },
			{ displayName: 'Address Line 2', name: 'line2', type: 'string', default: '', description: 'Building, floor or other second address line' },
			{ displayName: 'Contact E-Mail', name: 'contactEmail', type: 'string', default: '', placeholder: 'billing@example.com', description: 'Billing contact e-mail printed on the invoice (needed for XRechnung)' },
			{ displayName: 'Contact Name', name: 'contactName', type: 'string', default: '', description: 'Billing contact person or team (needed for XRechnung)' },
			{ displayName: 'Contact Telephone', name: 'contactTelephone', type: 'string', default: '', description: 'Billing contact telephone (needed for XRechnung)' },
			{ displayName: 'Legal Form', name: 'legalForm', type: 'string', default: '', placeholder: 'SAS', description: 'Legal form printed with the share capital: SAS, GmbH, BV…' },
			{
				displayName: 'Operation Category (France)',
				name: 'operationCategory',
				type: 'options',
				options: [
					{ name: 'Goods', value: 'goods', description: 'Billing framework B1' },
					{ name: 'Mixed', value: 'mixed', description: 'Billing framework M1' },
					{ name: 'Services', value: 'services', description: 'Billing framework S1' },
				],
				default: 'services',
				description: 'What you supply, a mandatory mention of French invoices from 2026 (sets the billing framework)',
			},
			{ displayName: 'Share Capital', name: 'shareCapital', type: 'string', default: '', placeholder: '150 000 EUR', description: 'Share capital, a mandatory mention in France' },
			{ displayName: 'Trade Register', name: 'tradeRegister', type: 'string', default: '', placeholder: 'RCS Paris 884 123 456', description: 'Trade register entry (RCS in France, Amtsgericht HRB in Germany)' },
			{ displayName: 'Trading Name', name: 'tradingName', type: 'string', default: '', description: 'The brand name, if it differs from the legal name' },
			{ displayName: 'VAT on Debits (France)', name: 'vatOnDebits', type: 'boolean', default: false, description: 'Whether you opted to pay VAT on debits (French "option pour les débits")' },
		],
	},
];

/** The eMSPs billed, one entry per partner, shown when Configuration Input = Fields. */
export const partnersFormProperty: INodeProperties = {
	displayName: 'Partners (eMSPs You Bill)',
	name: 'partnerList',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add Partner',
	default: {},
	required: true,
	description: 'The eMSPs you bill, matched to each CDR by the OCPI party of its token (cdr_token.country_code / party_id)',
	displayOptions: inForm,
	options: [
		{
			displayName: 'Partner',
			name: 'partner',
			values: [
				{ displayName: 'Company Name', name: 'name', type: 'string', default: '', required: true, description: "The eMSP's legal company name, printed as the buyer" },
				{ displayName: 'OCPI Country Code', name: 'ocpiCountryCode', type: 'string', default: '', required: true, placeholder: 'NL', description: "The eMSP's OCPI country code, as in its CDR tokens" },
				{ displayName: 'OCPI Party ID', name: 'ocpiPartyId', type: 'string', default: '', required: true, placeholder: 'ROM', description: "The eMSP's OCPI party ID, as in its CDR tokens" },
				{ displayName: 'Street', name: 'street', type: 'string', default: '', required: true, description: 'Street and number of the billing address' },
				{ displayName: 'Post Code', name: 'postCode', type: 'string', default: '', required: true, description: 'Post code of the billing address' },
				{ displayName: 'City', name: 'city', type: 'string', default: '', required: true, description: 'City of the billing address' },
				countryField('country', 'partner'),
				{ displayName: 'Company Number Type', name: 'companyNumberScheme', type: 'options', options: COMPANY_NUMBER_SCHEMES, default: '', description: 'Which register the company number belongs to (ISO 6523 code)' },
				{ displayName: 'Company Number', name: 'companyNumber', type: 'string', default: '', description: 'The company number in that register (SIREN required for French buyers on a French platform)' },
				{ displayName: 'VAT Number', name: 'vatId', type: 'string', default: '', placeholder: 'NL812345678B01', description: 'Intra-EU VAT number with its country prefix; required for reverse charge' },
				{
					displayName: 'VAT Treatment',
					name: 'vatRegime',
					type: 'options',
					options: [
						{ name: 'Charge VAT (Same Country)', value: 'domestic', description: "The tariff's VAT is charged" },
						{ name: 'Reverse Charge (Other EU Country)', value: 'reverse_charge', description: 'No VAT charged; the buyer accounts for it; VAT number required' },
					],
					default: 'domestic',
					description: 'Whether you charge VAT or the buyer self-accounts for it (cross-border B2B)',
				},
				{ displayName: 'E-Invoicing Address Type', name: 'eAddressScheme', type: 'options', options: E_ADDRESS_SCHEMES, default: '', description: 'The kind of address the eMSP receives e-invoices under' },
				{ displayName: 'E-Invoicing Address', name: 'eAddress', type: 'string', default: '', description: "The eMSP's address on that network (required for Peppol and French platforms)" },
				{ displayName: 'Billing E-Mail', name: 'email', type: 'string', default: '', placeholder: 'invoices@emsp.example', description: 'Where Send Factur-X mails the invoices' },
				{
					displayName: 'Language',
					name: 'language',
					type: 'options',
					options: [
						{ name: 'Automatic', value: '' },
						{ name: 'English', value: 'en' },
						{ name: 'French', value: 'fr' },
						{ name: 'German', value: 'de' },
					],
					default: '',
					description: 'Language of the printed invoice and e-mail',
				},
				{ displayName: 'Specification', name: 'specification', type: 'options', options: SPECIFICATIONS, default: '', description: "The rules the eMSP's documents meet, as its receiving network requires" },
				{ displayName: 'Buyer Reference', name: 'buyerReference', type: 'string', default: '', description: 'Reference the eMSP asked to see on invoices (the Leitweg-ID for XRechnung)' },
				{ displayName: 'Contract Reference', name: 'contractReference', type: 'string', default: '', placeholder: 'ROAMING-NL-ROM-2025', description: 'The roaming agreement, printed on each invoice' },
				{ displayName: 'Payment Terms (Days)', name: 'paymentTermsDays', type: 'number', typeOptions: { minValue: 0 }, default: 0, description: "Days to pay for this eMSP; 0: the node's Payment Terms" },
			],
		},
	],
};

const blank = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const str = (v: unknown): string | undefined => (blank(v) ? undefined : String(v).trim());
const schemed = (value: unknown, scheme: unknown): IDataObject | undefined =>
	blank(value) ? undefined : { value: str(value), ...(blank(scheme) ? {} : { scheme: str(scheme) }) };
const compact = (o: IDataObject): IDataObject => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The seller object of the JSON mode, from the form's fields. */
export function sellerFromForm(get: (name: string) => unknown): IDataObject {
	const details = (get('sellerDetails') ?? {}) as IDataObject;
	const parties = String(get('sellerOcpiParties') ?? '')
		.split(/[,;\s]+/)
		.filter(Boolean)
		.map((p) => {
			const [country_code, party_id = ''] = p.split(/[*:/-]/);
			return { country_code, party_id };
		});
	const contact = compact({ name: str(details.contactName), telephone: str(details.contactTelephone), email: str(details.contactEmail) });
	return compact({
		name: str(get('sellerName')),
		tradingName: str(details.tradingName),
		ocpi: parties.length > 0 ? parties : undefined,
		legalRegistrationId: schemed(get('sellerCompanyNumber'), get('sellerCompanyNumberScheme')),
		vatId: str(get('sellerVatId')),
		electronicAddress: schemed(get('sellerEAddress'), get('sellerEAddressScheme')),
		address: compact({
			line1: str(get('sellerStreet')),
			line2: str(details.line2),
			postCode: str(get('sellerPostCode')),
			city: str(get('sellerCity')),
			countryCode: str(get('sellerCountry'))?.toUpperCase(),
		}),
		contact: Object.keys(contact).length > 0 ? contact : undefined,
		iban: str(get('sellerIban')),
		bic: str(get('sellerBic')),
		accountName: str(details.accountName),
		legalForm: str(details.legalForm),
		shareCapital: str(details.shareCapital),
		tradeRegister: str(details.tradeRegister),
		operationCategory: str(details.operationCategory),
		vatOnDebits: details.vatOnDebits === true ? true : undefined,
	});
}

/** The partners array of the JSON mode, from the form's list. */
export function partnersFromForm(value: unknown): IDataObject[] {
	const list = ((value ?? {}) as { partner?: IDataObject[] }).partner ?? [];
	return list.map((p) =>
		compact({
			name: str(p.name),
			ocpi: { country_code: str(p.ocpiCountryCode), party_id: str(p.ocpiPartyId) },
			legalRegistrationId: schemed(p.companyNumber, p.companyNumberScheme),
			vatId: str(p.vatId),
			electronicAddress: schemed(p.eAddress, p.eAddressScheme),
			address: compact({ line1: str(p.street), postCode: str(p.postCode), city: str(p.city), countryCode: str(p.country)?.toUpperCase() }),
			email: str(p.email),
			vatRegime: str(p.vatRegime),
			language: str(p.language),
			specification: str(p.specification),
			buyerReference: str(p.buyerReference),
			contractReference: str(p.contractReference),
			paymentTermsDays: typeof p.paymentTermsDays === 'number' && p.paymentTermsDays > 0 ? p.paymentTermsDays : undefined,
		}),
	);
}

/** JSON path of the configuration → label of the form field, for the fields a person fills in. */
const SELLER_LABELS: Record<string, string> = {
	name: 'Your Company Name',
	ocpi: 'Your OCPI Parties',
	'address.line1': 'Your Street',
	'address.postCode': 'Your Post Code',
	'address.city': 'Your City',
	'address.countryCode': 'Your Country',
	legalRegistrationId: 'Your Company Number',
	vatId: 'Your VAT Number',
	electronicAddress: 'Your E-Invoicing Address',
	'electronicAddress.scheme': 'Your E-Invoicing Address Type',
	iban: 'Your IBAN',
	operationCategory: 'More About the Seller → Operation Category (France)',
	'contact.name': 'More About the Seller → Contact Name',
	'contact.telephone': 'More About the Seller → Contact Telephone',
	'contact.email': 'More About the Seller → Contact E-Mail',
};
const PARTNER_LABELS: Record<string, string> = {
	name: 'Company Name',
	ocpi: 'OCPI Country Code / OCPI Party ID',
	'ocpi.country_code': 'OCPI Country Code',
	'ocpi.party_id': 'OCPI Party ID',
	'address.line1': 'Street',
	'address.postCode': 'Post Code',
	'address.city': 'City',
	'address.countryCode': 'Country',
	legalRegistrationId: 'Company Number',
	vatId: 'VAT Number',
	electronicAddress: 'E-Invoicing Address',
	'electronicAddress.scheme': 'E-Invoicing Address Type',
	buyerReference: 'Buyer Reference',
};

/** "Seller → VAT Number" for "$.seller.vatId"; undefined for a path outside the form. */
export function formFieldLabel(path: string, partners: IDataObject[]): string | undefined {
	const seller = /^\$\.seller\.(.+)$/.exec(path);
	if (seller) {
		const label = SELLER_LABELS[seller[1]] ?? SELLER_LABELS[seller[1].split('.')[0]];
		return label ? `Seller → ${label}` : undefined;
	}
	const partner = /^\$\.partners\[(\d+)\](?:\.(.+))?$/.exec(path);
	if (partner) {
		const index = Number(partner[1]);
		const name = partners[index]?.name ? ` (${String(partners[index].name)})` : '';
		const where = `Partners → Partner ${index + 1}${name}`;
		if (!partner[2]) return where;
		const label = PARTNER_LABELS[partner[2]] ?? PARTNER_LABELS[partner[2].split('.')[0]];
		return label ? `${where} → ${label}` : where;
	}
	return undefined;
}
