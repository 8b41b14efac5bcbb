/**
 * "Do these amounts add up, within a tolerance?" decided exactly, at float speed.
 *
 * The sum is first taken in binary floating point, whose error for a CDR's few dozen numbers is below 1e-12 of their
 * magnitude. Only when the float difference lies within that error of the tolerance (a near tie, such as a difference
 * of exactly one cent) is the sum redone in decimal, which then decides. The verdict is therefore always the decimal
 * one, and the 1,000,000-CDR hot path rarely creates a Decimal.
 */
import type { Decimal } from '../money';
import { dec, sum } from '../money';

const RELATIVE_FLOAT_ERROR = 1e-9;

/** The exact decimal sum of JSON numbers (each read as the shortest decimal that prints it, i.e. as sent). */
export function exactSum(values: readonly number[]): Decimal {
	return sum(values.map((value) => dec(value)));
}

/** True when |Σ values − expected| > tolerance, decided in decimal arithmetic. */
export function sumDiffersBeyond(values: readonly number[], expected: number, tolerance: number): boolean {
	let floatSum = 0;
	let magnitude = Math.abs(expected);
	for (const value of values) {
		floatSum += value;
		magnitude += Math.abs(value);
	}
	const difference = Math.abs(floatSum - expected);
	if (Math.abs(difference - tolerance) > RELATIVE_FLOAT_ERROR * Math.max(1, magnitude)) return difference > tolerance;
	return exactSum(values).minus(dec(expected)).abs().greaterThan(dec(tolerance));
}

/** True when a > b + tolerance, decided in decimal arithmetic. */
export function exceedsBeyond(a: number, b: number, tolerance: number): boolean {
	return sumDiffersBeyond([a], b, tolerance) && a > b;
}
