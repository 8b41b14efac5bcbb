import { emailChannel } from '../../lib/delivery/channels';
import { deliverInvoice } from '../../lib/delivery/deliver';
import { createSmtpSender, emailRecipients, smtpRedactor } from '../../lib/delivery/email';
import type { SmtpSettings } from '../../lib/delivery/email';
import { DeliveryError } from '../../lib/delivery/errors';
import type { InvoiceDocument } from '../../lib/delivery/invoice-document';
import { DEFAULT_BODY, DEFAULT_SUBJECT, renderTemplate } from '../../lib/delivery/templates';
import { openLedger } from '../../lib/ledger';
import type { Ledger } from '../../lib/ledger';
import { ledgerCopy, sampleInvoices } from './fixtures';
import type { SampleInvoices } from './fixtures';
import { SMTP_PASSWORD, SMTP_USER, leaves, parseMime, startSmtpServer } from './smtp-server';
import type { TestSmtpServer } from './smtp-server';

let server: TestSmtpServer;
let samples: SampleInvoices;
let ledger: Ledger;

beforeAll(async () => {
	[server, samples] = await Promise.all([startSmtpServer(), sampleInvoices()]);
	ledger = await openLedger({ kind: 'sqlite', path: await ledgerCopy() });
});
afterAll(async () => {
	await ledger.close();
	await server.close();
});

const settings = (over: Partial<SmtpSettings> = {}): SmtpSettings => ({
	host: '127.0.0.1',
	port: server.port,
	secure: false,
	user: SMTP_USER,
	password: SMTP_PASSWORD,
	rejectUnauthorized: true,
	timeoutMs: 5000,
	credentialLabel: 'CPO mail relay',
	...over,
});

function channelFor(s: SmtpSettings) {
	const sender = createSmtpSender(s);
	const adapter = emailChannel(sender, (doc: InvoiceDocument) => ({
		from: 'EV Charge France <facturation@evcharge-france.example>',
		to: emailRecipients(doc, []),
		subject: renderTemplate(DEFAULT_SUBJECT, doc.summary, 'subject'),
		text: renderTemplate(DEFAULT_BODY, doc.summary, 'body'),
		attachXml: 'cii',
	}));
	return { sender, adapter };
}

const noWait = { retries: 2, baseDelayMs: 1, sleep: async () => undefined };

describe('e-mail delivery to a real SMTP server', () => {
	it('sends the invoice: headers, body, the Factur-X PDF byte for byte and the CII XML; records the delivery', async () => {
		const { invoice } = samples;
		const { sender, adapter } = channelFor(settings());
		const outcome = await deliverInvoice(invoice.delivery, adapter, {
			ledger,
			resend: false,
			retry: noWait,
			redactor: smtpRedactor(settings()),
		});
		sender.close();
		expect(outcome).toMatchObject({ status: 'sent', channel: 'email', attempts: 1 });
		const mail = server.received.at(-1)!;
		expect(mail.to).toEqual(['factures@mobilis-france.example']);
		expect(mail.from).toBe('facturation@evcharge-france.example');
		const message = parseMime(mail.raw);
		expect(message.headers.from).toBe('EV Charge France <facturation@evcharge-france.example>');
		expect(message.headers.to).toBe('factures@mobilis-france.example');
		// The document's language (the French seller's, Mobilis having none of its own), with its dates and decimal mark.
		expect(message.headers.subject).toBe('Facture EVC-2026-000001 de EV Charge France SAS');
		expect(message.headers['message-id']).toBe((outcome as { remoteId: string }).remoteId);
		const parts = leaves(message);
		const text = parts.find((p) => p.headers['content-type']?.startsWith('text/plain'))!;
		expect(text.body.toString('utf8')).toContain(
			"Veuillez trouver ci-joint notre facture EVC-2026-000001 du 02/11/2026, d'un montant de 79,85 EUR TTC (échéance le 02/12/2026).",
		);
		expect(text.body.toString('utf8')).toContain(`référence de paiement ${invoice.summary.paymentReference}`);
		const pdf = parts.find((p) => p.headers['content-type']?.startsWith('application/pdf'))!;
		expect(pdf.headers['content-disposition']).toContain('filename=EVC-2026-000001.pdf');
		expect(pdf.body.equals(invoice.delivery.files.facturx!.data)).toBe(true);
		const xml = parts.find((p) => p.headers['content-type']?.startsWith('application/xml'))!;
		expect(xml.body.equals(invoice.delivery.files.cii!.data)).toBe(true);

		const events = await ledger.events({ invoiceNumber: 'EVC-2026-000001', type: 'DELIVERY_SUCCEEDED' });
		expect(events).toHaveLength(1);
		expect(events[0].payload).toMatchObject({
			channel: 'email',
			outcome: 'sent',
			remoteId: message.headers['message-id'],
			attempts: 1,
		});
	});

	it('does not send twice: without Resend the second run reports the earlier message id; with Resend it sends', async () => {
		const { invoice } = samples;
		const before = server.received.length;
		const { sender, adapter } = channelFor(settings());
		const options = { ledger, resend: false, retry: noWait, redactor: smtpRedactor(settings()) };
		const first = await ledger.events({ invoiceNumber: invoice.summary.number, type: 'DELIVERY_SUCCEEDED' });
		const again = await deliverInvoice(invoice.delivery, adapter, options);
		expect(again).toEqual({
			status: 'already_sent',
			channel: 'email',
			remoteId: (first[0].payload as { remoteId: string }).remoteId,
			at: (first[0].payload as { at: string }).at,
		});
		expect(server.received.length).toBe(before);
		const resent = await deliverInvoice(invoice.delivery, adapter, { ...options, resend: true });
		sender.close();
		expect(resent.status).toBe('sent');
		expect(resent.remoteId).not.toBe(again.remoteId);
		expect(server.received.length).toBe(before + 1);
	});

	it('retries a 451 answer and succeeds on the third attempt', async () => {
		const doc = samples.all[1].delivery;
		server.failNext(2);
		const sleeps: number[] = [];
		const { sender, adapter } = channelFor(settings());
		const outcome = await deliverInvoice(doc, adapter, {
			ledger,
			resend: false,
			retry: { retries: 3, baseDelayMs: 100, sleep: async (ms) => void sleeps.push(ms) },
			redactor: smtpRedactor(settings()),
		});
		sender.close();
		expect(outcome).toMatchObject({ status: 'sent', attempts: 3 });
		expect(sleeps).toEqual([100, 200]);
		expect(server.received.at(-1)!.to).toEqual(['invoices@roam-netherlands.example']);
	});

	it('gives up after the retries on repeated 451, recording the failure', async () => {
		const doc = samples.all[2].delivery;
		server.failNext(5);
		const { sender, adapter } = channelFor(settings());
		const outcome = await deliverInvoice(doc, adapter, {
			ledger,
			resend: false,
			retry: { retries: 1, baseDelayMs: 1, sleep: async () => undefined },
			redactor: smtpRedactor(settings()),
		});
		sender.close();
		server.failNext(0);
		expect(outcome).toMatchObject({ status: 'failed', code: 'SMTP_UNAVAILABLE', attempts: 2 });
		const events = await ledger.events({ invoiceNumber: doc.summary.number, type: 'DELIVERY_FAILED' });
		expect(events.at(-1)!.payload).toMatchObject({ outcome: 'failed', reason: { code: 'SMTP_UNAVAILABLE' }, attempts: 2 });
	});

	it('a refused login (535) is not retried, names the credential and never shows the password', async () => {
		const wrong = settings({ password: 'Wr0ng-Pa55word-xyz' });
		const authBefore = server.authAttempts;
		const { sender, adapter } = channelFor(wrong);
		const outcome = await deliverInvoice(samples.all[3].delivery, adapter, {
			ledger,
			resend: false,
			retry: { retries: 3, baseDelayMs: 1, sleep: async () => undefined },
			redactor: smtpRedactor(wrong),
		});
		sender.close();
		expect(outcome).toMatchObject({ status: 'failed', code: 'SMTP_AUTH_FAILED', attempts: 1 });
		expect(server.authAttempts - authBefore).toBe(1);
		const failure = outcome as { message: string };
		expect(failure.message).toContain('SMTP credential "CPO mail relay"');
		expect(failure.message).toContain(SMTP_USER);
		const events = await ledger.events({ invoiceNumber: samples.all[3].summary.number, type: 'DELIVERY_FAILED' });
		expect(events).toHaveLength(1);
		const everything = JSON.stringify([outcome, events]);
		expect(everything).not.toContain('Wr0ng-Pa55word-xyz');
		expect(everything).not.toContain(Buffer.from(`\u0000${SMTP_USER}\u0000Wr0ng-Pa55word-xyz`).toString('base64'));
	});

	it('an unreachable server is a passing failure (retried)', async () => {
		const closed = settings({ port: 1, timeoutMs: 2000 });
		const { sender, adapter } = channelFor(closed);
		const outcome = await deliverInvoice(samples.all[3].delivery, adapter, {
			ledger,
			resend: true,
			retry: { retries: 1, baseDelayMs: 1, sleep: async () => undefined },
			redactor: smtpRedactor(closed),
		});
		sender.close();
		expect(outcome).toMatchObject({ status: 'failed', code: 'SMTP_UNAVAILABLE', attempts: 2 });
	});
});

describe('recipients and templates', () => {
	it('a buyer without e-mail address is a clear error naming the field', async () => {
		const doc = samples.invoice.delivery;
		const noMail = { ...doc, summary: { ...doc.summary, buyer: { ...doc.summary.buyer, email: null } } };
		expect(() => emailRecipients(noMail, [])).toThrow(DeliveryError);
		expect(() => emailRecipients(noMail, [])).toThrow(/Mobilis France SAS" has no e-mail address/);
		expect(emailRecipients(noMail, ['ap@mobilis.example'])).toEqual(['ap@mobilis.example']);
		expect(() => emailRecipients(noMail, ['not-an-address'])).toThrow(/"not-an-address" is not an e-mail address/);
	});

	it('fills placeholders from the summary and refuses unknown ones', () => {
		const s = samples.creditNote.summary;
		expect(renderTemplate('{{documentType}} {{number}} corrects {{correctsInvoiceNumber}}: {{totals.withVat}} {{currency}}', s)).toBe(
			'Credit note EVC-AV-2026-000001 corrects EVC-2026-000003: 26.19 EUR',
		);
		expect(() => renderTemplate('Hello {{buyer.iban}}', s, 'subject')).toThrow(
			expect.objectContaining({ code: 'TEMPLATE_FIELD_UNKNOWN', field: 'subject' }),
		);
	});
});
