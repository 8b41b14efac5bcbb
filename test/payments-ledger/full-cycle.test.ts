/**
 * One clearing cycle on one ledger, with fixed dates: invoices built from the priced sample CDRs, then one paid in
 * full, one partly, one overdue through two reminder levels, one disputed and credited.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseInvoicingConfig } from '../../lib/invoice/config';
import { issueInvoices } from '../../lib/issuing';
import { openLedger } from '../../lib/ledger';
import {
	ledgerRemindersDue,
	markReminderSent,
	openDispute,
	recordPayment,
	resolveDispute,
	statusReport,
} from '../../lib/payments/tracking';
import { createPricer, readPricedCdrJson, pricedCdrToJson } from '../../lib/pricing';
import type { PricedCdr } from '../../lib/pricing';

const samples = join(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(join(samples, file), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'payments-cycle-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('builds, pays, dunns, disputes and credits, with statuses and aging derived at each step', async () => {
	const config = parseInvoicingConfig({
		...load('invoice-config.json'),
		invoicing: { ...load('invoice-config.json').invoicing, mode: 'per_cdr', issueDate: '2026-03-02', formats: ['cii'] },
	});
	const pricer = createPricer({ tariffs: load('tariffs.json') });
	const priced = (load('cdrs.json') as Array<{ country_code: string; credit?: boolean }>)
		.filter((cdr) => cdr.country_code === 'FR' && !cdr.credit)
		.slice(0, 4)
		.map((cdr) => (readPricedCdrJson(pricedCdrToJson(pricer.price(cdr as never))) as { priced: PricedCdr }).priced);
	const ledger = await openLedger({ kind: 'sqlite', path: join(dir, 'ledger.sqlite') });
	try {
		const outcome = await issueInvoices(priced, config, ledger);
		expect(outcome.failures).toEqual([]);
		const [full, partly, overdue, disputed] = outcome.documents.map((d) => d.invoice);
		expect(outcome.documents).toHaveLength(4);
		expect(full.dueDate).toBe('2026-04-01');
		const total = (i: typeof full) => i.totals.taxInclusive;
		expect(outcome.documents.map((d) => [d.buyerParty.partyId, total(d.invoice).toFixed(2)])).toEqual([
			['MOB', '6.24'],
			['ROM', '13.44'],
			['CHP', '8.18'],
			['EMS', '1.82'],
		]);

		// Paid in full by its RF reference, partly by its number.
		await recordPayment(ledger, full.payment!.remittanceInformation!, {
			paymentId: 'BANK-1', amount: total(full).toFixed(2), currency: 'EUR', date: '2026-03-20',
		});
		const part = total(partly).dividedBy(2).toDecimalPlaces(2);
		await recordPayment(ledger, partly.number, { paymentId: 'BANK-2', amount: part.toFixed(2), currency: 'EUR', date: '2026-03-25' });

		// Disputed on 2026-03-28 for one CDR, accepted: a credit note for that CDR's line.
		const dispute = await openDispute(ledger, {
			invoice: disputed.number, date: '2026-03-28', reason: 'Session interrupted by a charger fault', cdrIds: [outcome.documents[3].cdrIds[0]],
		});
		const atDispute = await statusReport(ledger, '2026-04-05');
		expect(atDispute.statuses.find((s) => s.invoiceNumber === disputed.number)?.status).toBe('disputed');

		// Reminders: level 1 at D+7, level 2 at D+30 (default schedule); a level marked sent is never due again.
		expect([partly.dueDate, overdue.dueDate]).toEqual(['2026-04-16', '2026-04-01']);
		const first = await ledgerRemindersDue(ledger, { asOf: '2026-04-08' });
		expect(first.map((r) => [r.invoiceNumber, r.level, r.variables.amountDue])).toEqual([[overdue.number, 1, '8.18']]);
		await markReminderSent(ledger, { invoiceNumber: overdue.number, level: 1, date: '2026-04-08' });
		expect(await ledgerRemindersDue(ledger, { asOf: '2026-04-09' })).toEqual([]);

		const resolution = await resolveDispute(ledger, {
			disputeId: dispute.payload.disputeId, date: '2026-04-10', outcome: 'accepted',
			creditNotes: { series: 'EVC-AV', numberPattern: '{series}-{yyyy}-{seq:6}', formats: ['cii'] },
		});
		expect(resolution.creditNote?.invoice).toMatchObject({
			number: 'EVC-AV-2026-000001', typeCode: '381', precedingInvoices: [{ number: disputed.number, issueDate: '2026-03-02' }],
		});
		expect(resolution.creditNote?.invoice.totals.taxInclusive.toFixed(2)).toBe('1.82');

		const second = await ledgerRemindersDue(ledger, { asOf: '2026-05-01' });
		expect(second.map((r) => [r.invoiceNumber, r.level, r.variables.daysOverdue, r.variables.amountDue])).toEqual([
			[partly.number, 1, 15, '6.72'],
			[overdue.number, 2, 30, '8.18'],
		]);
		for (const r of second) await markReminderSent(ledger, { invoiceNumber: r.invoiceNumber, level: r.level, date: '2026-05-01' });

		const report = await statusReport(ledger, '2026-05-01');
		const view = Object.fromEntries(
			report.statuses.map((s) => [
				s.invoiceNumber,
				[s.status, s.total.toFixed(2), s.paid.toFixed(2), s.credited.toFixed(2), s.residual.toFixed(2), s.daysOverdue, s.remindersSent],
			]),
		);
		expect(view).toEqual({
			[full.number]: ['paid', '6.24', '6.24', '0.00', '0.00', 0, []],
			[partly.number]: ['overdue', '13.44', '6.72', '0.00', '6.72', 15, [1]],
			[overdue.number]: ['overdue', '8.18', '0.00', '0.00', '8.18', 30, [1, 2]],
			[disputed.number]: ['credited', '1.82', '0.00', '1.82', '0.00', 0, []],
		});
		expect(report.aging.map((a) => [a.emsp, a.invoiceCount, a.buckets.current.toFixed(2), a.buckets['1-30'].toFixed(2), a.total.toFixed(2)])).toEqual([
			['DE*CHP', 1, '0.00', '8.18', '8.18'],
			['NL*ROM', 1, '0.00', '6.72', '6.72'],
		]);
	} finally {
		await ledger.close();
	}
});
