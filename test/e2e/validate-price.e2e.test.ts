/**
 * The package in a real n8n 2.41.1, installed as a community package: the sample CDRs and tariffs are read with n8n's
 * own file nodes, then validated and priced by our nodes, headless (`n8n execute`) and through a served webhook.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { Decimal } from '../../lib/money';
import type { Cdr, Tariff } from '../../lib/ocpi/types';
import { createPricer, pricedCdrToJson } from '../../lib/pricing';
import type { JsonObject, N8nRun } from './n8n';
import { N8nSandbox, REPO_ROOT, loadWorkflow } from './n8n';

const SAMPLES = path.join(REPO_ROOT, 'samples');
const cdrs = JSON.parse(readFileSync(path.join(SAMPLES, 'cdrs.json'), 'utf8')) as Cdr[];
const tariffs = JSON.parse(readFileSync(path.join(SAMPLES, 'tariffs.json'), 'utf8')) as Tariff[];

// The roaming agreement with NL*ROM says 0.40/kWh on FR-EVC-AC-STD; the CPO billed its public 0.35/kWh.
const agreedWithRom = structuredClone(tariffs);
const acStandard = agreedWithRom.find((t) => t.id === 'FR-EVC-AC-STD')!;
const energyComponent = acStandard.elements
	.flatMap((e) => e.price_components)
	.find((c) => c.type === 'ENERGY')!;
energyComponent.price = 0.4;

const INSTALL_TIMEOUT = 30 * 60_000;
let sandbox: N8nSandbox;

beforeAll(async () => {
	sandbox = await N8nSandbox.create();
}, INSTALL_TIMEOUT);

afterAll(async () => {
	await sandbox?.dispose();
}, 60_000);

const byId = (items: JsonObject[]) => new Map(items.map((item) => [String(item.id), item]));
const total = (item: JsonObject, kind: 'computed' | 'declared' | 'deviation') =>
	(item[kind] as JsonObject).total_cost as JsonObject;

describe('Validate CDR → Price CDR on the sample files, run by `n8n execute`', () => {
	let run: N8nRun;

	beforeAll(async () => {
		const workflow = loadWorkflow(path.join(__dirname, 'fixtures/validate-price.workflow.json'));
		const price = workflow.nodes.find((node) => node.name === 'Price CDR')!;
		price.parameters = {
			...(price.parameters as JsonObject),
			options: {
				emspTariffs: JSON.stringify({ 'NL*ROM': agreedWithRom }),
				sourceOrder: 'emsp_override,run',
			},
		};
		run = await sandbox.run(workflow);
	}, 180_000);

	it('runs every node of the workflow to success, our nodes loaded as n8n-nodes-ev-clearing.*', () => {
		expect(run.status).toBe('success');
		expect(run.nodesRun).toEqual([
			'Start',
			'Read Tariffs',
			'Extract Tariffs',
			'Read CDRs',
			'Extract CDRs',
			'Validate CDR',
			'Price CDR',
		]);
	});

	it('routes the 26 sample CDRs to Valid and the 37-character id to Rejected', () => {
		const valid = run.items('Validate CDR', 0);
		const rejected = run.items('Validate CDR', 1);
		expect(valid.map((item) => item.id).sort()).toEqual(cdrs.map((cdr) => cdr.id).sort());
		expect(rejected).toHaveLength(1);
		expect(rejected[0].id).toBe('FREVC-2026-10-15-DARDILLY-0011-RETRY2');
		expect((rejected[0].issues as JsonObject[]).map((issue) => issue.code)).toEqual(['CDR_ID_TOO_LONG']);
	});

	it('prices to the cent and sends the two CDRs billed below the NL*ROM agreement to Price Deviation', () => {
		const priced = byId(run.items('Price CDR', 0));
		const deviations = byId(run.items('Price CDR', 1));
		expect(priced.size).toBe(24);
		expect([...deviations.keys()].sort()).toEqual(['FREVC2610030002', 'FREVC2610270007']);

		// 20.4 kWh × 0.40 + 1.05 h parking × 6.00 = 8.16 + 6.30; billed 13.44 at 0.35/kWh.
		const first = deviations.get('FREVC2610030002')!;
		expect(first.status).toBe('mismatch');
		expect(total(first, 'computed')).toEqual({ excl_vat: '14.46', incl_vat: '17.352' });
		expect(total(first, 'declared')).toEqual({ excl_vat: '13.44', incl_vat: '16.13' });
		expect(total(first, 'deviation')).toEqual({ excl_vat: '1.02', incl_vat: '1.222' });
		// 17.718 kWh × 0.40 + 0.35 h × 6.00 = 7.0872 + 2.10; billed 8.30.
		const second = deviations.get('FREVC2610270007')!;
		expect(total(second, 'computed')).toEqual({ excl_vat: '9.1872', incl_vat: '11.02464' });
		expect(total(second, 'deviation')).toEqual({ excl_vat: '0.8872', incl_vat: '1.06464' });

		// A CDR of another eMSP keeps the public tariff: 10.512 kWh × 0.35 + 0.75 h × 6.00 = 3.6792 + 4.50.
		const paris = priced.get('FREVC2610060003')!;
		expect(paris.status).toBe('match');
		expect(total(paris, 'computed')).toEqual({ excl_vat: '8.1792', incl_vat: '9.81504' });
	});

	it('gives, through n8n, exactly the amounts the library computes in-process', () => {
		const pricer = createPricer({
			tariffs,
			tariffsByEmsp: { 'NL*ROM': agreedWithRom },
			sourceOrder: ['emsp_override', 'run'],
			tolerance: { absolute: 0.01 },
		});
		const expected = cdrs.map((cdr) => JSON.parse(JSON.stringify(pricedCdrToJson(pricer.price(cdr)))) as JsonObject);
		const fromN8n = byId([...run.items('Price CDR', 0), ...run.items('Price CDR', 1)]);
		for (const want of expected) {
			const got = fromN8n.get(String(want.id))!;
			expect({ id: got.id, status: got.status, computed: got.computed, breakdown: got.breakdown }).toEqual({
				id: want.id,
				status: want.status,
				computed: want.computed,
				breakdown: want.breakdown,
			});
		}
		const sumOf = (items: JsonObject[]) =>
			items.reduce((acc, item) => acc.plus(String(total(item, 'computed').excl_vat)), new Decimal(0)).toFixed();
		expect(sumOf([...fromN8n.values()])).toBe(sumOf(expected));
	});
});

describe('a Webhook workflow served by `n8n start`', () => {
	it('validates a CDR pushed over HTTP and answers with the verdict', async () => {
		const id = await sandbox.importWorkflow({
			id: 'evcWebhookSmoke1',
			name: 'E2E: webhook smoke',
			nodes: [
				{
					id: '0b7c1f5e-0002-4a9e-9d1e-000000000001',
					name: 'OCPI POST cdrs',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					position: [0, 0],
					webhookId: 'e7c5a0b2-5d3e-4f61-9a0c-2b7f3c1d9e01',
					parameters: { httpMethod: 'POST', path: 'e2e-cdrs', responseMode: 'lastNode', options: {} },
				},
				{
					id: '0b7c1f5e-0002-4a9e-9d1e-000000000002',
					name: 'Validate CDR',
					type: 'n8n-nodes-ev-clearing.validateCdr',
					typeVersion: 1,
					position: [220, 0],
					parameters: { cdrSource: 'field', cdrField: 'body' },
				},
			],
			connections: {
				'OCPI POST cdrs': { main: [[{ node: 'Validate CDR', type: 'main', index: 0 }]] },
			},
		});
		await sandbox.publishWorkflow(id);
		const server = await sandbox.startN8n();
		try {
			await server.waitForWebhook('e2e-cdrs');
			// The probe tells registered from unknown paths: it is a real wait, not a sleep.
			await expect(server.waitForWebhook('no-such-path', 'POST', 1500)).rejects.toThrow('not registered');
			const response = await fetch(`${server.baseUrl}/webhook/e2e-cdrs`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(cdrs[0]),
			});
			const text = await response.text();
			expect({ status: response.status, text: text.slice(0, 300) }).toMatchObject({ status: 200 });
			const body = JSON.parse(text) as JsonObject;
			expect(body.id).toBe(cdrs[0].id);
			expect(body.issues).toEqual([]);
		} finally {
			await server.stop();
		}
	}, 180_000);
});
