/**
 * Issue 13.10: a ledger that cannot be used — PostgreSQL refusing the port, the password or the database; a SQLite
 * file locked by another process or not writable — is a LedgerError with a stable code and a one-line message saying
 * what to do; the CLI prints that line and exits 2, the nodes pass it on. Every case is real: a closed port, the test
 * server's password role, another process holding the lock, another user.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { main } from '../../cli/main';
import { openLedger } from '../../lib/ledger';
import type { LedgerConfig } from '../../lib/ledger';
import { TrackPayment } from '../../nodes/TrackPayment/TrackPayment.node';
import { runNode } from '../helpers/n8n-engine';
import { cdr, invoice } from './ledger-contract';
import { closedPort } from './postgres-cluster';
import { postgresUrl } from './postgres-server';

const dir = mkdtempSync(join(tmpdir(), 'ledger-operational-'));
chmodSync(dir, 0o755); // another user (the read-only case) must reach the files
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function refusal(config: LedgerConfig): Promise<{ code?: string; message: string; stack?: string }> {
	const error = await openLedger(config).then(
		async (ledger) => {
			await ledger.close();
			throw new Error('the ledger opened');
		},
		(refused: { code?: string; message: string }) => refused,
	);
	return error;
}

function expectOneLine(message: string, ...secrets: string[]): void {
	expect(message.split('\n')).toHaveLength(1);
	for (const secret of secrets) expect(message).not.toContain(secret);
}

/** The URL of the test server with another user, password or database. */
async function serverUrl(change: (url: URL) => void): Promise<string> {
	const url = new URL(await postgresUrl());
	change(url);
	return url.toString();
}

describe('PostgreSQL that cannot be used', () => {
	it('a port where nothing listens: LEDGER_UNREACHABLE, naming the address, never the password', async () => {
		const port = await closedPort();
		const error = await refusal({ kind: 'postgres', connectionString: `postgresql://clearing:s3cret-pw@127.0.0.1:${port}/ledger` });
		expect(error).toMatchObject({ code: 'LEDGER_UNREACHABLE' });
		expect(error.message).toBe(
			`No PostgreSQL server answers at 127.0.0.1:${port} (connection refused): start it, or correct the host and port ` +
				'of the ledger connection, then run again.',
		);
		expectOneLine(error.message, 's3cret-pw');
	});

	it('a wrong password: LEDGER_AUTH_FAILED', async () => {
		const right = await serverUrl((url) => {
			url.username = 'ev_clearing_password_check';
			url.password = 'ev-clearing-test';
		});
		const wrong = right.replace('ev-clearing-test', 'wrong-s3cret');
		// The check needs a server that asks this role for its password (scripts/ci/start-postgres.sh sets it up).
		const trusting = await new Client({ connectionString: wrong }).connect().then(
			() => true,
			() => false,
		);
		if (trusting) {
			console.warn('skipped: the server at EV_CLEARING_PG_URL accepts any password for ev_clearing_password_check');
			return;
		}
		const error = await refusal({ kind: 'postgres', connectionString: wrong, schema: 'ledger_auth_check' });
		expect(error).toMatchObject({ code: 'LEDGER_AUTH_FAILED' });
		expect(error.message).toMatch(
			/^PostgreSQL at 127\.0\.0\.1:\d+ refused the login of user "ev_clearing_password_check" \(password authentication failed for user "ev_clearing_password_check"\): correct the user and password of the ledger connection\.$/,
		);
		expectOneLine(error.message, 'wrong-s3cret');
	});

	it('a database that does not exist: LEDGER_DATABASE_MISSING, with the command that creates it', async () => {
		const error = await refusal({
			kind: 'postgres',
			connectionString: await serverUrl((url) => (url.pathname = '/ev_clearing_no_such_db')),
		});
		expect(error).toMatchObject({ code: 'LEDGER_DATABASE_MISSING' });
		expect(error.message).toMatch(
			/^PostgreSQL at 127\.0\.0\.1:\d+ has no database "ev_clearing_no_such_db": create it \(createdb ev_clearing_no_such_db\) or correct the database name of the ledger connection\.$/,
		);
	});

	it('TLS asked of a server without it: LEDGER_UNREACHABLE, saying to match the SSL setting', async () => {
		const error = await refusal({
			kind: 'postgres',
			connectionString: await serverUrl((url) => url.searchParams.set('sslmode', 'require')),
		});
		expect(error).toMatchObject({ code: 'LEDGER_UNREACHABLE' });
		expect(error.message).toMatch(
			/^PostgreSQL at 127\.0\.0\.1:\d+ and the ledger connection disagree on TLS \(The server does not support SSL connections\): set SSL in the ledger connection as the server expects it/,
		);
	});

	it('the CLI prints the one line and exits 2; a node fails with the same message', async () => {
		const port = await closedPort();
		const connectionString = `postgresql://clearing:s3cret-pw@127.0.0.1:${port}/ledger`;
		const root = resolve(__dirname, '../..');
		const config = JSON.parse(readFileSync(join(root, 'samples/invoice-config.json'), 'utf8')) as Record<string, unknown>;
		const configFile = join(dir, 'config.json');
		writeFileSync(configFile, JSON.stringify({ ...config, ledger: { kind: 'postgres', connectionString } }));
		const priced = join(dir, 'priced.ndjson');
		const price = await cli(['price', '--tariffs', join(root, 'samples/tariffs.json'), join(root, 'samples/cdrs.json')]);
		writeFileSync(priced, price.stdout.split('\n')[0] + '\n');

		const run = await cli(['invoice', '--config', configFile, '--out', join(dir, 'out'), priced]);
		expect(run.code).toBe(2);
		expect(run.stderr).toBe(
			`ev-clearing: LEDGER_UNREACHABLE: No PostgreSQL server answers at 127.0.0.1:${port} (connection refused): ` +
				'start it, or correct the host and port of the ledger connection, then run again.\n',
		);

		const credentials = { evClearingPostgresLedgerApi: { id: 'pg-ledger', name: 'Ledger' } };
		const parameters = { operation: 'getStatus', ledger: 'postgres' };
		const node = await runNode(new TrackPayment(), [{}], { parameters, credentials }, {
			credentials: {
				evClearingPostgresLedgerApi: { host: '127.0.0.1', port, database: 'ledger', user: 'clearing', password: 's3cret-pw' },
			},
		});
		expect(node.error?.message).toBe(
			`No PostgreSQL server answers at 127.0.0.1:${port} (connection refused): start it, or correct the host and port ` +
				'of the ledger connection, then run again.',
		);
		expect((node.error as { description?: string }).description).toBe('LEDGER_UNREACHABLE');
	});
});

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	const out: string[] = [];
	const err: string[] = [];
	const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
	const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => err.push(String(chunk)) > 0);
	try {
		const code = await main(argv);
		return { code, stdout: out.join(''), stderr: err.join('') };
	} finally {
		stdout.mockRestore();
		stderr.mockRestore();
	}
}

/** Another process holding the SQLite write lock until it is told to let go. */
async function holdWriteLock(path: string): Promise<ChildProcess> {
	const script =
		"const db = new (require('node:sqlite').DatabaseSync)(process.argv[1]); db.exec('BEGIN IMMEDIATE');" +
		"process.stdout.write('locked\\n'); process.stdin.once('data', () => { db.exec('ROLLBACK'); process.exit(0); });";
	const child = spawn(process.execPath, ['-e', script, path], { stdio: ['pipe', 'pipe', 'inherit'] });
	await new Promise<void>((done, fail) => {
		child.stdout!.once('data', () => done());
		child.once('exit', (code) => fail(new Error(`the lock holder exited (${code})`)));
	});
	return child;
}

function release(child: ChildProcess): Promise<void> {
	return new Promise((done) => {
		child.once('exit', () => done());
		child.stdin!.end('go\n');
	});
}

describe('SQLite that cannot be used', () => {
	it('a file another process keeps locked: LEDGER_BUSY on open and on issue; the CLI prints one line', async () => {
		const path = join(dir, 'locked.sqlite');
		const ledger = await openLedger({ kind: 'sqlite', path, busyTimeoutMs: 200 });
		const holder = await holdWriteLock(path);
		try {
			const opening = await refusal({ kind: 'sqlite', path, busyTimeoutMs: 200 });
			expect(opening).toMatchObject({ code: 'LEDGER_BUSY' });
			expect(opening.message).toBe(
				`The ledger file ${path} stayed locked by another process for 200 ms: let the other run finish, then run again.`,
			);
			await expect(ledger.issue(invoice([cdr('WAITING')]))).rejects.toMatchObject({ code: 'LEDGER_BUSY' });
			// Reads of committed data go on beside the other writer.
			expect(await ledger.findInvoicedCdrs([cdr('WAITING')])).toEqual(new Map());

			const run = await cli(['payments', 'status', '--ledger', path]);
			expect(run.code).toBe(2);
			expect(run.stderr).toMatch(new RegExp(`^ev-clearing: LEDGER_BUSY: The ledger file ${path} stayed locked by another process for \\d+ ms: let the other run finish, then run again\\.\\n$`));
		} finally {
			await release(holder);
		}
		expect((await ledger.issue(invoice([cdr('WAITING')]))).kind).toBe('issued');
		await ledger.close();
	}, 60_000);

	it('a file that is not a SQLite database: LEDGER_FILE_UNUSABLE', async () => {
		const path = join(dir, 'notes.txt');
		writeFileSync(path, 'not a ledger, just some text that is long enough to be read as a header.\n'.repeat(20));
		const error = await refusal({ kind: 'sqlite', path });
		expect(error).toMatchObject({
			code: 'LEDGER_FILE_UNUSABLE',
			message: `The ledger file ${path} is not a SQLite database: give the path of the ledger file, or a new path to start one.`,
		});
	});

	it('a file this user may not write: LEDGER_READ_ONLY; a folder it may not write: LEDGER_FILE_UNUSABLE', async () => {
		const path = join(dir, 'read-only.sqlite');
		await (await openLedger({ kind: 'sqlite', path })).close();
		chmodSync(path, 0o444);
		const readOnlyFolder = mkdtempSync(join(dir, 'folder-'));
		chmodSync(readOnlyFolder, 0o555);
		// As root every file is writable: the check runs as the unprivileged user "nobody" there.
		const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
		const child = spawnSync(
			process.execPath,
			[join(__dirname, 'fixtures', 'open-ledger-child.js'), path, join(readOnlyFolder, 'new.sqlite')],
			{ encoding: 'utf8', ...asUser },
		);
		expect(child.stderr).toBe('');
		const [file, folder] = JSON.parse(child.stdout) as { code: string; message: string }[];
		expect(file).toEqual({
			code: 'LEDGER_READ_ONLY',
			message: `The ledger file ${path} cannot be written (the file or its folder is read-only for this user): give write permission on both, or use another path.`,
		});
		expect(folder).toEqual({
			code: 'LEDGER_FILE_UNUSABLE',
			message: `The ledger file ${join(readOnlyFolder, 'new.sqlite')} cannot be opened (no permission on it or its folder, or the path is a folder): give a file path in a folder this user can write.`,
		});
	});
});
