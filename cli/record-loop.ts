/**
 * The loop every per-CDR command shares: read records from the inputs, turn each into one output line, write NDJSON,
 * report progress on stderr when a person is watching, and a summary at the end.
 */
import { NdjsonWriter } from '../lib/io/ndjson-writer';
import type { JsonRecord } from '../lib/io/json-records';
import { readInputs } from './input';

export interface LoopResult {
	records: number;
	tally: Map<string, number>;
}

/** `handle` returns the output line and the tally key of the record (e.g. "valid", "mismatch"). */
export async function forEachRecord(
	files: string[],
	handle: (record: JsonRecord) => { line: unknown; outcome: string },
	label: string,
): Promise<LoopResult> {
	const writer = new NdjsonWriter(process.stdout);
	const tally = new Map<string, number>();
	const showProgress = process.stderr.isTTY === true;
	const started = Date.now();
	let records = 0;
	for await (const { record } of readInputs(files)) {
		const { line, outcome } = handle(record);
		tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
		records++;
		await writer.write(line);
		if (showProgress && records % 50_000 === 0) {
			const rate = Math.round(records / ((Date.now() - started) / 1000));
			process.stderr.write(`\r${label}: ${records.toLocaleString('en-US')} CDRs (${rate.toLocaleString('en-US')}/s)`);
		}
	}
	await writer.flush();
	if (showProgress && records >= 50_000) process.stderr.write('\n');
	const parts = [...tally].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
	process.stderr.write(`${label}: ${records} CDR${records === 1 ? '' : 's'}${parts ? ` (${parts})` : ''}\n`);
	return { records, tally };
}

/** The output line of a record that is not JSON at all. */
export function unreadableRecordIssue(error: string) {
	return { code: 'CDR_NOT_JSON', severity: 'error' as const, path: '$', message: error };
}
