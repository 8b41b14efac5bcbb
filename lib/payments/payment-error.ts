/** A payment, schedule or date refused by the payment rules. Stable codes; `field` names the input concerned. */
export type PaymentErrorCode =
	| 'PAYMENT_AMOUNT_INVALID'
	| 'PAYMENT_AMOUNT_NOT_POSITIVE'
	| 'PAYMENT_CURRENCY_MISMATCH'
	| 'PAYMENT_DATE_INVALID'
	| 'PAYMENT_ID_MISSING'
	| 'REVERSAL_EXCEEDS_PAYMENT'
	| 'REMINDER_SCHEDULE_INVALID';

export class PaymentError extends Error {
	constructor(
		readonly code: PaymentErrorCode,
		message: string,
		readonly field?: string,
	) {
		super(message);
		this.name = 'PaymentError';
	}
}
