/** Delivery failures with stable codes: the Failed output of Send Factur-X shows `code`, `message` and `field`. */

export type DeliveryErrorCode =
	/** The item has no `kind: 'ev-clearing.invoice'` marker: it did not come from Build Invoice. */
	| 'INVOICE_ITEM_NOT_FROM_BUILD_INVOICE'
	| 'INVOICE_ITEM_INVALID'
	/** The ledger given to the node does not know the invoice: not the ledger Build Invoice used. */
	| 'INVOICE_NOT_IN_LEDGER'
	| 'INVOICE_FILE_MISSING'
	| 'INVOICE_LINES_UNREADABLE'
	| 'RECIPIENT_MISSING'
	| 'TEMPLATE_FIELD_UNKNOWN'
	| 'DELIVERY_CONFIG_INVALID'
	| 'SMTP_AUTH_FAILED'
	| 'SMTP_REJECTED'
	| 'SMTP_UNAVAILABLE'
	| 'ODOO_AUTH_FAILED'
	| 'ODOO_VALIDATION_ERROR'
	| 'ODOO_ERROR'
	| 'ODOO_UNAVAILABLE'
	| 'ODOO_MALFORMED_RESPONSE'
	| 'ODOO_PARTNER_NOT_FOUND'
	| 'ODOO_RECORD_NOT_FOUND'
	| 'ODOO_TAX_UNMAPPED'
	| 'ODOO_REVERSED_INVOICE_UNKNOWN'
	| 'ODOO_TOTAL_MISMATCH'
	| 'HTTP_AUTH_FAILED'
	| 'HTTP_STATUS'
	| 'HTTP_UNAVAILABLE'
	/** The accredited platform (AFNOR XP Z12-013) refused the OAuth2 client or the token. */
	| 'PA_AUTH_FAILED'
	/** The platform could not be reached, timed out, or answered 5xx / 429: passing. */
	| 'PA_UNAVAILABLE'
	/** The platform refused the flow (400, 413, 422) or acknowledged it in error. */
	| 'PA_FLOW_REFUSED'
	| 'PA_FLOW_NOT_FOUND'
	/** The platform refused a directory or search request as malformed (400, 422). */
	| 'PA_REQUEST_REFUSED'
	| 'PA_MALFORMED_RESPONSE'
	/** The buyer has no line in the directory: it cannot receive on the French network under that identifier. */
	| 'PA_BUYER_NOT_IN_DIRECTORY'
	/** The invoice names no SIREN or electronic address (BT-47 / BT-49) for the buyer. */
	| 'PA_BUYER_ID_MISSING'
	/** A SIREN (or SIRET) that is not 9 (14) digits with a valid Luhn key. */
	| 'PA_SIREN_INVALID'
	/** An identifier scheme the French network does not route on (addresses 0225, registrations 0002 / 0009). */
	| 'PA_ADDRESS_SCHEME_UNSUPPORTED';

export class DeliveryError extends Error {
	/** How many attempts were made before giving up (set by withRetry). */
	attempts = 1;

	constructor(
		readonly code: DeliveryErrorCode,
		message: string,
		readonly options: {
			/** Worth retrying: timeouts, 5xx, SMTP 4xx. Authentication failures never are. */
			transient?: boolean;
			/** The field, parameter or remote field concerned. */
			field?: string;
			/** HTTP status or SMTP reply code. */
			status?: number;
			/** The remote answer, redacted and shortened. */
			response?: string;
			/** A record already created remotely before the failure (e.g. the Odoo move left in draft). */
			remoteId?: string;
		} = {},
	) {
		super(message);
		this.name = 'DeliveryError';
	}

	get transient(): boolean {
		return this.options.transient === true;
	}

	get field(): string | undefined {
		return this.options.field;
	}
}

export function isDeliveryError(error: unknown): error is DeliveryError {
	return error instanceof DeliveryError;
}
