/**
 * The items of a workflow run, sorted for the report: Validate CDR verdicts (a CDR with `issues`), Price CDR results
 * (`status` and `breakdown`) and Build Invoice documents (`kind: 'ev-clearing.invoice'`). Anything else is counted as
 * ignored, so a wrong wire shows in the report instead of vanishing.
 */
import type { PricedCdrJson } from '../pricing';
import type { InvoiceSummaryJson } from '../invoice/summary';
import type { ReportDocument, ReportVerdict } from './clearing-report';

type Json = Record<string, unknown>;

const PRICE_STATUSES = new Set(['match', 'mismatch', 'not_declared', 'unpriceable']);

export interface RunItems {
	verdicts: ReportVerdict[];
	priced: PricedCdrJson[];
	documents: ReportDocument[];
	ignored: number;
}

export function sortRunItems(items: readonly unknown[]): RunItems {
	const out: RunItems = { verdicts: [], priced: [], documents: [], ignored: 0 };
	for (const item of items) {
		if (typeof item !== 'object' || item === null) {
			out.ignored++;
			continue;
		}
		const json = item as Json;
		if (json.kind === 'ev-clearing.invoice') {
			const s = json as unknown as InvoiceSummaryJson;
			const [countryCode, partyId] = (s.buyer.ocpiParty ?? `${s.buyer.countryCode}*?`).split('*');
			out.documents.push({
				number: s.number,
				typeCode: s.typeCode,
				issueDate: s.issueDate,
				buyer: { countryCode, partyId },
				buyerName: s.buyer.name,
				currency: s.currency,
				totals: { withoutVat: s.totals.withoutVat, vat: s.totals.vat, withVat: s.totals.withVat },
			});
		} else if (PRICE_STATUSES.has(json.status as string) && Array.isArray(json.breakdown)) {
			const priced = json as unknown as PricedCdrJson;
			out.priced.push(priced);
			// A priced CDR passed validation.
			out.verdicts.push({ id: priced.id, valid: true, issues: [] });
		} else if (Array.isArray(json.issues)) {
			const issues = json.issues as ReportVerdict['issues'];
			out.verdicts.push({
				id: typeof json.id === 'string' ? json.id : null,
				valid: !issues.some((i) => i.severity === 'error'),
				issues,
			});
		} else {
			out.ignored++;
		}
	}
	return out;
}
