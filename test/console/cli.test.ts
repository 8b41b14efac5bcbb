/**
 * `ev-clearing console` as a user runs it (the built CLI in a child process): users added to a file with a hashed
 * password, the console served on a port, a script reading a JSON twin with the API token, 401 without it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { openLedger } from '../../lib/ledger';
import { clearMonth, REPO } from './fixtures';

const BIN = path.join(REPO, 'bin/ev-clearing.js');
const NODE = process.execPath;
const TOKEN = 'cli-test-token-0123456789';

describe('ev-clearing console', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'console-cli-'));
	const ledgerPath = path.join(dir, 'ledger.sqlite');
	const usersFile = path.join(dir, 'users.json');

	beforeAll(async () => {
		const ledger = await openLedger({ kind: 'sqlite', path: ledgerPath });
		await clearMonth(ledger);
		await ledger.close();
	}, 120_000);

	it('adds a user with a hashed password, readable by its owner only, and lists it', () => {
		const add = spawnSync(NODE, [BIN, 'console', 'users', 'add', '--users', usersFile, '--name', 'alice', '--role', 'admin'], {
			env: { ...process.env, EV_CLEARING_CONSOLE_PASSWORD: 'correct horse battery' },
			encoding: 'utf8',
		});
		expect(add.stderr).toBe('');
		expect(JSON.parse(add.stdout)).toEqual({ kind: 'user', name: 'alice', role: 'admin', outcome: 'set' });
		const stored = readFileSync(usersFile, 'utf8');
		expect(stored).toMatch(/"password": "scrypt\$131072\$8\$1\$/);
		expect(stored).not.toContain('correct horse battery');
		expect(statSync(usersFile).mode & 0o777).toBe(0o600);
		const list = spawnSync(NODE, [BIN, 'console', 'users', 'list', '--users', usersFile], { encoding: 'utf8' });
		expect(JSON.parse(list.stdout)).toEqual({ kind: 'user', name: 'alice', role: 'admin' });
		const bad = spawnSync(NODE, [BIN, 'console', 'users', 'add', '--users', usersFile, '--name', 'bob', '--role', 'boss'], { encoding: 'utf8' });
		expect(bad.status).toBe(2);
		expect(bad.stderr).toContain('--role must be viewer, operator or admin');
	}, 60_000);

	it('serves the console on a port: JSON twins with the token, 401 without', async () => {
		const child = spawn(NODE, [BIN, 'console', '--ledger', ledgerPath, '--users', usersFile, '--port', '0'], {
			env: { ...process.env, EV_CLEARING_CONSOLE_TOKEN: TOKEN, EV_CLEARING_CONSOLE_TOKEN_ROLE: 'viewer' },
		});
		try {
			const url = await new Promise<string>((resolve, reject) => {
				let out = '';
				child.stdout.on('data', (chunk: Buffer) => {
					out += chunk.toString();
					const line = out.split('\n').find((l) => l.startsWith('{'));
					if (line) resolve((JSON.parse(line) as { url: string }).url);
				});
				child.once('exit', (code) => reject(new Error(`console exited with ${code}`)));
			});
			expect((await fetch(`${url}/api/invoices`)).status).toBe(401);
			const response = await fetch(`${url}/api/invoices?type=380`, { headers: { authorization: `Bearer ${TOKEN}` } });
			expect(response.status).toBe(200);
			const list = (await response.json()) as { total: number; rows: Array<{ number: string }> };
			expect(list.rows.map((row) => row.number)).toEqual(['EVC-2026-000004', 'EVC-2026-000003', 'EVC-2026-000002', 'EVC-2026-000001']);
			// The token's role is viewer: no change.
			const change = await fetch(`${url}/api/disputes`, {
				method: 'POST',
				headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
				body: JSON.stringify({ invoice: 'EVC-2026-000001', reason: 'x' }),
			});
			expect(change.status).toBe(403);
		} finally {
			child.kill('SIGTERM');
		}
	}, 60_000);
});
