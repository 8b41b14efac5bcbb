import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { BuildInvoice } from '../../nodes/BuildInvoice/BuildInvoice.node';
import { createPricer, pricedCdrToJson } from '../../lib/pricing';
import { openLedger } from '../../lib/ledger';
import { runNode } from '../helpers/n8n-engine';

const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8'));
const config = load('invoice-config.json');
const cdrs = load('cdrs.json') as Array<{ id: string; country_code: string; credit?: boolean }>;
const pricer = createPricer({ tariffs: load('tariffs.json') });
const priced = cdrs.map((c) => pricedCdrToJson(pricer.price(c as never)));
const asItems = (list: unknown[]) => list as IDataObject[];
const french = priced.filter((p) => p.country_code === 'FR' && !p.cdr.credit);

function parameters(ledgerPath: string, extra: Record<string, unknown> = {}) {
	return {
		ledger: 'sqlite',
		ledgerPath,
		seller: JSON.stringify(config.seller),
		partners: JSON.stringify(config.partners),
		mode: 'per_cdr',
		lines: 'per_cdr',
		series: 'EVC',
		creditNoteSeries: 'EVC-AV',
		numberPattern: '{series}-{yyyy}-{seq:6}',
		paymentTermsDays: 30,
		formats: ['facturx', 'cii', 'ubl'],
		options: { issueDate: '2026-11-02' },
		...extra,
	};
}

describe('Build Invoice node, through the n8n engine', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'build-invoice-node-'));
	const ledgerPath = path.join(dir, 'ledger.sqlite');

	it('issues one invoice per CDR with its three files, paired to the CDR it bills', async () => {
		const input = french.slice(0, 3);
		const { outputs, error } = await runNode(new BuildInvoice(), asItems(input), { parameters: parameters(ledgerPath) });
		expect(error).toBeUndefined();
		const [invoices, already, failed] = outputs;
		expect(already).toEqual([]);
		expect(failed).toEqual([]);
		expect(invoices.map((i) => i.json.number)).toEqual(['EVC-2026-000001', 'EVC-2026-000002', 'EVC-2026-000003']);
		expect(invoices.map((i) => i.pairedItem)).toEqual([[{ item: 0 }], [{ item: 1 }], [{ item: 2 }]]);
		const first = invoices[0];
		expect(first.json).toMatchObject({
			kind: 'ev-clearing.invoice',
			typeCode: '380',
			currency: 'EUR',
			cdrIds: [input[0].id],
			buyer: { ocpiParty: `${input[0].cdr.emsp_country_code}*${input[0].cdr.emsp_party_id}` },
		});
		const net = Number((first.json.totals as { withoutVat: string }).withoutVat);
		expect(net).toBeCloseTo(Number(input[0].computed!.total_cost.excl_vat), 2);
		expect(Object.keys(first.binary ?? {})).toEqual(['facturx', 'cii', 'ubl']);
		expect(first.binary!.facturx.mimeType).toBe('application/pdf');
		expect(first.binary!.facturx.fileName).toBe('EVC-2026-000001.pdf');
		expect(Buffer.from(first.binary!.facturx.data, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
		expect(Buffer.from(first.binary!.ubl.data, 'base64').toString()).toContain('<cbc:ID>EVC-2026-000001</cbc:ID>');
	});

	it('sends CDRs invoiced before to Already Invoiced with their number, and bills only the new ones', async () => {
		const input = french.slice(0, 4);
		const { outputs } = await runNode(new BuildInvoice(), asItems(input), { parameters: parameters(ledgerPath) });
		const [invoices, already] = outputs;
		expect(invoices.map((i) => [i.json.number, i.pairedItem])).toEqual([['EVC-2026-000004', [{ item: 3 }]]]);
		expect(already.map((i) => [i.json.id, i.json.invoiceNumber, i.pairedItem])).toEqual([
			[input[0].id, 'EVC-2026-000001', { item: 0 }],
			[input[1].id, 'EVC-2026-000002', { item: 1 }],
			[input[2].id, 'EVC-2026-000003', { item: 2 }],
		]);
		const ledger = await openLedger({ kind: 'sqlite', path: ledgerPath });
		expect((await ledger.listInvoices()).map((i) => i.number)).toEqual([
			'EVC-2026-000001',
			'EVC-2026-000002',
			'EVC-2026-000003',
			'EVC-2026-000004',
		]);
		await ledger.close();
	});

	it('routes what cannot be invoiced to Failed with a coded reason, never dropping an item', async () => {
		const german = priced.find((p) => p.country_code === 'DE')!;
		const { outputs, error } = await runNode(
			new BuildInvoice(),
			asItems([{ hello: 'world' }, german, french[5]]),
			{ parameters: parameters(path.join(dir, 'other.sqlite')) },
		);
		expect(error).toBeUndefined();
		expect(outputs[0].map((i) => i.pairedItem)).toEqual([[{ item: 2 }]]);
		expect(outputs[2].map((i) => [(i.json.error as { code: string }).code, i.pairedItem])).toEqual([
			['NOT_A_PRICED_CDR', { item: 0 }],
			['SELLER_MISMATCH', { item: 1 }],
		]);
	});

	it('stops on an invalid configuration, naming the field, or fails every item with Continue On Fail', async () => {
		const bad = parameters(path.join(dir, 'bad.sqlite'), { seller: JSON.stringify({ ...config.seller, iban: undefined }) });
		const stopped = await runNode(new BuildInvoice(), asItems([french[0]]), { parameters: bad });
		expect(stopped.error?.message).toMatch(/\$\.seller\.iban: is required/);
		const continued = await runNode(new BuildInvoice(), asItems([french[0]]), { parameters: bad, continueOnFail: true });
		expect(continued.outputs[2].map((i) => (i.json.error as { code: string }).code)).toEqual(['INVOICING_CONFIG_INVALID']);
	});

	it('refuses a seller without VAT id, a Peppol partner without address, an unknown scheme: the field named, no number used', async () => {
		const partners = config.partners as Array<Record<string, unknown>>;
		const cases: Array<[Record<string, string>, RegExp]> = [
			[{ seller: JSON.stringify({ ...config.seller, vatId: undefined }) }, /\$\.seller\.vatId: is required/],
			[{ partners: JSON.stringify(partners.map((p, i) => (i === 2 ? { ...p, electronicAddress: undefined } : p))) }, /\$\.partners\[2\]\.electronicAddress: is required/],
			[{ partners: JSON.stringify(partners.map((p, i) => (i === 3 ? { ...p, electronicAddress: { value: '0403123486', scheme: 'BE' } } : p))) }, /\$\.partners\[3\]\.electronicAddress: scheme "BE" is not in the EAS code list/],
		];
		for (const [override, message] of cases) {
			const ledgerPath = path.join(dir, `refused-${cases.findIndex((c) => c[1] === message)}.sqlite`);
			const { error } = await runNode(new BuildInvoice(), asItems([french[0]]), { parameters: parameters(ledgerPath, override) });
			expect(error?.message).toMatch(message);
			const ledger = await openLedger({ kind: 'sqlite', path: ledgerPath });
			expect(await ledger.listInvoices()).toEqual([]);
			await ledger.close();
		}
	});
});
