/**
 * The cross-check: the computed price against the totals the CDR declares. A deviation within the tolerance
 * (absolute, or relative to the declared amount) is a match.
 */
import type { Decimal, DecimalInput } from '../money';
import { dec } from '../money';
import type { DeclaredTotals, Deviations, PriceStatus, Totals } from './priced-cdr';
import { TOTAL_NAMES } from './priced-cdr';

export interface Tolerance {
	/** Currency units; default 0.01. */
	absolute?: DecimalInput;
	/** Fraction of the declared amount, e.g. 0.001 for 0.1 %; unset = not used. */
	relative?: DecimalInput;
}

export interface CompiledTolerance {
	absolute: Decimal;
	relative: Decimal | null;
}

export function compileTolerance(t: Tolerance | undefined): CompiledTolerance {
	return {
		absolute: dec(t?.absolute ?? '0.01'),
		relative: t?.relative === undefined || t.relative === null ? null : dec(t.relative),
	};
}

function within(deviation: Decimal, declared: Decimal, t: CompiledTolerance): boolean {
	const size = deviation.abs();
	if (size.lte(t.absolute)) return true;
	return t.relative !== null && size.lte(declared.abs().times(t.relative));
}

export interface CrossCheck {
	status: Exclude<PriceStatus, 'unpriceable'>;
	deviation: Deviations;
}

/**
 * `credit`: a credit CDR negates only total_cost (mod_cdrs, Credit CDRs), so its declared subtotals are compared by
 * magnitude.
 */
export function crossCheck(
	computed: Totals,
	declared: DeclaredTotals | null,
	tolerance: CompiledTolerance,
	credit: boolean,
): CrossCheck {
	const deviation: Deviations = {};
	const total = declared?.total_cost;
	const computedZero = computed.total_cost.excl_vat.isZero() && computed.total_cost.incl_vat.isZero();
	const declaredZero = total !== undefined && total.excl_vat.isZero() && (total.incl_vat === null || total.incl_vat.isZero());
	// Back-ends that let the clearer price send 0; a free session declared 0 is a plain match.
	if (!declared || !total || (declaredZero && !computedZero)) return { status: 'not_declared', deviation };
	let match = true;
	for (const name of TOTAL_NAMES) {
		const d = declared[name];
		if (!d) continue;
		const byMagnitude = credit && name !== 'total_cost';
		const c = computed[name];
		const excl = byMagnitude ? c.excl_vat.abs().minus(d.excl_vat.abs()) : c.excl_vat.minus(d.excl_vat);
		let incl: Decimal | null = null;
		if (d.incl_vat !== null) {
			incl = byMagnitude ? c.incl_vat.abs().minus(d.incl_vat.abs()) : c.incl_vat.minus(d.incl_vat);
		}
		deviation[name] = { excl_vat: excl, incl_vat: incl };
		if (!within(excl, d.excl_vat, tolerance)) match = false;
		if (incl !== null && d.incl_vat !== null && !within(incl, d.incl_vat, tolerance)) match = false;
	}
	return { status: match ? 'match' : 'mismatch', deviation };
}
