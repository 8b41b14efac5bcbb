/**
 * The totals a CDR declares, as amounts excl. and incl. VAT whatever its OCPI version, so that one cross-check
 * compares them with the computed price (docs/pricing-choices.md, "OCPI 2.3.0: taxes").
 *
 * 2.2.1: excl_vat, incl_vat. 2.3.0: before_taxes, and before_taxes plus the taxes that are VAT. A tax that is not VAT
 * is outside the VAT amounts, except under a tariff whose prices include taxes (tax_included YES): its prices then
 * hold the other taxes too, so those count in the amount before VAT, as the VAT taxable amount includes other taxes.
 */
import type { Decimal } from '../money';
import { ZERO, dec } from '../money';
import type { OtherTax } from '../ocpi/price';
import { readPrice } from '../ocpi/price';
import type { AnyCdr, TaxIncluded } from '../ocpi/types-v230';
import type { CdrVersion } from '../ocpi/version';
import { DEFAULT_CDR_VERSION } from '../ocpi/version';
import type { DeclaredAmount, DeclaredTotals, TotalName } from './priced-cdr';
import { TOTAL_NAMES } from './priced-cdr';

export interface DeclaredOtherTax extends OtherTax {
	total: TotalName;
}

export interface Declared {
	/** Null when the CDR states no total_cost. */
	totals: DeclaredTotals | null;
	/** 2.3.0 taxes of the declared prices that are not VAT. */
	otherTaxes: DeclaredOtherTax[];
}

const sum = (values: readonly number[]): Decimal => values.reduce<Decimal>((acc, v) => acc.plus(dec(v)), ZERO);

export function readDeclared(
	cdr: AnyCdr,
	version: CdrVersion = DEFAULT_CDR_VERSION,
	taxIncluded: TaxIncluded | null = null,
): Declared {
	const otherTaxes: DeclaredOtherTax[] = [];
	const amountOf = (name: TotalName): DeclaredAmount | undefined => {
		const reading = readPrice((cdr as unknown as Record<string, unknown>)[name], version);
		if (!reading) return undefined;
		for (const tax of reading.otherTaxes) otherTaxes.push({ ...tax, total: name });
		const inOtherTaxes = taxIncluded === 'YES' ? sum(reading.otherTaxes.map((t) => t.amount)) : ZERO;
		const excl = dec(reading.excl).plus(inOtherTaxes);
		return { excl_vat: excl, incl_vat: reading.inclParts === null ? null : sum(reading.inclParts).plus(inOtherTaxes) };
	};
	const total = amountOf('total_cost');
	if (!total) return { totals: null, otherTaxes };
	const totals: DeclaredTotals = { total_cost: total };
	for (const name of TOTAL_NAMES) {
		if (name === 'total_cost') continue;
		const amount = amountOf(name);
		if (amount) totals[name] = amount;
	}
	return { totals, otherTaxes };
}

/** The totals the CDR states, or null when it states no total_cost. */
export function declaredTotals(cdr: AnyCdr, version: CdrVersion = DEFAULT_CDR_VERSION, taxIncluded: TaxIncluded | null = null): DeclaredTotals | null {
	return readDeclared(cdr, version, taxIncluded).totals;
}
