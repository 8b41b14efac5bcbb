/**
 * The ledger schema as numbered migrations, applied in order on open and recorded in `ledger_migrations`. A migration
 * is never edited once released: later modules (deliveries, payments, reminders, disputes) append new versions.
 * One SQL text for both stores; where the SQL really differs, the migration reads it from the dialect.
 */
import { LedgerError } from './errors';
import type { SqlDialect, SqlDriver } from './sql-driver';

export interface Migration {
	version: number;
	name: string;
	sql: string | ((dialect: SqlDialect) => string);
}

/** Columns shared by both dialects; only the types of ids differ. */
function invoicesV1(dialect: SqlDialect): string {
	const eventId = dialect.serialKey;
	const partial = (condition: string) => `WHERE ${condition}`;
	return `
CREATE TABLE invoice_series (
	series TEXT PRIMARY KEY,
	last_sequence INTEGER NOT NULL CHECK (last_sequence >= 0),
	last_issue_date TEXT NOT NULL
);
CREATE TABLE invoices (
	number TEXT PRIMARY KEY,
	series TEXT NOT NULL REFERENCES invoice_series (series),
	sequence INTEGER NOT NULL CHECK (sequence >= 1),
	type_code TEXT NOT NULL CHECK (type_code IN ('380', '381')),
	issue_date TEXT NOT NULL,
	due_date TEXT,
	buyer_country_code TEXT NOT NULL,
	buyer_party_id TEXT NOT NULL,
	currency TEXT NOT NULL,
	total_without_vat TEXT NOT NULL,
	total_vat TEXT NOT NULL,
	total_with_vat TEXT NOT NULL,
	corrects_number TEXT REFERENCES invoices (number),
	payment_reference TEXT UNIQUE,
	document TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	rendered_at TEXT,
	rendered_files TEXT,
	UNIQUE (series, sequence),
	CHECK ((type_code = '381') = (corrects_number IS NOT NULL))
);
CREATE INDEX invoices_unrendered ON invoices (series, sequence) ${partial('rendered_at IS NULL')};
CREATE INDEX invoices_buyer ON invoices (buyer_country_code, buyer_party_id, issue_date);
CREATE INDEX invoices_corrects ON invoices (corrects_number) ${partial('corrects_number IS NOT NULL')};
CREATE TABLE invoice_cdrs (
	cdr_key TEXT PRIMARY KEY,
	country_code TEXT NOT NULL,
	party_id TEXT NOT NULL,
	cdr_id TEXT NOT NULL,
	invoice_number TEXT NOT NULL REFERENCES invoices (number)
);
CREATE INDEX invoice_cdrs_invoice ON invoice_cdrs (invoice_number);
CREATE TABLE ledger_events (
	id ${eventId},
	at TEXT NOT NULL,
	type TEXT NOT NULL,
	invoice_number TEXT REFERENCES invoices (number),
	payload TEXT NOT NULL
);
CREATE INDEX ledger_events_invoice ON ledger_events (invoice_number, id);
`;
}

/**
 * Idempotency keys on events: a fact that must be recorded once (a bank transaction applied to an invoice, a reminder
 * level sent) carries a key, and the unique index makes a second writer a no-op even when two imports race.
 */
const EVENT_KEYS_V2 = `
ALTER TABLE ledger_events ADD COLUMN event_key TEXT;
CREATE UNIQUE INDEX ledger_events_key ON ledger_events (event_key) WHERE event_key IS NOT NULL;
`;

/**
 * The Clearing Console's lists (issue 15): one index per sort order of the invoice list (keyset pagination answers a
 * page from the index), the CDRs by id whatever their CPO (search), and the events by type (payment tracking and the
 * review queues read one type at a time).
 */
function consoleListsV3(dialect: SqlDialect): string {
	return `
CREATE INDEX invoices_issue_order ON invoices (issue_date, series, sequence);
CREATE INDEX invoices_due_order ON invoices ((${DUE_DATE_KEY}), series, sequence);
CREATE INDEX invoices_total_order ON invoices ((${dialect.cents('total_with_vat')}), series, sequence);
CREATE INDEX invoice_cdrs_id ON invoice_cdrs ((UPPER(cdr_id)));
CREATE INDEX ledger_events_type ON ledger_events (type, id);
`;
}

/** The run journal's columns (migrations 4 and 5). */
const JOURNAL_COLUMNS = `	run_id TEXT NOT NULL,
	cdr_key TEXT NOT NULL,
	country_code TEXT NOT NULL,
	party_id TEXT NOT NULL,
	cdr_id TEXT NOT NULL,
	doc_key TEXT NOT NULL,
	credited_key TEXT,
	sort_key TEXT NOT NULL,
	line_no INTEGER,
	attempt TEXT NOT NULL,
	staged_at TEXT NOT NULL,
	data TEXT NOT NULL,
`;

/**
 * The invoicing run journal (issue 12.1): what a streamed run accepts is staged here, batch by batch, instead of in the
 * heap; each document is then issued from its staged rows (`doc_key`) and its CDR links inserted by INSERT … SELECT.
 * `attempt` tells a CDR repeated within one invocation (same attempt) from one staged by a killed run being resumed.
 */
const RUN_JOURNAL_V4 = `
CREATE TABLE staged_cdrs (
${JOURNAL_COLUMNS}	PRIMARY KEY (run_id, cdr_key)
);
CREATE INDEX staged_cdrs_document ON staged_cdrs (run_id, doc_key, sort_key);
CREATE INDEX staged_cdrs_age ON staged_cdrs (staged_at);
`;

/**
 * Monthly credit notes (issue 13.6): one credit note corrects several invoices, crediting an amount on each. One row
 * per credit note × corrected invoice; what is credited on an invoice is the sum of its rows. Credit notes recorded
 * before (one `corrects_number`, the whole credit on it) become one row each, so older ledgers answer the same.
 * `invoices.corrects_number` stays: the first invoice a credit note corrects (its CHECK still holds).
 */
const CREDIT_ALLOCATIONS_V5 = `
CREATE TABLE credit_allocations (
	credit_note_number TEXT NOT NULL REFERENCES invoices (number),
	invoice_number TEXT NOT NULL REFERENCES invoices (number),
	amount_with_vat TEXT NOT NULL,
	PRIMARY KEY (credit_note_number, invoice_number)
);
CREATE INDEX credit_allocations_invoice ON credit_allocations (invoice_number, credit_note_number);
INSERT INTO credit_allocations (credit_note_number, invoice_number, amount_with_vat)
	SELECT number, corrects_number, total_with_vat FROM invoices WHERE type_code = '381' AND corrects_number IS NOT NULL;
`;

/**
 * The run journal kept in document order (issue 12.2): on SQLite a document's rows lie together in the table itself
 * (WITHOUT ROWID, keyed by run, document, session order), so issuing a document reads them, links them and drops them
 * as one range instead of as rows scattered over the whole journal; a unique index keeps one row per CDR and run.
 * PostgreSQL keeps its table (its heap has no such order; staged_cdrs_document finds a document's rows).
 */
function runJournalOrderV6(dialect: SqlDialect): string {
	if (dialect.name !== 'sqlite') return 'SELECT 1';
	return `
CREATE TABLE staged_cdrs_v6 (
${JOURNAL_COLUMNS}	PRIMARY KEY (run_id, doc_key, sort_key, cdr_key)
) WITHOUT ROWID;
INSERT INTO staged_cdrs_v6 (run_id, cdr_key, country_code, party_id, cdr_id, doc_key, credited_key, sort_key, line_no, attempt, staged_at, data)
	SELECT run_id, cdr_key, country_code, party_id, cdr_id, doc_key, credited_key, sort_key, line_no, attempt, staged_at, data FROM staged_cdrs;
DROP TABLE staged_cdrs;
ALTER TABLE staged_cdrs_v6 RENAME TO staged_cdrs;
CREATE UNIQUE INDEX staged_cdrs_cdr ON staged_cdrs (run_id, cdr_key);
CREATE INDEX staged_cdrs_age ON staged_cdrs (staged_at);
`;
}

/** The due date a list sorts by: a document without one (a credit note) is due when issued. */
export const DUE_DATE_KEY = 'COALESCE(due_date, issue_date)';

export const MIGRATIONS: readonly Migration[] = [
	{ version: 1, name: 'invoices', sql: invoicesV1 },
	{ version: 2, name: 'event keys', sql: EVENT_KEYS_V2 },
	{ version: 3, name: 'console lists', sql: consoleListsV3 },
	{ version: 4, name: 'run journal', sql: RUN_JOURNAL_V4 },
	{ version: 5, name: 'credit allocations', sql: CREDIT_ALLOCATIONS_V5 },
	{ version: 6, name: 'run journal in document order', sql: runJournalOrderV6 },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS ledger_migrations (
	version INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	applied_at TEXT NOT NULL
)`;

/** Brings the store to the latest version, in one transaction (all or nothing); refuses a store written by a newer package. */
export async function migrate(driver: SqlDriver): Promise<void> {
	await driver.transaction(async (tx) => {
		await driver.lockForMigration(tx);
		await tx.script(MIGRATIONS_TABLE);
		const current = Number((await tx.one('SELECT COALESCE(MAX(version), 0) AS v FROM ledger_migrations'))?.v);
		if (current > LATEST_SCHEMA_VERSION) {
			throw new LedgerError(
				'LEDGER_SCHEMA_TOO_NEW',
				`The ledger's schema is at version ${current}, newer than this package knows (${LATEST_SCHEMA_VERSION}): it ` +
					'was written by a newer n8n-nodes-ev-clearing. Upgrade the package on every worker that opens this ledger.',
			);
		}
		for (const migration of MIGRATIONS) {
			if (migration.version <= current) continue;
			await tx.script(typeof migration.sql === 'string' ? migration.sql : migration.sql(driver.dialect));
			const applied = [migration.version, migration.name, new Date().toISOString()];
			await tx.run('INSERT INTO ledger_migrations (version, name, applied_at) VALUES (?, ?, ?)', applied);
		}
	});
}
