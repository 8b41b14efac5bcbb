import { dec } from '../../lib/money';
import type { InvoiceFacts, PaymentEvent ,
	PaymentError} from '../../lib/payments';
import {
	agingSummary,
	DEFAULT_REMINDER_SCHEDULE,
	paymentEventsOf,
	paymentRecordedEvent,
	paymentReversedEvent,
	paymentStatus,
	remindersDue,
} from '../../lib/payments';

const facts = (number: string, emsp: string, total: string, dueDate: string): InvoiceFacts => ({
	number,
	emsp,
	currency: 'EUR',
	total: dec(total),
	issueDate: '2026-01-31',
	dueDate,
	rfReference: `RF00${number}`,
});

// Invoices of the scenario, as the ledger would hold them.
const PAID = facts('INV-1', 'FR*MOB', '1250.40', '2026-03-02');
const PARTLY = facts('INV-2', 'DE*CHP', '980.00', '2026-04-30');
const OVERDUE = facts('INV-3', 'NL*ROM', '431.55', '2026-02-15');
const DISPUTED = facts('INV-4', 'BE*EMS', '705.37', '2026-03-02');
const CREDITED = facts('INV-5', 'BE*EMS', '120.00', '2026-03-02');
const OLD = facts('INV-6', 'NL*ROM', '88.10', '2025-12-01');

const EVENTS: PaymentEvent[] = [
	paymentRecordedEvent({ paymentId: 'p1', amount: '1000.00', currency: 'EUR', date: '2026-02-20' }, PAID),
	paymentRecordedEvent({ paymentId: 'p2', amount: '250.40', currency: 'EUR', date: '2026-03-01' }, PAID),
	paymentRecordedEvent({ paymentId: 'p3', amount: '500.00', currency: 'EUR', date: '2026-04-02' }, PARTLY),
	paymentRecordedEvent({ paymentId: 'p4', amount: '431.55', currency: 'EUR', date: '2026-03-10' }, OVERDUE),
	{
		type: 'PAYMENT_REVERSED',
		invoiceNumber: 'INV-3',
		payload: { paymentId: 'p4', amount: '431.55', currency: 'EUR', date: '2026-03-12', reversalId: 'r1', reason: 'AC04' },
	},
	{ type: 'REMINDER_SENT', invoiceNumber: 'INV-3', payload: { level: 1, date: '2026-02-22' } },
	{ type: 'DISPUTE_OPENED', invoiceNumber: 'INV-4', payload: { disputeId: 'd1', date: '2026-03-05', reason: 'CDR duplicated', amountClaimed: '45.10' } },
	{ type: 'DISPUTE_OPENED', invoiceNumber: 'INV-5', payload: { disputeId: 'd2', date: '2026-03-03', reason: 'Wrong tariff' } },
	{ type: 'DISPUTE_RESOLVED', invoiceNumber: 'INV-5', payload: { disputeId: 'd2', date: '2026-03-20', outcome: 'accepted', creditNoteNumber: 'CN-1' } },
	{
		type: 'CREDIT_NOTE_ISSUED',
		invoiceNumber: 'CN-1',
		payload: { correctsInvoiceNumber: 'INV-5', issueDate: '2026-03-20', currency: 'EUR', totals: { withVat: '120.00' } },
	},
];

const AS_OF = '2026-04-05';
const statuses = [PAID, PARTLY, OVERDUE, DISPUTED, CREDITED, OLD].map((invoice) => paymentStatus(invoice, EVENTS, AS_OF));
const byNumber = Object.fromEntries(statuses.map((s) => [s.invoiceNumber, s]));

describe('paymentStatus', () => {
	it('derives each status with paid and residual amounts to the cent and days overdue', () => {
		expect(
			statuses.map((s) => [s.invoiceNumber, s.status, s.paid.toFixed(2), s.residual.toFixed(2), s.daysOverdue]),
		).toEqual([
			['INV-1', 'paid', '1250.40', '0.00', 0],
			['INV-2', 'partially_paid', '500.00', '480.00', 0],
			['INV-3', 'overdue', '0.00', '431.55', 49],
			['INV-4', 'disputed', '0.00', '705.37', 34],
			['INV-5', 'credited', '0.00', '0.00', 0],
			['INV-6', 'overdue', '0.00', '88.10', 125],
		]);
		expect(byNumber['INV-5'].credited.toFixed(2)).toBe('120.00');
		expect(byNumber['INV-4'].openDisputes).toEqual(['d1']);
		expect(byNumber['INV-3'].remindersSent).toEqual([1]);
		expect(byNumber['INV-1'].lastPaymentDate).toBe('2026-03-01');
	});

	it('is computed at a given day: events after asOf do not count yet', () => {
		expect(paymentStatus(PAID, EVENTS, '2026-02-25')).toMatchObject({ status: 'partially_paid' });
		expect(paymentStatus(PAID, EVENTS, '2026-02-25').residual.toFixed(2)).toBe('250.40');
		expect(paymentStatus(OVERDUE, EVENTS, '2026-03-11').status).toBe('paid');
		expect(paymentStatus(PARTLY, EVENTS, '2026-05-01')).toMatchObject({ status: 'overdue', daysOverdue: 1 });
		expect(paymentStatus(PARTLY, EVENTS, '2026-03-01').status).toBe('pending');
		expect(paymentStatus(DISPUTED, EVENTS, '2026-03-04').status).toBe('overdue');
	});

	it('takes off each invoice only what a monthly credit note allocates to it, not the whole credit note', () => {
		const a = facts('INV-7', 'FR*MOB', '100.00', '2026-05-31');
		const b = facts('INV-8', 'FR*MOB', '50.00', '2026-05-31');
		const c = facts('INV-9', 'FR*MOB', '12.00', '2026-05-31');
		const monthly: PaymentEvent = {
			type: 'CREDIT_NOTE_ISSUED',
			invoiceNumber: 'CN-2',
			payload: {
				correctsInvoiceNumber: 'INV-7',
				allocations: [
					{ invoiceNumber: 'INV-7', amountWithVat: '30.50' },
					{ invoiceNumber: 'INV-8', amountWithVat: '0.01' },
					{ invoiceNumber: 'INV-9', amountWithVat: '12.00' },
				],
				issueDate: '2026-05-05',
				currency: 'EUR',
				totals: { withVat: '42.51' },
			},
		};
		const of = (invoice: InvoiceFacts) => paymentStatus(invoice, [monthly], '2026-05-10');
		expect([a, b, c].map((invoice) => [of(invoice).credited.toFixed(2), of(invoice).residual.toFixed(2), of(invoice).status])).toEqual([
			['30.50', '69.50', 'pending'],
			['0.01', '49.99', 'pending'],
			['12.00', '0.00', 'credited'],
		]);
		expect(paymentStatus(PAID, [monthly], '2026-05-10').credited.toFixed(2)).toBe('0.00');
	});

	it('reads payment events out of ledger rows and ignores the others', () => {
		const rows = [
			{ type: 'INVOICE_ISSUED', invoiceNumber: 'INV-1', payload: {} },
			...EVENTS.map((e) => JSON.parse(JSON.stringify(e)) as PaymentEvent),
		];
		expect(paymentEventsOf(rows)).toHaveLength(EVENTS.length);
		expect(paymentStatus(PAID, paymentEventsOf(rows), AS_OF).status).toBe('paid');
	});
});

describe('agingSummary', () => {
	it('buckets open receivables per eMSP, disputed ones included', () => {
		const lines = agingSummary(statuses, AS_OF).map((line) => [
			line.emsp,
			line.currency,
			line.buckets.current.toFixed(2),
			line.buckets['1-30'].toFixed(2),
			line.buckets['31-60'].toFixed(2),
			line.buckets['61-90'].toFixed(2),
			line.buckets['>90'].toFixed(2),
			line.total.toFixed(2),
			line.invoiceCount,
		]);
		expect(lines).toEqual([
			['BE*EMS', 'EUR', '0.00', '0.00', '705.37', '0.00', '0.00', '705.37', 1],
			['DE*CHP', 'EUR', '480.00', '0.00', '0.00', '0.00', '0.00', '480.00', 1],
			['NL*ROM', 'EUR', '0.00', '0.00', '431.55', '0.00', '88.10', '519.65', 2],
		]);
	});
});

describe('remindersDue', () => {
	it('gives each overdue invoice the highest level due and not sent, with its text variables', () => {
		expect(remindersDue(statuses, DEFAULT_REMINDER_SCHEDULE, undefined, AS_OF)).toEqual([
			{
				invoiceNumber: 'INV-3',
				emsp: 'NL*ROM',
				level: 3,
				formalNotice: true,
				variables: {
					invoiceNumber: 'INV-3',
					amountDue: '431.55',
					currency: 'EUR',
					dueDate: '2026-02-15',
					daysOverdue: 49,
					rfReference: 'RF00INV-3',
					level: 3,
					formalNotice: true,
				},
			},
			// 125 days late and never reminded: a plain reminder first, never the formal notice as the first letter.
			expect.objectContaining({ invoiceNumber: 'INV-6', level: 2, formalNotice: false }),
		]);
	});

	it('sends a level once, never a lower one after a higher, and not for disputed invoices', () => {
		const sent = new Map([
			['INV-3', [1, 3]],
			['INV-6', [2]],
		]);
		expect(remindersDue(statuses, DEFAULT_REMINDER_SCHEDULE, sent, AS_OF).map((r) => [r.invoiceNumber, r.level])).toEqual([
			['INV-6', 3],
		]);
		const early = [OVERDUE].map((invoice) => paymentStatus(invoice, EVENTS, '2026-02-25'));
		// 10 days late: level 1 is due but already sent.
		expect(remindersDue(early, DEFAULT_REMINDER_SCHEDULE, undefined, '2026-02-25')).toEqual([]);
		expect(remindersDue(early, DEFAULT_REMINDER_SCHEDULE, {}, '2026-02-25').map((r) => r.level)).toEqual([1]);
	});

	it('refuses a schedule whose first level is the formal notice, naming it', () => {
		let error: PaymentError | undefined;
		try {
			remindersDue(statuses, [{ level: 1, daysAfterDue: 15, formalNotice: true }, { level: 2, daysAfterDue: 30 }], undefined, AS_OF);
		} catch (caught) {
			error = caught as PaymentError;
		}
		expect(error).toMatchObject({ code: 'REMINDER_SCHEDULE_INVALID', field: 'schedule[0]' });
		expect(error?.message).toMatch(/^schedule\[0\] \(level 1, the first\) is the formal notice: a formal notice follows at least one plain reminder/);
	});

	it('refuses a schedule whose levels do not escalate', () => {
		expect(() =>
			remindersDue(statuses, [{ level: 1, daysAfterDue: 30 }, { level: 2, daysAfterDue: 7 }], undefined, AS_OF),
		).toThrow(expect.objectContaining({ code: 'REMINDER_SCHEDULE_INVALID' }));
	});
});

describe('recording a payment', () => {
	const invoice = { number: 'INV-2', currency: 'EUR', amountDue: dec('480.00') };
	const codeOf = (run: () => unknown) => {
		try {
			run();
		} catch (error) {
			return (error as PaymentError).code;
		}
		return undefined;
	};

	it('allows partial and over-payments, saying how much is over', () => {
		expect(paymentRecordedEvent({ paymentId: 'x', amount: '100.5', currency: 'EUR', date: '2026-04-05' }, invoice).payload)
			.toEqual({ paymentId: 'x', amount: '100.5', currency: 'EUR', date: '2026-04-05', source: 'manual' });
		expect(
			paymentRecordedEvent({ paymentId: 'x', amount: '500.00', currency: 'EUR', date: '2026-04-05' }, invoice).payload
				.overpayment,
		).toBe('20');
	});

	it('refuses non-positive amounts, other currencies, bad amounts and dates with codes', () => {
		const pay = (amount: string, currency = 'EUR', date = '2026-04-05') => () =>
			paymentRecordedEvent({ paymentId: 'x', amount, currency, date }, invoice);
		expect(codeOf(pay('0.00'))).toBe('PAYMENT_AMOUNT_NOT_POSITIVE');
		expect(codeOf(pay('-5'))).toBe('PAYMENT_AMOUNT_NOT_POSITIVE');
		expect(codeOf(pay('12.345'))).toBe('PAYMENT_AMOUNT_INVALID');
		expect(codeOf(pay('1,50'))).toBe('PAYMENT_AMOUNT_INVALID');
		expect(codeOf(pay('10.00', 'USD'))).toBe('PAYMENT_CURRENCY_MISMATCH');
		expect(codeOf(pay('10.00', 'EUR', '2026-02-30'))).toBe('PAYMENT_DATE_INVALID');
		expect(() => pay('10.00', 'CHF')()).toThrow(/invoice INV-2 is in EUR/);
	});

	it('refuses a reversal larger than the payment', () => {
		const payment = paymentRecordedEvent({ paymentId: 'x', amount: '50.00', currency: 'EUR', date: '2026-04-05' }, invoice);
		expect(codeOf(() => paymentReversedEvent({ reversalId: 'r', amount: '50.01', currency: 'EUR', date: '2026-04-06' }, payment)))
			.toBe('REVERSAL_EXCEEDS_PAYMENT');
		expect(paymentReversedEvent({ reversalId: 'r', amount: '50.00', currency: 'EUR', date: '2026-04-06' }, payment).payload.amount)
			.toBe('50');
	});
});
