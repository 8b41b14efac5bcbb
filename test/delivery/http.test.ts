import nock from 'nock';

import { httpChannel } from '../../lib/delivery/channels';
import { deliverInvoice } from '../../lib/delivery/deliver';
import { fetchHttpTransport } from '../../lib/delivery/http';
import type { HttpDeliveryOptions } from '../../lib/delivery/http';
import { SecretRedactor } from '../../lib/delivery/redaction';
import { openLedger } from '../../lib/ledger';
import type { Ledger } from '../../lib/ledger';
import { leaves, parseMime } from './smtp-server';
import { ledgerCopy, sampleInvoices } from './fixtures';
import type { SampleInvoices } from './fixtures';

const HOST = 'https://einvoicing.example';
const TOKEN = 'platform-token-abcdef123456';
let samples: SampleInvoices;
let ledger: Ledger;

beforeAll(async () => {
	if (!nock.isActive()) nock.activate();
	nock.disableNetConnect();
	samples = await sampleInvoices();
	ledger = await openLedger({ kind: 'sqlite', path: await ledgerCopy() });
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
	await ledger.close();
	nock.cleanAll();
	nock.enableNetConnect();
	nock.restore();
});

const redactor = new SecretRedactor([TOKEN]);
const noWait = { retries: 2, baseDelayMs: 1, sleep: async () => undefined };

function send(options: Partial<HttpDeliveryOptions>, doc = samples.invoice.delivery) {
	const channel = httpChannel(
		{ url: `${HOST}/invoices`, bodyMode: 'multipart', headers: { Authorization: `Bearer ${TOKEN}` }, ...options },
		fetchHttpTransport,
		redactor,
		'E-invoicing platform',
	);
	return deliverInvoice(doc, channel, { ledger, resend: true, retry: noWait, redactor });
}

describe('HTTP delivery', () => {
	it('multipart: the JSON metadata and the Factur-X PDF byte for byte; the id answered is the remote id', async () => {
		let received: { contentType: string; body: Buffer } | undefined;
		nock(HOST)
			.post('/invoices')
			.matchHeader('authorization', `Bearer ${TOKEN}`)
			.reply(function (_uri, body) {
				received = { contentType: String(this.req.headers['content-type']), body: Buffer.from(body as string, 'hex') };
				return [201, { id: 'doc-4711', status: 'received' }];
			});
		const outcome = await send({ bodyMode: 'multipart' });
		expect(outcome).toMatchObject({ status: 'sent', channel: 'http', remoteId: 'doc-4711', details: { httpStatus: 201 } });
		expect(received!.contentType).toMatch(/^multipart\/form-data; boundary=/);
		const form = parseMime(Buffer.concat([Buffer.from(`Content-Type: ${received!.contentType}\r\n\r\n`), received!.body]));
		const [metadata, file] = leaves(form);
		expect(metadata.headers['content-disposition']).toBe('form-data; name="metadata"');
		expect(JSON.parse(metadata.body.toString('utf8'))).toEqual(samples.invoice.summary);
		expect(file.headers['content-disposition']).toBe('form-data; name="file"; filename="EVC-2026-000001.pdf"');
		expect(file.headers['content-type']).toBe('application/pdf');
		expect(file.body.equals(samples.invoice.delivery.files.facturx!.data)).toBe(true);
	});

	it('JSON: the summary and the PDF in Base64', async () => {
		let body: Record<string, { contentBase64?: string; name?: string; number?: string }> | undefined;
		nock(HOST)
			.post('/invoices', (b) => {
				body = b;
				return true;
			})
			.matchHeader('content-type', 'application/json')
			.reply(200, { documentId: 'abc' });
		const outcome = await send({ bodyMode: 'json' });
		expect(outcome).toMatchObject({ status: 'sent', remoteId: 'abc' });
		expect(body!.invoice.number).toBe('EVC-2026-000001');
		expect(body!.file.name).toBe('EVC-2026-000001.pdf');
		expect(Buffer.from(body!.file.contentBase64!, 'base64').equals(samples.invoice.delivery.files.facturx!.data)).toBe(true);
	});

	it('XML: the raw UBL; a Location header names the created document', async () => {
		let xml = '';
		nock(HOST)
			.post('/invoices', (b) => {
				xml = typeof b === 'string' ? b : JSON.stringify(b);
				return true;
			})
			.matchHeader('content-type', 'application/xml')
			.reply(202, '', { Location: `${HOST}/invoices/77` });
		const outcome = await send({ bodyMode: 'xml', xmlFormat: 'ubl' });
		expect(outcome).toMatchObject({ status: 'sent', remoteId: `${HOST}/invoices/77` });
		expect(xml).toBe(samples.invoice.delivery.files.ubl!.data.toString('utf8'));
	});

	it('retries a 503 and succeeds', async () => {
		nock(HOST).post('/invoices').reply(503, 'busy').post('/invoices').reply(200, { id: 9 });
		const outcome = await send({ bodyMode: 'json' });
		expect(outcome).toMatchObject({ status: 'sent', remoteId: '9', attempts: 2 });
		expect(nock.pendingMocks()).toEqual([]);
	});

	it('a non-2xx answer is a failure with the body, not retried when 4xx; the token never shows', async () => {
		nock(HOST)
			.post('/invoices')
			.reply(422, { error: 'BT-10 buyer reference missing', echo: `Bearer ${TOKEN}` });
		const outcome = await send({ bodyMode: 'json' });
		expect(outcome).toMatchObject({ status: 'failed', code: 'HTTP_STATUS', attempts: 1 });
		const message = (outcome as { message: string }).message;
		expect(message).toContain('answered HTTP 422');
		expect(message).toContain('BT-10 buyer reference missing');
		expect(message).not.toContain(TOKEN);
	});

	it('401 is an authentication failure naming the credential, never retried', async () => {
		nock(HOST).post('/invoices').reply(401, 'invalid token');
		const outcome = await send({ bodyMode: 'json' });
		expect(outcome).toMatchObject({ status: 'failed', code: 'HTTP_AUTH_FAILED', attempts: 1, field: 'authentication' });
		expect((outcome as { message: string }).message).toContain('HTTP credential "E-invoicing platform"');
	});

	it('a missing binary file is a clear error naming the property', async () => {
		const doc = samples.invoice.delivery;
		const outcome = await send({ bodyMode: 'multipart' }, { ...doc, files: { cii: doc.files.cii } });
		expect(outcome).toMatchObject({ status: 'failed', code: 'INVOICE_FILE_MISSING', field: 'binary.facturx' });
	});
});
