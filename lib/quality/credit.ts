/** Credit CDRs: credit and credit_reference_id go together, and only a credit CDR has a negative total_cost. */
import { readPrice } from '../ocpi/price';
import type { CheckContext } from './check-context';
import type { Json } from './json-values';

export function checkCredit(cdr: Json, { report, version }: CheckContext): void {
	const total = readPrice(cdr.total_cost, version);
	const field = version === '2.2.1' ? 'excl_vat' : 'before_taxes';
	const hasReference = typeof cdr.credit_reference_id === 'string' && cdr.credit_reference_id !== '';
	if (cdr.credit === true) {
		if (!hasReference) {
			report(
				'CDR_CREDIT_REFERENCE_MISSING',
				'$.credit_reference_id',
				'credit is true but credit_reference_id is missing: set it to the id of the CDR this one credits.',
			);
		}
		if (total && total.excl > 0) {
			report(
				'CDR_CREDIT_COST_NOT_NEGATIVE',
				`$.total_cost.${field}`,
				`credit is true but total_cost.${field} is ${total.excl}: a credit CDR carries the negated total_cost ` +
					'of the credited CDR.',
			);
		}
	} else {
		if (hasReference) {
			report(
				'CDR_CREDIT_REFERENCE_WITHOUT_CREDIT',
				'$.credit_reference_id',
				`credit_reference_id "${String(cdr.credit_reference_id)}" is set but credit is not true. Set credit: true ` +
					'for a credit CDR, or remove the reference.',
			);
		}
		if (total && total.excl < 0) {
			report(
				'CDR_NEGATIVE_COST_NOT_CREDIT',
				`$.total_cost.${field}`,
				`total_cost.${field} is ${total.excl} but the CDR is not a credit CDR (credit: true with ` +
					'credit_reference_id).',
			);
		}
	}
}
