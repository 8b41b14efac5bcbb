/**
 * The short verdict each Validate CDR and Price CDR item starts with (issue 17.7): what an ops person looks for first
 * — which CDR, valid or not and why, the price it declared against the price computed and the difference — before the
 * full CDR or priced CDR that follows it in the same item.
 */
import type { IDataObject } from 'n8n-workflow';

import type { PricedCdrJson } from '../../lib/pricing';

interface Issue {
	code: string;
	severity: string;
	message?: string;
}

const price = (value: unknown): IDataObject | undefined => {
	if (typeof value !== 'object' || value === null) return undefined;
	const p = value as IDataObject;
	return { excl_vat: p.excl_vat as string | number, ...(p.incl_vat !== undefined ? { incl_vat: p.incl_vat as string | number } : {}) };
};

/** Validate CDR: id, valid, the codes found, the first error in words, and the CDR's declared totals. */
export function validationVerdict(cdr: IDataObject, issues: readonly Issue[], valid: boolean): IDataObject {
	const errors = issues.filter((i) => i.severity === 'error');
	return {
		id: typeof cdr.id === 'string' ? cdr.id : null,
		valid,
		codes: issues.map((i) => i.code),
		...(errors.length > 0 ? { reason: errors[0].message ?? errors[0].code } : {}),
		currency: (cdr.currency as string) ?? null,
		total_cost: price(cdr.total_cost) ?? null,
		total_energy_kwh: (cdr.total_energy as number) ?? null,
	};
}

/** Price CDR: id, status, the declared and computed total cost excl. VAT side by side, and their difference. */
export function priceVerdict(priced: PricedCdrJson): IDataObject {
	const declared = priced.declared?.total_cost?.excl_vat ?? null;
	const computed = priced.computed?.total_cost.excl_vat ?? null;
	// computed − declared, as the cross-check measured it (by magnitude for a credit CDR)
	const deviation = priced.deviation.total_cost?.excl_vat ?? null;
	return {
		id: priced.id,
		status: priced.status,
		codes: priced.issues.map((i) => i.code),
		currency: priced.currency,
		total_excl_vat: { declared, computed, deviation },
		total_incl_vat: {
			declared: priced.declared?.total_cost?.incl_vat ?? null,
			computed: priced.computed?.total_cost.incl_vat ?? null,
		},
	};
}
