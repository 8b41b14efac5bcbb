'use strict';
/**
 * Seeds a ledger for the console benchmark fast: the ledger is opened once through `openLedger` (which creates and
 * migrates its schema), then the rows `issue` and `recordEvent` would write are inserted in large transactions —
 * 100,000 invoices one `issue` at a time take ~25 min with SQLite's synchronous commits, this takes about a minute.
 * The rows are exactly those of the ledger's tables (same columns, same CDR keys, same event payloads), so the
 * console reads them through the public Ledger interface like any other.
 */
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const { openLedger } = require(path.join(root, 'dist/lib/ledger'));

const EMSPS = [
	['FR', 'MOB', 'Mobilis France SAS'],
	['DE', 'CHP', 'ChargePoint Partner GmbH'],
	['NL', 'ROM', 'Roam Netherlands B.V.'],
	['BE', 'EMS', 'E-Mobility Services SA'],
	['FR', 'FRE', 'Freshmile SAS'],
	['DE', 'ENB', 'EnBW mobility+ AG'],
	['IT', 'BEC', 'Be Charge S.r.l.'],
	['ES', 'IBE', 'Iberdrola Clientes S.A.U.'],
];

const cents = (n) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
const numberOf = (n) => `BENCH-${String(n).padStart(7, '0')}`;

/** Every row of invoice `n` (1-based): the invoice, its CDR links, its events. */
function rowsOf(n, invoices, perInvoice) {
	const emsp = EMSPS[n % EMSPS.length];
	const day = new Date(Date.UTC(2025, 0, 1) + Math.floor((n / invoices) * 660) * 86_400_000).toISOString().slice(0, 10);
	const due = new Date(Date.parse(day) + 30 * 86_400_000).toISOString().slice(0, 10);
	const number = numberOf(n);
	const cdrIds = Array.from({ length: perInvoice }, (_, i) => `BENCH${String(n).padStart(7, '0')}C${String(i).padStart(2, '0')}`);
	const lineCents = 500 + ((n * 37) % 2500);
	const net = lineCents * perInvoice;
	const vat = Math.round(net * 0.2);
	const totals = { withoutVat: cents(net), vat: cents(vat), withVat: cents(net + vat) };
	const document = {
		number,
		typeCode: '380',
		issueDate: day,
		dueDate: due,
		currency: 'EUR',
		seller: { name: 'EV Charge France SAS', address: { countryCode: 'FR' } },
		buyer: { name: emsp[2], address: { countryCode: emsp[0] } },
		period: { start: `${day.slice(0, 7)}-01`, end: day },
		lines: cdrIds.map((id, i) => ({
			id: String(i + 1),
			objectId: { value: id },
			quantity: '1',
			unitCode: 'C62',
			netPrice: cents(lineCents),
			netAmount: cents(lineCents),
			vat: { category: 'S', rate: '20' },
			item: { name: `Charging session ${id}` },
		})),
		vatBreakdown: [{ category: 'S', rate: '20', taxableAmount: totals.withoutVat, taxAmount: totals.vat }],
		totals: { lineNetTotal: totals.withoutVat, taxExclusive: totals.withoutVat, vatTotal: totals.vat, taxInclusive: totals.withVat, due: totals.withVat },
	};
	const at = `${day}T06:00:00.000Z`;
	const invoice = [number, 'BENCH', n, '380', day, due, emsp[0], emsp[1], 'EUR', totals.withoutVat, totals.vat, totals.withVat, null, null, JSON.stringify(document), at];
	const cdrs = cdrIds.map((id) => [`FR*EVC*${id}`.toUpperCase(), 'FR', 'EVC', id, number]);
	const events = [
		[at, 'INVOICE_ISSUED', number, JSON.stringify({ series: 'BENCH', sequence: n, typeCode: '380', issueDate: day, buyer: { countryCode: emsp[0], partyId: emsp[1] }, currency: 'EUR', totals, cdrCount: perInvoice }), null],
		[at, 'DELIVERY_SUCCEEDED', number, JSON.stringify({ channel: 'email', at, remoteId: null, outcome: 'sent', attempts: 1 }), null],
	];
	// Two thirds paid (one in seven of those by half), one in 97 disputed, one in six reminded.
	if (n % 3 !== 0) {
		const paid = n % 7 === 0 ? Math.floor((net + vat) / 2) : net + vat;
		events.push([at, 'PAYMENT_RECORDED', number, JSON.stringify({ paymentId: `BANK-${n}`, amount: cents(paid), currency: 'EUR', date: day, source: 'creditor_reference' }), `PAYMENT_RECORDED:BANK-${n}:${number}`]);
	}
	if (n % 97 === 0) {
		events.push([at, 'DISPUTE_OPENED', number, JSON.stringify({ disputeId: `${number}-D1`, date: day, reason: 'Tariff not agreed' }), `DISPUTE_OPENED:${number}-D1`]);
	}
	if (n % 6 === 0) events.push([at, 'REMINDER_SENT', number, JSON.stringify({ level: 1, date: due }), `REMINDER_SENT:${number}:1`]);
	return { invoice, cdrs, events, day };
}

const INVOICE_COLUMNS =
	'number, series, sequence, type_code, issue_date, due_date, buyer_country_code, buyer_party_id, currency, total_without_vat, total_vat, total_with_vat, corrects_number, payment_reference, document, recorded_at';
const CDR_COLUMNS = 'cdr_key, country_code, party_id, cdr_id, invoice_number';
const EVENT_COLUMNS = 'at, type, invoice_number, payload, event_key';

async function seedSqlite(file, invoices, perInvoice, progress) {
	const { DatabaseSync } = require('node:sqlite');
	const db = new DatabaseSync(file);
	db.exec('PRAGMA journal_mode = WAL');
	db.exec('PRAGMA synchronous = OFF');
	const insertInvoice = db.prepare(`INSERT INTO invoices (${INVOICE_COLUMNS}) VALUES (${Array(16).fill('?').join(', ')})`);
	const insertCdr = db.prepare(`INSERT INTO invoice_cdrs (${CDR_COLUMNS}) VALUES (?, ?, ?, ?, ?)`);
	const insertEvent = db.prepare(`INSERT INTO ledger_events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?)`);
	let last;
	db.exec('BEGIN');
	db.prepare('INSERT INTO invoice_series (series, last_sequence, last_issue_date) VALUES (?, 0, ?)').run('BENCH', '2025-01-01');
	for (let n = 1; n <= invoices; n++) {
		const rows = rowsOf(n, invoices, perInvoice);
		insertInvoice.run(...rows.invoice);
		for (const cdr of rows.cdrs) insertCdr.run(...cdr);
		for (const event of rows.events) insertEvent.run(...event);
		last = rows.day;
		if (n % 10_000 === 0) {
			db.exec('COMMIT');
			progress(n);
			db.exec('BEGIN');
		}
	}
	db.prepare('UPDATE invoice_series SET last_sequence = ?, last_issue_date = ? WHERE series = ?').run(invoices, last, 'BENCH');
	db.exec('COMMIT');
	db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
	db.close();
}

async function seedPostgres(connectionString, schema, invoices, perInvoice, progress) {
	const { Client } = require('pg');
	const client = new Client({ connectionString });
	await client.connect();
	try {
		await client.query(`SET search_path TO "${schema}"`);
		await client.query('BEGIN');
		await client.query('INSERT INTO invoice_series (series, last_sequence, last_issue_date) VALUES ($1, 0, $2)', ['BENCH', '2025-01-01']);
		let batch = { invoices: [], cdrs: [], events: [] };
		let last;
		const flush = async () => {
			const columns = (rows, width) => Array.from({ length: width }, (_, i) => rows.map((row) => row[i]));
			if (batch.invoices.length) {
				await client.query(
					`INSERT INTO invoices (${INVOICE_COLUMNS}) SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])`,
					columns(batch.invoices, 16),
				);
			}
			if (batch.cdrs.length) await client.query(`INSERT INTO invoice_cdrs (${CDR_COLUMNS}) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`, columns(batch.cdrs, 5));
			if (batch.events.length) await client.query(`INSERT INTO ledger_events (${EVENT_COLUMNS}) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`, columns(batch.events, 5));
			batch = { invoices: [], cdrs: [], events: [] };
		};
		for (let n = 1; n <= invoices; n++) {
			const rows = rowsOf(n, invoices, perInvoice);
			batch.invoices.push(rows.invoice);
			batch.cdrs.push(...rows.cdrs);
			batch.events.push(...rows.events);
			last = rows.day;
			if (n % 2_000 === 0) await flush();
			if (n % 10_000 === 0) progress(n);
		}
		await flush();
		await client.query('UPDATE invoice_series SET last_sequence = $1, last_issue_date = $2 WHERE series = $3', [invoices, last, 'BENCH']);
		await client.query('COMMIT');
		await client.query('ANALYZE');
	} finally {
		await client.end();
	}
}

/** Seeds `config` (a LedgerConfig) with `invoices` invoices of `perInvoice` CDRs each, unless it holds them already. */
async function seedLedger(config, invoices, perInvoice, progress = () => undefined) {
	const ledger = await openLedger(config);
	const existing = (await ledger.listInvoices({ series: 'BENCH' })).length;
	await ledger.close();
	if (existing >= invoices) return { reused: existing };
	if (existing > 0) throw new Error(`The ledger holds ${existing} bench invoices, fewer than ${invoices}: give an empty one.`);
	const started = Date.now();
	if (config.kind === 'sqlite') await seedSqlite(config.path, invoices, perInvoice, progress);
	else await seedPostgres(config.connectionString, config.schema ?? 'public', invoices, perInvoice, progress);
	return { invoices, cdrs: invoices * perInvoice, seconds: Math.round((Date.now() - started) / 1000) };
}

module.exports = { seedLedger, numberOf };
