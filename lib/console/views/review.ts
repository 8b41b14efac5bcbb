/**
 * The review queues (`/review`, `/api/review/:queue`): CDRs rejected with their codes, price deviations (computed vs
 * declared, unpriceable), and bank entries that matched no invoice — which a person matches here by hand.
 */
import { dec, toFixedAmount } from '../../money';
import type { CdrRecord } from '../data/cdr-records';
import type { ConsoleContext, Page } from './context';
import { emspParam, pageCount, pageOf, periodOf } from './context';

export const QUEUES = ['rejected', 'deviations', 'bank'] as const;
export type Queue = (typeof QUEUES)[number];

export interface BankEntryRow {
	key: string;
	recordedAt: string;
	bookingDate: string | null;
	amount: string;
	remaining: string;
	currency: string;
	debtorName: string | null;
	debtorIban: string | null;
	remittance: string;
	message: string;
	candidates: string[];
	matched: { invoiceNumber: string; by: string; date: string } | null;
}

export type ReviewQueue =
	| ({ queue: 'rejected' | 'deviations'; filter: { emsp?: string; from?: string; to?: string }; source: string } & Page<CdrRecord>)
	| ({ queue: 'bank'; showMatched: boolean } & Page<BankEntryRow>);

export async function reviewQueue(ctx: ConsoleContext, queue: Queue, params: URLSearchParams): Promise<ReviewQueue> {
	const { page, pageSize, offset } = pageOf(params);
	if (queue === 'bank') {
		const index = await ctx.index();
		const showMatched = params.get('matched') === '1';
		const all = index.bankEntries().flatMap((indexed): BankEntryRow[] => {
			const remaining = dec(indexed.entry.amount).minus(indexed.allocated);
			if (!showMatched && !remaining.gt(0)) return [];
			const e = indexed.entry;
			return [
				{
					key: e.key,
					recordedAt: indexed.recordedAt,
					bookingDate: e.bookingDate ?? e.valueDate ?? null,
					amount: toFixedAmount(dec(e.amount)),
					remaining: toFixedAmount(remaining),
					currency: e.currency,
					debtorName: e.debtorName ?? null,
					debtorIban: e.debtorIban ?? null,
					remittance: [...e.creditorReferences, ...e.referredDocumentNumbers, ...e.unstructured].join(' · '),
					message: e.message,
					candidates: e.candidates.map((candidate) => candidate.invoiceNumber),
					matched: indexed.matched ? { invoiceNumber: indexed.matched.invoiceNumber, by: indexed.matched.by, date: indexed.matched.date } : null,
				},
			];
		});
		return { queue, showMatched, rows: all.slice(offset, offset + pageSize), total: all.length, page, pageSize, pages: pageCount(all.length, pageSize) };
	}
	const emsp = emspParam(params);
	const { from, to } = periodOf(params);
	const filter = { ...(emsp ? { emsp } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
	const found = await ctx.cdrs.queue(queue, filter, offset, pageSize);
	return { queue, filter, source: ctx.cdrs.kind, ...found, page, pageSize, pages: pageCount(found.total, pageSize) };
}
