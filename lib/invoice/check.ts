/**
 * Checks of an invoice before it is issued: the EN 16931 business rules and the French warnings, as
 * lib/invoice/business-rules.ts evaluates them for the document's own specification. Kept as the short name the
 * library has always exported.
 */
import type { BusinessRuleViolation } from './business-rules';
import { checkBusinessRules } from './business-rules';
import type { Invoice } from './model';

export { isValidIban } from './business-rules';

/** A broken rule: code, EN16931 rule id, severity, the field with its business term, and the fix. */
export type InvoiceProblem = BusinessRuleViolation;

export function checkInvoice(invoice: Invoice): InvoiceProblem[] {
	return checkBusinessRules(invoice);
}
