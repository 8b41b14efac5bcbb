import { renderTemplate, DEFAULT_BODY, DEFAULT_SUBJECT } from '../../lib/delivery/templates';
import type { InvoiceSummaryJson } from '../../lib/invoice/summary';

const invoice: InvoiceSummaryJson = {
	kind: 'ev-clearing.invoice',
	number: 'LDN26-00001',
	typeCode: '380',
	issueDate: '2026-11-02',
	dueDate: '2026-11-16',
	language: 'de',
	currency: 'EUR',
	period: { start: '2026-10-01', end: '2026-10-31' },
	seller: { name: 'Ladenetz Nord GmbH', vatId: 'DE298765435' },
	buyer: { name: 'ChargePoint Partner GmbH', vatId: 'DE123456788', countryCode: 'DE', ocpiParty: 'DE*CHP', email: 'r@cp.example' },
	totals: { withoutVat: '81.77', vat: '15.54', withVat: '97.31', due: '97.31' },
	vatBreakdown: [],
	paymentReference: 'RF71LDN2600001',
	correctsInvoiceNumber: null,
	correctsInvoiceNumbers: [],
	cdrIds: ['A'],
	lineCount: 1,
	files: {},
	recovered: false,
};

const mail = (summary: InvoiceSummaryJson) => ({
	subject: renderTemplate(DEFAULT_SUBJECT, summary, 'subject'),
	body: renderTemplate(DEFAULT_BODY, summary, 'body'),
});

describe('the default e-mail speaks the document\'s language', () => {
	it('German, with German dates and decimal comma', () => {
		const { subject, body } = mail(invoice);
		expect(subject).toBe('Rechnung LDN26-00001 von Ladenetz Nord GmbH');
		expect(body).toContain('anbei erhalten Sie unsere Rechnung LDN26-00001 vom 02.11.2026 über 97,31 EUR brutto (fällig am 16.11.2026).');
		expect(body).toContain('Verwendungszweck RF71LDN2600001');
	});

	it('English by default for a summary without a language (an item from an older run)', () => {
		const { subject, body } = mail({ ...invoice, language: undefined as never });
		expect(subject).toBe('Invoice LDN26-00001 from Ladenetz Nord GmbH');
		expect(body).toContain('for 97.31 EUR (due 2026-11-16)');
	});

	it('a credit note asks for no payment, in every language', () => {
		for (const language of ['fr', 'de', 'en'] as const) {
			const credit = { ...invoice, language, typeCode: '381' as const, number: 'EVC-AV-2026-000001', correctsInvoiceNumber: 'EVC-2026-000003', correctsInvoiceNumbers: ['EVC-2026-000003'] };
			const { subject, body } = mail(credit);
			expect(subject).toMatch(/^(Avoir|Gutschrift|Credit note) EVC-AV-2026-000001/);
			expect(body).toContain('EVC-2026-000003');
			expect(body).not.toMatch(/RF71|référence de paiement|Verwendungszweck|payment reference|échéance|fällig|due /);
		}
	});

	it('a monthly credit note names every invoice it corrects', () => {
		const credit = {
			...invoice,
			typeCode: '381' as const,
			number: 'EVC-AV-2026-000002',
			correctsInvoiceNumber: 'EVC-2026-000003',
			correctsInvoiceNumbers: ['EVC-2026-000003', 'EVC-2026-000007', 'EVC-2026-000011'],
		};
		expect(mail({ ...credit, language: 'fr' }).body).toContain('sur les factures EVC-2026-000003, EVC-2026-000007, EVC-2026-000011.');
		expect(mail({ ...credit, language: 'de' }).body).toContain('zu den Rechnungen EVC-2026-000003, EVC-2026-000007, EVC-2026-000011.');
		expect(mail({ ...credit, language: 'en' }).body).toContain('on invoices EVC-2026-000003, EVC-2026-000007, EVC-2026-000011.');
	});
});
