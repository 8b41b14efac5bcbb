/**
 * The shared store for n8n queue mode: PostgreSQL through `pg`, several workers writing at once. Transactions run at
 * READ COMMITTED on a pooled client: a statement after a row lock (dialect.forUpdate) sees every transaction that held
 * the lock before. Migrations wait on an advisory lock, so workers starting together migrate once.
 */
import { Pool, type PoolClient, type QueryResult } from 'pg';
import { LedgerError, type LedgerErrorCode } from './errors';
import type { ColumnType, ConstraintViolation, Row, SqlDialect, SqlDriver, SqlParam, SqlSession, SqlValue } from './sql-driver';

const columnNames = (count: number) => Array.from({ length: count }, (_, i) => `c${i + 1}`).join(', ');

export const POSTGRES_DIALECT: SqlDialect = {
	name: 'postgres',
	inList: (column) => `${column} = ANY(?::text[])`,
	rowsFrom: (types: readonly ColumnType[], rows: readonly (readonly SqlValue[])[]) => ({
		// One array per column; WITH ORDINALITY keeps the caller's order (writers lock keys in the same order).
		sql:
			`SELECT ${columnNames(types.length)} FROM unnest(${types.map((type) => `?::${type === 'integer' ? 'bigint' : 'text'}[]`).join(', ')}) ` +
			`WITH ORDINALITY AS r (${columnNames(types.length)}, n) ORDER BY n`,
		params: types.map((_, i) => rows.map((row) => row[i])),
	}),
	forUpdate: ' FOR UPDATE',
	journalByCdr: '',
	serialKey: 'BIGSERIAL PRIMARY KEY',
	cents: (column) => `(REPLACE(${column}, '.', '')::bigint)`,
	startsWith: (column, prefix) => ({ sql: `${column} LIKE ? ESCAPE '\\'`, params: [`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`] }),
};

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** `?` → `$1, $2…` (outside quoted literals), once per statement text. */
const numbered = new Map<string, string>();
function numberPlaceholders(sql: string): string {
	let text = numbered.get(sql);
	if (text === undefined) {
		let n = 0;
		text = sql.replace(/'(?:[^']|'')*'|\?/g, (match) => (match === '?' ? `$${++n}` : match));
		numbered.set(sql, text);
	}
	return text;
}

interface Server {
	where: string;
	user: string;
	database: string;
}

function serverOf(connectionString: string): Server {
	try {
		const url = new URL(connectionString);
		const decode = (value: string, fallback: string) => decodeURIComponent(value) || fallback;
		return {
			where: `${url.hostname || 'localhost'}:${url.port || '5432'}`,
			user: decode(url.username, '(default)'),
			database: decode(url.pathname.slice(1), '(default)'),
		};
	} catch {
		return { where: 'the configured address', user: '(configured)', database: '(configured)' };
	}
}

const NETWORK_CODES: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'host not found',
	ETIMEDOUT: 'timed out',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	ECONNRESET: 'connection reset',
	EPIPE: 'connection lost',
};

/** pg's errors that mean the database cannot be used now, as a LedgerError saying what to do; others unchanged. */
function operationalError(error: unknown, server: Server): unknown {
	if (error instanceof LedgerError) return error;
	const { code = '', message = '' } = error as { code?: string; message?: string };
	const refuse = (ledgerCode: LedgerErrorCode, text: string) =>
		new LedgerError(ledgerCode, text, 'connectionString');
	const network = NETWORK_CODES[code] ?? (/^Connection terminated|timeout expired/.test(message) ? 'connection lost' : undefined);
	if (network || code.startsWith('08') || /^57P0[123]$/.test(code)) {
		return refuse(
			'LEDGER_UNREACHABLE',
			`No PostgreSQL server answers at ${server.where} (${network ?? message}): start it, or correct the host and ` +
				'port of the ledger connection, then run again.',
		);
	}
	if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code) || /\bSSL\b/.test(message)) {
		return refuse(
			'LEDGER_UNREACHABLE',
			`PostgreSQL at ${server.where} and the ledger connection disagree on TLS (${message}): set SSL in the ledger ` +
				'connection as the server expects it (or give the server a certificate this machine trusts).',
		);
	}
	if (code === '28P01' || code === '28000' || (!code && /^SASL|password/.test(message))) {
		return refuse(
			'LEDGER_AUTH_FAILED',
			`PostgreSQL at ${server.where} refused the login of user "${server.user}" (${message}): correct the user and ` +
				'password of the ledger connection.',
		);
	}
	if (code === '3D000') {
		return refuse(
			'LEDGER_DATABASE_MISSING',
			`PostgreSQL at ${server.where} has no database "${server.database}": create it (createdb ${server.database}) ` +
				'or correct the database name of the ledger connection.',
		);
	}
	if (code === '42501') {
		return refuse(
			'LEDGER_PERMISSION_DENIED',
			`PostgreSQL at ${server.where} refused user "${server.user}" what the ledger needs (${message}): grant it ` +
				'the right to create and use the ledger schema, or give the ledger a schema of its own.',
		);
	}
	if (code === '53300') {
		return refuse(
			'LEDGER_BUSY',
			`PostgreSQL at ${server.where} has no connection left (${message}): raise max_connections or lower the ` +
				'number of workers, then run again.',
		);
	}
	return error;
}

class PostgresSession implements SqlSession {
	private cursors = 0;
	private readTransactions = 0;

	constructor(
		private readonly client: PoolClient,
		private readonly inTransaction: boolean,
		private readonly fail: (error: unknown) => unknown,
	) {}

	private async query(sql: string, params?: readonly SqlParam[]): Promise<QueryResult<Row>> {
		try {
			return await this.client.query<Row>(params ? numberPlaceholders(sql) : sql, params as unknown[] | undefined);
		} catch (error) {
			throw this.fail(error);
		}
	}

	async all(sql: string, params: readonly SqlParam[] = []): Promise<Row[]> {
		return (await this.query(sql, params)).rows;
	}

	async one(sql: string, params: readonly SqlParam[] = []): Promise<Row | undefined> {
		return (await this.query(sql, params)).rows[0];
	}

	async run(sql: string, params: readonly SqlParam[] = []): Promise<number> {
		return (await this.query(sql, params)).rowCount ?? 0;
	}

	async *iterate(sql: string, params: readonly SqlParam[] = [], batchSize = 1000): AsyncIterable<Row> {
		// A cursor lives in a transaction: outside one, a read-only transaction of its own holds it.
		const ownTransaction = !this.inTransaction && this.readTransactions === 0;
		if (ownTransaction) await this.query('BEGIN READ ONLY');
		if (!this.inTransaction) this.readTransactions++;
		const cursor = `ledger_rows_${++this.cursors}`;
		const batch = Math.max(1, Math.trunc(batchSize));
		let failed = false;
		try {
			await this.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${sql}`, params);
			for (;;) {
				const { rows } = await this.query(`FETCH ${batch} FROM ${cursor}`);
				yield* rows;
				if (rows.length < batch) break;
			}
		} catch (error) {
			failed = true;
			throw error;
		} finally {
			if (!this.inTransaction) this.readTransactions--;
			if (ownTransaction) await this.query(failed ? 'ROLLBACK' : 'COMMIT');
			else if (!failed) await this.query(`CLOSE ${cursor}`);
		}
	}

	async script(sql: string): Promise<void> {
		await this.query(sql);
	}
}

class PostgresDriver implements SqlDriver {
	readonly dialect = POSTGRES_DIALECT;

	constructor(
		private readonly pool: Pool,
		private readonly schema: string,
		private readonly fail: (error: unknown) => unknown,
	) {}

	/** A pooled client for `work`; dropped from the pool when the connection failed under it. */
	private async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
		let client: PoolClient;
		try {
			client = await this.pool.connect();
		} catch (error) {
			throw this.fail(error);
		}
		let broken = false;
		try {
			return await work(client);
		} catch (error) {
			broken = error instanceof LedgerError && error.operational;
			throw error;
		} finally {
			client.release(broken);
		}
	}

	read<T>(work: (db: SqlSession) => Promise<T>): Promise<T> {
		return this.withClient((client) => work(new PostgresSession(client, false, this.fail)));
	}

	transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
		return this.withClient(async (client) => {
			const tx = new PostgresSession(client, true, this.fail);
			await tx.script('BEGIN');
			try {
				const result = await work(tx);
				await tx.script('COMMIT');
				return result;
			} catch (error) {
				await client.query('ROLLBACK').catch(() => undefined);
				throw error;
			}
		});
	}

	async lockForMigration(tx: SqlSession): Promise<void> {
		await tx.run('SELECT pg_advisory_xact_lock(hashtext(?))', [`ev-clearing-ledger:${this.schema}`]);
		await tx.script(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
	}

	constraintViolation(error: unknown): ConstraintViolation | undefined {
		const { code, table = '', constraint = '' } = error as { code?: string; table?: string; constraint?: string };
		if (code === '23503') return { kind: 'foreign_key' };
		return code === '23505' ? { kind: 'unique', table, name: constraint } : undefined;
	}

	async close(): Promise<void> {
		if (!this.pool.ended) await this.pool.end();
	}
}

export function openPostgresDriver(connectionString: string, schema = 'public', maxConnections = 4): SqlDriver {
	if (!SCHEMA_NAME.test(schema)) {
		throw new LedgerError(
			'LEDGER_CONFIG_INVALID',
			`schema "${schema}" must be a lower-case PostgreSQL identifier (letters, digits, _).`,
			'schema',
		);
	}
	// search_path as a connection option: every pooled connection uses the schema from its first statement.
	const pool = new Pool({ connectionString, max: maxConnections, options: `-c search_path=${schema}` });
	// An idle client whose server connection drops must not crash the process; the next query reconnects.
	pool.on('error', () => undefined);
	const server = serverOf(connectionString);
	return new PostgresDriver(pool, schema, (error) => operationalError(error, server));
}
