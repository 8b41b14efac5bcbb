import { checkInvoice, isValidIban } from '../../lib/invoice/check';
import type { Invoice } from '../../lib/invoice/model';
import { completeInvoice } from '../../lib/invoice/totals';
import { dec } from '../../lib/money';
import {
	BUYER_DE,
	cdrLine,
	creditNote,
	exemptInvoice,
	intraCommunityInvoice,
	monthlyInvoice,
	partialCreditNote,
	perCdrInvoice,
	reverseChargeInvoice,
} from '../einvoice/fixtures';

const codes = (invoice: Invoice) => checkInvoice(invoice).map((p) => p.code);

describe('checkInvoice', () => {
	it('finds nothing wrong with the test invoices', () => {
		for (const invoice of [perCdrInvoice(), monthlyInvoice(), reverseChargeInvoice(), exemptInvoice(), creditNote(), partialCreditNote(), intraCommunityInvoice()]) {
			expect(checkInvoice(invoice)).toEqual([]);
		}
	});

	it('enforces the French invoice number format: ≤ 35 of A-Z a-z 0-9 + - _ /', () => {
		expect(codes({ ...perCdrInvoice(), number: 'FR-2026/03_A+1' })).toEqual([]);
		expect(codes({ ...perCdrInvoice(), number: 'FR 2026 001' })).toEqual(['INVOICE_NUMBER_FORMAT']);
		expect(codes({ ...perCdrInvoice(), number: 'A'.repeat(36) })).toEqual(['INVOICE_NUMBER_FORMAT']);
		expect(codes({ ...perCdrInvoice(), number: 'FACT#1' })).toEqual(['INVOICE_NUMBER_FORMAT']);
	});

	it('requires the buyer VAT id for reverse charge, naming the field', () => {
		const invoice = reverseChargeInvoice();
		const problems = checkInvoice({ ...invoice, buyer: { ...BUYER_DE, vatId: undefined } });
		expect(problems).toEqual([
			expect.objectContaining({ code: 'BUYER_VAT_ID_MISSING', severity: 'error', field: 'buyer.vatId (BT-48)' }),
		]);
	});

	it('requires period and deliver-to country for an intra-community supply (K)', () => {
		const invoice = intraCommunityInvoice();
		const lines = invoice.lines.map((l) => ({ ...l, period: undefined }));
		expect(codes({ ...invoice, period: undefined, lines, deliverTo: undefined })).toEqual([
			'INVOICE_PERIOD_MISSING',
			'DELIVER_TO_COUNTRY_MISSING',
		]);
	});

	it('requires the seller VAT id when VAT applies', () => {
		const invoice = perCdrInvoice();
		expect(codes({ ...invoice, seller: { ...invoice.seller, vatId: undefined } })).toEqual(['SELLER_VAT_ID_MISSING']);
	});

	it('requires a credit note to reference the invoice it corrects and to state positive amounts', () => {
		expect(codes({ ...creditNote(), precedingInvoices: [] })).toEqual(['CREDIT_NOTE_WITHOUT_INVOICE_REFERENCE']);
		const negative = completeInvoice({ ...creditNote(), lines: [cdrLine({ index: 1, kwh: '10', sign: -1 })] });
		expect(codes(negative)).toEqual(['CREDIT_NOTE_NEGATIVE_TOTAL']);
	});

	it('checks dates, due date or terms, IBAN and RF reference', () => {
		const invoice = perCdrInvoice();
		expect(codes({ ...invoice, issueDate: '2026-02-30' })).toEqual(['INVOICE_DATE_FORMAT']);
		expect(codes({ ...invoice, dueDate: undefined, paymentTerms: undefined })).toEqual(['PAYMENT_DUE_DATE_MISSING']);
		expect(codes({ ...invoice, payment: { ...invoice.payment!, iban: 'FR7630006000011234567890188' } })).toEqual([
			'PAYMENT_IBAN_INVALID',
		]);
		expect(codes({ ...invoice, payment: { ...invoice.payment!, remittanceInformation: 'RF19539007547034' } })).toEqual([
			'PAYMENT_REFERENCE_INVALID',
		]);
		expect(isValidIban('FR76 3000 6000 0112 3456 7890 189')).toBe(true);
		expect(isValidIban('DE89370400440532013000')).toBe(true);
	});

	it('detects totals that do not add up (an invoice not built by completeInvoice)', () => {
		const invoice = perCdrInvoice();
		const tampered = { ...invoice, totals: { ...invoice.totals, taxInclusive: dec('9.86'), due: dec('9.86') } };
		expect(checkInvoice(tampered).map((p) => `${p.code} ${p.field}`)).toEqual([
			'INVOICE_TOTALS_INCONSISTENT totals.taxInclusive',
			'INVOICE_TOTALS_INCONSISTENT totals.due',
		]);
	});

	it('warns when a French seller omits the mandatory notes or its SIREN', () => {
		const invoice = perCdrInvoice();
		const problems = checkInvoice({ ...invoice, notes: invoice.notes.filter((n) => n.subjectCode !== 'PMT') });
		expect(problems).toEqual([
			expect.objectContaining({ code: 'FR_MANDATORY_NOTE_MISSING', severity: 'warning', field: 'notes (BG-1, subject PMT)' }),
		]);
		const noSiren = { ...invoice, seller: { ...invoice.seller, legalRegistrationId: undefined } };
		expect(codes(noSiren)).toEqual(['FR_SELLER_SIREN_MISSING']);
	});
});
