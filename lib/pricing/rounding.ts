/**
 * From breakdown lines to the six OCPI totals, under the run's rounding policy (docs/pricing-choices.md):
 * - full_precision: exact sums; rounding is left to the invoice.
 * - per_cdr_net_then_vat (Hubject's rating methodology): per total and VAT rate, the net is rounded to 2 decimals,
 *   then the VAT on that rounded net is rounded to 2 decimals; incl = Σ rounded net + Σ rounded VAT.
 */
import type { Decimal } from '../money';
import { ZERO, roundMoney } from '../money';
import type { BreakdownLine, CostCategory } from '../tariff/price-session';
import type { Amount, RoundingPolicy, TotalName, Totals } from './priced-cdr';
import { TOTAL_NAMES } from './priced-cdr';

const TOTAL_OF_CATEGORY: Record<CostCategory, TotalName | null> = {
	energy: 'total_energy_cost',
	time: 'total_time_cost',
	parking: 'total_parking_cost',
	fixed: 'total_fixed_cost',
	reservation: 'total_reservation_cost',
	price_limit: null,
};

const ZERO_AMOUNT: Amount = Object.freeze({ excl_vat: ZERO, incl_vat: ZERO });

function exactSum(lines: readonly BreakdownLine[]): Amount {
	if (lines.length === 0) return ZERO_AMOUNT;
	let excl = lines[0].excl;
	let incl = lines[0].incl;
	for (let i = 1; i < lines.length; i++) {
		excl = excl.plus(lines[i].excl);
		incl = incl.plus(lines[i].incl);
	}
	return { excl_vat: excl, incl_vat: incl };
}

function roundedSum(lines: readonly BreakdownLine[]): Amount {
	// Group by VAT rate; a price-limit adjustment is its own group, its VAT being incl - excl of the adjustment.
	const groups = new Map<string, { excl: Decimal; incl: Decimal; vat: number | null; limit: boolean }>();
	for (const l of lines) {
		const key = l.category === 'price_limit' ? 'limit' : l.vat === null ? 'none' : String(l.vat);
		const g = groups.get(key);
		if (g) {
			g.excl = g.excl.plus(l.excl);
			g.incl = g.incl.plus(l.incl);
		} else groups.set(key, { excl: l.excl, incl: l.incl, vat: l.vat, limit: l.category === 'price_limit' });
	}
	let net = ZERO;
	let vat = ZERO;
	for (const g of groups.values()) {
		const groupNet = roundMoney(g.excl);
		net = net.plus(groupNet);
		if (g.limit) vat = vat.plus(roundMoney(g.incl.minus(g.excl)));
		else if (g.vat !== null) vat = vat.plus(roundMoney(groupNet.times(g.vat).div(100)));
	}
	return { excl_vat: net, incl_vat: net.plus(vat) };
}

export function totalsOf(lines: readonly BreakdownLine[], rounding: RoundingPolicy): Totals {
	const byTotal: Record<TotalName, BreakdownLine[]> = {
		total_cost: [],
		total_energy_cost: [],
		total_time_cost: [],
		total_parking_cost: [],
		total_fixed_cost: [],
		total_reservation_cost: [],
	};
	for (const l of lines) {
		byTotal.total_cost.push(l);
		const name = TOTAL_OF_CATEGORY[l.category];
		if (name) byTotal[name].push(l);
	}
	const sumOf = rounding === 'full_precision' ? exactSum : roundedSum;
	const totals = {} as Totals;
	for (const name of TOTAL_NAMES) totals[name] = sumOf(byTotal[name]);
	return totals;
}
