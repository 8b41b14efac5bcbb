import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import nock from 'nock';
import type { INodeExecutionData } from 'n8n-workflow';

import { EvClearingHttpAuth } from '../../credentials/EvClearingHttpAuth.credentials';
import { OdooApi } from '../../credentials/OdooApi.credentials';
import { SendFacturX } from '../../nodes/SendFacturX/SendFacturX.node';
import { openLedger } from '../../lib/ledger';
import { ledgerCopy, sampleInvoices } from '../delivery/fixtures';
import type { IssuedSample, SampleInvoices } from '../delivery/fixtures';
import { ODOO_DB, ODOO_KEY, ODOO_LOGIN, ODOO_URL, fakeOdoo } from '../delivery/odoo-fake';
import { SMTP_PASSWORD, SMTP_USER, leaves, parseMime, startSmtpServer } from '../delivery/smtp-server';
import type { TestSmtpServer } from '../delivery/smtp-server';
import { runNode } from '../helpers/n8n-engine';
import type { EngineNode } from '../helpers/n8n-engine';

let server: TestSmtpServer;
let samples: SampleInvoices;

beforeAll(async () => {
	if (!nock.isActive()) nock.activate();
	nock.disableNetConnect();
	nock.enableNetConnect('127.0.0.1');
	[server, samples] = await Promise.all([startSmtpServer(), sampleInvoices()]);
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
	await server.close();
	nock.cleanAll();
	nock.enableNetConnect();
	nock.restore();
});

/** A Build Invoice item: the summary as JSON, the files as binary properties. */
function buildInvoiceItem(sample: IssuedSample, drop: string[] = []): INodeExecutionData {
	const binary: INodeExecutionData['binary'] = {};
	for (const [format, file] of Object.entries(sample.delivery.files)) {
		if (drop.includes(format)) continue;
		binary[format] = { data: file!.data.toString('base64'), mimeType: file!.mimeType, fileName: file!.fileName };
	}
	return { json: { ...sample.summary }, binary };
}

const smtpCredentials = (password = SMTP_PASSWORD) => ({
	evClearingSmtp: { host: '127.0.0.1', port: server.port, secure: false, user: SMTP_USER, password, rejectUnauthorized: true },
});

function runEmail(items: INodeExecutionData[], ledgerPath: string, extra: Record<string, unknown> = {}, node: Partial<EngineNode> = {}, password?: string) {
	return runNode(
		new SendFacturX(),
		items,
		{
			parameters: {
				channel: 'email',
				from: 'EV Charge France <facturation@evcharge-france.example>',
				ledger: 'sqlite',
				ledgerPath,
				options: { retries: 1, retryDelaySeconds: 0 },
				...extra,
			},
			credentials: { evClearingSmtp: { id: 'smtp-1', name: 'CPO mail relay' } },
			...node,
		},
		{ credentials: smtpCredentials(password) },
	);
}

describe('Send Factur-X through the n8n engine: e-mail', () => {
	it('routes each item to Sent or Failed with its pairing; bad input is a coded error, never a crash', async () => {
		const ledgerPath = await ledgerCopy();
		const noEmail = buildInvoiceItem(samples.all[1]);
		(noEmail.json.buyer as Record<string, unknown>).email = null;
		const items = [
			buildInvoiceItem(samples.invoice),
			{ json: { id: 'FREVC2610020001', total_cost: { excl_vat: 5.2 } } },
			buildInvoiceItem(samples.all[2], ['facturx']),
			noEmail,
		];
		const before = server.received.length;
		const { outputs, error } = await runEmail(items, ledgerPath);
		expect(error).toBeUndefined();
		const [sent, failed] = outputs;
		expect(sent.map((i) => [i.pairedItem, i.json.number, (i.json.delivery as { status: string }).status])).toEqual([
			[{ item: 0 }, 'EVC-2026-000001', 'sent'],
		]);
		expect(sent[0].binary?.facturx).toBeDefined();
		expect(failed.map((i) => [i.pairedItem, (i.json.error as { code: string }).code, (i.json.error as { field?: string }).field])).toEqual([
			[{ item: 1 }, 'INVOICE_ITEM_NOT_FROM_BUILD_INVOICE', 'kind'],
			[{ item: 2 }, 'INVOICE_FILE_MISSING', 'binary.facturx'],
			[{ item: 3 }, 'RECIPIENT_MISSING', 'buyer.email'],
		]);
		expect((failed[2].json.error as { message: string }).message).toContain('"Roam Netherlands B.V." has no e-mail address');
		expect(server.received.length).toBe(before + 1);
		const mail = parseMime(server.received.at(-1)!.raw);
		expect(mail.headers.subject).toBe('Facture EVC-2026-000001 de EV Charge France SAS');
		expect(mail.headers['message-id']).toBe((sent[0].json.delivery as { remoteId: string }).remoteId);
		const pdf = leaves(mail).find((p) => p.headers['content-type']?.startsWith('application/pdf'))!;
		expect(pdf.body.equals(samples.invoice.delivery.files.facturx!.data)).toBe(true);

		const ledger = await openLedger({ kind: 'sqlite', path: ledgerPath });
		const events = await ledger.events({ type: 'DELIVERY_SUCCEEDED' });
		const failedEvents = await ledger.events({ type: 'DELIVERY_FAILED' });
		await ledger.close();
		expect(events.map((e) => [e.invoiceNumber, (e.payload as { remoteId: string }).remoteId])).toEqual([
			['EVC-2026-000001', mail.headers['message-id']],
		]);
		// Missing file and recipient are found inside the delivery attempt: those attempts are on the record too.
		expect(failedEvents.map((e) => [e.invoiceNumber, (e.payload as { reason: { code: string } }).reason.code])).toEqual([
			['EVC-2026-000003', 'INVOICE_FILE_MISSING'],
			['EVC-2026-000002', 'RECIPIENT_MISSING'],
		]);
	});

	it('a second run skips what was sent (with the earlier message id); Resend sends again; To and templates apply', async () => {
		const ledgerPath = await ledgerCopy();
		const item = buildInvoiceItem(samples.invoice);
		const first = await runEmail([item], ledgerPath);
		const firstId = (first.outputs[0][0].json.delivery as { remoteId: string }).remoteId;
		const before = server.received.length;
		const second = await runEmail([item], ledgerPath);
		expect(second.outputs[0][0].json.delivery).toEqual(expect.objectContaining({ status: 'already_sent', remoteId: firstId }));
		expect(server.received.length).toBe(before);
		const third = await runEmail([item], ledgerPath, {
			to: 'ap@mobilis.example, controller@mobilis.example',
			subject: '=Facture {{ $json.number }} ({{ $json.totals.withVat }} {{ $json.currency }})',
			options: { resend: true, retries: 0 },
		});
		const delivery = third.outputs[0][0].json.delivery as { status: string; remoteId: string };
		expect(delivery.status).toBe('sent');
		expect(delivery.remoteId).not.toBe(firstId);
		const mail = server.received.at(-1)!;
		expect(mail.to).toEqual(['ap@mobilis.example', 'controller@mobilis.example']);
		expect(parseMime(mail.raw).headers.subject).toBe('Facture EVC-2026-000001 (79.85 EUR)');
	});

	it('a refused SMTP login: Failed with SMTP_AUTH_FAILED naming the credential, no password anywhere in the output', async () => {
		const ledgerPath = await ledgerCopy();
		const wrong = 'Not-The-Password-42';
		const { outputs } = await runEmail([buildInvoiceItem(samples.invoice)], ledgerPath, {}, {}, wrong);
		expect(outputs[0]).toEqual([]);
		expect(outputs[1][0].json.error).toEqual(
			expect.objectContaining({ code: 'SMTP_AUTH_FAILED', message: expect.stringContaining('SMTP credential "CPO mail relay"') }),
		);
		expect(JSON.stringify(outputs)).not.toContain(wrong);
	});

	it('an invoice the ledger does not know fails clearly (wrong ledger)', async () => {
		const emptyLedger = path.join(mkdtempSync(path.join(tmpdir(), 'send-empty-')), 'ledger.sqlite');
		const { outputs } = await runEmail([buildInvoiceItem(samples.invoice)], emptyLedger);
		expect(outputs[1][0].json.error).toEqual(expect.objectContaining({ code: 'INVOICE_NOT_IN_LEDGER', field: 'ledger' }));
	});

	it('a ledger that cannot be opened stops the node, or with Continue On Fail sends every item to Failed', async () => {
		const items = [buildInvoiceItem(samples.invoice), buildInvoiceItem(samples.all[1])];
		// A ledger "folder" that is a file: the ledger cannot be created there.
		const dir = mkdtempSync(path.join(tmpdir(), 'send-bad-ledger-'));
		writeFileSync(path.join(dir, 'not-a-folder'), '');
		const impossible = path.join(dir, 'not-a-folder', 'ledger.sqlite');
		const stopped = await runEmail(items, impossible);
		expect(stopped.error?.message).toBe(
			`The ledger file ${impossible} is unusable (a part of its folder path is a file): give a ledger path in a writable folder.`,
		);
		const continued = await runEmail(items, impossible, {}, { continueOnFail: true });
		expect(continued.error).toBeUndefined();
		expect(continued.outputs[0]).toEqual([]);
		expect(continued.outputs[1].map((i) => [i.pairedItem, (i.json.error as { code: string }).code])).toEqual([
			[{ item: 0 }, 'DELIVERY_CONFIG_INVALID'],
			[{ item: 1 }, 'DELIVERY_CONFIG_INVALID'],
		]);
	});
});

describe('Send Factur-X through the n8n engine: Odoo', () => {
	it.each(['jsonrpc', 'json2'] as const)('books the invoice and its credit note over %s, credit note linked by reversed_entry_id', async (protocol) => {
		const ledgerPath = await ledgerCopy();
		const odoo = fakeOdoo(protocol, { 'res.partner': [{ id: 61, name: 'ChargePoint Partner GmbH', vat: 'DE123456789' }] });
		const { outputs, error } = await runNode(
			new SendFacturX(),
			[buildInvoiceItem(samples.corrected), buildInvoiceItem(samples.creditNote)],
			{
				parameters: { channel: 'odoo', taxTable: '{"20": 5, "AE": 12}', post: true, ledger: 'sqlite', ledgerPath, options: { retryDelaySeconds: 0 } },
				credentials: { evClearingOdooApi: { id: 'odoo-1', name: 'Odoo prod' } },
			},
			{
				credentials: { evClearingOdooApi: { url: ODOO_URL, database: ODOO_DB, login: ODOO_LOGIN, apiKey: ODOO_KEY, protocol } },
				credentialTypes: { evClearingOdooApi: new OdooApi() },
			},
		);
		expect(error).toBeUndefined();
		expect(outputs[1]).toEqual([]);
		expect(outputs[0].map((i) => [i.pairedItem, i.json.delivery])).toEqual([
			[{ item: 0 }, expect.objectContaining({ status: 'sent', remoteId: '118', moveType: 'out_invoice', posted: true })],
			[{ item: 1 }, expect.objectContaining({ status: 'sent', remoteId: '119', moveType: 'out_refund', reversedEntryId: 118 })],
		]);
		expect(odoo.records['account.move'].map((m) => [m.id, m.move_type, m.reversed_entry_id ?? null, m.state])).toEqual([
			[118, 'out_invoice', null, 'posted'],
			[119, 'out_refund', 118, 'posted'],
		]);
		expect(odoo.records['ir.attachment'].map((a) => a.name)).toEqual([samples.corrected.summary.files.facturx, samples.creditNote.summary.files.facturx]);
	});

	it('an Odoo ValidationError leaves on Failed with Odoo\'s message and without the API key', async () => {
		const ledgerPath = await ledgerCopy();
		const odoo = fakeOdoo('jsonrpc', { 'res.partner': [{ id: 42, name: 'Mobilis France SAS', vat: 'FR94901543215' }] });
		odoo.failNext('account.move', 'create', { name: 'odoo.exceptions.ValidationError', message: `Incompatible companies on records (${ODOO_KEY})` });
		const { outputs } = await runNode(
			new SendFacturX(),
			[buildInvoiceItem(samples.invoice)],
			{ parameters: { channel: 'odoo', taxTable: '{"20": 5}', ledger: 'sqlite', ledgerPath }, credentials: { evClearingOdooApi: { id: 'o', name: 'Odoo prod' } } },
			{ credentials: { evClearingOdooApi: { url: ODOO_URL, database: ODOO_DB, login: ODOO_LOGIN, apiKey: ODOO_KEY, protocol: 'jsonrpc' } } },
		);
		expect(outputs[1][0].json.error).toEqual({
			code: 'ODOO_VALIDATION_ERROR',
			message: 'Odoo refused account.move.create: Incompatible companies on records ([redacted])',
			field: 'account.move.create',
		});
		expect(JSON.stringify(outputs)).not.toContain(ODOO_KEY);
	});
});

describe('Send Factur-X through the n8n engine: HTTP', () => {
	const HOST = 'https://einvoicing.example';
	const TOKEN = 'bearer-token-for-the-platform';

	it('posts with the credential\'s bearer token, retries a 503, and reports a 4xx with its body on Failed', async () => {
		const ledgerPath = await ledgerCopy();
		nock(HOST)
			.post('/api/invoices')
			.matchHeader('authorization', `Bearer ${TOKEN}`)
			.reply(503, 'maintenance')
			.post('/api/invoices')
			.matchHeader('authorization', `Bearer ${TOKEN}`)
			.reply(201, { id: 'inv-1' })
			.post('/api/invoices')
			.matchHeader('authorization', `Bearer ${TOKEN}`)
			.reply(400, { error: 'duplicate invoice number' });
		const { outputs, error } = await runNode(
			new SendFacturX(),
			[buildInvoiceItem(samples.invoice), buildInvoiceItem(samples.all[1])],
			{
				parameters: {
					channel: 'http',
					url: `${HOST}/api/invoices`,
					bodyMode: 'json',
					authentication: 'credential',
					ledger: 'sqlite',
					ledgerPath,
					options: { retries: 2, retryDelaySeconds: 0 },
				},
				credentials: { evClearingHttpAuth: { id: 'h', name: 'Platform' } },
			},
			{
				credentials: { evClearingHttpAuth: { authType: 'bearer', token: TOKEN } },
				credentialTypes: { evClearingHttpAuth: new EvClearingHttpAuth() },
			},
		);
		expect(error).toBeUndefined();
		expect(outputs[0].map((i) => [i.pairedItem, i.json.delivery])).toEqual([
			[{ item: 0 }, expect.objectContaining({ status: 'sent', channel: 'http', remoteId: 'inv-1', attempts: 2, httpStatus: 201 })],
		]);
		expect(outputs[1].map((i) => [i.pairedItem, i.json.error])).toEqual([
			[{ item: 1 }, expect.objectContaining({ code: 'HTTP_STATUS', message: expect.stringContaining('duplicate invoice number') })],
		]);
		expect(nock.pendingMocks()).toEqual([]);
		expect(JSON.stringify(outputs)).not.toContain(TOKEN);
	});
});
