/** The quality checks on OCPI 2.3.0 CDRs, chosen by the run's version and never guessed from the shape. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Cdr } from '../../lib/ocpi/types';
import type { CdrV230 } from '../../lib/ocpi/types-v230';
import type { QualityOptions } from '../../lib/quality';
import { createCdrValidator } from '../../lib/quality';
import { cdrV230, tariffV230 } from '../tariff/v230';

const NOW = new Date('2026-11-27T12:00:00Z');
const cdrs = JSON.parse(readFileSync(join(__dirname, '..', '..', 'samples', 'cdrs.json'), 'utf8')) as Cdr[];
const tariffs = JSON.parse(readFileSync(join(__dirname, '..', '..', 'samples', 'tariffs.json'), 'utf8'));
/** Dardilly DC: energy and fixed subtotals, VAT 20 %. */
const dardilly = (): CdrV230 => cdrV230(structuredClone(cdrs.find((c) => c.id === 'FREVC2610080009')!));
const check = (cdr: unknown, options: QualityOptions = {}) => {
	const verdict = createCdrValidator({ now: NOW, ocpiVersion: '2.3.0', ...options }).validate(cdr);
	return { valid: verdict.valid, issues: verdict.issues.map((i) => `${i.code} ${i.path}`) };
};

test('every sample CDR in its 2.3.0 form passes every check in a 2.3.0 run', () => {
	const validator = createCdrValidator({ now: NOW, ocpiVersion: '2.3.0' });
	for (const cdr of cdrs) expect({ id: cdr.id, issues: validator.validate(cdrV230(cdr)).issues }).toEqual({ id: cdr.id, issues: [] });
});

describe('the run says the version; the other shape is one coded issue', () => {
	test('a 2.3.0 CDR in a 2.2.1 run (the default)', () => {
		const verdict = createCdrValidator({ now: NOW }).validate(dardilly());
		expect(verdict.valid).toBe(false);
		expect(verdict.issues.map((i) => `${i.code} ${i.path}`)).toEqual(['CDR_OCPI_VERSION_MISMATCH $.total_cost.before_taxes']);
		expect(verdict.issues[0].message).toContain("set the run's OCPI version to 2.3.0");
	});

	test('a 2.2.1 CDR in a 2.3.0 run', () => {
		expect(check(cdrs[0])).toEqual({ valid: false, issues: ['CDR_OCPI_VERSION_MISMATCH $.total_cost.excl_vat'] });
	});

	test('a 2.2.1 tariff embedded in a 2.3.0 CDR', () => {
		const cdr = { ...dardilly(), tariffs: [{ ...tariffs[1], min_price: { excl_vat: 1 } }] };
		expect(check(cdr)).toEqual({ valid: false, issues: ['CDR_OCPI_VERSION_MISMATCH $.tariffs[0].min_price.excl_vat'] });
	});

	test('the check cannot be switched off, or the CDR would pass unchecked', () => {
		expect(check(cdrs[0], { exclude: ['CDR_SCHEMA'] }).issues).toEqual(['CDR_OCPI_VERSION_MISMATCH $.total_cost.excl_vat']);
		expect(() => createCdrValidator({ ocpiVersion: '3.0' as never })).toThrow('Unknown OCPI version "3.0"');
	});
});

describe('2.3.0 prices and taxes', () => {
	test('a tax of the opposite sign to before_taxes', () => {
		const cdr = dardilly();
		cdr.total_cost.taxes![0].amount = -3.94;
		expect(check(cdr).issues).toEqual(['CDR_INCL_VAT_BELOW_EXCL $.total_cost.taxes[0].amount', 'CDR_COST_SUM_MISMATCH $.total_cost.taxes']);
	});

	test('a tax that is not VAT is a warning; VAT under its national names is VAT', () => {
		const cdr = dardilly();
		cdr.total_cost.taxes!.push({ name: 'Taxe communale', amount: 0.1 });
		cdr.total_fixed_cost!.taxes!.push({ name: 'Taxe communale', amount: 0.1 });
		expect(check(cdr)).toEqual({ valid: true, issues: ['CDR_TAX_NOT_VAT $.total_cost.taxes[1].name'] });
		for (const name of ['TVA', 'MwSt.', 'BTW 21%', 'IVA', 'vat', 'ΦΠΑ']) {
			const named = dardilly();
			for (const field of ['total_cost', 'total_energy_cost', 'total_fixed_cost'] as const) named[field]!.taxes![0].name = name;
			expect(check(named)).toEqual({ valid: true, issues: [] });
		}
	});

	test('subtotals that do not add up, before and after taxes', () => {
		const cdr = dardilly();
		cdr.total_energy_cost!.before_taxes += 1;
		expect(check(cdr).issues).toEqual(['CDR_COST_SUM_MISMATCH $.total_cost.before_taxes', 'CDR_COST_SUM_MISMATCH $.total_cost.taxes']);
		const taxes = dardilly();
		taxes.total_energy_cost!.taxes![0].amount += 1;
		expect(check(taxes).issues).toEqual(['CDR_COST_SUM_MISMATCH $.total_cost.taxes']);
	});

	test('credit CDRs are read on before_taxes', () => {
		const cdr = dardilly();
		cdr.total_cost = { before_taxes: -cdr.total_cost.before_taxes, taxes: [{ name: 'VAT', amount: -cdr.total_cost.taxes![0].amount }] };
		// Not a credit CDR: its negative total is refused, and no longer the sum of its (positive) subtotals.
		expect(check(cdr).issues).toEqual([
			'CDR_COST_SUM_MISMATCH $.total_cost.before_taxes',
			'CDR_COST_SUM_MISMATCH $.total_cost.taxes',
			'CDR_NEGATIVE_COST_NOT_CREDIT $.total_cost.before_taxes',
		]);
		expect(check({ ...cdr, id: `${cdr.id}-C`, credit: true, credit_reference_id: cdr.id })).toEqual({ valid: true, issues: [] });
	});
});

describe('2.3.0 fields', () => {
	test('TokenType and ConnectorType are OpenEnums in 2.3.0 (EMAID, MCS), closed in 2.2.1', () => {
		const cdr = dardilly();
		cdr.cdr_token.type = 'EMAID' as never;
		cdr.cdr_location.connector_standard = 'MCS' as never;
		expect(check(cdr)).toEqual({ valid: true, issues: [] });
		const old = structuredClone(cdrs[0]) as unknown as Record<string, Record<string, unknown>>;
		old.cdr_token.type = 'EMAID';
		expect(createCdrValidator({ now: NOW }).validate(old).issues.map((i) => `${i.code} ${i.path}`)).toEqual(['CDR_SCHEMA $.cdr_token.type']);
	});

	test('an embedded tariff needs tax_included; one the pricer would refuse is CDR_TARIFF_INVALID', () => {
		const without: Record<string, unknown> = { ...tariffV230(tariffs[1]) };
		delete without.tax_included;
		expect(check({ ...dardilly(), tariffs: [without] }).issues).toEqual(['CDR_SCHEMA $.tariffs[0].tax_included']);
		const notApplicable = tariffV230(tariffs[1], 'N/A');
		expect(check({ ...dardilly(), tariffs: [notApplicable] }).issues).toEqual([
			'CDR_TARIFF_INVALID $.tariffs[0].elements[0].price_components[0].vat',
		]);
		const limits = { ...tariffV230(tariffs[1]), min_price: { before_taxes: 10, after_taxes: 9 } };
		expect(check({ ...dardilly(), tariffs: [limits] }).issues).toEqual(['CDR_TARIFF_INVALID $.tariffs[0].min_price.after_taxes']);
	});
});

test('2.2.1: an embedded tariff with step_size 0 on ENERGY is refused as the pricer refuses it (issue 13.4)', () => {
	const cdr = structuredClone(cdrs[0]);
	cdr.tariffs = [structuredClone(tariffs[0])];
	cdr.tariffs![0].elements[1].price_components[0].step_size = 0;
	const verdict = createCdrValidator({ now: NOW }).validate(cdr);
	expect(verdict.issues.map((i) => `${i.code} ${i.path}`)).toEqual(['CDR_TARIFF_INVALID $.tariffs[0].elements[1].price_components[0].step_size']);
	expect(verdict.issues[0].message).toContain('TARIFF_STEP_SIZE_INVALID');
});
