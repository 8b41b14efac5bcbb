/**
 * A month whose credit CDRs correct CDRs billed on three invoices of one eMSP (issue 13.6): three runs of October bill
 * MOB's October CDRs on three invoices (late CDRs, one run per batch); a fourth run brings a credit CDR for one CDR of
 * each invoice, which the stream issues as one credit note referencing all three.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parseInvoicingConfig } from '../../lib/invoice/config';
import type { InvoicingConfig } from '../../lib/invoice/config';
import type { JsonRecord } from '../../lib/io/json-records';
import { issueStream } from '../../lib/issuing';
import type { IssuedDocument, StreamOutcomeLine } from '../../lib/issuing';
import type { Ledger } from '../../lib/ledger';
import { createPricer, pricedCdrToJson } from '../../lib/pricing';

const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8'));
const pricer = createPricer({ tariffs: load('tariffs.json') });

export function monthlyConfig(extra: Record<string, unknown> = {}): InvoicingConfig {
	const raw = load('invoice-config.json');
	raw.invoicing = { ...raw.invoicing, mode: 'per_emsp_period', issueDate: '2026-11-05', ...extra };
	return parseInvoicingConfig(raw);
}

const mob = (load('cdrs.json') as Array<Record<string, unknown>>).filter(
	(c) => c.country_code === 'FR' && !c.credit && (c.cdr_token as { party_id: string }).party_id === 'MOB',
);
/** MOB's October CDRs as three runs bill them: one invoice each. */
export const BATCHES = [[mob[0], mob[1]], [mob[2]], [mob[3], mob[4]]];
/** One CDR of each invoice, the one the credit CDRs correct. */
export const CREDITED = [BATCHES[0][1], BATCHES[1][0], BATCHES[2][0]];

/** The OCPI credit CDR of `c`: same session, negated total, credit_reference_id the original. */
export function creditOf(c: Record<string, unknown>): Record<string, unknown> {
	const cost = c.total_cost as { excl_vat: number; incl_vat: number };
	return { ...c, id: `${String(c.id)}-C`, credit: true, credit_reference_id: c.id, total_cost: { excl_vat: -cost.excl_vat, incl_vat: -cost.incl_vat } };
}

/** Priced CDRs as the stream reads them (quality verdict stamped). */
export function pricedJson(cdrs: Array<Record<string, unknown>>): unknown[] {
	return cdrs.map((c) => {
		const p = pricer.price(c as never);
		return pricedCdrToJson({ ...p, quality: p.quality ?? { valid: true, codes: [] } });
	});
}

async function* recordsOf(values: unknown[]): AsyncGenerator<JsonRecord> {
	let index = 0;
	for (const value of values) {
		yield { ok: true, value, index, line: index + 1 };
		index++;
	}
}

export async function streamRun(ledger: Ledger, values: unknown[], config = monthlyConfig()) {
	const documents: IssuedDocument[] = [];
	const outcomes: StreamOutcomeLine[] = [];
	const summary = await issueStream(recordsOf(values), config, ledger, {
		creationDate: new Date('2026-11-02T08:00:00Z'),
		onRendered: async (d) => void documents.push(d),
		onOutcome: async (o) => void outcomes.push(o),
	});
	return { summary, documents, outcomes };
}

/** The three invoices, then (unless `credit` is false) the credit run. */
export async function monthlyCreditScenario(ledger: Ledger, config = monthlyConfig(), credit = true) {
	const invoices: IssuedDocument[] = [];
	for (const batch of BATCHES) invoices.push(...(await streamRun(ledger, pricedJson(batch), config)).documents);
	const creditRun = credit ? await streamRun(ledger, pricedJson(CREDITED.map(creditOf)), config) : undefined;
	return { invoices, credit: creditRun };
}
