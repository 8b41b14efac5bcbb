/**
 * A re-run says what happened (issue 17.4): Build Invoice's summary item and output-pane hint when every CDR is
 * already invoiced, Send Factur-X passing it on, a dry run that numbers nothing, and a resend by invoice number that
 * reads the document back from the ledger and records a new delivery.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { BuildInvoice } from '../../nodes/BuildInvoice/BuildInvoice.node';
import { SendFacturX } from '../../nodes/SendFacturX/SendFacturX.node';
import { openLedger } from '../../lib/ledger';
import { createPricer, pricedCdrToJson } from '../../lib/pricing';
import { SMTP_PASSWORD, SMTP_USER, parseMime, startSmtpServer } from '../delivery/smtp-server';
import type { TestSmtpServer } from '../delivery/smtp-server';
import { runNode } from '../helpers/n8n-engine';

const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8'));
const config = load('invoice-config.json');
const pricer = createPricer({ tariffs: load('tariffs.json') });
const priced = (load('cdrs.json') as unknown[]).map((c) => pricedCdrToJson(pricer.price(c as never)));
const french = priced.filter((p) => p.country_code === 'FR' && !p.cdr.credit).slice(0, 4) as unknown as IDataObject[];

let server: TestSmtpServer;
beforeAll(async () => {
	server = await startSmtpServer();
});
afterAll(async () => await server.close());

const dir = mkdtempSync(path.join(tmpdir(), 'rerun-summary-'));
const ledgerPath = path.join(dir, 'ledger.sqlite');

function build(typeVersion: number, options: IDataObject = {}) {
	return runNode(new BuildInvoice(), french, {
		typeVersion,
		parameters: {
			ledger: 'sqlite',
			ledgerPath,
			configInput: 'json',
			seller: JSON.stringify(config.seller),
			partners: JSON.stringify(config.partners),
			series: 'EVC',
			creditNoteSeries: 'EVC-AV',
			options: { issueDate: '2026-11-02', ...options },
		},
	});
}

function send(items: INodeExecutionData[], extra: IDataObject = {}) {
	return runNode(
		new SendFacturX(),
		items,
		{
			parameters: {
				channel: 'email',
				from: 'EV Charge France <facturation@evcharge-france.example>',
				ledger: 'sqlite',
				ledgerPath,
				options: { retries: 0 },
				...extra,
			},
			credentials: { evClearingSmtp: { id: 'smtp-1', name: 'CPO mail relay' } },
		},
		{ credentials: { evClearingSmtp: { host: '127.0.0.1', port: server.port, secure: false, user: SMTP_USER, password: SMTP_PASSWORD, rejectUnauthorized: true } } },
	);
}

async function ledgerState() {
	const ledger = await openLedger({ kind: 'sqlite', path: ledgerPath });
	try {
		return {
			numbers: (await ledger.listInvoices()).map((i) => i.number),
			deliveries: (await ledger.events({ type: 'DELIVERY_SUCCEEDED' })).map((e) => e.invoiceNumber),
		};
	} finally {
		await ledger.close();
	}
}

const hintsOf = (run: Awaited<ReturnType<typeof build>>) =>
	(run.run.data.resultData.runData['Under Test'][0].hints ?? []).map((h) => h.message);

describe('re-runs, dry runs and resends say what happened', () => {
	it('a dry run shows the invoices that would be issued, takes no number and writes nothing', async () => {
		const run = await build(2, { dryRun: true });
		expect(run.error).toBeUndefined();
		const [invoices, already, failed] = run.outputs;
		expect(failed).toEqual([]);
		expect(already).toEqual([]);
		expect(invoices.map((i) => [i.json.number, i.json.dryRun, i.json.status, i.binary])).toEqual([
			['EVC-2026-000001', true, 'would_issue', undefined],
			['EVC-2026-000002', true, 'would_issue', undefined],
			['EVC-2026-000003', true, 'would_issue', undefined],
			['EVC-2026-000004', true, 'would_issue', undefined],
		]);
		expect(hintsOf(run)).toEqual([expect.stringMatching(/^4 documents would be issued \(dry run: no number taken, nothing written\)\.$/)]);
		expect(await ledgerState()).toEqual({ numbers: [], deliveries: [] });
	});

	it('Send Factur-X refuses a dry-run document: it was never issued', async () => {
		const dry = await build(2, { dryRun: true });
		const { outputs } = await send(dry.outputs[0].slice(0, 1));
		expect(outputs[0]).toEqual([]);
		expect(outputs[1].map((i) => (i.json.error as IDataObject).field)).toEqual(['dryRun']);
	});

	it('the real run then issues the numbers the dry run showed', async () => {
		const run = await build(2);
		expect(run.outputs[0].map((i) => i.json.number)).toEqual(['EVC-2026-000001', 'EVC-2026-000002', 'EVC-2026-000003', 'EVC-2026-000004']);
		expect(hintsOf(run)).toEqual([]);
		const { outputs } = await send(run.outputs[0]);
		expect(outputs[0]).toHaveLength(4);
	});

	it('a re-run (version 2) puts a summary on Invoices instead of nothing, and Send Factur-X passes it on', async () => {
		const run = await build(2);
		const [invoices, already] = run.outputs;
		expect(already).toHaveLength(4);
		const message =
			'4 CDRs already invoiced in ledger (invoices EVC-2026-000001, EVC-2026-000002, EVC-2026-000003, EVC-2026-000004): nothing new to invoice. To send an invoice again, use Send Factur-X with "Resend by Invoice Number".';
		expect(invoices.map((i) => i.json)).toEqual([
			{
				kind: 'ev-clearing.run-summary',
				issued: 0,
				alreadyInvoiced: 4,
				failed: 0,
				existingInvoices: ['EVC-2026-000001', 'EVC-2026-000002', 'EVC-2026-000003', 'EVC-2026-000004'],
				dryRun: false,
				message,
			},
		]);
		expect(hintsOf(run)).toEqual([message]);

		const before = server.received.length;
		const sent = await send(invoices);
		expect(sent.outputs[0].map((i) => [(i.json.delivery as IDataObject).status, i.json.message])).toEqual([['nothing_to_send', message]]);
		expect(sent.outputs[1]).toEqual([]);
		expect(server.received.length).toBe(before);
		expect((sent.run.data.resultData.runData['Under Test'][0].hints ?? []).map((h) => h.message)).toEqual([`Nothing sent. ${message}`]);
	});

	it('a version 1 node keeps its Invoices output empty on a re-run, and says why in a hint', async () => {
		const run = await build(1);
		expect(run.outputs[0]).toEqual([]);
		expect(hintsOf(run)).toEqual([expect.stringMatching(/^4 CDRs already invoiced in ledger/)]);
	});

	it('resends by invoice number: the stored document rendered again, mailed, recorded as a second delivery', async () => {
		const before = server.received.length;
		const { outputs, error } = await send([{ json: {} }], { source: 'ledger', invoiceNumbers: 'EVC-2026-000002, EVC-2026-000003' });
		expect(error).toBeUndefined();
		const [sent, failed] = outputs;
		expect(failed).toEqual([]);
		expect(sent.map((i) => [i.json.number, (i.json.delivery as IDataObject).status, i.binary?.facturx?.mimeType])).toEqual([
			['EVC-2026-000002', 'sent', 'application/pdf'],
			['EVC-2026-000003', 'sent', 'application/pdf'],
		]);
		expect(server.received.length).toBe(before + 2);
		const mail = parseMime(server.received.at(-1)!.raw);
		expect(mail.headers.subject).toContain('EVC-2026-000003');
		const { deliveries, numbers } = await ledgerState();
		expect(deliveries.filter((n) => n === 'EVC-2026-000002')).toHaveLength(2);
		expect(numbers).toHaveLength(4);
	});

	it('resend of a number the ledger does not hold fails that item, naming the parameter', async () => {
		const { outputs } = await send([{ json: {} }], { source: 'ledger', invoiceNumbers: 'EVC-2026-999999' });
		expect(outputs[1].map((i) => [(i.json.error as IDataObject).code, (i.json.error as IDataObject).field])).toEqual([['INVOICE_NOT_IN_LEDGER', 'invoiceNumbers']]);
	});
});
