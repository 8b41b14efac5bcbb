/** Identifiers and codes: the CDR id's length, ISO 4217 currency, ISO 3166 location country; schema issue codes. */
import type { StructuralViolation } from '../ocpi/schema';
import type { CheckContext } from './check-context';
import type { QualityCheckCode } from './checks';
import { ISO_3166_ALPHA3 } from './iso-3166';
import { ISO_4217_CURRENCIES } from './iso-4217';
import type { Json } from './json-values';
import { isObject } from './json-values';

/** Maps a schema violation to the most specific issue code for it. */
export function schemaCode(violation: StructuralViolation): QualityCheckCode {
	const { path, keyword } = violation;
	if (keyword === 'pattern' || keyword === 'maxLength') {
		if (path === '$.country_code' || path === '$.cdr_token.country_code') return 'CDR_COUNTRY_CODE_INVALID';
		if (path === '$.party_id' || path === '$.cdr_token.party_id') return 'CDR_PARTY_ID_INVALID';
		if (path === '$.cdr_location.country') return 'CDR_LOCATION_COUNTRY_INVALID';
		if (path === '$.currency') return 'CDR_CURRENCY_INVALID';
		if (path === '$.id') return 'CDR_ID_TOO_LONG';
		if (keyword === 'pattern' && /(date_time|last_updated)$/.test(path)) return 'CDR_TIMESTAMP_INVALID';
	}
	return 'CDR_SCHEMA';
}

/** What the schema's patterns cannot say: the 36 characters of a non-credit id, and codes that must exist. */
export function checkIdentifiers(cdr: Json, id: string | null, { report }: CheckContext): void {
	if (id !== null && id.length > 36 && id.length <= 39 && cdr.credit !== true) {
		report(
			'CDR_ID_TOO_LONG',
			'$.id',
			`id "${id}" has ${id.length} characters: a CDR id has at most 36 (39 only for a credit CDR).`,
		);
	}
	const currency = cdr.currency;
	if (typeof currency === 'string' && /^[A-Z]{3}$/.test(currency) && !ISO_4217_CURRENCIES.has(currency)) {
		report('CDR_CURRENCY_INVALID', '$.currency', `currency "${currency}" is not an active ISO 4217 code (e.g. EUR).`);
	}
	const location = cdr.cdr_location;
	if (isObject(location) && typeof location.country === 'string' && /^[A-Z]{3}$/.test(location.country)) {
		if (!ISO_3166_ALPHA3.has(location.country)) {
			report(
				'CDR_LOCATION_COUNTRY_INVALID',
				'$.cdr_location.country',
				`cdr_location.country "${location.country}" is not an ISO 3166-1 alpha-3 code (e.g. FRA, DEU).`,
			);
		}
	}
}
