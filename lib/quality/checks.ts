/**
 * The catalogue of CDR quality checks: stable codes, default severities, thresholds and their defaults.
 * The README table and the Validate CDR node's options are generated from QUALITY_CHECKS, so it is the one list.
 */

export type Severity = 'error' | 'warning';

export interface QualityThresholds {
	/** Seconds a timestamp may lie ahead of "now" (clock skew between platforms). */
	futureToleranceSeconds: number;
	/** Seconds total_time may differ from end_date_time − start_date_time. */
	durationToleranceSeconds: number;
	/** kWh: 1 Wh, the finest ENERGY step_size OCPI knows, so only a real discrepancy trips it. */
	energyToleranceKwh: number;
	/**
	 * Hours: 3.6 s. Period volumes in hours are rounded by senders (0.3333 h for 20 min); 0.001 h absorbs that
	 * rounding over a few dozen periods while still catching a missing minute.
	 */
	timeToleranceHours: number;
	/** Currency units per compared amount: one cent. Widened by half a cent per extra rounded subtotal. */
	moneyTolerance: number;
	minSessionSeconds: number;
	maxSessionHours: number;
	maxEnergyKwh: number;
	/** Ceilings used when the CDR has no MAX_POWER dimension, per cdr_location.connector_power_type. */
	maxPowerKwAc1Phase: number;
	maxPowerKwAc2Phase: number;
	maxPowerKwAc3Phase: number;
	maxPowerKwDc: number;
	/** Margin on energy ≤ power × charging time, for meter and timestamp granularity. */
	powerMarginPercent: number;
}

export const DEFAULT_THRESHOLDS: Readonly<QualityThresholds> = Object.freeze({
	futureToleranceSeconds: 300,
	durationToleranceSeconds: 60,
	energyToleranceKwh: 0.001,
	timeToleranceHours: 0.001,
	moneyTolerance: 0.01,
	minSessionSeconds: 60,
	maxSessionHours: 48,
	maxEnergyKwh: 500,
	// 80 A × 240 V, the largest single- and split-phase EVSEs in service.
	maxPowerKwAc1Phase: 19.2,
	maxPowerKwAc2Phase: 19.2,
	// 63 A × 3 × 230 V (43 kW AC chargers exist; 22 kW is only the common case).
	maxPowerKwAc3Phase: 43.5,
	maxPowerKwDc: 400,
	powerMarginPercent: 5,
});

export type ThresholdName = keyof QualityThresholds;

export const THRESHOLD_UNITS: Readonly<Record<ThresholdName, string>> = Object.freeze({
	futureToleranceSeconds: 's',
	durationToleranceSeconds: 's',
	energyToleranceKwh: 'kWh',
	timeToleranceHours: 'h',
	moneyTolerance: 'currency unit',
	minSessionSeconds: 's',
	maxSessionHours: 'h',
	maxEnergyKwh: 'kWh',
	maxPowerKwAc1Phase: 'kW',
	maxPowerKwAc2Phase: 'kW',
	maxPowerKwAc3Phase: 'kW',
	maxPowerKwDc: 'kW',
	powerMarginPercent: '%',
});

interface QualityCheckDefinition {
	code: string;
	severity: Severity;
	description: string;
	thresholds?: readonly ThresholdName[];
	/** Structural checks that cannot be switched off: without them the item cannot be read at all. */
	alwaysOn?: boolean;
}

export interface QualityCheck {
	code: QualityCheckCode;
	severity: Severity;
	description: string;
	thresholds?: readonly { name: ThresholdName; default: number; unit: string }[];
	alwaysOn?: boolean;
}

const DEFINITIONS = [
	// Structure
	{ code: 'CDR_NOT_AN_OBJECT', severity: 'error', alwaysOn: true, description: 'The item is not a JSON object.' },
	{ code: 'CDR_ID_MISSING', severity: 'error', alwaysOn: true, description: 'id is missing, empty or not a string.' },
	{
		code: 'CDR_OCPI_VERSION_MISMATCH',
		severity: 'error',
		alwaysOn: true,
		description:
			"A field only the other OCPI version has (2.3.0 before_taxes, taxes, tax_included; 2.2.1 excl_vat, incl_vat) in a run of this version: set the run's OCPI version. No other check runs on it.",
	},
	{
		code: 'CDR_SCHEMA',
		severity: 'error',
		description:
			"A field is missing, of the wrong type, not an allowed enum value or too long (the OCPI 2.2.1 or 2.3.0 schema, the run's version).",
	},
	{
		code: 'CDR_ID_TOO_LONG',
		severity: 'error',
		description: 'id longer than 36 characters (39 for a credit CDR, which may append a suffix).',
	},
	{
		code: 'CDR_COUNTRY_CODE_INVALID',
		severity: 'error',
		description: 'country_code or cdr_token.country_code is not an ISO 3166-1 alpha-2 code (two letters).',
	},
	{
		code: 'CDR_PARTY_ID_INVALID',
		severity: 'error',
		description: 'party_id or cdr_token.party_id is not three letters or digits (ISO 15118).',
	},
	{
		code: 'CDR_LOCATION_COUNTRY_INVALID',
		severity: 'error',
		description: 'cdr_location.country is not an ISO 3166-1 alpha-3 code (e.g. FRA, DEU; not FR).',
	},
	{ code: 'CDR_CURRENCY_INVALID', severity: 'error', description: 'currency is not an active ISO 4217 code.' },
	{
		code: 'CDR_TIMESTAMP_INVALID',
		severity: 'error',
		description: 'A DateTime is not an RFC 3339 timestamp (e.g. 2026-10-01T08:30:00Z).',
	},
	{
		code: 'CDR_DIMENSION_SESSION_ONLY',
		severity: 'warning',
		description:
			'A charging period carries a dimension OCPI reserves for sessions (CURRENT, ENERGY_EXPORT, ENERGY_IMPORT, ' +
			'POWER, STATE_OF_CHARGE); it is ignored for pricing.',
	},
	{
		code: 'CDR_OCPI_211_UNMAPPABLE',
		severity: 'error',
		description: 'An OCPI 2.1.1 CDR lacks what 2.2.1 requires (token type, uid, parties, single EVSE): not guessed.',
	},
	{
		code: 'CDR_OCPI_211_FIELD_DROPPED',
		severity: 'warning',
		description: 'An OCPI 2.1.1 field without a 2.2.1 equivalent (embedded tariffs, FLAT dimensions) was dropped.',
	},
	// Timestamps
	{ code: 'CDR_END_BEFORE_START', severity: 'error', description: 'end_date_time is before start_date_time.' },
	{
		code: 'CDR_TIMESTAMP_IN_FUTURE',
		severity: 'error',
		description: 'start_date_time, end_date_time or last_updated lies in the future.',
		thresholds: ['futureToleranceSeconds'],
	},
	{
		code: 'CDR_TIMESTAMP_NO_UTC_DESIGNATOR',
		severity: 'warning',
		description: 'A DateTime has no zone designator; OCPI reads it as UTC, add "Z" to say so.',
	},
	{
		code: 'CDR_TIMESTAMP_NOT_UTC',
		severity: 'warning',
		description: 'A DateTime has a non-UTC offset; OCPI DateTimes are UTC (the instant is still read correctly).',
	},
	{
		code: 'CDR_LAST_UPDATED_BEFORE_END',
		severity: 'warning',
		description: 'last_updated is before end_date_time: a CDR is created after its session ended.',
	},
	{
		code: 'CDR_PERIODS_NOT_CHRONOLOGICAL',
		severity: 'error',
		description: 'A charging period does not start after the previous one.',
	},
	{
		code: 'CDR_PERIOD_OUTSIDE_SESSION',
		severity: 'error',
		description: 'A charging period starts before start_date_time or at/after end_date_time.',
	},
	{
		code: 'CDR_TOTAL_TIME_MISMATCH',
		severity: 'error',
		description: 'total_time differs from end_date_time − start_date_time.',
		thresholds: ['durationToleranceSeconds'],
	},
	// Sums
	{
		code: 'CDR_ENERGY_SUM_MISMATCH',
		severity: 'error',
		description: 'The ENERGY volumes of the charging periods do not add up to total_energy.',
		thresholds: ['energyToleranceKwh'],
	},
	{
		code: 'CDR_TIME_SUM_MISMATCH',
		severity: 'error',
		description: 'TIME + PARKING_TIME (+ RESERVATION_TIME) of the periods do not add up to total_time.',
		thresholds: ['timeToleranceHours'],
	},
	{
		code: 'CDR_PARKING_EXCEEDS_TOTAL_TIME',
		severity: 'error',
		description: 'total_parking_time is greater than total_time.',
		thresholds: ['timeToleranceHours'],
	},
	{
		code: 'CDR_PARKING_SUM_MISMATCH',
		severity: 'error',
		description: 'The PARKING_TIME volumes of the periods do not add up to total_parking_time.',
		thresholds: ['timeToleranceHours'],
	},
	{
		code: 'CDR_COST_SUM_MISMATCH',
		severity: 'error',
		description:
			'total_energy_cost + total_time_cost + total_parking_cost + total_fixed_cost + total_reservation_cost ' +
			'differ from total_cost (excl. VAT, and incl. VAT when every amount has it).',
		thresholds: ['moneyTolerance'],
	},
	{
		code: 'CDR_INCL_VAT_BELOW_EXCL',
		severity: 'error',
		description:
			'A Price has incl_vat smaller than excl_vat (greater, for negative amounts); in OCPI 2.3.0, a tax amount of the opposite sign to before_taxes.',
	},
	{
		code: 'CDR_TAX_NOT_VAT',
		severity: 'warning',
		description:
			'OCPI 2.3.0: a tax of a Price is not VAT by its name (e.g. QST): it is no VAT category of an invoice (docs/pricing-choices.md).',
	},
	{
		code: 'CDR_TARIFF_INVALID',
		severity: 'error',
		description:
			'A tariff in tariffs[] cannot be priced with: step_size not a whole number ≥ 1, VAT outside 0-50 %, a negative or absurd price, contradictory min/max_price, a vat under tax_included N/A (the pricer\'s TARIFF_* codes).',
	},
	{
		code: 'CDR_NEGATIVE_COST_NOT_CREDIT',
		severity: 'error',
		description: 'total_cost is negative but the CDR is not a credit CDR.',
	},
	{ code: 'CDR_VOLUME_NEGATIVE', severity: 'error', description: 'A time volume or total is negative.' },
	// Plausibility
	{
		code: 'CDR_POWER_IMPLAUSIBLE',
		severity: 'error',
		description:
			'total_energy exceeds what the charger can deliver in the charging time (MAX_POWER dimensions, else the ' +
			'ceiling of the connector power type).',
		thresholds: [
			'maxPowerKwAc1Phase',
			'maxPowerKwAc2Phase',
			'maxPowerKwAc3Phase',
			'maxPowerKwDc',
			'powerMarginPercent',
		],
	},
	{ code: 'CDR_ENERGY_ZERO', severity: 'warning', description: 'total_energy is 0: nothing was charged.' },
	{
		code: 'CDR_ENERGY_NEGATIVE',
		severity: 'error',
		description: 'Negative energy (total or a period): only vehicle-to-grid sessions have it (allowNegativeEnergy).',
	},
	{
		code: 'CDR_ENERGY_TOO_HIGH',
		severity: 'error',
		description: 'total_energy is above the configured maximum.',
		thresholds: ['maxEnergyKwh'],
	},
	{
		code: 'CDR_SESSION_TOO_SHORT',
		severity: 'warning',
		description: 'The session is shorter than the configured minimum.',
		thresholds: ['minSessionSeconds'],
	},
	{
		code: 'CDR_SESSION_TOO_LONG',
		severity: 'error',
		description: 'The session is longer than the configured maximum.',
		thresholds: ['maxSessionHours'],
	},
	// Credit CDRs
	{
		code: 'CDR_CREDIT_REFERENCE_MISSING',
		severity: 'error',
		description: 'credit is true but credit_reference_id (the id of the credited CDR) is missing.',
	},
	{
		code: 'CDR_CREDIT_COST_NOT_NEGATIVE',
		severity: 'error',
		description: 'credit is true but total_cost is positive: a credit CDR negates the original total_cost.',
	},
	{
		code: 'CDR_CREDIT_REFERENCE_WITHOUT_CREDIT',
		severity: 'error',
		description: 'credit_reference_id is set but credit is not true.',
	},
	// Duplicates
	{
		code: 'CDR_DUPLICATE',
		severity: 'error',
		description: 'The same (country_code, party_id, id) was already seen in this run.',
	},
] as const satisfies readonly QualityCheckDefinition[];

export type QualityCheckCode = (typeof DEFINITIONS)[number]['code'];

/** Every check with its default severity and its thresholds' names, defaults and units. */
export const QUALITY_CHECKS: readonly QualityCheck[] = (DEFINITIONS as readonly QualityCheckDefinition[]).map(
	(definition) => ({
		...definition,
		code: definition.code as QualityCheckCode,
		thresholds: definition.thresholds?.map((name) => ({
			name,
			default: DEFAULT_THRESHOLDS[name],
			unit: THRESHOLD_UNITS[name],
		})),
	}),
);

export const QUALITY_CHECK_BY_CODE: ReadonlyMap<string, QualityCheck> = new Map(
	QUALITY_CHECKS.map((check) => [check.code, check]),
);
