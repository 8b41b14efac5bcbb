/**
 * A CDR's Price read the same way in both versions: 2.2.1 `{excl_vat, incl_vat?}`, 2.3.0 `{before_taxes, taxes[]}`.
 *
 * In 2.3.0 a TaxAmount's `name` is free text ("VAT", "QST", "General Sales Tax"). A tax is VAT when its name is VAT in
 * one of the languages of the EU VAT area (below); every other tax (a provincial sales tax, a city levy) is not VAT:
 * it is not a VAT category of an EN16931 invoice, and docs/pricing-choices.md says what happens to it.
 */
import type { CdrVersion } from './version';

export interface OtherTax {
	/** Index in `taxes`. */
	index: number;
	name: string;
	amount: number;
}

export interface PriceReading {
	/** excl_vat (2.2.1) or before_taxes (2.3.0). */
	excl: number;
	/**
	 * The amounts whose exact sum is the price incl. VAT: [incl_vat] (2.2.1), [before_taxes, ...VAT amounts] (2.3.0);
	 * null when the Price does not state it (2.2.1 without incl_vat, 2.3.0 without a `taxes` list).
	 */
	inclParts: number[] | null;
	/** 2.3.0 taxes that are not VAT. */
	otherTaxes: OtherTax[];
}

/**
 * VAT in the languages of the EU and its neighbours: VAT, TVA, MwSt/USt, BTW, IVA, MOMS, MVA, ALV, DPH, DDV, PVM, PVN,
 * ÁFA, ΦΠΑ/FPA, TVSH, DDS/ДДС, PDV/ПДВ, KDV. Matched as a whole word, case-insensitive: "VAT 21%" and "BTW hoog" are
 * VAT. North American sales taxes (GST, HST, QST, PST), which OCPI 2.3.0 added taxes[] for, are not: an EN16931
 * invoice has no VAT category for them.
 */
const VAT_NAME =
	/(^|[^\p{L}])(VAT|TVA|MWST|UST|BTW|IVA|MOMS|MVA|ALV|DPH|DDV|PVM|PVN|ÁFA|AFA|ΦΠΑ|FPA|TVSH|DDS|ДДС|PDV|ПДВ|KDV)([^\p{L}]|$)/iu;

export function isVatTax(name: unknown): boolean {
	return typeof name === 'string' && VAT_NAME.test(name);
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** The Price read in the run's version; undefined when it is not one (the schema says why). */
export function readPrice(value: unknown, version: CdrVersion): PriceReading | undefined {
	if (!isObject(value)) return undefined;
	if (version === '2.2.1') {
		if (!isNumber(value.excl_vat)) return undefined;
		return { excl: value.excl_vat, inclParts: isNumber(value.incl_vat) ? [value.incl_vat] : null, otherTaxes: [] };
	}
	if (!isNumber(value.before_taxes)) return undefined;
	const reading: PriceReading = { excl: value.before_taxes, inclParts: null, otherTaxes: [] };
	if (!Array.isArray(value.taxes)) return reading;
	const parts = [value.before_taxes];
	for (const [index, tax] of value.taxes.entries()) {
		if (!isObject(tax) || !isNumber(tax.amount)) return reading;
		if (isVatTax(tax.name)) parts.push(tax.amount);
		else reading.otherTaxes.push({ index, name: String(tax.name), amount: tax.amount });
	}
	reading.inclParts = parts;
	return reading;
}
