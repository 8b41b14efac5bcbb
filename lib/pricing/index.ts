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
	QualityStamp,
	RoundingPolicy,
	TotalName,
	Totals,
} from './priced-cdr';
export { ROUNDING_POLICIES, TOTAL_NAMES, parsePricedCdrJson, pricedCdrToJson, readPricedCdrJson } from './priced-cdr';
export type { CompiledTolerance, CrossCheck, Tolerance } from './cross-check';
export { compileTolerance, crossCheck } from './cross-check';
export type { Declared, DeclaredOtherTax } from './declared-totals';
export { declaredTotals, readDeclared } from './declared-totals';
export { applyPriceLimits, sessionVatRate } from './price-limits';
export { totalsOf } from './rounding';
export type { Selection, TariffSource } from './tariff-selection';
export { TARIFF_SOURCES, TariffCatalog } from './tariff-selection';
