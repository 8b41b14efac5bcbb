/**
 * Issue 13.1 / 13.2 on the list path (issueInvoices): one bad line costs that line, never the run; a CDR the quality
 * checks reject is never numbered unless the caller accepts it; an unusable ledger stops the run with its own error.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseInvoicingConfig } from '../../lib/invoice/config';
import { issueInvoices } from '../../lib/issuing';
import { LedgerError, openLedger } from '../../lib/ledger';
import type { Ledger } from '../../lib/ledger';
import { createPricer } from '../../lib/pricing';
import type { PricedCdr } from '../../lib/pricing';

const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8'));
const config = parseInvoicingConfig(load('invoice-config.json'));
const pricer = createPricer({ tariffs: load('tariffs.json') });
const cdrs = (load('cdrs.json') as Array<{ country_code: string; credit?: boolean }>).filter((c) => c.country_code === 'FR' && !c.credit);
const priced = (): PricedCdr[] => cdrs.map((c) => ({ ...pricer.price(c as never), quality: { valid: true, codes: [] } }));

async function freshLedger(): Promise<Ledger> {
	return openLedger({ kind: 'sqlite', path: path.join(mkdtempSync(path.join(tmpdir(), 'bad-lines-')), 'ledger.sqlite') });
}

describe('issueInvoices: one bad line fails on its own', () => {
	it('bills a CDR repeated in the input once, and reports the repeat with the number of its first occurrence', async () => {
		const ledger = await freshLedger();
		const list = priced();
		const outcome = await issueInvoices([...list, list[0], list[3]], config, ledger);
		expect(outcome.failures).toEqual([]);
		expect(outcome.documents.flatMap((d) => d.cdrIds).sort()).toEqual(list.map((p) => p.id).sort());
		expect(outcome.alreadyInvoiced.map((a) => a.index)).toEqual([list.length, list.length + 1]);
		const numberOf = (id: string) => outcome.documents.find((d) => d.cdrIds.includes(id))!.invoice.number;
		expect(outcome.alreadyInvoiced[0].invoiceNumber).toBe(numberOf(list[0].id));
		await ledger.close();
	});

	it('fails an unpriceable CDR without party_id (CDR_UNPRICEABLE) and invoices the rest', async () => {
		const ledger = await freshLedger();
		const broken = { ...(cdrs[1] as object), party_id: undefined, id: 'NO-PARTY-1' };
		const bad = { ...pricer.price(broken as never), quality: { valid: true, codes: [] } };
		expect(bad.status).toBe('unpriceable');
		const outcome = await issueInvoices([bad, ...priced()], config, ledger);
		expect(outcome.failures).toEqual([expect.objectContaining({ index: 0, code: 'CDR_UNPRICEABLE' })]);
		expect(outcome.documents.flatMap((d) => d.cdrIds)).toHaveLength(cdrs.length);
		await ledger.close();
	});

	it('fails a priced CDR the ledger cannot key (CDR_REF_INVALID) alone', async () => {
		const ledger = await freshLedger();
		const list = priced();
		list[2] = { ...list[2], party_id: 'TOOLONG' };
		const outcome = await issueInvoices(list, config, ledger);
		expect(outcome.failures.map((f) => [f.index, f.code])).toEqual([[2, expect.stringMatching(/^(CDR_REF_INVALID|SELLER_MISMATCH)$/)]]);
		expect(outcome.documents.flatMap((d) => d.cdrIds)).toHaveLength(cdrs.length - 1);
		await ledger.close();
	});
});

describe('issueInvoices: the quality checks gate the numbering', () => {
	it('refuses a CDR whose quality verdict rejects it (CDR_QUALITY_REJECTED, codes in the message), numbering the rest', async () => {
		const ledger = await freshLedger();
		const list = priced();
		list[1] = { ...list[1], quality: { valid: false, codes: ['CDR_ENERGY_NEGATIVE', 'CDR_ID_TOO_LONG'] } };
		const outcome = await issueInvoices(list, config, ledger);
		expect(outcome.failures).toEqual([
			expect.objectContaining({ index: 1, code: 'CDR_QUALITY_REJECTED', message: expect.stringContaining('CDR_ENERGY_NEGATIVE, CDR_ID_TOO_LONG') }),
		]);
		expect((await ledger.findInvoicedCdrs([{ country_code: 'FR', party_id: 'EVC', id: list[1].id }])).size).toBe(0);
		expect(outcome.documents.flatMap((d) => d.cdrIds)).toHaveLength(cdrs.length - 1);
		await ledger.close();
	});

	it('bills it when the caller explicitly accepts invalid CDRs', async () => {
		const ledger = await freshLedger();
		const list = priced();
		list[1] = { ...list[1], quality: { valid: false, codes: ['CDR_ENERGY_NEGATIVE'] } };
		const outcome = await issueInvoices(list, config, ledger, { acceptInvalidCdrs: true });
		expect(outcome.failures).toEqual([]);
		expect(outcome.documents.flatMap((d) => d.cdrIds)).toContain(list[1].id);
		await ledger.close();
	});

	it('refuses CDRs priced without the checks when a verdict is required (CDR_QUALITY_UNCHECKED)', async () => {
		const ledger = await freshLedger();
		const list = priced().map(({ quality: _quality, ...p }) => p as PricedCdr);
		const outcome = await issueInvoices(list, config, ledger, { requireQualityVerdict: true });
		expect(outcome.documents).toEqual([]);
		expect(new Set(outcome.failures.map((f) => f.code))).toEqual(new Set(['CDR_QUALITY_UNCHECKED']));
		await ledger.close();
	});
});

describe('issueInvoices: an unusable ledger stops the run', () => {
	it('rethrows an operational LedgerError instead of failing CDR after CDR', async () => {
		const ledger = await freshLedger();
		const down = new Proxy(ledger, {
			get(target, property, receiver) {
				if (property === 'issue') return async () => Promise.reject(new LedgerError('LEDGER_UNREACHABLE', 'PostgreSQL does not answer.'));
				const value = Reflect.get(target, property, receiver);
				return typeof value === 'function' ? value.bind(target) : value;
			},
		});
		await expect(issueInvoices(priced(), config, down)).rejects.toMatchObject({ code: 'LEDGER_UNREACHABLE' });
		await ledger.close();
	});
});
