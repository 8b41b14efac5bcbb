/**
 * A CDR's charging periods as a timeline the pricer can fold: per period its start, the session duration and the
 * energy charged before it, its local wall clock, and its volumes as Decimals.
 */
import { Decimal, ZERO } from '../money';
import type { Cdr } from '../ocpi/types';
import type { PeriodContext } from './restriction';
import type { TimeZoneClock } from './time-zone';
import { parseOcpiDateTime } from './time-zone';

export interface SessionPeriod extends PeriodContext {
	/** kWh, hours, hours, hours; undefined when the period has no such dimension (or a zero volume). */
	energy?: Decimal;
	time?: Decimal;
	parking?: Decimal;
	reservation?: Decimal;
}

export interface Session {
	periods: SessionPeriod[];
	/** The CDR has reservation periods and no charging or parking: the reservation expired unused. */
	reservationExpired: boolean;
}

/** The CDR cannot be read as a timeline; `field` is the JSON path. */
export class SessionError extends Error {
	constructor(
		message: string,
		readonly field: string,
	) {
		super(message);
		this.name = 'SessionError';
	}
}

function volumeOf(value: unknown, field: string): Decimal {
	if (typeof value !== 'number' || !Number.isFinite(value)) throw new SessionError(`${field} must be a number`, field);
	return new Decimal(value);
}

export function buildSession(cdr: Pick<Cdr, 'charging_periods' | 'start_date_time'>, clock: TimeZoneClock | null): Session {
	const raw = cdr.charging_periods;
	if (!Array.isArray(raw) || raw.length === 0) {
		throw new SessionError('a CDR needs at least one charging period to be priced', 'charging_periods');
	}
	const periods: SessionPeriod[] = [];
	let hasRegular = false;
	let hasReservation = false;
	let energySoFar = ZERO;
	for (let i = 0; i < raw.length; i++) {
		const period = raw[i];
		const startMs = parseOcpiDateTime(String(period?.start_date_time));
		if (Number.isNaN(startMs)) {
			throw new SessionError('start_date_time is not an RFC 3339 date-time', `charging_periods[${i}].start_date_time`);
		}
		const p: SessionPeriod = { index: i, startMs, durationSeconds: 0, energySoFar, local: null };
		const dims = period.dimensions ?? [];
		for (let d = 0; d < dims.length; d++) {
			const dim = dims[d];
			const field = `charging_periods[${i}].dimensions[${d}].volume`;
			switch (dim.type) {
				case 'ENERGY':
					p.energy = volumeOf(dim.volume, field);
					break;
				case 'TIME':
					p.time = volumeOf(dim.volume, field);
					break;
				case 'PARKING_TIME':
					p.parking = volumeOf(dim.volume, field);
					break;
				case 'RESERVATION_TIME':
					p.reservation = volumeOf(dim.volume, field);
					break;
				case 'MIN_CURRENT':
					p.minCurrent = dim.volume;
					break;
				case 'MAX_CURRENT':
					p.maxCurrent = dim.volume;
					break;
				case 'MIN_POWER':
					p.minPower = dim.volume;
					break;
				case 'MAX_POWER':
					p.maxPower = dim.volume;
					break;
				default:
					break;
			}
		}
		// A zero volume is no use of that dimension: it must not receive the step_size difference.
		if (p.energy?.isZero()) p.energy = undefined;
		if (p.time?.isZero()) p.time = undefined;
		if (p.parking?.isZero()) p.parking = undefined;
		if (p.reservation?.isZero()) p.reservation = undefined;
		if (p.energy || p.time || p.parking) hasRegular = true;
		if (p.reservation) hasReservation = true;
		if (p.energy) energySoFar = energySoFar.plus(p.energy);
		periods.push(p);
	}
	// Durations count from the start of the charging session, which follows any reservation periods.
	const firstRegular = periods.find((p) => p.energy || p.time || p.parking);
	const cdrStart = parseOcpiDateTime(String(cdr.start_date_time));
	const sessionStart =
		hasReservation && firstRegular ? firstRegular.startMs : Number.isNaN(cdrStart) ? periods[0].startMs : cdrStart;
	for (const p of periods) {
		p.durationSeconds = (p.startMs - sessionStart) / 1000;
		if (clock) p.local = clock.localTime(p.startMs);
	}
	return { periods, reservationExpired: hasReservation && !hasRegular };
}
