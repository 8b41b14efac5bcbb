/**
 * OCPI 2.2.1 data model (modules CDRs and Tariffs, types), named as the specification names them.
 *
 * These are wire types: numbers stay JS numbers as they arrive in JSON. Money is turned into decimal.js values
 * by the code that computes with it (lib/tariff, lib/invoice), never here.
 */

/** RFC 3339 timestamp in UTC, e.g. "2026-03-14T09:30:00Z" (a missing zone designator means UTC). */
export type DateTime = string;

/** OCPI `Price`: an amount excluding VAT and, optionally, including VAT. */
export interface Price {
	excl_vat: number;
	incl_vat?: number;
}

export type AuthMethod = 'AUTH_REQUEST' | 'COMMAND' | 'WHITELIST';
export const AUTH_METHODS: readonly AuthMethod[] = ['AUTH_REQUEST', 'COMMAND', 'WHITELIST'];

export type TokenType = 'AD_HOC_USER' | 'APP_USER' | 'OTHER' | 'RFID';
export const TOKEN_TYPES: readonly TokenType[] = ['AD_HOC_USER', 'APP_USER', 'OTHER', 'RFID'];

export interface CdrToken {
	country_code: string;
	party_id: string;
	uid: string;
	type: TokenType;
	contract_id: string;
}

export interface GeoLocation {
	latitude: string;
	longitude: string;
}

export type ConnectorFormat = 'SOCKET' | 'CABLE';
export const CONNECTOR_FORMATS: readonly ConnectorFormat[] = ['SOCKET', 'CABLE'];

export type PowerType = 'AC_1_PHASE' | 'AC_2_PHASE' | 'AC_2_PHASE_SPLIT' | 'AC_3_PHASE' | 'DC';
export const POWER_TYPES: readonly PowerType[] = ['AC_1_PHASE', 'AC_2_PHASE', 'AC_2_PHASE_SPLIT', 'AC_3_PHASE', 'DC'];

/** OCPI 2.2.1 ConnectorType (mod_locations). */
export const CONNECTOR_TYPES = [
	'CHADEMO',
	'CHAOJI',
	'DOMESTIC_A',
	'DOMESTIC_B',
	'DOMESTIC_C',
	'DOMESTIC_D',
	'DOMESTIC_E',
	'DOMESTIC_F',
	'DOMESTIC_G',
	'DOMESTIC_H',
	'DOMESTIC_I',
	'DOMESTIC_J',
	'DOMESTIC_K',
	'DOMESTIC_L',
	'DOMESTIC_M',
	'DOMESTIC_N',
	'DOMESTIC_O',
	'GBT_AC',
	'GBT_DC',
	'IEC_60309_2_single_16',
	'IEC_60309_2_three_16',
	'IEC_60309_2_three_32',
	'IEC_60309_2_three_64',
	'IEC_62196_T1',
	'IEC_62196_T1_COMBO',
	'IEC_62196_T2',
	'IEC_62196_T2_COMBO',
	'IEC_62196_T3A',
	'IEC_62196_T3C',
	'NEMA_5_20',
	'NEMA_6_30',
	'NEMA_6_50',
	'NEMA_10_30',
	'NEMA_10_50',
	'NEMA_14_30',
	'NEMA_14_50',
	'PANTOGRAPH_BOTTOM_UP',
	'PANTOGRAPH_TOP_DOWN',
	'TESLA_R',
	'TESLA_S',
] as const;
export type ConnectorType = (typeof CONNECTOR_TYPES)[number];

export interface CdrLocation {
	id: string;
	name?: string;
	address: string;
	city: string;
	postal_code?: string;
	state?: string;
	/** ISO 3166-1 alpha-3 (unlike the parties' alpha-2 country_code). */
	country: string;
	coordinates: GeoLocation;
	evse_uid: string;
	evse_id: string;
	connector_id: string;
	connector_standard: ConnectorType;
	connector_format: ConnectorFormat;
	connector_power_type: PowerType;
	/**
	 * Not in OCPI 2.2.1 (CdrLocation has no time zone): an IANA zone some platforms add, and which the peer pricer reads.
	 * Accepted when present; otherwise the zone comes from the run's configuration or the country.
	 */
	time_zone?: string;
}

/** Dimensions that may appear in a CDR's charging periods. */
export type CdrDimensionType =
	| 'CURRENT'
	| 'ENERGY'
	| 'ENERGY_EXPORT'
	| 'ENERGY_IMPORT'
	| 'MAX_CURRENT'
	| 'MIN_CURRENT'
	| 'MAX_POWER'
	| 'MIN_POWER'
	| 'PARKING_TIME'
	| 'POWER'
	| 'RESERVATION_TIME'
	| 'STATE_OF_CHARGE'
	| 'TIME';
export const CDR_DIMENSION_TYPES: readonly CdrDimensionType[] = [
	'CURRENT',
	'ENERGY',
	'ENERGY_EXPORT',
	'ENERGY_IMPORT',
	'MAX_CURRENT',
	'MIN_CURRENT',
	'MAX_POWER',
	'MIN_POWER',
	'PARKING_TIME',
	'POWER',
	'RESERVATION_TIME',
	'STATE_OF_CHARGE',
	'TIME',
];

export interface CdrDimension {
	type: CdrDimensionType;
	/** kWh for ENERGY, hours for TIME / PARKING_TIME / RESERVATION_TIME, A for currents, kW for powers. */
	volume: number;
}

export interface ChargingPeriod {
	start_date_time: DateTime;
	dimensions: CdrDimension[];
	tariff_id?: string;
}

export interface SignedValue {
	nature: string;
	plain_data: string;
	signed_data: string;
}

export interface SignedData {
	encoding_method: string;
	encoding_method_version?: number;
	public_key?: string;
	signed_values: SignedValue[];
	url?: string;
}

export interface Cdr {
	country_code: string;
	party_id: string;
	/** 36 characters for normal CDRs, up to 39 for credit CDRs. */
	id: string;
	start_date_time: DateTime;
	end_date_time: DateTime;
	session_id?: string;
	cdr_token: CdrToken;
	auth_method: AuthMethod;
	authorization_reference?: string;
	cdr_location: CdrLocation;
	meter_id?: string;
	currency: string;
	tariffs?: Tariff[];
	charging_periods: ChargingPeriod[];
	signed_data?: SignedData;
	total_cost: Price;
	total_fixed_cost?: Price;
	/** kWh */
	total_energy: number;
	total_energy_cost?: Price;
	/** hours, charging and not charging */
	total_time: number;
	total_time_cost?: Price;
	/** hours */
	total_parking_time?: number;
	total_parking_cost?: Price;
	total_reservation_cost?: Price;
	remark?: string;
	invoice_reference_id?: string;
	credit?: boolean;
	credit_reference_id?: string;
	home_charging_compensation?: boolean;
	last_updated: DateTime;
}

/* ---------------------------------------------------------------- Tariffs */

export type TariffType = 'AD_HOC_PAYMENT' | 'PROFILE_CHEAP' | 'PROFILE_FAST' | 'PROFILE_GREEN' | 'REGULAR';
export const TARIFF_TYPES: readonly TariffType[] = [
	'AD_HOC_PAYMENT',
	'PROFILE_CHEAP',
	'PROFILE_FAST',
	'PROFILE_GREEN',
	'REGULAR',
];

export type TariffDimensionType = 'ENERGY' | 'FLAT' | 'PARKING_TIME' | 'TIME';
export const TARIFF_DIMENSION_TYPES: readonly TariffDimensionType[] = ['ENERGY', 'FLAT', 'PARKING_TIME', 'TIME'];

export type DayOfWeek = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';
export const DAYS_OF_WEEK: readonly DayOfWeek[] = [
	'MONDAY',
	'TUESDAY',
	'WEDNESDAY',
	'THURSDAY',
	'FRIDAY',
	'SATURDAY',
	'SUNDAY',
];

export type ReservationRestrictionType = 'RESERVATION' | 'RESERVATION_EXPIRES';
export const RESERVATION_RESTRICTION_TYPES: readonly ReservationRestrictionType[] = [
	'RESERVATION',
	'RESERVATION_EXPIRES',
];

export interface DisplayText {
	language: string;
	text: string;
}

export interface PriceComponent {
	type: TariffDimensionType;
	/** Price per unit excluding VAT: per kWh (ENERGY), per hour (TIME, PARKING_TIME), per session (FLAT). */
	price: number;
	/** Percentage; absent means "no VAT applicable", which is not the same as 0. */
	vat?: number;
	/** Wh for ENERGY, seconds for TIME and PARKING_TIME, ignored for FLAT. */
	step_size: number;
}

export interface TariffRestrictions {
	/** "HH:MM", local time of the location. */
	start_time?: string;
	/** "HH:MM"; before start_time means the range wraps past midnight; "00:00" means end of day. */
	end_time?: string;
	/** "YYYY-MM-DD", local, inclusive. */
	start_date?: string;
	/** "YYYY-MM-DD", local, exclusive. */
	end_date?: string;
	min_kwh?: number;
	max_kwh?: number;
	min_current?: number;
	max_current?: number;
	min_power?: number;
	max_power?: number;
	/** Seconds since session start, inclusive. */
	min_duration?: number;
	/** Seconds since session start, exclusive. */
	max_duration?: number;
	day_of_week?: DayOfWeek[];
	reservation?: ReservationRestrictionType;
}

export interface TariffElement {
	price_components: PriceComponent[];
	restrictions?: TariffRestrictions;
}

export interface EnergySource {
	source: string;
	percentage: number;
}

export interface EnvironmentalImpact {
	category: string;
	amount: number;
}

export interface EnergyMix {
	is_green_energy: boolean;
	energy_sources?: EnergySource[];
	environ_impact?: EnvironmentalImpact[];
	supplier_name?: string;
	energy_product_name?: string;
}

export interface Tariff {
	country_code: string;
	party_id: string;
	id: string;
	currency: string;
	type?: TariffType;
	tariff_alt_text?: DisplayText[];
	tariff_alt_url?: string;
	min_price?: Price;
	max_price?: Price;
	elements: TariffElement[];
	start_date_time?: DateTime;
	end_date_time?: DateTime;
	energy_mix?: EnergyMix;
	last_updated: DateTime;
}

/** The OCPI response envelope every OCPI endpoint answers with. */
export interface OcpiResponse<T> {
	data?: T;
	status_code: number;
	status_message?: string;
	timestamp: DateTime;
}

/** The CDR fields of type Price (both versions), total_cost first. */
export const CDR_PRICE_FIELDS = [
	'total_cost',
	'total_energy_cost',
	'total_time_cost',
	'total_parking_cost',
	'total_fixed_cost',
	'total_reservation_cost',
] as const;
export type CdrPriceField = (typeof CDR_PRICE_FIELDS)[number];

/** The key that identifies a CDR across parties: unique per (country_code, party_id, id). */
export function cdrKey(cdr: Pick<Cdr, 'country_code' | 'party_id' | 'id'>): string {
	return `${cdr.country_code}*${cdr.party_id}*${cdr.id}`;
}
