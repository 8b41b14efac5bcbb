/**
 * The run journal (issue 12.1): a streamed invoicing run stages each accepted CDR here, in batches, so the ledger and
 * not the heap holds what a month accumulates. A document is then issued from the rows of its `docKey` (the issuing
 * transaction links them with one INSERT … SELECT, see sql-ledger.ts), and its rows are removed once it is issued.
 *
 * A run is named by `runId`; each invocation of it by an `attempt`. A CDR staged twice by one attempt is a repeat in
 * the input; one staged by another attempt of the run (a killed run being resumed) is taken over, not repeated.
 */
import { cdrKey } from '../ocpi/types';
import type { SqlDriver, SqlSession, SqlValue } from './sql-driver';
import { insertRows } from './sql-driver';
import type { CdrRef, StagedCdr, StagedDocument, StageResult, StagedRow } from './types';

const STAGED_COLUMNS = [
	['run_id', 'text'],
	['cdr_key', 'text'],
	['country_code', 'text'],
	['party_id', 'text'],
	['cdr_id', 'text'],
	['doc_key', 'text'],
	['credited_key', 'text'],
	['sort_key', 'text'],
	['line_no', 'integer'],
	['attempt', 'text'],
	['staged_at', 'text'],
	['data', 'text'],
] as const;

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The staged key of a CDR: its cdrKey upper-cased, as invoice_cdrs keys it (OCPI CiStrings). */
export const stagedKey = (ref: CdrRef): string => cdrKey(ref).toUpperCase();

export async function stageCdrs(driver: SqlDriver, runId: string, attempt: string, rows: readonly StagedCdr[]): Promise<StageResult> {
	const { dialect } = driver;
	const result: StageResult = { staged: 0, repeated: [], invoiced: [] };
	if (rows.length === 0) return result;
	return driver.transaction(async (tx) => {
		const byKey = new Map<string, StagedCdr>();
		for (const row of rows) {
			const key = stagedKey(row.ref);
			if (byKey.has(key)) result.repeated.push({ ref: row.ref, line: row.line, firstLine: byKey.get(key)!.line });
			else byKey.set(key, row);
		}
		const keys = [...byKey.keys()];
		const invoiced: string[] = [];
		for (const found of await tx.all(`SELECT cdr_key, invoice_number FROM invoice_cdrs WHERE ${dialect.inList('cdr_key')}`, [keys])) {
			const row = byKey.get(String(found.cdr_key))!;
			result.invoiced.push({ ref: row.ref, line: row.line, invoiceNumber: String(found.invoice_number) });
			byKey.delete(String(found.cdr_key));
			invoiced.push(String(found.cdr_key));
		}
		// A killed run's rows of CDRs it managed to bill: reported here, so not issued (and reported) again.
		if (invoiced.length > 0) await tx.run(`DELETE FROM staged_cdrs${dialect.journalByCdr} WHERE run_id = ? AND ${dialect.inList('cdr_key')}`, [runId, invoiced]);
		const staged = await tx.all(`SELECT cdr_key, attempt, line_no FROM staged_cdrs${dialect.journalByCdr} WHERE run_id = ? AND ${dialect.inList('cdr_key')}`, [
			runId,
			[...byKey.keys()],
		]);
		const takenOver: string[] = [];
		for (const found of staged) {
			const key = String(found.cdr_key);
			const row = byKey.get(key)!;
			if (String(found.attempt) === attempt) {
				result.repeated.push({ ref: row.ref, line: row.line, firstLine: found.line_no === null ? undefined : Number(found.line_no) });
			} else takenOver.push(key);
			byKey.delete(key);
		}
		if (takenOver.length > 0) {
			await tx.run(`UPDATE staged_cdrs${dialect.journalByCdr} SET attempt = ? WHERE run_id = ? AND ${dialect.inList('cdr_key')}`, [attempt, runId, takenOver]);
		}
		const at = new Date().toISOString();
		// In the journal's key order (run, document, session order, CDR): a month read in random order then inserts each
		// batch in one ascending pass over the journal's B-tree rather than in random leaps.
		const ordered = [...byKey].sort(([ka, a], [kb, b]) => compareText(a.docKey, b.docKey) || compareText(a.sortKey, b.sortKey) || compareText(ka, kb));
		const values: SqlValue[][] = ordered.map(([key, row]) => [
			runId,
			key,
			row.ref.country_code,
			row.ref.party_id,
			row.ref.id,
			row.docKey,
			row.creditedKey ?? null,
			row.sortKey,
			row.line ?? null,
			attempt,
			at,
			row.data,
		]);
		await insertRows(tx, dialect, 'staged_cdrs', STAGED_COLUMNS, values);
		result.staged = values.length + takenOver.length;
		return result;
	});
}

/**
 * The next document keys of a run after `after`, in order (invoices sort before credit notes by their key): one index
 * seek per key, never a pass over the rows (a monthly document has hundreds of thousands).
 */
export async function stagedDocumentKeys(driver: SqlDriver, runId: string, after: string | null, limit: number): Promise<string[]> {
	return driver.read(async (db) => {
		const keys: string[] = [];
		let last = after;
		while (keys.length < limit) {
			const row = await db.one(
				`SELECT MIN(doc_key) AS doc_key FROM staged_cdrs WHERE run_id = ?${last === null ? '' : ' AND doc_key > ?'}`,
				last === null ? [runId] : [runId, last],
			);
			if (row?.doc_key === null || row?.doc_key === undefined) break;
			last = String(row.doc_key);
			keys.push(last);
		}
		return keys;
	});
}

/**
 * The documents of one key: one row; for credit CDRs, one credit note for those whose originals are on invoices of
 * this ledger (`corrects`: those invoices, by number), and one (`corrects` null) for those whose original is on none.
 */
export async function stagedDocuments(driver: SqlDriver, runId: string, docKey: string): Promise<StagedDocument[]> {
	const rows = await driver.read((db) =>
		db.all(
			'SELECT ic.invoice_number AS corrects, COUNT(*) AS n, COUNT(s.credited_key) AS credits FROM staged_cdrs s LEFT JOIN invoice_cdrs ic ON ic.cdr_key = s.credited_key ' +
				'WHERE s.run_id = ? AND s.doc_key = ? GROUP BY ic.invoice_number ORDER BY ic.invoice_number',
			[runId, docKey],
		),
	);
	// Rows of an invoice have no credited key (a key holds one kind of document).
	if (rows.length === 1 && Number(rows[0].credits) === 0) return [{ docKey, corrects: [], count: Number(rows[0].n) }];
	const invoiced = rows.filter((r) => r.corrects !== null);
	const uninvoiced = rows.find((r) => r.corrects === null);
	const documents: StagedDocument[] = [];
	if (invoiced.length > 0) {
		documents.push({ docKey, corrects: invoiced.map((r) => String(r.corrects)), count: invoiced.reduce((n, r) => n + Number(r.n), 0) });
	}
	if (uninvoiced) documents.push({ docKey, corrects: null, count: Number(uninvoiced.n) });
	return documents;
}

/**
 * The FROM … WHERE of one staged document; for credit CDRs the invoice of their original joined (`ic`), and only the
 * rows whose original is on an invoice (`corrects` given) or on none (`corrects` null).
 */
export function stagedSelection(document: Pick<StagedDocument, 'docKey' | 'corrects'> & { runId: string }, credited: boolean): { sql: string; params: SqlValue[] } {
	if (!credited) return { sql: 'FROM staged_cdrs s WHERE s.run_id = ? AND s.doc_key = ?', params: [document.runId, document.docKey] };
	const corrects = document.corrects === null ? 'ic.invoice_number IS NULL' : 'ic.invoice_number IS NOT NULL';
	return {
		sql: `FROM staged_cdrs s LEFT JOIN invoice_cdrs ic ON ic.cdr_key = s.credited_key WHERE s.run_id = ? AND s.doc_key = ? AND ${corrects}`,
		params: [document.runId, document.docKey],
	};
}

/** Streams the rows of one staged document in session order, a batch at a time. */
export async function forEachStaged(
	driver: SqlDriver,
	document: StagedDocument & { runId: string },
	credited: boolean,
	each: (row: StagedRow) => void | Promise<void>,
): Promise<void> {
	const { sql, params } = stagedSelection(document, credited);
	await driver.read(async (db: SqlSession) => {
		const corrects = credited ? ', ic.invoice_number AS corrects' : '';
		for await (const r of db.iterate(`SELECT s.country_code, s.party_id, s.cdr_id, s.line_no, s.data${corrects} ${sql} ORDER BY s.sort_key, s.cdr_key`, params, 2_000)) {
			await each({
				ref: { country_code: String(r.country_code), party_id: String(r.party_id), id: String(r.cdr_id) },
				line: r.line_no === null || r.line_no === undefined ? undefined : Number(r.line_no),
				data: String(r.data),
				...(r.corrects === null || r.corrects === undefined ? {} : { corrects: String(r.corrects) }),
			});
		}
	});
}

/** Removes a run's rows: of one document key once it is issued (or failed), or all of them. */
export async function unstage(driver: SqlDriver, runId: string, docKey?: string): Promise<void> {
	await driver.transaction((tx) =>
		tx.run(`DELETE FROM staged_cdrs WHERE run_id = ?${docKey === undefined ? '' : ' AND doc_key = ?'}`, docKey === undefined ? [runId] : [runId, docKey]),
	);
}

/** Drops rows of runs staged before `before` (ISO time): journals of runs killed and never resumed. */
export async function pruneStaged(driver: SqlDriver, before: string): Promise<number> {
	return driver.transaction((tx) => tx.run('DELETE FROM staged_cdrs WHERE staged_at < ?', [before]));
}
