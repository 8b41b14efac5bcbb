/**
 * The seam between the ledger's one implementation (sql-ledger.ts) and a SQL engine (sqlite-driver.ts,
 * postgres-driver.ts). Statements are written once, with `?` placeholders; the few spots where SQLite and PostgreSQL
 * really differ are the dialect's. Operational failures (server down, file locked…) leave a driver as LedgerError.
 */

export type SqlValue = string | number | null;
/** A list is one parameter: only where `dialect.inList` or `dialect.rowsFrom` put its `?`. */
export type SqlParam = SqlValue | readonly SqlValue[];
export type Row = Record<string, unknown>;

/** A connection for reads, or a transaction. */
export interface SqlSession {
	all(sql: string, params?: readonly SqlParam[]): Promise<Row[]>;
	one(sql: string, params?: readonly SqlParam[]): Promise<Row | undefined>;
	/** A statement without result rows: how many rows it changed. */
	run(sql: string, params?: readonly SqlParam[]): Promise<number>;
	/**
	 * The rows of a query fetched `batchSize` at a time (a cursor), never the whole result in memory. Consume it
	 * inside the read or transaction callback that gave the session.
	 */
	iterate(sql: string, params?: readonly SqlParam[], batchSize?: number): AsyncIterable<Row>;
	/** Several statements without parameters (a migration). */
	script(sql: string): Promise<void>;
}

export type ColumnType = 'text' | 'integer';

export interface SqlDialect {
	readonly name: 'sqlite' | 'postgres';
	/** A condition: `column` is one of the strings of the list parameter at its `?`. */
	inList(column: string): string;
	/**
	 * A SELECT yielding `rows` (columns c1, c2… of the given types, in order) from a few parameters whatever their
	 * number: what a bulk INSERT … SELECT reads.
	 */
	rowsFrom(types: readonly ColumnType[], rows: readonly (readonly SqlValue[])[]): { sql: string; params: SqlParam[] };
	/**
	 * Appended to a SELECT of a row the transaction then relies on: PostgreSQL queues the other writers of that row
	 * behind this one (FOR UPDATE); SQLite's write transactions already run one at a time.
	 */
	readonly forUpdate: string;
	/**
	 * After `staged_cdrs` where its rows are found by run and CDR key: SQLite's planner, which has no statistics, would
	 * otherwise scan the run's part of the journal (its primary key starts with run_id) instead of seeking each key.
	 */
	readonly journalByCdr: string;
	/** The type of an auto-increment key column. */
	readonly serialKey: string;
	/**
	 * A 2-decimal amount text column as a whole number of cents: a sort key (lists by amount), the same expression in
	 * the index and in the ORDER BY so the index serves it. Never used to compute money.
	 */
	cents(column: string): string;
	/**
	 * A condition: the text `column` starts with `prefix`, served by the column's index where the engine can (SQLite: a
	 * range of its binary order; PostgreSQL: LIKE, by the index under the C collation, a scan otherwise).
	 */
	startsWith(column: string, prefix: string): { sql: string; params: SqlValue[] };
}

/** What a constraint refused; `name` is the engine's: the constraint (PostgreSQL) or its columns (SQLite). */
export type ConstraintViolation = { kind: 'unique'; table: string; name: string } | { kind: 'foreign_key' };

export interface SqlDriver {
	readonly dialect: SqlDialect;
	/** Reads of committed data; the callback uses only `db`. */
	read<T>(work: (db: SqlSession) => Promise<T>): Promise<T>;
	/**
	 * Committed when `work` resolves, rolled back when it throws; the callback uses only `tx` (never the ledger's
	 * own methods, which would wait for this transaction on SQLite).
	 */
	transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T>;
	/** First statement of the migration transaction: writers opening the store together wait here for one another. */
	lockForMigration(tx: SqlSession): Promise<void>;
	constraintViolation(error: unknown): ConstraintViolation | undefined;
	close(): Promise<void>;
}

/** Rows per INSERT: keeps one statement's parameters small on both engines. */
const INSERT_BATCH = 5_000;

/**
 * Inserts many rows with one statement per batch (no per-row round trip, no parameter limit). With `skipConflictOn`
 * (a unique column), rows already present are skipped: the result counts only the rows inserted.
 */
export async function insertRows(
	tx: SqlSession,
	dialect: SqlDialect,
	table: string,
	columns: readonly (readonly [name: string, type: ColumnType])[],
	rows: readonly (readonly SqlValue[])[],
	skipConflictOn?: string,
): Promise<number> {
	const names = columns.map(([name]) => name).join(', ');
	const onConflict = skipConflictOn ? ` ON CONFLICT (${skipConflictOn}) DO NOTHING` : '';
	let inserted = 0;
	for (let start = 0; start < rows.length; start += INSERT_BATCH) {
		const source = dialect.rowsFrom(
			columns.map(([, type]) => type),
			rows.slice(start, start + INSERT_BATCH),
		);
		inserted += await tx.run(`INSERT INTO ${table} (${names}) ${source.sql}${onConflict}`, source.params);
	}
	return inserted;
}

/** ` WHERE a = ? AND b >= ?…` of the conditions whose value is given, and their parameters in order. */
export function where(conditions: readonly (readonly [clause: string, value: SqlValue | undefined])[]): {
	sql: string;
	params: SqlValue[];
} {
	const given = conditions.filter(([, value]) => value !== undefined) as [string, SqlValue][];
	return {
		sql: given.length > 0 ? ` WHERE ${given.map(([clause]) => clause).join(' AND ')}` : '',
		params: given.map(([, value]) => value),
	};
}
