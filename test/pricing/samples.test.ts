/**
 * Every sample CDR (samples/cdrs.json) priced with the sample tariffs (samples/tariffs.json), and their OCPI 2.3.0 form
 * (samples/ocpi-2.3.0/) priced alike.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Cdr, Tariff } from '../../lib/ocpi/types';
import type { CdrV230, TariffV230 } from '../../lib/ocpi/types-v230';
import { TOTAL_NAMES, createPricer, pricedCdrToJson } from '../../lib/pricing';

const SAMPLES = path.resolve(__dirname, '../../samples');
const read = <T>(file: string): T => JSON.parse(readFileSync(path.join(SAMPLES, file), 'utf8')) as T;
const cdrs = read<Cdr[]>('cdrs.json');
const tariffs = read<Tariff[]>('tariffs.json');

describe('sample CDRs against the sample tariffs', () => {
	const pricer = createPricer({ tariffs });
	const priced = new Map(cdrs.map((cdr) => [cdr.id, pricer.price(cdr)]));

	test.each(cdrs.map((c) => [c.id, c] as const))('%s', (_id, cdr) => {
		const p = priced.get(cdr.id)!;
		const declaredZero = cdr.total_cost.excl_vat === 0;
		expect(p.issues.filter((i) => i.severity === 'error')).toEqual([]);
		expect(p.status).toBe(declaredZero ? 'not_declared' : 'match');
		if (cdr.credit) {
			// A credit CDR is priced as its original, negated.
			const original = priced.get(cdr.credit_reference_id!)!;
			for (const name of TOTAL_NAMES) {
				expect(p.computed![name].excl_vat.toFixed()).toBe(original.computed![name].excl_vat.negated().toFixed());
				expect(p.computed![name].incl_vat.toFixed()).toBe(original.computed![name].incl_vat.negated().toFixed());
			}
		}
	});

	test('the set covers a zero-price CDR and a credit CDR', () => {
		expect(cdrs.some((c) => c.total_cost.excl_vat === 0)).toBe(true);
		expect(cdrs.some((c) => c.credit === true)).toBe(true);
	});
});

describe('the OCPI 2.3.0 samples against their 2.3.0 tariffs', () => {
	const cdrs230 = read<CdrV230[]>('ocpi-2.3.0/cdrs.json');
	const pricer221 = createPricer({ tariffs });
	const pricer230 = createPricer({ tariffs: read<TariffV230[]>('ocpi-2.3.0/tariffs.json'), ocpiVersion: '2.3.0' });

	test.each(cdrs230.map((c, i) => [c.id, c, cdrs[i]] as const))('%s costs what its 2.2.1 form costs', (_id, cdr, original) => {
		const a = pricedCdrToJson(pricer221.price(original));
		const b = pricedCdrToJson(pricer230.price(cdr));
		expect(b.issues).toEqual([]);
		expect(b.status).toBe(a.status);
		expect(b.computed).toEqual(a.computed);
		// Same lines, VAT rate and unit price excl. VAT (DE-LDN-AC: 0.5831 incl. 19 % is 0.49), the invoice's input.
		expect(b.breakdown).toEqual(a.breakdown);
	});
});
