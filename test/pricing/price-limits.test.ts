/**
 * min_price / max_price (issue 16): both rules of mod_tariffs apply, and they hold after rounding under every policy.
 * docs/pricing-choices.md, "Price limits", is the reading tested here.
 */
import fc from 'fast-check';

import type { Decimal } from '../../lib/money';
import type { Price, Tariff, TariffElement } from '../../lib/ocpi/types';
import type { PricedCdr, RoundingPolicy } from '../../lib/pricing';
import { createPricer, pricedCdrToJson, ROUNDING_POLICIES } from '../../lib/pricing';
import { createCdrValidator } from '../../lib/quality';
import { buildCdr, specTariff, withSpecTariffs } from '../tariff/cdr-builder';

const tariffOf = (elements: TariffElement[], limits: { min_price?: Price; max_price?: Price } = {}): Tariff => ({
	country_code: 'FR',
	party_id: 'CPO',
	id: 'LIMITS',
	currency: 'EUR',
	last_updated: '2025-01-01T00:00:00Z',
	elements,
	...limits,
});
const energy = (price: number, vat?: number): TariffElement => ({
	price_components: [{ type: 'ENERGY', price, ...(vat === undefined ? {} : { vat }), step_size: 1 }],
});
const session = (kwh: number) =>
	buildCdr({ end: '2025-03-03T11:00:00Z', periods: [{ at: '2025-03-03T10:00:00Z', dims: { ENERGY: kwh, TIME: 1 } }] });
const price = (tariff: Tariff, kwh: number, rounding: RoundingPolicy = 'full_precision') =>
	createPricer({ tariffs: [tariff], timeZone: 'UTC', rounding }).price(session(kwh));
const total = (p: PricedCdr) => {
	const json = pricedCdrToJson(p);
	return [json.computed?.total_cost.excl_vat, json.computed?.total_cost.incl_vat];
};
const codes = (p: PricedCdr) => p.issues.map((i) => i.code);

describe('issue 16.1: max_price still applies after min_price changed the total', () => {
	// ENERGY 0.50/kWh, VAT 21 %, 9.96 kWh: raw 4.98 / 6.0258.
	const tariff = tariffOf([energy(0.5, 21)], {
		min_price: { excl_vat: 5.0, incl_vat: 5.5 },
		max_price: { excl_vat: 5.2, incl_vat: 6.0 },
	});

	test('5.00 excl. (min_price) and 6.00 incl. (max_price), as mod_tariffs states both rules', () => {
		const p = price(tariff, 9.96);
		expect(total(p)).toEqual(['5', '6']);
		expect(codes(p)).toEqual(['MIN_PRICE_APPLIED', 'MAX_PRICE_APPLIED', 'PRICE_LIMIT_VAT_CONFLICT']);
		// The energy line is what was consumed; the limits are lines of their own.
		expect(pricedCdrToJson(p).breakdown.map((l) => [l.dimension, l.cost.excl_vat, l.cost.incl_vat])).toEqual([
			['ENERGY', '4.98', '6.0258'],
			['MIN_PRICE', '0.02', '0.0242'],
			['MAX_PRICE', '0', '-0.05'],
		]);
	});

	test('the same under per_cdr_net_then_vat', () => {
		expect(total(price(tariff, 9.96, 'per_cdr_net_then_vat'))).toEqual(['5.00', '6.00']);
	});
});

describe('issue 16.2: a clamped total stays inside the limit after rounding', () => {
	// FLAT 5.004 @10 % and 9.96 kWh × 0.5004 @20 % (4.983984): 9.987984 excl. Rounded per VAT rate: 5.00 + 4.98 = 9.98.
	const tariff = tariffOf(
		[{ price_components: [{ type: 'FLAT', price: 5.004, vat: 10, step_size: 0 }] }, energy(0.5004, 20)],
		{ min_price: { excl_vat: 10, incl_vat: 11.5 } },
	);

	test('per_cdr_net_then_vat: 10.00 / 11.50, not 9.99 (the adjustment of the exact total, rounded on its own)', () => {
		expect(total(price(tariff, 9.96, 'per_cdr_net_then_vat'))).toEqual(['10.00', '11.50']);
	});

	test('full precision: exactly the limits', () => {
		expect(total(price(tariff, 9.96))).toEqual(['10', '11.5']);
	});

	test('property: under every policy the rounded totals respect every limit the tariff gives', () => {
		const amount = fc.integer({ min: 0, max: 3000 }).map((c) => c / 100);
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 99_999 }).map((w) => w / 10_000),
				fc.constantFrom(0, 5.5, 10, 19, 20, 21),
				fc.integer({ min: 0, max: 5_000 }).map((m) => m / 1000),
				fc.constantFrom(0, 5.5, 20),
				fc.integer({ min: 0, max: 60_000 }).map((wh) => wh / 1000),
				fc.tuple(amount, amount, amount, amount),
				fc.constantFrom(...ROUNDING_POLICIES),
				(energyPrice, energyVat, flatPrice, flatVat, kwh, [a, b, c, d], rounding) => {
					// Consistent limits in whole cents (a limit of 0.001 cannot be met by a total rounded to cents):
					// min ≤ max, incl ≥ excl, max incl ≥ min excl.
					const cents = (v: number) => Math.round(v * 100) / 100;
					const [minExcl, maxExcl] = [Math.min(a, b), Math.max(a, b)];
					const minIncl = cents(minExcl + Math.min(c, d) / 10);
					const maxIncl = Math.max(cents(maxExcl + Math.max(c, d) / 10), minIncl);
					const t = tariffOf(
						[{ price_components: [{ type: 'FLAT', price: flatPrice, vat: flatVat, step_size: 0 }] }, energy(energyPrice, energyVat)],
						{ min_price: { excl_vat: minExcl, incl_vat: minIncl }, max_price: { excl_vat: maxExcl, incl_vat: maxIncl } },
					);
					const p = price(t, kwh, rounding);
					const { excl_vat: excl, incl_vat: incl } = p.computed!.total_cost;
					const within = (v: Decimal, lo: number, hi: number) => v.gte(lo) && v.lte(hi);
					expect({ excl: excl.toFixed(), ok: within(excl, minExcl, maxExcl) }).toEqual({ excl: excl.toFixed(), ok: true });
					expect({ incl: incl.toFixed(), ok: within(incl, minIncl, maxIncl) }).toEqual({ incl: incl.toFixed(), ok: true });
					expect(incl.gte(excl)).toBe(true);
					if (rounding === 'per_cdr_net_then_vat') expect(excl.decimalPlaces() <= 2 && incl.decimalPlaces() <= 2).toBe(true);
				},
			),
			{ numRuns: 400 },
		);
	});
});

describe('issue 16.3: a min_price without incl_vat limits the amount before VAT; VAT follows at the session rate', () => {
	const tariff = tariffOf([energy(0.5, 20)], { min_price: { excl_vat: 5 } });

	test('6 kWh × 0.50, VAT 20 %: 5.00 / 6.00, not 5.00 / 3.60', () => {
		const p = price(tariff, 6);
		expect(total(p)).toEqual(['5', '6']);
		expect(codes(p)).toEqual(['MIN_PRICE_APPLIED']);
	});

	test('pricer and quality checks agree: a CDR declaring the computed price is valid and matches', () => {
		const computed = price(tariff, 6).computed!.total_cost;
		const declared = { excl_vat: computed.excl_vat.toNumber(), incl_vat: computed.incl_vat.toNumber() };
		const cdr = { ...session(6), total_cost: declared };
		const verdict = createCdrValidator({ now: new Date('2026-01-01T00:00:00Z') }).validate(cdr);
		expect(verdict.issues.map((i) => i.code)).not.toContain('CDR_INCL_VAT_BELOW_EXCL');
		expect(verdict.valid).toBe(true);
		expect(createPricer({ tariffs: [tariff] }).price(cdr).status).toBe('match');
	});

	test('a session without VAT: the limit is the total (5.00 / 5.00)', () => {
		expect(total(price(tariffOf([energy(0.5)], { min_price: { excl_vat: 5 } }), 6))).toEqual(['5', '5']);
	});
});

withSpecTariffs().describe('max_price of the spec (tariff_6: FLAT 0.50 @20 %, ENERGY 0.25 @10 %, max 10.00 / 11.00)', () => {
	test('50 kWh: 10.00 / 11.00, and a warning that VAT by rate on 10.00 gives 11.05', () => {
		const p = createPricer({ tariffs: [specTariff('025kwh_start_max_price')], timeZone: 'UTC' }).price(
			buildCdr({ end: '2019-06-01T13:00:00Z', periods: [{ at: '2019-06-01T10:00:00Z', dims: { ENERGY: 50, TIME: 3 } }] }),
		);
		expect(total(p)).toEqual(['10', '11']);
		expect(codes(p)).toEqual(['MAX_PRICE_APPLIED', 'PRICE_LIMIT_VAT_CONFLICT']);
		expect(p.issues[1].message).toContain('11.05');
	});
});
