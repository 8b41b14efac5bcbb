/**
 * One document (`/invoices/:number`, `/api/invoices/:number`): header and totals, lines down to their CDRs and each
 * CDR down to its price breakdown, the files, deliveries per channel, platform statuses, payments, reminders,
 * disputes and the audit trail of every event recorded on it.
 */
import type { PaymentEvent } from '../../payments';
import type { CdrRecord } from '../data/cdr-records';
import type { InvoiceSummary } from '../../ledger';
import type { DeliveryState } from '../data/document-state';
import { statesOf } from '../data/ledger-reads';
import type { LifecycleStatus } from '../data/lifecycle';
import type { ConsoleContext } from './context';
import { dateParam, pageCount, pageOf } from './context';
import type { InvoiceRow } from './invoices';
import { rowOf } from './invoices';

export interface DocumentLine {
	id: string;
	name: string;
	cdrId: string | null;
	quantity: string;
	unitCode: string;
	netPrice: string;
	netAmount: string;
	vatCategory: string;
	vatRate: string | null;
	period: { start: string; end: string } | null;
}

export interface DisputeView {
	disputeId: string;
	invoiceNumber: string;
	state: 'open' | 'accepted' | 'rejected';
	openedOn: string;
	reason: string;
	amountClaimed: string | null;
	cdrIds: string[];
	resolvedOn: string | null;
	creditNoteNumber: string | null;
	note: string | null;
}

export interface AuditEntry {
	id: number;
	at: string;
	type: string;
	/** Who did it, when the event names a person (console changes, manual matches). */
	by: string | null;
	payload: unknown;
}

export interface InvoiceDetail {
	row: InvoiceRow;
	asOf: string;
	seller: { name: string | null };
	buyer: { name: string | null; vatId: string | null };
	period: { start: string; end: string } | null;
	totals: { withoutVat: string; vat: string; withVat: string };
	vatBreakdown: Array<{ category: string; rate: string | null; taxableAmount: string; taxAmount: string }>;
	lines: DocumentLine[];
	cdrs: { rows: CdrRecord[]; total: number; page: number; pageSize: number; pages: number; source: string };
	files: Array<{ format: 'facturx' | 'cii' | 'ubl'; name: string; sha256: string | null }>;
	renderedAt: string | null;
	/** Invoices: the credit notes correcting it, `credited` what each takes off it (its allocation on this invoice). */
	creditNotes: Array<{ number: string; issueDate: string; total: string; credited: string | null }>;
	/** Credit notes: every invoice it corrects, with the amount credited on it. */
	corrects: Array<{ number: string; credited: string }>;
	deliveries: DeliveryState[];
	lifecycle: LifecycleStatus[];
	payments: Array<{ type: string; date: string; amount: string; paymentId: string; source: string | null; payer: string | null }>;
	reminders: Array<{ level: number; date: string; formalNotice: boolean }>;
	disputes: DisputeView[];
	audit: AuditEntry[];
	resendChannels: string[];
}

type Json = Record<string, unknown>;
const text = (value: unknown) => (typeof value === 'string' ? value : null);

function linesOf(document: Json): DocumentLine[] {
	const lines = (Array.isArray(document.lines) ? document.lines : []) as Json[];
	return lines.map((line) => {
		const item = (line.item ?? {}) as { name?: string; attributes?: Array<{ name: string; value: string }> };
		const vat = (line.vat ?? {}) as Json;
		const period = line.period as { start: string; end: string } | undefined;
		return {
			id: String(line.id ?? ''),
			name: item.name ?? '',
			cdrId: text((line.objectId as Json | undefined)?.value) ?? item.attributes?.find((a) => a.name === 'CDR ID')?.value ?? null,
			quantity: String(line.quantity ?? ''),
			unitCode: String(line.unitCode ?? ''),
			netPrice: String(line.netPrice ?? ''),
			netAmount: String(line.netAmount ?? ''),
			vatCategory: String(vat.category ?? ''),
			vatRate: vat.rate === undefined || vat.rate === null ? null : String(vat.rate),
			period: period?.start ? { start: period.start, end: period.end } : null,
		};
	});
}

/** The disputes of an invoice from its events, in the order opened. */
export function disputesOf(invoiceNumber: string, events: readonly PaymentEvent[]): DisputeView[] {
	const disputes = new Map<string, DisputeView>();
	for (const event of events) {
		if (event.type === 'DISPUTE_OPENED') {
			disputes.set(event.payload.disputeId, {
				disputeId: event.payload.disputeId,
				invoiceNumber,
				state: 'open',
				openedOn: event.payload.date,
				reason: event.payload.reason,
				amountClaimed: event.payload.amountClaimed ?? null,
				cdrIds: event.payload.cdrIds ?? [],
				resolvedOn: null,
				creditNoteNumber: null,
				note: null,
			});
		} else if (event.type === 'DISPUTE_RESOLVED') {
			const dispute = disputes.get(event.payload.disputeId);
			if (!dispute) continue;
			dispute.state = event.payload.outcome;
			dispute.resolvedOn = event.payload.date;
			dispute.creditNoteNumber = event.payload.creditNoteNumber ?? null;
			dispute.note = event.payload.note ?? null;
		}
	}
	return [...disputes.values()];
}

function byOf(payload: unknown): string | null {
	const p = (payload ?? {}) as Json;
	return text(p.by) ?? text(p.user);
}

export async function invoiceDetail(ctx: ConsoleContext, number: string, params: URLSearchParams): Promise<InvoiceDetail | undefined> {
	const record = await ctx.ledger.getInvoice(number);
	if (!record) return undefined;
	const asOf = dateParam(params, 'asOf') ?? ctx.today();
	const summary: InvoiceSummary & { cdrs?: unknown; document?: unknown } = { ...record };
	delete summary.cdrs;
	delete summary.document;
	delete (summary as { creditAllocations?: unknown }).creditAllocations;
	const [[doc], events, creditNotes, allocations] = await Promise.all([
		statesOf(ctx.ledger, [summary], new Map([[number, record.cdrs.length]])),
		ctx.ledger.events({ invoiceNumber: number }),
		record.typeCode === '380' ? ctx.ledger.pageInvoices({ correcting: [number], typeCode: '381', limit: 1000 }) : Promise.resolve({ rows: [] as InvoiceSummary[] }),
		record.typeCode === '380' ? ctx.ledger.creditAllocations({ invoiceNumbers: [number] }) : Promise.resolve([]),
	]);
	const creditedBy = new Map(allocations.map((a) => [a.creditNoteNumber, a.amountWithVat]));
	const buyerName = text(((record.document ?? {}) as Json).buyer && ((record.document as Json).buyer as Json).name);
	const names = new Map([[doc.emsp, buyerName ?? undefined]]);
	const { page, pageSize, offset } = pageOf(params, 100);
	const cdrPage = await ctx.cdrs.ofInvoice(number, offset, pageSize);
	const document = (record.document ?? {}) as Json;
	const totals = record.totals;
	const payments = doc.paymentEvents.flatMap((event) =>
		event.type === 'PAYMENT_RECORDED' || event.type === 'PAYMENT_REVERSED'
			? [
					{
						type: event.type,
						date: event.payload.date,
						amount: event.type === 'PAYMENT_REVERSED' ? `-${event.payload.amount}` : event.payload.amount,
						paymentId: event.payload.paymentId,
						source: event.type === 'PAYMENT_RECORDED' ? event.payload.source : null,
						payer: event.type === 'PAYMENT_RECORDED' ? (event.payload.payerName ?? null) : null,
					},
				]
			: [],
	);
	const formats: Record<string, 'facturx' | 'cii' | 'ubl'> = { '.pdf': 'facturx', '.cii.xml': 'cii', '.ubl.xml': 'ubl' };
	const rendered = record.renderedFiles ?? [];
	const files = (['facturx', 'cii', 'ubl'] as const).map((format) => {
		const file = rendered.find((f) => Object.entries(formats).some(([suffix, fmt]) => fmt === format && f.name.endsWith(suffix)));
		return { format, name: file?.name ?? `${number.replace(/[^A-Za-z0-9+\-_]/g, '_')}${Object.keys(formats).find((s) => formats[s] === format)}`, sha256: file?.sha256 ?? null };
	});
	return {
		row: rowOf(ctx, doc, asOf, names),
		asOf,
		seller: { name: text((document.seller as Json | undefined)?.name) },
		buyer: { name: text((document.buyer as Json | undefined)?.name), vatId: text((document.buyer as Json | undefined)?.vatId) },
		period: (document.period as { start: string; end: string } | undefined) ?? null,
		totals,
		vatBreakdown: ((Array.isArray(document.vatBreakdown) ? document.vatBreakdown : []) as Json[]).map((b) => ({
			category: String(b.category ?? ''),
			rate: b.rate === undefined || b.rate === null ? null : String(b.rate),
			taxableAmount: String(b.taxableAmount ?? ''),
			taxAmount: String(b.taxAmount ?? ''),
		})),
		lines: linesOf(document),
		cdrs: { ...cdrPage, page, pageSize, pages: pageCount(cdrPage.total, pageSize), source: ctx.cdrs.kind },
		files,
		renderedAt: record.renderedAt ?? null,
		creditNotes: creditNotes.rows.map((note) => ({ number: note.number, issueDate: note.issueDate, total: note.totals.withVat, credited: creditedBy.get(note.number) ?? null })),
		corrects: record.creditAllocations.map((a) => ({ number: a.invoiceNumber, credited: a.amountWithVat })),
		deliveries: [...doc.deliveries.values()],
		lifecycle: doc.lifecycle,
		payments,
		reminders: doc.paymentEvents.flatMap((event) =>
			event.type === 'REMINDER_SENT' ? [{ level: event.payload.level, date: event.payload.date, formalNotice: event.payload.formalNotice === true }] : [],
		),
		disputes: disputesOf(number, doc.paymentEvents),
		audit: events.map((event) => ({ id: event.id, at: event.at, type: event.type, by: byOf(event.payload), payload: event.payload })),
		resendChannels: ctx.resend?.channels ?? [],
	};
}
