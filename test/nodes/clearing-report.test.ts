import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { ClearingReport } from '../../nodes/ClearingReport/ClearingReport.node';
import { createPricer, pricedCdrToJson } from '../../lib/pricing';
import { createCdrValidator } from '../../lib/quality';
import { runNode } from '../helpers/n8n-engine';

const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8'));

describe('Clearing Report node, through the n8n engine', () => {
	it('turns the items of a run into one report item with its figures and the HTML page', async () => {
		const validator = createCdrValidator({ now: new Date('2026-11-01T00:00:00Z') });
		const rejected = [load('broken/end-before-start.json'), load('broken/bad-currency.json')].map((cdr) => ({
			...cdr,
			issues: validator.validate(cdr).issues,
		}));
		const pricer = createPricer({ tariffs: load('tariffs.json') });
		const priced = (load('cdrs.json') as object[]).slice(0, 5).map((c) => pricedCdrToJson(pricer.price(c as never)));
		const invoice = {
			kind: 'ev-clearing.invoice',
			number: 'EVC-2026-000001',
			typeCode: '380',
			issueDate: '2026-11-02',
			currency: 'EUR',
			buyer: { name: 'Mobilis France SAS', countryCode: 'FR', ocpiParty: 'FR*MOB', vatId: null, email: null },
			totals: { withoutVat: '66.54', vat: '13.31', withVat: '79.85', due: '79.85' },
		};
		const items = [...rejected, ...priced, invoice, { something: 'else' }] as unknown as IDataObject[];
		const ledgerPath = path.join(mkdtempSync(path.join(tmpdir(), 'report-node-')), 'ledger.sqlite');
		const { outputs, error } = await runNode(new ClearingReport(), items, {
			parameters: { title: 'October', includeAging: true, ledger: 'sqlite', ledgerPath, asOf: '2026-11-30' },
		});
		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(1);
		const report = outputs[0][0].json as unknown as {
			cdrs: { received: number; valid: number; rejected: number; rejectedByCode: Array<{ code: string }> };
			pricing: { byStatus: Record<string, number> };
			invoices: { perEmsp: Array<{ emsp: string; netWithVat: string }> };
			ignoredItems: number;
		};
		expect(report.cdrs).toMatchObject({ received: 7, valid: 5, rejected: 2 });
		expect(report.cdrs.rejectedByCode.map((r) => r.code)).toEqual(expect.arrayContaining(['CDR_END_BEFORE_START', 'CDR_CURRENCY_INVALID']));
		expect(report.pricing.byStatus.match).toBe(5);
		expect(report.invoices.perEmsp).toEqual([expect.objectContaining({ emsp: 'FR*MOB', netWithVat: '79.85' })]);
		expect(report.ignoredItems).toBe(1);
		expect(outputs[0][0].pairedItem).toHaveLength(items.length);
		const html = Buffer.from(outputs[0][0].binary!.report.data, 'base64').toString('utf8');
		expect(html).toContain('<title>October</title>');
		expect(html).toContain('data-testid="cdrs-rejected">2<');
	});
});
