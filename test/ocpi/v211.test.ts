import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { validateCdrStructure } from '../../lib/ocpi/schema';
import { detectOcpiVersion, upgradeCdr211 } from '../../lib/ocpi/v211';

const cdr211 = JSON.parse(readFileSync(join(__dirname, '..', '..', 'samples', 'ocpi-2.1.1-cdr.json'), 'utf8'));
const cdr221 = JSON.parse(readFileSync(join(__dirname, '..', '..', 'samples', 'cdrs.json'), 'utf8'))[0];
const options = {
	countryCode: 'FR',
	partyId: 'EVC',
	tokenCountryCode: 'FR',
	tokenPartyId: 'MOB',
	tokenType: 'RFID' as const,
	tokenUidFromAuthId: true,
};

describe('detectOcpiVersion', () => {
	it('tells 2.1.1 from 2.2.1 by the fields only one of them has', () => {
		expect(detectOcpiVersion(cdr211)).toBe('2.1.1');
		expect(detectOcpiVersion(cdr221)).toBe('2.2.1');
		expect(detectOcpiVersion({ id: 'x', stop_date_time: '2026-10-01T10:00:00Z' })).toBe('2.1.1');
		expect(detectOcpiVersion({ id: 'x', end_date_time: '2026-10-01T10:00:00Z' })).toBe('2.2.1');
		expect(detectOcpiVersion({ id: 'x' })).toBeNull();
		expect(detectOcpiVersion([cdr211])).toBeNull();
		expect(detectOcpiVersion('cdr')).toBeNull();
	});
});

describe('upgradeCdr211', () => {
	it('maps the mechanical fields and yields a structurally valid 2.2.1 CDR', () => {
		const { cdr, issues } = upgradeCdr211(cdr211, options);
		expect(issues).toEqual([]);
		expect(validateCdrStructure(cdr)).toEqual([]);
		expect(cdr).toMatchObject({
			end_date_time: cdr211.stop_date_time,
			total_cost: { excl_vat: cdr211.total_cost },
			cdr_token: { country_code: 'FR', party_id: 'MOB', uid: cdr211.auth_id, contract_id: cdr211.auth_id, type: 'RFID' },
			cdr_location: {
				evse_uid: 'FR-EVC-E10001',
				evse_id: 'FR*EVC*E10001',
				connector_id: '1',
				connector_standard: 'IEC_62196_T2',
				connector_format: 'SOCKET',
				connector_power_type: 'AC_3_PHASE',
				time_zone: 'Europe/Paris',
			},
		});
		expect(cdr).not.toHaveProperty('stop_date_time');
		expect(cdr).not.toHaveProperty('auth_id');
		expect(cdr).not.toHaveProperty('location');
		expect(cdr!.cdr_location).not.toHaveProperty('evses');
	});

	it('refuses to guess: each missing piece is its own coded issue and no CDR comes out', () => {
		const { cdr, issues } = upgradeCdr211(cdr211, { countryCode: 'FR', partyId: 'EVC' });
		expect(cdr).toBeNull();
		expect(issues.map((issue) => issue.path)).toEqual([
			'$.cdr_token.uid',
			'$.cdr_token.type',
			'$.cdr_token.country_code',
			'$.cdr_token.party_id',
		]);
		expect(new Set(issues.map((issue) => issue.code))).toEqual(new Set(['CDR_OCPI_211_UNMAPPABLE']));
		expect(issues[1].message).toContain('token type');
	});

	it('rejects a location with several EVSEs, since the one used is unknown', () => {
		const twoEvses = structuredClone(cdr211);
		twoEvses.location.evses.push({ ...twoEvses.location.evses[0], uid: 'FR-EVC-E10002' });
		const { cdr, issues } = upgradeCdr211(twoEvses, options);
		expect(cdr).toBeNull();
		expect(issues).toEqual([
			expect.objectContaining({ code: 'CDR_OCPI_211_UNMAPPABLE', path: '$.cdr_location.evse_uid' }),
		]);
	});

	it('drops FLAT dimensions and embedded 2.1.1 tariffs with warnings', () => {
		const withFlat = structuredClone(cdr211);
		withFlat.charging_periods[0].dimensions.push({ type: 'FLAT', volume: 1 });
		withFlat.tariffs = [{ id: '12', currency: 'EUR', elements: [], last_updated: '2026-01-01T00:00:00Z' }];
		const { cdr, issues } = upgradeCdr211(withFlat, options);
		expect(issues.map((issue) => `${issue.code} ${issue.severity} ${issue.path}`)).toEqual([
			'CDR_OCPI_211_FIELD_DROPPED warning $.charging_periods[0].dimensions',
			'CDR_OCPI_211_FIELD_DROPPED warning $.tariffs',
		]);
		expect(cdr!.charging_periods[0].dimensions.map((d) => d.type)).toEqual(['ENERGY', 'TIME']);
		expect(cdr).not.toHaveProperty('tariffs');
	});

	it('never throws on garbage', () => {
		expect(upgradeCdr211(null).cdr).toBeNull();
		expect(upgradeCdr211({ auth_id: 5, location: 'x', charging_periods: {} }, options).issues.length).toBeGreaterThan(0);
	});
});
