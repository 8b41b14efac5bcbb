/** The choices of docs/pricing-choices.md that no spec example pins down. */
import type { Tariff, TariffElement } from '../../lib/ocpi/types';
import { createPricer, pricedCdrToJson } from '../../lib/pricing';
import type { CdrSpec } from './cdr-builder';
import { buildCdr } from './cdr-builder';

const tariffOf = (elements: TariffElement[]): Tariff => ({
	country_code: 'FR',
	party_id: 'CPO',
	id: 'C',
	currency: 'EUR',
	last_updated: '2025-01-01T00:00:00Z',
	elements,
});
const price = (t: Tariff, spec: CdrSpec) => pricedCdrToJson(createPricer({ tariffs: [t], timeZone: 'UTC' }).price(buildCdr(spec)));

test('TIME is rounded with its step when the parking that follows is not priced', () => {
	const timeOnly = tariffOf([{ price_components: [{ type: 'TIME', price: 6, step_size: 900 }] }]);
	const p = price(timeOnly, {
		end: '2025-03-03T10:30:00Z',
		periods: [
			{ at: '2025-03-03T10:00:00Z', dims: { TIME: 0.2 } }, // 12 min → 15 min
			{ at: '2025-03-03T10:12:00Z', dims: { PARKING_TIME: 0.3 } },
		],
	});
	expect(p.billed?.time_h).toBe('0.25');
	expect(p.computed?.total_cost.excl_vat).toBe('1.5');
});

test('hours written as binary floats are read to the millisecond: 1 min with a 60 s step stays 1 min', () => {
	const perMinute = tariffOf([{ price_components: [{ type: 'TIME', price: 3, step_size: 60 }] }]);
	const p = price(perMinute, { end: '2025-03-03T10:01:00Z', periods: [{ at: '2025-03-03T10:00:00Z', dims: { TIME: 1 / 60 } }] });
	expect(p.computed?.total_cost.excl_vat).toBe('0.05');
	// 0.0167 h is 60.12 s: a real overrun, billed as 2 min.
	const over = price(perMinute, { end: '2025-03-03T10:01:00Z', periods: [{ at: '2025-03-03T10:00:00Z', dims: { TIME: 0.0167 } }] });
	expect(over.computed?.total_cost.excl_vat).toBe('0.1');
});

test('a zero ENERGY volume in a parking period does not take the energy step difference', () => {
	const t = tariffOf([
		{ price_components: [{ type: 'ENERGY', price: 1, step_size: 1000 }], restrictions: { end_time: '12:00' } },
		{ price_components: [{ type: 'ENERGY', price: 5, step_size: 1000 }] },
	]);
	const p = price(t, {
		end: '2025-03-03T12:30:00Z',
		periods: [
			{ at: '2025-03-03T11:00:00Z', dims: { ENERGY: 2.5 } },
			{ at: '2025-03-03T12:00:00Z', dims: { ENERGY: 0, PARKING_TIME: 0.5 } },
		],
	});
	// 2.5 → 3 kWh, all in the first period at 1.00: 3.00, not 2.50 + 0.5 × 5.00.
	expect(p.computed?.total_cost.excl_vat).toBe('3');
});

test('a FLAT restricted by min_duration is taken from the first period where it matches, once', () => {
	const t = tariffOf([
		{ price_components: [{ type: 'FLAT', price: 2, step_size: 0 }], restrictions: { min_duration: 1800 } },
		{ price_components: [{ type: 'TIME', price: 1, step_size: 1 }] },
	]);
	const p = price(t, {
		end: '2025-03-03T11:30:00Z',
		periods: [
			{ at: '2025-03-03T10:00:00Z', dims: { TIME: 0.5 } },
			{ at: '2025-03-03T10:30:00Z', dims: { TIME: 0.5 } },
			{ at: '2025-03-03T11:00:00Z', dims: { TIME: 0.5 } },
		],
	});
	expect(p.breakdown.filter((l) => l.dimension === 'FLAT').map((l) => l.period_index)).toEqual([1]);
	expect(p.computed?.total_cost.excl_vat).toBe('3.5');
});
