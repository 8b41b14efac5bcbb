/**
 * Payment tracking over the ledger: the pure functions of lib/payments fed with the ledger's invoices and events, and
 * their results written back as events. Nothing is stored but events; every status is derived again on each read.
 *
 * Idempotence, so a workflow or a daily schedule can run again safely:
 * - a payment allocation is keyed by (paymentId, invoice): importing a statement twice records nothing twice, and a
 *   re-run after an interruption records the allocations still missing;
 * - an unmatched bank entry is kept once per transaction key (bank-entries.ts), for a person to match by hand;
 * - a reversal is keyed by its reversalId, a reminder level by (invoice, level), a dispute by its disputeId;
 * - the credit note of an accepted dispute names the dispute in a note: resolving again finds it instead of issuing
 *   a second one.
 */
export * from './errors';
export * from './invoices';
export * from './payments';
export * from './reminders';
export * from './disputes';
export * from './lifecycle';
export * from './cashed-status';
export * from './bank-entries';
