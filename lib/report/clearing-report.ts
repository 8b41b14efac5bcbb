/**
 * The clearing report: a run's outcome as an ops person wants to look at it. CDRs received, valid and rejected by
 * reason; price deviations (count, sum, the largest with their breakdown); documents issued per eMSP with totals; the
 * payment aging from the ledger. Built from the outputs the pipeline already produces; rendered by report-html.ts.
 */
import { Decimal, ZERO } from '../money';
import type { AgingLine, InvoicePaymentStatus } from '../payments/status';
import { AGING_BUCKETS } from '../payments/status';
import type { PricedCdrJson } from '../pricing';
import { batchTotals } from './batch-counts';
import type { BatchCounts } from './batch-counts';

export interface ReportVerdict {
	id: string | null;
	valid: boolean;
	issues: Array<{ code: string; severity: string; message: string }>;
}

/** How a document left: a channel and its last outcome (sent, failed, already_sent). */
export interface ReportDelivery {
	channel: string;
	status: string;
}

export interface ReportDocument {
	number: string;
	typeCode: '380' | '381';
	issueDate: string;
	buyer: { countryCode: string; partyId: string };
	buyerName?: string;
	currency: string;
	totals: { withoutVat: string; vat: string; withVat: string };
	deliveries?: ReportDelivery[];
}

export interface ClearingReportInput {
	title?: string;
	generatedAt: string;
	verdicts: readonly ReportVerdict[];
	priced: readonly PricedCdrJson[];
	documents: readonly ReportDocument[];
	aging: readonly AgingLine[];
	agingAsOf?: string;
	/** Payment statuses of the ledger's invoices: those with a lifecycle status on the French network are reported. */
	statuses?: readonly Pick<InvoicePaymentStatus, 'invoiceNumber' | 'emsp' | 'status' | 'lifecycle'>[];
	/** How many deviations to show in detail. */
	topDeviations?: number;
	/** How many rejected CDRs to list by id (all are counted). Default 500. */
	rejectedListed?: number;
	/** The Clearing Console's address: documents link to their page there. */
	consoleUrl?: string;
	/** Counts of CDRs that came as files (batch mode): added to those of the per-CDR items. */
	batches?: readonly BatchCounts[];
}

export interface RejectedCdr {
	id: string | null;
	codes: string[];
	message: string;
}

export interface DeviationRow {
	id: string;
	status: 'mismatch' | 'unpriceable';
	currency: string | null;
	declared: string | null;
	computed: string | null;
	/** computed − declared, excl. VAT */
	deviation: string | null;
	reason: string;
	breakdown: Array<{ dimension: string; tariffId: string; volume: string; price: string | null; cost: string }>;
}

export interface ClearingReport {
	title: string;
	generatedAt: string;
	/** received = valid + rejected; valid = priced + notPriced (passed the checks, not priced in this run). */
	cdrs: {
		received: number;
		valid: number;
		rejected: number;
		withWarnings: number;
		priced: number;
		notPriced: number;
		rejectedByCode: Array<{ code: string; count: number; example: string }>;
		/** The rejected CDRs by id with their codes (the first `rejectedListed`). */
		rejectedCdrs: RejectedCdr[];
	};
	pricing: {
		priced: number;
		byStatus: Record<'match' | 'not_declared' | 'mismatch' | 'unpriceable', number>;
		/** Sum of |computed − declared| excl. VAT over mismatches, per currency. */
		deviationSum: Array<{ currency: string; amount: string }>;
		top: DeviationRow[];
	};
	invoices: {
		perEmsp: Array<{
			emsp: string;
			buyerName: string;
			currency: string;
			invoices: number;
			creditNotes: number;
			/** invoices − credit notes, excl. VAT */
			netWithoutVat: string;
			netWithVat: string;
		}>;
		documentCount: number;
		/** Every document of the run with how it left. */
		documents: Array<{
			number: string;
			typeCode: '380' | '381';
			emsp: string;
			buyerName: string;
			currency: string;
			withVat: string;
			deliveries: ReportDelivery[];
			consoleLink: string | null;
		}>;
	};
	consoleUrl: string | null;
	aging: {
		asOf: string | null;
		lines: Array<{ emsp: string; currency: string; buckets: Record<string, string>; total: string; invoiceCount: number }>;
	};
	/** Invoices on the French network (AFNOR XP Z12-013): how many at each latest status, and those to act on. */
	lifecycle: {
		byStatus: Array<{ code: string; label: string; count: number }>;
		/** Rejected (213: to correct and issue again), refused (210) or disputed (207) by the buyer, suspended (208). */
		attention: Array<{ invoiceNumber: string; emsp: string; code: string; label: string; date: string; reason: string; paymentStatus: string }>;
	};
}

/** Latest statuses that ask something of the seller. */
const ATTENTION_CODES = ['213', '210', '207', '208'];

function lifecycleSection(statuses: ClearingReportInput['statuses'] = []): ClearingReport['lifecycle'] {
	const counts = new Map<string, { code: string; label: string; count: number }>();
	const attention: ClearingReport['lifecycle']['attention'] = [];
	for (const status of statuses) {
		const lifecycle = status.lifecycle;
		if (!lifecycle) continue;
		const entry = counts.get(lifecycle.code) ?? { code: lifecycle.code, label: lifecycle.label, count: 0 };
		entry.count++;
		counts.set(lifecycle.code, entry);
		if (ATTENTION_CODES.includes(lifecycle.code) || status.status === 'rejected') {
			attention.push({
				invoiceNumber: status.invoiceNumber,
				emsp: status.emsp,
				code: lifecycle.code,
				label: lifecycle.label,
				date: lifecycle.date,
				reason: (lifecycle.reasons ?? []).map((r) => [r.code, r.text].filter(Boolean).join(' ')).join('; '),
				paymentStatus: status.status,
			});
		}
	}
	return { byStatus: [...counts.values()].sort((a, b) => a.code.localeCompare(b.code)), attention };
}

const money = (d: Decimal) => d.toFixed(2);

/**
 * A document's page in the console: `ev-clearing console` serves paths (http://host:5680/invoices/N), the console
 * behind an n8n Webhook takes its route in the query (…/webhook/clearing-console?route=/invoices/N). `route` is a
 * path with its segments URL-encoded (an invoice number may hold "/").
 */
export function consoleLink(consoleUrl: string, route: string): string {
	if (/\/webhook(-test)?\//.test(consoleUrl) || consoleUrl.includes('?')) {
		const url = new URL(consoleUrl);
		url.searchParams.set('route', route);
		return url.toString();
	}
	return `${consoleUrl.replace(/\/+$/, '')}${route}`;
}

export function buildClearingReport(input: ClearingReportInput): ClearingReport {
	const rejected = input.verdicts.filter((v) => !v.valid);
	const byCode = new Map<string, { count: number; example: string }>();
	for (const v of rejected) {
		for (const issue of v.issues.filter((i) => i.severity === 'error')) {
			const entry = byCode.get(issue.code) ?? { count: 0, example: issue.message };
			entry.count++;
			byCode.set(issue.code, entry);
		}
	}

	const byStatus = { match: 0, not_declared: 0, mismatch: 0, unpriceable: 0 };
	const sums = new Map<string, Decimal>();
	const deviations: Array<DeviationRow & { size: Decimal }> = [];
	for (const p of input.priced) {
		byStatus[p.status]++;
		if (p.status !== 'mismatch' && p.status !== 'unpriceable') continue;
		const d = p.deviation.total_cost?.excl_vat;
		const size = d ? new Decimal(d).abs() : ZERO;
		if (p.status === 'mismatch' && p.currency) sums.set(p.currency, (sums.get(p.currency) ?? ZERO).plus(size));
		deviations.push({
			id: p.id,
			status: p.status,
			currency: p.currency,
			declared: p.declared?.total_cost?.excl_vat ?? null,
			computed: p.computed?.total_cost.excl_vat ?? null,
			deviation: d ?? null,
			reason: p.issues.map((i) => `${i.code}: ${i.message}`).join('; ') || 'declared price differs from the tariff',
			breakdown: p.breakdown.map((b) => ({
				dimension: b.dimension,
				tariffId: b.tariff_id,
				volume: b.billed_volume,
				price: b.price,
				cost: b.cost.excl_vat,
			})),
			size,
		});
	}
	// Unpriceable first (no price at all), then the largest deviations.
	deviations.sort((a, b) => (a.status === b.status ? b.size.cmp(a.size) : a.status === 'unpriceable' ? -1 : 1));

	const perEmsp = new Map<string, ClearingReport['invoices']['perEmsp'][number] & { net: Decimal; gross: Decimal }>();
	for (const doc of input.documents) {
		const emsp = `${doc.buyer.countryCode}*${doc.buyer.partyId}`;
		const key = `${emsp}|${doc.currency}`;
		const row = perEmsp.get(key) ?? {
			emsp,
			buyerName: doc.buyerName ?? emsp,
			currency: doc.currency,
			invoices: 0,
			creditNotes: 0,
			netWithoutVat: '',
			netWithVat: '',
			net: ZERO,
			gross: ZERO,
		};
		const sign = doc.typeCode === '381' ? -1 : 1;
		if (sign > 0) row.invoices++;
		else row.creditNotes++;
		row.net = row.net.plus(new Decimal(doc.totals.withoutVat).times(sign));
		row.gross = row.gross.plus(new Decimal(doc.totals.withVat).times(sign));
		perEmsp.set(key, row);
	}

	const batch = batchTotals(input.batches ?? []);
	for (const [code, count] of batch.rejectedByCode) {
		const entry = byCode.get(code) ?? { count: 0, example: '' };
		entry.count += count;
		byCode.set(code, entry);
	}
	for (const status of Object.keys(byStatus) as Array<keyof typeof byStatus>) byStatus[status] += batch.byStatus[status];
	const valid = input.verdicts.length - rejected.length + batch.valid;
	const priced = input.priced.length + batch.priced;
	const consoleUrl = input.consoleUrl?.trim() || null;
	return {
		title: input.title ?? 'Clearing report',
		generatedAt: input.generatedAt,
		consoleUrl,
		cdrs: {
			received: input.verdicts.length + batch.received,
			valid,
			rejected: rejected.length + batch.rejected,
			withWarnings: input.verdicts.filter((v) => v.valid && v.issues.length > 0).length,
			priced,
			notPriced: Math.max(0, valid - priced),
			rejectedCdrs: rejected.slice(0, input.rejectedListed ?? 500).map((v) => {
				const errors = v.issues.filter((i) => i.severity === 'error');
				return { id: v.id, codes: [...new Set(errors.map((i) => i.code))], message: errors[0]?.message ?? '' };
			}),
			rejectedByCode: [...byCode].map(([code, e]) => ({ code, ...e })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
		},
		pricing: {
			priced,
			byStatus,
			deviationSum: [...sums].map(([currency, amount]) => ({ currency, amount: money(amount) })),
			top: deviations.slice(0, input.topDeviations ?? 10).map(({ size: _size, ...row }) => row),
		},
		invoices: {
			perEmsp: [...perEmsp.values()]
				.sort((a, b) => a.emsp.localeCompare(b.emsp) || a.currency.localeCompare(b.currency))
				.map(({ net, gross, ...row }) => ({ ...row, netWithoutVat: money(net), netWithVat: money(gross) })),
			documentCount: input.documents.length,
			documents: input.documents.map((doc) => ({
				number: doc.number,
				typeCode: doc.typeCode,
				emsp: `${doc.buyer.countryCode}*${doc.buyer.partyId}`,
				buyerName: doc.buyerName ?? '',
				currency: doc.currency,
				withVat: doc.totals.withVat,
				deliveries: doc.deliveries ?? [],
				consoleLink: consoleUrl ? consoleLink(consoleUrl, `/invoices/${encodeURIComponent(doc.number)}`) : null,
			})),
		},
		aging: {
			asOf: input.agingAsOf ?? null,
			lines: input.aging.map((line) => ({
				emsp: line.emsp,
				currency: line.currency,
				buckets: Object.fromEntries(AGING_BUCKETS.map((b) => [b, money(line.buckets[b])])),
				total: money(line.total),
				invoiceCount: line.invoiceCount,
			})),
		},
		lifecycle: lifecycleSection(input.statuses),
	};
}
