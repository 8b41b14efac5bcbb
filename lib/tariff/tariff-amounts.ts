/**
 * The amounts of a tariff read for pricing, refusing what cannot be billed (issue 13.4): a step_size that is not a
 * positive whole number, a VAT rate no country has, a price or limit that is negative or absurdly large, limits that
 * contradict each other. Each refusal names the field and its code (docs/pricing-choices.md, "Tariffs refused").
 */
import type { Decimal } from '../money';
import { dec } from '../money';
import type { PriceComponent } from '../ocpi/types';
import type { TaxIncluded } from '../ocpi/types-v230';
import type { CdrVersion } from '../ocpi/version';

export type TariffErrorCode =
	| 'TARIFF_INVALID'
	| 'TARIFF_PRICE_INVALID'
	| 'TARIFF_VAT_INVALID'
	| 'TARIFF_STEP_SIZE_INVALID'
	| 'TARIFF_PRICE_LIMIT_INVALID'
	| 'TARIFF_TAX_INCLUDED_INVALID'
	| 'TARIFF_VERSION_MISMATCH';

/** The tariff cannot be used as written; `field` is the JSON path of the offending value within the tariff. */
export class TariffDefinitionError extends Error {
	constructor(
		message: string,
		readonly field: string,
		readonly code: TariffErrorCode = 'TARIFF_INVALID',
	) {
		super(message);
		this.name = 'TariffDefinitionError';
	}
}

/** Prices and limits stay below a thousand million currency units (IDR and VND tariffs are far below it). */
export const MAX_TARIFF_AMOUNT = 1e9;
/** The highest VAT rate in the world is 27 % (Hungary); above 50 % a rate is a typo (5.5 written 55). */
export const MAX_VAT_PERCENT = 50;
/** Wh or seconds: a step above a megawatt-hour or eleven days bills what was not consumed. */
export const MAX_STEP_SIZE = 1_000_000;

function amount(value: unknown, field: string, code: TariffErrorCode, what: string): Decimal {
	if (typeof value !== 'number' || !Number.isFinite(value)) {
		throw new TariffDefinitionError(`${field} must be a number (${what})`, field, code);
	}
	if (value < 0) {
		throw new TariffDefinitionError(`${field} is ${value}: ${what} cannot be negative; a discount is not a tariff price`, field, code);
	}
	if (value >= MAX_TARIFF_AMOUNT) {
		throw new TariffDefinitionError(`${field} is ${value}: ${what} must stay below ${MAX_TARIFF_AMOUNT}`, field, code);
	}
	return dec(value);
}

/** PriceComponent.price: per kWh, per hour or per session. */
export function componentPrice(value: unknown, field: string): Decimal {
	return amount(value, field, 'TARIFF_PRICE_INVALID', 'a price');
}

/** PriceComponent.vat: a percentage, or null when absent ("no VAT applicable", not 0 %). */
export function componentVat(value: unknown, field: string, taxIncluded: TaxIncluded | null): number | null {
	if (value === undefined || value === null) return null;
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_VAT_PERCENT) {
		throw new TariffDefinitionError(
			`${field} is ${JSON.stringify(value)}: a VAT percentage from 0 to ${MAX_VAT_PERCENT} (e.g. 20 for 20 %), or no vat when none applies`,
			field,
			'TARIFF_VAT_INVALID',
		);
	}
	if (taxIncluded === 'N/A') {
		throw new TariffDefinitionError(
			`${field} is ${value} but the tariff says tax_included "N/A" (no taxes apply): remove the vat or set tax_included`,
			field,
			'TARIFF_VAT_INVALID',
		);
	}
	return value;
}

/** PriceComponent.step_size: Wh (ENERGY) or seconds (TIME, PARKING_TIME), a whole number ≥ 1; ignored for FLAT. */
export function componentStepSize(component: PriceComponent, field: string): number {
	const value: unknown = component.step_size;
	const flat = component.type === 'FLAT';
	if (flat && (value === undefined || value === null)) return 0;
	const least = flat ? 0 : 1;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < least || value > MAX_STEP_SIZE) {
		throw new TariffDefinitionError(
			`${field} is ${JSON.stringify(value)}: a whole number of ${component.type === 'ENERGY' ? 'Wh' : 'seconds'} from ${least} ` +
				`to ${MAX_STEP_SIZE}${flat ? '' : ' (1 bills what was consumed, as OCPI advises)'}`,
			field,
			'TARIFF_STEP_SIZE_INVALID',
		);
	}
	return flat ? 0 : value;
}

/** A min_price or max_price: the amount excl. VAT, and incl. VAT when the tariff gives it. */
export interface PriceLimit {
	excl: Decimal;
	incl?: Decimal;
}

function limit(value: unknown, field: string, version: CdrVersion): PriceLimit | undefined {
	if (value === undefined || value === null) return undefined;
	const [exclName, inclName] = version === '2.2.1' ? ['excl_vat', 'incl_vat'] : ['before_taxes', 'after_taxes'];
	if (typeof value !== 'object' || Array.isArray(value)) {
		throw new TariffDefinitionError(`${field} must be an object with ${exclName}`, field, 'TARIFF_PRICE_LIMIT_INVALID');
	}
	const v = value as Record<string, unknown>;
	const excl = amount(v[exclName], `${field}.${exclName}`, 'TARIFF_PRICE_LIMIT_INVALID', 'a price limit');
	if (v[inclName] === undefined || v[inclName] === null) return { excl };
	const incl = amount(v[inclName], `${field}.${inclName}`, 'TARIFF_PRICE_LIMIT_INVALID', 'a price limit');
	if (incl.lt(excl)) {
		throw new TariffDefinitionError(
			`${field}.${inclName} ${incl.toFixed()} is below ${field}.${exclName} ${excl.toFixed()}: taxes cannot reduce an amount`,
			`${field}.${inclName}`,
			'TARIFF_PRICE_LIMIT_INVALID',
		);
	}
	return { excl, incl };
}

/** min_price and max_price, refused when they contradict each other (no session could respect both). */
export function priceLimits(
	tariff: { min_price?: unknown; max_price?: unknown },
	version: CdrVersion,
): { minPrice?: PriceLimit; maxPrice?: PriceLimit } {
	const minPrice = limit(tariff.min_price, 'min_price', version);
	const maxPrice = limit(tariff.max_price, 'max_price', version);
	if (minPrice && maxPrice) {
		const [exclName, inclName] = version === '2.2.1' ? ['excl_vat', 'incl_vat'] : ['before_taxes', 'after_taxes'];
		const refuse = (field: string, what: string): never => {
			throw new TariffDefinitionError(`max_price.${field} ${what}: no session can respect both limits`, `max_price.${field}`, 'TARIFF_PRICE_LIMIT_INVALID');
		};
		if (maxPrice.excl.lt(minPrice.excl)) refuse(exclName, `${maxPrice.excl.toFixed()} is below min_price.${exclName} ${minPrice.excl.toFixed()}`);
		if (maxPrice.incl && minPrice.incl && maxPrice.incl.lt(minPrice.incl)) {
			refuse(inclName, `${maxPrice.incl.toFixed()} is below min_price.${inclName} ${minPrice.incl.toFixed()}`);
		}
	}
	return { minPrice, maxPrice };
}
