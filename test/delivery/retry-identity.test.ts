/**
 * What the receiver sees when a delivery is retried: the same Message-ID (e-mail) or Idempotency-Key (HTTP) on every
 * copy — retries within a run and a later re-run after a failure — so it can keep one; a deliberate Resend is a new
 * delivery with its own id. Against the real SMTP sink of the tests (taking the message, then answering 451 or
 * dropping the connection) and a real local HTTP endpoint that stores the request and times out.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { emailChannel, httpChannel } from '../../lib/delivery/channels';
import { deliverInvoice } from '../../lib/delivery/deliver';
import { createSmtpSender, emailRecipients, smtpRedactor } from '../../lib/delivery/email';
import type { SmtpSettings } from '../../lib/delivery/email';
import { fetchHttpTransport } from '../../lib/delivery/http';
import { SecretRedactor } from '../../lib/delivery/redaction';
import { openLedger } from '../../lib/ledger';
import type { Ledger } from '../../lib/ledger';
import { ledgerCopy, sampleInvoices } from './fixtures';
import type { SampleInvoices } from './fixtures';
import { SMTP_PASSWORD, SMTP_USER, parseMime, startSmtpServer } from './smtp-server';
import type { TestSmtpServer } from './smtp-server';

let smtp: TestSmtpServer;
let samples: SampleInvoices;
let ledger: Ledger;

beforeAll(async () => {
	[smtp, samples] = await Promise.all([startSmtpServer(), sampleInvoices()]);
	ledger = await openLedger({ kind: 'sqlite', path: await ledgerCopy() });
});
afterAll(async () => {
	await ledger.close();
	await smtp.close();
});

const retry = { retries: 2, baseDelayMs: 1, sleep: async () => undefined };

describe('e-mail: one Message-ID per invoice and channel', () => {
	const settings = (): SmtpSettings => ({
		host: '127.0.0.1',
		port: smtp.port,
		secure: false,
		user: SMTP_USER,
		password: SMTP_PASSWORD,
		rejectUnauthorized: true,
		timeoutMs: 5000,
	});
	const send = async (index: number, resend = false, retries = retry) => {
		const sender = createSmtpSender(settings());
		const adapter = emailChannel(sender, (doc) => ({
			from: 'EV Charge France <facturation@evcharge-france.example>',
			to: emailRecipients(doc, []),
			subject: `Invoice ${doc.summary.number}`,
			text: 'Please find our invoice attached.',
		}));
		try {
			return await deliverInvoice(samples.all[index].delivery, adapter, { ledger, resend, retry: retries, redactor: smtpRedactor(settings()) });
		} finally {
			sender.close();
		}
	};
	const messageIds = (from: number) => smtp.received.slice(from).map((mail) => parseMime(mail.raw).headers['message-id']);

	it('gives every copy the receiver got the same Message-ID: a 451 after the body, then a dropped connection, then success', async () => {
		const before = smtp.received.length;
		smtp.takeThenFail('reply451', 'drop');
		const outcome = await send(0);
		expect(outcome).toMatchObject({ status: 'sent', attempts: 3 });
		const ids = messageIds(before);
		expect(ids).toHaveLength(3);
		const number = samples.all[0].summary.number;
		expect(ids).toEqual(Array(3).fill(ids[0]));
		expect(ids[0]).toMatch(new RegExp(`^<${number}\\.email\\.[0-9a-f]{8}@evcharge-france\\.example>$`));
		expect(outcome.status === 'sent' && outcome.remoteId).toBe(ids[0]);
	});

	it('keeps it on a re-run after a failed delivery, and gives a deliberate resend its own', async () => {
		const before = smtp.received.length;
		smtp.takeThenFail('reply451', 'reply451');
		const failed = await send(1, false, { ...retry, retries: 1 });
		expect(failed).toMatchObject({ status: 'failed', code: 'SMTP_UNAVAILABLE', attempts: 2 });
		const rerun = await send(1);
		expect(rerun).toMatchObject({ status: 'sent', attempts: 1 });
		const ids = messageIds(before);
		expect(ids).toEqual(Array(3).fill(ids[0]));
		const resent = await send(1, true);
		const again = await send(1, true);
		expect([resent.status === 'sent' && resent.remoteId, again.status === 'sent' && again.remoteId]).toEqual([
			ids[0].replace('.email.', '.email.2.'),
			ids[0].replace('.email.', '.email.3.'),
		]);
	});
});

describe('HTTP: one Idempotency-Key per invoice, channel and endpoint', () => {
	let server: Server;
	let base: string;
	const requests: Array<{ url: string; headers: IncomingHttpHeaders; bytes: number }> = [];
	let hangFirst = 0;

	beforeAll(async () => {
		server = createServer((request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (c: Buffer) => chunks.push(c));
			request.on('end', () => {
				requests.push({ url: request.url ?? '', headers: request.headers, bytes: Buffer.concat(chunks).length });
				// Stored, but the answer comes too late: the client times out.
				if (hangFirst > 0) {
					hangFirst--;
					return;
				}
				response.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id: `DOC-${requests.length}` }));
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	});

	const send = (index: number, path: string, resend = false, retries = retry) =>
		deliverInvoice(
			samples.all[index].delivery,
			httpChannel({ url: `${base}${path}`, bodyMode: 'json', timeoutMs: 1500 }, fetchHttpTransport, new SecretRedactor([])),
			{ ledger, resend, retry: retries, redactor: new SecretRedactor([]) },
		);
	const keys = (from: number) => requests.slice(from).map((r) => String(r.headers['idempotency-key']));

	it('sends the same key on each POST of a delivery whose endpoint timed out twice', async () => {
		const before = requests.length;
		hangFirst = 2;
		const outcome = await send(2, '/invoices');
		expect(outcome).toMatchObject({ status: 'sent', attempts: 3 });
		const sent = keys(before);
		expect(sent).toHaveLength(3);
		expect(sent).toEqual(Array(3).fill(sent[0]));
		expect(sent[0]).toMatch(new RegExp(`^"${samples.all[2].summary.number}\\.http\\.[0-9a-f]{12}"$`));
		expect(requests.slice(before).every((r) => r.bytes > 1000)).toBe(true);
	});

	it('keeps the key on a re-run after a failure; another endpoint and a deliberate resend get their own', async () => {
		const before = requests.length;
		hangFirst = 2;
		expect(await send(3, '/invoices', false, { ...retry, retries: 1 })).toMatchObject({ status: 'failed', code: 'HTTP_UNAVAILABLE' });
		expect(await send(3, '/invoices')).toMatchObject({ status: 'sent', attempts: 1 });
		const [first, second, rerun] = keys(before);
		expect([second, rerun]).toEqual([first, first]);
		await send(3, '/other-platform', true);
		await send(3, '/invoices', true);
		const [other, resend] = keys(before + 3);
		expect(other).not.toBe(first);
		expect(resend).toBe(first.replace('.http.', '.http.3.'));
	});
});
