export type LedgerErrorCode =
	| 'LEDGER_CONFIG_INVALID'
	| 'LEDGER_SCHEMA_TOO_NEW'
	| 'CDR_REF_INVALID'
	| 'CDR_LISTED_TWICE'
	| 'INVOICE_WITHOUT_CDRS'
	| 'BUYER_INVALID'
	| 'CURRENCY_INVALID'
	| 'AMOUNT_INVALID'
	| 'TOTALS_INCONSISTENT'
	| 'ISSUE_DATE_BEFORE_PREVIOUS'
	| 'INVOICE_NUMBER_TAKEN'
	| 'PAYMENT_REFERENCE_TAKEN'
	| 'DOCUMENT_NOT_JSON'
	| 'CORRECTED_INVOICE_NOT_FOUND'
	| 'CORRECTED_DOCUMENT_NOT_AN_INVOICE'
	| 'CREDIT_NOTE_BUYER_MISMATCH'
	| 'CREDIT_NOTE_CURRENCY_MISMATCH'
	| 'CREDIT_EXCEEDS_INVOICE'
	| 'INVOICE_NOT_FOUND'
	| 'RENDERED_FILE_INVALID'
	| 'EVENT_TYPE_INVALID';

/** A refused ledger operation: nothing was written. `field` names the request field to fix. */
export class LedgerError extends Error {
	readonly code: LedgerErrorCode;
	readonly field?: string;

	constructor(code: LedgerErrorCode, message: string, field?: string) {
		super(message);
		this.name = 'LedgerError';
		this.code = code;
		this.field = field;
	}
}
