import nock from 'nock';

import { odooChannel } from '../../lib/delivery/channels';
import { deliverInvoice } from '../../lib/delivery/deliver';
import { readInvoiceLines } from '../../lib/delivery/invoice-lines';
import { OdooClient } from '../../lib/delivery/odoo';
import type { OdooProtocol } from '../../lib/delivery/odoo';
import { parseOdooTaxTable } from '../../lib/delivery/odoo-invoice';
import { openLedger } from '../../lib/ledger';
import type { Ledger } from '../../lib/ledger';
import { ledgerCopy, sampleInvoices } from './fixtures';
import type { SampleInvoices } from './fixtures';
import { ODOO_DB, ODOO_KEY, ODOO_LOGIN, ODOO_URL, fakeOdoo } from './odoo-fake';

let samples: SampleInvoices;

beforeAll(async () => {
	if (!nock.isActive()) nock.activate();
	nock.disableNetConnect();
	samples = await sampleInvoices();
});
afterEach(() => nock.cleanAll());
afterAll(() => {
	nock.cleanAll();
	nock.enableNetConnect();
	nock.restore();
});

const TAXES = parseOdooTaxTable('{"20": 5, "AE": [12]}');
const noWait = { retries: 2, baseDelayMs: 1, sleep: async () => undefined };

function client(protocol: OdooProtocol, apiKey = ODOO_KEY) {
	return new OdooClient({ url: `${ODOO_URL}/`, database: ODOO_DB, login: ODOO_LOGIN, apiKey, protocol, credentialLabel: 'Odoo prod' });
}

async function freshLedger(): Promise<Ledger> {
	return openLedger({ kind: 'sqlite', path: await ledgerCopy() });
}

describe('invoice lines read back from the XML', () => {
	it('CII and UBL give the same lines, with the decimals of the invoice', () => {
		const doc = samples.invoice.delivery;
		const fromCii = readInvoiceLines(doc);
		const fromUbl = readInvoiceLines({ ...doc, files: { ubl: doc.files.ubl } });
		const plain = (ls: typeof fromCii) =>
			ls.map((l) => [l.id, l.name, l.quantity.toFixed(), l.unitCode, l.unitPrice.toFixed(), l.netAmount.toFixed(2), l.vatCategory, l.vatRate?.toFixed()]);
		expect(plain(fromCii)).toEqual(plain(fromUbl));
		expect(fromCii).toHaveLength(samples.invoice.summary.lineCount);
		expect(plain(fromCii)[0]).toEqual(['1', expect.stringMatching(/ FR\*EVC\*E10001$/), '1', 'C62', '5.2', '5.20', 'S', '20']);
		const net = fromCii.reduce((t, l) => t.plus(l.netAmount), fromCii[0].netAmount.minus(fromCii[0].netAmount));
		expect(net.toFixed(2)).toBe(samples.invoice.summary.totals.withoutVat);
	});
});

describe.each<OdooProtocol>(['jsonrpc', 'json2'])('Odoo delivery over %s', (protocol) => {
	it('finds or creates the partner, creates the invoice with lines and taxes, attaches the PDF, posts it, records the move id', async () => {
		const ledger = await freshLedger();
		const odoo = fakeOdoo(protocol);
		const { invoice } = samples;
		const outcome = await deliverInvoice(invoice.delivery, odooChannel(client(protocol), ledger, { taxes: TAXES, createPartner: true, post: true }), {
			ledger,
			resend: false,
			retry: noWait,
			redactor: client(protocol).redactor,
		});
		expect(outcome).toMatchObject({ status: 'sent', remoteId: '118', attempts: 1 });
		const writes = odoo.calls.filter((c) => c.method !== 'search_read' && c.method !== 'context_get');
		expect(writes.map((c) => `${c.model}.${c.method}`)).toEqual([
			'res.partner.create',
			'account.move.create',
			'ir.attachment.create',
			'account.move.action_post',
		]);
		const searches = odoo.calls.filter((c) => c.method === 'search_read').map((c) => [c.model, c.args[0]]);
		expect(searches.slice(0, 4)).toEqual([
			['account.move', [['ref', '=', 'EVC-2026-000001'], ['move_type', '=', 'out_invoice'], ['state', '!=', 'cancel']]],
			['res.partner', [['vat', '=', 'FR94901543215']]],
			['res.partner', [['name', '=', 'Mobilis France SAS']]],
			['res.country', [['code', '=', 'FR']]],
		]);
		expect(writes[0].args[0]).toEqual({
			name: 'Mobilis France SAS',
			is_company: true,
			country_id: 75,
			vat: 'FR94901543215',
			email: 'factures@mobilis-france.example',
		});
		const move = writes[1].args[0] as Record<string, unknown>;
		expect(move).toMatchObject({
			move_type: 'out_invoice',
			partner_id: 42,
			currency_id: 1,
			invoice_date: '2026-11-02',
			invoice_date_due: '2026-12-02',
			ref: 'EVC-2026-000001',
			payment_reference: invoice.summary.paymentReference,
		});
		expect(move).not.toHaveProperty('reversed_entry_id');
		const lines = move.invoice_line_ids as Array<[number, number, Record<string, unknown>]>;
		expect(lines).toHaveLength(5);
		const fromXml = readInvoiceLines(invoice.delivery);
		expect(lines[0]).toEqual([0, 0, { name: fromXml[0].name, quantity: 1, price_unit: 5.2, tax_ids: [[6, 0, [5]]] }]);
		expect(lines.map((l) => l[2].price_unit)).toEqual(fromXml.map((l) => Number(l.unitPrice.toFixed())));
		expect(writes[2].args[0]).toEqual({
			name: 'EVC-2026-000001.pdf',
			type: 'binary',
			datas: invoice.delivery.files.facturx!.data.toString('base64'),
			res_model: 'account.move',
			res_id: 118,
			mimetype: 'application/pdf',
		});
		expect(writes[3].args).toEqual([[118]]);
		expect(odoo.records['account.move'][0]).toMatchObject({ state: 'posted', amount_untaxed: 66.54, amount_total: 79.85 });
		const events = await ledger.events({ invoiceNumber: 'EVC-2026-000001', type: 'DELIVERY_SUCCEEDED' });
		expect(events.map((e) => e.payload)).toEqual([
			expect.objectContaining({ channel: 'odoo', remoteId: '118', outcome: 'sent', details: expect.objectContaining({ partnerId: 42, posted: true, protocol }) }),
		]);
		await ledger.close();
	});

	it('credit note: out_refund linked to the Odoo move of the corrected invoice, found in the ledger', async () => {
		const ledger = await freshLedger();
		const odoo = fakeOdoo(protocol, { 'res.partner': [{ id: 61, name: 'ChargePoint Partner GmbH', vat: 'DE123456789' }] });
		const channel = odooChannel(client(protocol), ledger, { taxes: TAXES, createPartner: false, post: true });
		const options = { ledger, resend: false, retry: noWait, redactor: client(protocol).redactor };
		const original = await deliverInvoice(samples.corrected.delivery, channel, options);
		expect(original).toMatchObject({ status: 'sent', remoteId: '118' });
		const credit = await deliverInvoice(samples.creditNote.delivery, channel, options);
		expect(credit).toMatchObject({ status: 'sent', remoteId: '119', details: expect.objectContaining({ moveType: 'out_refund', reversedEntryId: 118 }) });
		const creates = odoo.calls.filter((c) => c.model === 'account.move' && c.method === 'create');
		expect(creates[1].args[0]).toMatchObject({ move_type: 'out_refund', partner_id: 61, reversed_entry_id: 118, ref: 'EVC-AV-2026-000001' });
		const line = (creates[1].args[0] as { invoice_line_ids: Array<[number, number, Record<string, unknown>]> }).invoice_line_ids[0][2];
		expect(line).toMatchObject({ quantity: 1, price_unit: 26.19, tax_ids: [[6, 0, [12]]] });
		expect(odoo.calls.some((c) => c.model === 'res.partner' && c.method === 'create')).toBe(false);
		await ledger.close();
	});

	it('a ValidationError becomes a clear item error with Odoo\'s message, without the API key, and is not retried', async () => {
		const ledger = await freshLedger();
		const odoo = fakeOdoo(protocol, { 'res.partner': [{ id: 42, name: 'Mobilis France SAS', vat: 'FR94901543215' }] });
		odoo.failNext('account.move', 'create', {
			name: 'odoo.exceptions.ValidationError',
			message: `The field 'Journal' is required (call by ${ODOO_KEY})`,
		});
		const outcome = await deliverInvoice(samples.invoice.delivery, odooChannel(client(protocol), ledger, { taxes: TAXES, createPartner: false, post: true }), {
			ledger,
			resend: false,
			retry: noWait,
			redactor: client(protocol).redactor,
		});
		expect(outcome).toMatchObject({ status: 'failed', code: 'ODOO_VALIDATION_ERROR', field: 'account.move.create', attempts: 1 });
		expect((outcome as { message: string }).message).toBe(
			"Odoo refused account.move.create: The field 'Journal' is required (call by [redacted])",
		);
		const events = await ledger.events({ invoiceNumber: 'EVC-2026-000001' });
		expect(JSON.stringify([outcome, events])).not.toContain(ODOO_KEY);
		expect(odoo.calls.filter((c) => c.method === 'create')).toHaveLength(1);
		await ledger.close();
	});

	it('a refused API key fails at once, names the credential, and never shows the key', async () => {
		const ledger = await freshLedger();
		const wrongKey = 'wrong-key-0123456789';
		fakeOdoo(protocol).refuseKey();
		const c = client(protocol, wrongKey);
		const outcome = await deliverInvoice(samples.invoice.delivery, odooChannel(c, ledger, { taxes: TAXES, createPartner: true, post: true }), {
			ledger,
			resend: false,
			retry: noWait,
			redactor: c.redactor,
		});
		expect(outcome).toMatchObject({ status: 'failed', code: 'ODOO_AUTH_FAILED', attempts: 1 });
		expect((outcome as { message: string }).message).toContain('Odoo credential "Odoo prod"');
		expect(JSON.stringify(outcome)).not.toContain(wrongKey);
		await ledger.close();
	});

	it('retries a 503 after the move was created without creating it twice', async () => {
		const ledger = await freshLedger();
		const odoo = fakeOdoo(protocol, { 'res.partner': [{ id: 42, name: 'Mobilis France SAS', vat: 'FR94901543215' }] });
		odoo.failNext('ir.attachment', 'create', { status: 503 });
		const outcome = await deliverInvoice(samples.invoice.delivery, odooChannel(client(protocol), ledger, { taxes: TAXES, createPartner: false, post: false }), {
			ledger,
			resend: false,
			retry: noWait,
			redactor: client(protocol).redactor,
		});
		expect(outcome).toMatchObject({ status: 'sent', remoteId: '118', attempts: 2, details: expect.objectContaining({ posted: false }) });
		expect(odoo.calls.filter((c) => c.model === 'account.move' && c.method === 'create')).toHaveLength(1);
		expect(odoo.calls.filter((c) => c.model === 'ir.attachment' && c.method === 'create')).toHaveLength(2);
		expect(odoo.records['account.move'][0].state).toBe('draft');
		await ledger.close();
	});

	it('leaves the draft unposted and fails when Odoo\'s totals differ from the invoice by a cent', async () => {
		const ledger = await freshLedger();
		const odoo = fakeOdoo(protocol, { 'res.partner': [{ id: 42, name: 'Mobilis France SAS', vat: 'FR94901543215' }] });
		odoo.taxRates[5] = 20.05;
		const outcome = await deliverInvoice(samples.invoice.delivery, odooChannel(client(protocol), ledger, { taxes: TAXES, createPartner: false, post: true }), {
			ledger,
			resend: false,
			retry: noWait,
			redactor: client(protocol).redactor,
		});
		expect(outcome).toMatchObject({ status: 'failed', code: 'ODOO_TOTAL_MISMATCH', remoteId: '118' });
		expect((outcome as { message: string }).message).toContain('Odoo computed 66.54 without VAT and 79.88 with VAT for invoice EVC-2026-000001, which states 66.54 and 79.85 EUR');
		expect(odoo.records['account.move'][0].state).toBe('draft');
		expect(odoo.calls.some((c) => c.method === 'action_post')).toBe(false);
		const failed = await ledger.events({ invoiceNumber: 'EVC-2026-000001', type: 'DELIVERY_FAILED' });
		expect(failed[0].payload).toMatchObject({ remoteId: '118', reason: { code: 'ODOO_TOTAL_MISMATCH' } });
		await ledger.close();
	});
});

describe('Odoo configuration errors', () => {
	it('an unmapped VAT rate fails before anything is written', async () => {
		const ledger = await freshLedger();
		const odoo = fakeOdoo('jsonrpc');
		const outcome = await deliverInvoice(samples.invoice.delivery, odooChannel(client('jsonrpc'), ledger, { taxes: parseOdooTaxTable({ AE: 12 }), createPartner: true, post: true }), {
			ledger,
			resend: false,
			retry: noWait,
			redactor: client('jsonrpc').redactor,
		});
		expect(outcome).toMatchObject({ status: 'failed', code: 'ODOO_TAX_UNMAPPED', field: 'taxTable' });
		expect((outcome as { message: string }).message).toContain('add "20"');
		expect(odoo.calls).toEqual([]);
		await ledger.close();
	});

	it('a partner that is not in Odoo, with creation off, is a clear error', async () => {
		const ledger = await freshLedger();
		fakeOdoo('json2');
		const outcome = await deliverInvoice(samples.invoice.delivery, odooChannel(client('json2'), ledger, { taxes: TAXES, createPartner: false, post: true }), {
			ledger,
			resend: false,
			retry: noWait,
			redactor: client('json2').redactor,
		});
		expect(outcome).toMatchObject({ status: 'failed', code: 'ODOO_PARTNER_NOT_FOUND', field: 'buyer' });
		await ledger.close();
	});

	it('the tax table parameter is checked', () => {
		expect(parseOdooTaxTable('{"20.00": 5, "5.5%": [6, 7], "ae": 12}')).toEqual({ '20': [5], '5.5': [6, 7], AE: [12] });
		expect(() => parseOdooTaxTable('{"20": "five"}')).toThrow(expect.objectContaining({ code: 'DELIVERY_CONFIG_INVALID', field: 'taxTable' }));
		expect(() => parseOdooTaxTable('[1]')).toThrow(/JSON object/);
	});
});
