/**
 * Timestamps: valid RFC 3339 instants in UTC, not in the future, in order (start, end, last_updated, periods), a
 * plausible session length, and total_time agreeing with end − start.
 */
import { DATE_TIME_PATTERN } from '../ocpi/schema';
import type { CheckContext, Report } from './check-context';
import type { DimensionSum, Dimensions } from './dimensions';
import type { Json } from './json-values';
import { isNumber, isObject } from './json-values';

const DATE_TIME = new RegExp(DATE_TIME_PATTERN);
const TIMESTAMP_FIELDS = ['start_date_time', 'end_date_time', 'last_updated'] as const;
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
export const formatHours = (value: number): string => `${Number(value.toFixed(4))} h`;

function zoneCheck(value: string, path: string, report: Report): void {
	const zone = zoneOf(value);
	if (zone === 'none') {
		const message = `${path} "${value}" has no zone designator; read as UTC. Append "Z".`;
		report('CDR_TIMESTAMP_NO_UTC_DESIGNATOR', path, message);
	} else if (zone === 'offset') {
		report('CDR_TIMESTAMP_NOT_UTC', path, `${path} "${value}" is not in UTC; OCPI DateTimes are UTC ("Z").`);
	}
}

function checkTotalTime(cdr: Json, sessionHours: number, reservation: DimensionSum, ctx: CheckContext): void {
	if (!isNumber(cdr.total_time)) return;
	const t = ctx.thresholds;
	// Plausibility, not money: compared in seconds, with a microsecond for binary rounding of hours.
	const totalSeconds = (cdr.total_time as number) * 3600;
	const off = (expectedHours: number): boolean =>
		Math.abs(totalSeconds - expectedHours * 3600) > t.durationToleranceSeconds + 1e-6;
	const reservationHours = reservation.values.reduce((a, b) => a + b, 0);
	if (off(sessionHours) && (reservation.count === 0 || off(sessionHours - reservationHours))) {
		ctx.report(
			'CDR_TOTAL_TIME_MISMATCH',
			'$.total_time',
			`total_time is ${cdr.total_time} h but the session lasted ${formatHours(sessionHours)} from start_date_time ` +
				'to end_date_time.',
		);
	}
}

export function checkTimestamps(cdr: Json, dims: Dimensions, ctx: CheckContext): void {
	const { report, thresholds: t } = ctx;
	const now = ctx.fixedNow ?? Date.now();
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
			checkTotalTime(cdr, hours(end - start), dims.RESERVATION_TIME, ctx);
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
