/**
 * Costs: taxes never reduce an amount, the cost subtotals add up to total_cost, and (OCPI 2.3.0) which taxes are not
 * VAT. Prices are read in the run's version: `excl_vat`/`incl_vat`, or `before_taxes` and its `taxes`.
 */
import type { PriceReading } from '../ocpi/price';
import { readPrice } from '../ocpi/price';
import { CDR_PRICE_FIELDS } from '../ocpi/types';
import type { CheckContext } from './check-context';
import type { Json } from './json-values';
import { isObject } from './json-values';
import { exactSum, sumDiffersBeyond } from './tolerance';

/** The subtotals of total_cost. */
const COST_FIELDS = CDR_PRICE_FIELDS.filter((field) => field !== 'total_cost');

/** The amounts whose sum is the price after every tax (2.3.0 counts the taxes that are not VAT too). */
const afterTaxes = (p: PriceReading): number[] | null =>
	p.inclParts === null ? null : [...p.inclParts, ...p.otherTaxes.map((t) => t.amount)];

/** 2.2.1: incl_vat on the wrong side of excl_vat. 2.3.0: a tax whose sign is opposite to before_taxes. */
function checkTaxSigns(cdr: Json, field: string, price: PriceReading, { report, version }: CheckContext): void {
	const excl = price.excl;
	const reduces = (tax: number): boolean => (excl > 0 && tax < 0) || (excl < 0 && tax > 0);
	if (version === '2.2.1') {
		const incl = price.inclParts?.[0];
		if (incl === undefined || !((excl > 0 && incl < excl) || (excl < 0 && incl > excl))) return;
		report(
			'CDR_INCL_VAT_BELOW_EXCL',
			`$.${field}.incl_vat`,
			`${field}.incl_vat ${incl} is ${excl > 0 ? 'below' : 'above'} ${field}.excl_vat ${excl}: VAT ` +
				'cannot reduce an amount. Check that the two values are not swapped.',
		);
		return;
	}
	const taxes = (cdr[field] as Json).taxes;
	if (!Array.isArray(taxes)) return;
	taxes.forEach((tax, index) => {
		if (!isObject(tax) || typeof tax.amount !== 'number' || !reduces(tax.amount)) return;
		report(
			'CDR_INCL_VAT_BELOW_EXCL',
			`$.${field}.taxes[${index}].amount`,
			`${field}.taxes[${index}].amount ${tax.amount} has the opposite sign of ${field}.before_taxes ${excl}: a tax ` +
				'cannot reduce an amount.',
		);
	});
}

export function checkCosts(cdr: Json, ctx: CheckContext): void {
	const { report, thresholds: t, version } = ctx;
	const exclName = version === '2.2.1' ? 'excl_vat' : 'before_taxes';
	const prices = new Map<string, PriceReading>();
	const otherTaxes = new Set<string>();
	for (const field of CDR_PRICE_FIELDS) {
		const price = readPrice(cdr[field], version);
		if (!price) continue;
		prices.set(field, price);
		checkTaxSigns(cdr, field, price, ctx);
		for (const tax of price.otherTaxes) {
			if (otherTaxes.has(tax.name)) continue;
			otherTaxes.add(tax.name);
			report(
				'CDR_TAX_NOT_VAT',
				`$.${field}.taxes[${tax.index}].name`,
				`${field}.taxes[${tax.index}] "${tax.name}" is not VAT: it is no VAT category of an invoice. Name VAT "VAT" ` +
					'(or its national name); docs/pricing-choices.md says how other taxes are treated.',
			);
		}
	}
	const total = prices.get('total_cost');
	if (!total) return;
	const parts = COST_FIELDS.filter((field) => prices.has(field));
	if (parts.length === 0) return;
	// Each amount is rounded on its own, so n subtotals and the total drift apart by less than (n + 1) / 2 cents.
	const tolerance = t.moneyTolerance * Math.max(1, Math.ceil((parts.length - 1) / 2));
	// A credit CDR negates total_cost only; its subtotals stay as in the credited CDR.
	const credit = cdr.credit === true;
	const expected = (amount: number): number => (credit ? Math.abs(amount) : amount);
	const v221 = version === '2.2.1';
	const excl = parts.map((field) => prices.get(field)!.excl);
	if (sumDiffersBeyond(excl, expected(total.excl), tolerance)) {
		report(
			'CDR_COST_SUM_MISMATCH',
			`$.total_cost.${exclName}`,
			`${parts.join(' + ')} ${v221 ? 'excl. VAT' : 'before taxes'} add up to ${exactSum(excl).toFixed()} ` +
				`${String(cdr.currency)}, but total_cost.${exclName} is ${total.excl}` +
				`${credit ? ' (a credit CDR: compared without its sign)' : ''} (tolerance ${tolerance}). Add the missing ` +
				'subtotal or correct the amounts.',
		);
	}
	const totalAfter = afterTaxes(total);
	const partsAfter = parts.map((field) => afterTaxes(prices.get(field)!));
	if (totalAfter === null || partsAfter.some((p) => p === null)) return;
	const after = (partsAfter as number[][]).flat();
	// One number is exact enough for the total: its parts are JSON numbers of a few decimals.
	const totalAfterSum = totalAfter.length === 1 ? totalAfter[0] : exactSum(totalAfter).toNumber();
	if (sumDiffersBeyond(after, expected(totalAfterSum), tolerance)) {
		report(
			'CDR_COST_SUM_MISMATCH',
			v221 ? '$.total_cost.incl_vat' : '$.total_cost.taxes',
			`${parts.join(' + ')} ${v221 ? 'incl. VAT' : 'after taxes'} add up to ${exactSum(after).toFixed()} ` +
				`${String(cdr.currency)}, but total_cost${v221 ? '.incl_vat' : ' after taxes'} is ${totalAfterSum} ` +
				`(tolerance ${tolerance}).`,
		);
	}
}
