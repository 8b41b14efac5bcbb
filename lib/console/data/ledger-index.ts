/**
 * The console's read model of the whole ledger, for what needs every document at once: lists filtered or sorted by
 * payment status, the overview, reminders, disputes, the bank-entry queue. Every document's summary with its state
 * (document-state.ts), kept in memory and brought up to date before each use by reading only the events written
 * since (ledger event ids only grow). Nothing is stored: statuses are derived again from the events, kept per day and
 * forgotten when a new event concerns the invoice.
 *
 * Why in memory: a payment status is derived from events, never stored as a column; deriving it for 100,000 invoices
 * on each request would not answer in time, following the events once does (~3-6 s to open at 100,000 invoices, in
 * the background: lists by number, date or amount and the detail pages answer from the ledger meanwhile).
 */
import type { InvoiceSummary, Ledger, LedgerEvent } from '../../ledger';
import { creditedByEvent } from '../../ledger';
import type { Decimal } from '../../money';
import { dec } from '../../money';
import type { InvoicePaymentStatus } from '../../payments';
import type { BankEntryMatchedPayload, UnmatchedBankEntryPayload } from '../../payments/tracking';
import { BANK_ENTRY_MATCHED, BANK_ENTRY_UNMATCHED } from '../../payments/tracking';
import type { DocumentState } from './document-state';
import { applyCreditNote, applyEvent, documentState, statusOf } from './document-state';

export type { DeliveryState } from './document-state';
export type IndexedDocument = DocumentState;

export interface IndexedBankEntry {
	eventId: number;
	recordedAt: string;
	entry: UnmatchedBankEntryPayload;
	allocated: Decimal;
	matched?: BankEntryMatchedPayload;
}

const PAGE = 20_000;

export class LedgerIndex {
	private readonly documents = new Map<string, DocumentState>();
	private readonly entries = new Map<string, IndexedBankEntry>();
	private readonly names = new Map<string, string | undefined>();
	private byNumber?: DocumentState[];
	private emspList?: string[];
	private lastEventId = 0;
	private pending: Promise<void> = Promise.resolve();

	private constructor(private readonly ledger: Ledger) {}

	static async open(ledger: Ledger): Promise<LedgerIndex> {
		const index = new LedgerIndex(ledger);
		for (const summary of await ledger.listInvoices()) index.add(summary, undefined);
		await index.refresh();
		return index;
	}

	/** Reads the events written since the last call; concurrent callers share one read. */
	refresh(): Promise<void> {
		this.pending = this.pending.then(() => this.follow());
		return this.pending;
	}

	private async follow(): Promise<void> {
		for (;;) {
			const events = await this.ledger.events({ afterId: this.lastEventId, limit: PAGE });
			for (const event of events) await this.apply(event);
			if (events.length > 0) this.lastEventId = events[events.length - 1].id;
			if (events.length < PAGE) return;
		}
	}

	private add(summary: InvoiceSummary, cdrCount: number | undefined): DocumentState {
		const doc = documentState(summary, cdrCount);
		this.documents.set(summary.number, doc);
		this.byNumber = undefined;
		if (this.emspList && !this.emspList.includes(doc.emsp)) this.emspList = undefined;
		return doc;
	}

	private async documentFor(number: string): Promise<DocumentState | undefined> {
		const known = this.documents.get(number);
		if (known) return known;
		// Issued after the summaries were read: fetch it once.
		const record = await this.ledger.getInvoice(number);
		if (!record) return undefined;
		const summary: InvoiceSummary & { cdrs?: unknown; document?: unknown } = { ...record };
		delete summary.cdrs;
		delete summary.document;
		return this.add(summary, record.cdrs.length);
	}

	private async apply(event: LedgerEvent): Promise<void> {
		if (event.type === BANK_ENTRY_UNMATCHED) {
			const entry = event.payload as UnmatchedBankEntryPayload;
			if (!this.entries.has(entry.key)) this.entries.set(entry.key, { eventId: event.id, recordedAt: event.at, entry, allocated: dec(0) });
			return;
		}
		if (event.type === BANK_ENTRY_MATCHED) {
			const matched = event.payload as BankEntryMatchedPayload;
			const known = this.entries.get(matched.key);
			if (known) known.matched = matched;
			return;
		}
		if (event.invoiceNumber === undefined) return;
		const doc = await this.documentFor(event.invoiceNumber);
		if (!doc) return;
		if (event.type === 'CREDIT_NOTE_ISSUED') {
			applyEvent(doc, event);
			for (const { invoiceNumber } of creditedByEvent(event.payload)) {
				const corrected = await this.documentFor(invoiceNumber);
				if (corrected) applyCreditNote(corrected, event);
			}
			return;
		}
		applyEvent(doc, event);
		if (event.type === 'PAYMENT_RECORDED') {
			const entry = this.entries.get((event.payload as { paymentId: string }).paymentId);
			if (entry) entry.allocated = entry.allocated.plus(dec((event.payload as { amount: string }).amount));
		}
	}

	/** Every document, invoices and credit notes, in no particular order. */
	all(): IterableIterator<DocumentState> {
		return this.documents.values();
	}

	/** Every document by series, then sequence (kept until a document is added: lists need not sort by number). */
	ordered(): readonly DocumentState[] {
		this.byNumber ??= [...this.documents.values()].sort((a, b) =>
			a.summary.series === b.summary.series ? a.summary.sequence - b.summary.sequence : a.summary.series < b.summary.series ? -1 : 1,
		);
		return this.byNumber;
	}

	get size(): number {
		return this.documents.size;
	}

	get(number: string): DocumentState | undefined {
		return this.documents.get(number);
	}

	/** The payment status of an invoice (380) at `asOf`, derived from its events. */
	status(doc: DocumentState, asOf: string): InvoicePaymentStatus {
		return statusOf(doc, asOf)!;
	}

	/** The bank entries an import could not match, in the order recorded. */
	bankEntries(): IndexedBankEntry[] {
		return [...this.entries.values()].sort((a, b) => a.eventId - b.eventId);
	}

	/** The eMSPs billed in this ledger, by OCPI party. */
	emsps(): string[] {
		this.emspList ??= [...new Set([...this.documents.values()].map((doc) => doc.emsp))].sort();
		return this.emspList;
	}

	/** The buyer's legal name (BT-44) of an eMSP, read once from one of its documents. */
	async buyerName(emsp: string): Promise<string | undefined> {
		if (this.names.has(emsp)) return this.names.get(emsp);
		let name: string | undefined;
		for (const doc of this.documents.values()) {
			if (doc.emsp !== emsp) continue;
			const record = await this.ledger.getInvoice(doc.summary.number);
			const candidate = (record?.document as { buyer?: { name?: unknown } } | undefined)?.buyer?.name;
			name = typeof candidate === 'string' ? candidate : undefined;
			break;
		}
		this.names.set(emsp, name);
		return name;
	}

	/** Names of every eMSP, for lists. */
	async buyerNames(): Promise<Map<string, string | undefined>> {
		for (const emsp of this.emsps()) await this.buyerName(emsp);
		return new Map(this.emsps().map((emsp) => [emsp, this.names.get(emsp)]));
	}
}
