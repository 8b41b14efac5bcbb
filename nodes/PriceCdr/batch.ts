/** Price CDR in batch mode: a file of CDRs in; priced, deviating and unpriceable NDJSON files out, one summary each. */
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { AnyCdr } from '../../lib/ocpi/types-v230';
import { pricedCdrToJson } from '../../lib/pricing';
import type { Pricer, QualityStamp } from '../../lib/pricing';
import { createCdrValidator } from '../../lib/quality';
import type { CdrValidator, CdrVerdict } from '../../lib/quality';
import { qualityStamp } from '../../lib/invoice/quality-stamp';
import { runBatchStep, unreadableLineIssue } from '../shared/batch-files';

const PRICED = 0;
const DEVIATING = 1;
const UNPRICEABLE = 2;

function unpriceable(id: string | null, record: number, issue: { code: string; severity: 'error'; path: string; message: string }) {
	return { output: UNPRICEABLE, line: { id, record, status: 'unpriceable', computed: null, declared: null, issues: [issue] }, codes: ['unpriceable'] };
}

/**
 * The quality verdict a price carries (Build Invoice numbers no CDR without a valid one): the verdict Validate CDR wrote
 * on the line (its `issues`), else the checks run here, without the duplicate check (Build Invoice reports repeated CDRs
 * itself, and remembering every key here would make memory grow with the month).
 */
function qualityOf(value: Record<string, unknown>, validator: () => CdrValidator): QualityStamp {
	if (!Array.isArray(value.issues)) return qualityStamp(validator().validate(value));
	const issues = value.issues as CdrVerdict['issues'];
	const valid = typeof value.valid === 'boolean' ? value.valid : !issues.some((i) => i.severity === 'error');
	return qualityStamp({ ...(value as object), valid, issues } as CdrVerdict);
}

/**
 * priced.ndjson holds Price CDR's per-CDR result (match or not declared), the input of Build Invoice's batch mode;
 * deviating.ndjson the mismatches and unpriceable.ndjson the CDRs without a price, both on the Price Deviation output.
 * `pricerFor` gives the pricer of an input item (its own tariffs when they come from a field of that item).
 */
export async function priceBatches(
	context: IExecuteFunctions,
	pricerFor: (itemIndex: number) => Pricer,
	ocpiVersion: '2.2.1' | '2.3.0',
): Promise<INodeExecutionData[][]> {
	const pricers = new Map<number, Pricer>();
	let checks: CdrValidator | undefined;
	const validator = () => (checks ??= createCdrValidator({ ocpiVersion, exclude: ['CDR_DUPLICATE'] }));
	return await runBatchStep(context, {
		step: 'price',
		nodeOutputs: 2,
		outputs: [
			{ name: 'priced', nodeOutput: 0 },
			{ name: 'deviating', nodeOutput: 1 },
			{ name: 'unpriceable', nodeOutput: 1 },
		],
		handle(record, itemIndex) {
			if (!record.ok) return unpriceable(null, record.index + 1, unreadableLineIssue(record.error));
			const value = record.value;
			if (typeof value !== 'object' || value === null || Array.isArray(value)) {
				return unpriceable(null, record.index + 1, {
					code: 'CDR_NOT_AN_OBJECT',
					severity: 'error',
					path: '$',
					message: `Record ${record.index + 1} is not a CDR object.`,
				});
			}
			let pricer = pricers.get(itemIndex);
			if (!pricer) {
				pricer = pricerFor(itemIndex);
				pricers.set(itemIndex, pricer);
			}
			const result = pricer.price(value as AnyCdr);
			result.quality = qualityOf(value as Record<string, unknown>, validator);
			const line = pricedCdrToJson(result);
			// The summary counts records per status (match, not_declared, mismatch, unpriceable), as the report shows them.
			const codes = [result.status];
			const output = result.status === 'mismatch' ? DEVIATING : result.status === 'unpriceable' ? UNPRICEABLE : PRICED;
			return { output, line, codes };
		},
	});
}
