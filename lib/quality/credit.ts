/** Credit CDRs: credit and credit_reference_id go together, and only a credit CDR has a negative total_cost. */
import type { CheckContext } from './check-context';
import type { Json } from './json-values';
import { isPrice } from './json-values';

export function checkCredit(cdr: Json, { report }: CheckContext): void {
	const total = cdr.total_cost;
	const hasReference = typeof cdr.credit_reference_id === 'string' && cdr.credit_reference_id !== '';
	if (cdr.credit === true) {
		if (!hasReference) {
			report(
				'CDR_CREDIT_REFERENCE_MISSING',
				'$.credit_reference_id',
				'credit is true but credit_reference_id is missing: set it to the id of the CDR this one credits.',
			);
		}
		if (isPrice(total) && total.excl_vat > 0) {
			report(
				'CDR_CREDIT_COST_NOT_NEGATIVE',
				'$.total_cost.excl_vat',
				`credit is true but total_cost.excl_vat is ${total.excl_vat}: a credit CDR carries the negated total_cost ` +
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
		if (isPrice(total) && total.excl_vat < 0) {
			report(
				'CDR_NEGATIVE_COST_NOT_CREDIT',
				'$.total_cost.excl_vat',
				`total_cost.excl_vat is ${total.excl_vat} but the CDR is not a credit CDR (credit: true with ` +
					'credit_reference_id).',
			);
		}
	}
}
