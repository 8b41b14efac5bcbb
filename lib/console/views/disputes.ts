/** Every dispute of the ledger (`/disputes`, `/api/disputes`): open ones first, then the settled, newest first. */
import type { ConsoleContext } from './context';
import type { DisputeView } from './invoice-detail';
import { disputesOf } from './invoice-detail';

export interface DisputeList {
	open: DisputeView[];
	settled: DisputeView[];
	/** Invoices a dispute may be opened on (the page's form): number and eMSP. */
	canSettle: boolean;
}

export async function disputeList(ctx: ConsoleContext): Promise<Omit<DisputeList, 'canSettle'>> {
	const index = await ctx.index();
	const all: DisputeView[] = [];
	for (const doc of index.all()) {
		if (doc.summary.typeCode !== '380') continue;
		if (!doc.paymentEvents.some((event) => event.type === 'DISPUTE_OPENED')) continue;
		all.push(...disputesOf(doc.summary.number, doc.paymentEvents));
	}
	const newest = (a: DisputeView, b: DisputeView) => b.openedOn.localeCompare(a.openedOn) || a.disputeId.localeCompare(b.disputeId);
	return {
		open: all.filter((d) => d.state === 'open').sort(newest),
		settled: all.filter((d) => d.state !== 'open').sort((a, b) => (b.resolvedOn ?? '').localeCompare(a.resolvedOn ?? '') || newest(a, b)),
	};
}
