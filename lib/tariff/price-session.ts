/**
 * Folds a session timeline under one normalised tariff into priced breakdown lines (mod_tariffs, mod_cdrs step_size).
 *
 * Per period and dimension the first rule (element order) whose restrictions match gives the price component.
 * step_size rounds the session total of a dimension with the step of the last component used, and the difference is
 * added to the last priced period of that dimension. FLAT is charged once per session (and once per reservation).
 * min_price / max_price are applied by lib/pricing (price-limits.ts), after the run's rounding policy.
 */
import { Decimal, ZERO } from '../money';
import type { CompiledComponent, CompiledRule, NormalizedTariff, PricedDimension } from './tariff';
import type { PeriodContext } from './restriction';
import { restrictionsMatch } from './restriction';
import type { Session } from './session';

export type CostCategory = 'energy' | 'time' | 'parking' | 'fixed' | 'reservation' | 'price_limit';

export type BreakdownDimension =
	| 'ENERGY'
	| 'TIME'
	| 'PARKING_TIME'
	| 'FLAT'
	| 'RESERVATION_TIME'
	| 'RESERVATION_FLAT'
	| 'MIN_PRICE'
	| 'MAX_PRICE';

/** One priced use of a dimension: the answer to "why does this CDR cost that much". */
export interface BreakdownLine {
	/** Index in charging_periods; null for the price-limit adjustment. */
	periodIndex: number | null;
	dimension: BreakdownDimension;
	category: CostCategory;
	tariffId: string;
	elementIndex: number | null;
	componentIndex: number | null;
	/** Price per unit excl. VAT (per kWh, per hour, per session); 6 decimals when derived from a price incl. VAT. */
	price: Decimal | null;
	/** VAT percentage; null = no VAT applicable. */
	vat: number | null;
	/** kWh (ENERGY), hours (TIME, PARKING_TIME, RESERVATION_TIME), 1 (FLAT). */
	volume: Decimal;
	/** Volume after step_size. */
	billedVolume: Decimal;
	excl: Decimal;
	incl: Decimal;
}

export interface TariffPricing {
	lines: BreakdownLine[];
	/** Session totals billed after step_size, only of priced volume: kWh, h, h, h. */
	billed: { energy: Decimal; time: Decimal; parking: Decimal; reservation: Decimal };
}

const SECONDS_PER_HOUR = new Decimal(3600);
const WH_PER_KWH = new Decimal(1000);
const ONE = new Decimal(1);

function firstMatch(rules: readonly CompiledRule[], period: PeriodContext): CompiledComponent | null {
	for (let i = 0; i < rules.length; i++) {
		if (restrictionsMatch(rules[i].restrictions, period)) return rules[i].component;
	}
	return null;
}

function line(
	tariff: NormalizedTariff,
	periodIndex: number,
	dimension: BreakdownDimension,
	category: CostCategory,
	c: CompiledComponent,
	volume: Decimal,
): BreakdownLine {
	return {
		periodIndex,
		dimension,
		category,
		tariffId: tariff.id,
		elementIndex: c.elementIndex,
		componentIndex: c.componentIndex,
		price: c.unitPrice,
		vat: c.vat,
		volume,
		billedVolume: volume,
		excl: ZERO,
		incl: ZERO,
	};
}

/**
 * Prices one dimension's lines of a session. With `rounding`, the total volume is rounded up to the step of the last
 * line's component and the difference added to the last line. Volumes are converted to step units (Wh, seconds)
 * first and costs computed as price × units ÷ units-per-hour-or-kWh, so a cost that terminates as a decimal stays exact
 * even when the billed hours do not (7 min = 0.11666… h, but 3.00 × 420 s ÷ 3600 = 0.35).
 */
function priceDimension(
	lines: BreakdownLine[],
	components: CompiledComponent[],
	unit: Decimal,
	rounding: boolean,
): Decimal {
	if (lines.length === 0) return ZERO;
	let totalUnits = ZERO;
	const units: Decimal[] = [];
	const changed: boolean[] = [];
	for (const l of lines) {
		// Read to the millisecond / mWh: hours written as binary floats (1 min = 0.016666666666666666 h) must not
		// step up to the next step (docs/pricing-choices.md).
		let u = l.volume.times(unit);
		const precise = u.decimalPlaces() > 3;
		if (precise) u = u.toDecimalPlaces(3, Decimal.ROUND_HALF_UP);
		units.push(u);
		changed.push(precise);
		if (lines.length > 1) totalUnits = totalUnits.plus(u);
	}
	if (lines.length === 1) totalUnits = units[0];
	let billedUnits = totalUnits;
	const step = rounding ? components[components.length - 1].stepSize : 0;
	// Step 1 on a whole number of units (the common 1 Wh / 1 s step) changes nothing: skip the arithmetic.
	if (step > 1 || (step === 1 && !totalUnits.isInteger())) {
		billedUnits = totalUnits.div(step).ceil().times(step);
		units[units.length - 1] = units[units.length - 1].plus(billedUnits.minus(totalUnits));
		changed[units.length - 1] = true;
	}
	for (let i = 0; i < lines.length; i++) {
		const l = lines[i];
		const { price } = components[i];
		l.billedVolume = changed[i] ? units[i].div(unit) : l.volume;
		const cost = price.isZero() ? ZERO : unit === WH_PER_KWH ? perWh(price).times(units[i]) : price.times(units[i]).div(unit);
		setCost(l, cost, components[i]);
	}
	return step > 0 || lines.length > 1 ? billedUnits.div(unit) : lines[0].billedVolume;
}

/** Price per Wh: exact (÷ 1000 terminates), so energy costs take one multiplication. */
const pricesPerWh = new WeakMap<Decimal, Decimal>();
function perWh(pricePerKwh: Decimal): Decimal {
	let p = pricesPerWh.get(pricePerKwh);
	if (p === undefined) {
		p = pricePerKwh.div(WH_PER_KWH);
		pricesPerWh.set(pricePerKwh, p);
	}
	return p;
}

const vatFactors = new Map<number, Decimal>();
function vatFactor(vat: number): Decimal {
	let factor = vatFactors.get(vat);
	if (factor === undefined) {
		factor = new Decimal(vat).div(100).plus(1);
		vatFactors.set(vat, factor);
	}
	return factor;
}

/**
 * A line's amounts from its cost at the component's price: VAT is added to a price excl. VAT, and taken out of a
 * price that includes it (OCPI 2.3.0 tax_included YES), so incl. VAT is then exactly what the tariff says.
 */
function setCost(l: BreakdownLine, cost: Decimal, c: CompiledComponent): void {
	if (c.vat === null || cost.isZero()) {
		l.excl = cost;
		l.incl = cost;
	} else if (c.vatIncluded) {
		l.excl = cost.div(vatFactor(c.vat));
		l.incl = cost;
	} else {
		l.excl = cost;
		l.incl = cost.times(vatFactor(c.vat));
	}
}

export function priceSession(tariff: NormalizedTariff, session: Session): TariffPricing {
	const energyLines: BreakdownLine[] = [];
	const energyComponents: CompiledComponent[] = [];
	const timeLines: BreakdownLine[] = [];
	const timeComponents: CompiledComponent[] = [];
	const parkingLines: BreakdownLine[] = [];
	const parkingComponents: CompiledComponent[] = [];
	const reservationLines: BreakdownLine[] = [];
	const reservationComponents: CompiledComponent[] = [];
	let flat: { line: BreakdownLine; component: CompiledComponent } | null = null;
	let reservationFlat: { line: BreakdownLine; component: CompiledComponent } | null = null;

	const reg = tariff.regular;
	const resRules = (d: PricedDimension): CompiledRule[] =>
		session.reservationExpired ? [...tariff.reservationExpires[d], ...tariff.reservation[d]] : tariff.reservation[d];
	const resTime = resRules('TIME');
	const resFlat = resRules('FLAT');

	for (const p of session.periods) {
		let c: CompiledComponent | null;
		if (p.energy && (c = firstMatch(reg.ENERGY, p))) {
			energyLines.push(line(tariff, p.index, 'ENERGY', 'energy', c, p.energy));
			energyComponents.push(c);
		}
		if (p.time && (c = firstMatch(reg.TIME, p))) {
			timeLines.push(line(tariff, p.index, 'TIME', 'time', c, p.time));
			timeComponents.push(c);
		}
		if (p.parking && (c = firstMatch(reg.PARKING_TIME, p))) {
			parkingLines.push(line(tariff, p.index, 'PARKING_TIME', 'parking', c, p.parking));
			parkingComponents.push(c);
		}
		if (flat === null && (p.energy || p.time || p.parking) && (c = firstMatch(reg.FLAT, p))) {
			flat = { line: line(tariff, p.index, 'FLAT', 'fixed', c, ONE), component: c };
		}
		if (p.reservation) {
			if ((c = firstMatch(resTime, p))) {
				reservationLines.push(line(tariff, p.index, 'RESERVATION_TIME', 'reservation', c, p.reservation));
				reservationComponents.push(c);
			}
			if (reservationFlat === null && (c = firstMatch(resFlat, p))) {
				reservationFlat = { line: line(tariff, p.index, 'RESERVATION_FLAT', 'reservation', c, ONE), component: c };
			}
		}
	}

	const billedEnergy = priceDimension(energyLines, energyComponents, WH_PER_KWH, true);
	// TIME and PARKING_TIME share one step_size: when parking is priced only its total is rounded (mod_cdrs).
	const parkingPriced = parkingLines.length > 0;
	const billedParking = priceDimension(parkingLines, parkingComponents, SECONDS_PER_HOUR, true);
	const billedTime = priceDimension(timeLines, timeComponents, SECONDS_PER_HOUR, !parkingPriced);
	const billedReservation = priceDimension(reservationLines, reservationComponents, SECONDS_PER_HOUR, true);
	for (const f of [flat, reservationFlat]) if (f) setCost(f.line, f.component.price, f.component);

	const lines: BreakdownLine[] = [];
	if (reservationFlat) lines.push(reservationFlat.line);
	if (flat) lines.push(flat.line);
	for (const group of [reservationLines, energyLines, timeLines, parkingLines]) for (const l of group) lines.push(l);
	lines.sort(byPeriod);
	return {
		lines,
		billed: { energy: billedEnergy, time: billedTime, parking: billedParking, reservation: billedReservation },
	};
}

function byPeriod(a: BreakdownLine, b: BreakdownLine): number {
	return (a.periodIndex ?? Infinity) - (b.periodIndex ?? Infinity);
}

