import { DeliveryError } from '../../lib/delivery/errors';
import { readInvoiceSummary } from '../../lib/delivery/invoice-document';
import { readInvoiceLines } from '../../lib/delivery/invoice-lines';
import { REDACTED, SecretRedactor } from '../../lib/delivery/redaction';
import { backoffDelay, withRetry } from '../../lib/delivery/retry';
import { sampleInvoices } from './fixtures';

const passing = () => new DeliveryError('HTTP_STATUS', 'busy', { transient: true });
const final = () => new DeliveryError('HTTP_AUTH_FAILED', 'refused');

describe('withRetry', () => {
	it('retries passing failures with doubling delays, up to the count, and reports the attempts', async () => {
		const sleeps: number[] = [];
		let calls = 0;
		const error = await withRetry(
			async () => {
				calls++;
				throw passing();
			},
			{ retries: 3, baseDelayMs: 500, sleep: async (ms) => void sleeps.push(ms) },
		).catch((e: DeliveryError) => e);
		expect(calls).toBe(4);
		expect(sleeps).toEqual([500, 1000, 2000]);
		expect((error as DeliveryError).attempts).toBe(4);
	});

	it('never retries a final failure (a refused credential)', async () => {
		let calls = 0;
		await expect(withRetry(async () => {
			calls++;
			throw final();
		}, { retries: 5, baseDelayMs: 1, sleep: async () => undefined })).rejects.toThrow('refused');
		expect(calls).toBe(1);
	});

	it('a count that is not a number means one attempt, never an endless loop', async () => {
		let calls = 0;
		await expect(withRetry(async () => {
			calls++;
			throw passing();
		}, { retries: Number.NaN, baseDelayMs: 1, sleep: async () => undefined })).rejects.toThrow('busy');
		expect(calls).toBe(1);
	});

	it('caps the delay', () => {
		expect(backoffDelay({ retries: 10, baseDelayMs: 1000, maxDelayMs: 5000 }, 6)).toBe(5000);
	});
});

describe('SecretRedactor', () => {
	it('removes secrets as is, in Base64, URL-encoded and as Basic / SMTP PLAIN credentials', () => {
		const r = new SecretRedactor(['p@ss word!'], [['bob', 'p@ss word!']]);
		const basic = Buffer.from('bob:p@ss word!').toString('base64');
		const plain = Buffer.from('\u0000bob\u0000p@ss word!').toString('base64');
		const b64 = Buffer.from('p@ss word!').toString('base64');
		const text = `a p@ss word! b ${encodeURIComponent('p@ss word!')} c Basic ${basic} d ${plain} e ${b64}`;
		expect(r.redact(text)).toBe(`a ${REDACTED} b ${REDACTED} c Basic ${REDACTED} d ${REDACTED} e ${REDACTED}`);
	});

	it('ignores empty and very short secrets rather than shredding every message', () => {
		expect(new SecretRedactor(['', undefined, 'ab']).redact('about a tab')).toBe('about a tab');
	});
});

describe('untrusted items', () => {
	it('refuses items without the Build Invoice marker and items with a broken summary, naming the field', () => {
		expect(() => readInvoiceSummary({ number: 'X' })).toThrow(expect.objectContaining({ code: 'INVOICE_ITEM_NOT_FROM_BUILD_INVOICE', field: 'kind' }));
		expect(() => readInvoiceSummary([])).toThrow(expect.objectContaining({ code: 'INVOICE_ITEM_NOT_FROM_BUILD_INVOICE' }));
		expect(() => readInvoiceSummary({ kind: 'ev-clearing.invoice', number: 'A', typeCode: '380', currency: 'EUR', issueDate: '2026-01-01', buyer: {}, totals: { withVat: '1.00' } })).toThrow(
			expect.objectContaining({ code: 'INVOICE_ITEM_INVALID', field: 'buyer.name' }),
		);
	});

	it('refuses an invoice XML with a DTD (entity expansion) and malformed XML, as clear errors', async () => {
		const { invoice } = await sampleInvoices();
		const bomb = Buffer.from('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>');
		expect(() => readInvoiceLines({ ...invoice.delivery, files: { cii: { fileName: 'x.cii.xml', mimeType: 'application/xml', data: bomb } } })).toThrow(
			expect.objectContaining({ code: 'INVOICE_LINES_UNREADABLE', message: expect.stringContaining('declares a DTD') }),
		);
		const noLines = Buffer.from('<rsm:CrossIndustryInvoice xmlns:rsm="urn:x"></rsm:CrossIndustryInvoice>');
		expect(() => readInvoiceLines({ ...invoice.delivery, files: { cii: { fileName: 'y.cii.xml', mimeType: 'application/xml', data: noLines } } })).toThrow(
			expect.objectContaining({ code: 'INVOICE_LINES_UNREADABLE', message: expect.stringContaining('has no invoice line') }),
		);
	});
});
