/**
 * n8n-nodes-ev-clearing as a library: everything a node does, a TypeScript caller can do from here. The pipeline's
 * entry points are exported by name; each room is also exported whole as a namespace (`pricing.totalsOf`, …).
 *
 *   const validator = createCdrValidator();            // quality checks, coded issues
 *   const pricer = createPricer({ tariffs });          // OCPI tariff engine + cross-check with the CDR's total_cost
 *   const ledger = await openLedger({ kind: 'sqlite', path: 'ledger.sqlite' });
 *   const outcome = await issueInvoices(priced, parseInvoicingConfig(json), ledger);   // numbered, rendered
 *   const month = await issueStream(records, config, ledger, { onRendered, onOutcome });  // any volume, bounded memory
 */
export { createCdrValidator } from './quality';
export type { CdrValidator, CdrVerdict, QualityIssue, QualityOptions } from './quality';
export { createPricer, pricedCdrToJson, readPricedCdrJson } from './pricing';
export type { PricedCdr, PricedCdrJson, PricerOptions } from './pricing';
export { InvoicingConfigError, parseInvoicingConfig } from './invoice/config';
export type { InvoicingConfig, PartnerConfig, SellerConfig } from './invoice/config';
export { checkBusinessRules } from './invoice/business-rules';
export type { BusinessRuleViolation } from './invoice/business-rules';
export type { EInvoiceSpecification } from './invoice/specification';
export { invoiceSummary } from './invoice/summary';
export type { InvoiceSummaryJson } from './invoice/summary';
export { qualityStamp, withQualityStamp } from './invoice/quality-stamp';
export { DocumentRefusedError, issueDocument, issueInvoices, issueStream } from './issuing';
export type { IssuedDocument, IssueOptions, IssueOutcome, IssueStreamOptions, IssueStreamSummary, StreamOutcomeLine } from './issuing';
export { LedgerError, openLedger, parseLedgerConfig } from './ledger';
export type { Ledger, LedgerConfig } from './ledger';
export { renderAll } from './einvoice';
export type { RenderedInvoiceFile } from './einvoice';
export { deliverInvoice } from './delivery';
export { importBankStatement, recordPayment, resolveDispute, openDispute, statusReport } from './payments/tracking';
export { clearingReport, renderReportHtml } from './report';
export { createConsole, serveConsole } from './console';
export type { ClearingConsole, ConsoleOptions } from './console';
export { readJsonRecords } from './io/json-records';
export { NdjsonWriter } from './io/ndjson-writer';

export * as console from './console';
export * as delivery from './delivery';
export * as einvoice from './einvoice';
export * as issuing from './issuing';
export * as ledger from './ledger';
export * as payments from './payments';
export * as paymentTracking from './payments/tracking';
export * as pricing from './pricing';
export * as quality from './quality';
export * as report from './report';
export * as tariff from './tariff';
