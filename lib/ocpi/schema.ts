/**
 * Structural validation of OCPI 2.2.1 and 2.3.0 CDRs and Tariffs: a JSON Schema per object and version, compiled once
 * by ajv.
 *
 * The schema checks what the spec's object tables say (types, cardinality, enums, string lengths, formats) and
 * nothing about meaning: sums, time order and plausibility are lib/quality's job. Unknown properties are allowed,
 * since OCPI parties add their own (e.g. `cdr_location.time_zone`; 2.3.0 says a platform SHALL NOT reject them).
 * 2.3.0 differs in Price (before_taxes + taxes[]), PriceLimit, Tariff.tax_included and preauthorize_amount, and in
 * TokenType and ConnectorType, which became OpenEnums (any string; EMAID, MCS and SAE_J3400 among the known values).
 */
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';

import {
	AUTH_METHODS,
	CDR_DIMENSION_TYPES,
	CONNECTOR_FORMATS,
	CONNECTOR_TYPES,
	DAYS_OF_WEEK,
	POWER_TYPES,
	RESERVATION_RESTRICTION_TYPES,
	TARIFF_DIMENSION_TYPES,
	TARIFF_TYPES,
	TOKEN_TYPES,
} from './types';
import { TAX_INCLUDED_VALUES } from './types-v230';
import type { CdrVersion } from './version';
import { DEFAULT_CDR_VERSION } from './version';

export interface StructuralViolation {
	/** JSON path of the offending value, e.g. `$.charging_periods[0].dimensions[1].type`. */
	path: string;
	/** The JSON Schema keyword that failed: type, required, enum, maxLength, pattern, minItems, ... */
	keyword: string;
	message: string;
}

/** RFC 3339 date-time; OCPI wants UTC, a missing designator means UTC (lib/quality warns about both). */
export const DATE_TIME_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|z|[+-]\\d{2}:\\d{2})?$';

type JsonSchema = Record<string, unknown>;

const str = (maxLength?: number): JsonSchema =>
	maxLength === undefined ? { type: 'string' } : { type: 'string', maxLength };
const num: JsonSchema = { type: 'number' };
const int: JsonSchema = { type: 'integer' };
const bool: JsonSchema = { type: 'boolean' };
const dateTime: JsonSchema = { type: 'string', pattern: DATE_TIME_PATTERN };
const oneOf = (values: readonly string[]): JsonSchema => ({ type: 'string', enum: [...values] });
const arrayOf = (items: JsonSchema, minItems = 0): JsonSchema =>
	minItems > 0 ? { type: 'array', items, minItems } : { type: 'array', items };
const object = (properties: Record<string, JsonSchema>, required: string[]): JsonSchema => ({
	type: 'object',
	properties,
	required,
});

/** ISO-3166 alpha-2 of a party (CiString(2): case-insensitive, letters only). */
const countryCode: JsonSchema = { type: 'string', pattern: '^[A-Za-z]{2}$' };
/** ISO-15118 party id: 3 alphanumeric characters. */
const partyId: JsonSchema = { type: 'string', pattern: '^[A-Za-z0-9]{3}$' };
/** ISO 4217 alphabetic code; whether the code exists is lib/quality's list check. */
const currency: JsonSchema = { type: 'string', pattern: '^[A-Z]{3}$' };

const displayText = object({ language: str(2), text: str(512) }, ['language', 'text']);

const priceComponent = object(
	{ type: oneOf(TARIFF_DIMENSION_TYPES), price: num, vat: num, step_size: { type: 'integer', minimum: 0 } },
	['type', 'price', 'step_size'],
);

const hourMinute: JsonSchema = { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' };
const localDate: JsonSchema = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' };

const tariffRestrictions = object(
	{
		start_time: hourMinute,
		end_time: hourMinute,
		start_date: localDate,
		end_date: localDate,
		min_kwh: num,
		max_kwh: num,
		min_current: num,
		max_current: num,
		min_power: num,
		max_power: num,
		min_duration: int,
		max_duration: int,
		day_of_week: arrayOf(oneOf(DAYS_OF_WEEK)),
		reservation: oneOf(RESERVATION_RESTRICTION_TYPES),
	},
	[],
);

const tariffElement = object(
	{ price_components: arrayOf(priceComponent, 1), restrictions: tariffRestrictions },
	['price_components'],
);

const energyMix = object(
	{
		is_green_energy: bool,
		energy_sources: arrayOf(object({ source: str(), percentage: num }, ['source', 'percentage'])),
		environ_impact: arrayOf(object({ category: str(), amount: num }, ['category', 'amount'])),
		supplier_name: str(64),
		energy_product_name: str(64),
	},
	['is_green_energy'],
);

/** OCPI 2.2.1 Price (also its min_price / max_price). */
const price221 = object({ excl_vat: num, incl_vat: num }, ['excl_vat']);
/** OCPI 2.3.0 Price, with its TaxAmount list. */
const price230 = object(
	{
		before_taxes: num,
		taxes: arrayOf(object({ name: str(), account_number: str(), percentage: num, amount: num }, ['name', 'amount'])),
	},
	['before_taxes'],
);
/** OCPI 2.3.0 PriceLimit (min_price / max_price of a tariff). */
const priceLimit = object({ before_taxes: num, after_taxes: num }, ['before_taxes']);

function tariffSchema(version: CdrVersion): JsonSchema {
	const limit = version === '2.2.1' ? price221 : priceLimit;
	const v230 = version === '2.3.0';
	return object(
		{
			country_code: countryCode,
			party_id: partyId,
			id: str(36),
			currency,
			type: oneOf(TARIFF_TYPES),
			tariff_alt_text: arrayOf(displayText),
			tariff_alt_url: str(),
			min_price: limit,
			max_price: limit,
			elements: arrayOf(tariffElement, 1),
			start_date_time: dateTime,
			end_date_time: dateTime,
			energy_mix: energyMix,
			last_updated: dateTime,
			...(v230 ? { preauthorize_amount: num, tax_included: oneOf(TAX_INCLUDED_VALUES) } : {}),
		},
		['country_code', 'party_id', 'id', 'currency', 'elements', 'last_updated', ...(v230 ? ['tax_included'] : [])],
	);
}

/** 2.3.0 made TokenType and ConnectorType OpenEnums: known values plus any a party names. */
const openEnum = (version: CdrVersion, values: readonly string[]): JsonSchema => (version === '2.2.1' ? oneOf(values) : str());

const cdrToken = (version: CdrVersion): JsonSchema =>
	object(
		{ country_code: countryCode, party_id: partyId, uid: str(36), type: openEnum(version, TOKEN_TYPES), contract_id: str(36) },
		['country_code', 'party_id', 'uid', 'type', 'contract_id'],
	);

const geoLocation = object(
	{
		latitude: { type: 'string', pattern: '^-?[0-9]{1,2}\\.[0-9]{5,7}$' },
		longitude: { type: 'string', pattern: '^-?[0-9]{1,3}\\.[0-9]{5,7}$' },
	},
	['latitude', 'longitude'],
);

const cdrLocation = (version: CdrVersion): JsonSchema =>
	object(
		{
			id: str(36),
			name: str(255),
			address: str(45),
			city: str(45),
			postal_code: str(10),
			state: str(20),
			country: { type: 'string', pattern: '^[A-Z]{3}$' },
			coordinates: geoLocation,
			evse_uid: str(36),
			evse_id: str(48),
			connector_id: str(36),
			connector_standard: openEnum(version, CONNECTOR_TYPES),
			connector_format: oneOf(CONNECTOR_FORMATS),
			connector_power_type: oneOf(POWER_TYPES),
			time_zone: str(),
		},
		[
			'id',
			'address',
			'city',
			'country',
			'coordinates',
			'evse_uid',
			'evse_id',
			'connector_id',
			'connector_standard',
			'connector_format',
			'connector_power_type',
		],
	);

const cdrDimension = object({ type: oneOf(CDR_DIMENSION_TYPES), volume: num }, ['type', 'volume']);

const chargingPeriod = object(
	{ start_date_time: dateTime, dimensions: arrayOf(cdrDimension, 1), tariff_id: str(36) },
	['start_date_time', 'dimensions'],
);

const signedData = object(
	{
		encoding_method: str(36),
		encoding_method_version: int,
		public_key: str(512),
		signed_values: arrayOf(
			object({ nature: str(32), plain_data: str(5000), signed_data: str(5000) }, [
				'nature',
				'plain_data',
				'signed_data',
			]),
			1,
		),
		url: str(512),
	},
	['encoding_method', 'signed_values'],
);

function cdrSchema(version: CdrVersion): JsonSchema {
	const price = version === '2.2.1' ? price221 : price230;
	return object(
		{
			country_code: countryCode,
			party_id: partyId,
			// 39 for every CDR here; the 36 of non-credit CDRs is a quality check (CDR_ID_TOO_LONG) that knows `credit`.
			id: str(39),
			start_date_time: dateTime,
			end_date_time: dateTime,
			session_id: str(36),
			cdr_token: cdrToken(version),
			auth_method: oneOf(AUTH_METHODS),
			authorization_reference: str(36),
			cdr_location: cdrLocation(version),
			meter_id: str(255),
			currency,
			tariffs: arrayOf(tariffSchema(version)),
			charging_periods: arrayOf(chargingPeriod, 1),
			signed_data: signedData,
			total_cost: price,
			total_fixed_cost: price,
			total_energy: num,
			total_energy_cost: price,
			total_time: num,
			total_time_cost: price,
			total_parking_time: num,
			total_parking_cost: price,
			total_reservation_cost: price,
			remark: str(255),
			invoice_reference_id: str(39),
			credit: bool,
			credit_reference_id: str(39),
			home_charging_compensation: bool,
			last_updated: dateTime,
		},
		[
			'country_code',
			'party_id',
			'id',
			'start_date_time',
			'end_date_time',
			'cdr_token',
			'auth_method',
			'cdr_location',
			'currency',
			'charging_periods',
			'total_cost',
			'total_energy',
			'total_time',
			'last_updated',
		],
	);
}

/** The JSON Schemas of OCPI 2.2.1 (the default) and 2.3.0. */
export const CDR_SCHEMA: JsonSchema = cdrSchema('2.2.1');
export const TARIFF_SCHEMA: JsonSchema = tariffSchema('2.2.1');
export const CDR_SCHEMA_V230: JsonSchema = cdrSchema('2.3.0');
export const TARIFF_SCHEMA_V230: JsonSchema = tariffSchema('2.3.0');

const compiled = new Map<CdrVersion, { cdr: ValidateFunction; tariff: ValidateFunction }>();

/** Compiled on first use, once per process and version: compiling costs milliseconds, validating microseconds. */
function validators(version: CdrVersion): { cdr: ValidateFunction; tariff: ValidateFunction } {
	let pair = compiled.get(version);
	if (!pair) {
		const ajv = new Ajv({ allErrors: true, strict: true, messages: true });
		pair =
			version === '2.2.1'
				? { cdr: ajv.compile(CDR_SCHEMA), tariff: ajv.compile(TARIFF_SCHEMA) }
				: { cdr: ajv.compile(CDR_SCHEMA_V230), tariff: ajv.compile(TARIFF_SCHEMA_V230) };
		compiled.set(version, pair);
	}
	return pair;
}

/** `/charging_periods/0/dimensions/1/type` → `$.charging_periods[0].dimensions[1].type` */
export function jsonPointerToPath(pointer: string): string {
	if (pointer === '') return '$';
	let path = '$';
	for (const raw of pointer.slice(1).split('/')) {
		const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
		if (/^\d+$/.test(segment)) path += `[${segment}]`;
		else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) path += `.${segment}`;
		else path += `[${JSON.stringify(segment)}]`;
	}
	return path;
}

function toViolation(error: ErrorObject): StructuralViolation {
	const at = jsonPointerToPath(error.instancePath);
	const params = error.params as Record<string, unknown>;
	switch (error.keyword) {
		case 'required': {
			const field = String(params.missingProperty);
			const path = at === '$' ? `$.${field}` : `${at}.${field}`;
			return { path, keyword: 'required', message: `${path} is required but missing.` };
		}
		case 'enum':
			return {
				path: at,
				keyword: 'enum',
				message: `${at} must be one of ${(params.allowedValues as unknown[]).join(', ')}.`,
			};
		case 'maxLength':
			return { path: at, keyword: 'maxLength', message: `${at} is longer than ${String(params.limit)} characters.` };
		case 'pattern':
			return {
				path: at,
				keyword: 'pattern',
				message: `${at} does not have the expected format (${String(params.pattern)}).`,
			};
		case 'type':
			return { path: at, keyword: 'type', message: `${at} must be of type ${String(params.type)}.` };
		default:
			return { path: at, keyword: error.keyword, message: `${at} ${error.message ?? 'is invalid'}.` };
	}
}

function violations(validate: ValidateFunction, value: unknown): StructuralViolation[] {
	if (validate(value)) return [];
	return (validate.errors ?? []).map(toViolation);
}

/** Every structural violation of a CDR in the given OCPI version (empty when the CDR is well-formed). */
export function validateCdrStructure(value: unknown, version: CdrVersion = DEFAULT_CDR_VERSION): StructuralViolation[] {
	return violations(validators(version).cdr, value);
}

/** Every structural violation of a Tariff in the given OCPI version (empty when the tariff is well-formed). */
export function validateTariffStructure(value: unknown, version: CdrVersion = DEFAULT_CDR_VERSION): StructuralViolation[] {
	return violations(validators(version).tariff, value);
}
