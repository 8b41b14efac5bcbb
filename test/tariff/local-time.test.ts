/** Restrictions read in the location's local time: zone resolution, DST switches, days across midnight UTC. */
import type { Tariff, TariffElement } from '../../lib/ocpi/types';
import type { PricedCdrJson, PricerOptions } from '../../lib/pricing';
import { PricerOptionsError, createPricer, pricedCdrToJson } from '../../lib/pricing';
import { SINGLE_ZONE_COUNTRIES, TimeZoneClock, zoneOfCountry } from '../../lib/tariff';
import type { CdrSpec } from './cdr-builder';
import { buildCdr, specTariff, withSpecTariffs } from './cdr-builder';

function tariffOf(elements: TariffElement[], extra: Partial<Tariff> = {}): Tariff {
	return { country_code: 'FR', party_id: 'CPO', id: 'T1', currency: 'EUR', last_updated: '2025-01-01T00:00:00Z', elements, ...extra };
}
function price(tariff: Tariff, spec: CdrSpec, options: PricerOptions = {}): PricedCdrJson {
	return pricedCdrToJson(createPricer({ tariffs: [tariff], ...options }).price(buildCdr(spec)));
}
/** TIME at 9/h between start and end, 1/h otherwise: the element used tells which local time was read. */
const window = (start: string, end: string): Tariff =>
	tariffOf([
		{ price_components: [{ type: 'TIME', price: 9, step_size: 1 }], restrictions: { start_time: start, end_time: end } },
		{ price_components: [{ type: 'TIME', price: 1, step_size: 1 }] },
	]);
const oneHourAt = (at: string, extra: Partial<CdrSpec> = {}): CdrSpec => ({ end: at, periods: [{ at, dims: { TIME: 1 } }], ...extra });

describe('time zone offsets', () => {
	test('Europe/Paris: +1 in winter, +2 from 2025-03-30 01:00 UTC, +1 again from 2025-10-26 01:00 UTC', () => {
		const clock = new TimeZoneClock('Europe/Paris');
		expect(clock.offsetMinutes(Date.parse('2025-03-30T00:59:59Z'))).toBe(60);
		expect(clock.offsetMinutes(Date.parse('2025-03-30T01:00:00Z'))).toBe(120);
		expect(clock.offsetMinutes(Date.parse('2025-10-26T00:59:00Z'))).toBe(120);
		expect(clock.offsetMinutes(Date.parse('2025-10-26T01:00:00Z'))).toBe(60);
	});

	test('America/St_Johns switches at 05:30 UTC (a half-hour zone)', () => {
		const clock = new TimeZoneClock('America/St_Johns');
		expect(clock.offsetMinutes(Date.parse('2025-03-09T05:29:00Z'))).toBe(-210);
		expect(clock.offsetMinutes(Date.parse('2025-03-09T05:30:00Z'))).toBe(-150);
	});

	test('single-zone countries only: FRA, DEU, NLD inferred; ESP, PRT, USA not', () => {
		expect(zoneOfCountry('FRA')).toBe('Europe/Paris');
		expect(zoneOfCountry('deu')).toBe('Europe/Berlin');
		expect(zoneOfCountry('NLD')).toBe('Europe/Amsterdam');
		for (const multi of ['ESP', 'PRT', 'USA', 'CAN', 'AUS', 'RUS', 'BRA', 'MEX']) expect(zoneOfCountry(multi)).toBeUndefined();
		for (const zone of Object.values(SINGLE_ZONE_COUNTRIES)) expect(() => new TimeZoneClock(zone)).not.toThrow();
	});
});

describe('daylight-saving days price correctly', () => {
	test('spring forward: 01:00 UTC on 2025-03-30 is 03:00 in Paris (02:00 does not exist)', () => {
		const tariff = window('03:00', '04:00');
		expect(price(tariff, oneHourAt('2025-03-30T01:00:00Z')).computed?.total_cost.excl_vat).toBe('9');
		// 00:30 UTC is still 01:30 CET.
		expect(price(tariff, oneHourAt('2025-03-30T00:30:00Z')).computed?.total_cost.excl_vat).toBe('1');
	});

	test('fall back: 02:30 local happens twice on 2025-10-26 and both are in 02:00–03:00; 02:00 UTC is 03:00 CET', () => {
		const tariff = window('02:00', '03:00');
		expect(price(tariff, oneHourAt('2025-10-26T00:30:00Z')).computed?.total_cost.excl_vat).toBe('9');
		expect(price(tariff, oneHourAt('2025-10-26T01:30:00Z')).computed?.total_cost.excl_vat).toBe('9');
		expect(price(tariff, oneHourAt('2025-10-26T02:00:00Z')).computed?.total_cost.excl_vat).toBe('1');
	});

	test('a session across the spring switch: 00:30 UTC (01:30 CET) cheap, 01:30 UTC (03:30 CEST) dear', () => {
		const p = price(window('03:00', '04:00'), {
			end: '2025-03-30T02:30:00Z',
			periods: [
				{ at: '2025-03-30T00:30:00Z', dims: { TIME: 1 } },
				{ at: '2025-03-30T01:30:00Z', dims: { TIME: 1 } },
			],
		});
		expect(p.breakdown.map((l) => l.cost.excl_vat)).toEqual(['1', '9']);
	});
});

describe('zone resolution', () => {
	const tariff = window('09:00', '10:00');

	test('end_time 00:00 is end of day, and a window may wrap midnight', () => {
		expect(price(window('22:00', '00:00'), oneHourAt('2025-01-15T22:30:00Z'), { timeZone: 'UTC' }).computed?.total_cost.excl_vat).toBe('9');
		const wrap = window('22:00', '06:00');
		expect(price(wrap, oneHourAt('2025-01-15T03:00:00Z'), { timeZone: 'UTC' }).computed?.total_cost.excl_vat).toBe('9');
		expect(price(wrap, oneHourAt('2025-01-15T06:00:00Z'), { timeZone: 'UTC' }).computed?.total_cost.excl_vat).toBe('1');
	});

	test('a multi-zone country without a configured zone is unpriceable with TIME_ZONE_UNKNOWN', () => {
		const p = price(tariff, oneHourAt('2025-01-15T14:30:00Z', { country: 'USA' }));
		expect(p.status).toBe('unpriceable');
		expect(p.issues.map((i) => [i.code, i.path])).toEqual([['TIME_ZONE_UNKNOWN', 'cdr_location.country']]);
	});

	test('a tariff without time restrictions needs no zone', () => {
		const flat = tariffOf([{ price_components: [{ type: 'TIME', price: 2, step_size: 1 }] }]);
		const p = price(flat, oneHourAt('2025-01-15T14:30:00Z', { country: 'USA' }));
		expect(p.computed?.total_cost.excl_vat).toBe('2');
		expect(p.time_zone).toBeNull();
	});

	test('per-location zone beats cdr_location.time_zone, which beats the run zone, which beats the country', () => {
		const at = oneHourAt('2025-01-15T14:30:00Z', { country: 'USA', location_id: 'NYC1', time_zone: 'America/Chicago' });
		// 14:30 UTC = 09:30 New York, 08:30 Chicago.
		const perLocation = price(tariff, at, { timeZonesByLocation: { NYC1: 'America/New_York' }, timeZone: 'UTC' });
		expect([perLocation.time_zone, perLocation.computed?.total_cost.excl_vat]).toEqual(['America/New_York', '9']);
		const fromCdr = price(tariff, at, { timeZone: 'UTC' });
		expect([fromCdr.time_zone, fromCdr.computed?.total_cost.excl_vat]).toEqual(['America/Chicago', '1']);
		const fromRun = price(tariff, oneHourAt('2025-01-15T08:30:00Z'), { timeZone: 'Asia/Tokyo' });
		expect(fromRun.time_zone).toBe('Asia/Tokyo');
	});

	test('an unknown zone name: option refused at creation; in the CDR, TIME_ZONE_INVALID', () => {
		expect(() => createPricer({ timeZone: 'Europe/Pariss' })).toThrow(PricerOptionsError);
		const p = price(tariff, oneHourAt('2025-01-15T14:30:00Z', { time_zone: 'Mars/Olympus' }));
		expect(p.issues.map((i) => [i.code, i.path])).toEqual([['TIME_ZONE_INVALID', 'cdr_location.time_zone']]);
	});
});

describe('day_of_week and dates are local', () => {
	const weekend = tariffOf([
		{ price_components: [{ type: 'TIME', price: 5, step_size: 1 }], restrictions: { day_of_week: ['SATURDAY', 'SUNDAY'] } },
		{ price_components: [{ type: 'TIME', price: 2, step_size: 1 }] },
	]);

	test('Friday 22:30 UTC is Saturday 00:30 in Paris (summer): weekend price', () => {
		expect(price(weekend, oneHourAt('2025-06-06T22:30:00Z')).computed?.total_cost.excl_vat).toBe('5');
		expect(price(weekend, oneHourAt('2025-06-06T22:30:00Z'), { timeZone: 'UTC' }).computed?.total_cost.excl_vat).toBe('2');
	});

	test('Saturday 03:30 UTC is still Friday 23:30 in New York: weekday price', () => {
		const p = price(weekend, oneHourAt('2025-06-07T03:30:00Z', { country: 'USA', location_id: 'NYC1' }), {
			timeZonesByLocation: { NYC1: 'America/New_York' },
		});
		expect(p.computed?.total_cost.excl_vat).toBe('2');
	});

	test('start_date inclusive, end_date exclusive, local dates', () => {
		const promo = tariffOf([
			{ price_components: [{ type: 'ENERGY', price: 0.1, step_size: 1 }], restrictions: { start_date: '2025-07-01', end_date: '2025-07-03' } },
			{ price_components: [{ type: 'ENERGY', price: 0.4, step_size: 1 }] },
		]);
		const kwh = (at: string): CdrSpec => ({ end: at, periods: [{ at, dims: { ENERGY: 10 } }] });
		expect(price(promo, kwh('2025-06-30T21:59:00Z')).computed?.total_cost.excl_vat).toBe('4'); // 23:59 on 30 June
		expect(price(promo, kwh('2025-06-30T22:30:00Z')).computed?.total_cost.excl_vat).toBe('1'); // 00:30 on 1 July
		expect(price(promo, kwh('2025-07-02T21:30:00Z')).computed?.total_cost.excl_vat).toBe('1'); // 23:30 on 2 July
		expect(price(promo, kwh('2025-07-02T22:30:00Z')).computed?.total_cost.excl_vat).toBe('4'); // 00:30 on 3 July
	});
});

describe('energy restrictions', () => {
	test('min_kwh / max_kwh read the energy charged before the period: 6 + 4 kWh cheap, then 5 kWh dear', () => {
		const tiered = tariffOf([
			{ price_components: [{ type: 'ENERGY', price: 0.3, step_size: 1 }], restrictions: { max_kwh: 10 } },
			{ price_components: [{ type: 'ENERGY', price: 0.5, step_size: 1 }], restrictions: { min_kwh: 10 } },
		]);
		const p = price(tiered, {
			end: '2025-03-03T12:00:00Z',
			periods: [
				{ at: '2025-03-03T10:00:00Z', dims: { ENERGY: 6 } },
				{ at: '2025-03-03T10:40:00Z', dims: { ENERGY: 4 } },
				{ at: '2025-03-03T11:10:00Z', dims: { ENERGY: 5 } },
			],
		});
		expect(p.breakdown.map((l) => [l.element_index, l.cost.excl_vat])).toEqual([
			[0, '1.8'],
			[0, '1.2'],
			[1, '2.5'],
		]);
		expect(p.computed?.total_cost.excl_vat).toBe('5.5');
	});

	withSpecTariffs().test('a current restriction without the MIN_/MAX_CURRENT dimension does not match (complex tariff, no currents)', () => {
		const p = price(specTariff('complex'), oneHourAt('2025-06-02T10:00:00Z'), { timeZone: 'UTC' });
		expect(p.computed?.total_time_cost.excl_vat).toBe('0');
		expect(p.computed?.total_fixed_cost.excl_vat).toBe('2.5');
	});
});
