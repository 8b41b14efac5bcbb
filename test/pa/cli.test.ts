/**
 * `ev-clearing send` over what `ev-clearing invoice` wrote (its NDJSON and files), on every channel: e-mail to a local
 * SMTP server, Odoo (the fake behind nock), an HTTP endpoint, the local PA; then `payments lifecycle` and `payments
 * status --rejected` over the same ledger.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import nock from 'nock';

import { invoiceCommand } from '../../cli/commands/invoice';
import { paymentsCommand } from '../../cli/commands/payments';
import { priceCommand } from '../../cli/commands/price';
import { sendCommand } from '../../cli/commands/send';
import type { Command } from '../../cli/usage';
import { ODOO_DB, ODOO_KEY, ODOO_LOGIN, ODOO_URL, fakeOdoo } from '../delivery/odoo-fake';
import { SMTP_PASSWORD, SMTP_USER, startSmtpServer } from '../delivery/smtp-server';
import { FakePa, HAVE_FR_REFORM, exampleCdar } from '../helpers/fake-pa';
import { BUYER_SIREN, SELLER_SIREN } from './fixtures';

const describeWithReference = HAVE_FR_REFORM ? describe : describe.skip;
const SAMPLES = path.resolve(__dirname, '../../samples');

async function run(command: Command, args: string[]): Promise<{ code: number; lines: Array<Record<string, unknown>>; stdout: string }> {
	const chunks: string[] = [];
	const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
		chunks.push(String(chunk));
		return true;
	});
	const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
	try {
		const code = await command.run(args);
		const stdout = chunks.join('');
		return { code, stdout, lines: stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
	} finally {
		out.mockRestore();
		err.mockRestore();
	}
}

const dir = mkdtempSync(path.join(tmpdir(), 'send-cli-'));
const ledger = path.join(dir, 'ledger.sqlite');
const files = path.join(dir, 'invoices');
const invoices = path.join(dir, 'invoices.ndjson');
const json = (name: string, value: unknown) => {
	const file = path.join(dir, name);
	writeFileSync(file, JSON.stringify(value));
	return file;
};

beforeAll(async () => {
	const priced = await run(priceCommand, ['--tariffs', path.join(SAMPLES, 'tariffs.json'), path.join(SAMPLES, 'cdrs.json')]);
	writeFileSync(path.join(dir, 'priced.ndjson'), priced.stdout);
	const config = JSON.parse(readFileSync(path.join(SAMPLES, 'invoice-config.json'), 'utf8'));
	config.invoicing = { ...config.invoicing, mode: 'per_cdr', issueDate: '2026-11-02' };
	const issued = await run(invoiceCommand, ['--config', json('config.json', config), '--ledger', ledger, '--out', files, path.join(dir, 'priced.ndjson')]);
	writeFileSync(invoices, issued.stdout);
});

describe('ev-clearing send', () => {
	it('e-mail: every document to its buyer, once', async () => {
		const smtp = await startSmtpServer();
		try {
			const connection = json('smtp.json', { host: '127.0.0.1', port: smtp.port, secure: false, user: SMTP_USER, password: SMTP_PASSWORD, from: 'billing@cpo.example' });
			const sent = await run(sendCommand, ['--channel', 'email', '--connection', connection, '--ledger', ledger, '--files', files, invoices]);
			const documents = readFileSync(invoices, 'utf8').split('\n').filter((l) => l.includes('"ev-clearing.invoice"')).length;
			expect(sent.code).toBe(0);
			expect(sent.lines).toHaveLength(documents);
			expect(sent.lines.every((l) => l.status === 'sent' && l.channel === 'email')).toBe(true);
			expect(smtp.received).toHaveLength(documents);
			const again = await run(sendCommand, ['--channel', 'email', '--connection', connection, '--ledger', ledger, '--files', files, invoices]);
			expect(again.lines.every((l) => l.status === 'already_sent')).toBe(true);
			expect(smtp.received).toHaveLength(documents);
			expect(sent.stdout + again.stdout).not.toContain(SMTP_PASSWORD);
		} finally {
			await smtp.close();
		}
	});

	it('HTTP: each document posted; a refusal is a coded line and exit code 1', async () => {
		let calls = 0;
		const server = createServer((req, res) => {
			calls++;
			req.resume();
			req.on('end', () => {
				res.writeHead(calls === 2 ? 400 : 201, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify(calls === 2 ? { error: 'duplicate' } : { id: `doc-${calls}` }));
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/invoices`;
			const connection = json('http.json', { url, bodyMode: 'json', headers: { Authorization: 'Bearer http-token-123456' } });
			const result = await run(sendCommand, ['--channel', 'http', '--connection', connection, '--ledger', ledger, '--files', files, '--retries', '0', invoices]);
			expect(result.code).toBe(1);
			expect(result.lines[0]).toMatchObject({ status: 'sent', remoteId: 'doc-1' });
			expect(result.lines[1]).toMatchObject({ status: 'failed', code: 'HTTP_STATUS' });
		} finally {
			server.close();
		}
	});

	it('Odoo: the French invoice booked', async () => {
		if (!nock.isActive()) nock.activate();
		nock.disableNetConnect();
		nock.enableNetConnect('127.0.0.1');
		try {
			fakeOdoo('jsonrpc', { 'res.partner': [{ id: 42, name: 'Mobilis France SAS', vat: 'FR94901543215' }] });
			const lines = readFileSync(invoices, 'utf8').split('\n').filter((l) => l.includes('Mobilis France SAS') && l.includes('"typeCode":"380"'));
			const one = path.join(dir, 'mobilis.ndjson');
			writeFileSync(one, lines[0]);
			const connection = json('odoo.json', { url: ODOO_URL, database: ODOO_DB, login: ODOO_LOGIN, apiKey: ODOO_KEY, protocol: 'jsonrpc', taxes: { '20': 5 } });
			const result = await run(sendCommand, ['--channel', 'odoo', '--connection', connection, '--ledger', ledger, '--files', files, one]);
			expect(result.lines).toEqual([expect.objectContaining({ status: 'sent', channel: 'odoo', remoteId: expect.any(String) })]);
			expect(result.stdout).not.toContain(ODOO_KEY);
		} finally {
			nock.cleanAll();
			nock.enableNetConnect();
			nock.restore();
		}
	});

	it('refuses a missing option or an unknown channel as a usage error', async () => {
		await expect(run(sendCommand, ['--channel', 'fax', '--connection', json('x.json', {}), '--ledger', ledger, '--files', files, invoices])).rejects.toThrow(/--channel "fax" is unknown/);
		await expect(run(sendCommand, ['--channel', 'pa', '--ledger', ledger, '--files', files, invoices])).rejects.toThrow(/--connection/);
	});
});

describeWithReference('ev-clearing send --channel pa, then payments lifecycle', () => {
	let pa: FakePa;
	beforeAll(async () => {
		pa = await new FakePa().start();
		pa.addDirectoryLine({ addressingIdentifier: BUYER_SIREN, siren: BUYER_SIREN });
	});
	afterAll(async () => pa.stop());

	it('deposits the French invoices, fails the others on their own lines, records and lists the statuses', async () => {
		const platform = json('pa.json', pa.connection());
		const sent = await run(sendCommand, ['--channel', 'pa', '--connection', platform, '--ledger', ledger, '--files', files, invoices]);
		expect(sent.code).toBe(1);
		const deposited = sent.lines.filter((l) => l.status === 'sent');
		expect(deposited.length).toBeGreaterThan(0);
		expect(deposited.every((l) => String(l.number).startsWith('EVC-'))).toBe(true);
		expect(pa.deposits.map((d) => d.trackingId).sort()).toEqual(deposited.map((l) => l.number).sort());
		expect(sent.lines.filter((l) => l.status === 'failed').map((l) => l.code)).toEqual(
			expect.arrayContaining(['PA_ADDRESS_SCHEME_UNSUPPORTED']),
		);
		expect(sent.stdout).not.toContain(pa.clientSecret);
		const again = await run(sendCommand, ['--channel', 'pa', '--connection', platform, '--ledger', ledger, '--files', files, '--resend', invoices]);
		expect(again.lines.filter((l) => l.status === 'sent').every((l) => (l.details as { reused: boolean }).reused)).toBe(true);
		expect(pa.deposits).toHaveLength(deposited.length);

		const [first, second] = deposited.map((l) => String(l.number));
		pa.offerLifecycle('UC1_F202500003_02-CDV-202_Recue.xml', { invoiceNumber: first, sellerSiren: SELLER_SIREN, buyerSiren: BUYER_SIREN });
		const pulled = await run(paymentsCommand, ['lifecycle', 'pull', '--ledger', ledger, '--platform', platform]);
		expect(pulled.lines).toEqual([expect.objectContaining({ kind: 'lifecycle', invoiceNumber: first, code: '202', outcome: 'recorded' })]);
		const cdar = path.join(dir, 'rejected.xml');
		writeFileSync(cdar, exampleCdar('UC2_F202500004_02-CDV-213_Rejetee.xml', { invoiceNumber: second, sellerSiren: SELLER_SIREN, buyerSiren: BUYER_SIREN }));
		const recorded = await run(paymentsCommand, ['lifecycle', 'record', cdar, '--ledger', ledger]);
		expect(recorded.lines).toEqual([expect.objectContaining({ invoiceNumber: second, code: '213', outcome: 'recorded' })]);
		const rejected = await run(paymentsCommand, ['status', '--rejected', '--ledger', ledger, '--date', '2026-12-31']);
		expect(rejected.lines.filter((l) => l.kind === 'status').map((l) => [l.invoiceNumber, l.status, (l.lifecycle as { code: string }).code])).toEqual([[second, 'rejected', '213']]);
		expect(pa.invalidRequests).toEqual([]);
	});
});
