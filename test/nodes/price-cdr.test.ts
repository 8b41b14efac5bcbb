import { readFileSync } from 'node:fs';
import path from 'node:path';

import { PriceCdr } from '../../nodes/PriceCdr/PriceCdr.node';
import { runNode } from '../helpers/n8n-engine';

const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8'));
const tariffs = load('tariffs.json');
const cdrs = load('cdrs.json') as Array<{ id: string; total_cost: { excl_vat: number; incl_vat?: number } }>;
type Priced = { id: string; status: string; computed: { total_cost: { excl_vat: string; incl_vat: string } } | null };

describe('Price CDR node, through the n8n engine', () => {
	it('prices every sample CDR under the agreement tariffs: all on Priced, to the cent of what they declare', async () => {
		const { outputs, error } = await runNode(new PriceCdr(), cdrs, {
			parameters: { tariffMode: 'parameter', tariffs: JSON.stringify(tariffs) },
		});
		expect(error).toBeUndefined();
		expect(outputs[1]).toEqual([]);
		const priced = outputs[0].map((i) => i.json as unknown as Priced);
		expect(priced.map((p) => p.id)).toEqual(cdrs.map((c) => c.id));
		expect(outputs[0].map((i) => i.pairedItem)).toEqual(cdrs.map((_, item) => ({ item })));
		for (const [i, p] of priced.entries()) {
			const declared = cdrs[i].total_cost.excl_vat;
			if (declared === 0) {
				expect(p.status).toBe('not_declared');
				continue;
			}
			expect(p.status).toBe('match');
			expect(Number(p.computed!.total_cost.excl_vat)).toBeCloseTo(declared, 2);
		}
	});

	it('sends a mismatch and an unpriceable CDR to Price Deviation, with the deviation and the reason', async () => {
		const tampered = { ...cdrs[0], id: 'TAMPERED-1', total_cost: { excl_vat: cdrs[0].total_cost.excl_vat + 1, incl_vat: 99 } };
		const orphan = { ...cdrs[1], id: 'ORPHAN-1', charging_periods: (cdrs[1] as unknown as { charging_periods: object[] }).charging_periods.map((p) => ({ ...p, tariff_id: 'NO-SUCH-TARIFF' })) };
		const { outputs } = await runNode(new PriceCdr(), [cdrs[0], tampered, orphan], {
			parameters: { tariffMode: 'parameter', tariffs: JSON.stringify(tariffs) },
		});
		expect(outputs[0].map((i) => i.json.id)).toEqual([cdrs[0].id]);
		expect(outputs[1].map((i) => [i.json.id, i.json.status, i.pairedItem])).toEqual([
			['TAMPERED-1', 'mismatch', { item: 1 }],
			['ORPHAN-1', 'unpriceable', { item: 2 }],
		]);
		const deviation = outputs[1][0].json.deviation as { total_cost: { excl_vat: string } };
		// computed − declared: the CDR claims one euro more than its tariff gives (5.1975 vs 6.20).
		expect(deviation.total_cost.excl_vat).toBe('-1.0025');
		expect((outputs[1][1].json.issues as Array<{ code: string }>)[0].code).toBe('NO_TARIFF');
	});

	it('reads tariffs from a field of the item, and rejects an unreadable one per item', async () => {
		const { outputs } = await runNode(
			new PriceCdr(),
			[
				{ cdr: cdrs[0], agreement: { tariffs } },
				{ cdr: cdrs[1], agreement: { tariffs: [{ not: 'a tariff' }] } },
			],
			{ parameters: { cdrSource: 'field', cdrField: 'cdr', tariffMode: 'field', tariffField: 'agreement.tariffs' }, continueOnFail: true },
		);
		expect(outputs[0].map((i) => i.json.id)).toEqual([cdrs[0].id]);
		expect(outputs[1].map((i) => i.pairedItem)).toEqual([{ item: 1 }]);
		expect(outputs[1][0].json.error).toMatch(/entry 0 is not an OCPI tariff/);
	});

	it('stops on invalid tariffs JSON unless Continue On Fail', async () => {
		const parameters = { tariffMode: 'parameter', tariffs: '[{"id": ' };
		const failed = await runNode(new PriceCdr(), [cdrs[0]], { parameters });
		expect(failed.error?.message).toMatch(/Tariffs JSON is not valid JSON/);
		const continued = await runNode(new PriceCdr(), [cdrs[0]], { parameters, continueOnFail: true });
		expect(continued.outputs[0]).toEqual([]);
		expect(continued.outputs[1][0].json.error).toMatch(/Tariffs JSON is not valid JSON/);
	});
});
