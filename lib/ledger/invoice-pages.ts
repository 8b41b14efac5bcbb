/**
 * Pages of invoices for lists (the Clearing Console): filters, a whitelisted order with an index behind each
 * (migration 3), keyset pagination — `WHERE (key, series, sequence) > (last row's)` then `LIMIT`, so page 2,000 costs
 * what page 1 does — or an offset for a jump to a page, and the count of all pages. Written once for both stores.
 */
import { LedgerError } from './errors';
import { DUE_DATE_KEY } from './migrations';
import { CREDITING_INVOICE, SUMMARY_COLUMNS, toCdrRef, toSummary } from './rows';
import type { SqlDialect, SqlParam, SqlSession, SqlValue } from './sql-driver';
import type { InvoicedCdr, InvoicePage, InvoicePageQuery, InvoiceSortKey } from './types';

/** The sort key expression of each order; the same text as in its index. */
function sortExpression(dialect: SqlDialect, sort: InvoiceSortKey): string | undefined {
	switch (sort) {
		case 'number':
			return undefined;
		case 'issueDate':
			return 'issue_date';
		case 'dueDate':
			return DUE_DATE_KEY;
		case 'total':
			return dialect.cents('total_with_vat');
	}
}

const SORTS: readonly InvoiceSortKey[] = ['number', 'issueDate', 'dueDate', 'total'];

type Cursor = [key: string | number | null, series: string, sequence: number];

function decodeCursor(after: string): Cursor {
	try {
		const cursor = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as unknown;
		if (Array.isArray(cursor) && cursor.length === 3 && typeof cursor[1] === 'string' && Number.isSafeInteger(cursor[2])) return cursor as Cursor;
	} catch {
		// falls through
	}
	throw new LedgerError('LEDGER_QUERY_INVALID', `after "${after}" is not a cursor this ledger gave: start from the first page.`, 'after');
}

/** The filters of a query as conditions and their parameters. */
function filters(dialect: SqlDialect, query: InvoicePageQuery): { conditions: string[]; params: SqlParam[] } {
	const conditions: string[] = [];
	const params: SqlParam[] = [];
	const add = (clause: string, ...values: SqlParam[]) => {
		conditions.push(clause);
		params.push(...values);
	};
	if (query.series !== undefined) add('series = ?', query.series);
	if (query.typeCode !== undefined) add('type_code = ?', query.typeCode);
	if (query.buyer !== undefined) add('buyer_country_code = ? AND buyer_party_id = ?', query.buyer.countryCode.toUpperCase(), query.buyer.partyId.toUpperCase());
	if (query.correctsInvoiceNumber !== undefined) add(CREDITING_INVOICE, query.correctsInvoiceNumber);
	if (query.issuedFrom !== undefined) add('issue_date >= ?', query.issuedFrom);
	if (query.issuedTo !== undefined) add('issue_date <= ?', query.issuedTo);
	if (query.numbers !== undefined) add(dialect.inList('number'), [...query.numbers]);
	if (query.correcting !== undefined) add(`number IN (SELECT credit_note_number FROM credit_allocations WHERE ${dialect.inList('invoice_number')})`, [...query.correcting]);
	if (query.search !== undefined && query.search.trim() !== '') {
		// By index: the number as typed or upper-cased, or the RF reference whole (without spaces).
		const typed = query.search.trim();
		const alternatives = [dialect.startsWith('number', typed), dialect.startsWith('number', typed.toUpperCase())];
		add(
			`(${alternatives.map((a) => a.sql).join(' OR ')} OR payment_reference = ?)`,
			...alternatives.flatMap((a) => a.params),
			typed.replace(/\s/g, '').toUpperCase(),
		);
	}
	return { conditions, params };
}

/** How many documents the filters select, all pages together (read beside the page). */
export async function countInvoices(db: SqlSession, dialect: SqlDialect, query: InvoicePageQuery): Promise<number> {
	const { conditions, params } = filters(dialect, query);
	const filter = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
	return Number((await db.one(`SELECT COUNT(*) AS n FROM invoices${filter}`, params))?.n ?? 0);
}

/** One page: the rows and the cursor of the next; `total` is countInvoices'. */
export async function pageInvoices(db: SqlSession, dialect: SqlDialect, query: InvoicePageQuery): Promise<Omit<InvoicePage, 'total'>> {
	const sort = query.sort ?? 'number';
	if (!SORTS.includes(sort)) throw new LedgerError('LEDGER_QUERY_INVALID', `sort "${sort}" is not one of ${SORTS.join(', ')}.`, 'sort');
	if (!Number.isSafeInteger(query.limit) || query.limit < 1 || query.limit > 1000) {
		throw new LedgerError('LEDGER_QUERY_INVALID', `limit ${query.limit} is not a whole number from 1 to 1000.`, 'limit');
	}
	const { conditions, params } = filters(dialect, query);
	const key = sortExpression(dialect, sort);
	const direction = query.descending ? 'DESC' : 'ASC';
	const order = `${key ? `${key} ${direction}, ` : ''}series ${direction}, sequence ${direction}`;
	const pageConditions = [...conditions];
	const pageParams: SqlParam[] = [...params];
	if (query.after !== undefined) {
		const [last, series, sequence] = decodeCursor(query.after);
		const after = query.descending ? '<' : '>';
		const bySeries = `(series ${after} ? OR (series = ? AND sequence ${after} ?))`;
		if (key) {
			pageConditions.push(`(${key} ${after} ? OR (${key} = ? AND ${bySeries}))`);
			pageParams.push(last as SqlValue, last as SqlValue, series, series, sequence);
		} else {
			pageConditions.push(bySeries);
			pageParams.push(series, series, sequence);
		}
	}
	const offset = query.after === undefined && query.offset ? ` OFFSET ${Math.max(0, Math.trunc(query.offset))}` : '';
	const keyColumn = key ? `, ${key} AS sort_key` : '';
	const rows = await db.all(
		`SELECT ${SUMMARY_COLUMNS}${keyColumn} FROM invoices${pageConditions.length ? ` WHERE ${pageConditions.join(' AND ')}` : ''} ` +
			`ORDER BY ${order} LIMIT ${query.limit + 1}${offset}`,
		pageParams,
	);
	const more = rows.length > query.limit;
	const page = rows.slice(0, query.limit);
	const last = page[page.length - 1];
	const next = more && last
		? Buffer.from(JSON.stringify([key ? (typeof last.sort_key === 'bigint' ? Number(last.sort_key) : (last.sort_key as string | number)) : null, String(last.series), Number(last.sequence)])).toString('base64url')
		: undefined;
	return { rows: page.map(toSummary), ...(next ? { next } : {}) };
}

export async function findCdrsById(db: SqlSession, id: string): Promise<InvoicedCdr[]> {
	const rows = await db.all('SELECT country_code, party_id, cdr_id, invoice_number FROM invoice_cdrs WHERE UPPER(cdr_id) = ? ORDER BY cdr_key', [
		id.trim().toUpperCase(),
	]);
	return rows.map((row) => ({ ...toCdrRef(row), invoiceNumber: String(row.invoice_number) }));
}
