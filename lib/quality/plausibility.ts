/** Plausibility: energy that is zero, negative (V2G only), above a ceiling, or more than the charger could deliver. */
import type { CheckContext } from './check-context';
import type { Dimensions } from './dimensions';
import { volumePath } from './dimensions';
import type { Json } from './json-values';
import { isNumber, isObject } from './json-values';
import { formatHours } from './timestamps';

export function checkPlausibility(cdr: Json, dims: Dimensions, { report, thresholds: t, allowNegativeEnergy }: CheckContext): void {
	const energy = cdr.total_energy;
	const periodsEnergy = dims.ENERGY;
	if (!allowNegativeEnergy) {
		periodsEnergy.values.forEach((volume, index) => {
			if (volume < 0) {
				report(
					'CDR_ENERGY_NEGATIVE',
					volumePath(periodsEnergy, index),
					`ENERGY volume ${volume} kWh is negative; only vehicle-to-grid sessions feed energy back. Enable ` +
						'"allow negative energy" for V2G.',
				);
			}
		});
	}
	if (!isNumber(energy)) return;
	if (energy === 0) {
		report('CDR_ENERGY_ZERO', '$.total_energy', 'total_energy is 0 kWh: no energy was charged in this session.');
	} else if (energy < 0 && !allowNegativeEnergy) {
		report(
			'CDR_ENERGY_NEGATIVE',
			'$.total_energy',
			`total_energy is ${energy} kWh; only vehicle-to-grid sessions are negative. Enable "allow negative energy" ` +
				'for V2G.',
		);
	}
	if (energy > t.maxEnergyKwh) {
		report(
			'CDR_ENERGY_TOO_HIGH',
			'$.total_energy',
			`total_energy ${energy} kWh is above the maximum of ${t.maxEnergyKwh} kWh for one session.`,
		);
	}
	if (energy <= 0 || !isNumber(cdr.total_time)) return;
	const chargingHours = cdr.total_time - (isNumber(cdr.total_parking_time) ? cdr.total_parking_time : 0);
	const maxPower = dims.MAX_POWER;
	let powerKw: number | undefined;
	let source: string;
	if (maxPower.count > 0) {
		powerKw = Math.max(...maxPower.values);
		source = 'the highest MAX_POWER of the charging periods';
	} else {
		const location = cdr.cdr_location;
		const powerType = isObject(location) ? location.connector_power_type : undefined;
		powerKw = typeof powerType === 'string' ? powerCeiling(t, powerType) : undefined;
		source = `the ${String(powerType)} ceiling`;
	}
	if (powerKw === undefined) return;
	const possible = powerKw * Math.max(0, chargingHours) * (1 + t.powerMarginPercent / 100);
	if (energy > possible) {
		report(
			'CDR_POWER_IMPLAUSIBLE',
			'$.total_energy',
			`total_energy ${energy} kWh in ${formatHours(chargingHours)} of charging (total_time − total_parking_time) ` +
				`needs ${chargingHours > 0 ? `${Number((energy / chargingHours).toFixed(1))} kW` : 'infinite power'}, ` +
				`more than ${powerKw} kW (${source}).`,
		);
	}
}

function powerCeiling(t: CheckContext['thresholds'], powerType: string): number | undefined {
	switch (powerType) {
		case 'AC_1_PHASE':
			return t.maxPowerKwAc1Phase;
		case 'AC_2_PHASE':
		case 'AC_2_PHASE_SPLIT':
			return t.maxPowerKwAc2Phase;
		case 'AC_3_PHASE':
			return t.maxPowerKwAc3Phase;
		case 'DC':
			return t.maxPowerKwDc;
		default:
			return undefined;
	}
}
