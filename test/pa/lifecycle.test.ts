/**
 * Lifecycle statuses from the local PA into the ledger (the standard's example CDAR flows, renumbered to our
 * invoices), their effect on payment statuses, reminders and disputes, and the seller's 212 Encaissée deposited.
 */
import { paChannel } from '../../lib/delivery/channels';
import { deliverInvoice } from '../../lib/delivery/deliver';
import { createPaClient } from '../../lib/delivery/pa';
import type { PaClient } from '../../lib/delivery/pa';
import type { Ledger } from '../../lib/ledger';
import { dec } from '../../lib/money';
import {
	ledgerRemindersDue,
	pullLifecycleStatuses,
	recordLifecycleFile,
	recordPayment,
	reportCashedStatuses,
	resolveDispute,
	statusReport,
	vatDueOn,
} from '../../lib/payments/tracking';
import { clearingReport, renderReportHtml } from '../../lib/report';
import { FakePa, HAVE_FR_REFORM, exampleCdar } from '../helpers/fake-pa';
import { BUYER_SIREN, SELLER_SIREN, issueFrenchInvoices } from './fixtures';
import type { FrenchLedger } from './fixtures';

const describeWithReference = HAVE_FR_REFORM ? describe : describe.skip;
const noWait = { retries: 1, baseDelayMs: 1, sleep: async () => undefined };

let pa: FakePa;
let issued: FrenchLedger | undefined;

beforeAll(async () => {
	if (!HAVE_FR_REFORM) return;
	pa = await new FakePa().start();
	pa.addDirectoryLine({ addressingIdentifier: BUYER_SIREN, siren: BUYER_SIREN });
});
beforeEach(() => {
	if (!HAVE_FR_REFORM) return;
	pa.flows.length = 0;
	pa.invalidCdars.length = 0;
});
afterEach(async () => {
	await issued?.ledger.close();
	issued = undefined;
	if (!HAVE_FR_REFORM) return;
	expect(pa.invalidRequests).toEqual([]);
	expect(pa.invalidResponses).toEqual([]);
	expect(pa.invalidCdars).toEqual([]);
});
afterAll(async () => pa?.stop());

async function depositAll(ledger: Ledger, client: PaClient, documents: FrenchLedger['french']): Promise<void> {
	for (const document of documents) {
		const outcome = await deliverInvoice(document, paChannel(client, ledger), { ledger, resend: false, retry: noWait, redactor: client.api.redactor });
		expect(outcome.status).toBe('sent');
	}
}

const offer = (example: string, invoiceNumber: string) =>
	pa.offerLifecycle(example, { invoiceNumber, sellerSiren: SELLER_SIREN, buyerSiren: BUYER_SIREN });

describeWithReference('lifecycle statuses from the platform', () => {
	it('pulls the flows, records each status once per invoice, and shows the latest', async () => {
		issued = await issueFrenchInvoices();
		const { ledger, french } = issued;
		const client = createPaClient(pa.connection());
		await depositAll(ledger, client, french.slice(0, 1));
		const number = french[0].summary.number;
		for (const example of [
			'UC1_F202500003_01-CDV-200_Deposee.xml',
			'UC1_F202500003_02-CDV-202_Recue.xml',
			'UC1_F202500003_03-CDV-203_Mise_a_disposition.xml',
			'UC1_F202500003_04-CDV-204_Prise_en_charge.xml',
			'UC1_F202500003_05-CDV-205_Approuvee.xml',
		]) {
			offer(example, number);
		}
		const first = await pullLifecycleStatuses(ledger, client);
		expect(first.outcomes.map((o) => [o.invoiceNumber, o.code, o.outcome])).toEqual([
			[number, '200', 'recorded'],
			[number, '202', 'recorded'],
			[number, '203', 'recorded'],
			[number, '204', 'recorded'],
			[number, '205', 'recorded'],
		]);
		const again = await pullLifecycleStatuses(ledger, client);
		expect(again).toMatchObject({ outcomes: [], flowsRead: 0 });
		expect(await ledger.events({ invoiceNumber: number, type: 'LIFECYCLE_STATUS' })).toHaveLength(5);
		const { statuses } = await statusReport(ledger, '2026-11-10', { invoice: number });
		expect(statuses[0]).toMatchObject({ status: 'pending', lifecycle: { code: '205', label: 'Approuvée', source: 'buyer', date: '2025-07-02' } });
	});

	it('213 Rejetée: not legally issued — no reminder, out of the aging, listed as rejected with the reason', async () => {
		issued = await issueFrenchInvoices();
		const { ledger, french } = issued;
		const [rejected, kept] = french;
		const outcomes = await recordLifecycleFile(ledger, exampleCdar('UC2_F202500004_02-CDV-213_Rejetee.xml', { invoiceNumber: rejected.summary.number, sellerSiren: SELLER_SIREN, buyerSiren: BUYER_SIREN }));
		expect(outcomes).toMatchObject([{ invoiceNumber: rejected.summary.number, code: '213', outcome: 'recorded' }]);
		const asOf = '2027-03-01';
		const report = await statusReport(ledger, asOf);
		const byNumber = new Map(report.statuses.map((s) => [s.invoiceNumber, s]));
		expect(byNumber.get(rejected.summary.number)).toMatchObject({
			status: 'rejected',
			lifecycle: { code: '213', label: 'Rejetée', reasons: [{ code: 'DOUBLON', text: 'Facture en doublon (déjà émise / réçue)' }] },
		});
		expect(byNumber.get(kept.summary.number)!.status).toBe('overdue');
		const reminders = await ledgerRemindersDue(ledger, { asOf });
		expect(reminders.map((r) => r.invoiceNumber)).toContain(kept.summary.number);
		expect(reminders.map((r) => r.invoiceNumber)).not.toContain(rejected.summary.number);
		const clearing = await clearingReport({ verdicts: [], priced: [], ledger, asOf });
		expect(clearing.lifecycle).toEqual({
			byStatus: [{ code: '213', label: 'Rejetée', count: 1 }],
			attention: [
				{ invoiceNumber: rejected.summary.number, emsp: 'FR*MOB', code: '213', label: 'Rejetée', date: '2025-07-01', reason: 'DOUBLON Facture en doublon (déjà émise / réçue)', paymentStatus: 'rejected' },
			],
		});
		expect(renderReportHtml(clearing)).toMatch(new RegExp(`data-testid="lifecycle-attention".*${rejected.summary.number}.*213 Rejetée`, 's'));
		const frAging = report.aging.find((line) => line.emsp === 'FR*MOB')!;
		const open = report.statuses.filter((s) => s.emsp === 'FR*MOB' && s.status === 'overdue');
		expect(frAging.total.toFixed(2)).toBe(open.reduce((t, s) => t.plus(s.residual), dec('0')).toFixed(2));
	});

	it('210 Refusée opens a dispute; accepted, it issues a credit note through the dispute path', async () => {
		issued = await issueFrenchInvoices();
		const { ledger, french } = issued;
		const invoice = french[0].summary;
		const [outcome] = await recordLifecycleFile(ledger, exampleCdar('UC3_F202500005_04-CDV-210_Refusee.xml', { invoiceNumber: invoice.number, sellerSiren: SELLER_SIREN, buyerSiren: BUYER_SIREN }));
		expect(outcome).toMatchObject({ code: '210', outcome: 'recorded', disputeId: expect.stringMatching(new RegExp(`^${invoice.number}-PA210-`)) });
		// The same message again: nothing new, the dispute is not opened twice.
		const [repeat] = await recordLifecycleFile(ledger, exampleCdar('UC3_F202500005_04-CDV-210_Refusee.xml', { invoiceNumber: invoice.number, sellerSiren: SELLER_SIREN, buyerSiren: BUYER_SIREN }));
		expect(repeat).toMatchObject({ outcome: 'already_recorded', disputeId: outcome.disputeId });
		const opened = await ledger.events({ invoiceNumber: invoice.number, type: 'DISPUTE_OPENED' });
		expect(opened.map((e) => e.payload)).toEqual([
			expect.objectContaining({ disputeId: outcome.disputeId, reason: 'Refusée (210) on the platform: TX_TVA_ERR Taux de TVA erroné' }),
		]);
		expect((await statusReport(ledger, '2026-11-10', { invoice: invoice.number })).statuses[0].status).toBe('disputed');
		const resolution = await resolveDispute(ledger, {
			disputeId: outcome.disputeId!,
			date: '2026-11-12',
			outcome: 'accepted',
			credit: { kind: 'amount', amountWithVat: dec(invoice.totals.withVat) },
			creditNotes: { series: 'EVC-AV', numberPattern: '{series}-{yyyy}-{seq:6}', formats: ['cii'] },
		});
		expect(resolution.creditNote!.invoice.totals.taxInclusive.toFixed(2)).toBe(invoice.totals.withVat);
		expect((await statusReport(ledger, '2026-11-12', { invoice: invoice.number })).statuses[0].status).toBe('credited');
	});

	it('207 En litige opens a dispute too; 220 Annulée leaves nothing to collect', async () => {
		issued = await issueFrenchInvoices();
		const { ledger, french } = issued;
		const [litigious, cancelled] = french;
		const replace = (n: string) => ({ invoiceNumber: n, sellerSiren: SELLER_SIREN, buyerSiren: BUYER_SIREN });
		const [dispute] = await recordLifecycleFile(ledger, exampleCdar('UC4_F202500006_04-CDV-207_En_litige.xml', replace(litigious.summary.number)));
		expect(dispute).toMatchObject({ code: '207', disputeId: expect.any(String) });
		await recordLifecycleFile(ledger, exampleCdar('UC4b_F202500006_05-CDV-220_Annulee.xml', replace(cancelled.summary.number)));
		const statuses = new Map((await statusReport(ledger, '2027-03-01')).statuses.map((s) => [s.invoiceNumber, s.status]));
		expect(statuses.get(litigious.summary.number)).toBe('disputed');
		expect(statuses.get(cancelled.summary.number)).toBe('cancelled');
	});

	it('a CDAR for an unknown invoice, or for another seller, fails on its own; a broken flow is kept as refused', async () => {
		issued = await issueFrenchInvoices();
		const { ledger, french } = issued;
		const client = createPaClient(pa.connection());
		const known = french[0].summary.number;
		offer('UC1_F202500003_02-CDV-202_Recue.xml', 'EVC-2099-999999');
		pa.offerLifecycle('UC1_F202500003_02-CDV-202_Recue.xml', { invoiceNumber: known, sellerSiren: '732829320', buyerSiren: BUYER_SIREN });
		pa.addIncoming('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', 'hostile.xml');
		offer('UC1_F202500003_02-CDV-202_Recue.xml', known);
		const result = await pullLifecycleStatuses(ledger, client);
		expect(result.outcomes.map((o) => [o.invoiceNumber ?? null, o.outcome, o.error?.code ?? null])).toEqual([
			['EVC-2099-999999', 'failed', 'CDAR_INVOICE_UNKNOWN'],
			[known, 'failed', 'CDAR_INVOICE_UNKNOWN'],
			[null, 'failed', 'CDAR_DOCTYPE_FORBIDDEN'],
			[known, 'recorded', null],
		]);
		expect(result.outcomes[1].error!.message).toMatch(/seller 732829320 \(we are 884123456\)/);
		expect((await ledger.events({ type: 'LIFECYCLE_MESSAGE_REFUSED' })).map((e) => (e.payload as { code: string }).code)).toEqual([
			'CDAR_INVOICE_UNKNOWN',
			'CDAR_INVOICE_UNKNOWN',
			'CDAR_DOCTYPE_FORBIDDEN',
		]);
		// Each refused flow is on record: the next pull reads none of them again.
		expect(await pullLifecycleStatuses(ledger, client)).toMatchObject({ outcomes: [], flowsRead: 0 });
		expect(await ledger.events({ type: 'LIFECYCLE_STATUS' })).toHaveLength(1);
	});

	it('a platform failing while downloading: reported, nothing lost, the next pull reads it', async () => {
		issued = await issueFrenchInvoices();
		const { ledger, french } = issued;
		const client = createPaClient(pa.connection());
		offer('UC1_F202500003_02-CDV-202_Recue.xml', french[0].summary.number);
		pa.failNext('getFlow', { status: 500 });
		const failed = await pullLifecycleStatuses(ledger, client);
		expect(failed.outcomes).toMatchObject([{ outcome: 'failed', error: { code: 'PA_UNAVAILABLE' } }]);
		const next = await pullLifecycleStatuses(ledger, client);
		expect(next.outcomes).toMatchObject([{ code: '202', outcome: 'recorded' }]);
	});
});

describeWithReference('212 Encaissée, the seller\'s own status', () => {
	it('services (VAT on receipts): each payment of a deposited invoice is reported once, valid against the XSD', async () => {
		issued = await issueFrenchInvoices({}, 'per_cdr', { operationCategory: 'services', vatOnDebits: false });
		const { ledger, french } = issued;
		const client = createPaClient(pa.connection());
		const [invoice, notDeposited] = french;
		await depositAll(ledger, client, [invoice]);
		const total = dec(invoice.summary.totals.withVat);
		const half = total.div(2).toDecimalPlaces(2);
		await recordPayment(ledger, invoice.summary.number, { paymentId: 'BANK-1', amount: half.toFixed(2), currency: 'EUR', date: '2026-11-20' });
		await recordPayment(ledger, invoice.summary.number, { paymentId: 'BANK-2', amount: total.minus(half).toFixed(2), currency: 'EUR', date: '2026-11-28' });
		await recordPayment(ledger, notDeposited.summary.number, { paymentId: 'BANK-3', amount: '1.00', currency: 'EUR', date: '2026-11-28' });
		const outcomes = await reportCashedStatuses(ledger, client, { now: () => new Date('2026-11-29T06:00:00Z') });
		expect(outcomes.map((o) => [o.paymentId, o.outcome, o.amount ?? o.reason])).toEqual([
			['BANK-1', 'deposited', half.toFixed(2)],
			['BANK-2', 'deposited', total.minus(half).toFixed(2)],
			['BANK-3', 'not_required', 'the invoice was not deposited on a platform'],
		]);
		expect(pa.depositedStatuses).toHaveLength(2);
		const again = await reportCashedStatuses(ledger, client);
		expect(again.map((o) => o.outcome)).toEqual(['already_deposited', 'already_deposited', 'not_required']);
		expect(pa.depositedStatuses).toHaveLength(2);
		const [cdar] = pa.depositedStatuses;
		expect(cdar).toMatchObject({ flowSyntax: 'CDAR', contentType: 'application/xml' });
		const xml = cdar.file.toString('utf8');
		expect(xml).toContain('<ram:ProcessConditionCode>212</ram:ProcessConditionCode>');
		expect(xml).toContain(`<ram:ValueAmount currencyID="EUR">${half.toFixed(2)}</ram:ValueAmount>`);
		expect(xml).toContain('<ram:ValuePercent>20.00</ram:ValuePercent>');
		const { statuses } = await statusReport(ledger, '2026-11-30', { invoice: invoice.summary.number });
		expect(statuses[0]).toMatchObject({ status: 'paid', lifecycle: { code: '212', label: 'Encaissée', source: 'seller' } });
	});

	it('a 212 whose deposit answer was lost is found by its tracking id on the next run', async () => {
		issued = await issueFrenchInvoices({}, 'per_cdr', { operationCategory: 'services', vatOnDebits: false });
		const { ledger, french } = issued;
		const client = createPaClient(pa.connection());
		await depositAll(ledger, client, [french[0]]);
		await recordPayment(ledger, french[0].summary.number, { paymentId: 'BANK-9', amount: '10.00', currency: 'EUR', date: '2026-11-20' });
		pa.failNext('createFlow', 'answer-lost');
		expect((await reportCashedStatuses(ledger, client)).map((o) => [o.outcome, o.error?.code])).toEqual([['failed', 'PA_UNAVAILABLE']]);
		expect((await reportCashedStatuses(ledger, client)).map((o) => o.outcome)).toEqual(['already_deposited']);
		expect(pa.depositedStatuses).toHaveLength(1);
		expect(await ledger.events({ type: 'LIFECYCLE_STATUS' })).toHaveLength(1);
	});

	it('goods (VAT on delivery) and VAT on debits need no 212', async () => {
		issued = await issueFrenchInvoices({}, 'per_cdr', { operationCategory: 'goods', vatOnDebits: false });
		const { ledger, french } = issued;
		const client = createPaClient(pa.connection());
		await depositAll(ledger, client, [french[0]]);
		await recordPayment(ledger, french[0].summary.number, { paymentId: 'BANK-4', amount: '5.00', currency: 'EUR', date: '2026-11-20' });
		expect(await reportCashedStatuses(ledger, client)).toMatchObject([{ outcome: 'not_required', reason: 'VAT on goods is due on delivery' }]);
		expect(pa.depositedStatuses).toHaveLength(0);
		// BT-8 decides when the document states it: 3 = the seller's option for VAT on debits.
		expect(vatDueOn({ businessProcess: 'S1', vatPointDateCode: '3' })).toBe('debits');
		expect(vatDueOn({ businessProcess: 'B1', vatPointDateCode: '432' })).toBe('receipts');
		expect(vatDueOn({ businessProcess: 'S1', seller: { vatOnDebits: true } })).toBe('debits');
		expect(vatDueOn({ businessProcess: 'S1' })).toBe('receipts');
	});
});
