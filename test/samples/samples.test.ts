import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { dec } from '../../lib/money';
import { validateTariffStructure } from '../../lib/ocpi/schema';
import type { Cdr, Tariff } from '../../lib/ocpi/types';
import type { CdrV230, TariffV230 } from '../../lib/ocpi/types-v230';
import { createCdrValidator, QUALITY_CHECK_BY_CODE } from '../../lib/quality';

const SAMPLES = join(__dirname, '..', '..', 'samples');
const NOW = new Date('2026-11-27T12:00:00Z');
const read = (file: string): unknown => JSON.parse(readFileSync(join(SAMPLES, file), 'utf8'));

const cdrs = read('cdrs.json') as Cdr[];
const tariffs = read('tariffs.json') as Tariff[];

describe('samples/cdrs.json', () => {
	it('holds 20 to 30 CDRs of both CPOs, AC and DC, a credit CDR and an unpriced one', () => {
		expect(cdrs.length).toBeGreaterThanOrEqual(20);
		expect(cdrs.length).toBeLessThanOrEqual(30);
		expect(new Set(cdrs.map((cdr) => `${cdr.country_code}*${cdr.party_id}`))).toEqual(new Set(['FR*EVC', 'DE*LDN']));
		expect(new Set(cdrs.map((cdr) => cdr.cdr_location.connector_power_type))).toEqual(new Set(['AC_3_PHASE', 'DC']));
		expect(new Set(cdrs.map((cdr) => `${cdr.cdr_token.country_code}*${cdr.cdr_token.party_id}`))).toEqual(
			new Set(['FR*MOB', 'DE*CHP', 'NL*ROM', 'BE*EMS']),
		);
		const credit = cdrs.filter((cdr) => cdr.credit === true);
		expect(credit).toHaveLength(1);
		const original = cdrs.find((cdr) => cdr.id === credit[0].credit_reference_id)!;
		expect(credit[0].id).toBe(`${original.id}-C`);
		expect(credit[0].total_cost).toEqual({
			excl_vat: -original.total_cost.excl_vat,
			incl_vat: -original.total_cost.incl_vat!,
		});
		const omit = (cdr: Cdr, keys: string[]): Record<string, unknown> =>
			Object.fromEntries(Object.entries(cdr).filter(([key]) => !keys.includes(key)));
		const own = ['id', 'total_cost', 'last_updated', 'credit', 'credit_reference_id'];
		expect(omit(credit[0], own)).toEqual(omit(original, own));
		expect(cdrs.filter((cdr) => cdr.total_cost.excl_vat === 0)).toHaveLength(1);
	});

	it('points every charging period at a tariff of samples/tariffs.json, without embedding tariffs', () => {
		const ids = new Set(tariffs.map((tariff) => `${tariff.country_code}*${tariff.party_id}*${tariff.id}`));
		for (const cdr of cdrs) {
			expect(cdr.tariffs).toBeUndefined();
			for (const period of cdr.charging_periods) {
				expect(ids.has(`${cdr.country_code}*${cdr.party_id}*${period.tariff_id}`)).toBe(true);
			}
		}
	});

	it('prices by the tariffs to the cent (hand-computed cases, one per tariff)', () => {
		const pick = (id: string): Cdr => cdrs.find((cdr) => cdr.id === id)!;
		const periods = (cdr: Cdr): string[] =>
			cdr.charging_periods.map(
				(p) => `${p.start_date_time} ${p.dimensions.map((d) => `${d.type}=${d.volume}`).join(' ')}`,
			);

		// FR AC, 09:00 CEST: 105 min charging, then parking, free until 2 h into the session (11:00 CEST), 6.00/h after.
		const paris = pick('FREVC2610060003');
		expect(periods(paris)).toEqual([
			'2026-10-06T07:00:00Z ENERGY=10.512 TIME=1.75 MAX_POWER=7.36',
			'2026-10-06T08:45:00Z PARKING_TIME=0.25',
			'2026-10-06T09:00:00Z PARKING_TIME=0.75',
		]);
		// 10.512 × 0.35 = 3.6792 (incl. 4.41504); 0.75 × 6.00 = 4.50 (incl. 5.40); total 8.1792 (incl. 9.81504)
		expect(paris.total_energy_cost).toEqual({ excl_vat: 3.68, incl_vat: 4.42 });
		expect(paris.total_parking_cost).toEqual({ excl_vat: 4.5, incl_vat: 5.4 });
		expect(paris.total_cost).toEqual({ excl_vat: 8.18, incl_vat: 9.82 });

		// FR DC, 16:45 CET (after the switch to winter time): period split at 17:00 local = 16:00Z.
		const dardilly = pick('FREVC2610260012');
		expect(dardilly.charging_periods.map((p) => p.start_date_time)).toEqual([
			'2026-10-26T15:45:00Z',
			'2026-10-26T16:00:00Z',
		]);
		// 14.045 × 0.55 + 16.855 × 0.65 = 7.72475 + 10.95575 = 18.6805 (incl. 22.4166); + flat 1.00 (1.20)
		expect(dardilly.total_energy_cost).toEqual({ excl_vat: 18.68, incl_vat: 22.42 });
		expect(dardilly.total_fixed_cost).toEqual({ excl_vat: 1, incl_vat: 1.2 });
		expect(dardilly.total_cost).toEqual({ excl_vat: 19.68, incl_vat: 23.62 });

		// DE AC overnight across the end of summer time: 21:03 CEST to 06:03 CET is 10 hours.
		const leipzig = pick('DELDN-261024-000988');
		expect([leipzig.start_date_time, leipzig.end_date_time, leipzig.total_time]).toEqual([
			'2026-10-24T19:03:00Z',
			'2026-10-25T05:03:00Z',
			10,
		]);
		// 36.3 × 0.49 = 17.787 (incl. 21.16653)
		expect(leipzig.total_cost).toEqual({ excl_vat: 17.79, incl_vat: 21.17 });

		// DE DC, 22:00 CEST: 1 h charging, 3.5 h parking; the blocking fee starts 4 h into the session (00:00Z).
		const dresden = pick('DELDN-261018-000745');
		expect(dresden.charging_periods.map((p) => p.start_date_time)).toEqual([
			'2026-10-18T20:00:00Z',
			'2026-10-18T21:00:00Z',
			'2026-10-19T00:00:00Z',
		]);
		// 62 × 0.69 = 42.78 (incl. 50.9082); 0.5 h × 6.00 = 3.00 (incl. 3.57); total 45.78 (incl. 54.4782)
		expect(dresden.total_parking_cost).toEqual({ excl_vat: 3, incl_vat: 3.57 });
		expect(dresden.total_cost).toEqual({ excl_vat: 45.78, incl_vat: 54.48 });
	});

	it('passes every quality check with no issue at all', () => {
		const validator = createCdrValidator({ now: NOW });
		for (const cdr of cdrs) {
			const verdict = validator.validate(cdr);
			expect({ id: cdr.id, issues: verdict.issues }).toEqual({ id: cdr.id, issues: [] });
			expect(verdict.valid).toBe(true);
		}
	});

	it('is repeated verbatim in cdrs.ndjson, and its first three CDRs in the OCPI envelope', () => {
		const lines = readFileSync(join(SAMPLES, 'cdrs.ndjson'), 'utf8').trimEnd().split('\n');
		expect(lines.map((line) => JSON.parse(line))).toEqual(cdrs);
		const envelope = read('ocpi-envelope.json') as { status_code: number; data: Cdr[] };
		expect(envelope.status_code).toBe(1000);
		expect(envelope.data).toEqual(cdrs.slice(0, 3));
	});
});

describe('samples/tariffs.json', () => {
	it('holds structurally valid OCPI 2.2.1 tariffs of the two CPOs', () => {
		expect(tariffs.map((tariff) => tariff.id)).toEqual(['FR-EVC-AC-STD', 'FR-EVC-DC-HPC', 'DE-LDN-AC', 'DE-LDN-DC']);
		for (const tariff of tariffs) expect(validateTariffStructure(tariff)).toEqual([]);
	});
});

describe('samples/ocpi-2.3.0', () => {
	const cdrs230 = read('ocpi-2.3.0/cdrs.json') as CdrV230[];
	const tariffs230 = read('ocpi-2.3.0/tariffs.json') as TariffV230[];

	it('holds the 2.2.1 samples in their OCPI 2.3.0 form, VAT named as each CPO names it', () => {
		expect(cdrs230.map((c) => c.id)).toEqual(cdrs.map((c) => c.id));
		for (const [i, cdr] of cdrs230.entries()) {
			const original = cdrs[i];
			expect(cdr.total_cost.before_taxes).toBe(original.total_cost.excl_vat);
			const vat = cdr.total_cost.taxes?.[0];
			if (original.total_cost.incl_vat === undefined) expect(cdr.total_cost.taxes).toBeUndefined();
			else expect(dec(cdr.total_cost.before_taxes).plus(vat!.amount).toNumber()).toBe(original.total_cost.incl_vat);
			if (vat) expect(vat).toMatchObject(cdr.country_code === 'FR' ? { name: 'TVA', percentage: 20 } : { name: 'MwSt', percentage: 19 });
		}
		expect(tariffs230.map((t) => [t.id, t.tax_included])).toEqual([
			['FR-EVC-AC-STD', 'NO'],
			['FR-EVC-DC-HPC', 'NO'],
			['DE-LDN-AC', 'YES'],
			['DE-LDN-DC', 'NO'],
		]);
		// DE-LDN-AC states 0.5831 incl. 19 % VAT: the 0.49 of its 2.2.1 form.
		expect(tariffs230[2].elements[0].price_components[0].price).toBe(0.5831);
	});

	it('passes the 2.3.0 schema and every quality check in a 2.3.0 run; a 2.2.1 run refuses it with one code', () => {
		for (const tariff of tariffs230) expect(validateTariffStructure(tariff, '2.3.0')).toEqual([]);
		const validator = createCdrValidator({ now: NOW, ocpiVersion: '2.3.0' });
		for (const cdr of cdrs230) expect({ id: cdr.id, issues: validator.validate(cdr).issues }).toEqual({ id: cdr.id, issues: [] });
		const refused = createCdrValidator({ now: NOW }).validate(cdrs230[0]);
		expect(refused.issues.map((i) => i.code)).toEqual(['CDR_OCPI_VERSION_MISMATCH']);
	});
});

describe('samples/ocpi-2.1.1-cdr.json', () => {
	const cdr211 = read('ocpi-2.1.1-cdr.json');

	it('is rejected without the information 2.1.1 lacks, naming each field', () => {
		const verdict = createCdrValidator({ now: NOW }).validate(cdr211);
		expect(verdict.valid).toBe(false);
		expect(verdict.id).toBe('FREVC2610020001');
		expect(verdict.issues.map((issue) => `${issue.code} ${issue.path}`)).toEqual([
			'CDR_OCPI_211_UNMAPPABLE $.country_code',
			'CDR_OCPI_211_UNMAPPABLE $.party_id',
			'CDR_OCPI_211_UNMAPPABLE $.cdr_token.uid',
			'CDR_OCPI_211_UNMAPPABLE $.cdr_token.type',
			'CDR_OCPI_211_UNMAPPABLE $.cdr_token.country_code',
			'CDR_OCPI_211_UNMAPPABLE $.cdr_token.party_id',
		]);
	});

	it('upgrades to the 2.2.1 CDR it was made from when the run supplies parties and token details', () => {
		const verdict = createCdrValidator({
			now: NOW,
			ocpi211: {
				countryCode: 'FR',
				partyId: 'EVC',
				tokenCountryCode: 'FR',
				tokenPartyId: 'MOB',
				tokenType: 'RFID',
				tokenUidFromAuthId: true,
			},
		}).validate(cdr211);
		expect(verdict.issues).toEqual([]);
		expect(verdict.valid).toBe(true);
		const original = cdrs[0];
		expect(verdict.cdr).toMatchObject({
			country_code: 'FR',
			party_id: 'EVC',
			id: original.id,
			end_date_time: original.end_date_time,
			cdr_location: original.cdr_location,
			total_cost: { excl_vat: original.total_cost.excl_vat },
			total_energy: original.total_energy,
			cdr_token: { contract_id: original.cdr_token.contract_id, uid: original.cdr_token.contract_id, type: 'RFID' },
		});
		expect(verdict.cdr!.charging_periods.map((period) => period.tariff_id)).toEqual(['FR-EVC-AC-STD']);
	});
});

describe('samples/broken', () => {
	const readme = readFileSync(join(SAMPLES, 'broken', 'README.md'), 'utf8');
	const expected = new Map<string, string[]>();
	const markedWarning = new Set<string>();
	for (const line of readme.split('\n')) {
		const match = /^\| ([a-z0-9-]+\.json) \| ([^|]+) \|/.exec(line);
		if (!match) continue;
		expected.set(match[1], [...match[2].matchAll(/`([A-Z0-9_]+)`/g)].map((code) => code[1]));
		for (const code of match[2].matchAll(/`([A-Z0-9_]+)` \(warning\)/g)) markedWarning.add(code[1]);
	}

	it('marks exactly the warning codes as warnings', () => {
		const listed = new Set([...expected.values()].flat());
		const warnings = [...listed].filter((code) => QUALITY_CHECK_BY_CODE.get(code)!.severity === 'warning');
		expect([...markedWarning].sort()).toEqual(warnings.sort());
	});

	it('lists every broken file in its README, and nothing else', () => {
		const files = readdirSync(join(SAMPLES, 'broken')).filter((file) => file.endsWith('.json'));
		expect([...expected.keys()].sort()).toEqual(files.sort());
		expect(expected.size).toBeGreaterThanOrEqual(20);
	});

	it.each([...expected.entries()])('%s gives exactly %j', (file, codes) => {
		const value = read(join('broken', file));
		const items = Array.isArray(value) ? value : [value];
		const validator = createCdrValidator({ now: NOW });
		const verdicts = items.map((item) => validator.validate(item));
		const found = new Set(verdicts.flatMap((verdict) => verdict.issues.map((issue) => issue.code)));
		expect([...found].sort()).toEqual([...codes].sort());
		const onlyWarnings = codes.every((code) => QUALITY_CHECK_BY_CODE.get(code)!.severity === 'warning');
		expect(verdicts.every((verdict) => verdict.valid)).toBe(onlyWarnings);
		for (const verdict of verdicts) {
			for (const issue of verdict.issues) expect(issue.message.length).toBeGreaterThan(20);
		}
	});
});
