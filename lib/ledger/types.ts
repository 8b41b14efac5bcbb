/**
 * The ledger: the record of what was invoiced (and later sent and paid). One interface, two stores (SQLite for one
 * n8n instance, PostgreSQL for queue-mode workers), the same guarantees on both:
 * - invoice numbers are gap-free and unique per series, allocated in the transaction that records the invoice;
 * - a CDR (country_code, party_id, id — compared case-insensitively, as OCPI CiStrings are) is on at most one
 *   document;
 * - every change is an event row (the audit trail); statuses are derived from events, never stored twice;
 * - the document (the EN16931 model as JSON) is stored with its number, so files lost in a crash are re-rendered.
 */
import type { InvoiceNumberParts } from '../invoice/numbering';
import type { Cdr } from '../ocpi/types';

/** The OCPI identity of a CDR. */
export type CdrRef = Pick<Cdr, 'country_code' | 'party_id' | 'id'>;

/** UNTDID 1001: 380 commercial invoice, 381 credit note. */
export type InvoiceTypeCode = '380' | '381';

/** The eMSP billed, by its OCPI party. */
export interface BuyerParty {
	countryCode: string;
	partyId: string;
}

/** Document totals as decimal strings (EN16931: BT-109, BT-110, BT-112). Credit notes carry positive amounts. */
export interface InvoiceTotals {
	/** BT-109 */
	withoutVat: string;
	/** BT-110 */
	vat: string;
	/** BT-112 = BT-109 + BT-110 (BR-CO-15), checked. */
	withVat: string;
}

interface IssueRequestBase {
	/** The numbering series: the counter is per series. To restart numbering each year, put the year in the series. */
	series: string;
	/** BT-2, `YYYY-MM-DD`; never earlier than the previous document of the series (numbers follow the dates). */
	issueDate: string;
	/** BT-9, `YYYY-MM-DD`. */
	dueDate?: string;
	buyer: BuyerParty;
	/** BT-5, ISO 4217. */
	currency: string;
	totals: InvoiceTotals;
	/** Turns the allocated sequence into the number (see invoiceNumberFormatter); the result is validated. */
	formatNumber: (parts: InvoiceNumberParts) => string;
	/**
	 * The full document (EN16931 model) for this number, called inside the transaction once the number is known.
	 * Must be synchronous, pure and JSON-serialisable: it is stored and is what a re-render starts from.
	 */
	buildDocument: (number: string) => unknown;
	/** E.g. the ISO 11649 RF creditor reference derived from the number (BT-83); unique across the ledger. */
	paymentReferenceFor?: (number: string) => string;
}

/** A document's CDRs taken from the run journal instead of a list (stageCdrs): linked by INSERT … SELECT. */
export interface StagedSelectionRequest {
	runId: string;
	docKey: string;
	/**
	 * How many staged rows the document bills (stagedDocuments' count): fewer linked means another run took some. A
	 * credit note links the rows of its key whose original CDR is on an invoice of this ledger.
	 */
	count: number;
}

/** How much of a credit note (with VAT) is credited on one invoice it corrects. */
export interface CreditAllocation {
	/** The invoice corrected (BT-25). */
	invoiceNumber: string;
	/** Decimal string, at most 2 decimals, positive: what this credit note takes off that invoice's total. */
	amountWithVat: string;
}

/** A credit allocation as the ledger records it: which credit note credits it. */
export interface RecordedCreditAllocation extends CreditAllocation {
	creditNoteNumber: string;
}

export interface CreditAllocationFilter {
	/** The allocations on these invoices (what is credited on each). */
	invoiceNumbers?: readonly string[];
	/** The allocations of these credit notes (the invoices each corrects). */
	creditNoteNumbers?: readonly string[];
}

export interface IssueInvoiceRequest extends IssueRequestBase {
	typeCode: '380';
	/** The CDRs this invoice bills: at least one; none of them may be on another document. Empty with `staged`. */
	cdrs: CdrRef[];
	staged?: StagedSelectionRequest;
}

export interface IssueCreditNoteRequest extends IssueRequestBase {
	typeCode: '381';
	/**
	 * The invoices corrected (BT-25, one reference each) and how much of this credit note goes on each: they sum to
	 * totals.withVat. Each has this buyer and currency, and the credit notes on it together never exceed its total.
	 */
	allocations?: CreditAllocation[];
	/** Shorthand for one allocation: the whole credit note is credited on this invoice. Give this or `allocations`. */
	correctsInvoiceNumber?: string;
	/** OCPI credit CDRs (`credit: true`) this credit note carries; may be empty (dispute, cancellation). */
	cdrs: CdrRef[];
	staged?: StagedSelectionRequest;
}

/** One accepted CDR for the run journal. */
export interface StagedCdr {
	ref: CdrRef;
	/** The document it goes on: rows of one key are issued together (keys of invoices sort before credit notes'). */
	docKey: string;
	/** Credit CDRs: the staged key of the CDR they correct (its invoice is found at issue time). */
	creditedKey?: string;
	/** Order of the rows in the document (the session start). */
	sortKey: string;
	/** The input line, for outcomes. */
	line?: number;
	/** What the document's lines and its CDR list need, as the issuing layer writes it (JSON text). */
	data: string;
}

export interface StageResult {
	/** Rows staged (or taken over from an earlier attempt of the run). */
	staged: number;
	/** Given twice in this attempt: staged once, by the first. */
	repeated: Array<{ ref: CdrRef; line?: number; firstLine?: number }>;
	/** Already on a document: not staged. */
	invoiced: Array<{ ref: CdrRef; line?: number; invoiceNumber: string }>;
}

export interface StagedDocument {
	docKey: string;
	/**
	 * Credit notes: the invoices their credit CDRs' originals are on (one credit note for all of them), or null for
	 * the rows of the key whose original is on no invoice of this ledger. Invoices: [].
	 */
	corrects: string[] | null;
	count: number;
}

export interface StagedRow {
	ref: CdrRef;
	line?: number;
	data: string;
	/** Credit CDRs: the invoice the CDR they correct is on. */
	corrects?: string;
}

export type IssueRequest = IssueInvoiceRequest | IssueCreditNoteRequest;

export type IssueResult =
	| { kind: 'issued'; number: string; sequence: number }
	/** Nothing was written: these CDRs (by cdrKey) are already on the listed documents. */
	| { kind: 'already_invoiced'; conflicts: Map<string, string> };

export interface RenderedFile {
	name: string;
	/** Lower-case hex SHA-256 of the file's bytes. */
	sha256: string;
}

export interface InvoiceSummary {
	number: string;
	series: string;
	sequence: number;
	typeCode: InvoiceTypeCode;
	issueDate: string;
	dueDate?: string;
	buyer: BuyerParty;
	currency: string;
	totals: InvoiceTotals;
	/** Credit notes: the first invoice they correct (all of them: InvoiceRecord.creditAllocations, creditAllocations()). */
	correctsInvoiceNumber?: string;
	paymentReference?: string;
	/** ISO 8601 UTC: when the ledger recorded it. */
	recordedAt: string;
	/** Absent until markRendered: the files may be missing and must be rendered from `document`. */
	renderedAt?: string;
	renderedFiles?: RenderedFile[];
}

export interface InvoiceRecord extends InvoiceSummary {
	cdrs: CdrRef[];
	document: unknown;
	/** Credit notes: every invoice corrected, with the amount credited on it, by invoice number. Invoices: []. */
	creditAllocations: CreditAllocation[];
}

export interface InvoiceFilter {
	series?: string;
	typeCode?: InvoiceTypeCode;
	buyer?: BuyerParty;
	/** Only the credit notes correcting this invoice (allocating credit on it). */
	correctsInvoiceNumber?: string;
	/** Inclusive `YYYY-MM-DD` bounds on the issue date. */
	issuedFrom?: string;
	issuedTo?: string;
}

/** Event types the ledger writes itself; later modules add theirs (UPPER_SNAKE_CASE) through recordEvent. */
export type LedgerEventType = 'INVOICE_ISSUED' | 'CREDIT_NOTE_ISSUED' | 'INVOICE_RENDERED' | (string & {});

export interface LedgerEvent {
	/** Increasing in insertion order within a store. */
	id: number;
	/** ISO 8601 UTC. */
	at: string;
	type: LedgerEventType;
	invoiceNumber?: string;
	payload: unknown;
}

export interface NewLedgerEvent {
	type: string;
	invoiceNumber?: string;
	payload: unknown;
	/** Idempotency key, e.g. "payment:<bank transaction key>:<invoice>". */
	key?: string;
}

export interface EventFilter {
	invoiceNumber?: string;
	/** The events of several invoices at once (a page of a list). */
	invoiceNumbers?: readonly string[];
	type?: LedgerEventType;
	/** Only events with a greater id: to follow the trail incrementally. */
	afterId?: number;
	limit?: number;
}

/** The orders a page of invoices can be read in, each served by an index. */
export type InvoiceSortKey = 'number' | 'issueDate' | 'dueDate' | 'total';

export interface InvoicePageQuery extends InvoiceFilter {
	/** The start of a number (as typed, or upper-cased), or a whole RF reference (spaces ignored). */
	search?: string;
	/** Only these documents. */
	numbers?: readonly string[];
	/** Only the credit notes correcting one of these invoices. */
	correcting?: readonly string[];
	/** Default: by number (series, then sequence). dueDate: a document without one counts as due when issued. */
	sort?: InvoiceSortKey;
	descending?: boolean;
	/** Keyset pagination: the `next` of the previous page (stable when documents are added meanwhile). */
	after?: string;
	/** Or a page by position (`after` wins when both are given). */
	offset?: number;
	/** 1 to 1000. */
	limit: number;
}

export interface InvoicePage {
	rows: InvoiceSummary[];
	/** How many documents the filters select, all pages together. */
	total: number;
	/** Give it as `after` for the next page; absent on the last. */
	next?: string;
}

/** A CDR on a document, as the ledger links it. */
export interface InvoicedCdr extends CdrRef {
	invoiceNumber: string;
}

export interface Ledger {
	/** The CDRs among `cdrs` already on a document: cdrKey(cdr) → document number. */
	findInvoicedCdrs(cdrs: CdrRef[]): Promise<Map<string, string>>;
	/**
	 * All or nothing: either every CDR is free and the document is recorded with the next number of its series (number,
	 * CDR links, document and an event in one transaction), or nothing is written and the conflicting CDRs are returned.
	 * Callers that want to invoice "the rest" call findInvoicedCdrs first and issue for the CDRs not returned.
	 */
	issue(request: IssueRequest): Promise<IssueResult>;
	getInvoice(number: string): Promise<InvoiceRecord | undefined>;
	/** The credit allocations on some invoices or of some credit notes, by credit note then invoice number. */
	creditAllocations(filter: CreditAllocationFilter): Promise<RecordedCreditAllocation[]>;
	/** Ordered by series, then sequence. */
	listInvoices(filter?: InvoiceFilter): Promise<InvoiceSummary[]>;
	/** Records that the files of a document exist (re-rendering records again, with an event each time). */
	markRendered(number: string, files: RenderedFile[]): Promise<void>;
	/** Documents recorded but never marked rendered (e.g. after a crash): render them from their stored document. */
	listUnrendered(): Promise<InvoiceRecord[]>;
	/**
	 * Appends an audit event (deliveries, payments… for later modules). `type` in UPPER_SNAKE_CASE. With a `key`, the
	 * event is recorded at most once: a second call with the same key writes nothing and returns the first event with
	 * `duplicate: true` — safe against concurrent writers (a unique index, not a read-then-write).
	 */
	recordEvent(event: NewLedgerEvent): Promise<LedgerEvent & { duplicate?: true }>;
	events(filter?: EventFilter): Promise<LedgerEvent[]>;
	/** A page of documents, filtered, sorted and paged by the store (keyset or offset), with the count of all pages. */
	pageInvoices(query: InvoicePageQuery): Promise<InvoicePage>;
	/** The documents a CDR id is on, whichever CPO's (ids compared case-insensitively). */
	findCdrsById(id: string): Promise<InvoicedCdr[]>;
	/** Run journal (staging.ts): stages a batch of accepted CDRs in one transaction. */
	stageCdrs(runId: string, attempt: string, rows: readonly StagedCdr[]): Promise<StageResult>;
	/** The run's next document keys after `after` (null: from the start), at most `limit`. */
	stagedDocumentKeys(runId: string, after: string | null, limit: number): Promise<string[]>;
	stagedDocuments(runId: string, docKey: string): Promise<StagedDocument[]>;
	/** The rows of one staged document, streamed; `each` must not call the ledger. */
	forEachStaged(runId: string, document: StagedDocument, credited: boolean, each: (row: StagedRow) => void | Promise<void>): Promise<void>;
	/** Removes the rows of one document key of a run, or the whole run's. */
	unstage(runId: string, docKey?: string): Promise<void>;
	/** Removes journal rows staged before `before` (ISO time): runs killed and never resumed. */
	pruneStaged(before: string): Promise<number>;
	close(): Promise<void>;
}

export type LedgerConfig =
	| {
			kind: 'sqlite';
			/** A file path; created and migrated on first use. */
			path: string;
			/** How long a writer waits for another process's transaction, in ms. Default 10 000. */
			busyTimeoutMs?: number;
	  }
	| {
			kind: 'postgres';
			connectionString: string;
			/** A schema of its own (created if missing); default `public`. */
			schema?: string;
			/** Pool size; default 4. */
			maxConnections?: number;
	  };
