/**
 * The console's read model of the ledger: every document's summary with the events its status is derived from,
 * its deliveries and its platform statuses, kept in memory and brought up to date before each request by reading
 * only the events written since (ledger event ids only grow). Nothing is stored: statuses are derived again from
 * the events (lib/payments paymentStatus), cached per day and forgotten when a new event concerns the invoice.
 *
 * Why in memory: the list is filtered by payment status, which is derived from events, never stored as a column;
 * deriving it for 100,000 invoices on each request would not answer in time, following the events once does.
 */
import type { InvoiceSummary, Ledger, LedgerEvent } from '../../ledger';
import type { Decimal } from '../../money';
import { dec } from '../../money';
import type { InvoiceFacts, InvoicePaymentStatus, PaymentEvent } from '../../payments';
import { paymentEventsOf, paymentStatus } from '../../payments';
import type { BankEntryMatchedPayload, UnmatchedBankEntryPayload } from '../../payments/tracking';
import { BANK_ENTRY_MATCHED, BANK_ENTRY_UNMATCHED, emspOf } from '../../payments/tracking';
import type { LifecycleStatus } from './lifecycle';
import { lifecycleStatusOf } from './lifecycle';

export interface DeliveryState {
	channel: string;
	outcome: 'sent' | 'failed';
	at: string;
	attempts?: number;
	remoteId?: string | null;
	reason?: { code: string; message: string };
}

export interface IndexedDocument {
	summary: InvoiceSummary;
	emsp: string;
	total: Decimal;
	cdrCount: number;
	/** Payment, dispute and reminder events of this invoice, and the credit notes correcting it. */
	paymentEvents: PaymentEvent[];
	/** Latest outcome per channel. */
	deliveries: Map<string, DeliveryState>;
	/** Statuses reported by the accredited platform, oldest first. */
	lifecycle: LifecycleStatus[];
	/** Numbers of the credit notes correcting it. */
	creditNotes: string[];
	/** The last status derived, and the day it is for; forgotten when an event concerns the invoice. */
	status?: InvoicePaymentStatus;
}

export interface IndexedBankEntry {
	eventId: number;
	recordedAt: string;
	entry: UnmatchedBankEntryPayload;
	allocated: Decimal;
	matched?: BankEntryMatchedPayload;
}

const PAGE = 20_000;
const PAYMENT_TYPES = new Set(['PAYMENT_RECORDED', 'PAYMENT_REVERSED', 'CREDIT_NOTE_ISSUED', 'DISPUTE_OPENED', 'DISPUTE_RESOLVED', 'REMINDER_SENT']);

export class LedgerIndex {
	private readonly documents = new Map<string, IndexedDocument>();
	private readonly entries = new Map<string, IndexedBankEntry>();
	private readonly names = new Map<string, string | undefined>();
	private byNumber?: IndexedDocument[];
	private emspList?: string[];
	private lastEventId = 0;
	private pending: Promise<void> = Promise.resolve();
	/** Bumped on every change: views cache what they derive per version. */
	version = 0;

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
			if (events.length > 0) {
				this.lastEventId = events[events.length - 1].id;
				this.version++;
			}
			if (events.length < PAGE) return;
		}
	}

	private add(summary: InvoiceSummary, cdrCount: number | undefined): IndexedDocument {
		const doc: IndexedDocument = {
			summary,
			emsp: emspOf(summary),
			total: dec(summary.totals.withVat),
			cdrCount: cdrCount ?? 0,
			paymentEvents: [],
			deliveries: new Map(),
			lifecycle: [],
			creditNotes: [],
		};
		this.documents.set(summary.number, doc);
		this.byNumber = undefined;
		if (this.emspList && !this.emspList.includes(doc.emsp)) this.emspList = undefined;
		return doc;
	}

	private async documentFor(number: string): Promise<IndexedDocument | undefined> {
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

	private touched(doc: IndexedDocument): void {
		doc.status = undefined;
	}

	private async apply(event: LedgerEvent): Promise<void> {
		const number = event.invoiceNumber;
		if (event.type === BANK_ENTRY_UNMATCHED) {
			const entry = event.payload as UnmatchedBankEntryPayload;
			if (!this.entries.has(entry.key)) {
				this.entries.set(entry.key, { eventId: event.id, recordedAt: event.at, entry, allocated: dec(0) });
			}
			return;
		}
		if (event.type === BANK_ENTRY_MATCHED) {
			const matched = event.payload as BankEntryMatchedPayload;
			const known = this.entries.get(matched.key);
			if (known) known.matched = matched;
			return;
		}
		if (number === undefined) return;
		const doc = await this.documentFor(number);
		if (!doc) return;
		if (event.type === 'INVOICE_ISSUED' || event.type === 'CREDIT_NOTE_ISSUED') {
			const count = (event.payload as { cdrCount?: unknown }).cdrCount;
			if (typeof count === 'number') doc.cdrCount = count;
		}
		if (PAYMENT_TYPES.has(event.type)) {
			const [payment] = paymentEventsOf([event]);
			if (event.type === 'CREDIT_NOTE_ISSUED') {
				const corrected = await this.documentFor((event.payload as { correctsInvoiceNumber: string }).correctsInvoiceNumber);
				if (corrected && !corrected.creditNotes.includes(number)) {
					corrected.creditNotes.push(number);
					corrected.paymentEvents.push(payment);
					this.touched(corrected);
				}
				return;
			}
			doc.paymentEvents.push(payment);
			this.touched(doc);
			if (event.type === 'PAYMENT_RECORDED') {
				const entry = this.entries.get((event.payload as { paymentId: string }).paymentId);
				if (entry) entry.allocated = entry.allocated.plus(dec((event.payload as { amount: string }).amount));
			}
			return;
		}
		if (event.type === 'DELIVERY_SUCCEEDED' || event.type === 'DELIVERY_FAILED') {
			const payload = event.payload as Partial<DeliveryState> & { reason?: DeliveryState['reason'] };
			if (typeof payload.channel !== 'string') return;
			doc.deliveries.set(payload.channel, {
				channel: payload.channel,
				outcome: event.type === 'DELIVERY_SUCCEEDED' ? 'sent' : 'failed',
				at: payload.at ?? event.at,
				attempts: payload.attempts,
				remoteId: payload.remoteId,
				reason: payload.reason,
			});
			return;
		}
		const lifecycle = lifecycleStatusOf(event);
		if (lifecycle) {
			doc.lifecycle.push(lifecycle);
			this.touched(doc);
		}
	}

	/** Every document, invoices and credit notes, in no particular order. */
	all(): IterableIterator<IndexedDocument> {
		return this.documents.values();
	}

	/** Every document by series, then sequence (kept until a document is added: lists need not sort by number). */
	ordered(): readonly IndexedDocument[] {
		this.byNumber ??= [...this.documents.values()].sort((a, b) =>
			a.summary.series === b.summary.series ? a.summary.sequence - b.summary.sequence : a.summary.series < b.summary.series ? -1 : 1,
		);
		return this.byNumber;
	}

	get size(): number {
		return this.documents.size;
	}

	get(number: string): IndexedDocument | undefined {
		return this.documents.get(number);
	}

	facts(doc: IndexedDocument): InvoiceFacts {
		return {
			number: doc.summary.number,
			emsp: doc.emsp,
			buyerName: this.names.get(doc.emsp),
			currency: doc.summary.currency,
			total: doc.total,
			issueDate: doc.summary.issueDate,
			dueDate: doc.summary.dueDate ?? doc.summary.issueDate,
			rfReference: doc.summary.paymentReference,
		};
	}

	/** The payment status of an invoice (380) at `asOf`, derived from its events. */
	status(doc: IndexedDocument, asOf: string): InvoicePaymentStatus {
		if (doc.status?.asOf === asOf) return doc.status;
		doc.status = paymentStatus(this.facts(doc), doc.paymentEvents, asOf);
		return doc.status;
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
		return new Map(this.names);
	}
}
