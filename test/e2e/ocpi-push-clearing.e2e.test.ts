/**
 * Sample workflow 2 (workflows/ocpi-push-clearing.json) served by a started n8n 2.41.1: real HTTP POSTs of OCPI CDRs to
 * its webhook get the OCPI envelope, then each valid CDR is invoiced alone and booked in Odoo (a local server speaking
 * Odoo's /jsonrpc protocol, test/e2e/odoo-fake.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

import { parse } from 'flatted';

import { openLedger } from '../../lib/ledger';
import type { Cdr } from '../../lib/ocpi/types';
import { fatalFindings, validateEInvoices } from '../helpers/einvoice-validator';
import type { JsonObject, N8nServer } from './n8n';
import { N8nRun, N8nSandbox, REPO_ROOT, loadWorkflow, sampleCredentials } from './n8n';
import { startFakeOdoo } from './odoo-fake';
import type { FakeOdoo } from './odoo-fake';

const WORKFLOW = path.join(REPO_ROOT, 'workflows/ocpi-push-clearing.json');
const INSTALL_TIMEOUT = 30 * 60_000;
const TOKEN = 'Token e2e-ocpi-token-not-a-secret';
const cdrs = JSON.parse(readFileSync(path.join(REPO_ROOT, 'samples/cdrs.json'), 'utf8')) as Cdr[];
const cdr = (id: string) => cdrs.find((c) => c.id === id)!;
const tooLong = JSON.parse(readFileSync(path.join(REPO_ROOT, 'samples/broken/id-too-long.json'), 'utf8')) as Cdr;

let sandbox: N8nSandbox;
let server: N8nServer;
let odoo: FakeOdoo;
let out: string;

beforeAll(async () => {
	out = mkdtempSync(path.join(tmpdir(), 'ev-clearing-e2e-push-'));
	// Mobilis exists in Odoo already; the other eMSPs are created by the workflow (Create Missing Partner).
	odoo = await startFakeOdoo({ partners: [{ name: 'Mobilis France SAS', vat: 'FR94901543215', is_company: true }] });
	sandbox = await N8nSandbox.create({ fileAccess: [path.join(REPO_ROOT, 'samples'), out] });
	await sandbox.importCredentials([
		...sampleCredentials(out),
		{ id: 'evcOcpiTokenIn01', name: 'OCPI token (incoming)', type: 'httpHeaderAuth', data: { name: 'Authorization', value: TOKEN } },
		{
			id: 'evcOdooSample001',
			name: 'Odoo API (EV Clearing) - your database',
			type: 'evClearingOdooApi',
			data: { url: odoo.url, database: odoo.database, login: odoo.login, apiKey: odoo.apiKey, protocol: 'jsonrpc' },
		},
	]);
	const workflow = loadWorkflow(WORKFLOW, { __OUT__: out });
	const build = workflow.nodes.find((n) => n.name === 'Build Invoice')!.parameters as JsonObject;
	build.options = { ...(build.options as JsonObject), issueDate: '2026-11-02' };
	const validate = workflow.nodes.find((n) => n.name === 'Validate CDR')!.parameters as JsonObject;
	validate.options = { now: '2026-11-01T00:00:00Z' };
	await sandbox.publishWorkflow(await sandbox.importWorkflow(workflow));
	server = await sandbox.startN8n();
	await server.waitForWebhook('ocpi/2.2.1/cdrs');
}, INSTALL_TIMEOUT);

afterAll(async () => {
	await sandbox?.dispose();
	await odoo?.close();
	if (out && process.env.EV_CLEARING_E2E_KEEP !== '1') rmSync(out, { recursive: true, force: true });
}, 60_000);

async function push(body: unknown, authorization = TOKEN) {
	const response = await fetch(`${server.baseUrl}/webhook/ocpi/2.2.1/cdrs`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization },
		body: JSON.stringify(body),
	});
	const text = await response.text();
	let json: JsonObject | undefined;
	try {
		json = JSON.parse(text) as JsonObject;
	} catch {
		json = undefined;
	}
	return { status: response.status, json, text };
}

/** The workflow goes on after answering: wait until Odoo has `count` posted moves. */
async function postedMoves(count: number, timeoutMs = 30_000) {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const posted = odoo.records('account.move').filter((m) => m.state === 'posted');
		if (posted.length >= count) return posted;
		if (Date.now() > until) {
			throw new Error(`Odoo has ${posted.length} posted moves, expected ${count}.\n${server.log().slice(-3000)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/**
 * The workflow goes on after answering: wait until n8n has finished `count` executions of it, read from its own
 * database, so that "nothing more happened" is checked after the execution ended, not after a guessed delay.
 */
async function finishedExecutions(count: number, timeoutMs = 30_000): Promise<void> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const db = new DatabaseSync(path.join(sandbox.userFolder, '.n8n/database.sqlite'), { readOnly: true });
		let done: number;
		try {
			const row = db
				.prepare("SELECT COUNT(*) AS n FROM execution_entity WHERE workflowId = 'evcOcpiPushCdr01' AND stoppedAt IS NOT NULL")
				.get() as { n: number };
			done = Number(row.n);
		} finally {
			db.close();
		}
		if (done >= count) return;
		if (Date.now() > until) throw new Error(`n8n finished ${done} executions, expected ${count}.\n${server.log().slice(-3000)}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** The runs of the workflow n8n saved, oldest first, read from its database (flatted execution data). */
function savedRuns(): N8nRun[] {
	const db = new DatabaseSync(path.join(sandbox.userFolder, '.n8n/database.sqlite'), { readOnly: true });
	try {
		const rows = db
			.prepare(
				"SELECT d.data AS data FROM execution_data d JOIN execution_entity e ON e.id = d.executionId WHERE e.workflowId = 'evcOcpiPushCdr01' AND e.stoppedAt IS NOT NULL ORDER BY e.id",
			)
			.all() as Array<{ data: string }>;
		return rows.map((row) => new N8nRun({ data: parse(row.data) as JsonObject }));
	} finally {
		db.close();
	}
}

const isOcpiTimestamp = (value: unknown) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value);

describe('per-CDR clearing from OCPI push, served by `n8n start`', () => {
	it('refuses a push without the OCPI token', async () => {
		const answer = await push(cdr('FREVC2610020001'), 'Token wrong');
		expect(answer.status).toBe(403);
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(odoo.calls).toHaveLength(0);
	});

	it('answers each valid CDR with the OCPI success envelope and books it in Odoo as a posted invoice with its PDF', async () => {
		const pushed = ['FREVC2610020001', 'FREVC2610030002', 'FREVC2610090004'];
		for (const [i, id] of pushed.entries()) {
			const answer = await push(cdr(id));
			expect({ status: answer.status, body: answer.json ?? answer.text }).toEqual({
				status: 200,
				body: { status_code: 1000, status_message: 'Success', timestamp: expect.any(String) },
			});
			expect(isOcpiTimestamp(answer.json?.timestamp)).toBe(true);
			// One at a time, so that the numbers follow the pushes.
			await postedMoves(i + 1);
			await finishedExecutions(i + 1);
		}
		const moves = odoo.records('account.move');
		expect(
			moves.map((m) => ({
				ref: m.ref,
				type: m.move_type,
				state: m.state,
				total: m.amount_total,
				untaxed: m.amount_untaxed,
				date: m.invoice_date,
				due: m.invoice_date_due,
				paymentReference: m.payment_reference,
			})),
		).toEqual([
			// FR*MOB, French VAT 20 %: 5.20 + 1.04.
			{ ref: 'EVC-2026-000001', type: 'out_invoice', state: 'posted', total: 6.24, untaxed: 5.2, date: '2026-11-02', due: '2026-12-02', paymentReference: 'RF76EVC2026000001' },
			// NL*ROM and BE*EMS: intra-EU reverse charge, no VAT.
			{ ref: 'EVC-2026-000002', type: 'out_invoice', state: 'posted', total: 13.44, untaxed: 13.44, date: '2026-11-02', due: expect.any(String), paymentReference: expect.stringMatching(/^RF\d\dEVC2026000002$/) },
			{ ref: 'EVC-2026-000003', type: 'out_invoice', state: 'posted', total: 1.82, untaxed: 1.82, date: '2026-11-02', due: '2026-12-02', paymentReference: expect.stringMatching(/^RF\d\dEVC2026000003$/) },
		]);
		const partners = odoo.records('res.partner');
		const partnerName = (id: unknown) => partners.find((p) => p.id === id)?.name;
		expect(moves.map((m) => partnerName(m.partner_id))).toEqual([
			'Mobilis France SAS',
			'Roam Netherlands B.V.',
			'E-Mobility Services SA',
		]);
		// The French invoice lines carry tax 1 (20 %), the reverse-charge ones tax 2.
		const taxesOf = (m: JsonObject) =>
			new Set((m.invoice_line_ids as Array<[number, number, JsonObject]>).flatMap((l) => (l[2].tax_ids as number[][])[0][2]));
		expect(moves.map((m) => [...taxesOf(m as unknown as JsonObject)])).toEqual([[1], [2], [2]]);

		// Each move has its Factur-X PDF attached, and that PDF passes the official validator.
		const attachments = odoo.records('ir.attachment');
		expect(attachments.map((a) => [a.res_model, a.res_id, a.name, a.mimetype])).toEqual(
			moves.map((m) => ['account.move', m.id, `${String(m.ref)}.pdf`, 'application/pdf']),
		);
		const files = attachments.map((a) => {
			const file = path.join(out, String(a.name));
			writeFileSync(file, Buffer.from(String(a.datas), 'base64'));
			return file;
		});
		const verdicts = await validateEInvoices(files);
		expect(verdicts.map((v) => ({ valid: v.valid, fatal: fatalFindings(v), profile: v.profile }))).toEqual(
			Array(3).fill({ valid: true, fatal: '', profile: 'EN 16931' }),
		);
	}, 120_000);

	it('answers a rejected CDR with OCPI status 2001 naming the issue, and invoices nothing for it', async () => {
		const before = odoo.calls.length;
		const answer = await push(tooLong);
		expect(answer.status).toBe(400);
		expect(answer.json).toMatchObject({ status_code: 2001 });
		expect(String(answer.json?.status_message)).toContain('CDR_ID_TOO_LONG');
		expect(isOcpiTimestamp(answer.json?.timestamp)).toBe(true);
		await finishedExecutions(4);
		expect(odoo.calls.length).toBe(before);
	});

	it('invoices a CDR pushed twice only once', async () => {
		const answer = await push(cdr('FREVC2610020001'));
		expect(answer.json?.status_code).toBe(1000);
		// The second push finishes without a new invoice: wait for its execution to end, then look.
		await finishedExecutions(5);
		expect(odoo.records('account.move')).toHaveLength(3);
		const ledger = await openLedger({ kind: 'sqlite', path: path.join(out, 'ledger.sqlite') });
		try {
			const invoices = await ledger.listInvoices();
			expect(invoices.map((i) => [i.number, `${i.buyer.countryCode}*${i.buyer.partyId}`, i.totals.withVat])).toEqual([
				['EVC-2026-000001', 'FR*MOB', '6.24'],
				['EVC-2026-000002', 'NL*ROM', '13.44'],
				['EVC-2026-000003', 'BE*EMS', '1.82'],
			]);
			const delivered = await ledger.events({ type: 'DELIVERY_SUCCEEDED' });
			expect(delivered.map((e) => e.invoiceNumber)).toEqual(['EVC-2026-000001', 'EVC-2026-000002', 'EVC-2026-000003']);
		} finally {
			await ledger.close();
		}
	}, 60_000);

	it('leaves every item on a connected output: booked, already invoiced, or the ops review of a price deviation', async () => {
		const runs = savedRuns();
		// the three first valid pushes were booked in Odoo; the repeated push is reported as already invoiced
		const booked = runs.flatMap((run) => (run.nodesRun.includes('Booked in Odoo') ? run.items('Booked in Odoo') : []));
		expect(booked.map((i) => [i.number, (i.delivery as JsonObject).status])).toEqual([
			['EVC-2026-000001', 'sent'],
			['EVC-2026-000002', 'sent'],
			['EVC-2026-000003', 'sent'],
		]);
		expect(runs.at(-1)!.items('Already invoiced (nothing to do)').map((i) => [i.id, i.invoiceNumber])).toEqual([['FREVC2610020001', 'EVC-2026-000001']]);

		const base = cdr('FREVC2610090004');
		// declared 2.00 EUR above the agreement's price, consistently (energy subtotal and VAT), so it passes validation
		const overcharged = { ...base, id: 'FREVC2610090099', total_cost: { excl_vat: 3.82, incl_vat: 4.58 }, total_energy_cost: { excl_vat: 3.82, incl_vat: 4.58 } };
		const answer = await push(overcharged);
		expect(answer.json?.status_code).toBe(1000);
		await finishedExecutions(6);
		const review = savedRuns().at(-1)!.items('Ops review: price deviation');
		expect(review.map((i) => [(i.verdict as JsonObject).id, (i.verdict as JsonObject).status])).toEqual([['FREVC2610090099', 'mismatch']]);
		expect(Number(((review[0].verdict as JsonObject).total_excl_vat as JsonObject).deviation)).toBeCloseTo(-2, 2);
		expect(odoo.records('account.move')).toHaveLength(3);
	}, 60_000);
});
