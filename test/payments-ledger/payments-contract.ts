/**
 * Payment tracking over a ledger store: the same suite runs against SQLite and PostgreSQL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { createCreditorReference, formatCreditorReference } from '../../lib/invoice/creditor-reference';
import type { Ledger, LedgerConfig } from '../../lib/ledger';
import { openLedger } from '../../lib/ledger';
import {
	BANK_ENTRY_MATCHED,
	BANK_ENTRY_UNMATCHED,
	importBankStatement,
	markReminderSent,
	matchBankEntry,
	openBankEntries,
	ledgerRemindersDue,
	openDispute,
	recordPayment,
	resolveDispute,
	statusReport,
} from '../../lib/payments/tracking';
import type { StatementImport } from '../../lib/payments/tracking';
import { issueSampleInvoices, numberOf } from './fixtures';

const SAMPLES = join(__dirname, '../../samples/camt');
const camt = (name: string) => readFileSync(join(SAMPLES, name));

export interface PaymentsStoreHarness {
	freshConfig: () => Promise<LedgerConfig>;
	cleanup: () => Promise<void>;
}

const allocations = (result: StatementImport) =>
	result.matched.map(({ events }) => events.map((e) => [e.invoiceNumber, e.payload.amount, e.payload.source]));

async function statusesOf(ledger: Ledger, asOf: string) {
	const { statuses } = await statusReport(ledger, asOf);
	return Object.fromEntries(statuses.map((s) => [s.invoiceNumber.slice(-3), [s.status, s.residual.toFixed(2)]]));
}

export function describePaymentsOnLedger(harness: PaymentsStoreHarness): void {
	let ledger: Ledger;

	beforeAll(async () => {
		ledger = await openLedger(await harness.freshConfig());
		await issueSampleInvoices(ledger);
	});

	afterAll(async () => {
		await ledger.close();
		await harness.cleanup();
	});

	it('imports the camt.053 v08 statement: matched, unmatched and skipped as the bank booked them', async () => {
		const result = await importBankStatement(ledger, camt('camt053-v08-2026-04-02.xml'));
		expect(allocations(result)).toEqual([
			[[numberOf(101), '1250.4', 'creditor_reference']],
			[[numberOf(104), '2210.75', 'creditor_reference']],
			[[numberOf(105), '705.37', 'invoice_number']],
			[
				[numberOf(102), '842.16', 'invoice_number'],
				[numberOf(103), '357.84', 'invoice_number'],
			],
			[[numberOf(106), '500', 'invoice_number']],
			[[numberOf(107), '431.55', 'amount_and_payer']],
		]);
		expect(result.unmatched).toHaveLength(1);
		const [unmatched] = result.unmatched;
		expect(unmatched.match.transaction.amount.toFixed(2)).toBe('99.90');
		expect(unmatched.match.notes.map((n) => n.code)).toEqual(['CREDITOR_REFERENCE_INVALID']);
		expect(unmatched.match.candidates).toContainEqual(
			expect.objectContaining({ invoiceNumber: numberOf(111), reason: 'CURRENCY_MISMATCH' }),
		);
		expect(result.skipped.map((s) => s.reason)).toEqual(['DEBIT', 'NOT_BOOKED']);
		expect(result.alreadyRecorded).toEqual([]);
	});

	it('derives the statuses from the recorded payments', async () => {
		expect(await statusesOf(ledger, '2026-04-02')).toEqual({
			'101': ['paid', '0.00'],
			'102': ['paid', '0.00'],
			'103': ['paid', '-42.84'],
			'104': ['paid', '0.00'],
			'105': ['paid', '0.00'],
			'106': ['partially_paid', '480.00'],
			'107': ['paid', '0.00'],
			'108': ['pending', '2034.08'],
			'109': ['pending', '400.00'],
			'110': ['pending', '1789.33'],
			'111': ['pending', '99.90'],
			'112': ['pending', '612.00'],
		});
	});

	it('records nothing twice when the same statement is imported again', async () => {
		const before = (await ledger.events({ type: 'PAYMENT_RECORDED' })).length;
		const again = await importBankStatement(ledger, camt('camt053-v08-2026-04-02.xml'));
		expect(again.matched).toEqual([]);
		expect(again.alreadyRecorded).toHaveLength(6);
		expect(again.unmatched).toHaveLength(1);
		expect((await ledger.events({ type: 'PAYMENT_RECORDED' })).length).toBe(before);
		expect(before).toBe(7);
	});

	it('records each payment once even when two imports of one statement race each other', async () => {
		const racing = await openLedger(await harness.freshConfig());
		try {
			await issueSampleInvoices(racing);
			const statement = camt('camt053-v08-2026-04-02.xml');
			await Promise.all([importBankStatement(racing, statement), importBankStatement(racing, statement)]);
			const recorded = await racing.events({ type: 'PAYMENT_RECORDED' });
			const facts = recorded.map((e) => `${(e.payload as { paymentId: string }).paymentId}:${e.invoiceNumber}`);
			expect(new Set(facts).size).toBe(facts.length);
			// The seven allocations of the statement (six transfers, one split over two invoices), once each.
			expect(facts).toHaveLength(7);
		} finally {
			await racing.close();
		}
	});

	it('finishes a split payment interrupted after its first allocation (idempotency per allocation)', async () => {
		const crashed = await openLedger(await harness.freshConfig());
		try {
			await issueSampleInvoices(crashed);
			const statement = camt('camt053-v08-2026-04-02.xml');
			// The process dies right after the transfer naming 102 and 103 has its first allocation saved.
			const dying: Ledger = Object.create(crashed);
			dying.recordEvent = async (event) => {
				if (event.invoiceNumber === numberOf(103)) throw new Error('killed');
				return crashed.recordEvent(event);
			};
			await expect(importBankStatement(dying, statement)).rejects.toThrow('killed');
			expect((await statusesOf(crashed, '2026-04-02'))['103']).toEqual(['pending', '315.00']);

			const rerun = await importBankStatement(crashed, statement);
			// The split transfer is finished on 103 alone; the transfers after it in the statement are recorded now.
			expect(allocations(rerun)).toContainEqual([[numberOf(103), '357.84', 'invoice_number']]);
			expect(allocations(rerun).flat().map(([number]) => number)).not.toContain(numberOf(102));
			const statuses = await statusesOf(crashed, '2026-04-02');
			expect(statuses['102']).toEqual(['paid', '0.00']);
			expect(statuses['103']).toEqual(['paid', '-42.84']);
			expect(statuses['107']).toEqual(['paid', '0.00']);
			const again = await importBankStatement(crashed, statement);
			expect(again.matched).toEqual([]);
			expect(again.alreadyRecorded).toHaveLength(6);
			expect(await crashed.events({ type: 'PAYMENT_RECORDED' })).toHaveLength(7);
		} finally {
			await crashed.close();
		}
	});

	it('imports the camt.054 notifications (v08 RF typed in free text, v02 Latin-1 invoice number)', async () => {
		const v08 = await importBankStatement(ledger, camt('camt054-v08-2026-04-03.xml'));
		expect(allocations(v08)).toEqual([[[numberOf(110), '1789.33', 'creditor_reference']]]);
		const v02 = await importBankStatement(ledger, camt('camt054-v02-2026-04-03.xml'));
		expect(allocations(v02)).toEqual([[[numberOf(112), '612', 'invoice_number']]]);
	});

	it('applies the v02 recall to the payment it reverses, and only once', async () => {
		const result = await importBankStatement(ledger, camt('camt053-v02-2026-04-07.xml'));
		expect(allocations(result)).toEqual([
			[[numberOf(108), '2034.08', 'creditor_reference']],
			[[numberOf(109), '377.46', 'invoice_number']],
		]);
		expect(result.reversals.map((r) => (r.status === 'matched' ? r.events.map((e) => [e.invoiceNumber, e.payload.amount]) : r))).toEqual([
			[
				[numberOf(103), '357.84'],
				[numberOf(102), '842.16'],
			],
		]);
		const again = await importBankStatement(ledger, camt('camt053-v02-2026-04-07.xml'));
		expect(again.reversals).toEqual([]);
		expect(again.alreadyReversed).toHaveLength(1);
		expect(again.alreadyRecorded).toHaveLength(2);

		const statuses = await statusesOf(ledger, '2026-04-07');
		expect(statuses['102']).toEqual(['overdue', '842.16']);
		expect(statuses['103']).toEqual(['overdue', '315.00']);
		expect(statuses['108']).toEqual(['paid', '0.00']);
		expect(statuses['109']).toEqual(['overdue', '22.54']);
		expect(statuses['110']).toEqual(['paid', '0.00']);
	});

	it('records a manual payment by RF reference once, and refuses another currency', async () => {
		const first = await recordPayment(ledger, formatCreditorReference(createCreditorReference(numberOf(109))), {
			paymentId: 'manual-109',
			amount: '22.54',
			currency: 'EUR',
			date: '2026-04-08',
		});
		expect(first.outcome).toBe('recorded');
		expect(first.status.status).toBe('paid');
		const again = await recordPayment(ledger, numberOf(109), {
			paymentId: 'manual-109',
			amount: '22.54',
			currency: 'EUR',
			date: '2026-04-08',
		});
		expect(again.outcome).toBe('already_recorded');
		await expect(
			recordPayment(ledger, numberOf(111), { paymentId: 'chf', amount: '99.90', currency: 'EUR', date: '2026-04-08' }),
		).rejects.toMatchObject({ code: 'PAYMENT_CURRENCY_MISMATCH', field: 'currency' });
		await expect(
			recordPayment(ledger, 'INV-2026-999999', { paymentId: 'x', amount: '1', currency: 'EUR', date: '2026-04-08' }),
		).rejects.toMatchObject({ code: 'INVOICE_NOT_FOUND', field: 'invoice' });
	});

	it('marks a reminder level once, and a disputed-then-credited invoice leaves the aging', async () => {
		const due = await ledgerRemindersDue(ledger, { asOf: '2026-04-11' });
		expect(due.map((r) => [r.invoiceNumber.slice(-3), r.level, r.variables.amountDue])).toEqual([
			['102', 1, '842.16'],
			['103', 1, '315.00'],
			['106', 1, '480.00'],
			['111', 1, '99.90'],
		]);
		expect((await markReminderSent(ledger, { invoiceNumber: numberOf(111), level: 1, date: '2026-04-11' })).outcome).toBe('marked');
		expect((await markReminderSent(ledger, { invoiceNumber: numberOf(111), level: 1, date: '2026-04-11' })).outcome).toBe(
			'already_sent',
		);
		expect((await ledgerRemindersDue(ledger, { asOf: '2026-04-11' })).map((r) => r.invoiceNumber.slice(-3))).toEqual(['102', '103', '106']);

		const dispute = await openDispute(ledger, { invoice: numberOf(111), date: '2026-04-12', reason: 'Session billed twice', amountClaimed: '99.90' });
		expect(dispute.payload.disputeId).toBe(`${numberOf(111)}-D1`);
		const resolution = await resolveDispute(ledger, {
			disputeId: dispute.payload.disputeId,
			date: '2026-04-15',
			outcome: 'accepted',
			creditNotes: { series: 'CN', numberPattern: '{series}-{yyyy}-{seq:6}', formats: ['cii'] },
		});
		expect(resolution.creditNote?.invoice.number).toBe('CN-2026-000001');
		expect(resolution.creditNote?.invoice.totals.taxInclusive.toFixed(2)).toBe('99.90');
		const report = await statusReport(ledger, '2026-04-15');
		expect(report.statuses.find((s) => s.invoiceNumber === numberOf(111))?.status).toBe('credited');
		expect(report.aging.map((line) => [line.emsp, line.currency, line.total.toFixed(2), line.buckets['1-30'].toFixed(2)])).toEqual([
			['DE*CPP', 'EUR', '1157.16', '1157.16'],
			['FR*MOB', 'EUR', '480.00', '480.00'],
		]);
	});
	it('keeps the bank entry no invoice matched, once, and lets a person match it, recording who did', async () => {
		const paid108 = async () => (await statusReport(ledger, '2026-04-15')).statuses.find((s) => s.invoiceNumber === numberOf(108))!.paid;
		const paidBefore = await paid108();
		const [open] = await openBankEntries(ledger);
		expect(open.entry).toMatchObject({ amount: '99.9', currency: 'EUR', message: expect.any(String) });
		expect(open.entry.candidates.map((c) => c.invoiceNumber)).toContain(numberOf(111));
		// Imported twice above: kept once.
		expect(await ledger.events({ type: BANK_ENTRY_UNMATCHED })).toHaveLength(1);
		await expect(matchBankEntry(ledger, { key: open.entry.key, invoice: numberOf(111), by: 'alice' })).rejects.toMatchObject({
			code: 'PAYMENT_CURRENCY_MISMATCH',
		});
		const result = await matchBankEntry(ledger, { key: open.entry.key, invoice: numberOf(108), by: 'alice' });
		expect(result.payment.payload).toMatchObject({ paymentId: open.entry.key, amount: '99.9', source: 'manual', date: open.entry.bookingDate });
		expect(result.matched).toMatchObject({ key: open.entry.key, invoiceNumber: numberOf(108), by: 'alice' });
		expect((await ledger.events({ type: BANK_ENTRY_MATCHED })).map((e) => [e.invoiceNumber, (e.payload as { by: string }).by])).toEqual([[numberOf(108), 'alice']]);
		expect(await openBankEntries(ledger)).toEqual([]);
		await expect(matchBankEntry(ledger, { key: open.entry.key, invoice: numberOf(108), by: 'bob' })).rejects.toMatchObject({ code: 'BANK_ENTRY_ALREADY_MATCHED' });
		await expect(matchBankEntry(ledger, { key: 'no-such-entry', invoice: numberOf(108), by: 'bob' })).rejects.toMatchObject({ code: 'BANK_ENTRY_NOT_FOUND' });
		// The statement imported again: the entry is paid now, nothing is recorded twice.
		const before = (await ledger.events({ type: 'PAYMENT_RECORDED' })).length;
		const again = await importBankStatement(ledger, camt('camt053-v08-2026-04-02.xml'));
		expect(again.unmatched).toEqual([]);
		expect(again.alreadyRecorded).toHaveLength(7);
		expect((await ledger.events({ type: 'PAYMENT_RECORDED' })).length).toBe(before);
		expect((await paid108()).minus(paidBefore).toFixed(2)).toBe('99.90');
	});
}
