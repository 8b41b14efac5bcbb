/** Tariff selection, cross-check, credit CDRs, rounding policy and the NDJSON shape of Price CDR. */
import type { Tariff } from '../../lib/ocpi/types';
import type { PricerOptions } from '../../lib/pricing';
import { PricerOptionsError, createPricer, parsePricedCdrJson, pricedCdrToJson } from '../../lib/pricing';
import type { CdrSpec } from '../tariff/cdr-builder';
import { buildCdr, specTariff, withSpecTariffs } from '../tariff/cdr-builder';

function energyTariff(id: string, price: number, extra: Partial<Tariff> = {}): Tariff {
	return {
		country_code: 'FR',
		party_id: 'CPO',
		id,
		currency: 'EUR',
		last_updated: '2025-01-01T00:00:00Z',
		elements: [{ price_components: [{ type: 'ENERGY', price, vat: 20, step_size: 1 }] }],
		...extra,
	};
}
const tenKwh = (extra: Partial<CdrSpec> = {}, tariffId?: string): CdrSpec => ({
	end: '2025-03-03T11:00:00Z',
	periods: [{ at: '2025-03-03T10:00:00Z', dims: { ENERGY: 10, TIME: 1 }, ...(tariffId ? { tariff_id: tariffId } : {}) }],
	...extra,
});
const run = (options: PricerOptions, spec: CdrSpec) => pricedCdrToJson(createPricer(options).price(buildCdr(spec)));

describe('which tariff', () => {
	test('the CDR’s own tariffs[] come first, then the run set, then the eMSP override', () => {
		const options = { tariffs: [energyTariff('RUN', 0.3)], tariffsByEmsp: { 'NL*MSP': energyTariff('EMSP', 0.4) } };
		expect(run(options, tenKwh({ tariffs: [energyTariff('OWN', 0.2)] })).tariff_ids).toEqual(['OWN']);
		expect(run(options, tenKwh()).tariff_ids).toEqual(['RUN']);
		expect(run({ tariffsByEmsp: options.tariffsByEmsp }, tenKwh()).tariff_ids).toEqual(['EMSP']);
		const overrideFirst = run({ ...options, sourceOrder: ['emsp_override', 'run', 'cdr'] }, tenKwh());
		expect([overrideFirst.tariff_ids, overrideFirst.computed?.total_cost.excl_vat]).toEqual([['EMSP'], '4']);
	});

	test('in a run set, the periods’ tariff_id and the CDR’s party pick the tariff', () => {
		const set = [energyTariff('A', 0.3), energyTariff('B', 0.5), energyTariff('B', 0.9, { party_id: 'OTH' })];
		const p = run({ tariffs: set }, tenKwh({}, 'B'));
		expect([p.tariff_ids, p.computed?.total_cost.excl_vat]).toEqual([['B'], '5']);
	});

	test('several candidates and no tariff_id: TARIFF_AMBIGUOUS, unpriceable', () => {
		const p = run({ tariffs: [energyTariff('A', 0.3), energyTariff('B', 0.5)] }, tenKwh());
		expect([p.status, p.issues.map((i) => i.code)]).toEqual(['unpriceable', ['TARIFF_AMBIGUOUS']]);
	});

	test('validity windows choose among candidates; none valid at session start is reported', () => {
		const old = energyTariff('A', 0.3, { end_date_time: '2025-03-01T00:00:00Z' });
		const current = energyTariff('B', 0.5, { start_date_time: '2025-03-01T00:00:00Z' });
		expect(run({ tariffs: [old, current] }, tenKwh()).tariff_ids).toEqual(['B']);
		const p = run({ tariffs: [old] }, tenKwh());
		expect([p.status, p.issues.map((i) => i.code)]).toEqual(['unpriceable', ['TARIFF_NOT_VALID_AT_SESSION_START']]);
	});

	test('no tariff at all: unpriceable NO_TARIFF with a reason, not a throw', () => {
		const p = run({}, tenKwh());
		expect(p.status).toBe('unpriceable');
		expect(p.computed).toBeNull();
		expect(p.issues[0].code).toBe('NO_TARIFF');
	});

	test('periods naming two tariffs: MULTIPLE_TARIFFS', () => {
		const spec = tenKwh();
		spec.periods = [
			{ at: '2025-03-03T10:00:00Z', dims: { ENERGY: 5 }, tariff_id: 'A' },
			{ at: '2025-03-03T10:30:00Z', dims: { ENERGY: 5 }, tariff_id: 'B' },
		];
		expect(run({ tariffs: [energyTariff('A', 1), energyTariff('B', 2)] }, spec).issues[0].code).toBe('MULTIPLE_TARIFFS');
	});

	test('a tariff that cannot be read: TARIFF_INVALID naming the field', () => {
		const bad = energyTariff('A', 0.3);
		bad.elements[0].restrictions = { start_time: '25:00' };
		const p = run({ tariffs: [bad] }, tenKwh());
		expect(p.issues.map((i) => [i.code, i.path])).toEqual([['TARIFF_INVALID', 'tariff A: elements[0].restrictions.start_time']]);
	});

	test('a currency mismatch is unpriceable with CURRENCY_MISMATCH', () => {
		const p = run({ tariffs: [energyTariff('A', 0.3)] }, tenKwh({ currency: 'CHF' }));
		expect([p.status, p.issues.map((i) => [i.code, i.path])]).toEqual(['unpriceable', [['CURRENCY_MISMATCH', 'currency']]]);
	});

	test('bad options are refused with the option named', () => {
		expect(() => createPricer({ rounding: 'banker' as never })).toThrow(PricerOptionsError);
		expect(() => createPricer({ sourceOrder: ['cdr', 'location' as never] })).toThrow(/unknown tariff source "location"/);
	});
});

describe('cross-check', () => {
	const options = { tariffs: [energyTariff('A', 0.3)] };

	test('within 0.01 is a match; beyond it a mismatch with the deviation per declared total', () => {
		expect(run(options, tenKwh({ total_cost: { excl_vat: 3.01, incl_vat: 3.6 } })).status).toBe('match');
		const p = run(options, tenKwh({ total_cost: { excl_vat: 3.02, incl_vat: 3.6 }, subtotals: { total_energy_cost: { excl_vat: 2.5 } } }));
		expect(p.status).toBe('mismatch');
		expect(p.deviation).toEqual({
			total_cost: { excl_vat: '-0.02', incl_vat: '0' },
			total_energy_cost: { excl_vat: '0.5', incl_vat: null },
		});
	});

	test('a relative tolerance lets larger totals deviate more', () => {
		const spec = tenKwh({ total_cost: { excl_vat: 3.02 } });
		expect(run({ ...options, tolerance: { absolute: 0, relative: '0.01' } }, spec).status).toBe('match');
		expect(run({ ...options, tolerance: { absolute: 0, relative: '0.001' } }, spec).status).toBe('mismatch');
	});

	test('a declared 0 is not_declared; an absent incl_vat is not compared', () => {
		expect(run(options, tenKwh({ total_cost: { excl_vat: 0 } })).status).toBe('not_declared');
		expect(run(options, tenKwh({ total_cost: { excl_vat: 3 } })).status).toBe('match');
	});

	test('a credit CDR costs the original price negated; its copied subtotals compare by magnitude', () => {
		const p = run(
			options,
			tenKwh({ credit: true, total_cost: { excl_vat: -3, incl_vat: -3.6 }, subtotals: { total_energy_cost: { excl_vat: 3, incl_vat: 3.6 } } }),
		);
		expect(p.computed?.total_cost).toEqual({ excl_vat: '-3', incl_vat: '-3.6' });
		expect(p.status).toBe('match');
		expect(p.cdr.credit).toBe(true);
	});
});

describe('rounding policy and JSON', () => {
	const saturday: CdrSpec = {
		end: '2025-06-07T16:35:00Z',
		total_cost: { excl_vat: 12.38, incl_vat: 13.98 },
		periods: [
			{ at: '2025-06-07T13:30:00Z', dims: { TIME: 1.9, MIN_CURRENT: 43 } },
			{ at: '2025-06-07T15:24:00Z', dims: { PARKING_TIME: 1.1833 } },
		],
	};

	withSpecTariffs().test('per_cdr_net_then_vat: net per VAT rate rounded, then its VAT rounded: 12.38 / 13.99', () => {
		const p = run({ tariffs: [specTariff('complex')], timeZone: 'UTC', rounding: 'per_cdr_net_then_vat' }, saturday);
		expect(p.computed?.total_cost).toEqual({ excl_vat: '12.38', incl_vat: '13.99' });
		expect(p.computed?.total_reservation_cost).toEqual({ excl_vat: '0.00', incl_vat: '0.00' });
		expect(p.rounding).toBe('per_cdr_net_then_vat');
	});

	withSpecTariffs().test('the NDJSON line has the agreed shape and reads back', () => {
		const p = run({ tariffs: [specTariff('complex')], timeZone: 'UTC' }, saturday);
		expect(Object.keys(p).slice(0, 6)).toEqual(['id', 'status', 'computed', 'declared', 'deviation', 'breakdown']);
		expect(p).toHaveProperty('issues');
		expect(Object.keys(p.computed ?? {})).toEqual([
			'total_cost',
			'total_energy_cost',
			'total_time_cost',
			'total_parking_cost',
			'total_fixed_cost',
			'total_reservation_cost',
		]);
		expect(p.declared).toEqual({ total_cost: { excl_vat: '12.38', incl_vat: '13.98' } });
		expect(p.status).toBe('match');
		expect(p.breakdown[1]).toEqual({
			period_index: 0,
			dimension: 'TIME',
			category: 'time',
			tariff_id: '14',
			element_index: 3,
			component_index: 0,
			price: '1.25',
			vat: 20,
			volume: '1.9',
			billed_volume: '1.9',
			cost: { excl_vat: '2.375', incl_vat: '2.85' },
		});
		expect(p.cdr).toMatchObject({ emsp_country_code: 'NL', emsp_party_id: 'MSP', contract_id: 'NL-MSP-C12345678-X', evse_id: 'FR*CPO*E1' });
		const back = parsePricedCdrJson(JSON.parse(JSON.stringify(p)));
		expect(pricedCdrToJson(back)).toEqual(p);
	});
});
