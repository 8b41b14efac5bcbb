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

/**
 * ISO 4217 minor units of the active currencies that do not have 2 (the default): JPY, KRW… have none; BHD, KWD… 3;
 * CLF, UYW 4.
 */
const MINOR_UNITS: Readonly<Record<string, number>> = {
	BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0,
	XAF: 0, XOF: 0, XPF: 0,
	BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
	CLF: 4, UYW: 4,
};

/** The ISO 4217 minor units of a currency: 0 for JPY, 2 for EUR, 3 for KWD (2 when unknown). */
export function minorUnits(currency: string): number {
	return MINOR_UNITS[currency.toUpperCase()] ?? 2;
}

/**
 * Decimals of an invoice amount in `currency`: its minor units, but at most 2, the most EN16931 allows (BR-DEC-*). A
 * JPY amount is a whole number of yen; a KWD amount keeps 2 decimals, as the standard cannot carry the third.
 */
export function amountDecimals(currency: string): number {
	return Math.min(minorUnits(currency), 2);
}

/** Decimal string without exponent notation and without trailing zeros: "12.375", "5", "-0.3". */
export function toAmountString(value: Decimal): string {
	return value.toFixed();
}

/** Fixed number of decimals, as invoice syntaxes want them: "12.38", "5.00". */
export function toFixedAmount(value: Decimal, places = 2): string {
	return roundMoney(value, places).toFixed(places);
}

const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/;
const POWERS_OF_TEN: bigint[] = [1n];
const tenTo = (n: number): bigint => {
	while (POWERS_OF_TEN.length <= n) POWERS_OF_TEN.push(POWERS_OF_TEN[POWERS_OF_TEN.length - 1] * 10n);
	return POWERS_OF_TEN[n];
};

/**
 * An exact running sum of decimal strings as `Decimal#toFixed` writes them ("-12.3456"), kept as a whole number of the
 * smallest decimal place seen so far (a BigInt): what folding the amounts of a million CDRs costs without a Decimal
 * parsed and added per amount. Never rounds (a Decimal sum rounds beyond 40 significant digits); a string in another
 * form (exponent notation) is added as a Decimal.
 */
export class DecimalSum {
	private units = 0n;
	private places = 0;
	private other: Decimal | undefined;

	add(value: string): void {
		if (!PLAIN_DECIMAL.test(value)) {
			this.other = (this.other ?? ZERO).plus(value);
			return;
		}
		const dot = value.indexOf('.');
		const places = dot < 0 ? 0 : value.length - dot - 1;
		const units = BigInt(dot < 0 ? value : value.slice(0, dot) + value.slice(dot + 1));
		if (places > this.places) {
			this.units *= tenTo(places - this.places);
			this.places = places;
		}
		this.units += places < this.places ? units * tenTo(this.places - places) : units;
	}

	value(): Decimal {
		const negative = this.units < 0n;
		const digits = (negative ? -this.units : this.units).toString().padStart(this.places + 1, '0');
		const text = this.places === 0 ? digits : `${digits.slice(0, -this.places)}.${digits.slice(-this.places)}`;
		const exact = new Decimal(negative ? `-${text}` : text);
		return this.other ? exact.plus(this.other) : exact;
	}
}

export function sum(values: Iterable<Decimal>): Decimal {
	let total = ZERO;
	for (const value of values) total = total.plus(value);
	return total;
}

/**
 * A JSON-ready copy of a result holding Decimal amounts: each becomes a string (never a float) with the decimals of
 * the `currency` named in its object or an enclosing one (amountDecimals: "1250.40" EUR, "1250" JPY; 2 when none is
 * named); undefined fields are dropped. For outputs of money results (payments, statuses, aging) in items and NDJSON.
 */
export function withAmountStrings(value: unknown, currency?: string): unknown {
	if (value instanceof Decimal) return toFixedAmount(value, currency ? amountDecimals(currency) : 2);
	if (Array.isArray(value)) return value.map((item) => withAmountStrings(item, currency));
	if (value && typeof value === 'object') {
		const own = (value as { currency?: unknown }).currency;
		const scope = typeof own === 'string' ? own : currency;
		return Object.fromEntries(
			Object.entries(value)
				.filter(([, v]) => v !== undefined)
				.map(([k, v]) => [k, withAmountStrings(v, scope)]),
		);
	}
	return value;
}
