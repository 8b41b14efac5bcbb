/**
 * The ledger's operations, written once for both stores over the SQL seam (sql-driver.ts).
 *
 * Numbers: the series counter row is read with the dialect's row lock inside the transaction that records the
 * document, so writers of one series queue on that row and a rolled-back (or killed) writer releases its number with
 * everything else — no SEQUENCE objects, which are not transactional and leave gaps. A credit note locks the invoices
 * it corrects first, one by one in number order (two credit notes sharing invoices cannot deadlock), so concurrent
 * credit notes for an invoice queue and what remains creditable on it (credit_allocations) stays true.
 * CDRs: the primary key on invoice_cdrs.cdr_key; rows are inserted in key order, so two writers racing for overlapping
 * CDRs wait on each other instead of deadlocking, and the loser sees the winner's rows and reports them as invoiced.
 */
import {
	checkCorrections,
	checkRenderedFiles,
	finishDocument,
	issueDateBeforePrevious,
	issuedPayload,
	prepareCdrs,
	prepareIssue,
	type CorrectedDocument,
	type FinishedDocument,
	type PreparedCdr,
	type PreparedIssue,
} from './issue-request';
import { countInvoices, findCdrsById, pageInvoices } from './invoice-pages';
import { migrate } from './migrations';
import {
	checkEventType,
	CREDITING_INVOICE,
	invoiceNotFound,
	numberTaken,
	paymentReferenceTaken,
	SUMMARY_COLUMNS,
	toCdrRef,
	toEvent,
	toSummary,
} from './rows';
import { insertRows, where, type Row, type SqlDialect, type SqlDriver, type SqlParam, type SqlSession } from './sql-driver';
import type {
	CdrRef,
	CreditAllocation,
	CreditAllocationFilter,
	EventFilter,
	InvoiceFilter,
	InvoicedCdr,
	InvoicePage,
	InvoicePageQuery,
	InvoiceRecord,
	InvoiceSummary,
	IssueRequest,
	IssueResult,
	Ledger,
	LedgerEvent,
	NewLedgerEvent,
	RecordedCreditAllocation,
	RenderedFile,
	StagedCdr,
	StagedDocument,
	StagedRow,
	StagedSelectionRequest,
	StageResult,
} from './types';
import { forEachStaged, pruneStaged, stageCdrs, stagedDocumentKeys, stagedDocuments, stagedSelection, unstage } from './staging';

/**
 * Thrown inside the issuing transaction to roll it back (the series row it may have created included) and report the
 * CDRs already on a document; without `conflicts` a concurrent writer won them meanwhile: read them after the rollback.
 */
class AlreadyInvoiced extends Error {
	constructor(readonly conflicts?: Map<string, string>) {
		super('already invoiced');
	}
}

const EVENT_COLUMNS = 'id, at, type, invoice_number, payload';
const ALLOCATION_COLUMNS = [
	['credit_note_number', 'text'],
	['invoice_number', 'text'],
	['amount_with_vat', 'text'],
] as const;

const CDR_COLUMNS = [
	['cdr_key', 'text'],
	['country_code', 'text'],
	['party_id', 'text'],
	['cdr_id', 'text'],
	['invoice_number', 'text'],
] as const;

/** The CDRs among `cdrs` already on a document: the caller's cdrKey → document number. */
async function invoicedAmong(db: SqlSession, dialect: SqlDialect, cdrs: PreparedCdr[]): Promise<Map<string, string>> {
	const found = new Map<string, string>();
	if (cdrs.length === 0) return found;
	const rows = await db.all(`SELECT cdr_key, invoice_number FROM invoice_cdrs WHERE ${dialect.inList('cdr_key')}`, [
		cdrs.map((cdr) => cdr.uniqueKey),
	]);
	const byUniqueKey = new Map(rows.map((row) => [String(row.cdr_key), String(row.invoice_number)]));
	for (const cdr of cdrs) {
		const number = byUniqueKey.get(cdr.uniqueKey);
		if (number !== undefined) found.set(cdr.key, number);
	}
	return found;
}

/** With a `key` already recorded (the unique index decides, also between concurrent writers): that first event. */
async function appendEvent(tx: SqlSession, event: NewLedgerEvent, at: string): Promise<LedgerEvent & { duplicate?: true }> {
	const inserted = await tx.one(
		'INSERT INTO ledger_events (at, type, invoice_number, payload, event_key) VALUES (?, ?, ?, ?, ?) ' +
			`ON CONFLICT (event_key) WHERE event_key IS NOT NULL DO NOTHING RETURNING ${EVENT_COLUMNS}`,
		[at, event.type, event.invoiceNumber ?? null, JSON.stringify(event.payload ?? null), event.key ?? null],
	);
	if (inserted) return toEvent(inserted);
	const first = await tx.one(`SELECT ${EVENT_COLUMNS} FROM ledger_events WHERE event_key = ?`, [event.key ?? null]);
	return { ...toEvent(first!), duplicate: true };
}

async function toRecord(db: SqlSession, row: Row): Promise<InvoiceRecord> {
	const summary = toSummary(row);
	const cdrs = await db.all(
		'SELECT country_code, party_id, cdr_id FROM invoice_cdrs WHERE invoice_number = ? ORDER BY cdr_key',
		[summary.number],
	);
	const allocations = summary.typeCode === '381' ? await db.all('SELECT invoice_number, amount_with_vat FROM credit_allocations WHERE credit_note_number = ? ORDER BY invoice_number', [summary.number]) : [];
	const creditAllocations: CreditAllocation[] = allocations.map(toAllocation);
	return { ...summary, cdrs: cdrs.map(toCdrRef), document: JSON.parse(String(row.document)), creditAllocations };
}

function toAllocation(row: Row): CreditAllocation {
	return { invoiceNumber: String(row.invoice_number), amountWithVat: String(row.amount_with_vat) };
}

/**
 * The invoices a credit note corrects, locked one by one in the order given (number order: concurrent writers take
 * shared invoices in the same order and cannot deadlock); those not found are left out. creditedWithVat is read after.
 */
async function lockCorrected(tx: SqlSession, dialect: SqlDialect, numbers: string[]): Promise<Map<string, CorrectedDocument>> {
	const corrected = new Map<string, CorrectedDocument>();
	for (const number of numbers) {
		const row = await tx.one(
			`SELECT number, type_code, buyer_country_code, buyer_party_id, currency, total_with_vat FROM invoices WHERE number = ?${dialect.forUpdate}`,
			[number],
		);
		if (!row) continue;
		corrected.set(number, {
			typeCode: String(row.type_code),
			buyer: { countryCode: String(row.buyer_country_code), partyId: String(row.buyer_party_id) },
			currency: String(row.currency),
			totalWithVat: String(row.total_with_vat),
			creditedWithVat: [],
		});
	}
	return corrected;
}

/**
 * The staged document's CDR links, in one INSERT … SELECT: how many were inserted (fewer: another run has some). In
 * cdr_key order, the order of invoice_cdrs' key (and, within a CPO, of its id index): the journal keeps a document in
 * session order, which says nothing of CDR ids in a month exported in random order, and links inserted in that order
 * land all over those B-trees (one page read and rewritten per link once they outgrow the page cache). Sorted as an
 * expression (`|| ''`): SQLite would otherwise walk the run's whole CDR index to skip the sort, every document's rows.
 */
async function linkStaged(tx: SqlSession, staged: StagedSelectionRequest, credited: boolean, number: string): Promise<number> {
	const { sql, params } = stagedSelection({ ...staged, corrects: [] }, credited);
	return tx.run(
		`INSERT INTO invoice_cdrs (cdr_key, country_code, party_id, cdr_id, invoice_number) SELECT s.cdr_key, s.country_code, s.party_id, s.cdr_id, ? ${sql} ` +
			"ORDER BY s.cdr_key || '' ON CONFLICT (cdr_key) DO NOTHING",
		[number, ...params],
	);
}

/** The staged CDRs of a document already on another: cdrKey → number (as the caller wrote the key). */
async function stagedConflicts(db: SqlSession, staged: StagedSelectionRequest, credited: boolean): Promise<Map<string, string>> {
	const { sql, params } = stagedSelection({ ...staged, corrects: [] }, credited);
	const rows = await db.all(
		`SELECT s.country_code, s.party_id, s.cdr_id, taken.invoice_number AS taken ${sql.replace(' WHERE ', ' JOIN invoice_cdrs taken ON taken.cdr_key = s.cdr_key WHERE ')}`,
		params,
	);
	return new Map(rows.map((r) => [`${String(r.country_code)}*${String(r.party_id)}*${String(r.cdr_id)}`, String(r.taken)]));
}

export class SqlLedger implements Ledger {
	private constructor(private readonly driver: SqlDriver) {}

	static async open(driver: SqlDriver): Promise<SqlLedger> {
		try {
			await migrate(driver);
		} catch (error) {
			await driver.close().catch(() => undefined);
			throw error;
		}
		return new SqlLedger(driver);
	}

	async findInvoicedCdrs(cdrs: CdrRef[]): Promise<Map<string, string>> {
		const prepared = prepareCdrs(cdrs);
		return this.driver.read((db) => invoicedAmong(db, this.driver.dialect, prepared));
	}

	async issue(request: IssueRequest): Promise<IssueResult> {
		const prepared = prepareIssue(request);
		const { dialect } = this.driver;
		try {
			return await this.driver.transaction(async (tx): Promise<IssueResult> => {
				// Locks first, then the reads that rely on them: every writer of this series or of this corrected invoice
				// that went before has committed, so its CDRs and credit notes are seen here. (Reading the CDRs before the
				// locks made a concurrent duplicate credit note look like an excess credit: issue 13.7.)
				const corrected = await lockCorrected(tx, dialect, prepared.allocations.map((a) => a.invoiceNumber));
				await tx.run(
					'INSERT INTO invoice_series (series, last_sequence, last_issue_date) VALUES (?, 0, ?) ON CONFLICT (series) DO NOTHING',
					[request.series, request.issueDate],
				);
				const counter = await tx.one(
					`SELECT last_sequence, last_issue_date FROM invoice_series WHERE series = ?${dialect.forUpdate}`,
					[request.series],
				);
				const conflicts = await invoicedAmong(tx, dialect, prepared.cdrs);
				if (conflicts.size > 0) throw new AlreadyInvoiced(conflicts);
				if (request.typeCode === '381') {
					if (corrected.size > 0) {
						const credits = await tx.all(
							`SELECT invoice_number, amount_with_vat FROM credit_allocations WHERE ${dialect.inList('invoice_number')}`,
							[[...corrected.keys()]],
						);
						for (const row of credits) corrected.get(String(row.invoice_number))!.creditedWithVat.push(String(row.amount_with_vat));
					}
					checkCorrections(prepared, corrected);
				}
				const lastIssueDate = String(counter!.last_issue_date);
				if (request.issueDate < lastIssueDate) throw issueDateBeforePrevious(request.series, request.issueDate, lastIssueDate);
				const sequence = Number(counter!.last_sequence) + 1;
				await tx.run('UPDATE invoice_series SET last_sequence = ?, last_issue_date = ? WHERE series = ?', [
					sequence,
					request.issueDate,
					request.series,
				]);
				const finished = finishDocument(prepared, sequence);
				const recordedAt = new Date().toISOString();
				await this.insertInvoice(tx, prepared, finished, sequence, recordedAt);
				const allocations = prepared.allocations.map((a) => [finished.number, a.invoiceNumber, a.amountWithVat]);
				await insertRows(tx, dialect, 'credit_allocations', ALLOCATION_COLUMNS, allocations);
				// ON CONFLICT: a concurrent writer holding one of these keys is waited for, and its row skipped if it committed.
				const links = prepared.cdrs.map((cdr) => [cdr.uniqueKey, cdr.ref.country_code, cdr.ref.party_id, cdr.ref.id, finished.number]);
				if ((await insertRows(tx, dialect, 'invoice_cdrs', CDR_COLUMNS, links, 'cdr_key')) !== links.length) {
					throw new AlreadyInvoiced();
				}
				if (request.staged && (await linkStaged(tx, request.staged, request.typeCode === '381', finished.number)) !== request.staged.count) {
					throw new AlreadyInvoiced();
				}
				const type = request.typeCode === '380' ? 'INVOICE_ISSUED' : 'CREDIT_NOTE_ISSUED';
				await appendEvent(tx, { type, invoiceNumber: finished.number, payload: issuedPayload(prepared, sequence) }, recordedAt);
				return { kind: 'issued', number: finished.number, sequence };
			});
		} catch (error) {
			if (!(error instanceof AlreadyInvoiced)) throw error;
			// Rolled back, number released; a winner has committed, so its rows are visible now.
			const conflicts =
				error.conflicts ??
				(request.staged
					? await this.driver.read((db) => stagedConflicts(db, request.staged!, request.typeCode === '381'))
					: await this.driver.read((db) => invoicedAmong(db, dialect, prepared.cdrs)));
			return { kind: 'already_invoiced', conflicts };
		}
	}

	private async insertInvoice(
		tx: SqlSession,
		prepared: PreparedIssue,
		finished: FinishedDocument,
		sequence: number,
		recordedAt: string,
	): Promise<void> {
		const { request } = prepared;
		try {
			await tx.run(
				`INSERT INTO invoices (number, series, sequence, type_code, issue_date, due_date, buyer_country_code,
					buyer_party_id, currency, total_without_vat, total_vat, total_with_vat, corrects_number, payment_reference,
					document, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
					prepared.allocations[0]?.invoiceNumber ?? null,
					finished.paymentReference ?? null,
					finished.documentJson,
					recordedAt,
				],
			);
		} catch (error) {
			const violation = this.driver.constraintViolation(error);
			if (violation?.kind !== 'unique' || violation.table !== 'invoices') throw error;
			// The other unique keys of invoices are the number and (series, sequence), which the counter keeps unique.
			if (violation.name.includes('payment_reference')) throw paymentReferenceTaken(String(finished.paymentReference));
			throw numberTaken(finished.number);
		}
	}

	async getInvoice(number: string): Promise<InvoiceRecord | undefined> {
		return this.driver.read(async (db) => {
			const row = await db.one(`SELECT ${SUMMARY_COLUMNS}, document FROM invoices WHERE number = ?`, [number]);
			return row && toRecord(db, row);
		});
	}

	async creditAllocations(filter: CreditAllocationFilter): Promise<RecordedCreditAllocation[]> {
		const { dialect } = this.driver;
		const conditions: string[] = [];
		const params: SqlParam[] = [];
		for (const [column, values] of [['invoice_number', filter.invoiceNumbers], ['credit_note_number', filter.creditNoteNumbers]] as const) {
			if (values === undefined) continue;
			if (values.length === 0) return [];
			conditions.push(dialect.inList(column));
			params.push([...values]);
		}
		const rows = await this.driver.read((db) =>
			db.all(
				`SELECT credit_note_number, invoice_number, amount_with_vat FROM credit_allocations${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} ORDER BY credit_note_number, invoice_number`,
				params,
			),
		);
		return rows.map((r) => ({ creditNoteNumber: String(r.credit_note_number), ...toAllocation(r) }));
	}

	async listInvoices(filter: InvoiceFilter = {}): Promise<InvoiceSummary[]> {
		const { sql, params } = where([
			['series = ?', filter.series],
			['type_code = ?', filter.typeCode],
			['buyer_country_code = ?', filter.buyer?.countryCode.toUpperCase()],
			['buyer_party_id = ?', filter.buyer?.partyId.toUpperCase()],
			[CREDITING_INVOICE, filter.correctsInvoiceNumber],
			['issue_date >= ?', filter.issuedFrom],
			['issue_date <= ?', filter.issuedTo],
		]);
		const rows = await this.driver.read((db) =>
			db.all(`SELECT ${SUMMARY_COLUMNS} FROM invoices${sql} ORDER BY series, sequence`, params),
		);
		return rows.map(toSummary);
	}

	async markRendered(number: string, files: RenderedFile[]): Promise<void> {
		checkRenderedFiles(files);
		const cleaned = files.map(({ name, sha256 }) => ({ name, sha256 }));
		await this.driver.transaction(async (tx) => {
			const at = new Date().toISOString();
			const sql = 'UPDATE invoices SET rendered_at = ?, rendered_files = ? WHERE number = ?';
			if ((await tx.run(sql, [at, JSON.stringify(cleaned), number])) === 0) throw invoiceNotFound(number);
			await appendEvent(tx, { type: 'INVOICE_RENDERED', invoiceNumber: number, payload: { files: cleaned } }, at);
		});
	}

	async listUnrendered(): Promise<InvoiceRecord[]> {
		return this.driver.read(async (db) => {
			const sql = `SELECT ${SUMMARY_COLUMNS}, document FROM invoices WHERE rendered_at IS NULL ORDER BY series, sequence`;
			const records: InvoiceRecord[] = [];
			for (const row of await db.all(sql)) records.push(await toRecord(db, row));
			return records;
		});
	}

	async recordEvent(event: NewLedgerEvent): Promise<LedgerEvent & { duplicate?: true }> {
		checkEventType(event.type);
		return this.driver.transaction(async (tx) => {
			try {
				return await appendEvent(tx, event, new Date().toISOString());
			} catch (error) {
				// invoice_number is the events' only foreign key.
				if (event.invoiceNumber !== undefined && this.driver.constraintViolation(error)?.kind === 'foreign_key') {
					throw invoiceNotFound(event.invoiceNumber);
				}
				throw error;
			}
		});
	}

	async events(filter: EventFilter = {}): Promise<LedgerEvent[]> {
		const { sql, params } = where([
			['invoice_number = ?', filter.invoiceNumber],
			['type = ?', filter.type],
			['id > ?', filter.afterId],
		]);
		const limit = filter.limit !== undefined ? ` LIMIT ${Math.max(0, Math.trunc(filter.limit))}` : '';
		let clauses = sql;
		const all: SqlParam[] = [...params];
		if (filter.invoiceNumbers !== undefined) {
			if (filter.invoiceNumbers.length === 0) return [];
			clauses += `${clauses ? ' AND' : ' WHERE'} ${this.driver.dialect.inList('invoice_number')}`;
			all.push([...filter.invoiceNumbers]);
		}
		const rows = await this.driver.read((db) =>
			db.all(`SELECT ${EVENT_COLUMNS} FROM ledger_events${clauses} ORDER BY id${limit}`, all),
		);
		return rows.map(toEvent);
	}

	async pageInvoices(query: InvoicePageQuery): Promise<InvoicePage> {
		const [page, total] = await Promise.all([
			this.driver.read((db) => pageInvoices(db, this.driver.dialect, query)),
			this.driver.read((db) => countInvoices(db, this.driver.dialect, query)),
		]);
		return { ...page, total };
	}

	async findCdrsById(id: string): Promise<InvoicedCdr[]> {
		return this.driver.read((db) => findCdrsById(db, id));
	}

	async stageCdrs(runId: string, attempt: string, rows: readonly StagedCdr[]): Promise<StageResult> {
		return stageCdrs(this.driver, runId, attempt, rows);
	}

	async stagedDocumentKeys(runId: string, after: string | null, limit: number): Promise<string[]> {
		return stagedDocumentKeys(this.driver, runId, after, limit);
	}

	async stagedDocuments(runId: string, docKey: string): Promise<StagedDocument[]> {
		return stagedDocuments(this.driver, runId, docKey);
	}

	async forEachStaged(runId: string, document: StagedDocument, credited: boolean, each: (row: StagedRow) => void | Promise<void>): Promise<void> {
		return forEachStaged(this.driver, { ...document, runId }, credited, each);
	}

	async unstage(runId: string, docKey?: string): Promise<void> {
		return unstage(this.driver, runId, docKey);
	}

	async pruneStaged(before: string): Promise<number> {
		return pruneStaged(this.driver, before);
	}

	async close(): Promise<void> {
		await this.driver.close();
	}
}
