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
	| 'HTTP_UNAVAILABLE';

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
