/**
 * min_price / max_price (OCPI 2.2.1 Price, 2.3.0 PriceLimit), read as docs/pricing-choices.md "Price limits" says:
 *
 * 1. The totals before limits are taken under the run's rounding policy, so the limits hold on what is billed.
 * 2. The total excl. VAT is clamped into [min excl., max excl.] (mod_tariffs: "The total cost of a Charging Session
 *    excluding VAT can never be lower than the min_price excluding VAT" / "higher than the max_price").
 * 3. The amount that clamp added or removed bears VAT at the session's VAT rate (the rate of its largest VAT group,
 *    where an invoice puts the adjustment): a limit without incl_vat / after_taxes thus moves the total incl. VAT with it.
 * 4. The total incl. VAT is then clamped into [min incl., max incl.] where given ("they both apply").
 * Under per_cdr_net_then_vat the limits are taken to the cent inward (a minimum up, a maximum down).
 *
 * Each limit that acted is one breakdown line (MIN_PRICE / MAX_PRICE, category price_limit) counting in total_cost only.
 */
import type { Decimal } from '../money';
import { Decimal as D, ZERO, roundMoney } from '../money';
import type { BreakdownLine } from '../tariff/price-session';
import type { NormalizedTariff, PriceLimit } from '../tariff/tariff';
import type { PricingIssue, RoundingPolicy } from './priced-cdr';
import { totalsOf } from './rounding';

type Kind = 'MIN_PRICE' | 'MAX_PRICE';

/** VAT percentage of the session's largest VAT group (by amount excl. VAT); null when that group has no VAT. */
export function sessionVatRate(lines: readonly BreakdownLine[]): number | null {
	const groups = new Map<string, { vat: number | null; excl: Decimal }>();
	for (const l of lines) {
		if (l.category === 'price_limit') continue;
		const key = l.vat === null ? 'none' : String(l.vat);
		const g = groups.get(key);
		if (g) g.excl = g.excl.plus(l.excl);
		else groups.set(key, { vat: l.vat, excl: l.excl });
	}
	let largest: { vat: number | null; excl: Decimal } | undefined;
	for (const g of groups.values()) if (!largest || g.excl.abs().gt(largest.excl.abs())) largest = g;
	return largest?.vat ?? null;
}

function limitLine(tariff: NormalizedTariff, kind: Kind, excl: Decimal, incl: Decimal): BreakdownLine {
	const one = new D(1);
	return {
		periodIndex: null,
		dimension: kind,
		category: 'price_limit',
		tariffId: tariff.id,
		elementIndex: null,
		componentIndex: null,
		price: null,
		vat: null,
		volume: one,
		billedVolume: one,
		excl,
		incl,
	};
}

const money = (v: Decimal): string => v.toFixed();

/** The limits of the tariff as used under the policy: to the cent inward when amounts are rounded. */
function bounds(min: Decimal | undefined, max: Decimal | undefined, rounded: boolean): [Decimal | undefined, Decimal | undefined] {
	if (!rounded) return [min, max];
	let lo = min?.toDecimalPlaces(2, D.ROUND_CEIL);
	const hi = max?.toDecimalPlaces(2, D.ROUND_FLOOR);
	// No cent between two limits less than a cent apart: the maximum wins.
	if (lo && hi && lo.gt(hi)) lo = hi;
	return [lo, hi];
}

function clamp(value: Decimal, [lo, hi]: [Decimal | undefined, Decimal | undefined]): { value: Decimal; kind: Kind | null } {
	if (lo && value.lt(lo)) return { value: lo, kind: 'MIN_PRICE' };
	if (hi && value.gt(hi)) return { value: hi, kind: 'MAX_PRICE' };
	return { value, kind: null };
}

const fieldOf = (kind: Kind): string => (kind === 'MIN_PRICE' ? 'min_price' : 'max_price');

/**
 * Appends the MIN_PRICE / MAX_PRICE lines the tariff's limits call for to `lines` (the session priced before limits)
 * and returns the issues that say so.
 */
export function applyPriceLimits(tariff: NormalizedTariff, lines: BreakdownLine[], rounding: RoundingPolicy): PricingIssue[] {
	const min: PriceLimit | undefined = tariff.minPrice;
	const max: PriceLimit | undefined = tariff.maxPrice;
	if (!min && !max) return [];
	const rounded = rounding !== 'full_precision';
	const { excl_vat: excl, incl_vat: incl } = totalsOf(lines, rounding).total_cost;

	const exclusive = clamp(excl, bounds(min?.excl, max?.excl, rounded));
	const exclShift = exclusive.value.minus(excl);
	const rate = sessionVatRate(lines);
	let vatOnShift = rate === null || exclShift.isZero() ? ZERO : exclShift.times(rate).div(100);
	if (rounded) vatOnShift = roundMoney(vatOnShift);
	const inclByRate = incl.plus(exclShift).plus(vatOnShift);
	const inclusive = clamp(inclByRate, bounds(min?.incl, max?.incl, rounded));
	// Only limits within a cent of each other could leave incl. below excl.; VAT never reduces an amount.
	const inclFinal = D.max(inclusive.value, exclusive.value);
	const inclShift = inclFinal.minus(inclByRate);

	const issues: PricingIssue[] = [];
	const applied = (kind: Kind, what: string, from: Decimal, to: Decimal): void => {
		const verb = kind === 'MIN_PRICE' ? 'raised' : 'lowered';
		issues.push({
			code: `${kind}_APPLIED`,
			severity: 'info',
			message: `the session total ${what} was ${verb} from ${money(from)} to ${money(to)} (the tariff's ${fieldOf(kind)})`,
			path: fieldOf(kind),
		});
	};
	if (exclusive.kind) {
		lines.push(limitLine(tariff, exclusive.kind, exclShift, exclShift.plus(vatOnShift)));
		applied(exclusive.kind, 'excl. VAT', excl, exclusive.value);
	}
	if (!inclShift.isZero()) {
		const kind = inclusive.kind ?? exclusive.kind ?? 'MAX_PRICE';
		const last = lines[lines.length - 1];
		if (exclusive.kind === kind) last.incl = last.incl.plus(inclShift);
		else {
			lines.push(limitLine(tariff, kind, ZERO, inclShift));
			applied(kind, 'incl. VAT', inclByRate, inclFinal);
		}
		issues.push({
			code: 'PRICE_LIMIT_VAT_CONFLICT',
			severity: 'warning',
			message:
				`the tariff's limits set the total to ${money(exclusive.value)} excl. and ${money(inclFinal)} incl. VAT, but VAT at ` +
				`the session's rates on ${money(exclusive.value)} gives ${money(inclByRate)}: an invoice states VAT by rate ` +
				`(EN16931) and shows ${money(inclByRate)}; agree the ${fieldOf(kind)} with the partner`,
			path: `${fieldOf(kind)}.${tariff.version === '2.2.1' ? 'incl_vat' : 'after_taxes'}`,
		});
	}
	return issues;
}
