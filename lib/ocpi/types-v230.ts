/**
 * OCPI 2.3.0 data model where it differs from 2.2.1 (types.ts): Price is `before_taxes` plus a list of TaxAmount, a
 * Tariff says whether its prices include taxes (`tax_included`) and limits the session cost with PriceLimit, and may
 * give a `preauthorize_amount` for payment terminals. Everything else of the CDR and Tariff objects is unchanged.
 * Wire types, as in types.ts: numbers stay JS numbers.
 */
import type { Cdr, CdrPriceField, Tariff } from './types';

export type { CdrPriceField } from './types';
export { CDR_PRICE_FIELDS } from './types';

/** OCPI 2.3.0 TaxAmount (types): one tax due on a price. `name` is free text: "VAT", "QST", "General Sales Tax". */
export interface TaxAmount {
	name: string;
	/** Tax account number of the business entity remitting the tax. */
	account_number?: string;
	percentage?: number;
	amount: number;
}

/** OCPI 2.3.0 Price: the amount before taxes and every tax applicable to it. */
export interface PriceV230 {
	before_taxes: number;
	taxes?: TaxAmount[];
}

/** OCPI 2.3.0 PriceLimit: a tariff's min_price or max_price. */
export interface PriceLimit {
	before_taxes: number;
	after_taxes?: number;
}

/** OCPI 2.3.0 TaxIncluded: whether the prices of a tariff include taxes. */
export type TaxIncluded = 'YES' | 'NO' | 'N/A';
export const TAX_INCLUDED_VALUES: readonly TaxIncluded[] = ['YES', 'NO', 'N/A'];

export interface TariffV230 extends Omit<Tariff, 'min_price' | 'max_price'> {
	min_price?: PriceLimit;
	max_price?: PriceLimit;
	/** Amount a payment terminal should preauthorise; no bearing on the price. */
	preauthorize_amount?: number;
	tax_included: TaxIncluded;
}

export interface CdrV230 extends Omit<Cdr, CdrPriceField | 'tariffs'> {
	tariffs?: TariffV230[];
	total_cost: PriceV230;
	total_fixed_cost?: PriceV230;
	total_energy_cost?: PriceV230;
	total_time_cost?: PriceV230;
	total_parking_cost?: PriceV230;
	total_reservation_cost?: PriceV230;
}

/** A CDR or tariff of either version this package prices; which one is the run's OCPI version (version.ts). */
export type AnyCdr = Cdr | CdrV230;
export type AnyTariff = Tariff | TariffV230;
