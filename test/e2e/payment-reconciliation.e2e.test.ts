/**
 * Sample workflow 3 (workflows/payment-reconciliation.json) in a real n8n 2.41.1: the demo camt.053 statement is imported
 * against the ledger of the monthly clearing, the unmatched payment e-mailed to accounting and the reminders due e-mailed
 * to the eMSPs, through a real SMTP server of this test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { openLedger } from '../../lib/ledger';
import { statusReport } from '../../lib/payments/tracking';
import { issueDemoInvoices } from './demo-ledger';
import { header, startMailSink } from './mail-sink';
import type { MailSink } from './mail-sink';
import type { JsonObject, N8nRun } from './n8n';
import { N8nSandbox, REPO_ROOT, loadWorkflow, sampleCredentials } from './n8n';

const WORKFLOW = path.join(REPO_ROOT, 'workflows/payment-reconciliation.json');
const INSTALL_TIMEOUT = 30 * 60_000;
const AS_OF = '2026-12-28';

let sandbox: N8nSandbox;
let sink: MailSink;
let out: string;
let workflowId: string;
let run: N8nRun;

beforeAll(async () => {
	out = mkdtempSync(path.join(tmpdir(), 'ev-clearing-e2e-payments-'));
	const issued = await issueDemoInvoices(path.join(out, 'ledger.sqlite'));
	expect(issued.documents.map((d) => d.invoice.number)).toEqual([
		'EVC-2026-000001',
		'EVC-2026-000002',
		'EVC-2026-000003',
		'EVC-2026-000004',
		'EVC-AV-2026-000001',
	]);
	sink = await startMailSink();
	sandbox = await N8nSandbox.create({ fileAccess: [path.join(REPO_ROOT, 'samples'), out] });
	await sandbox.importCredentials([
		...sampleCredentials(out),
		{
			id: 'evcSmtpN8nSmp001',
			name: 'SMTP account - your relay',
			type: 'smtp',
			data: { user: '', password: '', host: '127.0.0.1', port: sink.port, secure: false, disableStartTls: true },
		},
	]);
	const workflow = loadWorkflow(WORKFLOW, { __OUT__: out });
	(workflow.nodes.find((n) => n.name === 'Reminders Due')!.parameters as JsonObject).date = AS_OF;
	workflowId = await sandbox.importWorkflow(workflow);
	run = await sandbox.execute(workflowId);
}, INSTALL_TIMEOUT);

afterAll(async () => {
	await sandbox?.dispose();
	await sink?.close();
	if (out && process.env.EV_CLEARING_E2E_KEEP !== '1') rmSync(out, { recursive: true, force: true });
}, 60_000);

describe('payment reconciliation workflow, run by `n8n execute`', () => {
	it('matches the two payments of the statement to their invoices and leaves the third unmatched', () => {
		const matched = run.items('Import Bank Statement', 0);
		expect(
			matched.map((m) => [m.status, (m.allocations as JsonObject[]).map((a) => [a.invoiceNumber, a.amount])]),
		).toEqual([
			['recorded', [['EVC-2026-000001', '79.85']]],
			['recorded', [['EVC-2026-000004', '21.28']]],
		]);
		// Matched payments land on a connected node, not on a loose output
		expect(run.items('Payments recorded')).toEqual(matched);
		const unmatched = run.items('Import Bank Statement', 1);
		expect(unmatched.map((u) => [(u.transaction as JsonObject).amount, (u.transaction as JsonObject).payerName])).toEqual([
			['150.00', 'GARAGE DUPONT SARL'],
		]);
	});

	it('records the payments in the ledger: two invoices paid, two overdue', async () => {
		const ledger = await openLedger({ kind: 'sqlite', path: path.join(out, 'ledger.sqlite') });
		try {
			const report = await statusReport(ledger, AS_OF);
			const status = Object.fromEntries(
				report.statuses.map((s) => [s.invoiceNumber, [s.status, s.paid.toFixed(2), s.residual.toFixed(2)]]),
			);
			expect(status['EVC-2026-000001']).toEqual(['paid', '79.85', '0.00']);
			expect(status['EVC-2026-000004']).toEqual(['paid', '21.28', '0.00']);
			// 48.90 less the 26.19 credit note; and Roam's 55.18, due 2026-12-17.
			expect(status['EVC-2026-000003']).toEqual(['overdue', '0.00', '22.71']);
			expect(status['EVC-2026-000002']).toEqual(['overdue', '0.00', '55.18']);
		} finally {
			await ledger.close();
		}
	});

	it('e-mails the unmatched payment to accounting and a first reminder to each eMSP with an overdue invoice', () => {
		const mails = sink.messages.map((m) => ({ to: m.to, subject: header(m.raw, 'Subject') }));
		expect(mails).toEqual([
			{ to: ['comptabilite@evcharge-france.example'], subject: 'Unmatched bank payment 150.00 EUR from GARAGE DUPONT SARL' },
			{ to: ['invoices@roam-netherlands.example'], subject: 'Payment reminder 1: invoice EVC-2026-000002' },
			{ to: ['rechnungen@chargepoint-partner.example'], subject: 'Payment reminder 1: invoice EVC-2026-000003' },
		]);
		const reminder = sink.messages.find((m) => m.to[0] === 'rechnungen@chargepoint-partner.example')!;
		expect(reminder.raw).toContain('22.71 EUR');
		expect(reminder.raw).toContain('2026-12-02');
	});

	it('imports nothing twice and sends no reminder twice when run again the same day', async () => {
		const again = await sandbox.execute(workflowId);
		expect(again.items('Import Bank Statement', 0).map((m) => m.status)).toEqual(['already_recorded', 'already_recorded']);
		expect(again.items('Reminders Due')).toHaveLength(0);
		// Only the unmatched payment is reported again: it is still not booked.
		expect(sink.messages).toHaveLength(4);
	}, 120_000);
});
