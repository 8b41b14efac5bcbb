/**
 * Test invoices built with the model directly (no CDR pricing): the shapes a CPO issues to eMSPs.
 */
import { createCreditorReference } from '../../lib/invoice/creditor-reference';
import type { Invoice, InvoiceDraft, InvoiceLine, InvoiceNote, Party, VatCategoryCode } from '../../lib/invoice/model';
import { completeInvoice } from '../../lib/invoice/totals';
import type { CompleteInvoiceOptions } from '../../lib/invoice/totals';
import { dec } from '../../lib/money';

export const SELLER: Party = {
	name: "Bornes Électriques de l'Ouest SAS",
	tradingName: 'BEO Charge',
	legalRegistrationId: { value: '123456782', scheme: '0002' },
	vatId: 'FR32123456782',
	electronicAddress: { value: '123456782', scheme: '0225' },
	address: { line1: '12 rue des Forges', line2: 'Bâtiment C', city: 'Nantes', postCode: '44000', countryCode: 'FR' },
	contact: { name: 'Service facturation', email: 'facturation@beo-charge.example' },
};

export const BUYER_FR: Party = {
	name: 'Mobilité Partagée France SA',
	legalRegistrationId: { value: '732829320', scheme: '0002' },
	vatId: 'FR40732829320',
	electronicAddress: { value: '732829320', scheme: '0225' },
	address: { line1: '8 avenue de la République', city: 'Lyon', postCode: '69002', countryCode: 'FR' },
};

export const BUYER_DE: Party = {
	name: 'Ladenetz Roaming GmbH',
	vatId: 'DE123456789',
	electronicAddress: { value: 'invoices@ladenetz-roaming.example', scheme: 'EM' },
	address: { line1: 'Hafenstraße 5', city: 'Hamburg', postCode: '20457', countryCode: 'DE' },
};

export const FRENCH_NOTES: InvoiceNote[] = [
	{
		subjectCode: 'PMD',
		text: "Pénalités de retard : trois fois le taux d'intérêt légal, exigibles dès le lendemain de l'échéance.",
	},
	{ subjectCode: 'PMT', text: 'Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €.' },
	{ subjectCode: 'AAB', text: 'Pas d’escompte pour paiement anticipé.' },
];

export interface CdrLineSpec {
	index: number;
	kwh: string;
	pricePerKwh?: string;
	category?: VatCategoryCode;
	rate?: string;
	/** Negative quantity: a corrective line. */
	sign?: 1 | -1;
	day?: string;
}

/** One line per CDR: energy in kWh, net = kWh × price (rounded by completeInvoice), CDR details as item attributes. */
export function cdrLine(spec: CdrLineSpec): InvoiceLine {
	const price = dec(spec.pricePerKwh ?? '0.3500');
	const quantity = dec(spec.kwh).times(spec.sign ?? 1);
	const day = spec.day ?? '2026-03-14';
	const cdrId = `FR-BEO-CDR-${String(spec.index).padStart(8, '0')}`;
	const startMinute = (spec.index * 7) % 600;
	const start = new Date(Date.UTC(2026, 2, Number(day.slice(8, 10)), 6, startMinute));
	const end = new Date(start.getTime() + (45 + (spec.index % 60)) * 60_000);
	const category = spec.category ?? 'S';
	return {
		id: String(spec.index),
		objectId: { value: cdrId },
		quantity,
		unitCode: 'KWH',
		netAmount: quantity.times(price),
		netPrice: price,
		period: { start: day, end: day },
		vat: { category, rate: category === 'S' ? dec(spec.rate ?? '20') : undefined },
		item: {
			name: 'Recharge véhicule électrique',
			sellersId: 'TARIFF-AC22-STD',
			attributes: [
				{ name: 'CDR ID', value: cdrId },
				{ name: 'Session start', value: start.toISOString().replace('.000Z', 'Z') },
				{ name: 'Session end', value: end.toISOString().replace('.000Z', 'Z') },
				{ name: 'EVSE ID', value: `FR*BEO*E${String(1000 + (spec.index % 97)).padStart(5, '0')}*1` },
				{ name: 'Contract ID', value: `FR-MPF-C${String(spec.index % 5000).padStart(8, '0')}-4` },
				{ name: 'Duration', value: `${Math.floor((end.getTime() - start.getTime()) / 60_000)} min` },
			],
		},
	};
}

function draft(overrides: Partial<InvoiceDraft> & Pick<InvoiceDraft, 'number' | 'lines'>): InvoiceDraft {
	return {
		issueDate: '2026-03-31',
		typeCode: '380',
		currency: 'EUR',
		dueDate: '2026-04-30',
		buyerReference: 'MPF-ROAMING',
		contractReference: 'ROAMING-2025-017',
		paymentTerms: 'Paiement à 30 jours par virement SEPA.',
		businessProcess: 'B1',
		notes: FRENCH_NOTES,
		precedingInvoices: [],
		seller: SELLER,
		buyer: BUYER_FR,
		payment: {
			meansCode: '58',
			remittanceInformation: createCreditorReference(overrides.number),
			iban: 'FR7630006000011234567890189',
			bic: 'AGRIFRPP',
			accountName: "Bornes Électriques de l'Ouest SAS",
		},
		...overrides,
	};
}

function complete(overrides: Partial<InvoiceDraft> & Pick<InvoiceDraft, 'number' | 'lines'>, options?: CompleteInvoiceOptions): Invoice {
	return completeInvoice(draft(overrides), options);
}

/** GIREVE style: one invoice for one CDR, FR seller and buyer, 20 % VAT. */
export function perCdrInvoice(index = 1): Invoice {
	return complete({
		number: `CDR-2026-${String(index).padStart(6, '0')}`,
		deliveryDate: '2026-03-14',
		lines: [cdrLine({ index, kwh: '23.456' })],
	});
}

/** Hubject style: one invoice per eMSP × month, lines at 20 % and 5.5 %. */
export function monthlyInvoice(lineCount = 40): Invoice {
	const lines: InvoiceLine[] = [];
	for (let i = 1; i <= lineCount; i++) {
		const day = `2026-03-${String(1 + (i % 31)).padStart(2, '0')}`;
		lines.push(cdrLine({ index: i, kwh: (5 + ((i * 37) % 600) / 7).toFixed(3), rate: i % 4 === 0 ? '5.5' : '20', day }));
	}
	return complete({ number: 'M-2026-03-000042', period: { start: '2026-03-01', end: '2026-03-31' }, lines });
}

/** FR seller, DE eMSP: reverse charge (AE), 0 %, mandatory exemption text, buyer VAT id. */
export function reverseChargeInvoice(): Invoice {
	return complete(
		{
			number: 'INT-2026-000007',
			buyer: BUYER_DE,
			buyerReference: undefined,
			period: { start: '2026-03-01', end: '2026-03-31' },
			lines: [1, 2, 3].map((index) => cdrLine({ index, kwh: `${10 + index}.125`, category: 'AE' })),
		},
		{ exemptionReasons: { AE: { text: 'Autoliquidation - Reverse charge', code: 'VATEX-EU-AE' } } },
	);
}

/** Intra-community supply (K): buyer VAT id, invoicing period and deliver-to country (BR-IC-02, -11, -12). */
export function intraCommunityInvoice(): Invoice {
	return complete({
		number: 'IC-2026-000002',
		buyer: BUYER_DE,
		buyerReference: undefined,
		period: { start: '2026-03-01', end: '2026-03-31' },
		deliverTo: { address: { line1: '20 boulevard Diderot', city: 'Paris', postCode: '75012', countryCode: 'FR' } },
		lines: [cdrLine({ index: 21, kwh: '30.5', category: 'K' })],
	});
}

/** Exempt (E) line next to a zero-rated (Z) line. */
export function exemptInvoice(): Invoice {
	const lines = [cdrLine({ index: 11, kwh: '12.5', category: 'E' }), cdrLine({ index: 12, kwh: '8', category: 'Z' })];
	return complete(
		{ number: 'EX-2026-000003', lines },
		{ exemptionReasons: { E: { text: 'Exonération de TVA, article 261 du CGI', code: 'VATEX-EU-132' } } },
	);
}

/** Full credit note (381) cancelling the per-CDR invoice: same lines, positive amounts, BT-25/26 set. */
export function creditNote(): Invoice {
	const original = perCdrInvoice(1);
	return complete({
		number: 'AV-2026-000001',
		typeCode: '381',
		issueDate: '2026-04-05',
		dueDate: '2026-04-05',
		paymentTerms: 'Montant porté au crédit du compte client.',
		payment: undefined,
		lines: original.lines,
		precedingInvoices: [{ number: original.number, issueDate: original.issueDate }],
	});
}

/** Partial credit note: one CDR of the monthly invoice disputed and credited. */
export function partialCreditNote(): Invoice {
	const original = monthlyInvoice();
	return complete({
		number: 'AV-2026-000002',
		typeCode: '381',
		issueDate: '2026-04-10',
		dueDate: '2026-04-10',
		lines: [{ ...original.lines[6], id: '1', note: 'CDR contesté : session interrompue' }],
		precedingInvoices: [{ number: original.number, issueDate: original.issueDate }],
	});
}

/** An invoice with a negative (corrective) line and a partial prepayment. */
export function correctiveInvoice(): Invoice {
	return complete(
		{
			number: 'CDR-2026-000099',
			lines: [cdrLine({ index: 99, kwh: '40.001' }), cdrLine({ index: 98, kwh: '3.333', sign: -1 })],
		},
		{ paidAmount: dec('5.00') },
	);
}

/** An invoice in yen (ISO 4217: no minor unit), lines at 10 % VAT: every amount a whole number of yen. */
export function yenInvoice(): Invoice {
	return complete({
		number: 'JP-2026-000001',
		currency: 'JPY',
		lines: [cdrLine({ index: 31, kwh: '23.456', pricePerKwh: '45.7', rate: '10' }), cdrLine({ index: 32, kwh: '7.891', pricePerKwh: '52.35', rate: '10' })],
	});
}

export const ALL_FIXTURES: Record<string, () => Invoice> = {
	'per-cdr': () => perCdrInvoice(1),
	monthly: () => monthlyInvoice(),
	'reverse-charge': reverseChargeInvoice,
	'intra-community': intraCommunityInvoice,
	exempt: exemptInvoice,
	'credit-note': creditNote,
	'partial-credit-note': partialCreditNote,
	corrective: correctiveInvoice,
	yen: yenInvoice,
};

/* ------------------------------------------------------------------ one document per network */

export const SELLER_DE: Party = {
	name: 'Ladenetz Nord GmbH',
	legalRegistrationId: { value: 'HRB 98765' },
	vatId: 'DE298765435',
	electronicAddress: { value: 'DE298765435', scheme: '9930' },
	address: { line1: 'Hohenzollernring 40', city: 'Köln', postCode: '50672', countryCode: 'DE' },
	contact: { name: 'Roaming-Abrechnung', telephone: '+49 221 123 4567', email: 'rechnung@ladenetz-nord.example' },
	additionalLegalInformation: 'GmbH, Stammkapital 25.000 EUR – Amtsgericht Köln HRB 98765',
};

export const BUYER_BE: Party = {
	name: 'E-Mobility Services SA',
	vatId: 'BE0403123486',
	legalRegistrationId: { value: '0403123486', scheme: '0208' },
	electronicAddress: { value: '0403123486', scheme: '0208' },
	address: { line1: 'Avenue Louise 250', city: 'Bruxelles', postCode: '1050', countryCode: 'BE' },
};

const SITE = { name: 'Parking Gare de Lyon - Diderot', address: { line1: '20 Boulevard Diderot', city: 'Paris', postCode: '75012', countryCode: 'FR' } };

/** Peppol BIS 3: French seller, Belgian eMSP (reverse charge), both on Peppol; the three French notes become one. */
export function peppolInvoice(): Invoice {
	return complete(
		{
			number: 'PEP-2026-000001',
			specification: 'peppol',
			buyer: BUYER_BE,
			buyerReference: 'BE*EMS',
			period: { start: '2026-03-01', end: '2026-03-31' },
			deliveryDate: '2026-03-14',
			lines: [1, 2].map((index) => cdrLine({ index, kwh: `${20 + index}.5`, category: 'AE' })),
		},
		{ exemptionReasons: { AE: { text: 'Autoliquidation', code: 'VATEX-EU-AE' } } },
	);
}

/** XRechnung 3.0: German seller and buyer, 19 %, the buyer's Leitweg-ID as BT-10, a seller contact with phone. */
export function xrechnungInvoice(): Invoice {
	return complete({
		number: 'LDN26-00042',
		specification: 'xrechnung',
		seller: SELLER_DE,
		buyer: { ...BUYER_DE, electronicAddress: { value: 'DE123456788', scheme: '9930' }, vatId: 'DE123456788' },
		buyerReference: '04011000-12345-34',
		businessProcess: undefined,
		notes: [],
		paymentTerms: 'Zahlbar innerhalb von 14 Tagen per SEPA-Überweisung.',
		period: { start: '2026-03-01', end: '2026-03-31' },
		deliveryDate: '2026-03-14',
		payment: {
			meansCode: '58',
			remittanceInformation: createCreditorReference('LDN26-00042'),
			iban: 'DE89370400440532013000',
			bic: 'COBADEFFXXX',
		},
		lines: [1, 2, 3].map((index) => cdrLine({ index, kwh: `${index}7.25`, rate: '19' })),
	});
}

/** A document for a French platform (fr-ctc): SIRENs, 0225 addresses, BT-23 S1, VAT on debits, the charging site. */
export function frenchPlatformInvoice(): Invoice {
	return complete({
		number: 'FR-2026-000001',
		specification: 'fr-ctc',
		businessProcess: 'S1',
		vatPointDateCode: '3',
		seller: { ...SELLER, additionalLegalInformation: 'SAS au capital de 150 000 EUR – RCS Nantes 123 456 782' },
		period: { start: '2026-03-01', end: '2026-03-31' },
		deliveryDate: '2026-03-14',
		deliverTo: SITE,
		lines: [1, 2, 3].map((index) => cdrLine({ index, kwh: `${index}3.125` })),
	});
}

/** Its credit note on the French platform: the corrected invoice with its date (BR-FR-CO-05). */
export function frenchPlatformCreditNote(): Invoice {
	const original = frenchPlatformInvoice();
	return complete({
		...original,
		number: 'FR-AV-2026-000001',
		typeCode: '381',
		issueDate: '2026-04-02',
		dueDate: '2026-04-02',
		lines: [{ ...original.lines[0], id: '1' }],
		precedingInvoices: [{ number: original.number, issueDate: original.issueDate }],
	});
}
