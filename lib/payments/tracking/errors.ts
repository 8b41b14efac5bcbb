export type PaymentTrackingErrorCode =
	| 'INVOICE_NOT_FOUND'
	| 'NOT_AN_INVOICE'
	| 'DISPUTE_NOT_FOUND'
	| 'DISPUTE_ALREADY_RESOLVED'
	| 'DISPUTE_ID_TAKEN'
	| 'DISPUTE_REASON_MISSING'
	| 'DISPUTE_CDR_NOT_ON_INVOICE'
	| 'CREDIT_MISSING'
	/** A lifecycle message (CDAR) about an invoice this ledger did not issue (or of another seller). */
	| 'CDAR_INVOICE_UNKNOWN'
	| 'BANK_ENTRY_NOT_FOUND'
	| 'BANK_ENTRY_ALREADY_MATCHED'
	| 'MATCHED_BY_MISSING';

/** A tracking request refused before anything was written; `field` names the input to fix. */
export class PaymentTrackingError extends Error {
	constructor(
		readonly code: PaymentTrackingErrorCode,
		message: string,
		readonly field?: string,
	) {
		super(message);
		this.name = 'PaymentTrackingError';
	}
}
