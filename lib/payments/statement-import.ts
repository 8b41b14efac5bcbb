/**
 * Turning matched bank transactions into ledger events: one PAYMENT_RECORDED per allocation, and reversals (returned
 * credits) applied to the payment they take back — found by the payer's EndToEndId, or else by payer IBAN and amount
 * when exactly one recorded payment fits.
 */
import type { Decimal } from '../money';
import { dec, sum, ZERO } from '../money';
import type { BankTransaction } from './bank-transactions';
import type { PaymentRecordedEvent, PaymentReversedEvent } from './events';
import type { PaymentMatch } from './matching';

/** The PAYMENT_RECORDED events of a matched transaction (none for an unmatched one). */
export function paymentRecordedEvents(match: PaymentMatch<BankTransaction>): PaymentRecordedEvent[] {
	if (match.status !== 'matched') return [];
	const tx = match.transaction;
	return match.allocations.map((allocation) => ({
		type: 'PAYMENT_RECORDED',
		invoiceNumber: allocation.invoiceNumber,
		payload: {
			paymentId: tx.key,
			amount: allocation.amount.toFixed(),
			currency: tx.currency,
			date: (tx.bookingDate ?? tx.valueDate)!,
			source: allocation.method,
			...(allocation.overpayment.gt(ZERO) ? { overpayment: allocation.overpayment.toFixed() } : {}),
			...(tx.debtorName ? { payerName: tx.debtorName } : {}),
			...(tx.debtorIban ? { payerIban: tx.debtorIban } : {}),
			...(tx.entryReference ? { bankReference: tx.entryReference } : {}),
			...(tx.endToEndId ? { endToEndId: tx.endToEndId } : {}),
		},
	}));
}

export type ReversalMatch =
	| { status: 'matched'; reversal: BankTransaction; paymentId: string; events: PaymentReversedEvent[] }
	| { status: 'unmatched'; reversal: BankTransaction; message: string };

/**
 * Applies each reversal to the payment it reverses. `recorded` are the PAYMENT_RECORDED events in the ledger (all
 * allocations of a payment share its paymentId). Amounts are taken back from the allocations last to first.
 */
export function matchReversals(
	reversals: readonly BankTransaction[],
	recorded: readonly PaymentRecordedEvent[],
	alreadyReversed: readonly PaymentReversedEvent[] = [],
): ReversalMatch[] {
	const payments = new Map<string, PaymentRecordedEvent[]>();
	for (const event of recorded) {
		payments.set(event.payload.paymentId, [...(payments.get(event.payload.paymentId) ?? []), event]);
	}
	const reversedIds = new Set(alreadyReversed.map((event) => event.payload.paymentId));
	const total = (events: PaymentRecordedEvent[]): Decimal => sum(events.map((event) => dec(event.payload.amount)));

	return reversals.map((reversal): ReversalMatch => {
		const open = [...payments].filter(
			([id, events]) => !reversedIds.has(id) && events[0].payload.currency === reversal.currency,
		);
		let found = reversal.endToEndId
			? open.filter(([, events]) => events[0].payload.endToEndId === reversal.endToEndId)
			: [];
		if (found.length === 0 && reversal.debtorIban) {
			found = open.filter(
				([, events]) => events[0].payload.payerIban === reversal.debtorIban && total(events).equals(reversal.amount),
			);
		}
		if (found.length !== 1) {
			return {
				status: 'unmatched',
				reversal,
				message:
					found.length === 0
						? `No recorded payment found for this reversal of ${reversal.amount.toFixed()} ${reversal.currency}.`
						: `${found.length} recorded payments fit this reversal: apply it by hand.`,
			};
		}
		const [paymentId, events] = found[0];
		if (reversal.amount.gt(total(events))) {
			return {
				status: 'unmatched',
				reversal,
				message: `The reversal of ${reversal.amount.toFixed()} exceeds payment ${paymentId} (${total(events).toFixed()}).`,
			};
		}
		reversedIds.add(paymentId);
		let remaining = reversal.amount;
		const reversedEvents: PaymentReversedEvent[] = [];
		for (const event of [...events].reverse()) {
			if (remaining.lte(ZERO)) break;
			const amount = minOf(remaining, dec(event.payload.amount));
			reversedEvents.push({
				type: 'PAYMENT_REVERSED',
				invoiceNumber: event.invoiceNumber,
				payload: {
					paymentId,
					amount: amount.toFixed(),
					currency: reversal.currency,
					date: (reversal.bookingDate ?? reversal.valueDate)!,
					reversalId: reversal.key,
					...(reversal.returnReason ? { reason: reversal.returnReason } : {}),
				},
			});
			remaining = remaining.minus(amount);
		}
		return { status: 'matched', reversal, paymentId, events: reversedEvents };
	});
}

function minOf(a: Decimal, b: Decimal): Decimal {
	return a.lte(b) ? a : b;
}
