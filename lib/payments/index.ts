/** Payment tracking: camt.053/054 import, matching to invoices, statuses, aging and reminders — all pure. */
export * from './bank-transactions';
export * from './camt';
export { DEFAULT_CAMT_MAX_BYTES, SUPPORTED_CAMT_MESSAGES } from './camt-document';
export type { CamtMessageName } from './camt-document';
export * from './camt-error';
export * from './events';
export * from './matching';
export * from './payment-error';
export * from './record-payment';
export * from './reminders';
export * from './statement-import';
export * from './status';
