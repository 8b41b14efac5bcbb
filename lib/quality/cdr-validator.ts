/**
 * The CDR quality checks a clearing house runs before pricing, as one validator per run.
 *
 * Every input gets a verdict and never an exception: structure (OCPI 2.2.1 schema, ISO codes), timestamps, sums,
 * plausibility, credit CDRs and duplicates within the run. Checks read only fields whose type is right, so a broken
 * field yields its schema issue and not a cascade of follow-up issues.
 */
import type { StructuralViolation } from '../ocpi/schema';
import { DATE_TIME_PATTERN, validateCdrStructure } from '../ocpi/schema';
import type { Cdr, Price } from '../ocpi/types';
import { cdrKey } from '../ocpi/types';
import type { Ocpi211UpgradeOptions } from '../ocpi/v211';
import { detectOcpiVersion, upgradeCdr211 } from '../ocpi/v211';
import type { QualityCheckCode, QualityThresholds, Severity } from './checks';
import { DEFAULT_THRESHOLDS, QUALITY_CHECK_BY_CODE } from './checks';
import { ISO_3166_ALPHA3 } from './iso-3166';
import { ISO_4217_CURRENCIES } from './iso-4217';
import { exactSum, exceedsBeyond, sumDiffersBeyond } from './tolerance';


export interface QualityIssue {
	code: QualityCheckCode;
	severity: Severity;
	/** JSON path of the field concerned, e.g. `$.charging_periods[2].start_date_time`. */
	path: string;
	message: string;
}

export interface QualityOptions {
	/** Run only these checks (codes). Always-on checks (CDR_NOT_AN_OBJECT, CDR_ID_MISSING) run regardless. */
	include?: readonly string[];
	/** Skip these checks (codes). */
	exclude?: readonly string[];
	/** Override a check's default severity, e.g. `{ CDR_SESSION_TOO_SHORT: 'error' }`. */
	severities?: Readonly<Record<string, Severity>>;
	thresholds?: Partial<QualityThresholds>;
	/** A warning rejects the CDR too. */
	treatWarningsAsErrors?: boolean;
	/** Vehicle-to-grid: negative energy is expected, not an error. */
	allowNegativeEnergy?: boolean;
	/** The "now" of the future-timestamp check; default: the clock at each validation. */
	now?: Date;
	/** How OCPI 2.1.1 CDRs are completed; without it they are rejected with CDR_OCPI_211_UNMAPPABLE. */
	ocpi211?: Ocpi211UpgradeOptions;
}

export interface CdrVerdict {
	/** The CDR's id when it has one (string), else null. */
	id: string | null;
	valid: boolean;
	issues: QualityIssue[];
	/** The CDR as checked: the input, or its 2.2.1 upgrade for an OCPI 2.1.1 CDR. Absent when unreadable. */
	cdr?: Cdr;
}

export interface CdrValidator {
	validate(input: unknown): CdrVerdict;
	/** Number of distinct CDR keys remembered for the duplicate check. */
	readonly seenCount: number;
}

type Json = Record<string, unknown>;

const DATE_TIME = new RegExp(DATE_TIME_PATTERN);

const SESSION_ONLY_DIMENSIONS = new Set(['CURRENT', 'ENERGY_EXPORT', 'ENERGY_IMPORT', 'POWER', 'STATE_OF_CHARGE']);

const COST_FIELDS = [
	'total_energy_cost',
	'total_time_cost',
	'total_parking_cost',
	'total_fixed_cost',
	'total_reservation_cost',
] as const;

const TIMESTAMP_FIELDS = ['start_date_time', 'end_date_time', 'last_updated'] as const;

const isObject = (value: unknown): value is Json =>
	typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isPrice = (value: unknown): value is Price => isObject(value) && isNumber(value.excl_vat);

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parsed instant of an OCPI DateTime (missing zone = UTC), NaN when unparseable. Date.parse rolls impossible dates
 * over (Feb 30 → Mar 2), so the calendar date is checked first.
 */
function instant(value: string): number {
	const year = Number(value.slice(0, 4));
	const month = Number(value.slice(5, 7));
	const day = Number(value.slice(8, 10));
	const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
	if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1] + (leap ? 1 : 0)) return Number.NaN;
	const zone = zoneOf(value);
	if (zone === 'none') return Date.parse(`${value}Z`);
	return Date.parse(value.endsWith('z') ? `${value.slice(0, -1)}Z` : value);
}

function zoneOf(value: string): 'utc' | 'offset' | 'none' {
	const last = value.charCodeAt(value.length - 1);
	if (last === 90 || last === 122) return 'utc'; // Z, z
	const sign = value.charAt(value.length - 6);
	if (sign === '+' || sign === '-') return value.endsWith('00:00') ? 'utc' : 'offset';
	return 'none';
}

const hours = (milliseconds: number): number => milliseconds / 3_600_000;
const formatHours = (value: number): string => `${Number(value.toFixed(4))} h`;

/** Maps a schema violation to the most specific issue code for it. */
function schemaCode(violation: StructuralViolation): QualityCheckCode {
	const { path, keyword } = violation;
	if (keyword === 'pattern' || keyword === 'maxLength') {
		if (path === '$.country_code' || path === '$.cdr_token.country_code') return 'CDR_COUNTRY_CODE_INVALID';
		if (path === '$.party_id' || path === '$.cdr_token.party_id') return 'CDR_PARTY_ID_INVALID';
		if (path === '$.cdr_location.country') return 'CDR_LOCATION_COUNTRY_INVALID';
		if (path === '$.currency') return 'CDR_CURRENCY_INVALID';
		if (path === '$.id') return 'CDR_ID_TOO_LONG';
		if (keyword === 'pattern' && /(date_time|last_updated)$/.test(path)) return 'CDR_TIMESTAMP_INVALID';
	}
	return 'CDR_SCHEMA';
}

export function createCdrValidator(options: QualityOptions = {}): CdrValidator {
	const t: QualityThresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
	const include = options.include ? new Set(options.include) : undefined;
	const exclude = new Set(options.exclude ?? []);
	const severities = options.severities ?? {};
	const allowNegativeEnergy = options.allowNegativeEnergy === true;
	const treatWarningsAsErrors = options.treatWarningsAsErrors === true;
	const fixedNow = options.now?.getTime();
	const powerCeiling: Record<string, number> = {
		AC_1_PHASE: t.maxPowerKwAc1Phase,
		AC_2_PHASE: t.maxPowerKwAc2Phase,
		AC_2_PHASE_SPLIT: t.maxPowerKwAc2Phase,
		AC_3_PHASE: t.maxPowerKwAc3Phase,
		DC: t.maxPowerKwDc,
	};

	for (const code of [...(options.include ?? []), ...exclude, ...Object.keys(severities)]) {
		if (!QUALITY_CHECK_BY_CODE.has(code)) {
			throw new Error(`Unknown quality check code "${code}" in the validator options; see QUALITY_CHECKS for the list.`);
		}
	}
	const enabled = (code: QualityCheckCode): boolean =>
		QUALITY_CHECK_BY_CODE.get(code)?.alwaysOn === true || ((!include || include.has(code)) && !exclude.has(code));
	const enabledCodes = new Set<string>();
	for (const code of QUALITY_CHECK_BY_CODE.keys()) if (enabled(code as QualityCheckCode)) enabledCodes.add(code);

	/**
	 * Seen CDR keys, grouped per owner so each entry stores only the id. CiString ids are case-insensitive, so keys
	 * are upper-cased; that also copies the id out of the parsed input, which a slice could otherwise keep alive.
	 */
	const seen = new Map<string, Set<string>>();
	let seenCount = 0;

	function validate(input: unknown): CdrVerdict {
		const issues: QualityIssue[] = [];
		const report = (code: QualityCheckCode, path: string, message: string): void => {
			if (!enabledCodes.has(code)) return;
			const severity = severities[code] ?? QUALITY_CHECK_BY_CODE.get(code)!.severity;
			issues.push({ code, severity, path, message });
		};
		const verdict = (id: string | null, cdr?: Cdr): CdrVerdict => ({
			id,
			valid: !issues.some((issue) => issue.severity === 'error' || treatWarningsAsErrors),
			issues,
			...(cdr ? { cdr } : {}),
		});

		if (!isObject(input)) {
			const kind = input === null ? 'null' : Array.isArray(input) ? 'an array' : `a ${typeof input}`;
			report('CDR_NOT_AN_OBJECT', '$', `The item is ${kind}, not a CDR object. Pass one OCPI CDR JSON object per item.`);
			return verdict(null);
		}
		const rawId = typeof input.id === 'string' && input.id !== '' ? input.id : null;

		let cdr = input;
		if (detectOcpiVersion(input) === '2.1.1') {
			const upgrade = upgradeCdr211(input, options.ocpi211);
			for (const issue of upgrade.issues) report(issue.code, issue.path, issue.message);
			if (!upgrade.cdr) return verdict(rawId);
			cdr = upgrade.cdr as unknown as Json;
		}

		if (rawId === null) {
			const got = input.id === undefined ? 'missing' : `${JSON.stringify(input.id)} (${typeof input.id})`;
			report('CDR_ID_MISSING', '$.id', `id is ${got}: every CDR needs a non-empty string id, unique per CPO.`);
		}

		for (const violation of validateCdrStructure(cdr)) {
			if (violation.path === '$.id' && rawId === null) continue;
			report(schemaCode(violation), violation.path, violation.message);
		}

		checkCodes(cdr, rawId, report);
		const dimensions = collectDimensions(cdr);
		checkTimestamps(cdr, dimensions, report);
		checkSums(cdr, dimensions, report);
		checkPlausibility(cdr, dimensions, report);
		checkCredit(cdr, report);
		if (rawId !== null && enabledCodes.has('CDR_DUPLICATE')) checkDuplicate(cdr, rawId, report);

		return verdict(rawId, cdr as unknown as Cdr);
	}

	type Report = (code: QualityCheckCode, path: string, message: string) => void;

	function checkCodes(cdr: Json, id: string | null, report: Report): void {
		if (id !== null && id.length > 36 && id.length <= 39 && cdr.credit !== true) {
			report(
				'CDR_ID_TOO_LONG',
				'$.id',
				`id "${id}" has ${id.length} characters: a CDR id has at most 36 (39 only for a credit CDR).`,
			);
		}
		const currency = cdr.currency;
		if (typeof currency === 'string' && /^[A-Z]{3}$/.test(currency) && !ISO_4217_CURRENCIES.has(currency)) {
			report('CDR_CURRENCY_INVALID', '$.currency', `currency "${currency}" is not an active ISO 4217 code (e.g. EUR).`);
		}
		const location = cdr.cdr_location;
		if (isObject(location) && typeof location.country === 'string' && /^[A-Z]{3}$/.test(location.country)) {
			if (!ISO_3166_ALPHA3.has(location.country)) {
				report(
					'CDR_LOCATION_COUNTRY_INVALID',
					'$.cdr_location.country',
					`cdr_location.country "${location.country}" is not an ISO 3166-1 alpha-3 code (e.g. FRA, DEU).`,
				);
			}
		}
		const periods = cdr.charging_periods;
		if (Array.isArray(periods)) {
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
	}

	function checkTimestamps(cdr: Json, dims: Dimensions, report: Report): void {
		const now = fixedNow ?? Date.now();
		const futureLimit = now + t.futureToleranceSeconds * 1000;
		const at: Partial<Record<(typeof TIMESTAMP_FIELDS)[number], number>> = {};
		for (const field of TIMESTAMP_FIELDS) {
			const value = cdr[field];
			if (typeof value !== 'string' || !DATE_TIME.test(value)) continue; // the schema reported it
			const ms = instant(value);
			if (Number.isNaN(ms)) {
				report('CDR_TIMESTAMP_INVALID', `$.${field}`, `${field} "${value}" is not a valid RFC 3339 timestamp.`);
				continue;
			}
			at[field] = ms;
			zoneCheck(value, `$.${field}`, report);
			if (ms > futureLimit) {
				report(
					'CDR_TIMESTAMP_IN_FUTURE',
					`$.${field}`,
					`${field} ${value} is in the future (now is ${new Date(now).toISOString()}). Check the sender's clock ` +
						'or the time zone of the timestamp.',
				);
			}
		}
		const start = at.start_date_time;
		const end = at.end_date_time;
		if (start !== undefined && end !== undefined) {
			if (end < start) {
				report(
					'CDR_END_BEFORE_START',
					'$.end_date_time',
					`end_date_time ${String(cdr.end_date_time)} is before start_date_time ${String(cdr.start_date_time)}.`,
				);
			} else {
				const seconds = (end - start) / 1000;
				if (seconds < t.minSessionSeconds) {
					report(
						'CDR_SESSION_TOO_SHORT',
						'$.end_date_time',
						`The session lasted ${seconds} s, less than the minimum of ${t.minSessionSeconds} s.`,
					);
				}
				if (seconds > t.maxSessionHours * 3600) {
					report(
						'CDR_SESSION_TOO_LONG',
						'$.end_date_time',
						`The session lasted ${formatHours(seconds / 3600)}, more than the maximum of ${t.maxSessionHours} h.`,
					);
				}
				checkTotalTime(cdr, hours(end - start), dims.RESERVATION_TIME, report);
			}
			if (at.last_updated !== undefined && at.last_updated < end) {
				report(
					'CDR_LAST_UPDATED_BEFORE_END',
					'$.last_updated',
					`last_updated ${String(cdr.last_updated)} is before end_date_time ${String(cdr.end_date_time)}.`,
				);
			}
		}
		const periods = cdr.charging_periods;
		if (!Array.isArray(periods)) return;
		let previous: number | undefined;
		for (let p = 0; p < periods.length; p++) {
			const period = periods[p];
			if (!isObject(period) || typeof period.start_date_time !== 'string' || !DATE_TIME.test(period.start_date_time)) {
				continue;
			}
			const path = `$.charging_periods[${p}].start_date_time`;
			const ms = instant(period.start_date_time);
			if (Number.isNaN(ms)) {
				report('CDR_TIMESTAMP_INVALID', path, `${path} "${period.start_date_time}" is not a valid RFC 3339 timestamp.`);
				continue;
			}
			zoneCheck(period.start_date_time, path, report);
			if (previous !== undefined && ms <= previous) {
				report(
					'CDR_PERIODS_NOT_CHRONOLOGICAL',
					path,
					`charging_periods[${p}] starts at ${period.start_date_time}, not after the previous period's start.`,
				);
			}
			previous = ms;
			if ((start !== undefined && ms < start) || (end !== undefined && ms >= end)) {
				report(
					'CDR_PERIOD_OUTSIDE_SESSION',
					path,
					`charging_periods[${p}] starts at ${period.start_date_time}, outside the session ` +
						`[${String(cdr.start_date_time)}, ${String(cdr.end_date_time)}).`,
				);
			}
		}
	}

	function zoneCheck(value: string, path: string, report: Report): void {
		const zone = zoneOf(value);
		if (zone === 'none') {
			const message = `${path} "${value}" has no zone designator; read as UTC. Append "Z".`;
			report('CDR_TIMESTAMP_NO_UTC_DESIGNATOR', path, message);
		} else if (zone === 'offset') {
			report('CDR_TIMESTAMP_NOT_UTC', path, `${path} "${value}" is not in UTC; OCPI DateTimes are UTC ("Z").`);
		}
	}

	function checkTotalTime(cdr: Json, sessionHours: number, reservation: DimensionSum, report: Report): void {
		if (!isNumber(cdr.total_time)) return;
		// Plausibility, not money: compared in seconds, with a microsecond for binary rounding of hours.
		const totalSeconds = (cdr.total_time as number) * 3600;
		const off = (expectedHours: number): boolean =>
			Math.abs(totalSeconds - expectedHours * 3600) > t.durationToleranceSeconds + 1e-6;
		const reservationHours = reservation.values.reduce((a, b) => a + b, 0);
		if (off(sessionHours) && (reservation.count === 0 || off(sessionHours - reservationHours))) {
			report(
				'CDR_TOTAL_TIME_MISMATCH',
				'$.total_time',
				`total_time is ${cdr.total_time} h but the session lasted ${formatHours(sessionHours)} from start_date_time ` +
					'to end_date_time.',
			);
		}
	}

	function checkSums(cdr: Json, dims: Dimensions, report: Report): void {
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
					report(
						'CDR_VOLUME_NEGATIVE',
						volumePath(sum, index),
						`${dimension} volume ${volume} h is negative: durations cannot be.`,
					);
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
						(reservation.count > 0
							? ` (${exactSum([...charged, ...reservation.values]).toFixed()} h with RESERVATION_TIME)`
							: '') +
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
		checkCosts(cdr, report);
	}

	function checkCosts(cdr: Json, report: Report): void {
		const total = cdr.total_cost;
		for (const field of ['total_cost', ...COST_FIELDS] as const) {
			const price = cdr[field];
			if (!isPrice(price) || !isNumber(price.incl_vat)) continue;
			const excl = price.excl_vat;
			if ((excl > 0 && price.incl_vat < excl) || (excl < 0 && price.incl_vat > excl)) {
				report(
					'CDR_INCL_VAT_BELOW_EXCL',
					`$.${field}.incl_vat`,
					`${field}.incl_vat ${price.incl_vat} is ${excl > 0 ? 'below' : 'above'} ${field}.excl_vat ${excl}: VAT ` +
						'cannot reduce an amount. Check that the two values are not swapped.',
				);
			}
		}
		if (!isPrice(total)) return;
		const parts = COST_FIELDS.filter((field) => isPrice(cdr[field]));
		if (parts.length === 0) return;
		// Each amount is rounded on its own, so n subtotals and the total drift apart by less than (n + 1) / 2 cents.
		const tolerance = t.moneyTolerance * Math.max(1, Math.ceil((parts.length - 1) / 2));
		// A credit CDR negates total_cost only; its subtotals stay as in the credited CDR.
		const credit = cdr.credit === true;
		const expected = (amount: number): number => (credit ? Math.abs(amount) : amount);
		const excl = parts.map((field) => (cdr[field] as Price).excl_vat);
		if (sumDiffersBeyond(excl, expected(total.excl_vat), tolerance)) {
			report(
				'CDR_COST_SUM_MISMATCH',
				'$.total_cost.excl_vat',
				`${parts.join(' + ')} excl. VAT add up to ${exactSum(excl).toFixed()} ${String(cdr.currency)}, but ` +
					`total_cost.excl_vat is ${total.excl_vat}${credit ? ' (a credit CDR: compared without its sign)' : ''} ` +
					`(tolerance ${tolerance}). Add the missing subtotal or correct the amounts.`,
			);
		}
		const incl = parts.map((field) => (cdr[field] as Price).incl_vat);
		if (isNumber(total.incl_vat) && incl.every(isNumber)) {
			if (sumDiffersBeyond(incl as number[], expected(total.incl_vat), tolerance)) {
				report(
					'CDR_COST_SUM_MISMATCH',
					'$.total_cost.incl_vat',
					`${parts.join(' + ')} incl. VAT add up to ${exactSum(incl as number[]).toFixed()} ${String(cdr.currency)}, ` +
						`but total_cost.incl_vat is ${total.incl_vat} (tolerance ${tolerance}).`,
				);
			}
		}
	}

	function checkPlausibility(cdr: Json, dims: Dimensions, report: Report): void {
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
			powerKw = typeof powerType === 'string' ? powerCeiling[powerType] : undefined;
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

	function checkCredit(cdr: Json, report: Report): void {
		const total = cdr.total_cost;
		const hasReference = typeof cdr.credit_reference_id === 'string' && cdr.credit_reference_id !== '';
		if (cdr.credit === true) {
			if (!hasReference) {
				report(
					'CDR_CREDIT_REFERENCE_MISSING',
					'$.credit_reference_id',
					'credit is true but credit_reference_id is missing: set it to the id of the CDR this one credits.',
				);
			}
			if (isPrice(total) && total.excl_vat > 0) {
				report(
					'CDR_CREDIT_COST_NOT_NEGATIVE',
					'$.total_cost.excl_vat',
					`credit is true but total_cost.excl_vat is ${total.excl_vat}: a credit CDR carries the negated total_cost ` +
						'of the credited CDR.',
				);
			}
		} else {
			if (hasReference) {
				report(
					'CDR_CREDIT_REFERENCE_WITHOUT_CREDIT',
					'$.credit_reference_id',
					`credit_reference_id "${String(cdr.credit_reference_id)}" is set but credit is not true. Set credit: true ` +
						'for a credit CDR, or remove the reference.',
				);
			}
			if (isPrice(total) && total.excl_vat < 0) {
				report(
					'CDR_NEGATIVE_COST_NOT_CREDIT',
					'$.total_cost.excl_vat',
					`total_cost.excl_vat is ${total.excl_vat} but the CDR is not a credit CDR (credit: true with ` +
						'credit_reference_id).',
				);
			}
		}
	}

	function checkDuplicate(cdr: Json, id: string, report: Report): void {
		if (typeof cdr.country_code !== 'string' || typeof cdr.party_id !== 'string') return;
		const owner = cdrKey({ country_code: cdr.country_code.toUpperCase(), party_id: cdr.party_id.toUpperCase(), id: '' });
		let ids = seen.get(owner);
		if (!ids) {
			ids = new Set();
			seen.set(owner, ids);
		}
		const key = id.toUpperCase();
		if (ids.has(key)) {
			report(
				'CDR_DUPLICATE',
				'$.id',
				`CDR ${cdr.country_code}*${cdr.party_id} "${id}" was already seen in this run: a CDR is sent once. A ` +
					'correction is a credit CDR plus a new CDR with another id.',
			);
			return;
		}
		ids.add(key);
		seenCount++;
	}

	return {
		validate,
		get seenCount() {
			return seenCount;
		},
	};
}

interface DimensionSum {
	count: number;
	values: number[];
	/** Period and dimension index of each value, flattened: [p0, d0, p1, d1, ...]. */
	positions: number[];
}

type Dimensions = Record<'ENERGY' | 'TIME' | 'PARKING_TIME' | 'RESERVATION_TIME' | 'MAX_POWER', DimensionSum>;

const volumePath = (sum: DimensionSum, index: number): string =>
	`$.charging_periods[${sum.positions[2 * index]}].dimensions[${sum.positions[2 * index + 1]}].volume`;

/** The numeric volumes of the dimensions the checks add up, in one pass over the charging periods. */
function collectDimensions(cdr: Json): Dimensions {
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
