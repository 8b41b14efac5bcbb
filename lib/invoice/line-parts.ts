/**
 * What an invoice line is made of, shared by per-CDR lines (build.ts) and aggregated monthly lines
 * (aggregated-lines.ts): a CDR's breakdown by VAT treatment, the words of the line names, and the unit of each price
 * component (UN/ECE Rec 20: KWH kilowatt-hour, HUR hour, C62 one).
 */
import { dec, ZERO } from '../money';
import type { Decimal } from '../money';
import type { PricedCdr } from '../pricing';
import type { BreakdownLine } from '../tariff/price-session';
import type { InvoicingConfig, PartnerConfig } from './config';
import type { DocumentLanguage, LineVat } from './model';

export interface VatGroup {
	vat: LineVat;
	lines: BreakdownLine[];
	excl: Decimal;
}

export function lineVat(vatPercent: number | null, partner: PartnerConfig, config: InvoicingConfig): LineVat {
	if (partner.vatRegime === 'reverse_charge') return { category: 'AE', rate: ZERO };
	if (vatPercent === null) return config.invoicing.noVatCategory === 'O' ? { category: 'O' } : { category: 'E', rate: ZERO };
	if (vatPercent === 0) return { category: 'Z', rate: ZERO };
	return { category: 'S', rate: dec(vatPercent) };
}

export const vatKey = (v: LineVat) => `${v.category}|${v.rate?.toFixed() ?? ''}`;

/**
 * The CDR's breakdown by VAT treatment. A min/max price adjustment carries no VAT of its own: it joins the group of
 * the CDR's largest amount (docs/pricing-choices.md).
 */
export function vatGroups(p: PricedCdr, partner: PartnerConfig, config: InvoicingConfig, sign: 1 | -1): VatGroup[] {
	const groups = new Map<string, VatGroup>();
	const adjustments: BreakdownLine[] = [];
	for (const line of p.breakdown) {
		if (line.category === 'price_limit') {
			adjustments.push(line);
			continue;
		}
		const vat = lineVat(line.vat, partner, config);
		const key = vatKey(vat);
		const group = groups.get(key) ?? { vat, lines: [], excl: ZERO };
		group.lines.push(line);
		group.excl = group.excl.plus(line.excl.times(sign));
		groups.set(key, group);
	}
	if (adjustments.length > 0) {
		let target = [...groups.values()].sort((a, b) => b.excl.abs().cmp(a.excl.abs()))[0];
		if (!target) {
			const vat = lineVat(null, partner, config);
			target = { vat, lines: [], excl: ZERO };
			groups.set(vatKey(vat), target);
		}
		for (const a of adjustments) {
			target.lines.push(a);
			target.excl = target.excl.plus(a.excl.times(sign));
		}
	}
	return [...groups.values()];
}

export type Language = DocumentLanguage;

export const WORDS: Record<Language, Record<string, string>> = {
	en: {
		session: 'Charging session',
		energy: 'Energy',
		time: 'Charging time',
		parking: 'Parking time',
		fixed: 'Session fee',
		reservation: 'Reservation',
		price_limit: 'Tariff minimum/maximum price adjustment',
		sessions: 'Sessions',
	},
	de: {
		session: 'Ladevorgang',
		energy: 'Energie',
		time: 'Ladezeit',
		parking: 'Parkzeit',
		fixed: 'Startgebühr',
		reservation: 'Reservierung',
		price_limit: 'Anpassung an Mindest-/Höchstpreis des Tarifs',
		sessions: 'Ladevorgänge',
	},
	fr: {
		session: 'Session de recharge',
		energy: 'Énergie',
		time: 'Temps de charge',
		parking: 'Stationnement',
		fixed: 'Frais de session',
		reservation: 'Réservation',
		price_limit: 'Ajustement au prix minimum/maximum du tarif',
		sessions: 'Sessions',
	},
};

export const COMPONENT_UNITS: Record<string, string> = {
	energy: 'KWH',
	time: 'HUR',
	parking: 'HUR',
	fixed: 'C62',
	reservation: 'HUR',
	price_limit: 'C62',
};


/** The LineVat a vatKey names back. */
export function vatOfKey(key: string): LineVat {
	const [category, rate] = key.split('|');
	return { category: category as LineVat['category'], ...(rate === '' ? {} : { rate: dec(rate) }) };
}
