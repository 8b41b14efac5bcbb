/* eslint-disable @typescript-eslint/no-explicit-any -- tests bend CDRs into invalid shapes on purpose */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';

import type { Cdr } from '../../lib/ocpi/types';
import type { QualityOptions } from '../../lib/quality';
import { createCdrValidator, DEFAULT_THRESHOLDS, QUALITY_CHECKS } from '../../lib/quality';

const NOW = new Date('2026-11-27T12:00:00Z');
const cdrs = JSON.parse(readFileSync(join(__dirname, '..', '..', 'samples', 'cdrs.json'), 'utf8')) as Cdr[];
const byId = (id: string): Record<string, any> =>
	structuredClone(cdrs.find((cdr) => cdr.id === id)) as unknown as Record<string, any>;
/** Paris AC, 150 min charging + 63 min parking, energy and parking subtotals. */
const parisWithParking = (): Record<string, any> => byId('FREVC2610030002');
/** Dardilly DC, two periods across the 17:00 peak switch, with a fixed cost. */
const dardilly = (): Record<string, any> => byId('FREVC2610080009');

const codes = (cdr: unknown, options: QualityOptions = {}): string[] =>
	createCdrValidator({ now: NOW, ...options })
		.validate(cdr)
		.issues.map((issue) => issue.code);

describe('createCdrValidator: malformed items', () => {
	it.each([
		[42, 'a number'],
		['{"id":"x"}', 'a string'],
		[null, 'null'],
		[[{}], 'an array'],
		[undefined, 'a undefined'],
	])('rejects %j as CDR_NOT_AN_OBJECT without throwing', (input, kind) => {
		const verdict = createCdrValidator({ now: NOW }).validate(input);
		expect(verdict).toEqual({
			id: null,
			valid: false,
			issues: [
				{
					code: 'CDR_NOT_AN_OBJECT',
					severity: 'error',
					path: '$',
					message: `The item is ${kind}, not a CDR object. Pass one OCPI CDR JSON object per item.`,
				},
			],
		});
	});

	it('reports a missing or non-string id as CDR_ID_MISSING, once, with the id null', () => {
		for (const id of [undefined, 12345, '', null]) {
			const cdr = parisWithParking();
			if (id === undefined) delete cdr.id;
			else cdr.id = id;
			const verdict = createCdrValidator({ now: NOW }).validate(cdr);
			expect(verdict.id).toBeNull();
			expect(verdict.valid).toBe(false);
			expect(verdict.issues.map((issue) => `${issue.code} ${issue.path}`)).toEqual(['CDR_ID_MISSING $.id']);
		}
	});

	it('never throws, whatever JSON comes in', () => {
		const validator = createCdrValidator({ now: NOW });
		fc.assert(
			fc.property(fc.jsonValue(), (value) => {
				const verdict = validator.validate(value);
				expect(Array.isArray(verdict.issues)).toBe(true);
			}),
			{ numRuns: 300 },
		);
		// Garbage in the right places: every field of a real CDR replaced by a random JSON value.
		const fields = Object.keys(parisWithParking());
		fc.assert(
			fc.property(fc.constantFrom(...fields), fc.jsonValue(), (field, value) => {
				const cdr = parisWithParking();
				cdr[field] = value;
				validator.validate(cdr);
			}),
			{ numRuns: 300 },
		);
	});
});

describe('structure and codes', () => {
	it('maps schema violations to specific codes where one exists', () => {
		const cdr = parisWithParking();
		cdr.cdr_token.country_code = 'NLD';
		cdr.party_id = 'EV*';
		cdr.cdr_location.country = 'DE';
		cdr.currency = 'Euro';
		cdr.auth_method = 'APP';
		const issues = createCdrValidator({ now: NOW }).validate(cdr).issues;
		expect(issues.map((issue) => `${issue.code} ${issue.path}`).sort()).toEqual(
			[
				'CDR_COUNTRY_CODE_INVALID $.cdr_token.country_code',
				'CDR_PARTY_ID_INVALID $.party_id',
				'CDR_LOCATION_COUNTRY_INVALID $.cdr_location.country',
				'CDR_CURRENCY_INVALID $.currency',
				'CDR_SCHEMA $.auth_method',
			].sort(),
		);
	});

	it('allows 39 characters for a credit CDR id and 36 for any other', () => {
		const normal = parisWithParking();
		normal.id = 'A'.repeat(36);
		expect(codes(normal)).toEqual([]);
		normal.id = 'A'.repeat(37);
		expect(codes(normal)).toEqual(['CDR_ID_TOO_LONG']);
		const credit = byId('FREVC2610080009-C');
		credit.id = 'B'.repeat(39);
		expect(codes(credit)).toEqual([]);
		credit.id = 'B'.repeat(40);
		expect(codes(credit)).toEqual(['CDR_ID_TOO_LONG']);
	});

	it('checks currencies and alpha-3 countries against the ISO lists', () => {
		for (const [currency, ok] of [
			['CHF', true],
			['XCG', true],
			['HRK', false],
			['XXX', false],
			['ABC', false],
		] as const) {
			expect(codes({ ...parisWithParking(), currency })).toEqual(ok ? [] : ['CDR_CURRENCY_INVALID']);
		}
		for (const [country, ok] of [
			['BEL', true],
			['GBR', true],
			['UK_', false],
			['EUR', false],
		] as const) {
			const cdr = parisWithParking();
			cdr.cdr_location.country = country;
			expect(codes(cdr)).toEqual(ok ? [] : ['CDR_LOCATION_COUNTRY_INVALID']);
		}
	});
});

describe('timestamps', () => {
	it('flags timestamps beyond the future tolerance only', () => {
		const cdr = parisWithParking();
		const now = new Date(Date.parse(cdr.last_updated) - 299_000);
		expect(codes(cdr, { now })).toEqual([]);
		expect(codes(cdr, { now: new Date(Date.parse(cdr.last_updated) - 301_000) })).toEqual(['CDR_TIMESTAMP_IN_FUTURE']);
		// Without tolerance, end_date_time (19:36) is ahead of that "now" (19:35:18) too.
		expect(codes(cdr, { now, thresholds: { futureToleranceSeconds: 0 } })).toEqual([
			'CDR_TIMESTAMP_IN_FUTURE',
			'CDR_TIMESTAMP_IN_FUTURE',
		]);
	});

	it('reads a timestamp without zone as UTC, with a warning that keeps the CDR valid', () => {
		const cdr = parisWithParking();
		cdr.charging_periods[1].start_date_time = cdr.charging_periods[1].start_date_time.replace('Z', '');
		const verdict = createCdrValidator({ now: NOW }).validate(cdr);
		expect(verdict.valid).toBe(true);
		expect(verdict.issues).toEqual([
			expect.objectContaining({
				code: 'CDR_TIMESTAMP_NO_UTC_DESIGNATOR',
				severity: 'warning',
				path: '$.charging_periods[1].start_date_time',
			}),
		]);
		expect(createCdrValidator({ now: NOW, treatWarningsAsErrors: true }).validate(cdr).valid).toBe(false);
	});

	it('accepts +00:00 as UTC and reads other offsets as the instant they denote', () => {
		const cdr = parisWithParking();
		cdr.start_date_time = cdr.start_date_time.replace('Z', '+00:00');
		expect(codes(cdr)).toEqual([]);
		// Same instant written in Paris time: only the non-UTC warning, no time mismatch.
		cdr.end_date_time = '2026-10-03T21:36:00+02:00';
		expect(codes(cdr)).toEqual(['CDR_TIMESTAMP_NOT_UTC']);
	});

	it('rejects impossible calendar dates that Date.parse would roll over', () => {
		const cdr = parisWithParking();
		cdr.last_updated = '2026-02-30T19:40:00Z';
		expect(codes(cdr)).toEqual(['CDR_TIMESTAMP_INVALID']);
		cdr.last_updated = '2028-02-29T19:40:00z'; // leap day, lower-case designator: valid (and in the future)
		expect(codes(cdr)).toEqual(['CDR_TIMESTAMP_IN_FUTURE']);
	});

	it('requires periods in order, inside [start, end)', () => {
		const cdr = parisWithParking();
		cdr.charging_periods[1].start_date_time = cdr.end_date_time;
		expect(codes(cdr)).toEqual(['CDR_PERIOD_OUTSIDE_SESSION']);
		const sameStart = parisWithParking();
		sameStart.charging_periods[1].start_date_time = sameStart.charging_periods[0].start_date_time;
		expect(codes(sameStart)).toEqual(['CDR_PERIODS_NOT_CHRONOLOGICAL']);
	});

	it('compares total_time with the session duration within durationToleranceSeconds', () => {
		const cdr = parisWithParking(); // 3.55 h
		cdr.end_date_time = '2026-10-03T19:37:00Z'; // one minute more
		cdr.last_updated = '2026-10-03T19:40:00Z';
		expect(codes(cdr)).toEqual([]);
		expect(codes(cdr, { thresholds: { durationToleranceSeconds: 59 } })).toEqual(['CDR_TOTAL_TIME_MISMATCH']);
	});

	it('applies the session duration bounds', () => {
		const cdr = parisWithParking(); // 213 min
		expect(codes(cdr, { thresholds: { maxSessionHours: 3.5 } })).toEqual(['CDR_SESSION_TOO_LONG']);
		expect(codes(cdr, { thresholds: { minSessionSeconds: 213 * 60 + 1 } })).toEqual(['CDR_SESSION_TOO_SHORT']);
		expect(codes(cdr, { thresholds: { minSessionSeconds: 213 * 60, maxSessionHours: 3.55 } })).toEqual([]);
	});
});

describe('sums', () => {
	it('accepts a difference of exactly the tolerance and rejects anything above, in decimal', () => {
		const cdr = dardilly(); // periods 16.52 + 24.78 = 41.3 kWh
		cdr.total_energy = 41.301;
		expect(codes(cdr)).toEqual([]);
		cdr.total_energy = 41.299;
		expect(codes(cdr)).toEqual([]);
		cdr.total_energy = 41.3011;
		expect(codes(cdr)).toEqual(['CDR_ENERGY_SUM_MISMATCH']);
		// 0.1 + 0.2 is not 0.3 in binary floating point; in decimal it is.
		const exact = dardilly();
		exact.charging_periods[0].dimensions[0].volume = 0.1;
		exact.charging_periods[1].dimensions[0].volume = 0.2;
		exact.total_energy = 0.3;
		expect(codes(exact, { thresholds: { energyToleranceKwh: 0 } })).toEqual([]);
	});

	it('says what the periods add up to and what total_energy claims', () => {
		const cdr = dardilly();
		cdr.total_energy = 42.3;
		const [issue] = createCdrValidator({ now: NOW }).validate(cdr).issues;
		expect(issue).toEqual({
			code: 'CDR_ENERGY_SUM_MISMATCH',
			severity: 'error',
			path: '$.total_energy',
			message:
				'The ENERGY volumes of the charging periods add up to 41.3 kWh, but total_energy is 42.3 kWh ' +
				'(tolerance 0.001 kWh).',
		});
	});

	it('counts RESERVATION_TIME into total_time when that is how the CDR adds up', () => {
		const cdr = parisWithParking();
		// A 15 min reservation before the session: start moves back, total_time includes it.
		cdr.start_date_time = '2026-10-03T15:48:00Z';
		cdr.charging_periods.unshift({
			start_date_time: '2026-10-03T15:48:00Z',
			dimensions: [{ type: 'RESERVATION_TIME', volume: 0.25 }],
			tariff_id: 'FR-EVC-AC-STD',
		});
		cdr.total_time = 3.8;
		expect(codes(cdr)).toEqual([]);
		cdr.total_time = 3.55; // excluding the reservation: also consistent
		expect(codes(cdr)).toEqual([]);
		cdr.total_time = 3.7;
		expect(codes(cdr)).toEqual(['CDR_TOTAL_TIME_MISMATCH', 'CDR_TIME_SUM_MISMATCH']);
	});

	it('checks parking against total_time and the PARKING_TIME periods', () => {
		const cdr = parisWithParking();
		cdr.total_parking_time = 1.051; // periods: 1.05 h; exactly the 0.001 h tolerance
		expect(codes(cdr)).toEqual([]);
		cdr.total_parking_time = 1.0511;
		expect(codes(cdr)).toEqual(['CDR_PARKING_SUM_MISMATCH']);
		expect(codes(cdr, { thresholds: { timeToleranceHours: 0.002 } })).toEqual([]);
		cdr.total_parking_time = 3.6;
		expect(codes(cdr, { exclude: ['CDR_POWER_IMPLAUSIBLE'] })).toEqual([
			'CDR_PARKING_EXCEEDS_TOTAL_TIME',
			'CDR_PARKING_SUM_MISMATCH',
		]);
	});

	it('checks subtotals against total_cost excl. and incl. VAT, to the cent', () => {
		const cdr = dardilly(); // energy 25.19 / 30.23 + fixed 1.00 / 1.20 = 26.19 / 31.43
		cdr.total_cost = { excl_vat: 26.2, incl_vat: 31.44 };
		expect(codes(cdr)).toEqual([]);
		cdr.total_cost = { excl_vat: 26.21, incl_vat: 31.43 };
		const issues = createCdrValidator({ now: NOW }).validate(cdr).issues;
		expect(issues.map((issue) => `${issue.code} ${issue.path}`)).toEqual(['CDR_COST_SUM_MISMATCH $.total_cost.excl_vat']);
		expect(issues[0].message).toContain('total_energy_cost + total_fixed_cost excl. VAT add up to 26.19 EUR');
		cdr.total_cost = { excl_vat: 26.19, incl_vat: 31.45 };
		expect(codes(cdr)).toEqual(['CDR_COST_SUM_MISMATCH']);
		expect(codes(cdr, { thresholds: { moneyTolerance: 0.02 } })).toEqual([]);
	});

	it('widens the money tolerance by the rounding of each extra subtotal', () => {
		// Four subtotals each rounded up by half a cent: 4 × 0.005 = 0.02 above the rounded total.
		const cdr = byId('DELDN-261018-000745'); // energy 42.78 + time 0.00 + parking 3.00 = 45.78
		cdr.total_cost = { excl_vat: 45.77 };
		expect(codes(cdr)).toEqual([]); // 3 subtotals: 1 cent
		cdr.total_cost = { excl_vat: 45.76 };
		expect(codes(cdr)).toEqual(['CDR_COST_SUM_MISMATCH']);
		cdr.total_fixed_cost = { excl_vat: 0 };
		cdr.total_cost = { excl_vat: 45.76 };
		expect(codes(cdr)).toEqual([]); // 4 subtotals: 2 cents
		cdr.total_cost = { excl_vat: 45.75 };
		expect(codes(cdr)).toEqual(['CDR_COST_SUM_MISMATCH']);
	});

	it('rejects incl_vat below excl_vat, and above it for negative amounts', () => {
		const cdr = dardilly();
		cdr.total_fixed_cost = { excl_vat: 1, incl_vat: 0.8 };
		cdr.total_cost = { excl_vat: 26.19, incl_vat: 31.03 };
		expect(codes(cdr)).toEqual(['CDR_INCL_VAT_BELOW_EXCL']);
		const credit = byId('FREVC2610080009-C');
		credit.total_cost = { excl_vat: -26.19, incl_vat: -20 };
		expect(codes(credit)).toContain('CDR_INCL_VAT_BELOW_EXCL');
	});
});

describe('plausibility', () => {
	it('bounds energy by the MAX_POWER of the periods times the charging time, with the margin', () => {
		const cdr = dardilly(); // 0.75 h of charging, MAX_POWER 121.5 kW: 91.125 kWh, 95.68 with 5 %
		cdr.charging_periods[1].dimensions[0].volume = 95.68 - 16.52;
		cdr.total_energy = 95.68;
		expect(codes(cdr)).toEqual([]);
		cdr.charging_periods[1].dimensions[0].volume = 95.7 - 16.52;
		cdr.total_energy = 95.7;
		expect(codes(cdr)).toEqual(['CDR_POWER_IMPLAUSIBLE']);
		expect(codes(cdr, { thresholds: { powerMarginPercent: 10 } })).toEqual([]);
	});

	it('falls back to the connector power type ceiling without MAX_POWER, excluding parking time', () => {
		const cdr = parisWithParking(); // 2.5 h charging (3.55 − 1.05) on AC_3_PHASE
		for (const period of cdr.charging_periods) {
			period.dimensions = period.dimensions.filter((d: { type: string }) => d.type !== 'MAX_POWER');
		}
		cdr.charging_periods[0].dimensions[0].volume = 50;
		cdr.total_energy = 50;
		expect(codes(cdr, { thresholds: { maxPowerKwAc3Phase: 22 } })).toEqual([]); // 57.75 kWh possible
		expect(codes(cdr, { thresholds: { maxPowerKwAc3Phase: 19 } })).toEqual(['CDR_POWER_IMPLAUSIBLE']);
	});

	it('warns on zero energy and rejects negative energy unless V2G is allowed', () => {
		const cdr = byId('DELDN-261028-001204');
		cdr.charging_periods[0].dimensions[0].volume = -2.5;
		cdr.total_energy = -2.5;
		const rejected = createCdrValidator({ now: NOW }).validate(cdr);
		expect(rejected.valid).toBe(false);
		expect(rejected.issues.map((issue) => issue.path)).toEqual([
			'$.charging_periods[0].dimensions[0].volume',
			'$.total_energy',
		]);
		expect(codes(cdr, { allowNegativeEnergy: true })).toEqual([]);
	});

	it('applies the energy maximum', () => {
		const cdr = dardilly();
		expect(codes(cdr, { thresholds: { maxEnergyKwh: 41.2 } })).toEqual(['CDR_ENERGY_TOO_HIGH']);
		expect(codes(cdr, { thresholds: { maxEnergyKwh: 41.3 } })).toEqual([]);
	});
});

describe('credit CDRs', () => {
	it('accepts the sample credit CDR, whose subtotals keep their sign', () => {
		expect(codes(byId('FREVC2610080009-C'))).toEqual([]);
	});

	it('requires the reference and a negative total_cost', () => {
		const credit = byId('FREVC2610080009-C');
		delete credit.credit_reference_id;
		credit.total_cost = { excl_vat: 26.19, incl_vat: 31.43 };
		expect(codes(credit).sort()).toEqual(['CDR_CREDIT_COST_NOT_NEGATIVE', 'CDR_CREDIT_REFERENCE_MISSING']);
	});
});

describe('duplicates', () => {
	it('remembers (country_code, party_id, id) across the run, case-insensitively, and only the first passes', () => {
		const validator = createCdrValidator({ now: NOW });
		const cdr = dardilly();
		expect(validator.validate(cdr).valid).toBe(true);
		const again = validator.validate({ ...cdr, id: cdr.id.toLowerCase(), party_id: 'evc' });
		expect(again.valid).toBe(false);
		expect(again.issues.map((issue) => issue.code)).toEqual(['CDR_DUPLICATE']);
		// Another CPO may use the same id.
		expect(validator.validate({ ...cdr, party_id: 'EVD' }).valid).toBe(true);
		expect(validator.seenCount).toBe(2);
		// A new validator is a new run.
		expect(createCdrValidator({ now: NOW }).validate(cdr).valid).toBe(true);
	});
});

describe('options', () => {
	it('runs only the included checks, never the excluded ones, but always the always-on ones', () => {
		const cdr = dardilly();
		cdr.total_energy = 50;
		cdr.currency = 'ABC';
		expect(codes(cdr).sort()).toEqual(['CDR_CURRENCY_INVALID', 'CDR_ENERGY_SUM_MISMATCH']);
		expect(codes(cdr, { exclude: ['CDR_ENERGY_SUM_MISMATCH'] })).toEqual(['CDR_CURRENCY_INVALID']);
		expect(codes(cdr, { include: ['CDR_ENERGY_SUM_MISMATCH'] })).toEqual(['CDR_ENERGY_SUM_MISMATCH']);
		expect(codes(42, { include: ['CDR_ENERGY_SUM_MISMATCH'] })).toEqual(['CDR_NOT_AN_OBJECT']);
	});

	it('overrides severities', () => {
		const cdr = dardilly();
		cdr.currency = 'ABC';
		const verdict = createCdrValidator({ now: NOW, severities: { CDR_CURRENCY_INVALID: 'warning' } }).validate(cdr);
		expect(verdict.valid).toBe(true);
		expect(verdict.issues[0].severity).toBe('warning');
	});

	it('refuses unknown check codes in the options, naming them', () => {
		expect(() => createCdrValidator({ exclude: ['CDR_TYPO'] })).toThrow('Unknown quality check code "CDR_TYPO"');
	});
});

describe('QUALITY_CHECKS', () => {
	it('is a complete catalogue: unique codes, description, severity, threshold defaults', () => {
		const all = QUALITY_CHECKS.map((check) => check.code);
		expect(new Set(all).size).toBe(all.length);
		for (const check of QUALITY_CHECKS) {
			expect(check.code).toMatch(/^CDR_[A-Z0-9_]+$/);
			expect(['error', 'warning']).toContain(check.severity);
			expect(check.description.length).toBeGreaterThan(15);
			for (const threshold of check.thresholds ?? []) {
				expect(threshold.default).toBe(DEFAULT_THRESHOLDS[threshold.name]);
				expect(threshold.unit).not.toBe('');
			}
		}
		expect(QUALITY_CHECKS.find((check) => check.code === 'CDR_SESSION_TOO_LONG')!.thresholds).toEqual([
			{ name: 'maxSessionHours', default: 48, unit: 'h' },
		]);
		// Every threshold is used by some check.
		const used = new Set(QUALITY_CHECKS.flatMap((check) => (check.thresholds ?? []).map((t) => t.name)));
		expect([...used].sort()).toEqual(Object.keys(DEFAULT_THRESHOLDS).sort());
	});
});
