/**
 * The summary items of the batch mode of Validate CDR and Price CDR (`kind: 'ev-clearing.batch'`): a month travels as
 * files, and the report counts its CDRs from these summaries instead of one item per CDR. Each batch summary repeats
 * the counts of every output of its step, so a step is counted once per source file however many outputs reach the
 * report.
 */
export const BATCH_SUMMARY_KIND = 'ev-clearing.batch';

export interface BatchCounts {
	step: string;
	source: string;
	read: number;
	/** Records per output file of the step, e.g. {valid, rejected} or {priced, deviating, unpriceable}. */
	counts: Record<string, number>;
	/** Validate: error codes of the rejected records; Price: records per status (match, mismatch, ...). */
	codes: Record<string, number>;
}

const numbers = (value: unknown): Record<string, number> =>
	typeof value === 'object' && value !== null
		? Object.fromEntries(Object.entries(value).filter(([, n]) => typeof n === 'number') as Array<[string, number]>)
		: {};

/** The counts of a batch summary item, or undefined when the item is something else. */
export function readBatchCounts(json: Record<string, unknown>): BatchCounts | undefined {
	if (json.kind !== BATCH_SUMMARY_KIND || typeof json.step !== 'string' || typeof json.read !== 'number') return undefined;
	return {
		step: json.step,
		source: typeof json.source === 'string' ? json.source : '',
		read: json.read,
		counts: numbers(json.counts),
		codes: numbers(json.codes),
	};
}

export interface BatchTotals {
	received: number;
	valid: number;
	rejected: number;
	rejectedByCode: Map<string, number>;
	priced: number;
	byStatus: Record<'match' | 'not_declared' | 'mismatch' | 'unpriceable', number>;
}

export function batchTotals(batches: readonly BatchCounts[]): BatchTotals {
	const totals: BatchTotals = {
		received: 0,
		valid: 0,
		rejected: 0,
		rejectedByCode: new Map(),
		priced: 0,
		byStatus: { match: 0, not_declared: 0, mismatch: 0, unpriceable: 0 },
	};
	for (const b of batches) {
		if (b.step === 'validate') {
			totals.received += b.read;
			totals.valid += b.counts.valid ?? 0;
			totals.rejected += b.counts.rejected ?? 0;
			for (const [code, n] of Object.entries(b.codes)) totals.rejectedByCode.set(code, (totals.rejectedByCode.get(code) ?? 0) + n);
		} else if (b.step === 'price') {
			totals.priced += b.read;
			for (const status of Object.keys(totals.byStatus) as Array<keyof BatchTotals['byStatus']>) {
				totals.byStatus[status] += b.codes[status] ?? 0;
			}
		}
	}
	return totals;
}
