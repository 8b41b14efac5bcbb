/**
 * TariffRestrictions evaluated at the start of a charging period. The CPO SHALL start a new period whenever another
 * price component becomes active (mod_cdrs ChargingPeriod), so the start of a period stands for all of it.
 */
import type { Decimal } from '../money';
import type { CompiledRestrictions } from './tariff';
import type { LocalTime } from './time-zone';

export interface PeriodContext {
	index: number;
	startMs: number;
	/** Seconds since the session start. */
	durationSeconds: number;
	/** kWh charged before this period. */
	energySoFar: Decimal;
	/** Local wall clock at period start; null when the tariff needs none. */
	local: LocalTime | null;
	minCurrent?: number;
	maxCurrent?: number;
	minPower?: number;
	maxPower?: number;
}

function timeOfDayMatches(r: CompiledRestrictions, minute: number): boolean {
	const start = r.startMinute;
	const end = r.endMinute;
	if (start !== undefined && end !== undefined) {
		if (start < end) return minute >= start && minute < end;
		// end < start wraps past midnight; start == end is undefined in OCPI and never matches here.
		if (end < start) return minute >= start || minute < end;
		return false;
	}
	if (start !== undefined) return minute >= start;
	if (end !== undefined) return minute < end;
	return true;
}

/** AND of every restriction present (mod_tariffs TariffRestrictions). `reservation` is handled by rule selection. */
export function restrictionsMatch(r: CompiledRestrictions | null, p: PeriodContext): boolean {
	if (r === null) return true;
	if (r.startMinute !== undefined || r.endMinute !== undefined) {
		if (p.local === null || !timeOfDayMatches(r, p.local.minuteOfDay)) return false;
	}
	if (r.startEpochDay !== undefined && (p.local === null || p.local.epochDay < r.startEpochDay)) return false;
	if (r.endEpochDay !== undefined && (p.local === null || p.local.epochDay >= r.endEpochDay)) return false;
	if (r.dayMask !== undefined && (p.local === null || (r.dayMask & (1 << p.local.weekday)) === 0)) return false;
	if (r.minKwh !== undefined && p.energySoFar.lt(r.minKwh)) return false;
	if (r.maxKwh !== undefined && p.energySoFar.gte(r.maxKwh)) return false;
	if (r.minDuration !== undefined && p.durationSeconds < r.minDuration) return false;
	if (r.maxDuration !== undefined && p.durationSeconds >= r.maxDuration) return false;
	// Current and power restrictions need the period's MIN_/MAX_ dimension: without it they cannot be shown to hold.
	if (r.minCurrent !== undefined && !(p.minCurrent !== undefined && p.minCurrent >= r.minCurrent)) return false;
	if (r.maxCurrent !== undefined && !(p.maxCurrent !== undefined && p.maxCurrent < r.maxCurrent)) return false;
	if (r.minPower !== undefined && !(p.minPower !== undefined && p.minPower >= r.minPower)) return false;
	if (r.maxPower !== undefined && !(p.maxPower !== undefined && p.maxPower < r.maxPower)) return false;
	return true;
}
