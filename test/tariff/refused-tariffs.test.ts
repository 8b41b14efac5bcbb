/**
 * Issue 13.4: absurd tariffs are refused, never priced and invoiced. Each refusal is a coded issue naming the field
 * (docs/pricing-choices.md, "Tariffs refused").
 */
import type { Price, PriceComponent, Tariff } from '../../lib/ocpi/types';
import { createPricer } from '../../lib/pricing';
import { buildCdr } from './cdr-builder';

const energy = (component: Record<string, unknown>): Tariff => ({
	country_code: 'FR',
	party_id: 'CPO',
	id: 'ABSURD',
	currency: 'EUR',
	last_updated: '2025-01-01T00:00:00Z',
	elements: [{ price_components: [{ type: 'ENERGY', price: 0.3, vat: 20, step_size: 1, ...component } as PriceComponent] }],
});
const session = buildCdr({ end: '2025-03-03T11:00:00Z', periods: [{ at: '2025-03-03T10:00:00Z', dims: { ENERGY: 10, TIME: 1 } }] });
const refusal = (tariff: Tariff) => {
	const p = createPricer({ tariffs: [tariff] }).price(session);
	return { status: p.status, computed: p.computed, issues: p.issues.map((i) => `${i.code} ${i.path}`) };
};
const refused = (code: string, field: string) => ({ status: 'unpriceable', computed: null, issues: [`${code} tariff ABSURD: ${field}`] });
const COMPONENT = 'elements[0].price_components[0]';

test.each([
	['step_size 0 on ENERGY', { step_size: 0 }, 'TARIFF_STEP_SIZE_INVALID', `${COMPONENT}.step_size`],
	['a negative step_size', { step_size: -100 }, 'TARIFF_STEP_SIZE_INVALID', `${COMPONENT}.step_size`],
	['a fractional step_size', { step_size: 1.5 }, 'TARIFF_STEP_SIZE_INVALID', `${COMPONENT}.step_size`],
	['no step_size on ENERGY', { step_size: undefined }, 'TARIFF_STEP_SIZE_INVALID', `${COMPONENT}.step_size`],
	['VAT 1000 %', { vat: 1000 }, 'TARIFF_VAT_INVALID', `${COMPONENT}.vat`],
	['a negative VAT', { vat: -20 }, 'TARIFF_VAT_INVALID', `${COMPONENT}.vat`],
	['price 1e308', { price: 1e308 }, 'TARIFF_PRICE_INVALID', `${COMPONENT}.price`],
	['a negative price', { price: -0.3 }, 'TARIFF_PRICE_INVALID', `${COMPONENT}.price`],
	['a price that is a string', { price: '0.30' }, 'TARIFF_PRICE_INVALID', `${COMPONENT}.price`],
])('%s is refused: %s', (_, component, code, field) => {
	expect(refusal(energy(component))).toEqual(refused(code, field));
});

test.each<[string, { min_price?: Price; max_price?: Price }, string]>([
	['min_price with incl. VAT below excl. VAT', { min_price: { excl_vat: 5, incl_vat: 4.5 } }, 'min_price.incl_vat'],
	['max_price with incl. VAT below excl. VAT', { max_price: { excl_vat: 5, incl_vat: 4.5 } }, 'max_price.incl_vat'],
	['a negative min_price', { min_price: { excl_vat: -5 } }, 'min_price.excl_vat'],
	['max_price 1e308', { max_price: { excl_vat: 1e308 } }, 'max_price.excl_vat'],
	['max_price below min_price', { min_price: { excl_vat: 5 }, max_price: { excl_vat: 4 } }, 'max_price.excl_vat'],
	['max_price incl. VAT below min_price incl. VAT', { min_price: { excl_vat: 1, incl_vat: 6 }, max_price: { excl_vat: 5, incl_vat: 5.5 } }, 'max_price.incl_vat'],
])('%s is refused', (_, limits, field) => {
	const tariff = { ...energy({}), ...limits };
	expect(refusal(tariff)).toEqual(refused('TARIFF_PRICE_LIMIT_INVALID', field));
});

test('FLAT may keep step_size 0 (the spec’s own free-of-charge tariff); VAT 0 and 50 are rates; equal limits hold', () => {
	const flat: Tariff = { ...energy({}), elements: [{ price_components: [{ type: 'FLAT', price: 0, step_size: 0 }] }] };
	const priced = (t: Tariff) => createPricer({ tariffs: [t] }).price(session).computed?.total_cost;
	expect(priced(flat)?.excl_vat.toFixed()).toBe('0');
	expect(priced(energy({ vat: 0 }))?.incl_vat.toFixed()).toBe('3');
	expect(priced(energy({ vat: 50 }))?.incl_vat.toFixed()).toBe('4.5');
	const fixed = { ...energy({}), min_price: { excl_vat: 5, incl_vat: 6 }, max_price: { excl_vat: 5, incl_vat: 6 } };
	expect(priced(fixed)?.excl_vat.toFixed()).toBe('5');
});
