/**
 * PricedCdr: the computed price of one CDR, its cross-check against the CDR's declared totals, and the breakdown
 * that explains it. `pricedCdrToJson` is the NDJSON line of `ev-clearing price`; other scripts depend on its shape.
 */
import { Decimal, toAmountString, toFixedAmount } from '../money';
import { CDR_PRICE_FIELDS } from '../ocpi/types';
import type { CdrPriceField } from '../ocpi/types';
import type { CdrVersion } from '../ocpi/version';
import { isCdrVersion } from '../ocpi/version';
import type { BreakdownDimension, BreakdownLine, CostCategory } from '../tariff/price-session';

export type PriceStatus = 'match' | 'mismatch' | 'not_declared' | 'unpriceable';
export type RoundingPolicy = 'full_precision' | 'per_cdr_net_then_vat';
export const ROUNDING_POLICIES: readonly RoundingPolicy[] = ['full_precision', 'per_cdr_net_then_vat'];

/** The six OCPI totals of a CDR (its Price fields), total_cost first. */
export const TOTAL_NAMES = CDR_PRICE_FIELDS;
export type TotalName = CdrPriceField;

export interface Amount {
	excl_vat: Decimal;
	incl_vat: Decimal;
}
export type Totals = Record<TotalName, Amount>;

/** A declared OCPI Price: incl_vat is optional in OCPI. */
export interface DeclaredAmount {
	excl_vat: Decimal;
	incl_vat: Decimal | null;
}
export type DeclaredTotals = Partial<Record<TotalName, DeclaredAmount>>;
export type Deviations = Partial<Record<TotalName, { excl_vat: Decimal; incl_vat: Decimal | null }>>;

export type IssueSeverity = 'error' | 'warning' | 'info';
export interface PricingIssue {
	code: string;
	severity: IssueSeverity;
	message: string;
	/** JSON path in the CDR or tariff concerned. */
	path?: string;
}

/** Session volumes billed after step_size, of priced volume only. */
export interface BilledVolumes {
	energy_kwh: Decimal;
	time_h: Decimal;
	parking_h: Decimal;
	reservation_h: Decimal;
}

/** Key data of the CDR the invoice step needs without re-reading the CDR. */
export interface PricedCdrFacts {
	emsp_country_code: string | null;
	emsp_party_id: string | null;
	contract_id: string | null;
	location_id: string | null;
	evse_id: string | null;
	country: string | null;
	/** The charging site's name and postal address (cdr_location): the delivery address on the invoice. */
	site?: { name: string | null; address: string | null; city: string | null; postal_code: string | null } | null;
	start_date_time: string | null;
	end_date_time: string | null;
	total_energy: number | null;
	total_time: number | null;
	total_parking_time: number | null;
	session_id: string | null;
	credit: boolean;
	credit_reference_id: string | null;
	invoice_reference_id: string | null;
}

/**
 * The verdict of the CDR quality checks (lib/quality, what `ev-clearing validate` runs) on the CDR this price is of,
 * stamped by `ev-clearing price`: the invoicing path refuses a CDR whose verdict is not valid (issue 13.2).
 */
export interface QualityStamp {
	valid: boolean;
	/** The codes of the checks that rejected it (errors, or warnings treated as errors); empty when valid. */
	codes: string[];
}

export interface PricedCdr {
	id: string;
	country_code: string | null;
	party_id: string | null;
	currency: string | null;
	status: PriceStatus;
	/** The OCPI version the CDR and its tariff were read in. */
	ocpi_version: CdrVersion;
	rounding: RoundingPolicy;
	/** Null when unpriceable. */
	computed: Totals | null;
	declared: DeclaredTotals | null;
	deviation: Deviations;
	billed: BilledVolumes | null;
	breakdown: BreakdownLine[];
	tariff_ids: string[];
	time_zone: string | null;
	issues: PricingIssue[];
	cdr: PricedCdrFacts;
	/** Absent when the CDR was priced without its quality checks (a caller of the pricer that did not run them). */
	quality?: QualityStamp;
}

/* ------------------------------------------------------------------ JSON */

type AmountJson = { excl_vat: string; incl_vat: string };

export interface BreakdownLineJson {
	period_index: number | null;
	dimension: BreakdownDimension;
	category: CostCategory;
	tariff_id: string;
	element_index: number | null;
	component_index: number | null;
	price: string | null;
	vat: number | null;
	volume: string;
	billed_volume: string;
	cost: AmountJson;
}

export interface PricedCdrJson {
	id: string;
	status: PriceStatus;
	computed: Record<TotalName, AmountJson> | null;
	declared: Partial<Record<TotalName, { excl_vat: string; incl_vat: string | null }>> | null;
	deviation: Partial<Record<TotalName, { excl_vat: string; incl_vat: string | null }>>;
	breakdown: BreakdownLineJson[];
	issues: PricingIssue[];
	country_code: string | null;
	party_id: string | null;
	currency: string | null;
	/** Absent in lines written before OCPI 2.3.0 was supported: 2.2.1. */
	ocpi_version?: CdrVersion;
	rounding: RoundingPolicy;
	billed: Record<keyof BilledVolumes, string> | null;
	tariff_ids: string[];
	time_zone: string | null;
	cdr: PricedCdrFacts;
	quality?: QualityStamp;
}

/** Volumes are not money: shown to 9 decimals (billed hours may not terminate: 1 min = 0.0166… h). */
function volumeString(v: Decimal): string {
	return (v.decimalPlaces() > 9 ? v.toDecimalPlaces(9, Decimal.ROUND_HALF_UP) : v).toFixed();
}

/**
 * Full precision is printed to at most 20 decimals: a cost that does not terminate (1 s at 0.60/h) is carried at
 * 40 significant digits, and digits beyond the 20th are artefacts of that, never money.
 */
export const FULL_PRECISION_PLACES = 20;
function exact(v: Decimal): string {
	if (v.isZero()) return '0';
	return toAmountString(
		v.decimalPlaces() > FULL_PRECISION_PLACES ? v.toDecimalPlaces(FULL_PRECISION_PLACES, Decimal.ROUND_HALF_UP) : v,
	);
}

function amountString(v: Decimal, rounding: RoundingPolicy): string {
	return rounding === 'full_precision' ? exact(v) : toFixedAmount(v, 2);
}

export function pricedCdrToJson(p: PricedCdr): PricedCdrJson {
	const money = (v: Decimal): string => amountString(v, p.rounding);
	const optional = (v: Decimal | null): string | null => (v === null ? null : exact(v));
	let computed: PricedCdrJson['computed'] = null;
	if (p.computed) {
		const c = {} as Record<TotalName, AmountJson>;
		for (const name of TOTAL_NAMES) {
			c[name] = { excl_vat: money(p.computed[name].excl_vat), incl_vat: money(p.computed[name].incl_vat) };
		}
		computed = c;
	}
	let declared: PricedCdrJson['declared'] = null;
	if (p.declared) {
		declared = {};
		for (const name of TOTAL_NAMES) {
			const d = p.declared[name];
			if (d) declared[name] = { excl_vat: exact(d.excl_vat), incl_vat: optional(d.incl_vat) };
		}
	}
	const deviation: PricedCdrJson['deviation'] = {};
	for (const name of TOTAL_NAMES) {
		const d = p.deviation[name];
		if (d) deviation[name] = { excl_vat: exact(d.excl_vat), incl_vat: optional(d.incl_vat) };
	}
	return {
		id: p.id,
		status: p.status,
		computed,
		declared,
		deviation,
		breakdown: p.breakdown.map((l) => ({
			period_index: l.periodIndex,
			dimension: l.dimension,
			category: l.category,
			tariff_id: l.tariffId,
			element_index: l.elementIndex,
			component_index: l.componentIndex,
			price: l.price === null ? null : exact(l.price),
			vat: l.vat,
			volume: volumeString(l.volume),
			billed_volume: volumeString(l.billedVolume),
			// Lines explain the total: always at full precision, whatever the rounding of the totals.
			cost: { excl_vat: exact(l.excl), incl_vat: exact(l.incl) },
		})),
		issues: p.issues,
		country_code: p.country_code,
		party_id: p.party_id,
		currency: p.currency,
		ocpi_version: p.ocpi_version,
		rounding: p.rounding,
		billed: p.billed
			? {
					energy_kwh: volumeString(p.billed.energy_kwh),
					time_h: volumeString(p.billed.time_h),
					parking_h: volumeString(p.billed.parking_h),
					reservation_h: volumeString(p.billed.reservation_h),
				}
			: null,
		tariff_ids: p.tariff_ids,
		time_zone: p.time_zone,
		cdr: p.cdr,
		...(p.quality ? { quality: p.quality } : {}),
	};
}

function decOrNull(v: string | null | undefined): Decimal | null {
	return v === null || v === undefined ? null : new Decimal(v);
}

/** Reads a line of `ev-clearing price` back into the typed form (the invoice step reads that NDJSON). */
export function parsePricedCdrJson(json: PricedCdrJson): PricedCdr {
	let computed: Totals | null = null;
	if (json.computed) {
		const c = {} as Totals;
		for (const name of TOTAL_NAMES) {
			const a = json.computed[name];
			c[name] = { excl_vat: new Decimal(a.excl_vat), incl_vat: new Decimal(a.incl_vat) };
		}
		computed = c;
	}
	let declared: DeclaredTotals | null = null;
	if (json.declared) {
		declared = {};
		for (const name of TOTAL_NAMES) {
			const d = json.declared[name];
			if (d) declared[name] = { excl_vat: new Decimal(d.excl_vat), incl_vat: decOrNull(d.incl_vat) };
		}
	}
	const deviation: Deviations = {};
	for (const name of TOTAL_NAMES) {
		const d = json.deviation?.[name];
		if (d) deviation[name] = { excl_vat: new Decimal(d.excl_vat), incl_vat: decOrNull(d.incl_vat) };
	}
	return {
		id: json.id,
		country_code: json.country_code ?? null,
		party_id: json.party_id ?? null,
		currency: json.currency ?? null,
		status: json.status,
		ocpi_version: isCdrVersion(json.ocpi_version) ? json.ocpi_version : '2.2.1',
		rounding: json.rounding ?? 'full_precision',
		computed,
		declared,
		deviation,
		billed: json.billed
			? {
					energy_kwh: new Decimal(json.billed.energy_kwh),
					time_h: new Decimal(json.billed.time_h),
					parking_h: new Decimal(json.billed.parking_h),
					reservation_h: new Decimal(json.billed.reservation_h),
				}
			: null,
		breakdown: (json.breakdown ?? []).map((l) => ({
			periodIndex: l.period_index,
			dimension: l.dimension,
			category: l.category,
			tariffId: l.tariff_id,
			elementIndex: l.element_index,
			componentIndex: l.component_index,
			price: decOrNull(l.price),
			vat: l.vat,
			volume: new Decimal(l.volume),
			billedVolume: new Decimal(l.billed_volume),
			excl: new Decimal(l.cost.excl_vat),
			incl: new Decimal(l.cost.incl_vat),
		})),
		tariff_ids: json.tariff_ids ?? [],
		time_zone: json.time_zone ?? null,
		issues: json.issues ?? [],
		cdr: json.cdr,
		...(json.quality ? { quality: qualityStamp(json.quality) } : {}),
	};
}

function qualityStamp(value: unknown): QualityStamp {
	const v = value as Partial<QualityStamp>;
	if (typeof v !== 'object' || v === null || typeof v.valid !== 'boolean' || !Array.isArray(v.codes) || v.codes.some((c) => typeof c !== 'string')) {
		throw new Error('its "quality" must be {"valid": true|false, "codes": ["CDR_…", …]} as `ev-clearing price` writes it');
	}
	return { valid: v.valid, codes: [...v.codes] };
}

const PRICE_STATUSES: readonly PriceStatus[] = ['match', 'mismatch', 'not_declared', 'unpriceable'];

/**
 * Reads a priced CDR as Price CDR and `ev-clearing price` emit it, or says why the value is not one: the invoice step
 * takes its input from outside (items, NDJSON files) and must reject anything else clearly.
 */
export function readPricedCdrJson(value: unknown): { priced: PricedCdr } | { error: string } {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return { error: 'not a priced CDR: expected the JSON object that Price CDR / `ev-clearing price` emits.' };
	}
	const v = value as Partial<PricedCdrJson>;
	if (typeof v.id !== 'string' || !PRICE_STATUSES.includes(v.status as PriceStatus) || !Array.isArray(v.breakdown) || typeof v.cdr !== 'object' || v.cdr === null) {
		return {
			error:
				'not a priced CDR (fields id, status, breakdown and cdr expected): connect Build Invoice to the Priced output of Price CDR, or give the output of `ev-clearing price`.',
		};
	}
	try {
		return { priced: parsePricedCdrJson(v as PricedCdrJson) };
	} catch (error) {
		return { error: `priced CDR ${v.id} cannot be read: ${(error as Error).message}` };
	}
}
