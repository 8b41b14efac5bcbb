/** Costs: VAT never reduces an amount, and the cost subtotals add up to total_cost. */
import type { Price } from '../ocpi/types';
import type { CheckContext } from './check-context';
import type { Json } from './json-values';
import { isNumber, isPrice } from './json-values';
import { exactSum, sumDiffersBeyond } from './tolerance';

const COST_FIELDS = [
	'total_energy_cost',
	'total_time_cost',
	'total_parking_cost',
	'total_fixed_cost',
	'total_reservation_cost',
] as const;

export function checkCosts(cdr: Json, { report, thresholds: t }: CheckContext): void {
	const total = cdr.total_cost;
	for (const field of ['total_cost', ...COST_FIELDS] as const) {
		const price = cdr[field];
		if (!isPrice(price) || !isNumber(price.incl_vat)) continue;
		const excl = price.excl_vat;
		if ((excl > 0 && price.incl_vat < excl) || (excl < 0 && price.incl_vat > excl)) {
			report(
				'CDR_INCL_VAT_BELOW_EXCL',
				`$.${field}.incl_vat`,
				`${field}.incl_vat ${price.incl_vat} is ${excl > 0 ? 'below' : 'above'} ${field}.excl_vat ${excl}: VAT ` +
					'cannot reduce an amount. Check that the two values are not swapped.',
			);
		}
	}
	if (!isPrice(total)) return;
	const parts = COST_FIELDS.filter((field) => isPrice(cdr[field]));
	if (parts.length === 0) return;
	// Each amount is rounded on its own, so n subtotals and the total drift apart by less than (n + 1) / 2 cents.
	const tolerance = t.moneyTolerance * Math.max(1, Math.ceil((parts.length - 1) / 2));
	// A credit CDR negates total_cost only; its subtotals stay as in the credited CDR.
	const credit = cdr.credit === true;
	const expected = (amount: number): number => (credit ? Math.abs(amount) : amount);
	const excl = parts.map((field) => (cdr[field] as Price).excl_vat);
	if (sumDiffersBeyond(excl, expected(total.excl_vat), tolerance)) {
		report(
			'CDR_COST_SUM_MISMATCH',
			'$.total_cost.excl_vat',
			`${parts.join(' + ')} excl. VAT add up to ${exactSum(excl).toFixed()} ${String(cdr.currency)}, but ` +
				`total_cost.excl_vat is ${total.excl_vat}${credit ? ' (a credit CDR: compared without its sign)' : ''} ` +
				`(tolerance ${tolerance}). Add the missing subtotal or correct the amounts.`,
		);
	}
	const incl = parts.map((field) => (cdr[field] as Price).incl_vat);
	if (isNumber(total.incl_vat) && incl.every(isNumber)) {
		if (sumDiffersBeyond(incl as number[], expected(total.incl_vat), tolerance)) {
			report(
				'CDR_COST_SUM_MISMATCH',
				'$.total_cost.incl_vat',
				`${parts.join(' + ')} incl. VAT add up to ${exactSum(incl as number[]).toFixed()} ${String(cdr.currency)}, ` +
					`but total_cost.incl_vat is ${total.incl_vat} (tolerance ${tolerance}).`,
			);
		}
	}
}
