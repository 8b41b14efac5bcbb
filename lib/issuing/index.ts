/**
 * lib/issuing — the room above the invoice model, the ledger and the renderers: numbers a document in the ledger,
 * renders it, hands its files over and records them. Every document, invoice or credit note, takes this path.
 */
export type { DocumentRequest, IssueDocumentOptions, IssuedDocumentResult, Rendering } from './issue-document';
export { DocumentRefusedError, issueDocument, renderStored } from './issue-document';
export type { AlreadyInvoiced, IssuedDocument, IssueFailure, IssueOptions, IssueOutcome } from './issue-invoices';
export { DEFAULT_RECOVER_AFTER_MS, issueInvoices } from './issue-invoices';
export type { CreditNoteSettings, IssuedCreditNote } from './dispute-credit-note';
export { issueDisputeCreditNote } from './dispute-credit-note';
export type { IssueStreamOptions, IssueStreamSummary, StreamOutcomeLine } from './issue-stream';
export { issueStream, JOURNAL_RETENTION_MS, STAGE_BATCH, STREAM_CDR_IDS_CAP } from './issue-stream';
