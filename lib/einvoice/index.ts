/**
 * EN16931 renderings of an invoice model: CII (Factur-X EN 16931 or EXTENDED), UBL 2.1 (Peppol BIS 3.0) and the
 * Factur-X PDF/A-3b that embeds the CII.
 */
import type { Invoice } from '../invoice/model';
import { amountDecimals } from '../money';
import { renderCii } from './cii';
import type { CiiProfile, EInvoiceFormat } from '../invoice/formats';
import { renderFacturXPdf } from './facturx-pdf';
import type { LayoutLanguage } from './invoice-layout';
import { embeddable } from './supporting';
import type { SupportingAttachment } from './supporting';
import { renderUbl } from './ubl';

export { CII_GUIDELINES, FACTURX_CONFORMANCE_LEVELS, renderCii } from './cii';
export type { CiiOptions, CiiProfile } from './cii';
export { PEPPOL_CUSTOMIZATION_ID, PEPPOL_PROFILE_ID, renderUbl } from './ubl';
export type { UblOptions } from './ubl';
export { EMBED_IN_XML_LIMIT } from './supporting';
export type { SupportingAttachment } from './supporting';
export { renderFacturXPdf } from './facturx-pdf';
export type { FacturXOptions } from './facturx-pdf';
export { FACTURX_FILE_NAME } from './facturx-xmp';
export type { LayoutLanguage } from './invoice-layout';

export type { EInvoiceFormat } from '../invoice/formats';

/** A rendered file: the name to give it, its MIME type and content. */
export interface RenderedInvoiceFile {
	format: EInvoiceFormat;
	fileName: string;
	mimeType: 'application/pdf' | 'application/xml';
	data: Buffer;
}

export interface RenderAllOptions {
	profile?: CiiProfile;
	/** Contents of the document's supporting documents (BG-24): attached to the PDF, embedded in CII / UBL (supporting.ts). */
	attachments?: readonly SupportingAttachment[];
	language?: LayoutLanguage;
	creationDate?: Date;
}

/**
 * Why an invoice in `currency` cannot be rendered in `profile`, if it cannot. Factur-X EXTENDED (BR-FXEXT-S-09b)
 * tolerates only 0.01 per line between the VAT of a rate and taxable × rate: VAT in whole units of a currency without
 * minor units (JPY, KRW…) is off by up to 0.5, so such an invoice is refused before it is numbered.
 */
export function currencyProfileProblem(currency: string, profile: CiiProfile = 'EN16931'): string | undefined {
	if (profile !== 'EXTENDED' || amountDecimals(currency) > 0) return undefined;
	return (
		`${currency} amounts are whole numbers (ISO 4217: no minor unit), and Factur-X EXTENDED (rule BR-FXEXT-S-09b) ` +
		'allows the VAT only 0.01 per line away from taxable × rate: set invoicing.profile to "EN16931" to bill in ' +
		`${currency}.`
	);
}

/** File names from the invoice number, which holds only A-Z a-z 0-9 + - _ / ('/' becomes '_'). */
function baseName(invoice: Invoice): string {
	return invoice.number.replace(/[^A-Za-z0-9+\-_]/g, '_');
}

/** Renders the requested formats; the CII is rendered once and shared by the CII file and the Factur-X PDF. */
export async function renderAll(
	invoice: Invoice,
	formats: readonly EInvoiceFormat[],
	options: RenderAllOptions = {},
): Promise<RenderedInvoiceFile[]> {
	const profile = options.profile ?? 'EN16931';
	const name = baseName(invoice);
	const needsCii = formats.includes('cii') || formats.includes('facturx');
	// The CII inside the PDF references the attachments the PDF carries; the XML files embed the small ones (then the
	// CII file is rendered on its own, else once for both).
	const inXml = embeddable(options.attachments);
	const cii = needsCii ? renderCii(invoice, { profile, prettyPrint: formats.includes('cii') }) : '';
	const files: RenderedInvoiceFile[] = [];
	for (const format of formats) {
		if (format === 'facturx') {
			const data = await renderFacturXPdf(invoice, { ...options, profile, ciiXml: cii });
			files.push({ format, fileName: `${name}.pdf`, mimeType: 'application/pdf', data });
		} else if (format === 'cii') {
			// The CII file declares the invoice's own CIUS (XRechnung); the one in the PDF keeps its Factur-X profile.
			const declareSpecification = invoice.specification === 'xrechnung' && profile === 'EN16931';
			const own = declareSpecification || inXml.length > 0 ? renderCii(invoice, { profile, declareSpecification, attachments: inXml }) : cii;
			files.push({ format, fileName: `${name}.cii.xml`, mimeType: 'application/xml', data: Buffer.from(own, 'utf8') });
		} else {
			files.push({ format, fileName: `${name}.ubl.xml`, mimeType: 'application/xml', data: Buffer.from(renderUbl(invoice, { attachments: inXml }), 'utf8') });
		}
	}
	return files;
}
