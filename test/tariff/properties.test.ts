/** Properties of the engine over generated sessions (fast-check). */
import fc from 'fast-check';
import { Decimal } from '../../lib/money';
import type { Tariff } from '../../lib/ocpi/types';
import type { PricedCdr } from '../../lib/pricing';
import { TOTAL_NAMES, createPricer } from '../../lib/pricing';
import type { CdrSpec, PeriodSpec } from './cdr-builder';
import { buildCdr } from './cdr-builder';

/** Every dimension priced, with steps, VAT and a 17:00 switch, but nothing that changes inside the test's periods. */
const TARIFF: Tariff = {
	country_code: 'FR',
	party_id: 'CPO',
	id: 'P',
	currency: 'EUR',
	last_updated: '2025-01-01T00:00:00Z',
	elements: [
		{ price_components: [{ type: 'FLAT', price: 0.5, vat: 20, step_size: 0 }] },
		{
			price_components: [
				{ type: 'ENERGY', price: 0.31, vat: 20, step_size: 100 },
				{ type: 'TIME', price: 1.2, vat: 20, step_size: 60 },
			],
			restrictions: { start_time: '17:00', end_time: '23:00' },
		},
		{
			price_components: [
				{ type: 'ENERGY', price: 0.27, vat: 20, step_size: 250 },
				{ type: 'TIME', price: 0.6, vat: 5.5, step_size: 300 },
				{ type: 'PARKING_TIME', price: 2.4, vat: 10, step_size: 900 },
			],
		},
	],
};
const pricer = createPricer({ tariffs: [TARIFF], timeZone: 'UTC' });
const BASE = Date.parse('2025-03-03T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Periods of whole seconds (volumes in hours = seconds/3600 can be split exactly in Wh and seconds). */
const periodArb = fc.record({
	seconds: fc.integer({ min: 60, max: 2 * 3600 }),
	wh: fc.integer({ min: 0, max: 40_000 }),
	parking: fc.boolean(),
});

function sessionOf(periods: Array<{ seconds: number; wh: number; parking: boolean }>): CdrSpec {
	let t = BASE;
	const specs: PeriodSpec[] = periods.map((p) => {
		const at = iso(t);
		t += p.seconds * 1000;
		const hours = new Decimal(p.seconds).div(3600).toNumber();
		return { at, dims: p.parking ? { PARKING_TIME: hours } : { ENERGY: p.wh / 1000, TIME: hours } };
	});
	return { end: iso(t), periods: specs };
}

const at20 = (v: Decimal) => v.toDecimalPlaces(20).toFixed();
const totalExcl = (p: PricedCdr) => p.computed!.total_cost.excl_vat;

describe('engine properties', () => {
	test('splitting a period where no restriction changes leaves every total unchanged', () => {
		fc.assert(
			fc.property(fc.array(periodArb, { minLength: 1, maxLength: 4 }), fc.nat(), fc.integer({ min: 1, max: 59 }), (periods, pick, cutMinutes) => {
				// Sessions start at 08:00 and end by 16:00 (≤ 4 periods of ≤ 2 h): the 17:00 element never switches on.
				const index = pick % periods.length;
				const target = periods[index];
				const cut = Math.min(cutMinutes * 60, target.seconds - 1);
				const whCut = Math.floor((target.wh * cut) / target.seconds);
				const split = [
					...periods.slice(0, index),
					{ ...target, seconds: cut, wh: whCut },
					{ ...target, seconds: target.seconds - cut, wh: target.wh - whCut },
					...periods.slice(index + 1),
				];
				const a = pricer.price(buildCdr(sessionOf(periods)));
				const b = pricer.price(buildCdr(sessionOf(split)));
				for (const name of TOTAL_NAMES) {
					// Equal to 20 decimals: a part that does not terminate (1 s at 0.60/h) is carried at 40 digits.
					expect(at20(b.computed![name].excl_vat)).toBe(at20(a.computed![name].excl_vat));
					expect(at20(b.computed![name].incl_vat)).toBe(at20(a.computed![name].incl_vat));
				}
			}),
			{ numRuns: 200 },
		);
	});

	test('price is monotone in energy for an ENERGY-only tariff', () => {
		const energyOnly: Tariff = {
			...TARIFF,
			elements: [{ price_components: [{ type: 'ENERGY', price: 0.29, vat: 19, step_size: 500 }] }],
		};
		const p = createPricer({ tariffs: [energyOnly] });
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 5_000 }), (wh, more) => {
				const at = (w: number) =>
					p.price(buildCdr({ end: '2025-03-03T11:00:00Z', periods: [{ at: '2025-03-03T10:00:00Z', dims: { ENERGY: w / 1000 } }] }));
				expect(totalExcl(at(wh + more)).gte(totalExcl(at(wh)))).toBe(true);
			}),
			{ numRuns: 300 },
		);
	});

	test('totals equal the sum of the breakdown lines of their category', () => {
		const category = { total_energy_cost: 'energy', total_time_cost: 'time', total_parking_cost: 'parking', total_fixed_cost: 'fixed' } as const;
		fc.assert(
			fc.property(fc.array(periodArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 23 }), (periods, hour) => {
				const spec = sessionOf(periods);
				// Shift the session to any hour so that the 17:00–23:00 element is sometimes used.
				const shift = hour * 3600_000;
				for (const s of spec.periods) s.at = iso(Date.parse(s.at) + shift);
				const p = pricer.price(buildCdr(spec));
				let excl = new Decimal(0);
				let incl = new Decimal(0);
				for (const l of p.breakdown) {
					excl = excl.plus(l.excl);
					incl = incl.plus(l.incl);
				}
				expect(p.computed!.total_cost.excl_vat.eq(excl)).toBe(true);
				expect(p.computed!.total_cost.incl_vat.eq(incl)).toBe(true);
				for (const [name, cat] of Object.entries(category)) {
					const lines = p.breakdown.filter((l) => l.category === cat);
					const sum = lines.reduce((acc, l) => acc.plus(l.excl), new Decimal(0));
					expect(p.computed![name as keyof typeof category].excl_vat.eq(sum)).toBe(true);
				}
			}),
			{ numRuns: 200 },
		);
	});
});
