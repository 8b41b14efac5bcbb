/**
 * The content of a BG-24 supporting document (the model holds only its reference: invoice.supportingDocuments).
 * Factur-X: a PDF attachment beside factur-x.xml (AFRelationship Supplement), referenced by its file name in the CII
 * inside. CII and UBL files: embedded as base64 (AttachmentBinaryObject / EmbeddedDocumentBinaryObject) up to
 * EMBED_IN_XML_LIMIT bytes; a larger one is referenced only and travels as its own file (docs: README "Monthly
 * invoices"), as base64 would make the XML a third larger again than the CSV and hold it twice in memory.
 */
export interface SupportingAttachment {
	fileName: string;
	data: Buffer;
}

export const EMBED_IN_XML_LIMIT = 20 * 1024 * 1024;

/** The attachments an XML file embeds: those small enough. */
export function embeddable(attachments: readonly SupportingAttachment[] | undefined): SupportingAttachment[] {
	return (attachments ?? []).filter((a) => a.data.length <= EMBED_IN_XML_LIMIT);
}
