/** Refusals of a request: nothing was written, the caller fixes the named field. */
type RequestErrorCode =
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
	| 'CREDIT_ALLOCATIONS_INVALID'
	| 'INVOICE_NOT_FOUND'
	| 'RENDERED_FILE_INVALID'
	| 'EVENT_TYPE_INVALID'
	| 'LEDGER_QUERY_INVALID'
	| 'STAGED_REQUEST_INVALID'
	| 'DRY_RUN_UNSUPPORTED';

/**
 * The store cannot be used at all (a server down, a password refused, a file locked by another process): no request
 * of the run can succeed until someone acts, so a caller stops instead of failing item after item.
 */
const OPERATIONAL_CODES = [
	'LEDGER_UNREACHABLE',
	'LEDGER_AUTH_FAILED',
	'LEDGER_DATABASE_MISSING',
	'LEDGER_PERMISSION_DENIED',
	'LEDGER_BUSY',
	'LEDGER_READ_ONLY',
	'LEDGER_FILE_UNUSABLE',
	'LEDGER_SQLITE_UNAVAILABLE',
] as const;

export type LedgerErrorCode = RequestErrorCode | (typeof OPERATIONAL_CODES)[number];

/**
 * A refused ledger operation: nothing was written. `field` names the request field to fix; `operational` says the
 * store itself is unusable (the message says what to do: start the server, correct the password, free the file…).
 */
export class LedgerError extends Error {
	readonly code: LedgerErrorCode;
	readonly field?: string;

	constructor(code: LedgerErrorCode, message: string, field?: string) {
		super(message);
		this.name = 'LedgerError';
		this.code = code;
		this.field = field;
	}

	get operational(): boolean {
		return (OPERATIONAL_CODES as readonly string[]).includes(this.code);
	}
}
