/**
 * The OCPI 2.3.0 form of a 2.2.1 tariff or CDR, for tests that price the same session in both versions: Price becomes
 * before_taxes plus a "VAT" TaxAmount, min/max_price become PriceLimit, and the tariff says its prices exclude taxes.
 */
import { Decimal } from '../../lib/money';
import type { Cdr, Price, Tariff } from '../../lib/ocpi/types';
import type { CdrV230, PriceLimit, PriceV230, TariffV230, TaxIncluded } from '../../lib/ocpi/types-v230';
import { CDR_PRICE_FIELDS } from '../../lib/ocpi/types';

export function priceV230(price: Price): PriceV230 {
	if (price.incl_vat === undefined) return { before_taxes: price.excl_vat };
	const vat = new Decimal(price.incl_vat).minus(price.excl_vat).toNumber();
	return { before_taxes: price.excl_vat, taxes: [{ name: 'VAT', amount: vat }] };
}

function limitV230(price: Price | undefined): PriceLimit | undefined {
	if (price === undefined) return undefined;
	return price.incl_vat === undefined ? { before_taxes: price.excl_vat } : { before_taxes: price.excl_vat, after_taxes: price.incl_vat };
}

export function tariffV230(tariff: Tariff, taxIncluded: TaxIncluded = 'NO'): TariffV230 {
	const { min_price, max_price, ...rest } = tariff;
	const out: TariffV230 = { ...structuredClone(rest), tax_included: taxIncluded };
	const min = limitV230(min_price);
	const max = limitV230(max_price);
	if (min) out.min_price = min;
	if (max) out.max_price = max;
	return out;
}

export function cdrV230(cdr: Cdr): CdrV230 {
	const out = structuredClone(cdr) as unknown as Record<string, unknown>;
	for (const field of CDR_PRICE_FIELDS) {
		const price = cdr[field];
		if (price !== undefined) out[field] = priceV230(price);
	}
	if (cdr.tariffs) out.tariffs = cdr.tariffs.map((t) => tariffV230(t));
	return out as unknown as CdrV230;
}
