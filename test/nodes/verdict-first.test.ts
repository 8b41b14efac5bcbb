/**
 * Outputs that read well (issue 17.7): Validate CDR and Price CDR items start with a short verdict, then the full CDR;
 * Build Invoice still bills such items; the invoice PDF carries what n8n's binary view needs to preview it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { BuildInvoice } from '../../nodes/BuildInvoice/BuildInvoice.node';
import { PriceCdr } from '../../nodes/PriceCdr/PriceCdr.node';
import { ValidateCdr } from '../../nodes/ValidateCdr/ValidateCdr.node';
import { runNode } from '../helpers/n8n-engine';

const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8'));
const cdrs = load('cdrs.json') as IDataObject[];
const tariffs = load('tariffs.json');
const config = load('invoice-config.json');

describe('verdict first', () => {
	it('Validate CDR: id, valid, codes, reason and declared totals before the CDR', async () => {
		const broken = load('broken/end-before-start.json') as IDataObject;
		const { outputs } = await runNode(new ValidateCdr(), [cdrs[0], broken], { parameters: { options: { now: '2026-11-15T00:00:00Z' } } });
		const [valid, rejected] = outputs;
		expect(Object.keys(valid[0].json)[0]).toBe('verdict');
		expect(valid[0].json.verdict).toEqual({
			id: cdrs[0].id,
			valid: true,
			codes: expect.any(Array),
			currency: 'EUR',
			total_cost: { excl_vat: (cdrs[0].total_cost as IDataObject).excl_vat, incl_vat: (cdrs[0].total_cost as IDataObject).incl_vat },
			total_energy_kwh: cdrs[0].total_energy,
		});
		// the CDR follows, whole
		expect(valid[0].json).toMatchObject({ id: cdrs[0].id, cdr_token: cdrs[0].cdr_token });
		const verdict = rejected[0].json.verdict as IDataObject;
		expect(Object.keys(rejected[0].json)[0]).toBe('verdict');
		expect(verdict).toMatchObject({ id: broken.id, valid: false, reason: expect.any(String) });
		expect(verdict.codes).toContain('CDR_END_BEFORE_START');
	});

	it('Price CDR: declared and computed total side by side with the deviation, to the cent', async () => {
		const tampered = { ...cdrs[0], id: 'TAMPERED-1', total_cost: { excl_vat: Number((cdrs[0].total_cost as IDataObject).excl_vat) + 1.25 } };
		const { outputs } = await runNode(new PriceCdr(), [cdrs[0], tampered], { parameters: { tariffMode: 'parameter', tariffs: JSON.stringify(tariffs) } });
		const [priced, deviations] = outputs;
		expect(Object.keys(priced[0].json)[0]).toBe('verdict');
		const ok = priced[0].json.verdict as { total_excl_vat: { declared: string; computed: string; deviation: string } };
		expect(ok).toMatchObject({ id: cdrs[0].id, status: 'match', currency: 'EUR', codes: [] });
		expect(Number(ok.total_excl_vat.computed)).toBeCloseTo(Number((cdrs[0].total_cost as IDataObject).excl_vat), 2);
		const off = deviations[0].json.verdict as { status: string; total_excl_vat: { declared: string; computed: string; deviation: string } };
		expect(off.status).toBe('mismatch');
		expect(Number(off.total_excl_vat.declared) - Number(ok.total_excl_vat.declared)).toBeCloseTo(1.25, 10);
		expect(Number(off.total_excl_vat.deviation)).toBeCloseTo(Number(off.total_excl_vat.computed) - Number(off.total_excl_vat.declared), 10);
		expect(Number(off.total_excl_vat.deviation)).toBeCloseTo(-1.25, 2);
	});

	it('Build Invoice bills Price CDR items with their verdict, and its PDF carries what n8n needs to preview it', async () => {
		const french = cdrs.filter((c) => c.country_code === 'FR' && !c.credit).slice(0, 1);
		const { outputs: pricedOut } = await runNode(new PriceCdr(), french, { parameters: { tariffMode: 'parameter', tariffs: JSON.stringify(tariffs) } });
		const dir = mkdtempSync(path.join(tmpdir(), 'verdict-first-'));
		const { outputs, error } = await runNode(new BuildInvoice(), pricedOut[0], {
			parameters: {
				ledger: 'sqlite',
				ledgerPath: path.join(dir, 'ledger.sqlite'),
				seller: JSON.stringify(config.seller),
				partners: JSON.stringify(config.partners),
				series: 'EVC',
				creditNoteSeries: 'EVC-AV',
				options: { issueDate: '2026-11-02' },
			},
		});
		expect(error).toBeUndefined();
		expect(outputs[2]).toEqual([]);
		const pdf = outputs[0][0].binary!.facturx;
		expect(pdf).toMatchObject({ mimeType: 'application/pdf', fileExtension: 'pdf', fileType: 'pdf', fileName: 'EVC-2026-000001.pdf' });
	});
});

describe('page preview', () => {
	it('adds the first page as a PNG beside the PDF when asked (n8n previews images, not PDFs); off by default', async () => {
		const french = cdrs.filter((c) => c.country_code === 'FR' && !c.credit).slice(1, 2);
		const { outputs: pricedOut } = await runNode(new PriceCdr(), french, { parameters: { tariffMode: 'parameter', tariffs: JSON.stringify(tariffs) } });
		const dir = mkdtempSync(path.join(tmpdir(), 'page-preview-'));
		const parameters = (options: IDataObject) => ({
			ledger: 'sqlite',
			ledgerPath: path.join(dir, `ledger-${Object.keys(options).length}.sqlite`),
			seller: JSON.stringify(config.seller),
			partners: JSON.stringify(config.partners),
			series: 'EVC',
			creditNoteSeries: 'EVC-AV',
			options: { issueDate: '2026-11-02', ...options },
		});
		const { outputs } = await runNode(new BuildInvoice(), pricedOut[0], { parameters: parameters({ pagePreview: true }) });
		const preview = outputs[0][0].binary!.preview;
		expect(preview).toMatchObject({ mimeType: 'image/png', fileName: 'EVC-2026-000001-page1.png', fileExtension: 'png', fileType: 'image' });
		const png = Buffer.from(preview.data, 'base64');
		expect(png.subarray(1, 4).toString()).toBe('PNG');
		// A4 at 60 dpi: 496.1 × 701.6 px (IHDR width and height, rounded up by poppler)
		expect(Math.abs(png.readUInt32BE(16) - 496)).toBeLessThanOrEqual(1);
		expect(Math.abs(png.readUInt32BE(20) - 702)).toBeLessThanOrEqual(1);
		const again = await runNode(new BuildInvoice(), pricedOut[0], { parameters: parameters({}) });
		expect(Object.keys(again.outputs[0][0].binary ?? {})).toEqual(['facturx', 'cii', 'ubl']);
	});
});

describe('option lists keep the values older workflows typed', () => {
	it('runs Price CDR with a two-source order, a time zone and the rounding as typed before they were lists', async () => {
		const { outputs, error } = await runNode(new PriceCdr(), cdrs.slice(0, 2), {
			parameters: {
				tariffMode: 'parameter',
				tariffs: JSON.stringify(tariffs),
				options: { sourceOrder: 'emsp_override,run', timeZone: 'Europe/Paris', rounding: 'per_cdr_net_then_vat' },
			},
		});
		expect(error).toBeUndefined();
		expect(outputs[0].map((i) => (i.json.verdict as IDataObject).status)).toEqual(['match', 'match']);
	});
});
