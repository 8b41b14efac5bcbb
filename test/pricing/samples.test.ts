/** Every sample CDR (samples/cdrs.json) priced with the sample tariffs (samples/tariffs.json). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Cdr, Tariff } from '../../lib/ocpi/types';
import { TOTAL_NAMES, createPricer } from '../../lib/pricing';

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
