/**
 * Checks of an invoice before it is rendered: the EN16931 rules a model can break that the renderers cannot repair
 * (missing VAT ids, credit note without the invoice it corrects...), plus the French rules of the 2026 reform.
 * The official validator remains the judge of the rendered files; this catches the mistakes early, with the field.
 */
import { isValidCreditorReference } from './creditor-reference';
import type { Invoice, VatCategoryCode } from './model';
import { completeInvoice } from './totals';
import type { CompleteInvoiceOptions } from './totals';

export interface InvoiceProblem {
	/** Stable UPPER_SNAKE_CASE code. */
	code: string;
	/** error: the invoice must not be issued; warning: legal or practical risk, issue at your discretion. */
	severity: 'error' | 'warning';
	/** The model field concerned, with its EN16931 term. */
	field: string;
	message: string;
}

const INVOICE_NUMBER = /^[A-Za-z0-9+\-_/]{1,35}$/;
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

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

const FRENCH_NOTES: ReadonlyArray<{ code: string; what: string }> = [
	{ code: 'PMT', what: 'the €40 fixed recovery indemnity' },
	{ code: 'PMD', what: 'the late-payment penalty rate' },
	{ code: 'AAB', what: 'the early-payment discount terms (or "no discount")' },
];

export function checkInvoice(invoice: Invoice): InvoiceProblem[] {
	const problems: InvoiceProblem[] = [];
	const add = (code: string, field: string, message: string, severity: 'error' | 'warning' = 'error') =>
		problems.push({ code, severity, field, message });

	if (!INVOICE_NUMBER.test(invoice.number)) {
		add(
			'INVOICE_NUMBER_FORMAT',
			'number (BT-1)',
			`Invoice number "${invoice.number}" must be 1 to 35 characters of A-Z a-z 0-9 + - _ / (BR-FR-01/02).`,
		);
	}
	for (const [field, value] of [
		['issueDate (BT-2)', invoice.issueDate],
		['dueDate (BT-9)', invoice.dueDate],
		['period.start (BT-73)', invoice.period?.start],
		['period.end (BT-74)', invoice.period?.end],
		...(invoice.precedingInvoices.map((ref, i) => [`precedingInvoices[${i}].issueDate (BT-26)`, ref.issueDate]) as Array<
			[string, string | undefined]
		>),
	] as Array<[string, string | undefined]>) {
		if (value !== undefined && !isIsoDate(value)) add('INVOICE_DATE_FORMAT', field, `"${value}" is not a date YYYY-MM-DD.`);
	}
	if (invoice.period && invoice.period.end < invoice.period.start) {
		add('INVOICE_PERIOD_ORDER', 'period (BG-14)', 'The invoicing period ends before it starts (BR-CO-19).');
	}
	if (!/^[A-Z]{3}$/.test(invoice.currency)) {
		add('INVOICE_CURRENCY', 'currency (BT-5)', `"${invoice.currency}" is not an ISO 4217 currency code.`);
	}
	for (const [role, party] of [['seller', invoice.seller], ['buyer', invoice.buyer]] as const) {
		if (!party.name.trim()) add('PARTY_NAME_MISSING', `${role}.name`, `The ${role} needs a legal name.`);
		if (!/^[A-Z]{2}$/.test(party.address.countryCode)) {
			add('PARTY_COUNTRY_CODE', `${role}.address.countryCode`, `The ${role} country must be an ISO 3166-1 alpha-2 code.`);
		}
	}

	if (invoice.lines.length === 0) add('INVOICE_NO_LINES', 'lines (BG-25)', 'An invoice needs at least one line.');
	const lineIds = new Set<string>();
	for (const line of invoice.lines) {
		if (lineIds.has(line.id)) add('LINE_ID_DUPLICATE', `lines[${line.id}].id (BT-126)`, `Line id ${line.id} is used twice.`);
		lineIds.add(line.id);
		if (line.netPrice.isNegative()) {
			add(
				'LINE_NET_PRICE_NEGATIVE',
				`lines[${line.id}].netPrice (BT-146)`,
				'The item net price cannot be negative (BR-27): put the sign on the quantity.',
			);
		}
		if (line.period && line.period.end < line.period.start) {
			add('LINE_PERIOD_ORDER', `lines[${line.id}].period (BG-26)`, 'The line period ends before it starts (BR-30).');
		}
	}

	const categories = new Set<VatCategoryCode>(invoice.lines.map((line) => line.vat.category));
	const sellerNeedsVatId = ['S', 'Z', 'E', 'AE', 'K', 'G'].some((c) => categories.has(c as VatCategoryCode));
	if (sellerNeedsVatId && !invoice.seller.vatId) {
		add('SELLER_VAT_ID_MISSING', 'seller.vatId (BT-31)', 'Lines subject to VAT need the seller VAT identifier (BR-S-02 & co.).');
	}
	for (const category of ['AE', 'K'] as const) {
		if (categories.has(category) && !invoice.buyer.vatId) {
			add(
				'BUYER_VAT_ID_MISSING',
				'buyer.vatId (BT-48)',
				`Category ${category} (${category === 'AE' ? 'reverse charge' : 'intra-community supply'}) needs the buyer VAT identifier.`,
			);
		}
	}
	if (categories.has('K')) {
		if (!invoice.period && !invoice.lines.every((line) => line.period)) {
			add('INVOICE_PERIOD_MISSING', 'period (BG-14)', 'An intra-community supply (K) needs the invoicing period (BR-IC-11).');
		}
		if (!invoice.deliverToCountryCode) {
			add('DELIVER_TO_COUNTRY_MISSING', 'deliverToCountryCode (BT-80)', 'An intra-community supply (K) needs the deliver-to country (BR-IC-12).');
		}
	}
	if (categories.has('O')) {
		if (categories.size > 1) {
			add('VAT_CATEGORY_O_MIXED', 'lines[].vat.category (BT-151)', 'Category O (not subject to VAT) cannot be mixed with other categories (BR-O-11).');
		}
		if (invoice.seller.vatId || invoice.buyer.vatId) {
			add('VAT_ID_WITH_CATEGORY_O', 'seller.vatId / buyer.vatId', 'An invoice outside the scope of VAT (O) carries no VAT identifiers (BR-O-02).');
		}
	}

	if (invoice.precedingInvoices.length > 1) {
		add(
			'PRECEDING_INVOICES_MULTIPLE',
			'precedingInvoices (BG-3)',
			'The CII EN 16931 profile carries one preceding invoice: only the first is kept there (EXTENDED and UBL keep all).',
			'warning',
		);
	}
	if (invoice.typeCode === '381') {
		if (invoice.precedingInvoices.length === 0) {
			add(
				'CREDIT_NOTE_WITHOUT_INVOICE_REFERENCE',
				'precedingInvoices (BG-3)',
				'A credit note must reference the invoice it corrects (BT-25, BR-FR-CO-05).',
			);
		}
		if (invoice.totals.taxInclusive.isNegative()) {
			add(
				'CREDIT_NOTE_NEGATIVE_TOTAL',
				'totals.taxInclusive (BT-112)',
				'A credit note (381) states positive amounts: negate the lines of the credited CDRs.',
			);
		}
	}
	if (invoice.totals.due.greaterThan(0) && !invoice.dueDate && !invoice.paymentTerms) {
		add('PAYMENT_DUE_DATE_MISSING', 'dueDate (BT-9)', 'An amount due needs a due date or payment terms (BR-CO-25).');
	}
	if (invoice.payment) {
		if (!isValidIban(invoice.payment.iban)) {
			add('PAYMENT_IBAN_INVALID', 'payment.iban (BT-84)', `"${invoice.payment.iban}" is not a valid IBAN (check digits).`);
		}
		const reference = invoice.payment.remittanceInformation;
		if (reference && /^RF/i.test(reference) && !isValidCreditorReference(reference)) {
			add('PAYMENT_REFERENCE_INVALID', 'payment.remittanceInformation (BT-83)', `"${reference}" is not a valid ISO 11649 reference.`);
		}
	}

	// An invoice assembled by hand rather than by completeInvoice() may not add up.
	if (invoice.lines.length > 0) {
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
					'vatBreakdown (BG-23)',
					`The VAT breakdown is ${describe(invoice.vatBreakdown)} but the lines give ${describe(complete.vatBreakdown)}.`,
				);
			}
			const recomputed = complete.totals;
			for (const key of Object.keys(recomputed) as Array<keyof typeof recomputed>) {
				if (!recomputed[key].equals(invoice.totals[key])) {
					add(
						'INVOICE_TOTALS_INCONSISTENT',
						`totals.${key}`,
						`totals.${key} is ${invoice.totals[key].toFixed()} but the lines give ${recomputed[key].toFixed()}: build the invoice with completeInvoice().`,
					);
				}
			}
		} catch (error) {
			add('INVOICE_LINES_INVALID', 'lines (BG-25)', (error as Error).message);
		}
	}

	if (invoice.seller.address.countryCode === 'FR') {
		if (invoice.seller.legalRegistrationId?.scheme !== '0002') {
			add('FR_SELLER_SIREN_MISSING', 'seller.legalRegistrationId (BT-30)', 'A French seller states its SIREN (scheme 0002).', 'warning');
		}
		for (const note of FRENCH_NOTES) {
			if (!invoice.notes.some((n) => n.subjectCode === note.code)) {
				add(
					'FR_MANDATORY_NOTE_MISSING',
					`notes (BG-1, subject ${note.code})`,
					`A French invoice states ${note.what}: add a note with subject code ${note.code}.`,
					'warning',
				);
			}
		}
	}
	return problems;
}
