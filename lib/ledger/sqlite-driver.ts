/**
 * The embedded store: one SQLite file through Node's built-in `node:sqlite` (no native build), loaded only when a
 * SQLite ledger is opened — it needs Node.js 22.13 or later, and the nodes must load on older Nodes too (PostgreSQL).
 *
 * Several processes may share the file (n8n main + task runners, the CLI): WAL lets readers run beside the writer,
 * every write runs in `BEGIN IMMEDIATE` (it takes the write lock up front, so two writers never both read a counter
 * and then race to bump it), and busy_timeout makes the second writer wait instead of failing (node:sqlite is
 * synchronous: that wait blocks the event loop, up to busyTimeoutMs). Inside one process the ledger's code awaits
 * between statements, so write transactions on a file are queued one at a time; reads use a second, read-only
 * connection that sees committed data only, and never wait for them.
 * synchronous=FULL: a committed number must survive a power cut, or the next run would hand it out again.
 * A page cache of CACHE_MB per connection (SQLite's default is 2 MB): a month's run journal and CDR links are B-trees of
 * a million rows, which a small cache reads and writes back page by page.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type * as NodeSqlite from 'node:sqlite';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { LedgerError } from './errors';
import type { ColumnType, ConstraintViolation, Row, SqlDialect, SqlDriver, SqlParam, SqlSession, SqlValue } from './sql-driver';

export const SQLITE_DIALECT: SqlDialect = {
	name: 'sqlite',
	inList: (column) => `${column} IN (SELECT value FROM json_each(?))`,
	rowsFrom: (types: readonly ColumnType[], rows: readonly (readonly SqlValue[])[]) => ({
		// WHERE true: SQLite reads a following ON CONFLICT as the upsert clause, not as a join constraint.
		sql: `SELECT ${types.map((_, i) => `json_extract(value, '$[${i}]')`).join(', ')} FROM json_each(?) WHERE true`,
		params: [JSON.stringify(rows)],
	}),
	forUpdate: '',
	journalByCdr: ' INDEXED BY staged_cdrs_cdr',
	serialKey: 'INTEGER PRIMARY KEY AUTOINCREMENT',
	cents: (column) => `CAST(REPLACE(${column}, '.', '') AS INTEGER)`,
	startsWith: (column, prefix) => ({ sql: `(${column} >= ? AND ${column} < ?)`, params: [prefix, `${prefix}\u{10FFFF}`] }),
};

/** Page cache of each connection, in MB. */
const CACHE_MB = 32;

function nodeSqlite(): typeof NodeSqlite {
	const sqlite = process.getBuiltinModule?.('node:sqlite');
	if (!sqlite) {
		throw new LedgerError(
			'LEDGER_SQLITE_UNAVAILABLE',
			`The SQLite ledger needs Node.js 22.13 or later (its built-in node:sqlite); this runs on Node.js ` +
				`${process.versions.node}: upgrade Node.js, or choose the PostgreSQL ledger, which works on this version.`,
			'kind',
		);
	}
	return sqlite;
}

/** SQLite's errors that mean the file cannot be used now, as a LedgerError saying what to do; others unchanged. */
function operationalError(error: unknown, path: string, busyTimeoutMs: number): unknown {
	if (error instanceof LedgerError) return error;
	const { errcode, message = '' } = error as { errcode?: number; message?: string };
	const primary = typeof errcode === 'number' ? errcode & 0xff : undefined;
	const refuse = (code: 'LEDGER_BUSY' | 'LEDGER_READ_ONLY' | 'LEDGER_FILE_UNUSABLE', what: string) =>
		new LedgerError(code, `The ledger file ${path} ${what}`, 'path');
	if (primary === 5 || primary === 6 || /database (table )?is locked/.test(message)) {
		return refuse('LEDGER_BUSY', `stayed locked by another process for ${busyTimeoutMs} ms: let the other run finish, then run again.`);
	}
	if (primary === 8 || /readonly database/.test(message)) {
		return refuse('LEDGER_READ_ONLY', 'cannot be written (the file or its folder is read-only for this user): give write permission on both, or use another path.');
	}
	if (primary === 14 || /unable to open database/.test(message)) {
		return refuse('LEDGER_FILE_UNUSABLE', 'cannot be opened (no permission on it or its folder, or the path is a folder): give a file path in a folder this user can write.');
	}
	if (primary === 26 || /not a database/.test(message)) {
		return refuse('LEDGER_FILE_UNUSABLE', 'is not a SQLite database: give the path of the ledger file, or a new path to start one.');
	}
	if (primary === 11 || primary === 13 || primary === 10) {
		return refuse('LEDGER_FILE_UNUSABLE', `cannot be read or written (${message}): check the disk (space, errors), or restore the file from a backup.`);
	}
	return error;
}

/**
 * Creates the ledger's folder and its missing parents, one level at a time: Node's recursive mkdirSync never returns
 * on some pseudo file systems (a path under /proc loops forever), and a ledger path typed wrong must fail, not hang.
 */
function makeFolder(folder: string, ledgerPath: string): void {
	const unusable = (why: string) =>
		new LedgerError('LEDGER_CONFIG_INVALID', `The ledger file ${ledgerPath} is unusable (${why}): give a ledger path in a writable folder.`, 'path');
	try {
		if (statSync(folder).isDirectory()) return;
		throw unusable('a part of its folder path is a file');
	} catch (error) {
		if (error instanceof LedgerError) throw error;
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOTDIR') throw unusable('a part of its folder path is a file');
		if (code !== 'ENOENT') throw unusable(`its folder cannot be read: ${code ?? String(error)}`);
	}
	const parent = dirname(folder);
	if (parent !== folder) makeFolder(parent, ledgerPath);
	try {
		mkdirSync(folder);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code !== 'EEXIST') throw unusable(`its folder ${folder} cannot be created: ${code ?? String(error)}`);
	}
}

/** The tail of each file's queue of write transactions in this process. */
const writeQueues = new Map<string, Promise<void>>();

async function oneAtATime<T>(file: string, work: () => Promise<T>): Promise<T> {
	const previous = writeQueues.get(file) ?? Promise.resolve();
	let done!: () => void;
	const mine = new Promise<void>((resolve) => (done = resolve));
	const tail = previous.then(() => mine);
	writeQueues.set(file, tail);
	await previous;
	try {
		return await work();
	} finally {
		done();
		if (writeQueues.get(file) === tail) writeQueues.delete(file);
	}
}

const bind = (params: readonly SqlParam[]): SQLInputValue[] =>
	params.map((value) => (Array.isArray(value) ? JSON.stringify(value) : (value as SqlValue)));

class SqliteSession implements SqlSession {
	private readonly statements = new Map<string, StatementSync>();

	constructor(
		readonly db: DatabaseSync,
		readonly fail: (error: unknown) => unknown,
	) {}

	guard<T>(work: () => T): T {
		try {
			return work();
		} catch (error) {
			throw this.fail(error);
		}
	}

	private statement(sql: string): StatementSync {
		let statement = this.statements.get(sql);
		if (!statement) {
			statement = this.db.prepare(sql);
			this.statements.set(sql, statement);
		}
		return statement;
	}

	async all(sql: string, params: readonly SqlParam[] = []): Promise<Row[]> {
		return this.guard(() => this.statement(sql).all(...bind(params)) as Row[]);
	}

	async one(sql: string, params: readonly SqlParam[] = []): Promise<Row | undefined> {
		return this.guard(() => this.statement(sql).get(...bind(params)) as Row | undefined);
	}

	async run(sql: string, params: readonly SqlParam[] = []): Promise<number> {
		return this.guard(() => Number(this.statement(sql).run(...bind(params)).changes));
	}

	async *iterate(sql: string, params: readonly SqlParam[] = []): AsyncIterable<Row> {
		// A statement of its own: a cached one would be reset by the next call of the same SQL.
		const rows = this.guard(() => this.db.prepare(sql).iterate(...bind(params)));
		for (;;) {
			const next = this.guard(() => rows.next());
			if (next.done) return;
			yield next.value as Row;
		}
	}

	async script(sql: string): Promise<void> {
		this.guard(() => this.db.exec(sql));
	}
}

class SqliteDriver implements SqlDriver {
	readonly dialect = SQLITE_DIALECT;
	private closed = false;

	constructor(
		private readonly file: string,
		private readonly writer: SqliteSession,
		/** Absent for ':memory:', which a second connection cannot see: reads then queue with the writes. */
		private readonly reader?: SqliteSession,
	) {}

	read<T>(work: (db: SqlSession) => Promise<T>): Promise<T> {
		return this.reader ? work(this.reader) : oneAtATime(this.file, () => work(this.writer));
	}

	transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
		return oneAtATime(this.file, async () => {
			this.writer.guard(() => this.writer.db.exec('BEGIN IMMEDIATE'));
			try {
				const result = await work(this.writer);
				this.writer.guard(() => this.writer.db.exec('COMMIT'));
				return result;
			} catch (error) {
				try {
					this.writer.db.exec('ROLLBACK');
				} catch {
					// No transaction left to roll back (SQLite ended it itself).
				}
				throw error;
			}
		});
	}

	async lockForMigration(): Promise<void> {
		// BEGIN IMMEDIATE already holds the file's write lock.
	}

	constraintViolation(error: unknown): ConstraintViolation | undefined {
		const message = String((error as { message?: unknown }).message ?? '');
		const unique = /^UNIQUE constraint failed: (\w+)\.(.+)$/.exec(message);
		if (unique) return { kind: 'unique', table: unique[1], name: unique[2] };
		if (message === 'FOREIGN KEY constraint failed') return { kind: 'foreign_key' };
		return undefined;
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.reader?.db.close();
		this.writer.db.close();
	}
}

export function openSqliteDriver(path: string, busyTimeoutMs = 10_000): SqlDriver {
	const { DatabaseSync } = nodeSqlite();
	const memory = path === ':memory:';
	if (!memory) makeFolder(dirname(path), path);
	const fail = (error: unknown) => operationalError(error, path, busyTimeoutMs);
	const connect = (setup: string[], readOnly = false): SqliteSession => {
		let db: DatabaseSync;
		try {
			db = new DatabaseSync(path, { readOnly });
		} catch (error) {
			throw fail(error);
		}
		const session = new SqliteSession(db, fail);
		try {
			for (const sql of [`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`, `PRAGMA cache_size = -${CACHE_MB * 1024}`, ...setup]) {
				session.guard(() => db.exec(sql));
			}
		} catch (error) {
			db.close();
			throw error;
		}
		return session;
	};
	const writer = connect(['PRAGMA journal_mode = WAL', 'PRAGMA synchronous = FULL', 'PRAGMA foreign_keys = ON']);
	try {
		return new SqliteDriver(memory ? path : resolve(path), writer, memory ? undefined : connect([], true));
	} catch (error) {
		writer.db.close();
		throw error;
	}
}
