/**
 * The quality verdict a priced CDR carries to the invoicing path (issue 13.2): what `ev-clearing price` writes, and what
 * a caller pricing CDRs itself (the Price CDR node, an integrator) adds so that issueInvoices / issueStream accept it.
 * The checks are lib/quality's, run on the CDR as received: give a validator created without the duplicate check
 * (`createCdrValidator({ exclude: ['CDR_DUPLICATE'] })`) — repeats are the invoicing path's to report, and remembering
 * every key of a month would make memory grow with it.
 */
import type { PricedCdr, QualityStamp } from '../pricing';
import type { CdrVerdict } from '../quality';

/** The stamp of a verdict: valid, or the codes of the checks that rejected the CDR (errors, or warnings made errors). */
export function qualityStamp(verdict: CdrVerdict): QualityStamp {
	if (verdict.valid) return { valid: true, codes: [] };
	const rejecting = verdict.issues.filter((i) => i.severity === 'error');
	return { valid: false, codes: [...new Set((rejecting.length > 0 ? rejecting : verdict.issues).map((i) => i.code))] };
}

/** The priced CDR with the verdict of its quality checks. */
export function withQualityStamp(priced: PricedCdr, verdict: CdrVerdict): PricedCdr {
	return { ...priced, quality: qualityStamp(verdict) };
}
