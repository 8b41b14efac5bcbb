/**
 * Re-sending an invoice by e-mail from the console: the document is rendered again from the ledger's stored copy
 * and goes the delivery room's one path (deliverInvoice with resend, retries, secrets redacted), which records the
 * attempt as a delivery event like any other; the console adds who asked.
 */
import type { EInvoiceFormat } from '../einvoice';
import { renderAll } from '../einvoice';
import type { InvoiceDocument, SmtpSettings } from '../delivery';
import { createSmtpSender, DEFAULT_BODY, DEFAULT_RETRY_POLICY, DEFAULT_SUBJECT, deliverInvoice, emailChannel, emailRecipients, renderTemplate, smtpRedactor } from '../delivery';
import { languageOf } from '../invoice/build';
import type { InvoicingConfig } from '../invoice/config';
import { partnerFor } from '../invoice/config';
import { invoiceFromDocument } from '../invoice/document-json';
import { invoiceSummary } from '../invoice/summary';
import type { Ledger } from '../ledger';
import type { Resender } from './views/context';

export interface EmailResendSettings {
	smtp: SmtpSettings;
	from: string;
	subject?: string;
	body?: string;
}

export function emailResender(ledger: Ledger, config: InvoicingConfig, settings: EmailResendSettings): Resender {
	return async (number) => {
		const record = await ledger.getInvoice(number);
		if (!record) return { outcome: 'failed', message: `No document ${number} in the ledger.` };
		const invoice = invoiceFromDocument(record.document);
		const partner = partnerFor(config, record.buyer.countryCode, record.buyer.partyId);
		const formats: EInvoiceFormat[] = config.invoicing.formats;
		const rendered = await renderAll(invoice, formats, { profile: config.invoicing.profile, language: partner ? languageOf(partner, config) : undefined });
		const files: InvoiceDocument['files'] = {};
		for (const file of rendered) files[file.format] = { fileName: file.fileName, mimeType: file.mimeType, data: file.data };
		const summary = invoiceSummary(invoice, {
			cdrIds: record.cdrs.map((cdr) => cdr.id),
			ocpiParty: `${record.buyer.countryCode}*${record.buyer.partyId}`,
			email: partner?.email ?? null,
			files: Object.fromEntries(rendered.map((file) => [file.format, file.fileName])),
			recovered: false,
		});
		const sender = createSmtpSender(settings.smtp);
		try {
			const outcome = await deliverInvoice(
				{ summary, files },
				emailChannel(sender, (document) => ({
					from: settings.from,
					to: emailRecipients(document, []),
					subject: renderTemplate(settings.subject ?? DEFAULT_SUBJECT, document.summary, 'subject'),
					text: renderTemplate(settings.body ?? DEFAULT_BODY, document.summary, 'body'),
				})),
				{ ledger, resend: true, retry: DEFAULT_RETRY_POLICY, redactor: smtpRedactor(settings.smtp) },
			);
			return { outcome: outcome.status, ...(outcome.status === 'failed' ? { message: `${outcome.code}: ${outcome.message}` } : {}) };
		} finally {
			await sender.close();
		}
	};
}
