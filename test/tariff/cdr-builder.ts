/** Builds complete OCPI 2.2.1 CDRs for tests from the few facts a pricing case states. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Cdr, CdrDimensionType, Price, Tariff } from '../../lib/ocpi/types';
import { needsShared, PEER_TEST_DATA } from '../helpers/shared-folder';

export const PEER_DATA = PEER_TEST_DATA;

/** describe / it / test for tests that read the OCPI spec example tariffs: skipped, saying why, without ../shared. */
export const withSpecTariffs = () => needsShared(PEER_DATA, 'the tests on the OCPI spec example tariffs (ocpi-tariffs peer data)');

/** A spec example tariff, as the peer's test data carries it (mod_tariffs examples). */
export function specTariff(folder: string): Tariff {
	// Without the data, jest still collects the skipped tests (describe bodies run): give them an empty tariff.
	if (!existsSync(PEER_DATA)) return { id: folder, elements: [] } as unknown as Tariff;
	return JSON.parse(readFileSync(path.join(PEER_DATA, folder, 'tariff.json'), 'utf8')) as Tariff;
}

export interface PeriodSpec {
	/** RFC 3339 UTC start. */
	at: string;
	dims: Partial<Record<CdrDimensionType, number>>;
	tariff_id?: string;
}

export interface CdrSpec {
	id?: string;
	end: string;
	periods: PeriodSpec[];
	country?: string;
	time_zone?: string;
	location_id?: string;
	currency?: string;
	total_cost?: Price;
	subtotals?: Partial<Pick<Cdr, 'total_energy_cost' | 'total_time_cost' | 'total_parking_cost' | 'total_fixed_cost' | 'total_reservation_cost'>>;
	tariffs?: Tariff[];
	credit?: boolean;
	start?: string;
}

export function buildCdr(spec: CdrSpec): Cdr {
	const sum = (type: CdrDimensionType): number =>
		spec.periods.reduce((acc, p) => acc + (p.dims[type] ?? 0), 0);
	const cdr: Cdr = {
		country_code: 'FR',
		party_id: 'CPO',
		id: spec.id ?? 'CDR-1',
		start_date_time: spec.start ?? spec.periods[0].at,
		end_date_time: spec.end,
		cdr_token: { country_code: 'NL', party_id: 'MSP', uid: 'RFID1', type: 'RFID', contract_id: 'NL-MSP-C12345678-X' },
		auth_method: 'WHITELIST',
		cdr_location: {
			id: spec.location_id ?? 'LOC1',
			address: '1 rue de la Paix',
			city: 'Paris',
			country: spec.country ?? 'FRA',
			coordinates: { latitude: '48.85660', longitude: '2.35220' },
			evse_uid: 'EVSE1',
			evse_id: 'FR*CPO*E1',
			connector_id: '1',
			connector_standard: 'IEC_62196_T2',
			connector_format: 'SOCKET',
			connector_power_type: 'AC_3_PHASE',
			...(spec.time_zone ? { time_zone: spec.time_zone } : {}),
		},
		currency: spec.currency ?? 'EUR',
		charging_periods: spec.periods.map((p) => ({
			start_date_time: p.at,
			dimensions: Object.entries(p.dims).map(([type, volume]) => ({ type: type as CdrDimensionType, volume: volume as number })),
			...(p.tariff_id ? { tariff_id: p.tariff_id } : {}),
		})),
		total_cost: spec.total_cost ?? { excl_vat: 0 },
		total_energy: sum('ENERGY'),
		total_time: sum('TIME') + sum('PARKING_TIME'),
		total_parking_time: sum('PARKING_TIME'),
		last_updated: spec.end,
		...(spec.subtotals ?? {}),
		...(spec.tariffs ? { tariffs: spec.tariffs } : {}),
		...(spec.credit ? { credit: true, credit_reference_id: 'CDR-0' } : {}),
	};
	return cdr;
}
