/**
 * Documents valid for the network they travel on, judged by the networks' own rules: Peppol BIS 3 and XRechnung 3.0
 * (`validate-einvoice --rules`), the French BR-FR rules of Factur-X 1.09 (SaxonJS). And the in-process business rules
 * (lib/invoice/business-rules.ts) against the official validators on documents broken on purpose: what the validator
 * refuses, the in-process check refuses before numbering, under the same rule id.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { renderAll, renderCii, renderUbl } from '../../lib/einvoice';
import { checkBusinessRules } from '../../lib/invoice/business-rules';
import { disputeCreditNote } from '../../lib/invoice/credit-note';
import type { Invoice } from '../../lib/invoice/model';
import { EN16931_ID, PEPPOL_CUSTOMIZATION_ID, XRECHNUNG_ID } from '../../lib/invoice/specification';
import { completeInvoice } from '../../lib/invoice/totals';
import { dec } from '../../lib/money';
import { fatalFindings, fatalIds, VALIDATOR, validateEInvoices } from '../helpers/einvoice-validator';
import { sharedAvailable } from '../helpers/shared-folder';
import type { RuleLayer, Verdict } from '../helpers/einvoice-validator';
import { frenchFatalIds, frenchRulesAvailable, frenchRulesChecker } from '../helpers/french-rules';
import {
	BUYER_DE,
	cdrLine,
	frenchPlatformCreditNote,
	frenchPlatformInvoice,
	intraCommunityInvoice,
	peppolInvoice,
	perCdrInvoice,
	reverseChargeInvoice,
	xrechnungInvoice,
} from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'networks-'));
const describeShared = sharedAvailable(VALIDATOR, 'the network validator tests (Peppol, XRechnung, BR-FR)') ? describe : describe.skip;

function values(xml: string, element: string): string[] {
	return [...xml.matchAll(new RegExp(`<${element}(?: [^>]*)?>([^<]*)</${element}>`, 'g'))].map((m) => m[1]);
}

/** BG-1 of a UBL: the cbc:Note elements of the document itself (PaymentTerms has its own cbc:Note). */
const documentNotes = (ubl: string) => values(ubl.slice(0, ubl.indexOf('<cbc:DocumentCurrencyCode>')), 'cbc:Note');

async function validate(name: string, xml: string, rules: RuleLayer[]): Promise<Verdict> {
	const file = join(dir, name);
	writeFileSync(file, xml);
	return (await validateEInvoices([file], { rules }))[0];
}

const errors = (invoice: Invoice) => checkBusinessRules(invoice).filter((v) => v.severity === 'error');

describe('what each document declares (BT-24, BT-23)', () => {
	it('declares Peppol BIS 3 only on a document for Peppol, and merges its notes into the one Peppol allows', () => {
		const peppol = renderUbl(peppolInvoice());
		expect(values(peppol, 'cbc:CustomizationID')).toEqual([PEPPOL_CUSTOMIZATION_ID]);
		expect(values(peppol, 'cbc:ProfileID')).toEqual(['urn:fdc:peppol.eu:2017:poacc:billing:01:1.0']);
		expect(documentNotes(peppol)).toHaveLength(1);
		expect(documentNotes(peppol)[0]).toContain('Indemnité forfaitaire');
		const plain = renderUbl(perCdrInvoice(1));
		expect(values(plain, 'cbc:CustomizationID')).toEqual([EN16931_ID]);
		expect(values(plain, 'cbc:ProfileID')).toEqual(['B1']);
		expect(documentNotes(plain)).toHaveLength(3);
	});

	it('declares XRechnung 3.0 in the UBL and the CII file, and keeps the Factur-X profile in the PDF', async () => {
		const invoice = xrechnungInvoice();
		expect(values(renderUbl(invoice), 'cbc:CustomizationID')).toEqual([XRECHNUNG_ID]);
		const files = await renderAll(invoice, ['facturx', 'cii']);
		expect(files[1].data.toString()).toContain(`<ram:ID>${XRECHNUNG_ID}</ram:ID>`);
		expect(renderCii(invoice)).toContain('<ram:ID>urn:cen.eu:en16931:2017</ram:ID>');
	});

	it('states the French 2026 mentions: BT-23 S1, BT-8 VAT on debits, BT-33 capital and RCS, the charging site', () => {
		const invoice = frenchPlatformInvoice();
		const ubl = renderUbl(invoice);
		expect(values(ubl, 'cbc:ProfileID')).toEqual(['S1']);
		expect(values(ubl, 'cbc:DescriptionCode')).toEqual(['3']);
		expect(values(ubl, 'cbc:CompanyLegalForm')).toEqual(['SAS au capital de 150 000 EUR – RCS Nantes 123 456 782']);
		expect(ubl).toMatch(/<cac:Delivery>\s*<cbc:ActualDeliveryDate>2026-03-14<\/cbc:ActualDeliveryDate>\s*<cac:DeliveryLocation>\s*<cac:Address>\s*<cbc:StreetName>20 Boulevard Diderot</);
		const cii = renderCii(invoice);
		expect(values(cii, 'ram:DueDateTypeCode')).toEqual(['5']);
		expect(cii).toMatch(/<ram:SellerTradeParty>\s*<ram:Name>[^<]+<\/ram:Name>\s*<ram:Description>SAS au capital de 150 000 EUR – RCS Nantes 123 456 782</);
		expect(cii).toMatch(/<ram:ShipToTradeParty>\s*<ram:Name>Parking Gare de Lyon - Diderot<\/ram:Name>/);
		expect(values(cii, 'ram:ID')).toContain('S1');
	});
});

describeShared('documents judged by their network\'s official rules', () => {
	let check: (xml: string) => ReturnType<ReturnType<typeof frenchRulesChecker>>;
	beforeAll(() => {
		check = frenchRulesChecker();
	}, 180_000);

	it('passes Peppol BIS 3 (--rules peppol) with 0 fatal and no warning', async () => {
		const verdict = await validate('peppol.ubl.xml', renderUbl(peppolInvoice()), ['peppol']);
		expect([verdict.fatal, fatalFindings(verdict)]).toEqual([0, '']);
		expect(verdict.warnings).toBe(0);
	}, 60_000);

	it('passes XRechnung 3.0 (--rules xrechnung) in CII and UBL with 0 fatal and no warning on the identifier', async () => {
		const invoice = xrechnungInvoice();
		const [cii] = (await renderAll(invoice, ['cii'])).map((f) => f.data.toString());
		for (const [name, xml] of [['x.cii.xml', cii], ['x.ubl.xml', renderUbl(invoice)]]) {
			const verdict = await validate(name, xml, ['xrechnung']);
			expect([name, fatalFindings(verdict)]).toEqual([name, '']);
			expect(verdict.issues.map((i) => i.id)).not.toContain('BR-DE-21');
		}
	}, 60_000);

	it('passes the French BR-FR rules (Factur-X 1.09, SaxonJS) with 0 fatal, invoice and credit note', () => {
		expect(frenchRulesAvailable()).toBe(true);
		expect(frenchFatalIds(check(renderUbl(frenchPlatformInvoice())))).toEqual([]);
		expect(frenchFatalIds(check(renderUbl(frenchPlatformCreditNote())))).toEqual([]);
	});

	it('keeps a dispute credit note on its invoice\'s network: French platform and Peppol, 0 fatal', async () => {
		const french = disputeCreditNote(frenchPlatformInvoice(), { kind: 'amount', amountWithVat: dec('12.00') }, { number: 'FR-AV-2026-000002', issueDate: '2026-04-03', reason: 'Dispute D-1 accepted.' });
		expect(french.specification).toBe('fr-ctc');
		expect(errors(french)).toEqual([]);
		expect(frenchFatalIds(check(renderUbl(french)))).toEqual([]);
		const peppol = disputeCreditNote(peppolInvoice(), { kind: 'cdrs', cdrIds: ['FR-BEO-CDR-00000001'] }, { number: 'PEP-AV-2026-000001', issueDate: '2026-04-03', reason: 'Dispute D-2 accepted.' });
		expect(errors(peppol)).toEqual([]);
		const verdict = await validate('peppol-credit.ubl.xml', renderUbl(peppol), ['peppol']);
		expect([verdict.fatal, fatalFindings(verdict)]).toEqual([0, '']);
	}, 60_000);

	it('catches a missing mandatory note with the French rules, as the in-process check does (control)', () => {
		const invoice = frenchPlatformInvoice();
		const broken = { ...invoice, notes: invoice.notes.filter((n) => n.subjectCode !== 'PMT') };
		expect(frenchFatalIds(check(renderUbl(broken)))).toEqual(['BR-FR-05_BT-22-1']);
		expect(errors(broken).map((v) => v.rule)).toEqual(['BR-FR-05']);
	});

	/**
	 * Each case breaks one rule on a valid document; the in-process check and the official validator must both refuse
	 * it, under the rule id the validator uses (BR-FR ids are prefixes of the stylesheet's assertion ids).
	 */
	const cases: Array<{ name: string; invoice: () => Invoice; rule: string; layer?: RuleLayer | 'fr'; syntax?: 'cii' }> = [
		{ name: 'seller VAT id removed (S)', invoice: () => ({ ...perCdrInvoice(1), seller: { ...perCdrInvoice(1).seller, vatId: undefined } }), rule: 'BR-S-02' },
		{ name: 'buyer VAT id removed (AE)', invoice: () => ({ ...reverseChargeInvoice(), buyer: { ...BUYER_DE, vatId: undefined } }), rule: 'BR-AE-02' },
		{ name: 'deliver-to country removed (K)', invoice: () => ({ ...intraCommunityInvoice(), deliverTo: undefined }), rule: 'BR-IC-12', syntax: 'cii' },
		{ name: 'grand total off by a cent', invoice: () => ({ ...perCdrInvoice(1), totals: { ...perCdrInvoice(1).totals, taxInclusive: dec('9.86') } }), rule: 'BR-CO-15' },
		{ name: 'negative item price', invoice: () => negativePrice(), rule: 'BR-27' },
		{ name: 'Peppol buyer addressed by e-mail', invoice: () => ({ ...peppolInvoice(), buyer: { ...peppolInvoice().buyer, electronicAddress: { value: 'billing@ems.example', scheme: 'EM' } } }), rule: 'PEPPOL-EN16931-CL008', layer: 'peppol' },
		{ name: 'Peppol buyer without address', invoice: () => ({ ...peppolInvoice(), buyer: { ...peppolInvoice().buyer, electronicAddress: undefined } }), rule: 'PEPPOL-EN16931-R010', layer: 'peppol' },
		{ name: 'XRechnung seller without telephone', invoice: () => ({ ...xrechnungInvoice(), seller: { ...xrechnungInvoice().seller, contact: { name: 'Roaming-Abrechnung', email: 'rechnung@ladenetz-nord.example' } } }), rule: 'BR-DE-6', layer: 'xrechnung' },
		{ name: 'XRechnung without buyer reference', invoice: () => ({ ...xrechnungInvoice(), buyerReference: undefined }), rule: 'BR-DE-15', layer: 'xrechnung' },
		{ name: 'French platform without billing framework', invoice: () => ({ ...frenchPlatformInvoice(), businessProcess: undefined }), rule: 'BR-FR-08', layer: 'fr' },
		{ name: 'French platform without seller SIREN', invoice: () => ({ ...frenchPlatformInvoice(), seller: { ...frenchPlatformInvoice().seller, legalRegistrationId: undefined } }), rule: 'BR-FR-10', layer: 'fr' },
		{ name: 'French platform address with an @', invoice: () => ({ ...frenchPlatformInvoice(), buyer: { ...frenchPlatformInvoice().buyer, electronicAddress: { value: '732829320@mpf', scheme: '0225' } } }), rule: 'BR-FR-23', layer: 'fr' },
	];

	/** One validator run per rule layer for all the broken documents (a JVM start costs seconds). */
	const verdicts = new Map<string, Verdict>();
	beforeAll(async () => {
		for (const layer of [undefined, 'peppol', 'xrechnung'] as const) {
			const files = cases
				.filter((c) => c.layer === layer)
				.map((c) => {
					const broken = c.invoice();
					const file = join(dir, `broken-${c.rule}.${c.syntax ?? 'ubl'}.xml`);
					writeFileSync(file, c.syntax === 'cii' ? renderCii(broken) : renderUbl(broken));
					return file;
				});
			for (const verdict of await validateEInvoices(files, { rules: layer ? [layer] : [] })) verdicts.set(verdict.file, verdict);
		}
	}, 180_000);

	it.each(cases)('refuses in process what the validator refuses: $name → $rule', ({ invoice, rule, layer, syntax }) => {
		const broken = invoice();
		expect(errors(broken).map((v) => v.rule)).toContain(rule);
		if (layer === 'fr') {
			expect(frenchFatalIds(check(renderUbl(broken))).some((id) => id.startsWith(rule))).toBe(true);
			return;
		}
		expect(fatalIds(verdicts.get(join(dir, `broken-${rule}.${syntax ?? 'ubl'}.xml`))!)).toContain(rule);
	});
});

function negativePrice(): Invoice {
	const invoice = perCdrInvoice(2);
	const line = cdrLine({ index: 2, kwh: '-10', pricePerKwh: '-0.35' });
	return completeInvoice({ ...invoice, lines: [line] });
}
