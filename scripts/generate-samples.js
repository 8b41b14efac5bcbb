#!/usr/bin/env node
'use strict';
/**
 * Writes samples/: tariffs.json, cdrs.json (+ .ndjson, OCPI envelope, a 2.1.1 CDR), their OCPI 2.3.0 form in ocpi-2.3.0/,
 * and broken/ CDRs.
 *
 * Sessions are described as charging / parking segments in the location's local time; the script splits them into
 * charging periods wherever a tariff element switches (local time of day, duration since session start), as OCPI 2.2.1
 * makes the CPO do, then prices every period with the element active at its start. Amounts are computed in decimal at
 * full precision and each rounded to 2 decimals (excl. VAT; incl. VAT = Σ component excl. × (1 + VAT)).
 * Segment lengths are multiples of 3 minutes and start minutes multiples of 3, so every period lasts an exact
 * number of hundredths of an hour, and no step_size ever rounds anything: the figures do not depend on reading hours
 * from volumes or from timestamps.
 *
 * Usage: node scripts/generate-samples.js   (deterministic; rewrites samples/)
 */
const fs = require('node:fs');
const path = require('node:path');
const DecimalJs = require('decimal.js');

// Same configuration as lib/money.ts.
const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_UP });
const round2 = (value) => value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const money = (value) => Number(round2(value).toFixed(2));

const SAMPLES = path.join(__dirname, '..', 'samples');

/* ------------------------------------------------------------------ parties, locations, tariffs */

const CPO = {
	FR: { country_code: 'FR', party_id: 'EVC', zone: 'Europe/Paris' },
	DE: { country_code: 'DE', party_id: 'LDN', zone: 'Europe/Berlin' },
};

const LOCATIONS = {
	paris: {
		cpo: 'FR',
		id: 'FR-EVC-L0001',
		name: 'Parking Gare de Lyon - Diderot',
		address: '20 Boulevard Diderot',
		city: 'Paris',
		postal_code: '75012',
		country: 'FRA',
		coordinates: { latitude: '48.84465', longitude: '2.37441' },
		evse_uid: 'FR-EVC-E10001',
		evse_id: 'FR*EVC*E10001',
		connector_id: '1',
		connector_standard: 'IEC_62196_T2',
		connector_format: 'SOCKET',
		connector_power_type: 'AC_3_PHASE',
		time_zone: 'Europe/Paris',
	},
	bordeaux: {
		cpo: 'FR',
		id: 'FR-EVC-L0007',
		name: 'Centre commercial Bordeaux Lac',
		address: 'Avenue des Quatre Pavillons',
		city: 'Bordeaux',
		postal_code: '33300',
		country: 'FRA',
		coordinates: { latitude: '44.88121', longitude: '-0.56420' },
		evse_uid: 'FR-EVC-E10072',
		evse_id: 'FR*EVC*E10072',
		connector_id: '2',
		connector_standard: 'IEC_62196_T2',
		connector_format: 'SOCKET',
		connector_power_type: 'AC_3_PHASE',
		time_zone: 'Europe/Paris',
	},
	dardilly: {
		cpo: 'FR',
		id: 'FR-EVC-L0012',
		name: 'Aire de Lyon-Dardilly (A6)',
		address: 'Autoroute A6, aire de Dardilly',
		city: 'Dardilly',
		postal_code: '69570',
		country: 'FRA',
		coordinates: { latitude: '45.80612', longitude: '4.75218' },
		evse_uid: 'FR-EVC-E20011',
		evse_id: 'FR*EVC*E20011',
		connector_id: '1',
		connector_standard: 'IEC_62196_T2_COMBO',
		connector_format: 'CABLE',
		connector_power_type: 'DC',
		time_zone: 'Europe/Paris',
	},
	leipzig: {
		cpo: 'DE',
		id: 'DE-LDN-L2001',
		name: 'Parkhaus Hauptbahnhof Ost',
		address: 'Willy-Brandt-Platz 7',
		city: 'Leipzig',
		postal_code: '04109',
		country: 'DEU',
		coordinates: { latitude: '51.34552', longitude: '12.38321' },
		evse_uid: 'DE-LDN-E2001-1',
		evse_id: 'DE*LDN*E2001*1',
		connector_id: '1',
		connector_standard: 'IEC_62196_T2',
		connector_format: 'SOCKET',
		connector_power_type: 'AC_3_PHASE',
		time_zone: 'Europe/Berlin',
	},
	dresden: {
		cpo: 'DE',
		id: 'DE-LDN-L3001',
		name: 'Schnellladepark Dresden-Nord',
		address: 'Hansastraße 40',
		city: 'Dresden',
		postal_code: '01097',
		country: 'DEU',
		coordinates: { latitude: '51.07583', longitude: '13.74210' },
		evse_uid: 'DE-LDN-E3001-1',
		evse_id: 'DE*LDN*E3001*1',
		connector_id: '1',
		connector_standard: 'IEC_62196_T2_COMBO',
		connector_format: 'CABLE',
		connector_power_type: 'DC',
		time_zone: 'Europe/Berlin',
	},
};

const TARIFFS = [
	{
		country_code: 'FR',
		party_id: 'EVC',
		id: 'FR-EVC-AC-STD',
		currency: 'EUR',
		type: 'REGULAR',
		tariff_alt_text: [
			{
				language: 'fr',
				text: '0,35 EUR HT/kWh. Stationnement au-delà de 2 h de session : 6,00 EUR HT/h, par minute. TVA 20 %.',
			},
			{ language: 'en', text: 'EUR 0.35/kWh excl. VAT. Parking after 2 h of session: EUR 6.00/h, per minute. VAT 20%.' },
		],
		elements: [
			{
				price_components: [{ type: 'PARKING_TIME', price: 6.0, vat: 20.0, step_size: 60 }],
				restrictions: { min_duration: 7200 },
			},
			{ price_components: [{ type: 'ENERGY', price: 0.35, vat: 20.0, step_size: 1 }] },
		],
		start_date_time: '2026-01-01T00:00:00Z',
		last_updated: '2025-12-15T10:00:00Z',
	},
	{
		country_code: 'FR',
		party_id: 'EVC',
		id: 'FR-EVC-DC-HPC',
		currency: 'EUR',
		type: 'REGULAR',
		tariff_alt_text: [
			{
				language: 'fr',
				text: '1,00 EUR HT par session + 0,55 EUR HT/kWh ; 0,65 EUR HT/kWh de 17h à 20h. TVA 20 %.',
			},
			{ language: 'en', text: 'EUR 1.00 per session + EUR 0.55/kWh; EUR 0.65/kWh 17:00-20:00. Excl. VAT 20%.' },
		],
		elements: [
			{
				price_components: [{ type: 'ENERGY', price: 0.65, vat: 20.0, step_size: 1 }],
				restrictions: { start_time: '17:00', end_time: '20:00' },
			},
			{
				price_components: [
					{ type: 'FLAT', price: 1.0, vat: 20.0, step_size: 1 },
					{ type: 'ENERGY', price: 0.55, vat: 20.0, step_size: 1 },
				],
			},
		],
		start_date_time: '2026-01-01T00:00:00Z',
		last_updated: '2025-12-15T10:00:00Z',
	},
	{
		country_code: 'DE',
		party_id: 'LDN',
		id: 'DE-LDN-AC',
		currency: 'EUR',
		type: 'REGULAR',
		tariff_alt_text: [
			{ language: 'de', text: '0,49 EUR/kWh netto (0,5831 EUR/kWh inkl. 19 % MwSt.)' },
			{ language: 'en', text: 'EUR 0.49/kWh excl. VAT (EUR 0.5831/kWh incl. 19% VAT)' },
		],
		elements: [{ price_components: [{ type: 'ENERGY', price: 0.49, vat: 19.0, step_size: 1 }] }],
		start_date_time: '2026-01-01T00:00:00Z',
		last_updated: '2025-12-20T08:00:00Z',
	},
	{
		country_code: 'DE',
		party_id: 'LDN',
		id: 'DE-LDN-DC',
		currency: 'EUR',
		type: 'REGULAR',
		tariff_alt_text: [
			{ language: 'de', text: '0,69 EUR/kWh netto; Blockiergebühr ab 4 Stunden: 0,10 EUR/min netto. MwSt. 19 %.' },
			{ language: 'en', text: 'EUR 0.69/kWh excl. VAT; blocking fee after 4 hours: EUR 0.10/min. VAT 19%.' },
		],
		elements: [
			{
				price_components: [
					{ type: 'TIME', price: 6.0, vat: 19.0, step_size: 60 },
					{ type: 'PARKING_TIME', price: 6.0, vat: 19.0, step_size: 60 },
				],
				restrictions: { min_duration: 14400 },
			},
			{ price_components: [{ type: 'ENERGY', price: 0.69, vat: 19.0, step_size: 1 }] },
		],
		start_date_time: '2026-01-01T00:00:00Z',
		last_updated: '2025-12-20T08:00:00Z',
	},
];

const TARIFF_BY_LOCATION = {
	paris: 'FR-EVC-AC-STD',
	bordeaux: 'FR-EVC-AC-STD',
	dardilly: 'FR-EVC-DC-HPC',
	leipzig: 'DE-LDN-AC',
	dresden: 'DE-LDN-DC',
};

const EMSPS = {
	MOB: { country_code: 'FR', party_id: 'MOB', contract: 'FR-MOB-C', uid: '04A1' },
	CHP: { country_code: 'DE', party_id: 'CHP', contract: 'DE-CHP-C', uid: '04C7' },
	ROM: { country_code: 'NL', party_id: 'ROM', contract: 'NL-ROM-C', uid: '04E2' },
	EMS: { country_code: 'BE', party_id: 'EMS', contract: 'BE-EMS-C', uid: '0493' },
};

/* ------------------------------------------------------------------ tariff evaluation */

const DAY = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

function localClock(ms, zone) {
	const parts = new Intl.DateTimeFormat('en-GB', {
		timeZone: zone,
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23',
	}).formatToParts(new Date(ms));
	const get = (type) => parts.find((part) => part.type === type).value;
	return `${get('hour')}:${get('minute')}`;
}

function restrictionsMatch(restrictions, ms, elapsedSeconds, zone) {
	if (!restrictions) return true;
	const r = restrictions;
	if (r.start_time !== undefined || r.end_time !== undefined) {
		const now = localClock(ms, zone);
		const start = r.start_time ?? '00:00';
		const end = r.end_time ?? '00:00';
		// end before start wraps past midnight; end "00:00" means the end of the day.
		const wraps = end !== '00:00' && end < start;
		const inRange = wraps ? now >= start || now < end : now >= start && (end === '00:00' || now < end);
		if (!inRange) return false;
	}
	if (r.min_duration !== undefined && elapsedSeconds < r.min_duration) return false;
	if (r.max_duration !== undefined && elapsedSeconds >= r.max_duration) return false;
	if (r.day_of_week !== undefined && !r.day_of_week.includes(DAY[new Date(ms).getUTCDay()])) {
		throw new Error('day_of_week is not used by the sample tariffs (it would need the local day)');
	}
	return true;
}

/** The price component priced for `type` at this instant: first element in order with such a component that matches. */
function activeComponent(tariff, type, ms, elapsedSeconds, zone) {
	for (const element of tariff.elements) {
		const component = element.price_components.find((candidate) => candidate.type === type);
		if (component && restrictionsMatch(element.restrictions, ms, elapsedSeconds, zone)) return component;
	}
	return undefined;
}

/* ------------------------------------------------------------------ sessions → CDRs */

const GRID_MINUTES = 3;
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * A session: start (local with offset), location, eMSP, segments [{charge: minutes, kwh, maxKw} | {park: minutes}].
 */
function buildCdr(session) {
	const location = LOCATIONS[session.location];
	const cpo = CPO[location.cpo];
	const tariff = TARIFFS.find((candidate) => candidate.id === TARIFF_BY_LOCATION[session.location]);
	const startMs = Date.parse(session.start);
	if (new Date(startMs).getUTCMinutes() % GRID_MINUTES !== 0) throw new Error(`${session.id}: start off the grid`);

	// Signature of what would be priced for a segment's dimensions at a given instant.
	const signature = (dims, ms) =>
		dims
			.map((type) => {
				const component = activeComponent(tariff, type, ms, (ms - startMs) / 1000, location.time_zone);
				return component ? `${type}:${component.price}` : `${type}:-`;
			})
			.join('|');

	const periods = [];
	let cursor = startMs;
	for (const segment of session.segments) {
		const minutes = segment.charge ?? segment.park;
		if (minutes % GRID_MINUTES !== 0) throw new Error(`${session.id}: segment off the grid`);
		const dims = segment.charge !== undefined ? ['ENERGY', 'TIME'] : ['PARKING_TIME'];
		// Split where the active price component of a dimension changes.
		const pieces = [];
		let pieceStart = 0;
		for (let m = GRID_MINUTES; m <= minutes; m += GRID_MINUTES) {
			const atEnd = m === minutes;
			if (atEnd || signature(dims, cursor + m * 60000) !== signature(dims, cursor + pieceStart * 60000)) {
				pieces.push([pieceStart, m]);
				pieceStart = m;
			}
		}
		let energyLeft = new Decimal(segment.kwh ?? 0);
		pieces.forEach(([from, to], index) => {
			const hours = new Decimal(to - from).div(60);
			const dimensions = [];
			if (segment.charge !== undefined) {
				const kwh =
					index === pieces.length - 1
						? energyLeft
						: new Decimal(segment.kwh)
								.times(to - from)
								.div(minutes)
								.toDecimalPlaces(3);
				energyLeft = energyLeft.minus(kwh);
				dimensions.push({ type: 'ENERGY', volume: Number(kwh.toFixed()) });
				dimensions.push({ type: 'TIME', volume: Number(hours.toFixed()) });
				dimensions.push({ type: 'MAX_POWER', volume: segment.maxKw });
			} else {
				dimensions.push({ type: 'PARKING_TIME', volume: Number(hours.toFixed()) });
			}
			periods.push({ start_date_time: iso(cursor + from * 60000), dimensions, tariff_id: tariff.id });
		});
		cursor += minutes * 60000;
	}
	const endMs = cursor;

	// Price every period with the components active at its start.
	const cost = { ENERGY: [], TIME: [], PARKING_TIME: [], FLAT: [] };
	for (const period of periods) {
		const ms = Date.parse(period.start_date_time);
		for (const dimension of period.dimensions) {
			if (!(dimension.type in cost)) continue;
			const component = activeComponent(tariff, dimension.type, ms, (ms - startMs) / 1000, location.time_zone);
			if (!component) continue;
			const volume = new Decimal(dimension.volume);
			const stepUnits = dimension.type === 'ENERGY' ? volume.times(1000) : volume.times(3600);
			if (!stepUnits.mod(component.step_size).isZero()) throw new Error(`${session.id}: step_size would round`);
			cost[dimension.type].push({ excl: volume.times(component.price), vat: component.vat });
		}
	}
	const flat = activeComponent(tariff, 'FLAT', startMs, 0, location.time_zone);
	if (flat) cost.FLAT.push({ excl: new Decimal(flat.price), vat: flat.vat });

	const inclOf = (part) => part.excl.times(new Decimal(100).plus(part.vat ?? 0).div(100));
	const subtotal = (parts) => ({
		excl_vat: money(parts.reduce((acc, part) => acc.plus(part.excl), new Decimal(0))),
		incl_vat: money(parts.reduce((acc, part) => acc.plus(inclOf(part)), new Decimal(0))),
	});
	const all = [...cost.ENERGY, ...cost.TIME, ...cost.PARKING_TIME, ...cost.FLAT];
	const priced = (type) => tariff.elements.some((e) => e.price_components.some((c) => c.type === type));

	const totalEnergy = periods
		.flatMap((p) => p.dimensions)
		.filter((d) => d.type === 'ENERGY')
		.reduce((acc, d) => acc.plus(d.volume), new Decimal(0));
	const parkingMinutes = session.segments.reduce((acc, s) => acc + (s.park ?? 0), 0);
	const emsp = EMSPS[session.emsp];
	const tokenType = session.app ? 'APP_USER' : 'RFID';

	const cdr = {
		country_code: cpo.country_code,
		party_id: cpo.party_id,
		id: session.id,
		start_date_time: iso(startMs),
		end_date_time: iso(endMs),
		session_id: `${session.id}-S`,
		cdr_token: {
			country_code: emsp.country_code,
			party_id: emsp.party_id,
			uid: session.app ? `APP-${session.token}` : `${emsp.uid}${session.token}`,
			type: tokenType,
			contract_id: `${emsp.contract}${session.token}`,
		},
		auth_method: session.app ? 'COMMAND' : session.whitelist ? 'WHITELIST' : 'AUTH_REQUEST',
		...(session.app || session.whitelist ? {} : { authorization_reference: `AUTH-${session.id.slice(-6)}` }),
		cdr_location: Object.fromEntries(Object.entries(location).filter(([key]) => key !== 'cpo')),
		meter_id: `MTR-${location.evse_uid}`,
		currency: 'EUR',
		charging_periods: periods,
		total_cost: subtotal(all),
		...(priced('FLAT') ? { total_fixed_cost: subtotal(cost.FLAT) } : {}),
		total_energy: Number(totalEnergy.toFixed()),
		total_energy_cost: subtotal(cost.ENERGY),
		total_time: Number(new Decimal(endMs - startMs).div(3600000).toFixed()),
		...(priced('TIME') ? { total_time_cost: subtotal(cost.TIME) } : {}),
		...(parkingMinutes > 0 || priced('PARKING_TIME')
			? { total_parking_time: Number(new Decimal(parkingMinutes).div(60).toFixed()) }
			: {}),
		...(priced('PARKING_TIME') ? { total_parking_cost: subtotal(cost.PARKING_TIME) } : {}),
		last_updated: iso(endMs + 4 * 60000 + 17000),
	};
	if (session.unpriced) {
		// A back-end that leaves pricing to the clearer: total_cost 0, no cost breakdown.
		cdr.total_cost = { excl_vat: 0 };
		for (const field of ['total_fixed_cost', 'total_energy_cost', 'total_time_cost', 'total_parking_cost']) {
			delete cdr[field];
		}
		cdr.remark = 'Tarification par la chambre de compensation';
	}
	return cdr;
}

/**
 * Sessions: id, location, eMSP, token number, local start, segments, flags. A segment is `C<minutes>:<kWh>@<max kW>`
 * (charging) or `P<minutes>` (parking). Flags: app (APP_USER token, COMMAND), whitelist, unpriced (total_cost 0).
 */
const SESSION_TABLE = [
	// FR AC, Paris / Bordeaux (FR-EVC-AC-STD)
	['FREVC2610020001', 'paris', 'MOB', '00042371', '2026-10-02T08:12:00+02:00', 'C96:14.85@11.04'],
	['FREVC2610030002', 'paris', 'ROM', '00913302', '2026-10-03T18:03:00+02:00', 'C150:20.4@11.04 P63'],
	['FREVC2610060003', 'bordeaux', 'CHP', '00581230', '2026-10-06T09:00:00+02:00', 'C105:10.512@7.36 P60', 'app'],
	['FREVC2610090004', 'bordeaux', 'EMS', '00007719', '2026-10-09T13:30:00+02:00', 'C45:5.2@7.36'],
	['FREVC2610140005', 'paris', 'MOB', '00042371', '2026-10-14T07:48:00+02:00', 'C180:22.0@11.04 P90', 'whitelist'],
	['FREVC2610200006', 'paris', 'MOB', '00077110', '2026-10-20T19:15:00+02:00', 'C75:8.333@11.04'],
	['FREVC2610270007', 'bordeaux', 'ROM', '00913302', '2026-10-27T10:06:00+01:00', 'C129:17.718@11.04 P21'],
	// FR DC, Dardilly (FR-EVC-DC-HPC): peak 17:00-20:00 local
	['FREVC2610030008', 'dardilly', 'MOB', '00042371', '2026-10-03T11:21:00+02:00', 'C36:38.25@148.2'],
	['FREVC2610080009', 'dardilly', 'CHP', '00581230', '2026-10-08T16:42:00+02:00', 'C45:41.3@121.5'],
	['FREVC2610120010', 'dardilly', 'ROM', '00344125', '2026-10-12T19:39:00+02:00', 'C42:33.6@96.0'],
	['FREVC2610150011', 'dardilly', 'EMS', '00007719', '2026-10-15T17:30:00+02:00', 'C30:28.4@110.3'],
	['FREVC2610260012', 'dardilly', 'MOB', '00077110', '2026-10-26T16:45:00+01:00', 'C33:30.9@132.0', 'app'],
	['FREVC2610290013', 'dardilly', 'CHP', '00602218', '2026-10-29T08:03:00+01:00', 'C27:24.6@101.7'],
	['FREVC2610310014', 'dardilly', 'ROM', '00344125', '2026-10-31T19:51:00+01:00', 'C24:19.2@88.9'],
	// DE AC, Leipzig (DE-LDN-AC)
	['DELDN-261001-000117', 'leipzig', 'CHP', '00602218', '2026-10-01T07:30:00+02:00', 'C201:24.118@11.0 P180'],
	['DELDN-261005-000342', 'leipzig', 'CHP', '00581230', '2026-10-05T12:00:00+02:00', 'C90:15.6@11.0', 'app'],
	['DELDN-261010-000561', 'leipzig', 'MOB', '00042371', '2026-10-10T10:30:00+02:00', 'C120:21.0@11.0'],
	// Overnight across the end of summer time (Oct 25, 03:00 CEST -> 02:00 CET): 10 real hours.
	['DELDN-261024-000988', 'leipzig', 'EMS', '00007719', '2026-10-24T21:03:00+02:00', 'C330:36.3@7.4 P270'],
	['DELDN-261028-001204', 'leipzig', 'ROM', '00913302', '2026-10-28T17:57:00+01:00', 'C66:7.26@7.4'],
	['DELDN-261019-000801', 'leipzig', 'CHP', '00602218', '2026-10-19T15:15:00+02:00', 'C45:6.2@11.0', 'unpriced'],
	// DE DC, Dresden (DE-LDN-DC): blocking fee after 4 h
	['DELDN-261004-000233', 'dresden', 'CHP', '00602218', '2026-10-04T14:12:00+02:00', 'C33:40.7@150.0'],
	['DELDN-261011-000612', 'dresden', 'MOB', '00077110', '2026-10-11T09:09:00+02:00', 'C51:55.5@138.4'],
	['DELDN-261018-000745', 'dresden', 'ROM', '00344125', '2026-10-18T22:00:00+02:00', 'C60:62.0@97.6 P210'],
	['DELDN-261022-000899', 'dresden', 'CHP', '00581230', '2026-10-22T06:30:00+02:00', 'C39:45.2@160.0', 'app'],
	['DELDN-261030-001377', 'dresden', 'EMS', '00007719', '2026-10-30T12:48:00+01:00', 'C48:51.85@142.9'],
];

function parseSession([id, location, emsp, token, start, segments, flags = '']) {
	const session = { id, location, emsp, token, start, segments: segments.split(' ').map(parseSegment) };
	for (const flag of flags.split(' ').filter(Boolean)) session[flag] = true;
	return session;
}

function parseSegment(text) {
	const charge = /^C(\d+):([\d.]+)@([\d.]+)$/.exec(text);
	if (charge) return { charge: Number(charge[1]), kwh: charge[2], maxKw: Number(charge[3]) };
	const park = /^P(\d+)$/.exec(text);
	if (park) return { park: Number(park[1]) };
	throw new Error(`bad segment ${text}`);
}

const SESSIONS = SESSION_TABLE.map(parseSession);

function creditOf(original, lastUpdated) {
	const credit = structuredClone(original);
	credit.id = `${original.id}-C`;
	credit.credit = true;
	credit.credit_reference_id = original.id;
	credit.total_cost = { excl_vat: -original.total_cost.excl_vat, incl_vat: -original.total_cost.incl_vat };
	credit.last_updated = lastUpdated;
	return credit;
}

/* ------------------------------------------------------------------ write */

function writeJson(file, value) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, `${JSON.stringify(value, null, '\t')}\n`);
}

const cdrs = SESSIONS.map(buildCdr);
const credited = cdrs.find((cdr) => cdr.id === 'FREVC2610080009');
cdrs.push(creditOf(credited, '2026-10-21T09:12:44Z'));

writeJson(path.join(SAMPLES, 'tariffs.json'), TARIFFS);
writeJson(path.join(SAMPLES, 'cdrs.json'), cdrs);
fs.writeFileSync(path.join(SAMPLES, 'cdrs.ndjson'), cdrs.map((cdr) => `${JSON.stringify(cdr)}\n`).join(''));
writeJson(path.join(SAMPLES, 'ocpi-envelope.json'), {
	data: cdrs.slice(0, 3),
	status_code: 1000,
	status_message: 'Success',
	timestamp: '2026-11-02T06:00:00Z',
});

// The same Paris session as an OCPI 2.1.1 CDR (no parties, location with evses[], stop_date_time, number total_cost).
const base = cdrs[0];
writeJson(path.join(SAMPLES, 'ocpi-2.1.1-cdr.json'), {
	id: base.id,
	start_date_time: base.start_date_time,
	stop_date_time: base.end_date_time,
	auth_id: base.cdr_token.contract_id,
	auth_method: 'AUTH_REQUEST',
	location: {
		id: base.cdr_location.id,
		type: 'PARKING_GARAGE',
		name: base.cdr_location.name,
		address: base.cdr_location.address,
		city: base.cdr_location.city,
		postal_code: base.cdr_location.postal_code,
		country: base.cdr_location.country,
		coordinates: base.cdr_location.coordinates,
		evses: [
			{
				uid: base.cdr_location.evse_uid,
				evse_id: base.cdr_location.evse_id,
				status: 'AVAILABLE',
				connectors: [
					{
						id: base.cdr_location.connector_id,
						standard: base.cdr_location.connector_standard,
						format: base.cdr_location.connector_format,
						power_type: base.cdr_location.connector_power_type,
						voltage: 230,
						amperage: 32,
						tariff_id: 'FR-EVC-AC-STD',
						last_updated: '2026-01-10T09:00:00Z',
					},
				],
				last_updated: '2026-01-10T09:00:00Z',
			},
		],
		time_zone: 'Europe/Paris',
		last_updated: '2026-01-10T09:00:00Z',
	},
	meter_id: base.meter_id,
	currency: 'EUR',
	charging_periods: base.charging_periods.map((period) => ({
		start_date_time: period.start_date_time,
		dimensions: period.dimensions.filter((dimension) => dimension.type !== 'MAX_POWER'),
	})),
	total_cost: base.total_cost.excl_vat,
	total_energy: base.total_energy,
	total_time: base.total_time,
	last_updated: base.last_updated,
});

/* ------------------------------------------------------------------ OCPI 2.3.0 */

// The same tariffs and CDRs as OCPI 2.3.0 (samples/ocpi-2.3.0/): every Price as before_taxes + taxes[] (the VAT under
// its national name, with its rate), every tariff with tax_included. DE-LDN-AC gives its price incl. VAT
// (tax_included YES: 0.5831 = 0.49 + 19 %), so a 2.3.0 pricer takes the VAT out of it. Every session costs exactly what
// its 2.2.1 twin costs.
const VAT_OF_CPO = { FR: { name: 'TVA', percentage: 20 }, DE: { name: 'MwSt', percentage: 19 } };
const PRICE_FIELDS = ['total_cost', 'total_fixed_cost', 'total_energy_cost', 'total_time_cost', 'total_parking_cost', 'total_reservation_cost'];
const TAX_INCLUDED = { 'DE-LDN-AC': 'YES' };

function priceV230(price, vat) {
	if (price.incl_vat === undefined) return { before_taxes: price.excl_vat };
	const amount = Number(new Decimal(price.incl_vat).minus(price.excl_vat).toFixed(2));
	return { before_taxes: price.excl_vat, taxes: [{ name: vat.name, percentage: vat.percentage, amount }] };
}

function tariffV230(tariff) {
	const taxIncluded = TAX_INCLUDED[tariff.id] ?? 'NO';
	const out = {};
	for (const [key, value] of Object.entries(structuredClone(tariff))) {
		if (key === 'start_date_time') out.tax_included = taxIncluded;
		out[key] = value;
	}
	if (taxIncluded === 'YES') {
		for (const element of out.elements) {
			for (const component of element.price_components) {
				component.price = new Decimal(component.price).times(new Decimal(100).plus(component.vat).div(100)).toNumber();
			}
		}
	}
	return out;
}

function cdrV230(cdr) {
	const out = structuredClone(cdr);
	for (const field of PRICE_FIELDS) if (out[field]) out[field] = priceV230(out[field], VAT_OF_CPO[cdr.country_code]);
	return out;
}

const cdrsV230 = cdrs.map(cdrV230);
writeJson(path.join(SAMPLES, 'ocpi-2.3.0', 'tariffs.json'), TARIFFS.map(tariffV230));
writeJson(path.join(SAMPLES, 'ocpi-2.3.0', 'cdrs.json'), cdrsV230);

/* ------------------------------------------------------------------ broken CDRs */

const byId = (id) => structuredClone(cdrs.find((cdr) => cdr.id === id));
const BROKEN = [];
function broken(file, codes, value, what) {
	BROKEN.push({ file, codes, what });
	writeJson(path.join(SAMPLES, 'broken', file), value);
}
const shiftIso = (value, ms) => iso(Date.parse(value) + ms);

{
	const cdr = byId('FREVC2610020001');
	cdr.end_date_time = shiftIso(cdr.start_date_time, -30 * 60000);
	broken(
		'end-before-start.json',
		['CDR_END_BEFORE_START', 'CDR_PERIOD_OUTSIDE_SESSION'],
		cdr,
		'end_date_time 30 min before start_date_time (so the period also falls outside the session)',
	);
}
{
	const cdr = byId('DELDN-261005-000342');
	const years = 4 * 365 * 86400000 + 86400000;
	for (const field of ['start_date_time', 'end_date_time', 'last_updated']) cdr[field] = shiftIso(cdr[field], years);
	for (const period of cdr.charging_periods) period.start_date_time = shiftIso(period.start_date_time, years);
	broken('future-timestamp.json', ['CDR_TIMESTAMP_IN_FUTURE'], cdr, 'the whole CDR dated October 2030');
}
{
	const cdr = byId('FREVC2610030002');
	cdr.total_energy = Number(new Decimal(cdr.total_energy).plus(1.5).toFixed());
	broken(
		'energy-sum-mismatch.json',
		['CDR_ENERGY_SUM_MISMATCH'],
		cdr,
		'total_energy 1.5 kWh above the sum of the ENERGY periods',
	);
}
{
	const cdr = byId('FREVC2610090004');
	cdr.charging_periods[0].dimensions.find((d) => d.type === 'TIME').volume = 0.5;
	broken('time-sum-mismatch.json', ['CDR_TIME_SUM_MISMATCH'], cdr, 'TIME of the only period 0.5 h, total_time 0.75 h');
}
{
	const cdr = byId('DELDN-261010-000561');
	cdr.end_date_time = shiftIso(cdr.end_date_time, 30 * 60000);
	cdr.last_updated = shiftIso(cdr.last_updated, 30 * 60000);
	broken(
		'total-time-mismatch.json',
		['CDR_TOTAL_TIME_MISMATCH'],
		cdr,
		'end_date_time 30 min later than total_time says',
	);
}
{
	const cdr = byId('FREVC2610140005');
	cdr.total_parking_time = 1.25;
	broken(
		'parking-sum-mismatch.json',
		['CDR_PARKING_SUM_MISMATCH'],
		cdr,
		'total_parking_time 1.25 h, PARKING_TIME periods 1.5 h',
	);
}
{
	const cdr = byId('DELDN-261001-000117');
	cdr.total_parking_time = 7;
	broken(
		'parking-exceeds-total-time.json',
		['CDR_PARKING_EXCEEDS_TOTAL_TIME', 'CDR_PARKING_SUM_MISMATCH', 'CDR_POWER_IMPLAUSIBLE'],
		cdr,
		'total_parking_time 7 h in a 6.35 h session (so no charging time is left for the energy)',
	);
}
{
	const cdr = byId('FREVC2610080009');
	cdr.total_energy_cost.excl_vat = Number(new Decimal(cdr.total_energy_cost.excl_vat).plus(1).toFixed());
	broken(
		'cost-sum-mismatch.json',
		['CDR_COST_SUM_MISMATCH'],
		cdr,
		'total_energy_cost.excl_vat 1.00 too high for total_cost.excl_vat',
	);
}
{
	const cdr = byId('DELDN-261019-000801');
	cdr.total_cost = { excl_vat: 3.61, incl_vat: 3.04 };
	broken('incl-vat-below-excl.json', ['CDR_INCL_VAT_BELOW_EXCL'], cdr, 'total_cost incl_vat and excl_vat swapped');
}
{
	const cdr = byId('DELDN-261005-000342');
	cdr.charging_periods[0].dimensions.find((d) => d.type === 'ENERGY').volume = 60;
	cdr.total_energy = 60;
	broken('implausible-power.json', ['CDR_POWER_IMPLAUSIBLE'], cdr, '60 kWh in 1.5 h with MAX_POWER 11 kW');
}
{
	const cdr = byId('DELDN-261028-001204');
	cdr.charging_periods[0].dimensions.find((d) => d.type === 'ENERGY').volume = 0;
	cdr.total_energy = 0;
	cdr.total_energy_cost = { excl_vat: 0, incl_vat: 0 };
	cdr.total_cost = { excl_vat: 0, incl_vat: 0 };
	broken('zero-energy.json', ['CDR_ENERGY_ZERO'], cdr, 'no energy charged (a warning: the CDR stays valid)');
}
{
	const cdr = byId('DELDN-261028-001204');
	cdr.charging_periods[0].dimensions.find((d) => d.type === 'ENERGY').volume = -7.26;
	cdr.total_energy = -7.26;
	broken('negative-energy.json', ['CDR_ENERGY_NEGATIVE'], cdr, 'negative energy without vehicle-to-grid allowed');
}
{
	const cdr = byId('DELDN-261030-001377');
	cdr.total_energy = 620;
	cdr.charging_periods[0].dimensions.find((d) => d.type === 'ENERGY').volume = 620;
	cdr.charging_periods[0].dimensions.find((d) => d.type === 'MAX_POWER').volume = 1000;
	broken('energy-too-high.json', ['CDR_ENERGY_TOO_HIGH'], cdr, '620 kWh in one session, above the 500 kWh maximum');
}
{
	const cdr = byId('DELDN-261028-001204');
	cdr.end_date_time = shiftIso(cdr.start_date_time, 36000);
	cdr.last_updated = shiftIso(cdr.end_date_time, 60000);
	cdr.total_time = 0.01;
	cdr.charging_periods[0].dimensions = [
		{ type: 'ENERGY', volume: 0.05 },
		{ type: 'TIME', volume: 0.01 },
		{ type: 'MAX_POWER', volume: 7.4 },
	];
	cdr.total_energy = 0.05;
	cdr.total_energy_cost = { excl_vat: 0.02, incl_vat: 0.03 };
	cdr.total_cost = { excl_vat: 0.02, incl_vat: 0.03 };
	broken('session-too-short.json', ['CDR_SESSION_TOO_SHORT'], cdr, 'a 36 s session (a warning)');
}
{
	const cdr = buildCdr(
		parseSession(['DELDN-261012-000650', 'leipzig', 'CHP', '00602218', '2026-10-12T08:00:00+02:00', 'C600:60@11 P2400']),
	);
	broken('session-too-long.json', ['CDR_SESSION_TOO_LONG'], cdr, 'a 50 h session');
}
{
	const cdr = byId('FREVC2610080009-C');
	delete cdr.credit_reference_id;
	broken(
		'credit-without-reference.json',
		['CDR_CREDIT_REFERENCE_MISSING'],
		cdr,
		'credit CDR without credit_reference_id',
	);
}
{
	const cdr = byId('FREVC2610080009-C');
	cdr.total_cost = byId('FREVC2610080009').total_cost;
	broken(
		'credit-positive-cost.json',
		['CDR_CREDIT_COST_NOT_NEGATIVE'],
		cdr,
		'credit CDR whose total_cost was not negated',
	);
}
{
	const cdr = byId('FREVC2610090004');
	cdr.credit_reference_id = 'FREVC2610020001';
	broken(
		'credit-reference-without-credit.json',
		['CDR_CREDIT_REFERENCE_WITHOUT_CREDIT'],
		cdr,
		'credit_reference_id on a normal CDR',
	);
}
{
	const cdr = byId('FREVC2610090004');
	cdr.total_cost = { excl_vat: -cdr.total_cost.excl_vat, incl_vat: -cdr.total_cost.incl_vat };
	delete cdr.total_energy_cost;
	delete cdr.total_parking_cost;
	broken(
		'negative-cost-not-credit.json',
		['CDR_NEGATIVE_COST_NOT_CREDIT'],
		cdr,
		'negative total_cost without credit: true',
	);
}
broken(
	'duplicate-id.json',
	['CDR_DUPLICATE'],
	[byId('FREVC2610200006'), byId('FREVC2610200006')],
	'the same CDR twice (the second one is the duplicate)',
);
{
	const cdr = byId('FREVC2610270007');
	cdr.currency = 'EURO';
	broken('bad-currency.json', ['CDR_CURRENCY_INVALID'], cdr, 'currency "EURO" instead of the ISO 4217 code');
}
{
	const cdr = byId('DELDN-261022-000899');
	cdr.currency = 'DEM';
	broken('withdrawn-currency.json', ['CDR_CURRENCY_INVALID'], cdr, 'currency "DEM", withdrawn in 2002');
}
{
	const cdr = byId('FREVC2610120010');
	cdr.cdr_location.country = 'FR';
	broken(
		'bad-country.json',
		['CDR_LOCATION_COUNTRY_INVALID'],
		cdr,
		'cdr_location.country alpha-2 "FR" instead of alpha-3 "FRA"',
	);
}
{
	const cdr = byId('FREVC2610120010');
	cdr.cdr_location.country = 'FRX';
	broken(
		'unknown-country.json',
		['CDR_LOCATION_COUNTRY_INVALID'],
		cdr,
		'cdr_location.country "FRX" is no ISO 3166-1 code',
	);
}
{
	const cdr = byId('DELDN-261004-000233');
	cdr.country_code = 'DEU';
	broken('bad-country-code.json', ['CDR_COUNTRY_CODE_INVALID'], cdr, 'party country_code alpha-3 "DEU" instead of "DE"');
}
{
	const cdr = byId('DELDN-261004-000233');
	cdr.cdr_token.party_id = 'CH-P';
	broken('bad-party-id.json', ['CDR_PARTY_ID_INVALID'], cdr, 'cdr_token.party_id "CH-P" is not 3 alphanumerics');
}
{
	const cdr = byId('FREVC2610150011');
	cdr.id = 'FREVC-2026-10-15-DARDILLY-0011-RETRY2';
	broken('id-too-long.json', ['CDR_ID_TOO_LONG'], cdr, 'a 37-character id on a normal CDR');
}
{
	const cdr = byId('FREVC2610150011');
	delete cdr.id;
	broken('id-missing.json', ['CDR_ID_MISSING'], cdr, 'no id');
}
broken(
	'not-an-object.json',
	['CDR_NOT_AN_OBJECT'],
	[42, 'FREVC2610150011', null, [byId('FREVC2610150011')]],
	'array items that are not CDR objects (a number, a string, null, a nested array)',
);
{
	const cdr = byId('FREVC2610290013');
	cdr.auth_method = 'RFID';
	cdr.charging_periods[0].dimensions[0].type = 'KWH';
	delete cdr.cdr_token.contract_id;
	broken(
		'schema-violations.json',
		['CDR_SCHEMA'],
		cdr,
		'auth_method "RFID", dimension type "KWH", cdr_token.contract_id missing',
	);
}
{
	const cdr = byId('FREVC2610290013');
	cdr.last_updated = '2026-10-29 08:35';
	broken('bad-timestamp.json', ['CDR_TIMESTAMP_INVALID'], cdr, 'last_updated "2026-10-29 08:35" is not RFC 3339');
}
{
	const cdr = byId('FREVC2610120010');
	const [first, second] = cdr.charging_periods;
	[first.start_date_time, second.start_date_time] = [second.start_date_time, first.start_date_time];
	broken(
		'periods-not-chronological.json',
		['CDR_PERIODS_NOT_CHRONOLOGICAL'],
		cdr,
		'the two periods listed in reverse order',
	);
}
{
	const cdr = byId('FREVC2610310014');
	cdr.charging_periods[0].start_date_time = shiftIso(cdr.start_date_time, -10 * 60000);
	broken(
		'period-outside-session.json',
		['CDR_PERIOD_OUTSIDE_SESSION'],
		cdr,
		'first period starts 10 min before the session',
	);
}
{
	const cdr = byId('DELDN-261011-000612');
	for (const field of ['start_date_time', 'end_date_time', 'last_updated']) cdr[field] = cdr[field].replace('Z', '');
	broken(
		'no-utc-designator.json',
		['CDR_TIMESTAMP_NO_UTC_DESIGNATOR'],
		cdr,
		'timestamps without "Z" (warnings: read as UTC)',
	);
}
{
	const cdr = byId('DELDN-261011-000612');
	const local = (value) => iso(Date.parse(value) + 2 * 3600000).replace('Z', '+02:00');
	for (const field of ['start_date_time', 'end_date_time']) cdr[field] = local(cdr[field]);
	broken(
		'offset-not-utc.json',
		['CDR_TIMESTAMP_NOT_UTC'],
		cdr,
		'start/end in local time with +02:00 (warnings: same instants)',
	);
}
{
	const cdr = byId('DELDN-261030-001377');
	cdr.last_updated = shiftIso(cdr.end_date_time, -20 * 60000);
	broken(
		'last-updated-before-end.json',
		['CDR_LAST_UPDATED_BEFORE_END'],
		cdr,
		'last_updated 20 min before the session ended (a warning)',
	);
}
{
	const cdr = byId('DELDN-261030-001377');
	cdr.charging_periods[0].dimensions.push({ type: 'STATE_OF_CHARGE', volume: 80 });
	broken(
		'session-only-dimension.json',
		['CDR_DIMENSION_SESSION_ONLY'],
		cdr,
		'STATE_OF_CHARGE in a CDR period (a warning)',
	);
}

{
	// An OCPI 2.3.0 CDR read in a 2.2.1 run (the default): one coded issue, no guess.
	broken(
		'ocpi-version-mismatch.json',
		['CDR_OCPI_VERSION_MISMATCH'],
		cdrsV230.find((cdr) => cdr.id === 'FREVC2610060003'),
		'an OCPI 2.3.0 CDR (total_cost.before_taxes) checked as 2.2.1: validate with --ocpi-version 2.3.0',
	);
}

{
	const cdr = byId('FREVC2610060003');
	const tariff = structuredClone(TARIFFS[0]);
	tariff.elements[1].price_components[0].step_size = 0;
	cdr.tariffs = [tariff];
	broken(
		'embedded-tariff-step-size-zero.json',
		['CDR_TARIFF_INVALID'],
		cdr,
		'an embedded tariff with ENERGY step_size 0, which the pricer refuses (TARIFF_STEP_SIZE_INVALID)',
	);
}

// Default severities of lib/quality's QUALITY_CHECKS that are warnings (test/samples checks the README against them).
const WARNINGS = new Set([
	'CDR_TIMESTAMP_NO_UTC_DESIGNATOR',
	'CDR_TIMESTAMP_NOT_UTC',
	'CDR_LAST_UPDATED_BEFORE_END',
	'CDR_DIMENSION_SESSION_ONLY',
	'CDR_ENERGY_ZERO',
	'CDR_SESSION_TOO_SHORT',
	'CDR_OCPI_211_FIELD_DROPPED',
]);

const README = [
	'# Broken sample CDRs',
	'',
	'One file per kind of defect the quality checks catch (`lib/quality`). Each file holds one CDR, or an array of',
	'items; validated in one run (one validator for the whole file), it yields exactly the issue codes listed here.',
	'Codes marked (warning) leave the CDR valid; the others reject it. Generated by `scripts/generate-samples.js`.',
	'',
	'| file | expected issue codes | defect |',
	'| --- | --- | --- |',
	...BROKEN.map(({ file, codes, what }) => {
		const listed = codes.map((code) => `\`${code}\`${WARNINGS.has(code) ? ' (warning)' : ''}`);
		return `| ${file} | ${listed.join(', ')} | ${what} |`;
	}),
	'',
	'`../ocpi-2.1.1-cdr.json` (an OCPI 2.1.1 CDR) gives `CDR_OCPI_211_UNMAPPABLE` unless the run says how to complete it',
	'(CPO and eMSP parties, token type, token uid).',
	'',
].join('\n');
fs.writeFileSync(path.join(SAMPLES, 'broken', 'README.md'), README);

console.log(
	`${cdrs.length} CDRs, ${TARIFFS.length} tariffs (each also as OCPI 2.3.0), ${BROKEN.length} broken files written to ${SAMPLES}`,
);
