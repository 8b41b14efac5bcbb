import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { dec } from '../../lib/money';
import type { OpenInvoice, PaymentRecordedEvent } from '../../lib/payments';
import { bankTransactions, matchPayments, matchReversals, parseCamt, paymentRecordedEvents } from '../../lib/payments';

const SAMPLES = join(__dirname, '../../samples/camt');
const transactionsOf = (name: string) => bankTransactions(parseCamt(readFileSync(join(SAMPLES, name))));

const invoice = (number: string, buyerName: string, amountDue: string, extra: Partial<OpenInvoice> = {}): OpenInvoice => ({
	number,
	buyerName,
	currency: 'EUR',
	amountDue: dec(amountDue),
	dueDate: '2026-04-04',
	rfReference: `RF-unused-${number}`,
	...extra,
});

const OPEN: OpenInvoice[] = [
	invoice('INV-2026-000101', 'Mobilis France SAS', '1250.40', { rfReference: 'RF13 INV2 0260 0010 1' }),
	invoice('INV-2026-000102', 'ChargePoint Partner GmbH', '842.16'),
	invoice('INV-2026-000103', 'ChargePoint Partner GmbH', '315.00'),
	invoice('INV-2026-000104', 'Roam Netherlands B.V.', '2210.75', { rfReference: 'RF29INV2026000104' }),
	invoice('INV-2026-000105', 'E-Mobility Services SA', '705.37'),
	invoice('INV-2026-000106', 'Mobilis France SAS', '980.00'),
	invoice('INV-2026-000107', 'Roam Netherlands B.V.', '431.55'),
	invoice('INV-2026-000111', 'E-Mobility Services SA', '99.90', { currency: 'CHF' }),
];

describe('matchPayments on the camt.053 v08 sample', () => {
	const { payments } = transactionsOf('camt053-v08-2026-04-02.xml');
	const matches = matchPayments(payments, OPEN);
	const allocations = (i: number) =>
		matches[i].status === 'matched'
			? matches[i].allocations.map((a) => [a.invoiceNumber, a.amount.toFixed(2), a.overpayment.toFixed(2), a.method])
			: matches[i];

	it('matches a verified structured creditor reference, printed with spaces or not', () => {
		expect(allocations(0)).toEqual([['INV-2026-000101', '1250.40', '0.00', 'creditor_reference']]);
		expect(allocations(1)).toEqual([['INV-2026-000104', '2210.75', '0.00', 'creditor_reference']]);
	});

	it('matches an invoice number typed with spaces for separators', () => {
		expect(allocations(2)).toEqual([['INV-2026-000105', '705.37', '0.00', 'invoice_number']]);
	});

	it('allocates a transfer naming two invoices in the order named, the remainder over-paying the last', () => {
		expect(allocations(3)).toEqual([
			['INV-2026-000102', '842.16', '0.00', 'invoice_number'],
			['INV-2026-000103', '357.84', '42.84', 'invoice_number'],
		]);
	});

	it('records a partial payment named in RfrdDocInf/Nb', () => {
		expect(allocations(4)).toEqual([['INV-2026-000106', '500.00', '0.00', 'invoice_number']]);
	});

	it('matches amount and payer (name written differently) against exactly one open invoice', () => {
		expect(allocations(5)).toEqual([['INV-2026-000107', '431.55', '0.00', 'amount_and_payer']]);
	});

	it('does not use an RF whose check digits fail, and explains why nothing was taken', () => {
		const match = matches[6];
		expect(match.status).toBe('unmatched');
		expect(match.notes).toEqual([
			expect.objectContaining({ code: 'CREDITOR_REFERENCE_INVALID', reference: 'RF43INV2026000111' }),
		]);
		// Same payer: 000105 is paid by now (earlier in this run); 000111 fits but is in CHF.
		expect(match.candidates).toEqual([
			expect.objectContaining({
				invoiceNumber: 'INV-2026-000105',
				reason: 'AMOUNT_DIFFERS',
				message: 'Same payer, but 0.00 EUR is due, not 99.90.',
			}),
			expect.objectContaining({ invoiceNumber: 'INV-2026-000111', reason: 'CURRENCY_MISMATCH' }),
		]);
	});

	it('turns matches into PAYMENT_RECORDED events keyed by the bank reference', () => {
		const events = paymentRecordedEvents(matches[3] as never);
		expect(events).toEqual([
			{
				type: 'PAYMENT_RECORDED',
				invoiceNumber: 'INV-2026-000102',
				payload: expect.objectContaining({
					paymentId: 'FR1330004000030002004578117:entry:BNP20260402CR000873#1',
					amount: '842.16',
					currency: 'EUR',
					date: '2026-04-02',
					source: 'invoice_number',
					endToEndId: 'CHP-2026-04-0007',
				}),
			},
			{
				type: 'PAYMENT_RECORDED',
				invoiceNumber: 'INV-2026-000103',
				payload: expect.objectContaining({ amount: '357.84', overpayment: '42.84' }),
			},
		]);
	});

	it('applies the recall of the v02 statement to the payment it reverses, last allocation first', () => {
		const recorded = paymentRecordedEvents(matches[3] as never) as PaymentRecordedEvent[];
		const { reversals } = transactionsOf('camt053-v02-2026-04-07.xml');
		const [result] = matchReversals(reversals, recorded);
		expect(result.status).toBe('matched');
		if (result.status !== 'matched') return;
		expect(result.events.map((e) => [e.invoiceNumber, e.payload.amount, e.payload.reason])).toEqual([
			['INV-2026-000103', '357.84', 'DUPL'],
			['INV-2026-000102', '842.16', 'DUPL'],
		]);
		expect(matchReversals(reversals, recorded, result.events)[0].status).toBe('unmatched');
	});
});

describe('matchPayments rules', () => {
	const tx = (extra: Partial<Parameters<typeof matchPayments>[0][number]>) => ({
		key: 'k',
		amount: dec('100.00'),
		currency: 'EUR',
		creditorReferences: [],
		referredDocumentNumbers: [],
		unstructured: [],
		additionalInfo: [],
		...extra,
	});

	it('reads the v02 invoice number cut across two Ustrd lines and the RF in free text', () => {
		const { payments } = transactionsOf('camt053-v02-2026-04-07.xml');
		const [byRf, byNumber] = matchPayments(payments, [
			invoice('INV-2026-000108', 'Mobilis France SAS', '2034.08', { rfReference: 'RF18INV2026000108' }),
			invoice('INV-2026-000109', 'ChargePoint Partner GmbH', '400.00'),
		]);
		expect(byRf).toMatchObject({ status: 'matched', method: 'creditor_reference' });
		expect(byNumber).toMatchObject({ status: 'matched', method: 'invoice_number' });
		const [free] = matchPayments(transactionsOf('camt054-v08-2026-04-03.xml').payments, [
			invoice('INV-2026-000110', 'E-Mobility Services SA', '1789.33', { rfReference: 'RF61INV2026000110' }),
		]);
		expect(free).toMatchObject({ status: 'matched', method: 'creditor_reference' });
	});

	it('prefers the longer invoice number when a shorter one is inside it', () => {
		const [match] = matchPayments(
			[tx({ unstructured: ['pay INV-1-2 thanks'] })],
			[invoice('INV-1', 'A', '100.00'), invoice('INV-1-2', 'B', '100.00')],
		);
		expect(match.status === 'matched' && match.allocations.map((a) => a.invoiceNumber)).toEqual(['INV-1-2']);
	});

	it('does not match a currency different from the invoice', () => {
		const [match] = matchPayments(
			[tx({ currency: 'USD', unstructured: ['INV-9'] })],
			[invoice('INV-9', 'A', '100.00')],
		);
		expect(match).toMatchObject({
			status: 'unmatched',
			candidates: [{ invoiceNumber: 'INV-9', method: 'invoice_number', reason: 'CURRENCY_MISMATCH' }],
		});
	});

	it('leaves amount and payer alone when two invoices fit', () => {
		const [match] = matchPayments(
			[tx({ debtorIban: 'NL91ABNA0417164300' })],
			[
				invoice('INV-A', 'Roam', '100.00', { buyerIban: 'NL91 ABNA 0417 1643 00' }),
				invoice('INV-B', 'Roam', '100.00', { buyerIban: ['NL91ABNA0417164300'] }),
			],
		);
		expect(match.status).toBe('unmatched');
		expect(match.candidates.map((c) => [c.invoiceNumber, c.reason])).toEqual([
			['INV-A', 'AMBIGUOUS'],
			['INV-B', 'AMBIGUOUS'],
		]);
	});

	it('tracks amounts due across the transactions of one run', () => {
		const matches = matchPayments(
			[tx({ unstructured: ['INV-7'], amount: dec('60.00') }), tx({ unstructured: ['INV-7'], amount: dec('60.00') })],
			[invoice('INV-7', 'A', '100.00')],
		);
		expect(matches.map((m) => (m.status === 'matched' ? m.allocations[0].overpayment.toFixed(2) : 'x'))).toEqual([
			'0.00',
			'20.00',
		]);
	});
});

describe('matchPayments at the size of a busy account', () => {
	const tx = (i: number) => ({
		key: `k${i}`,
		amount: dec(`${10 + (i % 90)}.${String(i % 100).padStart(2, '0')}`),
		currency: 'EUR',
		debtorName: `Customer ${i} Mueller GmbH`,
		debtorIban: `DE89370400440532${String(i).padStart(6, '0')}`,
		creditorReferences: [],
		referredDocumentNumbers: [],
		unstructured: [`PAYOUT ${2026000000 + i} SESSIONS ${i % 97} TERMINAL T${i % 5000} REF ${(i * 7919) % 1000003}`],
		additionalInfo: [`VIR SEPA RECU /DE CUSTOMER ${i} MUELLER`],
	});
	const invoices = (n: number) =>
		Array.from({ length: n }, (_, i) =>
			invoice(`EVC-2026-${String(i + 1).padStart(6, '0')}`, `Mobility Partner ${i % 30} SAS`, `${100 + i}.50`, {
				buyerIban: `FR76300060000112345678${String(i % 30).padStart(3, '0')}`,
			}),
		);
	const cpuMs = (run: () => unknown) => {
		const start = process.cpuUsage();
		run();
		const used = process.cpuUsage(start);
		return (used.user + used.system) / 1000;
	};

	// Not a benchmark (that is `npm run bench -- --only camt`): a guard against matching costing entries × invoices
	// again. Against 100 times more open invoices, the same entries must not cost anywhere near 100 times more.
	it('costs about the same against 1,500 open invoices as against 15', () => {
		const transactions = Array.from({ length: 1500 }, (_, i) => tx(i));
		const few = invoices(15);
		const many = invoices(1500);
		matchPayments(transactions, few); // warm up
		const small = Math.max(cpuMs(() => matchPayments(transactions, few)), 5);
		const large = cpuMs(() => matchPayments(transactions, many));
		expect(large / small).toBeLessThan(10);
	});

	it('reports its progress every 1,000 transactions and at the end', () => {
		const seen: [number, number][] = [];
		matchPayments(Array.from({ length: 2500 }, (_, i) => tx(i)), invoices(3), (done, total) => seen.push([done, total]));
		expect(seen).toEqual([
			[1000, 2500],
			[2000, 2500],
			[2500, 2500],
		]);
	});
});
