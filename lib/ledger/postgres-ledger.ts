/**
 * The shared store for n8n queue mode: PostgreSQL through `pg`, several workers writing at once.
 *
 * Numbers: the series counter row is read `FOR UPDATE` inside the transaction that records the document, so writers of
 * one series queue on that row and a rolled-back (or killed) writer releases its number with everything else — no
 * SEQUENCE objects, which are not transactional and leave gaps. CDRs: the primary key on invoice_cdrs.cdr_key; rows are
 * inserted in key order so two writers racing for overlapping CDRs wait on each other instead of deadlocking, and the
 * loser sees the winner's rows and reports them as already invoiced.
 */
import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import {
	checkCorrection,
	checkRenderedFiles,
	finishDocument,
	issueDateBeforePrevious,
	issuedPayload,
	prepareCdrs,
	prepareIssue,
	type PreparedCdr,
} from './issue-request';
import { LedgerError } from './errors';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, MIGRATIONS_TABLE, schemaTooNewMessage } from './migrations';
import {
	checkEventType,
	invoiceNotFound,
	numberTaken,
	paymentReferenceTaken,
	SUMMARY_COLUMNS,
	toEvent,
	toCdrRef,
	toSummary,
	type Row,
} from './rows';
import type {
	CdrRef,
	EventFilter,
	InvoiceFilter,
	InvoiceRecord,
	InvoiceSummary,
	IssueRequest,
	IssueResult,
	Ledger,
	LedgerEvent,
	NewLedgerEvent,
	RenderedFile,
} from './types';

type Queryable = Pick<PoolClient, 'query'>;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Raised inside a transaction when a concurrent writer took one of our CDRs: roll back, then report it. */
class CdrRaceLost extends Error {}

function isUniqueViolation(error: unknown, constraint: string): boolean {
	const pgError = error as { code?: string; constraint?: string };
	return pgError.code === '23505' && pgError.constraint === constraint;
}

export class PostgresLedger implements Ledger {
	private readonly pool: Pool;

	private constructor(pool: Pool) {
		this.pool = pool;
	}

	static async open(connectionString: string, schema = 'public', maxConnections = 4): Promise<PostgresLedger> {
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
		const ledger = new PostgresLedger(pool);
		try {
			await ledger.migrate(schema);
		} catch (error) {
			await pool.end();
			throw error;
		}
		return ledger;
	}

	private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
		const client = await this.pool.connect();
		let broken: Error | undefined;
		try {
			await client.query('BEGIN');
			const result = await work(client);
			await client.query('COMMIT');
			return result;
		} catch (error) {
			await client.query('ROLLBACK').catch((rollbackError: Error) => {
				broken = rollbackError;
			});
			throw error;
		} finally {
			client.release(broken);
		}
	}

	private async migrate(schema: string): Promise<void> {
		await this.transaction(async (client) => {
			// Workers starting together: one migrates, the others wait here and then find nothing to do.
			await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ev-clearing-ledger:${schema}`]);
			await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
			await client.query(MIGRATIONS_TABLE);
			const { rows } = await client.query('SELECT COALESCE(MAX(version), 0) AS v FROM ledger_migrations');
			const current = Number(rows[0].v);
			if (current > LATEST_SCHEMA_VERSION) throw new LedgerError('LEDGER_SCHEMA_TOO_NEW', schemaTooNewMessage(current));
			for (const migration of MIGRATIONS) {
				if (migration.version <= current) continue;
				await client.query(migration.postgres);
				await client.query('INSERT INTO ledger_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
					migration.version,
					migration.name,
					new Date().toISOString(),
				]);
			}
		});
	}

	private async rows(db: Queryable, sql: string, params: unknown[] = []): Promise<Row[]> {
		return (await db.query<QueryResultRow>(sql, params)).rows;
	}

	private async conflicts(db: Queryable, cdrs: PreparedCdr[]): Promise<Map<string, string>> {
		const found = new Map<string, string>();
		if (cdrs.length === 0) return found;
		const sql = 'SELECT cdr_key, invoice_number FROM invoice_cdrs WHERE cdr_key = ANY($1::text[])';
		const rows = await this.rows(db, sql, [cdrs.map((cdr) => cdr.uniqueKey)]);
		const byUniqueKey = new Map(rows.map((row) => [String(row.cdr_key), String(row.invoice_number)]));
		for (const cdr of cdrs) {
			const number = byUniqueKey.get(cdr.uniqueKey);
			if (number !== undefined) found.set(cdr.key, number);
		}
		return found;
	}

	private async appendEvent(
		db: Queryable,
		type: string,
		invoiceNumber: string | null,
		payload: unknown,
		at: string,
		key: string | null = null,
	): Promise<LedgerEvent & { duplicate?: true }> {
		const rows = await this.rows(
			db,
			'INSERT INTO ledger_events (at, type, invoice_number, payload, event_key) VALUES ($1, $2, $3, $4, $5) ' +
				'ON CONFLICT (event_key) WHERE event_key IS NOT NULL DO NOTHING ' +
				'RETURNING id, at, type, invoice_number, payload',
			[at, type, invoiceNumber, JSON.stringify(payload ?? null), key],
		);
		if (rows.length > 0) return toEvent(rows[0]);
		// Another writer recorded this key first (the unique index decided): report its event.
		const existing = await this.rows(db, 'SELECT id, at, type, invoice_number, payload FROM ledger_events WHERE event_key = $1', [key]);
		return { ...toEvent(existing[0]), duplicate: true };
	}

	async findInvoicedCdrs(cdrs: CdrRef[]): Promise<Map<string, string>> {
		return this.conflicts(this.pool, prepareCdrs(cdrs));
	}

	async issue(request: IssueRequest): Promise<IssueResult> {
		const prepared = prepareIssue(request);
		try {
			return await this.transaction(async (client): Promise<IssueResult> => {
				const conflicts = await this.conflicts(client, prepared.cdrs);
				if (conflicts.size > 0) return { kind: 'already_invoiced', conflicts };
				if (request.typeCode === '381') {
					// Locking the corrected invoice queues concurrent credit notes for it: the remaining amount stays true.
					const [corrected] = await this.rows(
						client,
						'SELECT type_code, buyer_country_code, buyer_party_id, currency, total_with_vat FROM invoices ' +
							'WHERE number = $1 FOR UPDATE',
						[request.correctsInvoiceNumber],
					);
					const credits = await this.rows(
						client,
						"SELECT total_with_vat FROM invoices WHERE corrects_number = $1 AND type_code = '381'",
						[request.correctsInvoiceNumber],
					);
					checkCorrection(
						prepared,
						corrected && {
							typeCode: String(corrected.type_code),
							buyer: { countryCode: String(corrected.buyer_country_code), partyId: String(corrected.buyer_party_id) },
							currency: String(corrected.currency),
							totalWithVat: String(corrected.total_with_vat),
							creditedWithVat: credits.map((row) => String(row.total_with_vat)),
						},
					);
				}
				await client.query(
					'INSERT INTO invoice_series (series, last_sequence, last_issue_date) VALUES ($1, 0, $2) ' +
						'ON CONFLICT (series) DO NOTHING',
					[request.series, request.issueDate],
				);
				const [counter] = await this.rows(
					client,
					'SELECT last_sequence, last_issue_date FROM invoice_series WHERE series = $1 FOR UPDATE',
					[request.series],
				);
				if (request.issueDate < String(counter.last_issue_date)) {
					throw issueDateBeforePrevious(request.series, request.issueDate, String(counter.last_issue_date));
				}
				const sequence = Number(counter.last_sequence) + 1;
				await client.query('UPDATE invoice_series SET last_sequence = $2, last_issue_date = $3 WHERE series = $1', [
					request.series,
					sequence,
					request.issueDate,
				]);
				const finished = finishDocument(prepared, sequence);
				const recordedAt = new Date().toISOString();
				try {
					await client.query(
						`INSERT INTO invoices (number, series, sequence, type_code, issue_date, due_date, buyer_country_code,
							buyer_party_id, currency, total_without_vat, total_vat, total_with_vat, corrects_number,
							payment_reference, document, recorded_at)
						VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
						[
							finished.number,
							request.series,
							sequence,
							request.typeCode,
							request.issueDate,
							request.dueDate ?? null,
							prepared.buyer.countryCode,
							prepared.buyer.partyId,
							request.currency,
							prepared.totals.withoutVat,
							prepared.totals.vat,
							prepared.totals.withVat,
							request.typeCode === '381' ? request.correctsInvoiceNumber : null,
							finished.paymentReference ?? null,
							finished.documentJson,
							recordedAt,
						],
					);
				} catch (error) {
					if (isUniqueViolation(error, 'invoices_pkey')) throw numberTaken(finished.number);
					if (isUniqueViolation(error, 'invoices_payment_reference_key')) {
						throw paymentReferenceTaken(String(finished.paymentReference));
					}
					throw error;
				}
				if (prepared.cdrs.length > 0) {
					// ON CONFLICT waits for a concurrent writer holding the same key, then skips it if that writer committed.
					const inserted = await client.query(
						'INSERT INTO invoice_cdrs (cdr_key, country_code, party_id, cdr_id, invoice_number) ' +
							'SELECT k, c, p, i, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ' +
							'WITH ORDINALITY AS t (k, c, p, i, n) ORDER BY n ON CONFLICT (cdr_key) DO NOTHING',
						[
							prepared.cdrs.map((cdr) => cdr.uniqueKey),
							prepared.cdrs.map((cdr) => cdr.ref.country_code),
							prepared.cdrs.map((cdr) => cdr.ref.party_id),
							prepared.cdrs.map((cdr) => cdr.ref.id),
							finished.number,
						],
					);
					if (inserted.rowCount !== prepared.cdrs.length) throw new CdrRaceLost();
				}
				await this.appendEvent(
					client,
					request.typeCode === '380' ? 'INVOICE_ISSUED' : 'CREDIT_NOTE_ISSUED',
					finished.number,
					issuedPayload(prepared, sequence),
					recordedAt,
				);
				return { kind: 'issued', number: finished.number, sequence };
			});
		} catch (error) {
			if (!(error instanceof CdrRaceLost)) throw error;
			// Rolled back, number released; the winner has committed, so its rows are visible now.
			return { kind: 'already_invoiced', conflicts: await this.conflicts(this.pool, prepared.cdrs) };
		}
	}

	private async toRecord(row: Row): Promise<InvoiceRecord> {
		const summary = toSummary(row);
		const cdrs = await this.rows(
			this.pool,
			'SELECT country_code, party_id, cdr_id FROM invoice_cdrs WHERE invoice_number = $1 ORDER BY cdr_key',
			[summary.number],
		);
		return {
			...summary,
			cdrs: cdrs.map(toCdrRef),
			document: JSON.parse(String(row.document)),
		};
	}

	async getInvoice(number: string): Promise<InvoiceRecord | undefined> {
		const sql = `SELECT ${SUMMARY_COLUMNS}, document FROM invoices WHERE number = $1`;
		const [row] = await this.rows(this.pool, sql, [number]);
		return row && this.toRecord(row);
	}

	async listInvoices(filter: InvoiceFilter = {}): Promise<InvoiceSummary[]> {
		const where: string[] = [];
		const params: unknown[] = [];
		const add = (column: string, operator: string, value: unknown) => {
			params.push(value);
			where.push(`${column} ${operator} $${params.length}`);
		};
		if (filter.series !== undefined) add('series', '=', filter.series);
		if (filter.typeCode !== undefined) add('type_code', '=', filter.typeCode);
		if (filter.buyer !== undefined) {
			add('buyer_country_code', '=', filter.buyer.countryCode.toUpperCase());
			add('buyer_party_id', '=', filter.buyer.partyId.toUpperCase());
		}
		if (filter.correctsInvoiceNumber !== undefined) add('corrects_number', '=', filter.correctsInvoiceNumber);
		if (filter.issuedFrom !== undefined) add('issue_date', '>=', filter.issuedFrom);
		if (filter.issuedTo !== undefined) add('issue_date', '<=', filter.issuedTo);
		const sql =
			`SELECT ${SUMMARY_COLUMNS} FROM invoices` +
			(where.length ? ` WHERE ${where.join(' AND ')}` : '') +
			' ORDER BY series, sequence';
		return (await this.rows(this.pool, sql, params)).map(toSummary);
	}

	async markRendered(number: string, files: RenderedFile[]): Promise<void> {
		checkRenderedFiles(files);
		await this.transaction(async (client) => {
			const at = new Date().toISOString();
			const cleaned = files.map(({ name, sha256 }) => ({ name, sha256 }));
			const sql = 'UPDATE invoices SET rendered_at = $1, rendered_files = $2 WHERE number = $3';
			const updated = await client.query(sql, [at, JSON.stringify(cleaned), number]);
			if (updated.rowCount === 0) throw invoiceNotFound(number);
			await this.appendEvent(client, 'INVOICE_RENDERED', number, { files: cleaned }, at);
		});
	}

	async listUnrendered(): Promise<InvoiceRecord[]> {
		const rows = await this.rows(
			this.pool,
			`SELECT ${SUMMARY_COLUMNS}, document FROM invoices WHERE rendered_at IS NULL ORDER BY series, sequence`,
		);
		const records: InvoiceRecord[] = [];
		for (const row of rows) records.push(await this.toRecord(row));
		return records;
	}

	async recordEvent(event: NewLedgerEvent): Promise<LedgerEvent & { duplicate?: true }> {
		checkEventType(event.type);
		try {
			const at = new Date().toISOString();
			return await this.appendEvent(this.pool, event.type, event.invoiceNumber ?? null, event.payload, at, event.key ?? null);
		} catch (error) {
			if ((error as { code?: string }).code === '23503' && event.invoiceNumber !== undefined) {
				throw invoiceNotFound(event.invoiceNumber);
			}
			throw error;
		}
	}

	async events(filter: EventFilter = {}): Promise<LedgerEvent[]> {
		const where: string[] = [];
		const params: unknown[] = [];
		const add = (clause: string, value: unknown) => {
			params.push(value);
			where.push(`${clause} $${params.length}`);
		};
		if (filter.invoiceNumber !== undefined) add('invoice_number =', filter.invoiceNumber);
		if (filter.type !== undefined) add('type =', filter.type);
		if (filter.afterId !== undefined) add('id >', filter.afterId);
		const sql =
			'SELECT id, at, type, invoice_number, payload FROM ledger_events' +
			(where.length ? ` WHERE ${where.join(' AND ')}` : '') +
			' ORDER BY id' +
			(filter.limit !== undefined ? ` LIMIT ${Math.max(0, Math.trunc(filter.limit))}` : '');
		return (await this.rows(this.pool, sql, params)).map(toEvent);
	}

	async close(): Promise<void> {
		if (!this.pool.ended) await this.pool.end();
	}
}
