/** Price CDR on OCPI 2.3.0: the run's version, tariffs that include taxes, and taxes that are not VAT. */
import type { Tariff } from '../../lib/ocpi/types';
import type { CdrV230, TariffV230 } from '../../lib/ocpi/types-v230';
import { PricerOptionsError, createPricer, pricedCdrToJson, readPricedCdrJson } from '../../lib/pricing';
import { buildCdr } from '../tariff/cdr-builder';
import { cdrV230, tariffV230 } from '../tariff/v230';

const energyTariff: Tariff = {
	country_code: 'FR',
	party_id: 'CPO',
	id: 'E',
	currency: 'EUR',
	last_updated: '2025-01-01T00:00:00Z',
	elements: [{ price_components: [{ type: 'ENERGY', price: 0.5, vat: 20, step_size: 1 }] }],
};
/** 10 kWh declared 5.00 + 1.00 VAT. */
const session = (): CdrV230 =>
	cdrV230(
		buildCdr({
			end: '2025-03-03T11:00:00Z',
			periods: [{ at: '2025-03-03T10:00:00Z', dims: { ENERGY: 10, TIME: 1 } }],
			total_cost: { excl_vat: 5, incl_vat: 6 },
		}),
	);
const price = (tariff: TariffV230, cdr: CdrV230 = session()) =>
	pricedCdrToJson(createPricer({ tariffs: [tariff], ocpiVersion: '2.3.0' }).price(cdr));
const issues = (p: { issues: Array<{ code: string; path?: string }> }) => p.issues.map((i) => `${i.code} ${i.path}`);

describe('the run says the version', () => {
	test('a 2.3.0 CDR in a 2.2.1 run is OCPI_VERSION_MISMATCH, unpriceable', () => {
		const p = pricedCdrToJson(createPricer({ tariffs: [energyTariff] }).price(session()));
		expect([p.status, p.ocpi_version]).toEqual(['unpriceable', '2.2.1']);
		expect(issues(p)).toEqual(['OCPI_VERSION_MISMATCH total_cost.before_taxes']);
	});

	test('a 2.2.1 tariff in a 2.3.0 run: TARIFF_VERSION_MISMATCH for its limits, tax_included missing otherwise', () => {
		const limited = { ...energyTariff, min_price: { excl_vat: 1 } } as unknown as TariffV230;
		expect(issues(price(limited))).toEqual(['TARIFF_VERSION_MISMATCH tariff E: min_price.excl_vat']);
		expect(issues(price(energyTariff as unknown as TariffV230))).toEqual(['TARIFF_TAX_INCLUDED_INVALID tariff E: tax_included']);
	});

	test('an unknown version is refused when the pricer is made', () => {
		expect(() => createPricer({ ocpiVersion: '2.2' as never })).toThrow(PricerOptionsError);
	});

	test('the priced line says its version; a line written before 2.3.0 reads as 2.2.1', () => {
		const line = price(tariffV230(energyTariff));
		expect([line.status, line.ocpi_version]).toEqual(['match', '2.3.0']);
		const read = readPricedCdrJson(JSON.parse(JSON.stringify({ ...line, ocpi_version: undefined })));
		expect('priced' in read && read.priced.ocpi_version).toBe('2.2.1');
	});
});

describe('tax_included', () => {
	test('YES: VAT is taken out of the price; the unit price excl. VAT shows 6 decimals when it does not terminate', () => {
		const inclusive = tariffV230(energyTariff, 'YES');
		inclusive.elements[0].price_components[0].price = 0.59; // incl. 20 % VAT: 0.491666… excl.
		const p = price(inclusive);
		expect(p.computed?.total_cost).toEqual({ excl_vat: '4.91666666666666666667', incl_vat: '5.9' });
		expect(p.breakdown[0].price).toBe('0.491667');
		expect(p.breakdown[0].vat).toBe(20);
	});

	test('N/A: no taxes apply, so a component with vat is refused', () => {
		expect(issues(price(tariffV230(energyTariff, 'N/A')))).toEqual(['TARIFF_VAT_INVALID tariff E: elements[0].price_components[0].vat']);
		const untaxed = tariffV230({ ...energyTariff, elements: [{ price_components: [{ type: 'ENERGY', price: 0.5, step_size: 1 }] }] }, 'N/A');
		const p = price(untaxed, { ...session(), total_cost: { before_taxes: 5, taxes: [] } });
		expect([p.status, p.computed?.total_cost]).toEqual(['match', { excl_vat: '5', incl_vat: '5' }]);
	});
});

describe('taxes that are not VAT', () => {
	const withLevy = (): CdrV230 => {
		const cdr = session();
		cdr.total_cost.taxes!.push({ name: 'Taxe communale', percentage: 2, amount: 0.1 });
		return cdr;
	};

	test('on a tariff excl. taxes: compared before taxes and with VAT only, and flagged TAX_NOT_VAT', () => {
		const p = price(tariffV230(energyTariff), withLevy());
		expect(p.status).toBe('match');
		expect(p.declared?.total_cost).toEqual({ excl_vat: '5', incl_vat: '6' });
		expect(issues(p)).toEqual(['TAX_NOT_VAT total_cost.taxes[1]']);
		expect(p.issues[0].message).toContain('the tariff does not price it');
	});

	test('on a tariff whose prices include taxes: the other tax is part of the amount before VAT', () => {
		const inclusive = tariffV230(energyTariff, 'YES');
		inclusive.elements[0].price_components[0].price = 0.612; // 0.51 + 20 % VAT: 10 kWh = 5.10 excl., 6.12 incl.
		const cdr = withLevy();
		cdr.total_cost.taxes![0].amount = 1.02;
		const p = price(inclusive, cdr);
		expect(p.declared?.total_cost).toEqual({ excl_vat: '5.1', incl_vat: '6.12' });
		expect(p.status).toBe('match');
		expect(p.issues[0].message).toContain('part of the amount before VAT');
	});

	test('a VAT under its national name is VAT', () => {
		const cdr = session();
		cdr.total_cost.taxes![0].name = 'TVA 20 %';
		expect(issues(price(tariffV230(energyTariff), cdr))).toEqual([]);
	});
});
