/**
 * A Tariff normalised once for pricing: restrictions parsed to minutes, epoch days and seconds, prices and VAT
 * turned into Decimals, and elements indexed per dimension so that the per-period lookup is a short scan.
 * OCPI 2.2.1 and 2.3.0 tariffs normalise to the same form; only their limits and `tax_included` are read differently.
 */
import type { Decimal } from '../money';
import { Decimal as D, dec } from '../money';
import type { ReservationRestrictionType, TariffDimensionType, TariffRestrictions } from '../ocpi/types';
import { DAYS_OF_WEEK } from '../ocpi/types';
import type { AnyTariff, TaxIncluded } from '../ocpi/types-v230';
import { TAX_INCLUDED_VALUES } from '../ocpi/types-v230';
import type { CdrVersion } from '../ocpi/version';
import { DEFAULT_CDR_VERSION, tariffVersionConflict } from '../ocpi/version';
import type { PriceLimit } from './tariff-amounts';
import { TariffDefinitionError, componentPrice, componentStepSize, componentVat, priceLimits } from './tariff-amounts';
import { MS_PER_DAY, parseOcpiDateTime } from './time-zone';

export type { PriceLimit, TariffErrorCode } from './tariff-amounts';
export { TariffDefinitionError } from './tariff-amounts';

export interface CompiledComponent {
	type: TariffDimensionType;
	elementIndex: number;
	componentIndex: number;
	/** Price per unit as the tariff gives it: excl. VAT, or incl. VAT when `vatIncluded`. */
	price: Decimal;
	/** OCPI 2.3.0 tax_included YES: `price` includes the component's VAT. */
	vatIncluded: boolean;
	/** Price per unit excl. VAT, as a breakdown line shows it (6 decimals when taking VAT out does not terminate). */
	unitPrice: Decimal;
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

export interface NormalizedTariff {
	tariff: AnyTariff;
	/** The OCPI version the tariff was read in. */
	version: CdrVersion;
	/** OCPI 2.3.0 tax_included; null for 2.2.1, whose prices exclude VAT. */
	taxIncluded: TaxIncluded | null;
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

function validityMs(value: string | undefined, field: string): number | undefined {
	if (value === undefined || value === null) return undefined;
	const ms = parseOcpiDateTime(value);
	if (Number.isNaN(ms)) throw new TariffDefinitionError(`${field} is not an RFC 3339 date-time: "${value}"`, field);
	return ms;
}

function taxIncludedOf(tariff: AnyTariff, version: CdrVersion): TaxIncluded | null {
	if (version === '2.2.1') return null;
	const value = (tariff as { tax_included?: unknown }).tax_included;
	if (!TAX_INCLUDED_VALUES.includes(value as TaxIncluded)) {
		throw new TariffDefinitionError(
			`tax_included is ${value === undefined ? 'missing' : JSON.stringify(value)}: OCPI 2.3.0 requires YES, NO or N/A ` +
				'(whether the prices include taxes); a 2.2.1 tariff has none, so check the run\'s OCPI version',
			'tax_included',
			'TARIFF_TAX_INCLUDED_INVALID',
		);
	}
	return value as TaxIncluded;
}

/** Taking VAT out of a price per unit may not terminate (0.29 / 1.21): shown to 6 decimals, computed exactly. */
function unitPriceExclVat(price: Decimal, vat: number | null, included: boolean): Decimal {
	if (!included || vat === null) return price;
	const exact = price.div(new D(vat).div(100).plus(1));
	return exact.decimalPlaces() > 6 ? exact.toDecimalPlaces(6, D.ROUND_HALF_UP) : exact;
}

/**
 * Normalises a tariff read in the run's OCPI version; throws TariffDefinitionError naming the field and its code when
 * it cannot be priced with.
 */
export function normalizeTariff(tariff: AnyTariff, version: CdrVersion = DEFAULT_CDR_VERSION): NormalizedTariff {
	const conflict = tariffVersionConflict(tariff, version, '');
	if (conflict) throw new TariffDefinitionError(conflict.message, conflict.path, 'TARIFF_VERSION_MISMATCH');
	if (!Array.isArray(tariff?.elements) || tariff.elements.length === 0) {
		throw new TariffDefinitionError('a tariff needs at least one element', 'elements');
	}
	const taxIncluded = taxIncludedOf(tariff, version);
	const normalized: NormalizedTariff = {
		tariff,
		version,
		taxIncluded,
		id: tariff.id,
		currency: tariff.currency,
		validFromMs: validityMs(tariff.start_date_time, 'start_date_time'),
		validToMs: validityMs(tariff.end_date_time, 'end_date_time'),
		...priceLimits(tariff, version),
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
			const price = componentPrice(pc.price, `${field}.price`);
			const vat = componentVat(pc.vat, `${field}.vat`, taxIncluded);
			const vatIncluded = taxIncluded === 'YES' && vat !== null;
			target[pc.type].push({
				restrictions,
				component: {
					type: pc.type,
					elementIndex,
					componentIndex,
					price,
					vatIncluded,
					unitPrice: unitPriceExclVat(price, vat, vatIncluded),
					vat,
					stepSize: componentStepSize(pc, `${field}.step_size`),
				},
			});
		});
	});
	return normalized;
}
