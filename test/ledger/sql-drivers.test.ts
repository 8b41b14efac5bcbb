/**
 * The SQL seam itself, on both engines: what later ledger queries build on (bulk rows, streamed reads, list
 * parameters of any length, transactions that roll back).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresDriver } from '../../lib/ledger/postgres-driver';
import { insertRows, type SqlDriver } from '../../lib/ledger/sql-driver';
import { openSqliteDriver } from '../../lib/ledger/sqlite-driver';
import { dropSchema, postgresUrl, uniqueSchemaName } from './postgres-server';

const dir = mkdtempSync(join(tmpdir(), 'sql-drivers-'));
const schemas: string[] = [];
let files = 0;

const engines: { name: string; open(): Promise<SqlDriver> }[] = [
	{ name: 'SQLite', open: async () => openSqliteDriver(join(dir, `driver-${++files}.sqlite`)) },
	{
		name: 'PostgreSQL',
		open: async () => {
			const schema = uniqueSchemaName();
			schemas.push(schema);
			return openPostgresDriver(await postgresUrl(), schema);
		},
	},
];

afterAll(async () => {
	rmSync(dir, { recursive: true, force: true });
	for (const schema of schemas) await dropSchema(schema);
});

const COLUMNS = [
	['k', 'text'],
	['n', 'integer'],
] as const;
const keyOf = (i: number) => `K${String(i).padStart(6, '0')}`;

describe.each(engines)('$name driver', (engine) => {
	let driver: SqlDriver;

	beforeEach(async () => {
		driver = await engine.open();
		await driver.transaction(async (tx) => {
			await driver.lockForMigration(tx);
			await tx.script('CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL)');
		});
	});
	afterEach(async () => {
		await driver.close();
	});

	it('inserts rows in bulk (skipping present keys when asked) and streams them back in batches', async () => {
		const rows = Array.from({ length: 12_345 }, (_, i) => [keyOf(i), i]);
		expect(await driver.transaction((tx) => insertRows(tx, driver.dialect, 't', COLUMNS, rows))).toBe(12_345);
		const overlapping = [[keyOf(0), -1], [keyOf(99_999), 99_999]];
		expect(await driver.transaction((tx) => insertRows(tx, driver.dialect, 't', COLUMNS, overlapping, 'k'))).toBe(1);

		const seen = await driver.read(async (db) => {
			let count = 0;
			let sum = 0;
			let ordered = true;
			let previous = '';
			for await (const row of db.iterate('SELECT k, n FROM t WHERE n >= ? ORDER BY k', [0], 1000)) {
				ordered &&= String(row.k) > previous;
				previous = String(row.k);
				count++;
				sum += Number(row.n);
			}
			return { count, sum, ordered };
		});
		expect(seen).toEqual({ count: 12_346, sum: (12_344 * 12_345) / 2 + 99_999, ordered: true });
	});

	it('leaves the session usable after a stream is left early, and inside a transaction', async () => {
		await driver.transaction((tx) => insertRows(tx, driver.dialect, 't', COLUMNS, [[keyOf(1), 1], [keyOf(2), 2], [keyOf(3), 3]]));
		const firstAndCount = await driver.read(async (db) => {
			let first: unknown;
			for await (const row of db.iterate('SELECT k FROM t ORDER BY k', [], 1)) {
				first = row.k;
				break;
			}
			return [first, Number((await db.one('SELECT COUNT(*) AS c FROM t'))?.c)];
		});
		expect(firstAndCount).toEqual([keyOf(1), 3]);
		const inTransaction = await driver.transaction(async (tx) => {
			await tx.run('UPDATE t SET n = n * 10');
			const values: number[] = [];
			for await (const row of tx.iterate('SELECT n FROM t ORDER BY k', [], 2)) values.push(Number(row.n));
			return values;
		});
		expect(inTransaction).toEqual([10, 20, 30]);
	});

	it('takes a list of any length as one parameter, and leaves a ? inside a literal alone', async () => {
		await driver.transaction((tx) => insertRows(tx, driver.dialect, 't', COLUMNS, [[keyOf(5), 5], [keyOf(7), 7]]));
		const wanted = Array.from({ length: 70_000 }, (_, i) => keyOf(i * 2 + 1));
		const rows = await driver.read((db) =>
			db.all(`SELECT '?' AS mark, k FROM t WHERE ${driver.dialect.inList('k')} AND n > ? ORDER BY k`, [wanted, 0]),
		);
		expect(rows.map((row) => [row.mark, row.k])).toEqual([
			['?', keyOf(5)],
			['?', keyOf(7)],
		]);
	});

	it('rolls a transaction back when its work throws, and reports a unique key refused', async () => {
		await expect(
			driver.transaction(async (tx) => {
				await tx.run('INSERT INTO t (k, n) VALUES (?, ?)', ['A', 1]);
				throw new Error('changed my mind');
			}),
		).rejects.toThrow('changed my mind');
		expect(await driver.read((db) => db.all('SELECT k FROM t'))).toEqual([]);
		await driver.transaction((tx) => tx.run('INSERT INTO t (k, n) VALUES (?, ?)', ['A', 1]));
		const refused = await driver
			.transaction((tx) => tx.run('INSERT INTO t (k, n) VALUES (?, ?)', ['A', 2]))
			.catch((error: unknown) => error);
		expect(driver.constraintViolation(refused)).toMatchObject({ kind: 'unique', table: 't' });
	});
});
