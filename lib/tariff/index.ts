/** lib/tariff — the OCPI 2.2.1 tariff engine: normalise a Tariff once, price a CDR's charging periods with it. */
export type { CompiledComponent, CompiledRestrictions, CompiledRule, NormalizedTariff, PriceLimit } from './tariff';
export { TariffDefinitionError, normalizeTariff } from './tariff';
export type { PeriodContext } from './restriction';
export { restrictionsMatch } from './restriction';
export type { Session, SessionPeriod } from './session';
export { SessionError, buildSession } from './session';
export type { BreakdownDimension, BreakdownLine, CostCategory, TariffPricing } from './price-session';
export { priceSession } from './price-session';
export type { LocalTime } from './time-zone';
export { SINGLE_ZONE_COUNTRIES, TimeZoneClock, clockFor, parseOcpiDateTime, zoneOfCountry } from './time-zone';
