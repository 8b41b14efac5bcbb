/** Volumes: the periods' ENERGY, TIME, PARKING_TIME and RESERVATION_TIME add up to the CDR's totals; no negative time. */
import type { CheckContext } from './check-context';
import type { Dimensions } from './dimensions';
import { volumePath } from './dimensions';
import type { Json } from './json-values';
import { isNumber } from './json-values';
import { exactSum, exceedsBeyond, sumDiffersBeyond } from './tolerance';

export function checkVolumes(cdr: Json, dims: Dimensions, { report, thresholds: t }: CheckContext): void {
	const energy = dims.ENERGY;
	if (energy.count > 0 && isNumber(cdr.total_energy)) {
		if (sumDiffersBeyond(energy.values, cdr.total_energy, t.energyToleranceKwh)) {
			report(
				'CDR_ENERGY_SUM_MISMATCH',
				'$.total_energy',
				`The ENERGY volumes of the charging periods add up to ${exactSum(energy.values).toFixed()} kWh, but ` +
					`total_energy is ${cdr.total_energy} kWh (tolerance ${t.energyToleranceKwh} kWh).`,
			);
		}
	}
	const time = dims.TIME;
	const parking = dims.PARKING_TIME;
	const reservation = dims.RESERVATION_TIME;
	for (const [dimension, sum] of [
		['TIME', time],
		['PARKING_TIME', parking],
		['RESERVATION_TIME', reservation],
	] as const) {
		sum.values.forEach((volume, index) => {
			if (volume < 0) {
				report('CDR_VOLUME_NEGATIVE', volumePath(sum, index), `${dimension} volume ${volume} h is negative: durations cannot be.`);
			}
		});
	}
	for (const field of ['total_time', 'total_parking_time'] as const) {
		if (isNumber(cdr[field]) && (cdr[field] as number) < 0) {
			report('CDR_VOLUME_NEGATIVE', `$.${field}`, `${field} is ${cdr[field]} h: a duration cannot be negative.`);
		}
	}
	if ((time.count > 0 || parking.count > 0) && isNumber(cdr.total_time)) {
		const charged = [...time.values, ...parking.values];
		const tol = t.timeToleranceHours;
		if (
			sumDiffersBeyond(charged, cdr.total_time, tol) &&
			(reservation.count === 0 || sumDiffersBeyond([...charged, ...reservation.values], cdr.total_time, tol))
		) {
			report(
				'CDR_TIME_SUM_MISMATCH',
				'$.total_time',
				`TIME + PARKING_TIME of the charging periods add up to ${exactSum(charged).toFixed()} h` +
					(reservation.count > 0 ? ` (${exactSum([...charged, ...reservation.values]).toFixed()} h with RESERVATION_TIME)` : '') +
					`, but total_time is ${cdr.total_time} h (tolerance ${tol} h).`,
			);
		}
	}
	if (isNumber(cdr.total_parking_time)) {
		if (isNumber(cdr.total_time) && exceedsBeyond(cdr.total_parking_time, cdr.total_time, t.timeToleranceHours)) {
			report(
				'CDR_PARKING_EXCEEDS_TOTAL_TIME',
				'$.total_parking_time',
				`total_parking_time ${cdr.total_parking_time} h is greater than total_time ${cdr.total_time} h.`,
			);
		}
		if (parking.count > 0 && sumDiffersBeyond(parking.values, cdr.total_parking_time, t.timeToleranceHours)) {
			report(
				'CDR_PARKING_SUM_MISMATCH',
				'$.total_parking_time',
				`The PARKING_TIME volumes of the charging periods add up to ${exactSum(parking.values).toFixed()} h, but ` +
					`total_parking_time is ${cdr.total_parking_time} h.`,
			);
		}
	}
}
