/** CDR quality checks: the catalogue and the validator. */
export * from './checks';
export * from './cdr-validator';
export { ISO_3166_ALPHA3 } from './iso-3166';
export { ISO_4217_CURRENCIES } from './iso-4217';
