/** lib/pricing — Price CDR: tariff selection, totals under a rounding policy, and the cross-check with the CDR. */
export type { Pricer, PricerOptions } from './cdr-pricer';
export { PricerOptionsError, createPricer, zeroTotals } from './cdr-pricer';
export type {
	Amount,
	BilledVolumes,
	BreakdownLineJson,
	DeclaredAmount,
	DeclaredTotals,
	Deviations,
	IssueSeverity,
	PriceStatus,
	PricedCdr,
	PricedCdrFacts,
	PricedCdrJson,
	PricingIssue,
	RoundingPolicy,
	TotalName,
	Totals,
} from './priced-cdr';
export { ROUNDING_POLICIES, TOTAL_NAMES, parsePricedCdrJson, pricedCdrToJson, readPricedCdrJson } from './priced-cdr';
export type { CompiledTolerance, CrossCheck, Tolerance } from './cross-check';
export { compileTolerance, crossCheck, declaredTotals } from './cross-check';
export { totalsOf } from './rounding';
export type { Selection, TariffSource } from './tariff-selection';
export { TARIFF_SOURCES, TariffCatalog } from './tariff-selection';
