/** The console behind its Node HTTP server (what `ev-clearing console` runs): forms and cookies over a real socket. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { ServedConsole } from '../../lib/console';
import { createConsole, serveConsole, setUser } from '../../lib/console';
import type { Ledger } from '../../lib/ledger';
import { openLedger } from '../../lib/ledger';

describe('the console on its Node server', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'console-node-'));
	let ledger: Ledger;
	let served: ServedConsole;

	beforeAll(async () => {
		ledger = await openLedger({ kind: 'sqlite', path: path.join(dir, 'ledger.sqlite') });
		const usersFile = path.join(dir, 'users.json');
		await setUser(usersFile, 'alice', 'admin', 'correct horse battery');
		served = await serveConsole(await createConsole({ ledger, auth: { usersFile } }), { port: 0, host: '127.0.0.1' });
	});

	afterAll(async () => {
		await served?.close();
		await ledger?.close();
	});

	it('signs in through a posted form and keeps the session cookie', async () => {
		const page = await fetch(`${served.url}/login`);
		const nonceCookie = page.headers.getSetCookie().find((c) => c.startsWith('evc_login='))!.split(';')[0];
		const nonce = /name="_login" value="([^"]+)"/.exec(await page.text())![1];
		const response = await fetch(`${served.url}/login`, {
			method: 'POST',
			redirect: 'manual',
			headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: nonceCookie },
			body: new URLSearchParams({ _login: nonce, user: 'alice', password: 'correct horse battery' }),
		});
		expect(response.status).toBe(303);
		const session = response.headers.getSetCookie().find((c) => c.startsWith('evc_session='))!;
		expect(session).toMatch(/HttpOnly/);
		const api = await fetch(`${served.url}/api/invoices`, { headers: { cookie: session.split(';')[0] } });
		expect(api.status).toBe(200);
		expect(await api.json()).toMatchObject({ total: 0, rows: [] });
	});
});
