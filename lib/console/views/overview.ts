/**
 * The overview (`/`, `/api/overview`) for a period and an eMSP: CDRs received / rejected / priced / deviating (by
 * session start), and the documents issued in the period (by issue date): amounts invoiced, collected, overdue,
 * disputed, credited and still open per currency, per eMSP, and the aging of what is open.
 */
import type { Decimal } from '../../money';
import { sum, toFixedAmount, ZERO } from '../../money';
import type { InvoicePaymentStatus } from '../../payments';
import { AGING_BUCKETS, agingSummary } from '../../payments';
import type { CdrCounts } from '../data/cdr-records';
import type { ConsoleContext } from './context';
import { dateParam, emspParam, periodOf } from './context';

export interface OverviewQuery {
	from?: string;
	to?: string;
	period?: string;
	emsp?: string;
	asOf: string;
}

export function parseOverviewQuery(params: URLSearchParams, today: string): OverviewQuery {
	return { ...periodOf(params), ...(emspParam(params) ? { emsp: emspParam(params) } : {}), asOf: dateParam(params, 'asOf') ?? today };
}

export interface CurrencyAmounts {
	currency: string;
	invoiced: string;
	collected: string;
	overdue: string;
	disputed: string;
	credited: string;
	open: string;
}

export interface Overview {
	query: OverviewQuery;
	cdrs: CdrCounts & { source: string };
	documents: { invoices: number; creditNotes: number };
	amounts: CurrencyAmounts[];
	perEmsp: Array<{ emsp: string; name: string | null; currency: string; invoiced: string; collected: string }>;
	aging: Array<{ emsp: string; currency: string; buckets: Record<string, string>; total: string; invoiceCount: number }>;
	emsps: Array<{ emsp: string; name: string | null }>;
}

const money = (value: Decimal) => toFixedAmount(value);

export async function overview(ctx: ConsoleContext, query: OverviewQuery): Promise<Overview> {
	const index = await ctx.index();
	const names = await index.buyerNames();
	const inPeriod = (date: string) => (!query.from || date >= query.from) && (!query.to || date <= query.to);
	const statuses: InvoicePaymentStatus[] = [];
	const credited = new Map<string, Decimal>();
	let creditNotes = 0;
	for (const doc of index.all()) {
		if (query.emsp && doc.emsp !== query.emsp) continue;
		if (!inPeriod(doc.summary.issueDate)) continue;
		if (doc.summary.typeCode === '381') {
			creditNotes++;
			credited.set(doc.summary.currency, (credited.get(doc.summary.currency) ?? ZERO).plus(doc.total));
		} else statuses.push(index.status(doc, query.asOf));
	}
	const currencies = [...new Set([...statuses.map((s) => s.currency), ...credited.keys()])].sort();
	const amounts = currencies.map((currency): CurrencyAmounts => {
		const of = statuses.filter((s) => s.currency === currency);
		const open = of.filter((s) => s.residual.gt(ZERO) && s.status !== 'credited');
		return {
			currency,
			invoiced: money(sum(of.map((s) => s.total))),
			collected: money(sum(of.map((s) => s.paid))),
			overdue: money(sum(of.filter((s) => s.status === 'overdue').map((s) => s.residual))),
			disputed: money(sum(of.filter((s) => s.status === 'disputed').map((s) => s.residual))),
			credited: money(credited.get(currency) ?? ZERO),
			open: money(sum(open.map((s) => s.residual))),
		};
	});
	const perEmsp = new Map<string, { emsp: string; currency: string; invoiced: Decimal; collected: Decimal }>();
	for (const status of statuses) {
		const key = `${status.emsp}|${status.currency}`;
		const line = perEmsp.get(key) ?? { emsp: status.emsp, currency: status.currency, invoiced: ZERO, collected: ZERO };
		line.invoiced = line.invoiced.plus(status.total);
		line.collected = line.collected.plus(status.paid);
		perEmsp.set(key, line);
	}
	const cdrs = await ctx.cdrs.counts({ emsp: query.emsp, from: query.from, to: query.to });
	return {
		query,
		cdrs: { ...cdrs, source: ctx.cdrs.kind },
		documents: { invoices: statuses.length, creditNotes },
		amounts,
		perEmsp: [...perEmsp.values()]
			.sort((a, b) => a.emsp.localeCompare(b.emsp) || a.currency.localeCompare(b.currency))
			.map((line) => ({
				emsp: line.emsp,
				name: names.get(line.emsp) ?? null,
				currency: line.currency,
				invoiced: money(line.invoiced),
				collected: money(line.collected),
			})),
		aging: agingSummary(statuses, query.asOf).map((line) => ({
			emsp: line.emsp,
			currency: line.currency,
			buckets: Object.fromEntries(AGING_BUCKETS.map((bucket) => [bucket, money(line.buckets[bucket])])),
			total: money(line.total),
			invoiceCount: line.invoiceCount,
		})),
		emsps: [...names].map(([emsp, name]) => ({ emsp, name: name ?? null })),
	};
}
