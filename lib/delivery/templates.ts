/**
 * Subject and body templates with `{{field}}` placeholders filled from the invoice summary, e.g.
 * "Invoice {{number}} – {{totals.withVat}} {{currency}}". n8n expressions are evaluated before (they start with "="),
 * so both work together. An unknown placeholder is an error, not a silent blank in a message to a customer.
 */
import type { InvoiceSummaryJson } from '../invoice/summary';
import { defaultMessage } from './default-message';
import { DeliveryError } from './errors';

/** The default subject and body: written in the document's language, a credit note without payment request. */
export const DEFAULT_SUBJECT = '{{defaultSubject}}';
export const DEFAULT_BODY = '{{defaultBody}}';

/** Fields a template may use besides the summary's own: derived for people, not for machines. */
function derivedFields(summary: InvoiceSummaryJson): Record<string, string> {
	const type = summary.typeCode === '381' ? 'Credit note' : 'Invoice';
	return {
		documentType: type,
		documentTypeLower: type.toLowerCase(),
		// A batch-mode document lists only its first CDR ids and says how many it has.
		cdrCount: String((summary as { cdrCount?: number }).cdrCount ?? summary.cdrIds?.length ?? 0),
		defaultSubject: defaultMessage(summary).subject,
		defaultBody: defaultMessage(summary).body,
	};
}

function lookup(summary: InvoiceSummaryJson, path: string): { found: boolean; value: unknown } {
	const derived = derivedFields(summary);
	if (path in derived) return { found: true, value: derived[path] };
	let value: unknown = summary;
	for (const key of path.split('.')) {
		if (typeof value !== 'object' || value === null || !(key in value)) return { found: false, value: undefined };
		value = (value as Record<string, unknown>)[key];
	}
	return { found: true, value };
}

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_.]*)\s*\}\}/g;

export function renderTemplate(template: string, summary: InvoiceSummaryJson, field = 'template'): string {
	return template.replace(PLACEHOLDER, (_match, path: string) => {
		const { found, value } = lookup(summary, path);
		if (!found) {
			throw new DeliveryError(
				'TEMPLATE_FIELD_UNKNOWN',
				`The ${field} uses {{${path}}}, which is no field of the invoice: use e.g. {{number}}, {{issueDate}}, {{dueDate}}, {{buyer.name}}, {{totals.withVat}}, {{currency}} or {{paymentReference}}.`,
				{ field },
			);
		}
		if (value === null || value === undefined) return '';
		if (Array.isArray(value)) return value.join(', ');
		return typeof value === 'object' ? JSON.stringify(value) : String(value);
	});
}
