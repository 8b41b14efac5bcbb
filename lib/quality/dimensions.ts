/** The charging periods' dimensions: collected once for the sum and plausibility checks, and the session-only check. */
import type { CheckContext } from './check-context';
import type { Json } from './json-values';
import { isNumber, isObject } from './json-values';

export interface DimensionSum {
	count: number;
	values: number[];
	/** Period and dimension index of each value, flattened: [p0, d0, p1, d1, ...]. */
	positions: number[];
}

export type Dimensions = Record<'ENERGY' | 'TIME' | 'PARKING_TIME' | 'RESERVATION_TIME' | 'MAX_POWER', DimensionSum>;

export const volumePath = (sum: DimensionSum, index: number): string =>
	`$.charging_periods[${sum.positions[2 * index]}].dimensions[${sum.positions[2 * index + 1]}].volume`;

/** The numeric volumes of the dimensions the checks add up, in one pass over the charging periods. */
export function collectDimensions(cdr: Json): Dimensions {
	const empty = (): DimensionSum => ({ count: 0, values: [], positions: [] });
	const result: Dimensions = {
		ENERGY: empty(),
		TIME: empty(),
		PARKING_TIME: empty(),
		RESERVATION_TIME: empty(),
		MAX_POWER: empty(),
	};
	const periods = cdr.charging_periods;
	if (!Array.isArray(periods)) return result;
	for (let p = 0; p < periods.length; p++) {
		const period = periods[p];
		if (!isObject(period) || !Array.isArray(period.dimensions)) continue;
		const dimensions = period.dimensions;
		for (let d = 0; d < dimensions.length; d++) {
			const dimension = dimensions[d];
			if (!isObject(dimension) || !isNumber(dimension.volume)) continue;
			const sum = result[dimension.type as keyof Dimensions] as DimensionSum | undefined;
			if (sum === undefined || !Object.hasOwn(result, dimension.type as string)) continue;
			sum.count++;
			sum.values.push(dimension.volume);
			sum.positions.push(p, d);
		}
	}
	return result;
}

const SESSION_ONLY_DIMENSIONS = new Set(['CURRENT', 'ENERGY_EXPORT', 'ENERGY_IMPORT', 'POWER', 'STATE_OF_CHARGE']);

/** CDR_DIMENSION_SESSION_ONLY: dimensions OCPI reserves for sessions, ignored for pricing. */
export function checkSessionOnlyDimensions(cdr: Json, { report }: CheckContext): void {
	const periods = cdr.charging_periods;
	if (!Array.isArray(periods)) return;
	for (let p = 0; p < periods.length; p++) {
		const dimensions = isObject(periods[p]) ? (periods[p] as Json).dimensions : undefined;
		if (!Array.isArray(dimensions)) continue;
		for (let d = 0; d < dimensions.length; d++) {
			const type = isObject(dimensions[d]) ? (dimensions[d] as Json).type : undefined;
			if (typeof type === 'string' && SESSION_ONLY_DIMENSIONS.has(type)) {
				report(
					'CDR_DIMENSION_SESSION_ONLY',
					`$.charging_periods[${p}].dimensions[${d}].type`,
					`Dimension ${type} is for sessions only in OCPI 2.2.1; it is ignored in a CDR.`,
				);
			}
		}
	}
}
