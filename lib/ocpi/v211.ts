/**
 * OCPI 2.1.1 CDRs, upgraded to the 2.2.1 shape where the mapping is mechanical, rejected where it would need a guess.
 *
 * | OCPI 2.1.1                          | OCPI 2.2.1                       | how                                |
 * | ----------------------------------- | -------------------------------- | ---------------------------------- |
 * | (none: the connection's CPO)        | country_code, party_id           | options.countryCode / partyId      |
 * | id, start_date_time, currency,      | same                             | copied                             |
 * |   meter_id, remark, last_updated,   |                                  |                                    |
 * |   total_energy, total_time,         |                                  |                                    |
 * |   total_parking_time, auth_method   |                                  |                                    |
 * | stop_date_time                      | end_date_time                    | renamed                            |
 * | auth_id (Token.auth_id, the eMA-ID) | cdr_token.contract_id            | copied (2.2 renamed auth_id)       |
 * | (none)                              | cdr_token.uid                    | auth_id if tokenUidFromAuthId      |
 * | (none)                              | cdr_token.type                   | options.tokenType                  |
 * | (none)                              | cdr_token.country_code, party_id | options.tokenCountryCode, -PartyId |
 * | location.id, name, address, city,   | cdr_location.(same)              | copied                             |
 * |   postal_code, country, coordinates |                                  |                                    |
 * | location.time_zone                  | cdr_location.time_zone (non-std) | copied when present                |
 * | location.evses[0].uid, evse_id      | cdr_location.evse_uid, evse_id   | only with exactly one EVSE         |
 * | evses[0].connectors[0].id,          | cdr_location.connector_id,       | only with exactly one connector    |
 * |   standard, format, power_type      |   connector_standard, _format,   |                                    |
 * |                                     |   connector_power_type           |                                    |
 * | connectors[0].tariff_id             | charging_periods[].tariff_id     | on every period (2.1.1: one        |
 * |                                     |                                  |   tariff per connector)            |
 * | charging_periods[].dimensions       | same                             | FLAT dropped, with a warning       |
 * |                                     |                                  |   (no FLAT CDR dimension in 2.2.1) |
 * | total_cost (number, excl. VAT)      | total_cost.excl_vat              | wrapped; incl_vat unknown          |
 * | tariffs[] (no owner, no VAT)        | tariffs                          | dropped, with a warning: absent    |
 * |                                     |                                  |   VAT means "no VAT" in 2.2.1      |
 *
 * Anything required by 2.2.1 and neither in the CDR nor in the options gives `CDR_OCPI_211_UNMAPPABLE`, naming the
 * field: the CDR is then rejected rather than completed with an invented value.
 */
import type { Cdr, CdrDimension, CdrLocation, ChargingPeriod, Price, TokenType } from './types';
import { TOKEN_TYPES } from './types';

export type { OcpiVersion } from './version';

export interface Ocpi211UpgradeOptions {
	/** The CPO's ISO-3166 alpha-2 country code (a 2.1.1 CDR does not carry it; the OCPI connection does). */
	countryCode?: string;
	/** The CPO's party id. */
	partyId?: string;
	/** The eMSP's country code, for cdr_token.country_code. */
	tokenCountryCode?: string;
	/** The eMSP's party id, for cdr_token.party_id. */
	tokenPartyId?: string;
	/** cdr_token.type for every upgraded CDR (e.g. 'RFID' when the connection only carries RFID cards). */
	tokenType?: TokenType;
	/** Use auth_id as cdr_token.uid too. Only right when the eMSP's token uid equals its auth_id. */
	tokenUidFromAuthId?: boolean;
}

export interface Ocpi211Issue {
	code: 'CDR_OCPI_211_UNMAPPABLE' | 'CDR_OCPI_211_FIELD_DROPPED';
	severity: 'error' | 'warning';
	path: string;
	message: string;
}

export interface Ocpi211Upgrade {
	/** The 2.2.1 CDR, or null when a required field could not be mapped (see issues). */
	cdr: Cdr | null;
	issues: Ocpi211Issue[];
}

/**
 * Tells an OCPI 2.1.1 CDR from a later one by the fields only one of them has: 2.2.1 (and 2.3.0, which shares them)
 * has cdr_token, cdr_location and end_date_time; 2.1.1 has auth_id, location and stop_date_time. Null when neither set
 * is present. Between 2.2.1 and 2.3.0 the run's version decides (version.ts), never the shape.
 */
export function detectOcpiVersion(value: unknown): '2.1.1' | '2.2.1' | null {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
	const cdr = value as Record<string, unknown>;
	if ('cdr_token' in cdr || 'cdr_location' in cdr || 'end_date_time' in cdr) return '2.2.1';
	if ('stop_date_time' in cdr || 'auth_id' in cdr || 'location' in cdr) return '2.1.1';
	return null;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** Upgrades an OCPI 2.1.1 CDR to 2.2.1; see the mapping table at the top of this file. Never throws. */
export function upgradeCdr211(value: unknown, options: Ocpi211UpgradeOptions = {}): Ocpi211Upgrade {
	const issues: Ocpi211Issue[] = [];
	const unmappable = (path: string, why: string): undefined => {
		issues.push({
			code: 'CDR_OCPI_211_UNMAPPABLE',
			severity: 'error',
			path,
			message: `OCPI 2.1.1 CDR: ${path} cannot be filled without guessing: ${why}`,
		});
		return undefined;
	};
	const dropped = (path: string, why: string): void => {
		issues.push({ code: 'CDR_OCPI_211_FIELD_DROPPED', severity: 'warning', path, message: `OCPI 2.1.1 CDR: ${why}` });
	};
	if (!isObject(value)) {
		unmappable('$', 'the CDR is not a JSON object.');
		return { cdr: null, issues };
	}
	const source = value;

	const countryCode =
		options.countryCode ?? unmappable('$.country_code', 'a 2.1.1 CDR has no country_code; set the CPO country code.');
	const partyId =
		options.partyId ?? unmappable('$.party_id', 'a 2.1.1 CDR has no party_id; set the CPO party id.');

	const authId = typeof source.auth_id === 'string' ? source.auth_id : undefined;
	if (authId === undefined) unmappable('$.cdr_token.contract_id', 'auth_id is missing or not a string.');
	const uid =
		options.tokenUidFromAuthId && authId !== undefined
			? authId
			: unmappable(
					'$.cdr_token.uid',
					'2.1.1 CDRs carry the contract id (auth_id) but not the token uid; enable "token uid = auth_id" if the ' +
						'eMSP uses the same value for both.',
				);
	const tokenType =
		options.tokenType !== undefined && TOKEN_TYPES.includes(options.tokenType)
			? options.tokenType
			: unmappable('$.cdr_token.type', `2.1.1 CDRs do not say the token type; set it (${TOKEN_TYPES.join(', ')}).`);
	const tokenCountryCode =
		options.tokenCountryCode ??
		unmappable('$.cdr_token.country_code', "2.1.1 CDRs do not name the eMSP; set the eMSP's country code.");
	const tokenPartyId =
		options.tokenPartyId ??
		unmappable('$.cdr_token.party_id', "2.1.1 CDRs do not name the eMSP; set the eMSP's party id.");

	const location = upgradeLocation(source.location, unmappable);

	let totalCost: Price | undefined;
	if (typeof source.total_cost === 'number') totalCost = { excl_vat: source.total_cost };
	else unmappable('$.total_cost', 'total_cost must be a number (the 2.1.1 cost excluding VAT).');

	const chargingPeriods = Array.isArray(source.charging_periods)
		? upgradePeriods(source.charging_periods, location?.tariffId, dropped)
		: undefined;
	if (!chargingPeriods) unmappable('$.charging_periods', 'charging_periods is missing or not an array.');

	if (Array.isArray(source.tariffs) && source.tariffs.length > 0) {
		dropped(
			'$.tariffs',
			'embedded tariffs were dropped: 2.1.1 tariffs carry no VAT and no owner, which 2.2.1 tariffs need. Price the ' +
				'CDR from the CPO tariffs of the run instead.',
		);
	}

	if (issues.some((issue) => issue.severity === 'error') || !location || !chargingPeriods || !totalCost) {
		return { cdr: null, issues };
	}

	const cdr: Record<string, unknown> = {
		country_code: countryCode,
		party_id: partyId,
		id: source.id,
		start_date_time: source.start_date_time,
		end_date_time: source.stop_date_time,
		cdr_token: {
			country_code: tokenCountryCode,
			party_id: tokenPartyId,
			uid,
			type: tokenType,
			contract_id: authId,
		},
		auth_method: source.auth_method,
		cdr_location: location.cdrLocation,
		currency: source.currency,
		charging_periods: chargingPeriods,
		total_cost: totalCost,
		total_energy: source.total_energy,
		total_time: source.total_time,
		last_updated: source.last_updated,
	};
	for (const optional of ['meter_id', 'remark', 'total_parking_time'] as const) {
		if (source[optional] !== undefined) cdr[optional] = source[optional];
	}
	// Structure is left to the 2.2.1 schema, which the caller runs on the result.
	return { cdr: cdr as unknown as Cdr, issues };
}

function upgradeLocation(
	value: unknown,
	unmappable: (path: string, why: string) => undefined,
): { cdrLocation: CdrLocation; tariffId: string | undefined } | undefined {
	if (!isObject(value)) return unmappable('$.cdr_location', 'location is missing or not an object.');
	const evses = value.evses;
	if (!Array.isArray(evses) || evses.length !== 1 || !isObject(evses[0])) {
		return unmappable(
			'$.cdr_location.evse_uid',
			`location.evses must hold exactly the one EVSE used (found ${Array.isArray(evses) ? evses.length : 'none'}).`,
		);
	}
	const evse = evses[0];
	const connectors = evse.connectors;
	if (!Array.isArray(connectors) || connectors.length !== 1 || !isObject(connectors[0])) {
		return unmappable(
			'$.cdr_location.connector_id',
			'location.evses[0].connectors must hold exactly the one connector used ' +
				`(found ${Array.isArray(connectors) ? connectors.length : 'none'}).`,
		);
	}
	const connector = connectors[0];
	if (typeof evse.evse_id !== 'string') {
		return unmappable('$.cdr_location.evse_id', 'location.evses[0].evse_id is optional in 2.1.1 but required in 2.2.1.');
	}
	const cdrLocation: Record<string, unknown> = {
		id: value.id,
		address: value.address,
		city: value.city,
		country: value.country,
		coordinates: value.coordinates,
		evse_uid: evse.uid,
		evse_id: evse.evse_id,
		connector_id: connector.id,
		connector_standard: connector.standard,
		connector_format: connector.format,
		connector_power_type: connector.power_type,
	};
	for (const optional of ['name', 'postal_code', 'time_zone'] as const) {
		if (value[optional] !== undefined) cdrLocation[optional] = value[optional];
	}
	return {
		cdrLocation: cdrLocation as unknown as CdrLocation,
		tariffId: typeof connector.tariff_id === 'string' ? connector.tariff_id : undefined,
	};
}

function upgradePeriods(
	periods: unknown[],
	tariffId: string | undefined,
	dropped: (path: string, why: string) => void,
): ChargingPeriod[] {
	return periods.map((period, index) => {
		if (!isObject(period)) return period as ChargingPeriod;
		const dimensions = Array.isArray(period.dimensions) ? (period.dimensions as CdrDimension[]) : [];
		const kept = dimensions.filter((dimension) => !(isObject(dimension) && (dimension.type as string) === 'FLAT'));
		if (kept.length !== dimensions.length) {
			dropped(
				`$.charging_periods[${index}].dimensions`,
				`charging_periods[${index}] had a FLAT dimension, which 2.2.1 CDRs do not have: it was dropped (the flat ` +
					'fee is priced from the tariff).',
			);
		}
		const upgraded: Record<string, unknown> = { start_date_time: period.start_date_time, dimensions: kept };
		if (tariffId !== undefined) upgraded.tariff_id = tariffId;
		return upgraded as unknown as ChargingPeriod;
	});
}
