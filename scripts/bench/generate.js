'use strict';
// Generates N realistic OCPI 2.2.1 CDRs of one month (March 2026: a CPO's month, what monthly invoicing bills) as
// NDJSON, and the tariffs they reference, for the benchmarks. Deterministic (seeded), so runs compare.
// The month is the French CPO's (FR*EVC, the seller of samples/invoice-config.json): its sites in Lyon and Paris under
// four tariffs; one CDR in FOREIGN_EVERY is another CPO's (DE*LDN, Köln), which the French configuration refuses.
// Each CDR declares the price the project's pricer finds for it under those tariffs (total_cost and the component
// totals), except one in MISMATCH_EVERY, which declares 5 % more: the bench measures the common path (match) and still
// sees the mismatch path. Needs the build (dist/lib/pricing). Usage: node generate.js <count> <cdrs.ndjson> <tariffs.json>
// [--shuffle]: the same month in random session order (shuffleMonth below).
const fs = require('node:fs');
const path = require('node:path');

/** One CDR in this many declares a wrong price. */
const MISMATCH_EVERY = 50;
/** One CDR in this many is another CPO's (DE*LDN). */
const FOREIGN_EVERY = 100;

function rng(seed) {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const updated = '2026-01-01T00:00:00Z';
const tariffs = [
	{
		country_code: 'FR', party_id: 'EVC', id: 'BENCH-FR-AC', currency: 'EUR', last_updated: updated,
		elements: [
			{ price_components: [{ type: 'PARKING_TIME', price: 6, vat: 20, step_size: 60 }], restrictions: { min_duration: 7200 } },
			{ price_components: [{ type: 'ENERGY', price: 0.42, vat: 20, step_size: 1 }], restrictions: { start_time: '17:00', end_time: '20:00' } },
			{ price_components: [{ type: 'ENERGY', price: 0.35, vat: 20, step_size: 1 }] },
		],
	},
	{
		country_code: 'FR', party_id: 'EVC', id: 'BENCH-FR-DC', currency: 'EUR', last_updated: updated,
		elements: [
			{ price_components: [{ type: 'FLAT', price: 1, vat: 20, step_size: 0 }] },
			{ price_components: [{ type: 'ENERGY', price: 0.59, vat: 20, step_size: 1 }], restrictions: { min_power: 50 } },
			{ price_components: [{ type: 'ENERGY', price: 0.49, vat: 20, step_size: 1 }] },
			{ price_components: [{ type: 'TIME', price: 12, vat: 20, step_size: 60 }], restrictions: { min_duration: 2700 } },
		],
	},
	{
		country_code: 'FR', party_id: 'EVC', id: 'BENCH-FR-AC-WE', currency: 'EUR', last_updated: updated,
		elements: [
			{ price_components: [{ type: 'ENERGY', price: 0.33, vat: 20, step_size: 1 }], restrictions: { day_of_week: ['SATURDAY', 'SUNDAY'] } },
			{ price_components: [{ type: 'ENERGY', price: 0.45, vat: 20, step_size: 1 }] },
			{ price_components: [{ type: 'TIME', price: 1.2, vat: 20, step_size: 60 }], restrictions: { min_duration: 14400, start_time: '08:00', end_time: '20:00' } },
		],
	},
	{
		country_code: 'FR', party_id: 'EVC', id: 'BENCH-FR-HPC', currency: 'EUR', last_updated: updated,
		elements: [
			{ price_components: [{ type: 'ENERGY', price: 0.79, vat: 20, step_size: 1 }], restrictions: { min_power: 150 } },
			{ price_components: [{ type: 'ENERGY', price: 0.69, vat: 20, step_size: 1 }] },
			{ price_components: [{ type: 'PARKING_TIME', price: 6, vat: 20, step_size: 60 }], restrictions: { min_duration: 3600 } },
		],
	},
	{
		country_code: 'DE', party_id: 'LDN', id: 'BENCH-DE-AC', currency: 'EUR', last_updated: updated,
		elements: [
			{ price_components: [{ type: 'ENERGY', price: 0.39, vat: 19, step_size: 1 }], restrictions: { day_of_week: ['SATURDAY', 'SUNDAY'] } },
			{ price_components: [{ type: 'ENERGY', price: 0.49, vat: 19, step_size: 1 }] },
			{ price_components: [{ type: 'TIME', price: 1.2, vat: 19, step_size: 60 }], restrictions: { min_duration: 14400, start_time: '08:00', end_time: '20:00' } },
		],
	},
];
/** The French CPO's tariffs, taken in turn; the last tariff is the other CPO's. */
const OWN_TARIFFS = tariffs.length - 1;

const emsps = [['FR', 'MOB'], ['DE', 'CHP'], ['NL', 'ROM'], ['BE', 'EMS']];
const sites = {
	FR: { country: 'FRA', city: 'Lyon', address: '12 Rue de la République', postal_code: '69002', latitude: '45.764043', longitude: '4.835659' },
	FR2: { country: 'FRA', city: 'Paris', address: '8 Avenue de la Porte de Clichy', postal_code: '75017', latitude: '48.894529', longitude: '2.313446' },
	DE: { country: 'DEU', city: 'Köln', address: 'Hohenzollernring 40', postal_code: '50672', latitude: '50.937531', longitude: '6.960279' },
};

function iso(ms) {
	return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function round(n, places) {
	const f = 10 ** places;
	return Math.round(n * f) / f;
}

function makeCdr(i, count, random) {
	const tariff = i % FOREIGN_EVERY === FOREIGN_EVERY / 2 ? tariffs[OWN_TARIFFS] : tariffs[i % OWN_TARIFFS];
	const dc = tariff.id.endsWith('DC') || tariff.id.endsWith('HPC');
	const cpo = tariff.country_code;
	const party = tariff.party_id;
	const [emspCountry, emspParty] = emsps[Math.floor(random() * emsps.length)];
	// In session order, as a CPO's backend exports its month (OCPI GET /cdrs pages by date): the i-th of N starts in the
	// i-th N-th of the month.
	const start = Date.UTC(2026, 2, 1) + Math.floor(((i + random()) / count) * 30 * 86400) * 1000;
	const chargeSeconds = dc ? 900 + Math.floor(random() * 3600) : 3600 + Math.floor(random() * 5 * 3600);
	const parkSeconds = random() < 0.4 ? Math.floor(random() * 3 * 3600) : 0;
	const power = dc ? 40 + random() * 160 : 3 + random() * 8;
	const periods = [];
	const splits = 1 + Math.floor(random() * 3);
	let energy = 0;
	let t = start;
	for (let p = 0; p < splits; p++) {
		const seconds = Math.floor(chargeSeconds / splits);
		const kwh = round((power * seconds) / 3600 * 0.9, 3);
		energy += kwh;
		periods.push({
			start_date_time: iso(t),
			dimensions: [
				{ type: 'ENERGY', volume: kwh },
				{ type: 'TIME', volume: round(seconds / 3600, 4) },
				{ type: 'MAX_POWER', volume: round(power, 1) },
			],
			tariff_id: tariff.id,
		});
		t += seconds * 1000;
	}
	if (parkSeconds > 0) {
		periods.push({ start_date_time: iso(t), dimensions: [{ type: 'PARKING_TIME', volume: round(parkSeconds / 3600, 4) }], tariff_id: tariff.id });
		t += parkSeconds * 1000;
	}
	const paris = cpo === 'FR' && i % 2 === 1;
	const site = sites[paris ? 'FR2' : cpo];
	const evse = cpo === 'FR' ? `FR*EVC*E${(paris ? 20000 : 10000) + (i % 500)}` : `DE*LDN*E${2000 + (i % 500)}*1`;
	const totalTime = round((t - start) / 3600000, 4);
	const cost = round(energy * (dc ? 0.55 : 0.4), 2);
	return {
		country_code: cpo,
		party_id: party,
		id: `BENCH-${String(i).padStart(10, '0')}`,
		start_date_time: iso(start),
		end_date_time: iso(t),
		session_id: `S-${i}`,
		cdr_token: { country_code: emspCountry, party_id: emspParty, uid: `04A1B2C3D4${String(i % 100000).padStart(6, '0')}`, type: 'RFID', contract_id: `${emspCountry}-${emspParty}-C${String(i % 1000000).padStart(8, '0')}` },
		auth_method: 'WHITELIST',
		cdr_location: {
			id: `LOC-${paris ? 'FR2' : cpo}-${i % 200}`, name: `${site.city} ${i % 200}`, address: site.address, city: site.city, postal_code: site.postal_code, country: site.country,
			coordinates: { latitude: site.latitude, longitude: site.longitude },
			evse_uid: evse, evse_id: evse, connector_id: '1',
			connector_standard: dc ? 'IEC_62196_T2_COMBO' : 'IEC_62196_T2', connector_format: dc ? 'CABLE' : 'SOCKET', connector_power_type: dc ? 'DC' : 'AC_3_PHASE',
		},
		currency: 'EUR',
		charging_periods: periods,
		total_cost: { excl_vat: cost, incl_vat: round(cost * (cpo === 'FR' ? 1.2 : 1.19), 2) },
		total_energy: round(energy, 3),
		total_time: totalTime,
		total_parking_time: round(parkSeconds / 3600, 4),
		last_updated: iso(t + 60000),
	};
}

const money = (v) => Number(v.toDecimalPlaces(2, 4).toFixed(2));

/** Declares what the pricer computes (rounded to the cent), or 5 % more for one CDR in MISMATCH_EVERY. */
function declarePrice(cdr, i, pricer) {
	const priced = pricer.price(cdr);
	if (!priced.computed) return cdr;
	const factor = i % MISMATCH_EVERY === MISMATCH_EVERY - 1 ? 1.05 : 1;
	for (const name of ['total_cost', 'total_energy_cost', 'total_time_cost', 'total_parking_cost', 'total_fixed_cost']) {
		const c = priced.computed[name];
		if (name === 'total_cost' || !c.excl_vat.isZero()) cdr[name] = { excl_vat: money(c.excl_vat.times(factor)), incl_vat: money(c.incl_vat.times(factor)) };
	}
	return cdr;
}

function loadPricer() {
	const { createPricer } = require(path.resolve(__dirname, '../../dist/lib/pricing'));
	return createPricer({ tariffs });
}

function generate(count, cdrFile, tariffFile) {
	const random = rng(20261127);
	const pricer = loadPricer();
	const fd = fs.openSync(cdrFile, 'w');
	let batch = [];
	for (let i = 0; i < count; i++) {
		batch.push(JSON.stringify(declarePrice(makeCdr(i, count, random), i, pricer)));
		if (batch.length === 5000) {
			fs.writeSync(fd, batch.join('\n') + '\n');
			batch = [];
		}
	}
	if (batch.length) fs.writeSync(fd, batch.join('\n') + '\n');
	fs.closeSync(fd);
	if (tariffFile) fs.writeFileSync(tariffFile, JSON.stringify(tariffs, null, 2));
}

/** Lines of a file, a chunk at a time (a month does not fit in one string). */
function* fileLines(file) {
	const fd = fs.openSync(file, 'r');
	const chunk = Buffer.alloc(1 << 22);
	let rest = '';
	for (let n; (n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0; ) {
		const lines = (rest + chunk.toString('utf8', 0, n)).split('\n');
		rest = lines.pop();
		yield* lines;
	}
	fs.closeSync(fd);
	if (rest) yield rest;
}

/** Lines per bucket of shuffleMonth: what it holds in memory at a time. */
const SHUFFLE_BUCKET = 50_000;

/**
 * The month of `sessionFile` in random session order, as a backend that exports CDRs by id (not by date) writes it: the
 * same CDRs shuffled (deterministically, seeded), then renamed in file order (BENCH-0…N-1), so that a CDR's id says
 * nothing of its session time, as with a CPO's UUIDs. Bounded memory: each line goes to a random bucket file, then
 * each bucket is shuffled in memory and appended (a uniform shuffle). Prices and totals are the session month's.
 */
function shuffleMonth(sessionFile, outFile, count) {
	const random = rng(20261202);
	const buckets = Math.max(1, Math.ceil(count / SHUFFLE_BUCKET));
	const names = Array.from({ length: buckets }, (_, b) => `${outFile}.bucket-${b}`);
	const fds = names.map((name) => fs.openSync(name, 'w'));
	const pending = names.map(() => []);
	for (const text of fileLines(sessionFile)) {
		if (!text) continue;
		const b = Math.floor(random() * buckets);
		pending[b].push(text);
		if (pending[b].length === 1000) fs.writeSync(fds[b], pending[b].splice(0).join('\n') + '\n');
	}
	for (let b = 0; b < buckets; b++) {
		if (pending[b].length) fs.writeSync(fds[b], pending[b].join('\n') + '\n');
		fs.closeSync(fds[b]);
	}
	const out = fs.openSync(outFile, 'w');
	let position = 0;
	for (const name of names) {
		const lines = fs.readFileSync(name, 'utf8').split('\n');
		lines.pop();
		fs.rmSync(name);
		for (let k = lines.length - 1; k > 0; k--) {
			const j = Math.floor(random() * (k + 1));
			[lines[k], lines[j]] = [lines[j], lines[k]];
		}
		for (let k = 0; k < lines.length; k += 5000) {
			const block = lines.slice(k, k + 5000).map((text) => text.replace(/"id":"BENCH-\d{10}"/, () => `"id":"BENCH-${String(position++).padStart(10, '0')}"`));
			fs.writeSync(out, block.join('\n') + '\n');
		}
	}
	fs.closeSync(out);
}

module.exports = { generate, shuffleMonth, rng, tariffs, MISMATCH_EVERY, FOREIGN_EVERY };

if (require.main === module) {
	const [count, cdrFile, tariffFile, flag] = process.argv.slice(2);
	if (flag === '--shuffle') {
		generate(Number(count), `${cdrFile}.session`, tariffFile);
		shuffleMonth(`${cdrFile}.session`, cdrFile, Number(count));
		fs.rmSync(`${cdrFile}.session`);
	} else generate(Number(count), cdrFile, tariffFile);
}
