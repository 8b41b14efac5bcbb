/**
 * The items of a workflow run, sorted for the report: Validate CDR verdicts (a CDR with `issues`), Price CDR results
 * (`status` and `breakdown`) and documents (`kind: 'ev-clearing.invoice'`, from Build Invoice or after Send Factur-X
 * with their `delivery`). Anything else is counted as ignored, so a wrong wire shows in the report instead of
 * vanishing.
 *
 * A CDR is counted once however many outputs bring it: a priced CDR is the valid verdict of the same OCPI identity
 * when one reached the report (Validate CDR's Valid output wired too), else a CDR of its own. Two verdicts are two
 * records received, even with one identity (a duplicate is rejected, not merged). A document is counted once, with
 * the deliveries of every item that brought it.
 */
import type { InvoiceSummaryJson } from '../invoice/summary';
import type { PricedCdrJson } from '../pricing';
import { RUN_SUMMARY_KIND } from '../issuing/run-summary';
import { readBatchCounts } from './batch-counts';
import type { BatchCounts } from './batch-counts';
import type { ReportDelivery, ReportDocument, ReportVerdict } from './clearing-report';

type Json = Record<string, unknown>;

const PRICE_STATUSES = new Set(['match', 'mismatch', 'not_declared', 'unpriceable']);

export interface RunItems {
	verdicts: ReportVerdict[];
	priced: PricedCdrJson[];
	documents: ReportDocument[];
	/** Summaries of batch-mode steps (files of CDRs), one per step and source file. */
	batches: BatchCounts[];
	ignored: number;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** The OCPI identity of a CDR item ("FR*EVC*CDR1"), or its id alone when it carries no party. */
export function cdrIdentity(json: Json): string {
	const party = text(json.country_code) && text(json.party_id) ? `${text(json.country_code)}*${text(json.party_id)}*` : '';
	return `${party}${text(json.id)}`.toUpperCase();
}

export function sortRunItems(items: readonly unknown[]): RunItems {
	const out: RunItems = { verdicts: [], priced: [], documents: [], batches: [], ignored: 0 };
	const batchKeys = new Set<string>();
	const validKeys: string[] = [];
	const priced: Array<{ key: string; priced: PricedCdrJson }> = [];
	const documents = new Map<string, ReportDocument>();
	for (const item of items) {
		if (typeof item !== 'object' || item === null) {
			out.ignored++;
			continue;
		}
		const json = item as Json;
		// Build Invoice's account of a run that issued nothing: its CDRs reach the report on their own outputs.
		if (json.kind === RUN_SUMMARY_KIND) continue;
		const batch = readBatchCounts(json);
		if (batch) {
			const key = `${batch.step}|${batch.source}`;
			if (!batchKeys.has(key)) out.batches.push(batch);
			batchKeys.add(key);
		} else if (json.kind === 'ev-clearing.batch') {
			// A batch step's other summaries (Build Invoice's failed lines, an unreadable file): not CDR counts.
		} else if (json.kind === 'ev-clearing.invoice') {
			const s = json as unknown as InvoiceSummaryJson & { delivery?: { channel?: unknown; status?: unknown } };
			const [countryCode, partyId] = (s.buyer.ocpiParty ?? `${s.buyer.countryCode}*?`).split('*');
			const document = documents.get(s.number) ?? {
				number: s.number,
				typeCode: s.typeCode,
				issueDate: s.issueDate,
				buyer: { countryCode, partyId },
				buyerName: s.buyer.name,
				currency: s.currency,
				totals: { withoutVat: s.totals.withoutVat, vat: s.totals.vat, withVat: s.totals.withVat },
				deliveries: [],
			};
			const delivery = s.delivery;
			if (delivery && typeof delivery.channel === 'string' && typeof delivery.status === 'string') {
				const entry: ReportDelivery = { channel: delivery.channel, status: delivery.status };
				document.deliveries = [...(document.deliveries ?? []).filter((d) => d.channel !== entry.channel), entry];
			}
			documents.set(s.number, document);
		} else if (PRICE_STATUSES.has(json.status as string) && Array.isArray(json.breakdown)) {
			priced.push({ key: cdrIdentity(json), priced: json as unknown as PricedCdrJson });
		} else if (Array.isArray(json.issues)) {
			const issues = json.issues as ReportVerdict['issues'];
			out.verdicts.push({
				id: typeof json.id === 'string' ? json.id : null,
				valid: !issues.some((i) => i.severity === 'error'),
				issues,
			});
			validKeys.push(!issues.some((i) => i.severity === 'error') && text(json.id) ? cdrIdentity(json) : '');
		} else {
			out.ignored++;
		}
	}
	// Each valid verdict stands for at most one priced CDR of its identity; a priced CDR without one was received too.
	const unclaimed = new Map<string, number>();
	for (const key of validKeys) if (key) unclaimed.set(key, (unclaimed.get(key) ?? 0) + 1);
	const seen = new Set<string>();
	for (const { key, priced: p } of priced) {
		if (seen.has(key)) continue;
		seen.add(key);
		out.priced.push(p);
		const left = unclaimed.get(key) ?? 0;
		if (left > 0) unclaimed.set(key, left - 1);
		else out.verdicts.push({ id: p.id, valid: true, issues: [] });
	}
	out.documents = [...documents.values()];
	return out;
}
