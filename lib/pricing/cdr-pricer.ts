/**
 * Price CDR: select the tariff, price the charging periods with lib/tariff, total them under the rounding policy and
 * cross-check against the CDR's declared price. `createPricer` compiles the run's options once; `price` is the hot path.
 */
import { ZERO } from '../money';
import type { AnyCdr, AnyTariff } from '../ocpi/types-v230';
import type { CdrVersion } from '../ocpi/version';
import { CDR_VERSIONS, DEFAULT_CDR_VERSION, cdrVersionConflict, isCdrVersion } from '../ocpi/version';
import { priceSession } from '../tariff/price-session';
import type { BreakdownLine } from '../tariff/price-session';
import { SessionError, buildSession } from '../tariff/session';
import type { TimeZoneClock } from '../tariff/time-zone';
import { clockFor, parseOcpiDateTime, zoneOfCountry } from '../tariff/time-zone';
import type { Tolerance } from './cross-check';
import { compileTolerance, crossCheck } from './cross-check';
import type { DeclaredOtherTax } from './declared-totals';
import { readDeclared } from './declared-totals';
import type { PricedCdr, PricedCdrFacts, PricingIssue, RoundingPolicy, Totals } from './priced-cdr';
import { ROUNDING_POLICIES } from './priced-cdr';
import { applyPriceLimits } from './price-limits';
import { totalsOf } from './rounding';
import type { TariffSource } from './tariff-selection';
import { TARIFF_SOURCES, TariffCatalog } from './tariff-selection';

export interface PricerOptions {
	/**
	 * The OCPI version of the run's CDRs and tariffs: '2.2.1' (default) or '2.3.0'. Never guessed: a CDR or tariff
	 * shaped as the other version is refused with OCPI_VERSION_MISMATCH / TARIFF_VERSION_MISMATCH naming the field.
	 */
	ocpiVersion?: CdrVersion;
	/** The run's tariff set (roaming agreement): matched by charging_periods[].tariff_id and the CDR's party. */
	tariffs?: readonly AnyTariff[];
	/** Per eMSP, keyed "country_code*party_id" of cdr_token (e.g. "NL*ABC"). */
	tariffsByEmsp?: Readonly<Record<string, AnyTariff | readonly AnyTariff[]>>;
	/** Default ['cdr', 'run', 'emsp_override']. */
	sourceOrder?: readonly TariffSource[];
	/** IANA zone for every CDR of the run (below a per-location zone and cdr_location.time_zone). */
	timeZone?: string;
	/** IANA zone per cdr_location.id: for countries with several zones. */
	timeZonesByLocation?: Readonly<Record<string, string>>;
	tolerance?: Tolerance;
	/** Default 'full_precision' (docs/pricing-choices.md). */
	rounding?: RoundingPolicy;
}

export interface Pricer {
	price(cdr: AnyCdr): PricedCdr;
}

/** The options cannot make a pricer: names the option and what to give instead. */
export class PricerOptionsError extends Error {
	constructor(
		message: string,
		readonly option: string,
	) {
		super(message);
		this.name = 'PricerOptionsError';
	}
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function factsOf(cdr: AnyCdr): PricedCdrFacts {
	return {
		emsp_country_code: str(cdr.cdr_token?.country_code),
		emsp_party_id: str(cdr.cdr_token?.party_id),
		contract_id: str(cdr.cdr_token?.contract_id),
		location_id: str(cdr.cdr_location?.id),
		evse_id: str(cdr.cdr_location?.evse_id),
		country: str(cdr.cdr_location?.country),
		site: cdr.cdr_location
			? {
					name: str(cdr.cdr_location.name),
					address: str(cdr.cdr_location.address),
					city: str(cdr.cdr_location.city),
					postal_code: str(cdr.cdr_location.postal_code),
				}
			: null,
		start_date_time: str(cdr.start_date_time),
		end_date_time: str(cdr.end_date_time),
		total_energy: num(cdr.total_energy),
		total_time: num(cdr.total_time),
		total_parking_time: num(cdr.total_parking_time),
		session_id: str(cdr.session_id),
		credit: cdr.credit === true,
		credit_reference_id: str(cdr.credit_reference_id),
		invoice_reference_id: str(cdr.invoice_reference_id),
	};
}

function negate(lines: BreakdownLine[]): void {
	// Zero stays zero: decimal.js keeps a signed zero, which would print as "-0.00".
	for (const l of lines) {
		if (!l.excl.isZero()) l.excl = l.excl.negated();
		if (!l.incl.isZero()) l.incl = l.incl.negated();
	}
}

export function createPricer(options: PricerOptions = {}): Pricer {
	const version = options.ocpiVersion ?? DEFAULT_CDR_VERSION;
	if (!isCdrVersion(version)) {
		throw new PricerOptionsError(`ocpiVersion must be one of ${CDR_VERSIONS.join(', ')}`, 'ocpiVersion');
	}
	const rounding = options.rounding ?? 'full_precision';
	if (!ROUNDING_POLICIES.includes(rounding)) {
		throw new PricerOptionsError(`rounding must be one of ${ROUNDING_POLICIES.join(', ')}`, 'rounding');
	}
	const order = options.sourceOrder ?? TARIFF_SOURCES;
	for (const s of order) {
		if (!TARIFF_SOURCES.includes(s)) {
			throw new PricerOptionsError(`unknown tariff source "${s}": use ${TARIFF_SOURCES.join(', ')}`, 'sourceOrder');
		}
	}
	for (const [option, zone] of [
		['timeZone', options.timeZone],
		...Object.entries(options.timeZonesByLocation ?? {}).map(([id, z]) => [`timeZonesByLocation.${id}`, z]),
	] as Array<[string, string | undefined]>) {
		if (zone !== undefined && clockFor(zone) === null) {
			throw new PricerOptionsError(`"${zone}" is not an IANA time zone (e.g. Europe/Paris)`, option);
		}
	}
	const catalog = new TariffCatalog(options.tariffs, options.tariffsByEmsp, order, version);
	const tolerance = compileTolerance(options.tolerance);
	const byLocation = options.timeZonesByLocation ?? {};

	function zoneOf(cdr: AnyCdr): { zone: string | null; from: string } {
		const location = cdr.cdr_location;
		const configured = location?.id !== undefined ? byLocation[location.id] : undefined;
		if (configured) return { zone: configured, from: 'timeZonesByLocation' };
		if (typeof location?.time_zone === 'string' && location.time_zone) {
			return { zone: location.time_zone, from: 'cdr_location.time_zone' };
		}
		if (options.timeZone) return { zone: options.timeZone, from: 'timeZone' };
		const inferred = zoneOfCountry(location?.country);
		return { zone: inferred ?? null, from: 'cdr_location.country' };
	}

	function price(cdr: AnyCdr): PricedCdr {
		const credit = cdr.credit === true;
		let declared = readDeclared(cdr, version);
		const result: PricedCdr = {
			id: typeof cdr.id === 'string' ? cdr.id : '',
			country_code: str(cdr.country_code),
			party_id: str(cdr.party_id),
			currency: str(cdr.currency),
			status: 'unpriceable',
			ocpi_version: version,
			rounding,
			computed: null,
			declared: declared.totals,
			deviation: {},
			billed: null,
			breakdown: [],
			tariff_ids: [],
			time_zone: null,
			issues: [],
			cdr: factsOf(cdr),
		};
		const unpriceable = (issue: PricingIssue): PricedCdr => {
			result.issues.push(issue);
			return result;
		};

		const conflict = cdrVersionConflict(cdr, version);
		if (conflict) {
			return unpriceable({
				code: 'OCPI_VERSION_MISMATCH',
				severity: 'error',
				message: conflict.message,
				path: conflict.path.replace(/^\$\./, ''),
			});
		}
		const startMs = parseOcpiDateTime(String(cdr.start_date_time));
		if (Number.isNaN(startMs)) {
			return unpriceable({
				code: 'INVALID_CDR',
				severity: 'error',
				message: 'start_date_time is missing or not an RFC 3339 date-time',
				path: 'start_date_time',
			});
		}
		const selection = catalog.select(cdr, startMs);
		result.issues.push(...selection.issues);
		if (selection.kind === 'none') return result;
		const tariff = selection.tariff;
		result.tariff_ids = [tariff.id];
		if (tariff.taxIncluded === 'YES') {
			declared = readDeclared(cdr, version, tariff.taxIncluded);
			result.declared = declared.totals;
		}
		result.issues.push(...otherTaxIssues(declared.otherTaxes, tariff.taxIncluded === 'YES'));

		if (!cdr.currency || String(tariff.currency).toUpperCase() !== String(cdr.currency).toUpperCase()) {
			return unpriceable({
				code: 'CURRENCY_MISMATCH',
				severity: 'error',
				message: `the CDR is in ${cdr.currency ?? '(no currency)'} but tariff ${tariff.id} is in ${tariff.currency}: supply the tariff in the CDR's currency`,
				path: 'currency',
			});
		}

		let clock: TimeZoneClock | null = null;
		if (tariff.needsLocalTime) {
			const { zone, from } = zoneOf(cdr);
			if (zone === null) {
				return unpriceable({
					code: 'TIME_ZONE_UNKNOWN',
					severity: 'error',
					message: `tariff ${tariff.id} has time or day restrictions and the time zone of country "${cdr.cdr_location?.country}" cannot be inferred (several zones or unknown): give a time zone for the run or for location ${cdr.cdr_location?.id}`,
					path: 'cdr_location.country',
				});
			}
			clock = clockFor(zone);
			if (clock === null) {
				return unpriceable({
					code: 'TIME_ZONE_INVALID',
					severity: 'error',
					message: `"${zone}" (from ${from}) is not an IANA time zone: correct it (e.g. Europe/Paris)`,
					path: from,
				});
			}
			result.time_zone = zone;
		}

		let lines: BreakdownLine[];
		try {
			const session = buildSession(cdr, clock);
			const pricing = priceSession(tariff, session);
			lines = pricing.lines;
			result.billed = {
				energy_kwh: pricing.billed.energy,
				time_h: pricing.billed.time,
				parking_h: pricing.billed.parking,
				reservation_h: pricing.billed.reservation,
			};
			result.issues.push(...taxIncludedIssues(tariff, lines), ...applyPriceLimits(tariff, lines, rounding));
		} catch (error) {
			if (error instanceof SessionError) {
				return unpriceable({ code: 'INVALID_CDR', severity: 'error', message: error.message, path: error.field });
			}
			throw error;
		}
		// A credit CDR copies the original's data: its price is the original's, negated (docs/pricing-choices.md).
		if (credit) negate(lines);
		const computed: Totals = totalsOf(lines, rounding);
		result.computed = computed;
		result.breakdown = lines;
		const check = crossCheck(computed, result.declared, tolerance, credit);
		result.status = check.status;
		result.deviation = check.deviation;
		return result;
	}

	return { price };
}

/**
 * One warning per distinct tax that is not VAT (a 2.3.0 TaxAmount named e.g. "QST"), at its first occurrence: it is no
 * VAT category of the invoice (docs/pricing-choices.md, "OCPI 2.3.0: taxes").
 */
function otherTaxIssues(taxes: readonly DeclaredOtherTax[], inPrices: boolean): PricingIssue[] {
	const seen = new Set<string>();
	const issues: PricingIssue[] = [];
	for (const tax of taxes) {
		if (seen.has(tax.name)) continue;
		seen.add(tax.name);
		issues.push({
			code: 'TAX_NOT_VAT',
			severity: 'warning',
			message:
				`${tax.total}.taxes[${tax.index}] "${tax.name}" (${tax.amount}) is not VAT: ` +
				(inPrices
					? "the tariff's prices include it (tax_included YES), so it is part of the amount before VAT"
					: 'the tariff does not price it and an invoice does not state it as VAT; settle it with the partner'),
			path: `${tax.total}.taxes[${tax.index}]`,
		});
	}
	return issues;
}

/** Under tax_included YES, a component without vat is billed whole: the taxes its price includes are not VAT. */
function taxIncludedIssues(tariff: { taxIncluded: string | null; id: string }, lines: readonly BreakdownLine[]): PricingIssue[] {
	if (tariff.taxIncluded !== 'YES') return [];
	const seen = new Set<string>();
	const issues: PricingIssue[] = [];
	for (const l of lines) {
		if (l.vat !== null || l.elementIndex === null || l.componentIndex === null) continue;
		const path = `elements[${l.elementIndex}].price_components[${l.componentIndex}]`;
		if (seen.has(path)) continue;
		seen.add(path);
		issues.push({
			code: 'TAX_INCLUDED_NOT_VAT',
			severity: 'warning',
			message:
				`tariff ${tariff.id} includes taxes in its prices (tax_included YES) but ${path} states no vat: its price is ` +
				'billed whole as an amount without VAT (the taxes it includes are not VAT)',
			path: `tariff ${tariff.id}: ${path}.vat`,
		});
	}
	return issues;
}

/** Zero totals, for callers that need a neutral value (e.g. an unpriceable CDR summed into a report). */
export function zeroTotals(): Totals {
	const zero = { excl_vat: ZERO, incl_vat: ZERO };
	return {
		total_cost: zero,
		total_energy_cost: zero,
		total_time_cost: zero,
		total_parking_cost: zero,
		total_fixed_cost: zero,
		total_reservation_cost: zero,
	};
}
