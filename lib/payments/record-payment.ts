/**
 * The rules a payment obeys before it is written, whatever records it (a person, a bank statement, Odoo): a positive
 * amount with at most 2 decimals, in the invoice's currency, on a real date. Partial and over-payments are allowed:
 * the event says how much of it was over what was due.
 */
import type { Decimal } from '../money';
import { dec, ZERO } from '../money';
import { checkIsoDate } from './calendar';
import type { PaymentRecordedEvent, PaymentReversedEvent, PaymentSource } from './events';
import { PaymentError } from './payment-error';

export interface PaymentInput {
	paymentId: string;
	/** Decimal string or Decimal; never a JS number, which may already have lost the cents. */
	amount: string | Decimal;
	currency: string;
	/** YYYY-MM-DD, the day the money arrived. */
	date: string;
	source?: PaymentSource;
	payerName?: string;
	payerIban?: string;
	bankReference?: string;
}

export interface PayableInvoice {
	number: string;
	currency: string;
	/** What is due before this payment, to compute the over-payment; omit when unknown. */
	amountDue?: Decimal;
}

const AMOUNT = /^[0-9]+(\.[0-9]{1,2})?$/;

export function checkPaymentAmount(amount: string | Decimal, field = 'amount'): Decimal {
	const text = typeof amount === 'string' ? amount.trim() : amount.toFixed();
	if (/^-/.test(text) || (AMOUNT.test(text) && dec(text).lte(ZERO))) {
		throw new PaymentError(
			'PAYMENT_AMOUNT_NOT_POSITIVE',
			`${field} is ${text}: a payment is a positive amount (record a reversal to take one back).`,
			field,
		);
	}
	if (!AMOUNT.test(text)) {
		throw new PaymentError(
			'PAYMENT_AMOUNT_INVALID',
			`${field} is "${text}": give the amount as a decimal with at most 2 decimals and a point, e.g. 1250.40.`,
			field,
		);
	}
	return dec(text);
}

export function checkPaymentCurrency(currency: string, invoice: Pick<PayableInvoice, 'number' | 'currency'>): void {
	if (currency !== invoice.currency) {
		throw new PaymentError(
			'PAYMENT_CURRENCY_MISMATCH',
			`The payment is in ${currency || '(no currency)'} but invoice ${invoice.number} is in ${invoice.currency}: ` +
				'record it in the invoice currency (the amount credited after conversion by the bank).',
			'currency',
		);
	}
}

/** Checks a payment against its invoice and returns the event to record. */
export function paymentRecordedEvent(input: PaymentInput, invoice: PayableInvoice): PaymentRecordedEvent {
	if (!input.paymentId || input.paymentId.trim() === '') {
		throw new PaymentError(
			'PAYMENT_ID_MISSING',
			'paymentId is empty: give the bank reference or another unique reference, so it is never recorded twice.',
			'paymentId',
		);
	}
	const amount = checkPaymentAmount(input.amount);
	checkPaymentCurrency(input.currency, invoice);
	checkIsoDate(input.date, 'date');
	const overpayment = invoice.amountDue === undefined ? ZERO : amount.minus(maxZero(invoice.amountDue));
	return {
		type: 'PAYMENT_RECORDED',
		invoiceNumber: invoice.number,
		payload: {
			paymentId: input.paymentId,
			amount: amount.toFixed(),
			currency: input.currency,
			date: input.date,
			source: input.source ?? 'manual',
			...(overpayment.gt(ZERO) ? { overpayment: overpayment.toFixed() } : {}),
			...(input.payerName ? { payerName: input.payerName } : {}),
			...(input.payerIban ? { payerIban: input.payerIban.replace(/\s/g, '').toUpperCase() } : {}),
			...(input.bankReference ? { bankReference: input.bankReference } : {}),
		},
	};
}

/** Checks a reversal of a recorded payment: same currency, not more than the payment; returns the event. */
export function paymentReversedEvent(
	reversal: { reversalId: string; amount: string | Decimal; currency: string; date: string; reason?: string },
	payment: PaymentRecordedEvent,
): PaymentReversedEvent {
	const amount = checkPaymentAmount(reversal.amount);
	checkPaymentCurrency(reversal.currency, { number: payment.invoiceNumber, currency: payment.payload.currency });
	checkIsoDate(reversal.date, 'date');
	if (amount.gt(dec(payment.payload.amount))) {
		throw new PaymentError(
			'REVERSAL_EXCEEDS_PAYMENT',
			`The reversal of ${amount.toFixed()} is more than the ${payment.payload.amount} payment ` +
				`${payment.payload.paymentId} recorded on invoice ${payment.invoiceNumber}.`,
			'amount',
		);
	}
	return {
		type: 'PAYMENT_REVERSED',
		invoiceNumber: payment.invoiceNumber,
		payload: {
			paymentId: payment.payload.paymentId,
			amount: amount.toFixed(),
			currency: reversal.currency,
			date: reversal.date,
			reversalId: reversal.reversalId,
			...(reversal.reason ? { reason: reversal.reason } : {}),
		},
	};
}

function maxZero(value: Decimal): Decimal {
	return value.gt(ZERO) ? value : ZERO;
}
