/**
 * The EN 16931 business rules an invoice model can be held to in process, before it is numbered: the core rules
 * (BR-nn), the conditional ones (BR-CO-nn), the VAT category rules (BR-S, BR-Z, BR-E, BR-AE, BR-IC, BR-G, BR-O), the
 * decimals (BR-DEC), the code lists the model carries (BR-CL), and the rules of the specification the document
 * declares (Peppol BIS 3, XRechnung 3.0, the French BR-FR). Pure: a document and its specification in, the broken
 * rules out, each with a stable code, the rule's id, the model field with its business term, and the fix.
 *
 * lib/issuing refuses a document with any error before the ledger gives it a number; the official validators
 * (../shared/einvoice-validator) stay the judge of the rendered files in the tests.
 */
import { isValidCreditorReference } from './creditor-reference';
import { EAS_SCHEMES, PEPPOL_EAS_SCHEMES, electronicAddressProblem, isIcdScheme, isValidSiren } from './identifiers';
import type { Invoice, Party, PostalAddress, VatCategoryCode } from './model';
import { VAT_CATEGORY_CODES } from './model';
import type { EInvoiceSpecification } from './specification';
import { FRENCH_BILLING_FRAMEWORKS } from './specification';
import { completeInvoice } from './totals';
import type { CompleteInvoiceOptions } from './totals';
import type { Decimal } from '../money';

export interface BusinessRuleViolation {
	/** Stable UPPER_SNAKE_CASE code. */
	code: string;
	/** The rule's id in its standard: BR-S-02, BR-CO-15, PEPPOL-EN16931-R010, BR-DE-6, BR-FR-10... */
	rule: string;
	/** error: the document must not be issued; warning: a legal or practical risk, issued all the same. */
	severity: 'error' | 'warning';
	/** The model field concerned, with its EN16931 term. */
	field: string;
	message: string;
}

const INVOICE_NUMBER = /^[A-Za-z0-9+\-_/]{1,35}$/;
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const UNIT_CODE = /^[A-Z0-9]{2,3}$/;
/** VAT identifiers start with an ISO 3166-1 alpha-2 prefix, Greece's being EL (BR-CO-9). */
const VAT_ID = /^[A-Z]{2}[A-Za-z0-9+*.]{2,13}$/;

function isIsoDate(value: string): boolean {
	if (!ISO_DATE.test(value)) return false;
	const date = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** IBAN check digits (ISO 13616, mod 97 = 1). */
export function isValidIban(iban: string): boolean {
	const compact = iban.replace(/\s/g, '').toUpperCase();
	if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
	let remainder = 0;
	for (const char of compact.slice(4) + compact.slice(0, 4)) {
		const digits = char >= 'A' ? String(char.charCodeAt(0) - 55) : char;
		for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
	}
	return remainder === 1;
}

/** The notes French commercial law requires (BR-FR-05): the €40 indemnity, the penalty rate, the discount terms. */
export const FRENCH_NOTE_SUBJECTS: ReadonlyArray<{ code: string; what: string }> = [
	{ code: 'PMT', what: 'the €40 fixed recovery indemnity' },
	{ code: 'PMD', what: 'the late-payment penalty rate' },
	{ code: 'AAB', what: 'the early-payment discount terms (or "no discount")' },
];

/** VAT rates the French rules accept (BR-FR-16), as numbers. */
const FRENCH_VAT_RATES = ['0', '0.9', '1.05', '1.75', '2.1', '5.5', '7', '8.5', '9.2', '9.6', '10', '13', '19.6', '20', '20.6'];

const decimals = (value: Decimal) => value.decimalPlaces();

type Add = (code: string, rule: string, field: string, message: string, severity?: 'error' | 'warning') => void;

function checkCore(invoice: Invoice, add: Add): void {
	if (!INVOICE_NUMBER.test(invoice.number)) {
		add(
			'INVOICE_NUMBER_FORMAT',
			'BR-FR-01',
			'number (BT-1)',
			`Invoice number "${invoice.number}" must be 1 to 35 characters of A-Z a-z 0-9 + - _ / (BR-FR-01/02).`,
		);
	}
	if (!['380', '381'].includes(invoice.typeCode)) add('INVOICE_TYPE_CODE', 'BR-CL-01', 'typeCode (BT-3)', 'The type code must be 380 or 381.');
	const dates: Array<[string, string | undefined]> = [
		['issueDate (BT-2)', invoice.issueDate],
		['dueDate (BT-9)', invoice.dueDate],
		['deliveryDate (BT-72)', invoice.deliveryDate],
		['period.start (BT-73)', invoice.period?.start],
		['period.end (BT-74)', invoice.period?.end],
		...invoice.precedingInvoices.map((ref, i): [string, string | undefined] => [`precedingInvoices[${i}].issueDate (BT-26)`, ref.issueDate]),
	];
	if (!invoice.issueDate) add('INVOICE_ISSUE_DATE_MISSING', 'BR-03', 'issueDate (BT-2)', 'An invoice needs its issue date.');
	for (const [field, value] of dates) {
		if (value !== undefined && !isIsoDate(value)) add('INVOICE_DATE_FORMAT', 'F001', field, `"${value}" is not a date YYYY-MM-DD.`);
	}
	if (invoice.period && invoice.period.end < invoice.period.start) {
		add('INVOICE_PERIOD_ORDER', 'BR-29', 'period (BG-14)', 'The invoicing period ends before it starts (BR-29).');
	}
	if (!/^[A-Z]{3}$/.test(invoice.currency)) {
		add('INVOICE_CURRENCY', 'BR-CL-04', 'currency (BT-5)', `"${invoice.currency}" is not an ISO 4217 currency code.`);
	}
	for (const note of invoice.notes) {
		if (note.subjectCode !== undefined && !/^[A-Z]{3}$/.test(note.subjectCode)) {
			add('NOTE_SUBJECT_CODE', 'BR-CL-08', 'notes[].subjectCode (BT-21)', `"${note.subjectCode}" is not a UNTDID 4451 subject code (3 letters, e.g. PMT).`);
		}
		if (!note.text.trim()) add('NOTE_EMPTY', 'PEPPOL-EN16931-R008', 'notes[].text (BT-22)', 'A note needs a text.');
	}
	checkParty(invoice.seller, 'seller', add);
	checkParty(invoice.buyer, 'buyer', add);
	// BR-CO-26: the seller is identified by its VAT id, a legal registration or another identifier.
	if (!invoice.seller.vatId && !invoice.seller.legalRegistrationId) {
		add('SELLER_IDENTIFIER_MISSING', 'BR-CO-26', 'seller.legalRegistrationId (BT-30)', 'The seller needs a VAT identifier (BT-31) or a legal registration identifier (BT-30).');
	}
	if (invoice.deliverTo && !/^[A-Z]{2}$/.test(invoice.deliverTo.address.countryCode)) {
		add('DELIVER_TO_COUNTRY_CODE', 'BR-57', 'deliverTo.address.countryCode (BT-80)', 'The deliver-to address needs an ISO 3166-1 alpha-2 country code.');
	}
	if (invoice.precedingInvoices.some((ref) => !ref.number)) {
		add('PRECEDING_INVOICE_NUMBER_MISSING', 'BR-55', 'precedingInvoices[].number (BT-25)', 'A preceding invoice reference needs the invoice number.');
	}
	if (invoice.precedingInvoices.length > 1 && invoice.specification === 'xrechnung') {
		add(
			'PRECEDING_INVOICES_MULTIPLE',
			'ev-clearing',
			'precedingInvoices (BG-3)',
			'A CII declaring XRechnung (UN/CEFACT D16B subset) carries one preceding invoice: only the first is kept there (Factur-X CII and UBL keep all).',
			'warning',
		);
	}
	if (invoice.typeCode === '381') {
		if (invoice.precedingInvoices.length === 0) {
			add(
				'CREDIT_NOTE_WITHOUT_INVOICE_REFERENCE',
				'BR-FR-CO-05',
				'precedingInvoices (BG-3)',
				'A credit note must reference the invoice it corrects (BT-25, BR-FR-CO-05).',
			);
		}
		if (invoice.totals.taxInclusive.isNegative()) {
			add(
				'CREDIT_NOTE_NEGATIVE_TOTAL',
				'ev-clearing',
				'totals.taxInclusive (BT-112)',
				'A credit note (381) states positive amounts: negate the lines of the credited CDRs.',
			);
		}
	}
	if (invoice.totals.due.greaterThan(0) && !invoice.dueDate && !invoice.paymentTerms) {
		add('PAYMENT_DUE_DATE_MISSING', 'BR-CO-25', 'dueDate (BT-9)', 'An amount due needs a due date or payment terms (BR-CO-25).');
	}
	const payment = invoice.payment;
	if (payment) {
		if (!payment.meansCode) add('PAYMENT_MEANS_CODE_MISSING', 'BR-49', 'payment.meansCode (BT-81)', 'Payment instructions need a payment means code.');
		if (!payment.iban) add('PAYMENT_ACCOUNT_MISSING', 'BR-61', 'payment.iban (BT-84)', 'A credit transfer needs the payment account (IBAN).');
		else if (!isValidIban(payment.iban)) {
			add('PAYMENT_IBAN_INVALID', 'BR-61', 'payment.iban (BT-84)', `"${payment.iban}" is not a valid IBAN (check digits).`);
		}
		const reference = payment.remittanceInformation;
		if (reference && /^RF/i.test(reference) && !isValidCreditorReference(reference)) {
			add('PAYMENT_REFERENCE_INVALID', 'ISO 11649', 'payment.remittanceInformation (BT-83)', `"${reference}" is not a valid ISO 11649 reference.`);
		}
	}
	if (invoice.vatPointDateCode !== undefined && !['3', '35', '432'].includes(invoice.vatPointDateCode)) {
		add('VAT_POINT_DATE_CODE', 'BR-CL-06', 'vatPointDateCode (BT-8)', 'BT-8 must be 3, 35 or 432 (UNTDID 2005).');
	}
}

function checkParty(party: Party, role: 'seller' | 'buyer', add: Add): void {
	const bt = role === 'seller' ? { name: 'BT-27', country: 'BT-40', address: 'BG-5', endpoint: 'BT-34', legal: 'BT-30', vat: 'BT-31' } : { name: 'BT-44', country: 'BT-55', address: 'BG-8', endpoint: 'BT-49', legal: 'BT-47', vat: 'BT-48' };
	if (!party.name?.trim()) {
		add('PARTY_NAME_MISSING', role === 'seller' ? 'BR-06' : 'BR-07', `${role}.name (${bt.name})`, `The ${role} needs a legal name.`);
	}
	if (!party.address) {
		add('PARTY_ADDRESS_MISSING', role === 'seller' ? 'BR-08' : 'BR-10', `${role}.address (${bt.address})`, `The ${role} needs a postal address.`);
		return;
	}
	if (!/^[A-Z]{2}$/.test(party.address.countryCode)) {
		add('PARTY_COUNTRY_CODE', role === 'seller' ? 'BR-09' : 'BR-11', `${role}.address.countryCode (${bt.country})`, `The ${role} country must be an ISO 3166-1 alpha-2 code.`);
	}
	const endpoint = party.electronicAddress;
	if (endpoint) {
		if (!endpoint.scheme) {
			add('ELECTRONIC_ADDRESS_SCHEME_MISSING', role === 'seller' ? 'BR-62' : 'BR-63', `${role}.electronicAddress.scheme (${bt.endpoint}-1)`, `The ${role} electronic address needs its EAS scheme.`);
		} else {
			const problem = electronicAddressProblem(endpoint.value, endpoint.scheme);
			if (problem) {
				add(
					EAS_SCHEMES.has(endpoint.scheme) ? 'ELECTRONIC_ADDRESS_INVALID' : 'ELECTRONIC_ADDRESS_SCHEME_UNKNOWN',
					'BR-CL-25',
					`${role}.electronicAddress (${bt.endpoint})`,
					problem,
				);
			}
		}
	}
	const legal = party.legalRegistrationId;
	if (legal?.scheme !== undefined && !isIcdScheme(legal.scheme)) {
		add('LEGAL_REGISTRATION_SCHEME', 'BR-CL-11', `${role}.legalRegistrationId.scheme (${bt.legal}-1)`, `"${legal.scheme}" is not an ISO 6523 ICD code.`);
	}
	if (party.vatId !== undefined && !VAT_ID.test(party.vatId)) {
		add('VAT_ID_FORMAT', 'BR-CO-09', `${role}.vatId (${bt.vat})`, `"${party.vatId}" must start with the ISO 3166-1 country prefix (EL for Greece), e.g. FR52884123456.`);
	}
}

function checkLines(invoice: Invoice, add: Add): void {
	if (invoice.lines.length === 0) add('INVOICE_NO_LINES', 'BR-16', 'lines (BG-25)', 'An invoice needs at least one line.');
	const lineIds = new Set<string>();
	for (const line of invoice.lines) {
		const at = (term: string, bt: string) => `lines[${line.id}].${term} (${bt})`;
		if (!line.id) add('LINE_ID_MISSING', 'BR-21', 'lines[].id (BT-126)', 'Every line needs an identifier.');
		if (lineIds.has(line.id)) add('LINE_ID_DUPLICATE', 'BR-21', at('id', 'BT-126'), `Line id ${line.id} is used twice.`);
		lineIds.add(line.id);
		if (!UNIT_CODE.test(line.unitCode)) add('LINE_UNIT_CODE', 'BR-23', at('unitCode', 'BT-130'), `"${line.unitCode}" is not a UN/ECE Rec 20 unit code (KWH, HUR, C62...).`);
		if (!line.item.name?.trim()) add('LINE_ITEM_NAME_MISSING', 'BR-25', at('item.name', 'BT-153'), 'Every line needs an item name.');
		if (line.netPrice.isNegative()) {
			add('LINE_NET_PRICE_NEGATIVE', 'BR-27', at('netPrice', 'BT-146'), 'The item net price cannot be negative (BR-27): put the sign on the quantity.');
		}
		if (line.baseQuantity && !line.baseQuantity.greaterThan(0)) {
			add('LINE_BASE_QUANTITY', 'PEPPOL-EN16931-R121', at('baseQuantity', 'BT-149'), 'The price base quantity must be above zero.');
		}
		if (decimals(line.netAmount) > 2) add('AMOUNT_DECIMALS', 'BR-DEC-23', at('netAmount', 'BT-131'), 'A line net amount has at most 2 decimals.');
		if (line.period && line.period.end < line.period.start) {
			add('LINE_PERIOD_ORDER', 'BR-30', at('period', 'BG-26'), 'The line period ends before it starts (BR-30).');
		}
		if (!VAT_CATEGORY_CODES.includes(line.vat.category)) {
			add('LINE_VAT_CATEGORY', 'BR-CO-04', at('vat.category', 'BT-151'), `"${line.vat.category}" is not a VAT category code (S, Z, E, AE, K, G, O).`);
		}
	}
}

/** BR-DEC-*: every document-level amount has at most 2 decimals. */
function checkDecimals(invoice: Invoice, add: Add): void {
	const t = invoice.totals;
	const amounts: Array<[string, string, Decimal]> = [
		['BR-DEC-09', 'totals.lineNetTotal (BT-106)', t.lineNetTotal],
		['BR-DEC-12', 'totals.taxExclusive (BT-109)', t.taxExclusive],
		['BR-DEC-13', 'totals.vatTotal (BT-110)', t.vatTotal],
		['BR-DEC-14', 'totals.taxInclusive (BT-112)', t.taxInclusive],
		['BR-DEC-16', 'totals.paid (BT-113)', t.paid],
		['BR-DEC-18', 'totals.due (BT-115)', t.due],
		...invoice.vatBreakdown.flatMap((b): Array<[string, string, Decimal]> => [
			['BR-DEC-19', `vatBreakdown[${b.category}].taxableAmount (BT-116)`, b.taxableAmount],
			['BR-DEC-20', `vatBreakdown[${b.category}].taxAmount (BT-117)`, b.taxAmount],
		]),
	];
	for (const [rule, field, value] of amounts) {
		if (decimals(value) > 2) add('AMOUNT_DECIMALS', rule, field, `${value.toFixed()} has more than 2 decimals.`);
	}
}

/** BR-CO-10…17 and BR-S/Z/E/AE/IC/G/O-08/09: the breakdown and the totals are those the lines give. */
function checkArithmetic(invoice: Invoice, add: Add): void {
	if (invoice.lines.length === 0) return;
	try {
		const exemptionReasons: CompleteInvoiceOptions['exemptionReasons'] = {};
		for (const entry of invoice.vatBreakdown) {
			if (entry.exemptionReason) exemptionReasons[entry.category] = { text: entry.exemptionReason, code: entry.exemptionReasonCode };
		}
		const complete = completeInvoice(invoice, { paidAmount: invoice.totals.paid, exemptionReasons });
		const describe = (entries: Invoice['vatBreakdown']) =>
			entries.map((e) => `${e.category} ${e.rate?.toFixed() ?? '-'}: ${e.taxableAmount.toFixed()} / ${e.taxAmount.toFixed()}`).join(', ');
		if (describe(complete.vatBreakdown) !== describe(invoice.vatBreakdown)) {
			add(
				'INVOICE_TOTALS_INCONSISTENT',
				'BR-CO-17',
				'vatBreakdown (BG-23)',
				`The VAT breakdown is ${describe(invoice.vatBreakdown)} but the lines give ${describe(complete.vatBreakdown)}.`,
			);
		}
		const recomputed = complete.totals;
		const rules: Record<keyof typeof recomputed, string> = {
			lineNetTotal: 'BR-CO-10',
			taxExclusive: 'BR-CO-13',
			vatTotal: 'BR-CO-14',
			taxInclusive: 'BR-CO-15',
			paid: 'BR-DEC-16',
			due: 'BR-CO-16',
		};
		for (const key of Object.keys(recomputed) as Array<keyof typeof recomputed>) {
			if (!recomputed[key].equals(invoice.totals[key])) {
				add(
					'INVOICE_TOTALS_INCONSISTENT',
					rules[key],
					`totals.${key}`,
					`totals.${key} is ${invoice.totals[key].toFixed()} but the lines give ${recomputed[key].toFixed()}: build the invoice with completeInvoice().`,
				);
			}
		}
	} catch (error) {
		add('INVOICE_LINES_INVALID', 'BR-CO-17', 'lines (BG-25)', (error as Error).message);
	}
}

const CATEGORY_NAMES: Record<VatCategoryCode, string> = {
	S: 'standard rate',
	Z: 'zero rated',
	E: 'exempt',
	AE: 'reverse charge',
	K: 'intra-community supply',
	G: 'export outside the EU',
	O: 'not subject to VAT',
};

/** The VAT category rules BR-S/Z/E/AE/IC/G/O-*: identifiers, rates, exemption reasons, what may be mixed. */
function checkVatCategories(invoice: Invoice, add: Add): void {
	const categories = new Set<VatCategoryCode>(invoice.lines.map((line) => line.vat.category));
	const rule = (category: VatCategoryCode, n: string) => `BR-${category === 'K' ? 'IC' : category}-${n}`;
	for (const category of categories) {
		const name = `${category} (${CATEGORY_NAMES[category]})`;
		if (category !== 'O' && !invoice.seller.vatId) {
			add('SELLER_VAT_ID_MISSING', rule(category, '02'), 'seller.vatId (BT-31)', `Lines in VAT category ${name} need the seller VAT identifier.`);
		}
		// BR-AE-02 would take the buyer's legal registration instead; the VAT directive (art. 226(4)) does not.
		if ((category === 'AE' || category === 'K') && !invoice.buyer.vatId) {
			add('BUYER_VAT_ID_MISSING', rule(category, '02'), 'buyer.vatId (BT-48)', `Category ${category} (${CATEGORY_NAMES[category]}) needs the buyer VAT identifier.`);
		}
		if (!invoice.vatBreakdown.some((b) => b.category === category)) {
			add('VAT_BREAKDOWN_MISSING', rule(category, '01'), 'vatBreakdown (BG-23)', `Lines in category ${name} need a VAT breakdown in that category.`);
		}
	}
	for (const line of invoice.lines) {
		const { category, rate } = line.vat;
		const field = `lines[${line.id}].vat.rate (BT-152)`;
		if (category === 'S' && !(rate && rate.greaterThan(0))) add('LINE_VAT_RATE', 'BR-S-05', field, 'A standard-rated line needs a rate above 0.');
		if (['Z', 'E', 'AE', 'K', 'G'].includes(category) && !(rate && rate.isZero())) {
			add('LINE_VAT_RATE', rule(category, '05'), field, `A line in category ${category} is at 0 %.`);
		}
		if (category === 'O' && rate !== undefined) add('LINE_VAT_RATE', 'BR-O-05', field, 'A line not subject to VAT (O) has no VAT rate.');
	}
	for (const entry of invoice.vatBreakdown) {
		const field = `vatBreakdown[${entry.category}]`;
		if (entry.category === 'S' || entry.category === 'Z') {
			if (entry.exemptionReason || entry.exemptionReasonCode) {
				add('VAT_EXEMPTION_REASON_NOT_ALLOWED', rule(entry.category, '10'), `${field}.exemptionReason (BT-120)`, `Category ${entry.category} states no exemption reason.`);
			}
		} else if (!entry.exemptionReason && !entry.exemptionReasonCode) {
			add('VAT_EXEMPTION_REASON_MISSING', rule(entry.category, '10'), `${field}.exemptionReason (BT-120)`, `Category ${entry.category} (${CATEGORY_NAMES[entry.category]}) must state why no VAT is charged.`);
		}
		if (entry.exemptionReasonCode && !/^VATEX-[A-Z0-9-]+$/i.test(entry.exemptionReasonCode)) {
			add('VAT_EXEMPTION_REASON_CODE', 'BR-CL-22', `${field}.exemptionReasonCode (BT-121)`, `"${entry.exemptionReasonCode}" is not a VATEX code.`);
		}
		if (entry.category !== 'S' && !entry.taxAmount.isZero()) {
			add('VAT_AMOUNT_NOT_ZERO', rule(entry.category, '09'), `${field}.taxAmount (BT-117)`, `Category ${entry.category} carries no VAT amount.`);
		}
		if (entry.category === 'O' ? entry.rate !== undefined : entry.rate === undefined) {
			add('VAT_BREAKDOWN_RATE', entry.category === 'O' ? 'BR-O-09' : 'BR-48', `${field}.rate (BT-119)`, entry.category === 'O' ? 'Category O has no rate.' : 'A VAT breakdown needs its rate.');
		}
	}
	if (categories.has('K')) {
		if (!invoice.period && !invoice.deliveryDate && !invoice.lines.every((line) => line.period)) {
			add('INVOICE_PERIOD_MISSING', 'BR-IC-11', 'period (BG-14)', 'An intra-community supply (K) needs the delivery date or the invoicing period (BR-IC-11).');
		}
		if (!invoice.deliverTo?.address.countryCode) {
			add('DELIVER_TO_COUNTRY_MISSING', 'BR-IC-12', 'deliverTo.address.countryCode (BT-80)', 'An intra-community supply (K) needs the deliver-to country (BR-IC-12).');
		}
	}
	if (categories.has('O')) {
		if (categories.size > 1) {
			add('VAT_CATEGORY_O_MIXED', 'BR-O-11', 'lines[].vat.category (BT-151)', 'Category O (not subject to VAT) cannot be mixed with other categories (BR-O-11).');
		}
		if (invoice.seller.vatId || invoice.buyer.vatId) {
			add('VAT_ID_WITH_CATEGORY_O', 'BR-O-02', 'seller.vatId / buyer.vatId', 'An invoice outside the scope of VAT (O) carries no VAT identifiers (BR-O-02).');
		}
	}
}

/** French sellers: the warnings of French law that are not EN 16931 errors. */
function checkFrenchSeller(invoice: Invoice, add: Add): void {
	if (invoice.seller.address.countryCode !== 'FR') return;
	if (invoice.seller.legalRegistrationId?.scheme !== '0002') {
		add('FR_SELLER_SIREN_MISSING', 'BR-FR-10', 'seller.legalRegistrationId (BT-30)', 'A French seller states its SIREN (scheme 0002).', 'warning');
	}
	for (const note of FRENCH_NOTE_SUBJECTS) {
		if (!invoice.notes.some((n) => n.subjectCode === note.code)) {
			add(
				'FR_MANDATORY_NOTE_MISSING',
				'BR-FR-05',
				`notes (BG-1, subject ${note.code})`,
				`A French invoice states ${note.what}: add a note with subject code ${note.code}.`,
				'warning',
			);
		}
	}
}

const addressComplete = (address: PostalAddress) => Boolean(address.city?.trim() && address.postCode?.trim());

function checkPeppol(invoice: Invoice, add: Add): void {
	if (!invoice.buyerReference && !invoice.orderReference) {
		add('BUYER_REFERENCE_MISSING', 'PEPPOL-EN16931-R003', 'buyerReference (BT-10)', 'Peppol needs a buyer reference or a purchase order reference.');
	}
	for (const [role, party, rule, bt] of [
		['seller', invoice.seller, 'PEPPOL-EN16931-R020', 'BT-34'],
		['buyer', invoice.buyer, 'PEPPOL-EN16931-R010', 'BT-49'],
	] as const) {
		const endpoint = party.electronicAddress;
		if (!endpoint) {
			add('ELECTRONIC_ADDRESS_MISSING', rule, `${role}.electronicAddress (${bt})`, `Peppol addresses the ${role} by its electronic address (Peppol participant id).`);
		} else if (endpoint.scheme && !PEPPOL_EAS_SCHEMES.has(endpoint.scheme)) {
			add(
				'ELECTRONIC_ADDRESS_NOT_PEPPOL',
				'PEPPOL-EN16931-CL008',
				`${role}.electronicAddress.scheme (${bt}-1)`,
				`Scheme ${endpoint.scheme} is no Peppol participant scheme (e-mail is not): use e.g. 0208 or 9925 (Belgium), 0225 or 0009 (France), 9930 (Germany), 0106 or 0190 (Netherlands), 0088 (GLN).`,
			);
		}
	}
	for (const line of invoice.lines) {
		if (!invoice.period || !line.period) continue;
		if (line.period.start < invoice.period.start || line.period.end > invoice.period.end) {
			add('LINE_PERIOD_OUTSIDE_INVOICE_PERIOD', 'PEPPOL-EN16931-R110', `lines[${line.id}].period (BG-26)`, `The line period ${line.period.start}…${line.period.end} lies outside the invoicing period.`);
		}
	}
	for (const line of invoice.lines) {
		const expected = line.quantity.times(line.netPrice).dividedBy(line.baseQuantity ?? 1);
		if (expected.minus(line.netAmount).abs().greaterThan('0.02')) {
			add('LINE_AMOUNT_NOT_QUANTITY_TIMES_PRICE', 'PEPPOL-EN16931-R120', `lines[${line.id}].netAmount (BT-131)`, `${line.netAmount.toFixed()} is not quantity × price (${expected.toFixed()}).`);
		}
	}
	const seller = invoice.seller.address.countryCode;
	if (seller === 'DE' && invoice.buyer.address.countryCode === 'DE') checkGermanSeller(invoice, add, 'DE-R');
}

/** What XRechnung (BR-DE-*) and Peppol's German rules (DE-R-*) ask beyond EN 16931. */
function checkGermanSeller(invoice: Invoice, add: Add, prefix: 'BR-DE' | 'DE-R'): void {
	const id = (n: number) => (prefix === 'BR-DE' ? `BR-DE-${n}` : `DE-R-${String(n).padStart(3, '0')}`);
	if (!invoice.payment) add('PAYMENT_INSTRUCTIONS_MISSING', id(1), 'payment (BG-16)', 'XRechnung needs the payment instructions.');
	const contact = invoice.seller.contact;
	if (!contact?.name?.trim()) add('SELLER_CONTACT_NAME_MISSING', id(5), 'seller.contact.name (BT-41)', 'XRechnung needs the seller contact point (a person or department).');
	if (!contact?.telephone?.trim()) add('SELLER_CONTACT_TELEPHONE_MISSING', id(6), 'seller.contact.telephone (BT-42)', 'XRechnung needs the seller contact telephone number.');
	else if ((contact.telephone.match(/\d/g) ?? []).length < 3) {
		add('SELLER_CONTACT_TELEPHONE_FORMAT', id(27), 'seller.contact.telephone (BT-42)', 'The seller telephone should hold at least 3 digits.', 'warning');
	}
	if (!contact?.email?.trim()) add('SELLER_CONTACT_EMAIL_MISSING', id(7), 'seller.contact.email (BT-43)', 'XRechnung needs the seller contact e-mail address.');
	if (!addressComplete(invoice.seller.address)) add('SELLER_ADDRESS_INCOMPLETE', id(3), 'seller.address.city / postCode (BT-37, BT-38)', 'XRechnung needs the seller city and post code.');
	if (!addressComplete(invoice.buyer.address)) add('BUYER_ADDRESS_INCOMPLETE', id(8), 'buyer.address.city / postCode (BT-52, BT-53)', 'XRechnung needs the buyer city and post code.');
	if (invoice.deliverTo && !addressComplete(invoice.deliverTo.address)) {
		add('DELIVER_TO_ADDRESS_INCOMPLETE', id(10), 'deliverTo.address.city / postCode (BT-77, BT-78)', 'A deliver-to address needs its city and post code.');
	}
	if (!invoice.buyerReference?.trim()) add('BUYER_REFERENCE_MISSING', id(15), 'buyerReference (BT-10)', 'XRechnung needs the buyer reference (Leitweg-ID or the reference the buyer gave).');
	for (const entry of invoice.vatBreakdown) {
		if (entry.rate === undefined) add('VAT_BREAKDOWN_RATE', id(14), `vatBreakdown[${entry.category}].rate (BT-119)`, 'XRechnung needs a VAT rate on every breakdown (category O has none).');
	}
}

function checkFrenchCtc(invoice: Invoice, add: Add): void {
	if (invoice.currency !== 'EUR') {
		add('FR_CURRENCY_NOT_EUR', 'BR-FR-CO-12', 'currency (BT-5)', 'A document to a French platform in another currency needs the VAT in EUR (BT-6, BT-111), which is not supported: invoice in EUR.');
	}
	for (const note of FRENCH_NOTE_SUBJECTS) {
		const count = invoice.notes.filter((n) => n.subjectCode === note.code).length;
		if (count === 0) add('FR_MANDATORY_NOTE_MISSING', 'BR-FR-05', `notes (BG-1, subject ${note.code})`, `A French invoice states ${note.what}: add a note with subject code ${note.code}.`);
		if (count > 1) add('FR_NOTE_REPEATED', 'BR-FR-06', `notes (BG-1, subject ${note.code})`, `Subject code ${note.code} may appear once.`);
	}
	if (!invoice.businessProcess || !FRENCH_BILLING_FRAMEWORKS.includes(invoice.businessProcess)) {
		add('FR_BILLING_FRAMEWORK', 'BR-FR-08', 'businessProcess (BT-23)', `The billing framework must be one of ${FRENCH_BILLING_FRAMEWORKS.join(', ')} (B1 goods, S1 services, M1 mixed): set the seller's operationCategory.`);
	}
	const siren = invoice.seller.legalRegistrationId;
	if (siren?.scheme !== '0002' || !isValidSiren(siren.value)) {
		add('FR_SELLER_SIREN_MISSING', 'BR-FR-10', 'seller.legalRegistrationId (BT-30)', 'The seller SIREN (9 digits, scheme 0002) is mandatory on a French platform.');
	}
	for (const [role, party, rule, bt] of [
		['seller', invoice.seller, 'BR-FR-13', 'BT-34'],
		['buyer', invoice.buyer, 'BR-FR-12', 'BT-49'],
	] as const) {
		const endpoint = party.electronicAddress;
		if (!endpoint) add('ELECTRONIC_ADDRESS_MISSING', rule, `${role}.electronicAddress (${bt})`, `A French platform routes by the ${role}'s electronic address (scheme 0225, SIREN-based).`);
		else if (!/^[A-Za-z0-9\-_.]{1,125}$/.test(endpoint.value)) {
			add('ELECTRONIC_ADDRESS_FORMAT', 'BR-FR-23', `${role}.electronicAddress (${bt})`, `"${endpoint.value}" may hold only letters, digits, "-", "_" and "." (an e-mail address is not a platform address).`);
		}
	}
	const buyerSiren = invoice.buyer.legalRegistrationId;
	if (invoice.buyer.address.countryCode === 'FR' && (buyerSiren?.scheme !== '0002' || !isValidSiren(buyerSiren.value))) {
		add('FR_BUYER_SIREN_MISSING', 'BR-FR-11', 'buyer.legalRegistrationId (BT-47)', "The buyer's SIREN (scheme 0002) is a mandatory mention since the 2026 reform.");
	}
	if (invoice.dueDate && invoice.dueDate < invoice.issueDate) {
		add('FR_DUE_DATE_BEFORE_ISSUE', 'BR-FR-CO-07', 'dueDate (BT-9)', 'The due date cannot precede the issue date.');
	}
	if (invoice.typeCode === '381' && !invoice.precedingInvoices.some((ref) => ref.number && ref.issueDate)) {
		add('FR_CREDIT_NOTE_REFERENCE_DATE', 'BR-FR-CO-05', 'precedingInvoices[].issueDate (BT-26)', 'A credit note references the corrected invoice with its date.');
	}
	for (const line of invoice.lines) {
		if (decimals(line.quantity) > 4) {
			add('FR_QUANTITY_DECIMALS', 'BR-FR-DEC-02', `lines[${line.id}].quantity (BT-129)`, `${line.quantity.toFixed()} has more than 4 decimals.`);
		}
		if (decimals(line.netPrice) > 6) {
			add('FR_PRICE_DECIMALS', 'BR-FR-DEC-03', `lines[${line.id}].netPrice (BT-146)`, `${line.netPrice.toFixed()} has more than 6 decimals.`);
		}
	}
	for (const rate of new Set([...invoice.lines.map((l) => l.vat.rate), ...invoice.vatBreakdown.map((b) => b.rate)])) {
		if (rate !== undefined && !FRENCH_VAT_RATES.includes(rate.toFixed())) {
			add('FR_VAT_RATE', 'BR-FR-16', 'vatBreakdown[].rate (BT-119)', `${rate.toFixed()} % is not a French VAT rate.`);
		}
	}
}

/**
 * Every rule the document breaks, EN 16931 first, then its specification's (`invoice.specification`, or the one
 * given). Errors block issuing; warnings are for people.
 */
export function checkBusinessRules(invoice: Invoice, specification: EInvoiceSpecification = invoice.specification ?? 'en16931'): BusinessRuleViolation[] {
	const violations: BusinessRuleViolation[] = [];
	const seen = new Set<string>();
	const add: Add = (code, rule, field, message, severity = 'error') => {
		const key = `${code}|${rule}|${field}`;
		if (seen.has(key)) return;
		seen.add(key);
		violations.push({ code, rule, severity, field, message });
	};
	checkCore(invoice, add);
	checkLines(invoice, add);
	checkDecimals(invoice, add);
	checkArithmetic(invoice, add);
	checkVatCategories(invoice, add);
	if (specification === 'peppol') checkPeppol(invoice, add);
	if (specification === 'xrechnung') checkGermanSeller(invoice, add, 'BR-DE');
	if (specification === 'fr-ctc') checkFrenchCtc(invoice, add);
	else checkFrenchSeller(invoice, add);
	return violations;
}

/** The errors only: what keeps a document from being issued. */
export function blockingViolations(violations: readonly BusinessRuleViolation[]): BusinessRuleViolation[] {
	return violations.filter((v) => v.severity === 'error');
}

/** One line per violation, as an item's error message shows it. */
export function describeViolations(violations: readonly BusinessRuleViolation[]): string {
	return violations.map((v) => `${v.rule} ${v.field}: ${v.message}`).join(' | ');
}
