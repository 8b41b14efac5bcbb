/**
 * What the renderings say, read back from the XML and the PDF (the validator proves they are valid; this proves they
 * carry the right values).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CII_GUIDELINES, PEPPOL_CUSTOMIZATION_ID, renderAll, renderCii, renderFacturXPdf, renderUbl } from '../../lib/einvoice';
import type { Invoice, InvoiceLine } from '../../lib/invoice/model';
import { completeInvoice } from '../../lib/invoice/totals';
import { dec } from '../../lib/money';
import { cdrLine, creditNote, exemptInvoice, frenchPlatformInvoice, monthlyInvoice, partialCreditNote, perCdrInvoice, reverseChargeInvoice } from './fixtures';

const threeCorrected = [
	{ number: 'CDR-2026-000001', issueDate: '2026-03-31' },
	{ number: 'CDR-2026-000007', issueDate: '2026-04-30' },
	{ number: 'CDR-2026-000012', issueDate: '2026-05-31' },
];

function values(xml: string, element: string): string[] {
	return [...xml.matchAll(new RegExp(`<${element}(?: [^>]*)?>([^<]*)</${element}>`, 'g'))].map((m) => m[1]);
}

describe('CII', () => {
	it('states the per-CDR amounts to the cent: 23.456 kWh × 0.35 = 8.21, VAT 1.64, total 9.85', () => {
		const xml = renderCii(perCdrInvoice(1));
		expect(values(xml, 'ram:LineTotalAmount')).toEqual(['8.21', '8.21']);
		expect(values(xml, 'ram:BilledQuantity')).toEqual(['23.456']);
		expect(values(xml, 'ram:ChargeAmount')).toEqual(['0.35']);
		expect(values(xml, 'ram:CalculatedAmount')).toEqual(['1.64']);
		expect(values(xml, 'ram:TaxTotalAmount')).toEqual(['1.64']);
		expect(values(xml, 'ram:GrandTotalAmount')).toEqual(['9.85']);
		expect(values(xml, 'ram:DuePayableAmount')).toEqual(['9.85']);
		expect(values(xml, 'ram:IssuerAssignedID')).toContain('FR-BEO-CDR-00000001');
		expect(values(xml, 'ram:PaymentReference')).toEqual(['RF21CDR2026000001']);
		expect(xml).toContain(`<ram:ID>${CII_GUIDELINES.EN16931}</ram:ID>`);
	});

	it('switches the guideline for EXTENDED and repeats exemption reasons on the lines there', () => {
		const xml = renderCii(reverseChargeInvoice(), { profile: 'EXTENDED' });
		expect(xml).toContain('urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended');
		expect(values(xml, 'ram:ExemptionReasonCode')).toEqual(['VATEX-EU-AE', 'VATEX-EU-AE', 'VATEX-EU-AE', 'VATEX-EU-AE']);
		const en = renderCii(reverseChargeInvoice());
		expect(values(en, 'ram:ExemptionReasonCode')).toEqual(['VATEX-EU-AE']);
		expect(values(en, 'ram:ExemptionReason')).toEqual(['Autoliquidation - Reverse charge']);
	});

	it('writes one VAT breakdown per rate on the multi-rate monthly invoice', () => {
		const xml = renderCii(monthlyInvoice());
		expect(values(xml, 'ram:BasisAmount')).toEqual(['442.50', '184.50']);
		expect(values(xml, 'ram:CalculatedAmount')).toEqual(['88.50', '10.15']);
		expect(values(xml, 'ram:RateApplicablePercent').slice(-2)).toEqual(['20.00', '5.50']);
		expect(values(xml, 'ram:GrandTotalAmount')).toEqual(['725.65']);
	});

	it('references the corrected invoice from a credit note (381)', () => {
		const xml = renderCii(creditNote());
		expect(values(xml, 'ram:TypeCode')[0]).toBe('381');
		expect(xml).toMatch(/<ram:InvoiceReferencedDocument>\s*<ram:IssuerAssignedID>CDR-2026-000001<\/ram:IssuerAssignedID>/);
		expect(values(xml, 'qdt:DateTimeString')).toEqual(['20260331']);
		expect(values(xml, 'ram:GrandTotalAmount')).toEqual(['9.85']);
	});

	it('repeats BT-25 for every invoice a monthly credit note corrects (Factur-X XSD: unbounded), the first only when declaring XRechnung (D16B)', () => {
		const note = { ...creditNote(), precedingInvoices: threeCorrected };
		const xml = renderCii(note);
		expect(values(xml, 'ram:IssuerAssignedID').filter((id) => id.startsWith('CDR-'))).toEqual(threeCorrected.map((r) => r.number));
		expect(values(xml, 'qdt:DateTimeString')).toEqual(['20260331', '20260430', '20260531']);
		const declared = renderCii({ ...note, specification: 'xrechnung' }, { declareSpecification: true });
		expect(values(declared, 'qdt:DateTimeString')).toEqual(['20260331']);
	});

	it('states the exemption text for E and none for Z', () => {
		const xml = renderCii(exemptInvoice());
		expect(values(xml, 'ram:CategoryCode')).toEqual(['E', 'Z', 'E', 'Z']);
		expect(values(xml, 'ram:ExemptionReason')).toEqual(['Exonération de TVA, article 261 du CGI']);
	});
});

describe('UBL', () => {
	it('writes an Invoice declaring EN 16931 (it is not meant for Peppol) and the totals', () => {
		const xml = renderUbl(perCdrInvoice(1));
		expect(xml).toMatch(/^<\?xml[^>]*\?>\s*<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/);
		expect(values(xml, 'cbc:CustomizationID')).toEqual(['urn:cen.eu:en16931:2017']);
		expect(values(xml, 'cbc:CustomizationID')).not.toEqual([PEPPOL_CUSTOMIZATION_ID]);
		expect(values(xml, 'cbc:PayableAmount')).toEqual(['9.85']);
		expect(values(xml, 'cbc:DueDate')).toEqual(['2026-04-30']);
		expect(values(xml, 'cbc:Note')[0]).toMatch(/^#PMD#Pénalités/);
	});

	it('repeats cac:BillingReference for every invoice a monthly credit note corrects', () => {
		const xml = renderUbl({ ...creditNote(), precedingInvoices: threeCorrected });
		const references = [...xml.matchAll(/<cac:BillingReference>\s*<cac:InvoiceDocumentReference>\s*<cbc:ID>([^<]*)<\/cbc:ID>\s*<cbc:IssueDate>([^<]*)</g)];
		expect(references.map((m) => ({ number: m[1], issueDate: m[2] }))).toEqual(threeCorrected);
	});

	it('writes a CreditNote with CreditNoteLine, BillingReference, and BT-9 in PaymentMeans', () => {
		const xml = renderUbl(creditNote());
		expect(xml).toContain('<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"');
		expect(values(xml, 'cbc:CreditNoteTypeCode')).toEqual(['381']);
		expect(xml).toContain('<cac:CreditNoteLine>');
		expect(values(xml, 'cbc:CreditedQuantity')).toEqual(['23.456']);
		expect(xml).toMatch(/<cac:InvoiceDocumentReference>\s*<cbc:ID>CDR-2026-000001<\/cbc:ID>/);
		expect(values(xml, 'cbc:DueDate')).toEqual([]);
		// No payment instructions (BG-16) on this one: UBL has no other place for BT-9 in a CreditNote; the terms remain.
		expect(values(xml, 'cbc:PaymentDueDate')).toEqual([]);
		expect(xml).toMatch(/<cac:PaymentTerms>\s*<cbc:Note>Montant porté au crédit/);
		expect(values(renderUbl(partialCreditNote()), 'cbc:PaymentDueDate')).toEqual(['2026-04-10']);
	});
});

describe('Factur-X PDF', () => {
	const dir = mkdtempSync(join(tmpdir(), 'facturx-'));

	it('embeds exactly the CII of the invoice as factur-x.xml, with the Factur-X XMP', async () => {
		const invoice = perCdrInvoice(3);
		const pdf = await renderFacturXPdf(invoice, { creationDate: new Date('2026-03-31T10:00:00Z') });
		const file = join(dir, 'per-cdr.pdf');
		writeFileSync(file, pdf);
		expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
		const embedded = execFileSync('qpdf', ['--show-attachment=factur-x.xml', file], { encoding: 'utf8' });
		expect(embedded).toBe(renderCii(invoice, { prettyPrint: false }));
		const xmp = pdf.toString('latin1');
		expect(xmp).toContain('<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>');
		expect(xmp).toContain('<pdfaid:part>3</pdfaid:part>');
		expect(xmp).toContain('/AFRelationship /Alternative');
	});

	it('prints the invoice: number, CDR, totals, grouped IBAN and RF reference, page numbers', async () => {
		const pdf = await renderFacturXPdf(perCdrInvoice(1));
		const file = join(dir, 'text.pdf');
		writeFileSync(file, pdf);
		const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
		for (const expected of [
			'FACTURE',
			'CDR-2026-000001',
			'FR-BEO-CDR-00000001',
			'FR*BEO*E01001*1',
			'23,456',
			'9,85 EUR',
			'FR76 3000 6000 0112 3456 7890 189',
			'RF21 CDR2 0260 0000 1',
			'Indemnité forfaitaire',
			'Page 1 / 1',
		]) {
			expect(text).toContain(expected);
		}
	});

	it('does not ask for a transfer on a credit note, even when the model carries payment instructions', async () => {
		const file = join(dir, 'credit.pdf');
		writeFileSync(file, await renderFacturXPdf(partialCreditNote()));
		const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
		expect(text).toContain('AVOIR');
		expect(text).toContain('Avoir sur facture');
		expect(text).toContain('Montant à créditer');
		expect(text).not.toContain('FR76 3000');
		expect(text).not.toContain('Référence à rappeler');
	});

	it('prints every invoice a monthly credit note corrects', async () => {
		const file = join(dir, 'credit-three.pdf');
		writeFileSync(file, await renderFacturXPdf({ ...partialCreditNote(), precedingInvoices: threeCorrected }));
		const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
		for (const ref of threeCorrected) expect(text).toMatch(new RegExp(`Avoir sur facture\\s+${ref.number}`));
	});

	it('lays out in English on request, with English number formats', async () => {
		const file = join(dir, 'english.pdf');
		writeFileSync(file, await renderFacturXPdf(monthlyInvoice(), { language: 'en' }));
		const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
		for (const expected of ['INVOICE', 'Amount due', '725.65 EUR', '2026-04-30', 'Payment reference', 'Page 2 / 2']) {
			expect(text).toContain(expected);
		}
	});

	it('repeats the table header and numbers the pages of a long invoice', async () => {
		const pdf = await renderFacturXPdf(monthlyInvoice(200));
		const file = join(dir, 'long.pdf');
		writeFileSync(file, pdf);
		const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
		const pages = text.split('\f').filter((page) => page.trim());
		expect(pages.length).toBeGreaterThan(5);
		pages.forEach((page, i) => {
			expect(page).toContain('Montant HT');
			expect(page).toContain(`Page ${i + 1} / ${pages.length}`);
		});
	});

	it('renderAll shares one CII between the CII file and the PDF', async () => {
		const files = await renderAll(perCdrInvoice(5), ['facturx', 'cii', 'ubl']);
		expect(files.map((f) => f.fileName)).toEqual(['CDR-2026-000005.pdf', 'CDR-2026-000005.cii.xml', 'CDR-2026-000005.ubl.xml']);
		expect(files[1].data.toString('utf8')).toContain('<ram:ID>CDR-2026-000005</ram:ID>');
	});
});

describe('the PDF as a French accountant reads it', () => {
	const dir = mkdtempSync(join(tmpdir(), 'facturx-reader-'));
	const pdfText = async (invoice: Invoice, language?: 'fr' | 'en' | 'de') => {
		const file = join(dir, `${invoice.number}-${language ?? 'default'}.pdf`);
		writeFileSync(file, await renderFacturXPdf(invoice, { language, creationDate: new Date('2026-11-02T08:00:00Z') }));
		return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
	};
	const site = 'Parking souterrain de la gare de Lyon — niveau -2, accès par la rue de Bercy, 20 boulevard Diderot, 75012 Paris';

	/** Per-CDR lines as the builder writes them (C62, one session), out of date order, with the CDR's zone and kWh price. */
	function accountantInvoice(): Invoice {
		const line = (index: number, start: string, end: string): InvoiceLine => {
			const base = cdrLine({ index, kwh: '10.512' });
			return {
				...base,
				quantity: dec(1),
				unitCode: 'C62',
				netPrice: base.netAmount.toDecimalPlaces(2),
				item: {
					...base.item,
					attributes: [
						{ name: 'CDR ID', value: `FR-BEO-CDR-${index}` },
						{ name: 'Session start', value: start },
						{ name: 'Session end', value: end },
						{ name: 'EVSE ID', value: 'FR*BEO*E01001*1' },
						{ name: 'Énergie', value: '10.512 kWh' },
						{ name: 'Energy price', value: '0.35 EUR/kWh' },
						{ name: 'Time zone', value: 'Europe/Paris' },
						{ name: 'Charging site', value: site },
					],
				},
			};
		};
		return completeInvoice({
			...perCdrInvoice(9),
			lines: [
				line(1, '2026-07-14T06:07:00Z', '2026-07-14T07:37:00Z'), // summer time: UTC+2
				line(2, '2026-03-02T18:30:00Z', '2026-03-02T23:30:00Z'), // winter time: UTC+1, ends after midnight locally
			],
		});
	}

	it('fills the unit column, states the kWh price and the site, in the zone of the site, lines by date', async () => {
		const text = await pdfText(accountantInvoice());
		expect(text).toMatch(/1 unité\s+3,68/);
		expect(text).toContain('Prix du kWh 0,35 EUR/kWh');
		expect(text).toContain('02/03/2026 19:30 → 03/03/2026 00:30 Europe/Paris');
		expect(text).toContain('14/07/2026 08:07 → 09:37 Europe/Paris');
		expect(text.indexOf('FR-BEO-CDR-2')).toBeLessThan(text.indexOf('FR-BEO-CDR-1'));
	});

	it('cuts no detail: a long site is wrapped to the next row, never ended with "…"', async () => {
		const text = await pdfText(accountantInvoice());
		expect(text).not.toContain('…');
		const flat = text.replace(/\s+/g, ' ');
		expect(flat).toContain('accès par la rue de Bercy, 20 boulevard Diderot, 75012 Paris');
	});

	it('writes one decimal convention per language: no decimal point in French, no decimal comma in English', async () => {
		const french = await pdfText(accountantInvoice(), 'fr');
		expect(french).not.toMatch(/\d\.\d/);
		expect(french).toContain('10,512 kWh');
		const english = await pdfText(accountantInvoice(), 'en');
		expect(english).not.toMatch(/\d,\d{1,2}\b/);
		expect(english).toContain('10.512 kWh');
		expect(english).toContain('kWh price 0.35 EUR/kWh');
		const german = await pdfText(accountantInvoice(), 'de');
		expect(german).toContain('kWh-Preis 0,35 EUR/kWh');
		expect(german).toContain('02.03.2026 19:30 → 03.03.2026 00:30 Europe/Paris');
	});

	it('asks for no payment on a credit note: no due date, bank details, reference or amount due', async () => {
		const text = await pdfText(creditNote());
		expect(text).toContain('AVOIR');
		expect(text).toContain('Montant à créditer');
		for (const wording of ['Échéance', 'Net à payer', 'Référence à rappeler', 'Règlement par virement', 'IBAN']) expect(text).not.toContain(wording);
	});

	it('prints the French mentions: category of operation, VAT on debits, capital and RCS, the delivery site', async () => {
		const text = await pdfText(frenchPlatformInvoice());
		expect(text).toContain("Catégorie d'opération prestation de services (S1)");
		expect(text).toContain("option pour le paiement de la taxe d'après les débits");
		expect(text).toContain('SAS au capital de 150 000 EUR – RCS Nantes 123 456 782');
		expect(text).toContain('Lieu de livraison');
		expect(text).toContain('Parking Gare de Lyon - Diderot, 20 Boulevard Diderot');
	});
});
