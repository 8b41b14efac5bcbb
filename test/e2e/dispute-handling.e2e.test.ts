/**
 * Sample workflow 4 (workflows/dispute-handling.json) served by a started n8n 2.41.1: disputes POSTed to its webhook are
 * recorded in the ledger of the monthly clearing; an accepted one gets its credit note issued, valid and e-mailed to the
 * eMSP through a real SMTP server of this test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { openLedger } from '../../lib/ledger';
import { fatalFindings, validateEInvoices } from '../helpers/einvoice-validator';
import { issueDemoInvoices } from './demo-ledger';
import { attachments, header, startMailSink } from './mail-sink';
import type { MailSink } from './mail-sink';
import type { JsonObject, N8nServer } from './n8n';
import { N8nSandbox, REPO_ROOT, loadWorkflow, sampleCredentials } from './n8n';

const WORKFLOW = path.join(REPO_ROOT, 'workflows/dispute-handling.json');
const INSTALL_TIMEOUT = 30 * 60_000;
const TOKEN = 'Bearer e2e-dispute-token-not-a-secret';
const DATE = '2026-12-10';

let sandbox: N8nSandbox;
let server: N8nServer;
let sink: MailSink;
let out: string;

beforeAll(async () => {
	out = mkdtempSync(path.join(tmpdir(), 'ev-clearing-e2e-dispute-'));
	await issueDemoInvoices(path.join(out, 'ledger.sqlite'));
	sink = await startMailSink();
	sandbox = await N8nSandbox.create({ fileAccess: [path.join(REPO_ROOT, 'samples'), out] });
	await sandbox.importCredentials([
		...sampleCredentials(out),
		{ id: 'evcDisputeToken1', name: 'Dispute token (incoming)', type: 'httpHeaderAuth', data: { name: 'Authorization', value: TOKEN } },
		{
			id: 'evcSmtpSample001',
			name: 'SMTP (EV Clearing) - your relay',
			type: 'evClearingSmtp',
			data: { host: '127.0.0.1', port: sink.port, secure: false, user: '', password: '', rejectUnauthorized: true },
		},
	]);
	const workflow = loadWorkflow(WORKFLOW, { __OUT__: out });
	for (const node of workflow.nodes.filter((n) => String(n.type).endsWith('.trackPayment'))) {
		(node.parameters as JsonObject).date = DATE;
	}
	await sandbox.publishWorkflow(await sandbox.importWorkflow(workflow));
	server = await sandbox.startN8n();
	await server.waitForWebhook('ev-clearing/disputes');
}, INSTALL_TIMEOUT);

afterAll(async () => {
	await sandbox?.dispose();
	await sink?.close();
	if (out && process.env.EV_CLEARING_E2E_KEEP !== '1') rmSync(out, { recursive: true, force: true });
}, 60_000);

async function dispute(body: JsonObject) {
	const response = await fetch(`${server.baseUrl}/webhook/ev-clearing/disputes`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: TOKEN },
		body: JSON.stringify(body),
	});
	const text = await response.text();
	expect({ status: response.status, text: response.status === 200 ? '' : `${text.slice(0, 500)}\n${server.log().slice(-3000)}` }).toEqual({ status: 200, text: '' });
	return JSON.parse(text) as JsonObject;
}

describe('dispute handling workflow, served by `n8n start`', () => {
	it('issues the credit note of an accepted dispute for the contested CDR and e-mails it to the eMSP', async () => {
		const answer = await dispute({
			invoice: 'EVC-2026-000002',
			reason: 'Session FREVC2610030002 billed at the public tariff, not the agreed one',
			cdrIds: ['FREVC2610030002'],
			decision: 'accept',
		});
		expect(answer).toMatchObject({
			kind: 'ev-clearing.invoice',
			number: 'EVC-AV-2026-000002',
			typeCode: '381',
			issueDate: DATE,
			correctsInvoiceNumber: 'EVC-2026-000002',
			// Reverse charge: no VAT on the 13.44 of the contested session.
			totals: { withoutVat: '13.44', vat: '0.00', withVat: '13.44' },
			delivery: { channel: 'email', status: 'sent' },
		});

		expect(sink.messages).toHaveLength(1);
		const [mail] = sink.messages;
		expect(mail.to).toEqual(['invoices@roam-netherlands.example']);
		expect(header(mail.raw, 'Subject')).toBe('Credit note EVC-AV-2026-000002 for invoice EVC-2026-000002');
		const [pdf] = attachments(mail.raw);
		expect(pdf.fileName).toBe('EVC-AV-2026-000002.pdf');
		const file = path.join(out, pdf.fileName);
		writeFileSync(file, pdf.data);
		const [verdict] = await validateEInvoices([file]);
		expect({ valid: verdict.valid, fatal: fatalFindings(verdict), profile: verdict.profile }).toEqual({
			valid: true,
			fatal: '',
			profile: 'EN 16931',
		});
	}, 120_000);

	it('closes a rejected dispute without a credit note or an e-mail', async () => {
		const answer = await dispute({ invoice: 'EVC-2026-000001', reason: 'Price too high', amountClaimed: '10.00', decision: 'reject' });
		expect(answer).toMatchObject({ invoiceNumber: 'EVC-2026-000001', outcome: 'rejected' });
		expect(sink.messages).toHaveLength(1);
	}, 60_000);

	it('keeps the disputes and the credit note in the ledger', async () => {
		const ledger = await openLedger({ kind: 'sqlite', path: path.join(out, 'ledger.sqlite') });
		try {
			const credits = await ledger.listInvoices({ typeCode: '381' });
			expect(credits.map((c) => [c.number, c.correctsInvoiceNumber, c.totals.withVat, c.issueDate])).toEqual([
				['EVC-AV-2026-000001', 'EVC-2026-000003', '26.19', '2026-11-02'],
				['EVC-AV-2026-000002', 'EVC-2026-000002', '13.44', DATE],
			]);
			const opened = await ledger.events({ type: 'DISPUTE_OPENED' });
			const resolved = await ledger.events({ type: 'DISPUTE_RESOLVED' });
			expect(opened.map((e) => e.invoiceNumber)).toEqual(['EVC-2026-000002', 'EVC-2026-000001']);
			expect(resolved.map((e) => [e.invoiceNumber, (e.payload as JsonObject).outcome])).toEqual([
				['EVC-2026-000002', 'accepted'],
				['EVC-2026-000001', 'rejected'],
			]);
			const delivered = await ledger.events({ type: 'DELIVERY_SUCCEEDED' });
			expect(delivered.map((e) => e.invoiceNumber)).toEqual(['EVC-AV-2026-000002']);
		} finally {
			await ledger.close();
		}
	});

	it('records an "open" dispute and answers from the node it lands on, awaiting a decision', async () => {
		const answer = await dispute({ invoice: 'EVC-2026-000003', reason: 'Session duration contested', decision: 'open' });
		expect(answer).toMatchObject({ outcome: 'opened', invoiceNumber: 'EVC-2026-000003', disputeId: 'EVC-2026-000003-D1' });
		expect(sink.messages).toHaveLength(1);
	}, 60_000);
});
