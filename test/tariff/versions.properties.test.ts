/**
 * OCPI 2.2.1 and 2.3.0 forms of the same tariff and session price the same (fast-check): the version changes how
 * prices are written, never what a session costs.
 */
import fc from 'fast-check';

import { Decimal } from '../../lib/money';
import type { Price, Tariff } from '../../lib/ocpi/types';
import type { PricedCdr, RoundingPolicy } from '../../lib/pricing';
import { ROUNDING_POLICIES, TOTAL_NAMES, createPricer, pricedCdrToJson } from '../../lib/pricing';
import type { CdrSpec, PeriodSpec } from './cdr-builder';
import { buildCdr } from './cdr-builder';
import { cdrV230, tariffV230 } from './v230';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const BASE = Date.parse('2025-03-03T06:00:00Z');

const vatArb = fc.constantFrom(undefined, 0, 5.5, 10, 19, 20, 21);
/** Prices of 4 decimals, as OCPI numbers are written. */
const priceArb = fc.integer({ min: 0, max: 99_999 }).map((c) => Number((c / 10_000).toFixed(4)));
const componentArb = (type: 'ENERGY' | 'TIME' | 'PARKING_TIME' | 'FLAT') =>
	fc.record({ price: priceArb, vat: vatArb, step: fc.constantFrom(1, 60, 100, 300, 500, 900) }).map(({ price, vat, step }) => ({
		type,
		price,
		...(vat === undefined ? {} : { vat }),
		step_size: type === 'FLAT' ? 0 : step,
	}));
const limitArb = fc.option(
	fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.option(fc.integer({ min: 0, max: 1500 }), { nil: undefined })).map(
		([cents, vatCents]): Price => (vatCents === undefined ? { excl_vat: cents / 100 } : { excl_vat: cents / 100, incl_vat: (cents + vatCents) / 100 }),
	),
	{ nil: undefined },
);

const tariffArb = fc
	.record({
		flat: componentArb('FLAT'),
		peakEnergy: componentArb('ENERGY'),
		energy: componentArb('ENERGY'),
		time: componentArb('TIME'),
		parking: componentArb('PARKING_TIME'),
		min: limitArb,
		max: limitArb,
	})
	.map(({ flat, peakEnergy, energy, time, parking, min, max }): Tariff => {
		const tariff: Tariff = {
			country_code: 'FR',
			party_id: 'CPO',
			id: 'V',
			currency: 'EUR',
			last_updated: '2025-01-01T00:00:00Z',
			elements: [
				{ price_components: [flat] },
				{ price_components: [peakEnergy], restrictions: { start_time: '17:00', end_time: '20:00' } },
				{ price_components: [energy, time, parking] },
			],
		};
		// Limits that contradict each other are refused in both versions alike; keep the consistent ones.
		if (min && (!max || (max.excl_vat >= min.excl_vat && (max.incl_vat ?? Infinity) >= (min.incl_vat ?? 0)))) tariff.min_price = min;
		if (max && (!min || tariff.min_price)) tariff.max_price = max;
		return tariff;
	});

const sessionArb = fc
	.tuple(
		fc.array(fc.record({ seconds: fc.integer({ min: 60, max: 3 * 3600 }), wh: fc.integer({ min: 0, max: 50_000 }), parking: fc.boolean() }), { minLength: 1, maxLength: 5 }),
		fc.integer({ min: 0, max: 17 }),
	)
	.map(([periods, hour]): CdrSpec => {
		let t = BASE + hour * 3600_000;
		const specs: PeriodSpec[] = periods.map((p) => {
			const at = iso(t);
			t += p.seconds * 1000;
			return { at, dims: p.parking ? { PARKING_TIME: p.seconds / 3600 } : { ENERGY: p.wh / 1000, TIME: p.seconds / 3600 } };
		});
		return { end: iso(t), periods: specs, total_cost: { excl_vat: 12.34, incl_vat: 14.81 } };
	});

const at20 = (v: Decimal) => v.toDecimalPlaces(20).toFixed();
function totals(p: PricedCdr): Record<string, [string, string]> | null {
	if (!p.computed) return null;
	return Object.fromEntries(TOTAL_NAMES.map((n) => [n, [at20(p.computed![n].excl_vat), at20(p.computed![n].incl_vat)]]));
}

function both(tariff: Tariff, spec: CdrSpec, rounding: RoundingPolicy) {
	const cdr = buildCdr(spec);
	const v221 = createPricer({ tariffs: [tariff], timeZone: 'UTC', rounding }).price(cdr);
	const v230 = createPricer({ tariffs: [tariffV230(tariff)], timeZone: 'UTC', rounding, ocpiVersion: '2.3.0' }).price(cdrV230(cdr));
	return { v221, v230 };
}

describe('2.2.1 and 2.3.0 forms price alike', () => {
	test('same totals, lines, issues, status and deviation, under every rounding policy', () => {
		fc.assert(
			fc.property(tariffArb, sessionArb, fc.constantFrom(...ROUNDING_POLICIES), (tariff, spec, rounding) => {
				const { v221, v230 } = both(tariff, spec, rounding);
				const a = pricedCdrToJson(v221);
				const b = pricedCdrToJson(v230);
				expect(b.ocpi_version).toBe('2.3.0');
				expect({ ...b, ocpi_version: a.ocpi_version, issues: b.issues.map((i) => i.code) }).toEqual({ ...a, issues: a.issues.map((i) => i.code) });
			}),
			{ numRuns: 300 },
		);
	});

	test('a 2.3.0 tariff whose prices include VAT (tax_included YES) costs what its tax-exclusive twin costs', () => {
		fc.assert(
			fc.property(tariffArb, sessionArb, (tariff, spec) => {
				const exclusive = tariffV230(tariff, 'NO');
				const inclusive = tariffV230(tariff, 'YES');
				for (const element of inclusive.elements) {
					for (const c of element.price_components) {
						// The price incl. VAT, written exactly (at most 7 decimals: 4 of the price, 3 of the rate).
						if (c.vat !== undefined) c.price = new Decimal(c.price).times(100 + c.vat).div(100).toNumber();
					}
				}
				const cdr = cdrV230(buildCdr(spec));
				const price = (t: typeof exclusive) => createPricer({ tariffs: [t], timeZone: 'UTC', ocpiVersion: '2.3.0' }).price(cdr);
				const a = price(exclusive);
				const b = price(inclusive);
				expect(totals(b)).toEqual(totals(a));
				expect(b.breakdown.map((l) => l.vat)).toEqual(a.breakdown.map((l) => l.vat));
			}),
			{ numRuns: 300 },
		);
	});
});
