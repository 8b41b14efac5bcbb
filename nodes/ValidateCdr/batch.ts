/** Validate CDR in batch mode: a file of CDRs in, valid.ndjson and rejected.ndjson out, one summary item each. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { CdrValidator } from '../../lib/quality';
import { runBatchStep, unreadableLineIssue } from '../shared/batch-files';

const VALID = 0;
const REJECTED = 1;

/**
 * valid.ndjson holds the CDRs as checked (an OCPI 2.1.1 CDR upgraded) with their `issues` (warnings), ready for Price
 * CDR's batch mode;
 * rejected.ndjson one line per rejected record: {id, line, valid: false, issues, cdr}.
 */
export async function validateBatches(context: IExecuteFunctions, validator: CdrValidator): Promise<INodeExecutionData[][]> {
	return await runBatchStep(context, {
		step: 'validate',
		nodeOutputs: 2,
		outputs: [
			{ name: 'valid', nodeOutput: VALID },
			{ name: 'rejected', nodeOutput: REJECTED },
		],
		handle(record) {
			if (!record.ok) {
				const issue = unreadableLineIssue(record.error);
				return { output: REJECTED, line: { id: null, record: record.index + 1, line: record.line ?? null, valid: false, issues: [issue] }, codes: [issue.code] };
			}
			const verdict = validator.validate(record.value);
			// The verdict travels with the CDR (as in "One Item per CDR" mode): Price CDR stamps it on the price, and Build
			// Invoice numbers no CDR without a valid one.
			if (verdict.valid) return { output: VALID, line: { ...((verdict.cdr ?? record.value) as object), issues: verdict.issues } };
			// The summary counts rejected records by their error codes, as the report lists them.
			const codes = [...new Set(verdict.issues.filter((i) => i.severity === 'error').map((i) => i.code))];
			return {
				output: REJECTED,
				line: { id: verdict.id, record: record.index + 1, line: record.line ?? null, valid: false, issues: verdict.issues, cdr: record.value },
				codes,
			};
		},
	});
}
