import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openLedger } from '../../lib/ledger';
import { describeLedgerContract, expectOlderLedgerMigrates } from './ledger-contract';

const dir = mkdtempSync(join(tmpdir(), 'ledger-sqlite-'));
let files = 0;

describe('SQLite ledger', () => {
	describeLedgerContract({
		freshConfig: async () => ({ kind: 'sqlite', path: join(dir, `ledger-${++files}.sqlite`) }),
		cleanup: async () => rmSync(dir, { recursive: true, force: true }),
	});

	it('creates the file in WAL mode at the latest schema version', async () => {
		const path = join(dir, 'fresh.sqlite');
		const ledger = await openLedger({ kind: 'sqlite', path });
		await ledger.close();
		const db = new DatabaseSync(path);
		expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
		expect(db.prepare('SELECT version, name FROM ledger_migrations').all()).toEqual([
			{ version: 1, name: 'invoices' },
			{ version: 2, name: 'event keys' },
			{ version: 3, name: 'console lists' },
			{ version: 4, name: 'run journal' },
			{ version: 5, name: 'credit allocations' },
			{ version: 6, name: 'run journal in document order' },
		]);
		db.close();
	});

	it('migrates an older ledger (schema 4, one corrects_number per credit note) into credit allocations, crediting the same', async () => {
		const path = join(dir, 'older.sqlite');
		await expectOlderLedgerMigrates(
			{ kind: 'sqlite', path },
			async (statements) => {
				const db = new DatabaseSync(path);
				for (const sql of statements) db.exec(sql);
				db.close();
			},
			"json_remove(payload, '$.allocations')",
		);
	});

	it('refuses a ledger written by a newer version of the package', async () => {
		const path = join(dir, 'newer.sqlite');
		await (await openLedger({ kind: 'sqlite', path })).close();
		const db = new DatabaseSync(path);
		db.prepare("INSERT INTO ledger_migrations VALUES (99, 'future', '2030-01-01T00:00:00Z')").run();
		db.close();
		await expect(openLedger({ kind: 'sqlite', path })).rejects.toMatchObject({ code: 'LEDGER_SCHEMA_TOO_NEW' });
	});
});

describe('SQLite ledger path', () => {
	it('refuses a folder that cannot be created, with the path in the message, instead of hanging', async () => {
		await expect(openLedger({ kind: 'sqlite', path: '/proc/no-such-dir/ledger.sqlite' })).rejects.toMatchObject({
			code: 'LEDGER_CONFIG_INVALID',
			message: expect.stringContaining('/proc/no-such-dir'),
		});
	});
});
