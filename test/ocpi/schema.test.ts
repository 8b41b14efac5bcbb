/* eslint-disable @typescript-eslint/no-explicit-any -- tests bend CDRs into invalid shapes on purpose */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { jsonPointerToPath, validateCdrStructure, validateTariffStructure } from '../../lib/ocpi/schema';
import type { Cdr, Tariff } from '../../lib/ocpi/types';

const SAMPLES = join(__dirname, '..', '..', 'samples');
const cdrs = JSON.parse(readFileSync(join(SAMPLES, 'cdrs.json'), 'utf8')) as Cdr[];
const tariffs = JSON.parse(readFileSync(join(SAMPLES, 'tariffs.json'), 'utf8')) as Tariff[];
const sample = (): Record<string, any> => structuredClone(cdrs[1]) as unknown as Record<string, any>;

describe('validateCdrStructure', () => {
	it('accepts well-formed OCPI 2.2.1 CDRs, including unknown extra properties', () => {
		for (const cdr of cdrs) expect(validateCdrStructure(cdr)).toEqual([]);
		expect(validateCdrStructure({ ...sample(), x_platform_reference: 'abc' })).toEqual([]);
	});

	it('reports every violation at once, each with its JSON path', () => {
		const cdr = sample();
		cdr.charging_periods[0].dimensions[1].type = 'KWH';
		cdr.charging_periods[1].dimensions[0].volume = '1.05';
		delete cdr.cdr_token.uid;
		cdr.auth_method = 'RFID';
		cdr.total_cost = 13.44;
		expect(validateCdrStructure(cdr).map(({ path, keyword }) => `${keyword} ${path}`)).toEqual([
			'required $.cdr_token.uid',
			'enum $.auth_method',
			'enum $.charging_periods[0].dimensions[1].type',
			'type $.charging_periods[1].dimensions[0].volume',
			'type $.total_cost',
		]);
	});

	it('enforces the spec string lengths and formats', () => {
		const cdr = sample();
		cdr.id = 'X'.repeat(40);
		cdr.cdr_location.address = 'A'.repeat(46);
		cdr.cdr_token.contract_id = 'C'.repeat(37);
		cdr.country_code = 'FRA';
		cdr.party_id = 'EV';
		cdr.currency = 'eur';
		cdr.cdr_location.coordinates.latitude = '48.8';
		cdr.last_updated = '2026-10-03 19:40';
		expect(validateCdrStructure(cdr).map(({ path, keyword }) => `${keyword} ${path}`).sort()).toEqual(
			[
				'maxLength $.id',
				'maxLength $.cdr_location.address',
				'maxLength $.cdr_token.contract_id',
				'pattern $.country_code',
				'pattern $.party_id',
				'pattern $.currency',
				'pattern $.cdr_location.coordinates.latitude',
				'pattern $.last_updated',
			].sort(),
		);
	});

	it('names the missing field and the allowed values in its messages', () => {
		const cdr = sample();
		delete cdr.total_energy;
		cdr.cdr_location.connector_format = 'PLUG';
		const violations = validateCdrStructure(cdr);
		expect(violations).toContainEqual({
			path: '$.total_energy',
			keyword: 'required',
			message: '$.total_energy is required but missing.',
		});
		expect(violations).toContainEqual({
			path: '$.cdr_location.connector_format',
			keyword: 'enum',
			message: '$.cdr_location.connector_format must be one of SOCKET, CABLE.',
		});
	});

	it('rejects what is not an object, and an empty charging_periods list', () => {
		expect(validateCdrStructure('cdr')).toEqual([{ path: '$', keyword: 'type', message: '$ must be of type object.' }]);
		expect(validateCdrStructure(null)).toHaveLength(1);
		expect(validateCdrStructure({ ...sample(), charging_periods: [] }).map((v) => v.keyword)).toEqual(['minItems']);
	});
});

describe('validateTariffStructure', () => {
	it('accepts the sample tariffs and reports the violations of a broken one', () => {
		for (const tariff of tariffs) expect(validateTariffStructure(tariff)).toEqual([]);
		const tariff = structuredClone(tariffs[1]) as unknown as Record<string, any>;
		tariff.elements[0].restrictions.start_time = '17h00';
		tariff.elements[1].price_components[0].type = 'SESSION';
		delete tariff.elements[1].price_components[1].step_size;
		tariff.elements[0].restrictions.day_of_week = ['MONDAY', 'FUNDAY'];
		expect(validateTariffStructure(tariff).map(({ path, keyword }) => `${keyword} ${path}`)).toEqual([
			'pattern $.elements[0].restrictions.start_time',
			'enum $.elements[0].restrictions.day_of_week[1]',
			'enum $.elements[1].price_components[0].type',
			'required $.elements[1].price_components[1].step_size',
		]);
		expect(validateTariffStructure({ ...tariffs[0], elements: [] }).map((v) => v.path)).toEqual(['$.elements']);
	});
});

describe('jsonPointerToPath', () => {
	it('turns JSON pointers into JSON paths', () => {
		expect(jsonPointerToPath('')).toBe('$');
		expect(jsonPointerToPath('/charging_periods/0/dimensions/1/type')).toBe('$.charging_periods[0].dimensions[1].type');
		expect(jsonPointerToPath('/a~1b/c d')).toBe('$["a/b"]["c d"]');
	});
});
