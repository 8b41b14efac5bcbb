/**
 * Money and quantities in decimal, never in binary floating point.
 *
 * One decimal.js constructor for the whole package, so every module computes with the same precision and the same
 * rounding rule. Amounts are computed at full precision and rounded only where a format requires it (EN16931: two
 * decimals), with `roundMoney`.
 */
import DecimalJs from 'decimal.js';

/** 40 significant digits: far beyond any amount × rate product a CDR or invoice can produce. */
export const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_UP });
export type Decimal = DecimalJs;

export type DecimalInput = DecimalJs.Value;

export const ZERO = new Decimal(0);

export function dec(value: DecimalInput): Decimal {
	return new Decimal(value);
}

/**
 * Commercial rounding to `places` decimals, half away from zero (0.005 → 0.01, −0.005 → −0.01): the rule of
 * EN16931 amounts and of every clearing house we know of.
 */
export function roundMoney(value: Decimal, places = 2): Decimal {
	return value.toDecimalPlaces(places, Decimal.ROUND_HALF_UP);
}

/** Decimal string without exponent notation and without trailing zeros: "12.375", "5", "-0.3". */
export function toAmountString(value: Decimal): string {
	return value.toFixed();
}

/** Fixed number of decimals, as invoice syntaxes want them: "12.38", "5.00". */
export function toFixedAmount(value: Decimal, places = 2): string {
	return roundMoney(value, places).toFixed(places);
}

export function sum(values: Iterable<Decimal>): Decimal {
	let total = ZERO;
	for (const value of values) total = total.plus(value);
	return total;
}

/**
 * A JSON-ready copy of a result holding Decimal amounts: each becomes a 2-decimal string (never a float), undefined
 * fields are dropped. For outputs of money results (payments, statuses, aging) in items and NDJSON lines.
 */
export function withAmountStrings(value: unknown): unknown {
	if (value instanceof Decimal) return toFixedAmount(value);
	if (Array.isArray(value)) return value.map(withAmountStrings);
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value)
				.filter(([, v]) => v !== undefined)
				.map(([k, v]) => [k, withAmountStrings(v)]),
		);
	}
	return value;
}
