/**
 * The seller's own lifecycle status 212 "Encaissée": when VAT is due on receipts (services, without the option for
 * VAT on debits), each payment of an invoice deposited on the platform is reported to it with the amount cashed per
 * VAT rate. Built as a CDAR valid against the standard's XSD, deposited with `POST /v1/flows` (syntax CDAR) after a
 * search by its tracking id — so a re-run, or a retry after a lost answer, never deposits it twice — and recorded as
 * a LIFECYCLE_STATUS event (source seller) keyed by its message id.
 */
import { createHash } from 'node:crypto';

import type { PaClient } from '../../delivery/pa';
import { CASHED_CODE, LIFECYCLE_STATUSES, buildCashedCdar, cashedMessageId, frenchPartyOf } from '../../delivery/pa';
import { DeliveryError } from '../../delivery/errors';
import { lastSuccessfulDelivery } from '../../delivery/ledger-deliveries';
import type { InvoiceRecord, Ledger } from '../../ledger';
import type { Decimal } from '../../money';
import { dec, sum, toFixedAmount, ZERO } from '../../money';
import type { LifecycleStatusEvent, PaymentRecordedEvent, PaymentReversedEvent } from '../events';
import { keyedEvent } from '../events';
import { ledgerPaymentEvents } from './invoices';

export interface CashedStatusOutcome {
	invoiceNumber: string;
	paymentId: string;
	outcome: 'deposited' | 'already_deposited' | 'not_required' | 'failed';
	/** Why not required: VAT due on debits, goods, no VAT, not deposited on a platform, fully reversed. */
	reason?: string;
	flowId?: string;
	messageId?: string;
	amount?: string;
	error?: { code: string; message: string; field?: string };
}

interface StoredInvoice {
	businessProcess?: unknown;
	/** BT-8 (UNTDID 2005): 3 invoice date (the option for VAT on debits), 35 delivery date, 432 paid to date. */
	vatPointDateCode?: unknown;
	vatOnDebits?: unknown;
	seller?: { vatOnDebits?: unknown; name?: unknown };
	buyer?: { name?: unknown };
	vatBreakdown?: Array<{ category?: unknown; rate?: unknown; taxableAmount?: unknown; taxAmount?: unknown }>;
}

/**
 * When VAT on the invoice falls due: as the document's VAT point date code (BT-8) says, else on receipts for services
 * (CGI art. 269-2-c) unless the seller opted for debits, on delivery for goods (billing framework B1…, BT-23).
 */
export function vatDueOn(document: unknown): 'receipts' | 'debits' | 'delivery' {
	const doc = (document ?? {}) as StoredInvoice;
	if (doc.vatPointDateCode === '3' || doc.seller?.vatOnDebits === true || doc.vatOnDebits === true) return 'debits';
	if (doc.vatPointDateCode === '35') return 'delivery';
	if (doc.vatPointDateCode === '432') return 'receipts';
	if (typeof doc.businessProcess === 'string' && /^B/i.test(doc.businessProcess)) return 'delivery';
	return 'receipts';
}

/** A payment (VAT included) split over the invoice's VAT rates in proportion to their totals, to the cent. */
export function cashedByRate(document: unknown, paid: Decimal): Array<{ amount: Decimal; vatRate: Decimal }> {
	const lines = ((document ?? {}) as StoredInvoice).vatBreakdown ?? [];
	const taxed = lines
		.filter((l) => l.category === 'S' && l.rate !== undefined && dec(String(l.rate)).gt(ZERO))
		.map((l) => ({ vatRate: dec(String(l.rate)), gross: dec(String(l.taxableAmount)).plus(dec(String(l.taxAmount))) }));
	const total = sum(lines.map((l) => dec(String(l.taxableAmount)).plus(dec(String(l.taxAmount)))));
	if (taxed.length === 0 || !total.gt(ZERO)) return [];
	const shares = taxed.map((l) => ({ vatRate: l.vatRate, amount: dec(toFixedAmount(paid.times(l.gross).div(total))) }));
	// Whatever rounding left goes to the last taxed rate, when the invoice is all taxed: the shares then add up to the payment.
	if (taxed.length === lines.length) {
		const rest = paid.minus(sum(shares.map((s) => s.amount)));
		shares[shares.length - 1].amount = shares[shares.length - 1].amount.plus(rest);
	}
	return shares.filter((s) => s.amount.gt(ZERO));
}

/** Our tracking id of a 212 (≤ 36 characters, NotOnlyUuid): stable for the payment, so a re-run finds the flow. */
export function cashedTrackingId(invoiceNumber: string, paymentId: string): string {
	return `212-${createHash('sha256').update(`${invoiceNumber}\u0000${paymentId}`).digest('hex').slice(0, 32)}`;
}

export interface ReportCashedOptions {
	/** Only this invoice (its number). */
	invoice?: string;
	now?: () => Date;
}

/** Deposits the 212 of every payment that needs one and has none yet; one outcome per payment looked at. */
export async function reportCashedStatuses(ledger: Ledger, client: PaClient, options: ReportCashedOptions = {}): Promise<CashedStatusOutcome[]> {
	const now = options.now ?? (() => new Date());
	const events = await ledgerPaymentEvents(ledger);
	const payments = events.filter(
		(e): e is PaymentRecordedEvent => e.type === 'PAYMENT_RECORDED' && (options.invoice === undefined || e.invoiceNumber === options.invoice),
	);
	const reversed = events.filter((e): e is PaymentReversedEvent => e.type === 'PAYMENT_REVERSED');
	const reported = new Set(
		events
			.filter((e): e is LifecycleStatusEvent => e.type === 'LIFECYCLE_STATUS' && e.payload.code === CASHED_CODE && e.payload.source === 'seller')
			.map((e) => `${e.invoiceNumber}\u0000${e.payload.paymentId}`),
	);
	const records = new Map<string, InvoiceRecord | undefined>();
	const outcomes: CashedStatusOutcome[] = [];
	for (const payment of payments) {
		const { invoiceNumber } = payment;
		const { paymentId } = payment.payload;
		const base = { invoiceNumber, paymentId };
		if (reported.has(`${invoiceNumber}\u0000${paymentId}`)) {
			outcomes.push({ ...base, outcome: 'already_deposited' });
			continue;
		}
		if (!records.has(invoiceNumber)) records.set(invoiceNumber, await ledger.getInvoice(invoiceNumber));
		const record = records.get(invoiceNumber)!;
		const deposit = await lastSuccessfulDelivery(ledger, invoiceNumber, 'pa');
		const due = vatDueOn(record.document);
		const net = dec(payment.payload.amount).minus(
			sum(reversed.filter((r) => r.invoiceNumber === invoiceNumber && r.payload.paymentId === paymentId).map((r) => dec(r.payload.amount))),
		);
		const cashed = cashedByRate(record.document, net);
		const reason = !deposit
			? 'the invoice was not deposited on a platform'
			: due === 'debits'
				? 'the seller pays VAT on debits'
				: due === 'delivery'
					? 'VAT on goods is due on delivery'
					: !net.gt(ZERO)
						? 'the payment was reversed'
						: cashed.length === 0
							? 'the invoice carries no VAT'
							: undefined;
		if (reason) {
			outcomes.push({ ...base, outcome: 'not_required', reason });
			continue;
		}
		try {
			outcomes.push({ ...base, ...(await depositCashed(ledger, client, record, payment, net, cashed, deposit!.at, payments, now())) });
		} catch (error) {
			if (!(error instanceof DeliveryError)) throw error;
			outcomes.push({ ...base, outcome: 'failed', error: { code: error.code, message: client.api.redact(error.message), field: error.field } });
		}
	}
	return outcomes;
}

async function depositCashed(
	ledger: Ledger,
	client: PaClient,
	record: InvoiceRecord,
	payment: PaymentRecordedEvent,
	net: Decimal,
	cashed: Array<{ amount: Decimal; vatRate: Decimal }>,
	depositedAt: string,
	allPayments: PaymentRecordedEvent[],
	createdAt: Date,
): Promise<Pick<CashedStatusOutcome, 'outcome' | 'flowId' | 'messageId' | 'amount'>> {
	const number = record.number;
	const seller = frenchPartyOf(record.document, 'seller', number);
	const buyer = frenchPartyOf(record.document, 'buyer', number);
	const sameDay = allPayments.filter((p) => p.invoiceNumber === number && p.payload.date === payment.payload.date);
	const input = {
		invoice: { number, typeCode: record.typeCode, issueDate: record.issueDate, depositedAt },
		seller: { siren: seller.siren, name: seller.name ?? '' },
		buyer: { siren: buyer.siren, name: buyer.name ?? '', electronicAddress: buyer.electronicAddress },
		cashed,
		currency: record.currency,
		cashedAt: payment.payload.date,
		createdAt,
	};
	const messageId = cashedMessageId(input, sameDay.indexOf(payment) + 1);
	const trackingId = cashedTrackingId(number, payment.payload.paymentId);
	const earlier = (await client.flows.searchFlows({ trackingId, flowDirection: ['Out'] })).find(
		(flow) => flow.trackingId === trackingId && flow.flowId && flow.acknowledgement?.status !== 'Error',
	);
	let flowId = earlier?.flowId;
	if (!flowId) {
		const xml = Buffer.from(buildCashedCdar(input, messageId), 'utf8');
		const created = await client.flows.createFlow(
			{ fileName: `${number}-CDV-212.xml`, contentType: 'application/xml', data: xml },
			{
				trackingId,
				name: `${number}-CDV-212.xml`,
				processingRule: 'B2B',
				flowSyntax: 'CDAR',
				sha256: createHash('sha256').update(xml).digest('hex'),
			},
		);
		flowId = created.flowId!;
	}
	const amount = toFixedAmount(net);
	const event: LifecycleStatusEvent = {
		type: 'LIFECYCLE_STATUS',
		invoiceNumber: number,
		payload: {
			code: CASHED_CODE,
			label: LIFECYCLE_STATUSES[CASHED_CODE].label,
			date: payment.payload.date,
			source: 'seller',
			messageId,
			flowId,
			paymentId: payment.payload.paymentId,
			amounts: cashed.map((c) => ({ amount: toFixedAmount(c.amount), currency: record.currency, vatRate: c.vatRate.toFixed(2) })),
		},
	};
	const written = await ledger.recordEvent(keyedEvent(event));
	return { outcome: written.duplicate || earlier ? 'already_deposited' : 'deposited', flowId, messageId, amount };
}
