/**
 * A Tariff normalised once for pricing: restrictions parsed to minutes, epoch days and seconds, prices and VAT
 * turned into Decimals, and elements indexed per dimension so that the per-period lookup is a short scan.
 */
import type { Decimal } from '../money';
import { dec } from '../money';
import type { ReservationRestrictionType, Tariff, TariffDimensionType, TariffRestrictions } from '../ocpi/types';
import { DAYS_OF_WEEK } from '../ocpi/types';
import { MS_PER_DAY, parseOcpiDateTime } from './time-zone';

export interface CompiledComponent {
	type: TariffDimensionType;
	elementIndex: number;
	componentIndex: number;
	/** Price per unit, excl. VAT. */
	price: Decimal;
	/** VAT percentage, or null when the tariff gives none ("no VAT applicable", not 0 %). */
	vat: number | null;
	/** Wh for ENERGY, seconds for TIME and PARKING_TIME; 0 = no rounding. */
	stepSize: number;
}

export interface CompiledRestrictions {
	/** Minutes of the local day, start inclusive. */
	startMinute?: number;
	/** Minutes of the local day, end exclusive; "00:00" as end is 1440 (end of day). */
	endMinute?: number;
	startEpochDay?: number;
	endEpochDay?: number;
	minKwh?: Decimal;
	maxKwh?: Decimal;
	minCurrent?: number;
	maxCurrent?: number;
	minPower?: number;
	maxPower?: number;
	minDuration?: number;
	maxDuration?: number;
	/** Bit i set = weekday i (0 = Monday) allowed. */
	dayMask?: number;
	reservation?: ReservationRestrictionType;
}

export interface CompiledRule {
	restrictions: CompiledRestrictions | null;
	component: CompiledComponent;
}

export type PricedDimension = TariffDimensionType;

/** A min_price or max_price: the amount excl. VAT, and incl. VAT when the tariff gives it. */
export interface PriceLimit {
	excl: Decimal;
	incl?: Decimal;
}

export interface NormalizedTariff {
	tariff: Tariff;
	id: string;
	currency: string;
	validFromMs?: number;
	validToMs?: number;
	minPrice?: PriceLimit;
	maxPrice?: PriceLimit;
	/** Rules per dimension in element order, for normal (non-reservation) periods. */
	regular: Record<PricedDimension, CompiledRule[]>;
	/** Rules of elements restricted to RESERVATION, then of elements restricted to RESERVATION_EXPIRES. */
	reservation: Record<PricedDimension, CompiledRule[]>;
	reservationExpires: Record<PricedDimension, CompiledRule[]>;
	/** True when some restriction reads local time, so a time zone is required. */
	needsLocalTime: boolean;
}

/** The tariff cannot be used as written; `field` is the JSON path of the offending value. */
export class TariffDefinitionError extends Error {
	constructor(
		message: string,
		readonly field: string,
	) {
		super(message);
		this.name = 'TariffDefinitionError';
	}
}

const TIME_OF_DAY = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DIMENSIONS: readonly PricedDimension[] = ['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'];

function emptyRules(): Record<PricedDimension, CompiledRule[]> {
	return { ENERGY: [], FLAT: [], PARKING_TIME: [], TIME: [] };
}

function minuteOf(value: string, field: string): number {
	const match = TIME_OF_DAY.exec(value);
	if (!match) throw new TariffDefinitionError(`${field} must be "HH:MM" (24 h), got "${value}"`, field);
	return Number(match[1]) * 60 + Number(match[2]);
}

function epochDayOf(value: string, field: string): number {
	const match = DATE.exec(value);
	const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
	if (!match || Number.isNaN(ms)) throw new TariffDefinitionError(`${field} must be "YYYY-MM-DD", got "${value}"`, field);
	return ms / MS_PER_DAY;
}

function finite(value: unknown, field: string): number {
	if (typeof value !== 'number' || !Number.isFinite(value)) {
		throw new TariffDefinitionError(`${field} must be a number`, field);
	}
	return value;
}

function compileRestrictions(r: TariffRestrictions, path: string): { compiled: CompiledRestrictions; local: boolean } {
	const c: CompiledRestrictions = {};
	let local = false;
	if (r.start_time !== undefined) {
		c.startMinute = minuteOf(r.start_time, `${path}.start_time`);
		local = true;
	}
	if (r.end_time !== undefined) {
		const minute = minuteOf(r.end_time, `${path}.end_time`);
		c.endMinute = minute === 0 ? 1440 : minute;
		local = true;
	}
	if (r.start_date !== undefined) {
		c.startEpochDay = epochDayOf(r.start_date, `${path}.start_date`);
		local = true;
	}
	if (r.end_date !== undefined) {
		c.endEpochDay = epochDayOf(r.end_date, `${path}.end_date`);
		local = true;
	}
	if (r.min_kwh !== undefined) c.minKwh = dec(finite(r.min_kwh, `${path}.min_kwh`));
	if (r.max_kwh !== undefined) c.maxKwh = dec(finite(r.max_kwh, `${path}.max_kwh`));
	if (r.min_current !== undefined) c.minCurrent = finite(r.min_current, `${path}.min_current`);
	if (r.max_current !== undefined) c.maxCurrent = finite(r.max_current, `${path}.max_current`);
	if (r.min_power !== undefined) c.minPower = finite(r.min_power, `${path}.min_power`);
	if (r.max_power !== undefined) c.maxPower = finite(r.max_power, `${path}.max_power`);
	if (r.min_duration !== undefined) c.minDuration = finite(r.min_duration, `${path}.min_duration`);
	if (r.max_duration !== undefined) c.maxDuration = finite(r.max_duration, `${path}.max_duration`);
	if (r.day_of_week !== undefined && r.day_of_week.length > 0) {
		let mask = 0;
		r.day_of_week.forEach((day, i) => {
			const index = DAYS_OF_WEEK.indexOf(day);
			if (index < 0) throw new TariffDefinitionError(`unknown day "${day}"`, `${path}.day_of_week[${i}]`);
			mask |= 1 << index;
		});
		c.dayMask = mask;
		local = true;
	}
	if (r.reservation !== undefined) {
		if (r.reservation !== 'RESERVATION' && r.reservation !== 'RESERVATION_EXPIRES') {
			throw new TariffDefinitionError(`unknown reservation "${String(r.reservation)}"`, `${path}.reservation`);
		}
		c.reservation = r.reservation;
	}
	return { compiled: c, local };
}

function compilePrice(price: { excl_vat: number; incl_vat?: number } | undefined, field: string) {
	if (price === undefined || price === null) return undefined;
	return {
		excl: dec(finite(price.excl_vat, `${field}.excl_vat`)),
		incl: price.incl_vat === undefined || price.incl_vat === null ? undefined : dec(finite(price.incl_vat, `${field}.incl_vat`)),
	};
}

function validityMs(value: string | undefined, field: string): number | undefined {
	if (value === undefined || value === null) return undefined;
	const ms = parseOcpiDateTime(value);
	if (Number.isNaN(ms)) throw new TariffDefinitionError(`${field} is not an RFC 3339 date-time: "${value}"`, field);
	return ms;
}

/** Normalises a tariff; throws TariffDefinitionError naming the field when it cannot be priced with. */
export function normalizeTariff(tariff: Tariff): NormalizedTariff {
	if (!Array.isArray(tariff?.elements) || tariff.elements.length === 0) {
		throw new TariffDefinitionError('a tariff needs at least one element', 'elements');
	}
	const normalized: NormalizedTariff = {
		tariff,
		id: tariff.id,
		currency: tariff.currency,
		validFromMs: validityMs(tariff.start_date_time, 'start_date_time'),
		validToMs: validityMs(tariff.end_date_time, 'end_date_time'),
		minPrice: compilePrice(tariff.min_price, 'min_price'),
		maxPrice: compilePrice(tariff.max_price, 'max_price'),
		regular: emptyRules(),
		reservation: emptyRules(),
		reservationExpires: emptyRules(),
		needsLocalTime: false,
	};
	tariff.elements.forEach((element, elementIndex) => {
		const path = `elements[${elementIndex}]`;
		let restrictions: CompiledRestrictions | null = null;
		if (element.restrictions) {
			const { compiled, local } = compileRestrictions(element.restrictions, `${path}.restrictions`);
			restrictions = Object.keys(compiled).length > 0 ? compiled : null;
			normalized.needsLocalTime ||= local;
		}
		const target =
			restrictions?.reservation === 'RESERVATION'
				? normalized.reservation
				: restrictions?.reservation === 'RESERVATION_EXPIRES'
					? normalized.reservationExpires
					: normalized.regular;
		const seen = new Set<PricedDimension>();
		(element.price_components ?? []).forEach((pc, componentIndex) => {
			const field = `${path}.price_components[${componentIndex}]`;
			if (!DIMENSIONS.includes(pc.type)) {
				throw new TariffDefinitionError(`unknown dimension "${String(pc.type)}"`, `${field}.type`);
			}
			// Only one component per dimension can be active; within an element the first one is it.
			if (seen.has(pc.type)) return;
			seen.add(pc.type);
			const vat = pc.vat === undefined || pc.vat === null ? null : finite(pc.vat, `${field}.vat`);
			target[pc.type].push({
				restrictions,
				component: {
					type: pc.type,
					elementIndex,
					componentIndex,
					price: dec(finite(pc.price, `${field}.price`)),
					vat,
					stepSize: pc.type === 'FLAT' ? 0 : Math.max(0, Math.trunc(Number(pc.step_size) || 0)),
				},
			});
		});
	});
	return normalized;
}
