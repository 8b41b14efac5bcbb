/**
 * The embedded store: one SQLite file through Node's built-in `node:sqlite` (no native build).
 *
 * Several processes may share the file (n8n main + task runners, the CLI): WAL lets readers run beside the writer,
 * every write runs in `BEGIN IMMEDIATE` (it takes the write lock up front, so two writers never both read a counter
 * and then race to bump it), and busy_timeout makes the second writer wait instead of failing. The API is sync under
 * the hood and each write transaction runs without yielding, so calls in one process cannot interleave either.
 * synchronous=FULL: a committed number must survive a power cut, or the next run would hand it out again.
 * The wait for another process's lock blocks the event loop (node:sqlite is synchronous), up to busyTimeoutMs.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import {
	checkCorrection,
	checkRenderedFiles,
	finishDocument,
	issueDateBeforePrevious,
	prepareCdrs,
	issuedPayload,
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

type SqlValue = string | number | null;

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

export class SqliteLedger implements Ledger {
	private readonly db: DatabaseSync;
	private readonly statements = new Map<string, StatementSync>();

	private constructor(db: DatabaseSync) {
		this.db = db;
	}

	static open(path: string, busyTimeoutMs = 10_000): SqliteLedger {
		if (path !== ':memory:') makeFolder(dirname(path), path);
		const db = new DatabaseSync(path, { timeout: busyTimeoutMs });
		try {
			db.exec('PRAGMA journal_mode = WAL');
			db.exec('PRAGMA synchronous = FULL');
			db.exec('PRAGMA foreign_keys = ON');
			const ledger = new SqliteLedger(db);
			ledger.migrate();
			return ledger;
		} catch (error) {
			db.close();
			throw error;
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

	private all(sql: string, ...params: SqlValue[]): Row[] {
		return this.statement(sql).all(...params) as Row[];
	}

	private get(sql: string, ...params: SqlValue[]): Row | undefined {
		return this.statement(sql).get(...params) as Row | undefined;
	}

	private run(sql: string, ...params: SqlValue[]): { changes: number | bigint; lastInsertRowid: number | bigint } {
		return this.statement(sql).run(...params);
	}

	/** Runs `work` in a write transaction; it must not await (nothing may interleave with it). */
	private write<T>(work: () => T): T {
		this.db.exec('BEGIN IMMEDIATE');
		try {
			const result = work();
			this.db.exec('COMMIT');
			return result;
		} catch (error) {
			if (this.db.isTransaction) this.db.exec('ROLLBACK');
			throw error;
		}
	}

	private migrate(): void {
		this.write(() => {
			this.db.exec(MIGRATIONS_TABLE);
			const current = Number(this.db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM ledger_migrations').get()?.v);
			if (current > LATEST_SCHEMA_VERSION) throw new LedgerError('LEDGER_SCHEMA_TOO_NEW', schemaTooNewMessage(current));
			for (const migration of MIGRATIONS) {
				if (migration.version <= current) continue;
				this.db.exec(migration.sqlite);
				this.db
					.prepare('INSERT INTO ledger_migrations (version, name, applied_at) VALUES (?, ?, ?)')
					.run(migration.version, migration.name, new Date().toISOString());
			}
		});
	}

	private conflicts(cdrs: PreparedCdr[]): Map<string, string> {
		const found = new Map<string, string>();
		if (cdrs.length === 0) return found;
		const rows = this.all(
			'SELECT cdr_key, invoice_number FROM invoice_cdrs WHERE cdr_key IN (SELECT value FROM json_each(?))',
			JSON.stringify(cdrs.map((cdr) => cdr.uniqueKey)),
		);
		const byUniqueKey = new Map(rows.map((row) => [String(row.cdr_key), String(row.invoice_number)]));
		for (const cdr of cdrs) {
			const number = byUniqueKey.get(cdr.uniqueKey);
			if (number !== undefined) found.set(cdr.key, number);
		}
		return found;
	}

	private appendEvent(type: string, invoiceNumber: string | null, payload: unknown, at: string, key: string | null = null): LedgerEvent {
		const json = JSON.stringify(payload ?? null);
		const { lastInsertRowid } = this.run(
			'INSERT INTO ledger_events (at, type, invoice_number, payload, event_key) VALUES (?, ?, ?, ?, ?)',
			at,
			type,
			invoiceNumber,
			json,
			key,
		);
		const event: LedgerEvent = { id: Number(lastInsertRowid), at, type, payload: JSON.parse(json) };
		if (invoiceNumber !== null) event.invoiceNumber = invoiceNumber;
		return event;
	}

	async findInvoicedCdrs(cdrs: CdrRef[]): Promise<Map<string, string>> {
		return this.conflicts(prepareCdrs(cdrs));
	}

	async issue(request: IssueRequest): Promise<IssueResult> {
		const prepared = prepareIssue(request);
		return this.write((): IssueResult => {
			const conflicts = this.conflicts(prepared.cdrs);
			if (conflicts.size > 0) return { kind: 'already_invoiced', conflicts };
			if (request.typeCode === '381') {
				const corrected = this.get(
					'SELECT type_code, buyer_country_code, buyer_party_id, currency, total_with_vat FROM invoices ' +
						'WHERE number = ?',
					request.correctsInvoiceNumber,
				);
				const credits = this.all(
					"SELECT total_with_vat FROM invoices WHERE corrects_number = ? AND type_code = '381'",
					request.correctsInvoiceNumber,
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
			const counter = this.get(
				'SELECT last_sequence, last_issue_date FROM invoice_series WHERE series = ?',
				request.series,
			);
			if (counter && request.issueDate < String(counter.last_issue_date)) {
				throw issueDateBeforePrevious(request.series, request.issueDate, String(counter.last_issue_date));
			}
			const sequence = (counter ? Number(counter.last_sequence) : 0) + 1;
			this.run(
				'INSERT INTO invoice_series (series, last_sequence, last_issue_date) VALUES (?, ?, ?) ' +
					'ON CONFLICT (series) DO UPDATE SET last_sequence = excluded.last_sequence, ' +
					'last_issue_date = excluded.last_issue_date',
				request.series,
				sequence,
				request.issueDate,
			);
			const finished = finishDocument(prepared, sequence);
			if (this.get('SELECT 1 AS taken FROM invoices WHERE number = ?', finished.number)) {
				throw numberTaken(finished.number);
			}
			if (
				finished.paymentReference !== undefined &&
				this.get('SELECT 1 AS taken FROM invoices WHERE payment_reference = ?', finished.paymentReference)
			) {
				throw paymentReferenceTaken(finished.paymentReference);
			}
			const recordedAt = new Date().toISOString();
			this.run(
				`INSERT INTO invoices (number, series, sequence, type_code, issue_date, due_date, buyer_country_code,
					buyer_party_id, currency, total_without_vat, total_vat, total_with_vat, corrects_number, payment_reference,
					document, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
			);
			for (const cdr of prepared.cdrs) {
				this.run(
					'INSERT INTO invoice_cdrs (cdr_key, country_code, party_id, cdr_id, invoice_number) VALUES (?, ?, ?, ?, ?)',
					cdr.uniqueKey,
					cdr.ref.country_code,
					cdr.ref.party_id,
					cdr.ref.id,
					finished.number,
				);
			}
			this.appendEvent(
				request.typeCode === '380' ? 'INVOICE_ISSUED' : 'CREDIT_NOTE_ISSUED',
				finished.number,
				issuedPayload(prepared, sequence),
				recordedAt,
			);
			return { kind: 'issued', number: finished.number, sequence };
		});
	}

	private cdrsOf(number: string): CdrRef[] {
		return this.all(
			'SELECT country_code, party_id, cdr_id FROM invoice_cdrs WHERE invoice_number = ? ORDER BY cdr_key',
			number,
		).map(toCdrRef);
	}

	private toRecord(row: Row): InvoiceRecord {
		const summary = toSummary(row);
		return { ...summary, cdrs: this.cdrsOf(summary.number), document: JSON.parse(String(row.document)) };
	}

	async getInvoice(number: string): Promise<InvoiceRecord | undefined> {
		const row = this.get(`SELECT ${SUMMARY_COLUMNS}, document FROM invoices WHERE number = ?`, number);
		return row && this.toRecord(row);
	}

	async listInvoices(filter: InvoiceFilter = {}): Promise<InvoiceSummary[]> {
		const where: string[] = [];
		const params: SqlValue[] = [];
		const add = (clause: string, value: SqlValue) => {
			where.push(clause);
			params.push(value);
		};
		if (filter.series !== undefined) add('series = ?', filter.series);
		if (filter.typeCode !== undefined) add('type_code = ?', filter.typeCode);
		if (filter.buyer !== undefined) {
			add('buyer_country_code = ?', filter.buyer.countryCode.toUpperCase());
			add('buyer_party_id = ?', filter.buyer.partyId.toUpperCase());
		}
		if (filter.correctsInvoiceNumber !== undefined) add('corrects_number = ?', filter.correctsInvoiceNumber);
		if (filter.issuedFrom !== undefined) add('issue_date >= ?', filter.issuedFrom);
		if (filter.issuedTo !== undefined) add('issue_date <= ?', filter.issuedTo);
		const sql =
			`SELECT ${SUMMARY_COLUMNS} FROM invoices` +
			(where.length ? ` WHERE ${where.join(' AND ')}` : '') +
			' ORDER BY series, sequence';
		return this.all(sql, ...params).map(toSummary);
	}

	async markRendered(number: string, files: RenderedFile[]): Promise<void> {
		checkRenderedFiles(files);
		this.write(() => {
			const at = new Date().toISOString();
			const json = JSON.stringify(files.map(({ name, sha256 }) => ({ name, sha256 })));
			const sql = 'UPDATE invoices SET rendered_at = ?, rendered_files = ? WHERE number = ?';
			const { changes } = this.run(sql, at, json, number);
			if (Number(changes) === 0) throw invoiceNotFound(number);
			this.appendEvent('INVOICE_RENDERED', number, { files: JSON.parse(json) }, at);
		});
	}

	async listUnrendered(): Promise<InvoiceRecord[]> {
		return this.all(
			`SELECT ${SUMMARY_COLUMNS}, document FROM invoices WHERE rendered_at IS NULL ORDER BY series, sequence`,
		).map((row) => this.toRecord(row));
	}

	async recordEvent(event: NewLedgerEvent): Promise<LedgerEvent & { duplicate?: true }> {
		checkEventType(event.type);
		return this.write(() => {
			const { invoiceNumber } = event;
			if (invoiceNumber !== undefined && !this.get('SELECT 1 AS found FROM invoices WHERE number = ?', invoiceNumber)) {
				throw invoiceNotFound(invoiceNumber);
			}
			// Writers are serialised (BEGIN IMMEDIATE): looking the key up first is race-free here.
			if (event.key !== undefined) {
				const existing = this.get(
					'SELECT id, at, type, invoice_number, payload FROM ledger_events WHERE event_key = ?',
					event.key,
				);
				if (existing) return { ...toEvent(existing), duplicate: true as const };
			}
			return this.appendEvent(event.type, event.invoiceNumber ?? null, event.payload, new Date().toISOString(), event.key ?? null);
		});
	}

	async events(filter: EventFilter = {}): Promise<LedgerEvent[]> {
		const where: string[] = [];
		const params: SqlValue[] = [];
		if (filter.invoiceNumber !== undefined) {
			where.push('invoice_number = ?');
			params.push(filter.invoiceNumber);
		}
		if (filter.type !== undefined) {
			where.push('type = ?');
			params.push(filter.type);
		}
		if (filter.afterId !== undefined) {
			where.push('id > ?');
			params.push(filter.afterId);
		}
		const sql =
			'SELECT id, at, type, invoice_number, payload FROM ledger_events' +
			(where.length ? ` WHERE ${where.join(' AND ')}` : '') +
			' ORDER BY id' +
			(filter.limit !== undefined ? ` LIMIT ${Math.max(0, Math.trunc(filter.limit))}` : '');
		return this.all(sql, ...params).map(toEvent);
	}

	async close(): Promise<void> {
		if (this.db.isOpen) this.db.close();
	}
}

