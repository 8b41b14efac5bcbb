/**
 * A fake OCPI platform on nock, answering as the OCPI spec's transport_and_format and version_information_endpoint
 * chapters describe: versions → version details → module endpoints, every answer in the response envelope.
 */
import nock from 'nock';

import type { OcpiVersion } from '../../lib/ocpi/v211';

export const HOST = 'https://ocpi.cpo.example';
export const VERSIONS_URL = `${HOST}/ocpi/versions`;
export const TOKEN = 'cpo-secret-token-4f7a';
export const TOKEN_BASE64 = Buffer.from(TOKEN).toString('base64');

export function envelope(data: unknown, statusCode = 1000, statusMessage = 'Success'): Record<string, unknown> {
	return { data, status_code: statusCode, status_message: statusMessage, timestamp: '2026-03-02T08:00:00Z' };
}

export function cdrsUrl(version: OcpiVersion): string {
	return `${HOST}/ocpi/${version}/sender/cdrs`;
}

export function tariffsUrl(version: OcpiVersion): string {
	return `${HOST}/ocpi/${version}/sender/tariffs`;
}

/** A nock scope that only matches requests carrying the Authorization header OCPI prescribes for the version. */
export function platform(version: OcpiVersion = '2.2.1'): nock.Scope {
	const authorization = version === '2.1.1' ? `Token ${TOKEN}` : `Token ${TOKEN_BASE64}`;
	return nock(HOST).matchHeader('authorization', authorization);
}

/** Serves the versions and version-details endpoints once each. */
export function serveDiscovery(scope: nock.Scope, version: OcpiVersion = '2.2.1'): nock.Scope {
	const endpoints =
		version === '2.1.1'
			? [
					{ identifier: 'credentials', url: `${HOST}/ocpi/2.1.1/credentials` },
					{ identifier: 'cdrs', url: cdrsUrl(version) },
					{ identifier: 'tariffs', url: tariffsUrl(version) },
				]
			: [
					{ identifier: 'credentials', role: 'SENDER', url: `${HOST}/ocpi/${version}/credentials` },
					// The receiver interface comes first: the client must pick by role, not by position.
					{ identifier: 'cdrs', role: 'RECEIVER', url: `${HOST}/ocpi/${version}/receiver/cdrs` },
					{ identifier: 'cdrs', role: 'SENDER', url: cdrsUrl(version) },
					{ identifier: 'tariffs', role: 'SENDER', url: tariffsUrl(version) },
				];
	return scope
		.get('/ocpi/versions')
		.reply(
			200,
			envelope([
				{ version: '2.1.1', url: `${HOST}/ocpi/2.1.1` },
				{ version: '2.2.1', url: `${HOST}/ocpi/2.2.1` },
				// OCPI 2.3.0 version_information_endpoint: VersionNumber 2.3.0, listed beside the older versions.
				{ version: '2.3.0', url: `${HOST}/ocpi/2.3.0` },
			]),
		)
		.get(`/ocpi/${version}`)
		.reply(200, envelope({ version, endpoints }));
}

/** A minimal OCPI 2.2.1 CDR; `n` makes ids and amounts differ. */
export function cdr(n: number): Record<string, unknown> {
	const id = `CDR-${String(n).padStart(4, '0')}`;
	return {
		country_code: 'FR',
		party_id: 'CPO',
		id,
		start_date_time: '2026-03-01T10:00:00Z',
		end_date_time: '2026-03-01T11:00:00Z',
		cdr_token: { country_code: 'DE', party_id: 'MSP', uid: `UID${n}`, type: 'RFID', contract_id: `DE-MSP-C${n}` },
		auth_method: 'WHITELIST',
		cdr_location: {
			id: 'LOC1',
			address: '1 rue de la Paix',
			city: 'Paris',
			country: 'FRA',
			coordinates: { latitude: '48.869', longitude: '2.331' },
			evse_uid: 'EVSE1',
			evse_id: 'FR*CPO*E1',
			connector_id: '1',
			connector_standard: 'IEC_62196_T2',
			connector_format: 'SOCKET',
			connector_power_type: 'AC_3_PHASE',
		},
		currency: 'EUR',
		charging_periods: [{ start_date_time: '2026-03-01T10:00:00Z', dimensions: [{ type: 'ENERGY', volume: 10 + n }] }],
		total_cost: { excl_vat: 3 + n / 100, incl_vat: 3.6 + n / 100 },
		total_energy: 10 + n,
		total_time: 1,
		last_updated: '2026-03-01T11:05:00Z',
	};
}

/** The OCPI 2.3.0 form of cdr(n): every Price as before_taxes + taxes[] (types.asciidoc, TaxAmount). */
export function cdr230(n: number): Record<string, unknown> {
	const before = Math.round(300 + n) / 100;
	return { ...cdr(n), total_cost: { before_taxes: before, taxes: [{ name: 'VAT', percentage: 20, amount: 0.6 }] } };
}

/** The OCPI 2.3.0 form of tariff(id): prices exclude taxes (tax_included NO). */
export function tariff230(id: string): Record<string, unknown> {
	return { ...tariff(id), tax_included: 'NO' };
}

export function tariff(id: string): Record<string, unknown> {
	return {
		country_code: 'FR',
		party_id: 'CPO',
		id,
		currency: 'EUR',
		elements: [{ price_components: [{ type: 'ENERGY', price: 0.3, vat: 20, step_size: 1 }] }],
		last_updated: '2026-02-01T00:00:00Z',
	};
}
