/**
 * The console's handler in-process (no browser): every view and its JSON twin over a month's clearing, the
 * changes it makes (each a ledger event naming the user), and its safety — 401 without session or token, CSRF on
 * every change, roles, the sign-in rate limit, HttpOnly + SameSite cookies, escaping of ledger text.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { ClearingConsole } from '../../lib/console';
import { CONSOLE_ACTION, createConsole, setUser } from '../../lib/console';
import type { Ledger } from '../../lib/ledger';
import { openLedger } from '../../lib/ledger';
import { openDispute, statusReport } from '../../lib/payments/tracking';
import type { ConsoleFixture } from './fixtures';
import { clearMonth } from './fixtures';
import { Client } from './helpers';

const TOKEN = 'test-token-0123456789abcdef';

describe('Clearing Console over HTTP', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'console-http-'));
	const usersFile = path.join(dir, 'users.json');
	let ledger: Ledger;
	let fixture: ConsoleFixture;
	let console: ClearingConsole;

	beforeAll(async () => {
		ledger = await openLedger({ kind: 'sqlite', path: path.join(dir, 'ledger.sqlite') });
		fixture = await clearMonth(ledger);
		await setUser(usersFile, 'alice', 'admin', 'correct horse battery');
		await setUser(usersFile, 'oscar', 'operator', 'operator password');
		await setUser(usersFile, 'vera', 'viewer', 'viewer password');
		await setUser(usersFile, 'rita', 'viewer', 'rate limited');
		console = await createConsole({
			ledger,
			cdrs: fixture.cdrs,
			config: fixture.config,
			filesDir: path.join(dir, 'files'),
			today: () => '2026-12-20',
			auth: { usersFile, token: TOKEN },
		});
	}, 120_000);

	afterAll(async () => ledger?.close());

	const asAdmin = async () => {
		const client = new Client(console);
		expect((await client.signIn('alice', 'correct horse battery')).status).toBe(303);
		return client;
	};

	describe('without a session or token', () => {
		it.each(['/', '/invoices', '/invoices/EVC-2026-000001', '/review', '/disputes', '/reminders', '/api/invoices', '/api/overview'])(
			'answers 401 to %s',
			async (route) => {
				const response = await new Client(console).get(route);
				expect(response.status).toBe(401);
			},
		);

		it('refuses a wrong bearer token and a change with 401', async () => {
			const client = new Client(console);
			expect((await client.get('/api/invoices', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
			const post = await client.request('/api/disputes', { method: 'POST', json: { invoice: 'EVC-2026-000001', reason: 'x' } });
			expect(post.status).toBe(401);
			expect((await ledger.events({ type: 'DISPUTE_OPENED' })).length).toBe(0);
		});

		it('serves its assets without a session, the chart library from the local copy', async () => {
			const response = await new Client(console).get('/assets/chart.umd.min.js');
			expect(response.status).toBe(200);
			expect(await response.text()).toContain('Chart.js');
			expect((await new Client(console).get('/assets/..%2Fserver.tsx')).status).toBe(404);
		});
	});

	describe('signing in', () => {
		it('sets an HttpOnly, SameSite=Strict session cookie', async () => {
			const client = new Client(console);
			const response = await client.signIn('alice', 'correct horse battery');
			const cookie = response.headers.getSetCookie().find((c) => c.startsWith('evc_session='))!;
			expect(cookie).toMatch(/HttpOnly/);
			expect(cookie).toMatch(/SameSite=Strict/);
			expect(response.headers.get('location')).toBe('/');
			expect((await client.get('/api/invoices')).status).toBe(200);
		});

		it('refuses a wrong password, and a sign-in without the form nonce', async () => {
			const client = new Client(console);
			const response = await client.signIn('alice', 'wrong password');
			expect(response.status).toBe(401);
			expect(await response.text()).toContain('User name or password is wrong.');
			const forged = await new Client(console).request('/login', { method: 'POST', form: { user: 'alice', password: 'correct horse battery' } });
			expect(forged.status).toBe(401);
			expect(forged.headers.getSetCookie().some((c) => c.startsWith('evc_session='))).toBe(false);
		});

		it('limits failed sign-ins: the sixth attempt in the window is refused even with the right password', async () => {
			const client = new Client(console, { clientAddress: '10.9.9.9' });
			for (let i = 0; i < 5; i++) expect((await client.signIn('rita', `guess ${i}`)).status).toBe(401);
			const limited = await client.signIn('rita', 'rate limited');
			expect(limited.status).toBe(429);
			expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		}, 60_000);
	});

	describe('views and their JSON twins', () => {
		it('lists the documents with their payment status, filtered, sorted and paged on the server', async () => {
			const client = await asAdmin();
			const all = await client.json<{ total: number; rows: Array<{ number: string; status: string; typeCode: string }> }>('/api/invoices?sort=number&dir=asc');
			expect(all.rows.map((r) => r.number)).toEqual(['EVC-2026-000001', 'EVC-2026-000002', 'EVC-2026-000003', 'EVC-2026-000004', 'EVC-AV-2026-000001']);
			// The statuses are the library's (lib/payments/tracking statusReport), derived from the same events.
			const { statuses } = await statusReport(ledger, '2026-12-20');
			expect(new Set(statuses.map((s) => s.status)).size).toBeGreaterThan(1);
			for (const status of ['paid', 'overdue', 'partially_paid', 'pending'] as const) {
				const listed = await client.json<{ rows: Array<{ number: string; status: string }> }>(`/api/invoices?status=${status}`);
				expect(listed.rows.map((r) => r.number).sort()).toEqual(statuses.filter((s) => s.status === status).map((s) => s.invoiceNumber).sort());
			}
			for (const row of all.rows.filter((r) => r.typeCode === '380')) {
				expect(row.status).toBe(statuses.find((s) => s.invoiceNumber === row.number)!.status);
			}
			const paged = await client.json<{ rows: unknown[]; pages: number; page: number }>('/api/invoices?pageSize=2&page=2');
			expect(paged).toMatchObject({ page: 2, pages: 3 });
			expect(paged.rows.length).toBe(2);
			const byTotal = await client.json<{ rows: Array<{ total: string }> }>('/api/invoices?type=380&sort=total&dir=desc');
			const totals = byTotal.rows.map((r) => Number(r.total));
			expect(totals).toEqual([...totals].sort((a, b) => b - a));
		});

		it('searches by number, by RF reference and by CDR id', async () => {
			const client = await asAdmin();
			const first = fixture.outcome.documents[0];
			const rf = first.invoice.payment!.remittanceInformation!;
			expect((await client.json<{ rows: Array<{ number: string }> }>(`/api/invoices?q=${rf}`)).rows.map((r) => r.number)).toEqual([first.invoice.number]);
			const cdrId = first.cdrIds[0];
			expect((await client.json<{ rows: Array<{ number: string }> }>(`/api/invoices?q=${encodeURIComponent(cdrId)}`)).rows.map((r) => r.number)).toEqual([
				first.invoice.number,
			]);
			expect((await client.json<{ total: number }>('/api/invoices?q=evc-2026-000003')).total).toBe(1);
			expect((await client.json<{ total: number }>('/api/invoices?q=EVC-2026&status=overdue')).total).toBeGreaterThan(0);
		});

		it('exports every selected document as CSV', async () => {
			const client = await asAdmin();
			const response = await client.get('/api/invoices.csv?type=380&pageSize=1');
			expect(response.headers.get('content-type')).toMatch(/text\/csv/);
			expect(response.headers.get('content-disposition')).toMatch(/attachment/);
			const lines = (await response.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
			expect(lines[0]).toMatch(/^number,typeCode,issueDate/);
			expect(lines.length).toBe(5);
		});

		it('shows the overview: CDR counts and amounts that come from the ledger', async () => {
			const client = await asAdmin();
			const model = await client.json<{
				cdrs: { received: number; rejected: number; priced: number; deviating: number };
				amounts: Array<{ currency: string; invoiced: string; collected: string; credited: string }>;
				documents: { invoices: number; creditNotes: number };
			}>('/api/overview');
			expect(model.cdrs).toMatchObject({ rejected: 1, deviating: 1 });
			expect(model.cdrs.received).toBe(model.cdrs.rejected + model.cdrs.priced);
			expect(model.documents).toEqual({ invoices: 4, creditNotes: 1 });
			const invoiced = fixture.outcome.documents
				.filter((d) => d.invoice.typeCode === '380')
				.reduce((sum, d) => sum + Math.round(d.invoice.totals.taxInclusive.toNumber() * 100), 0);
			expect(model.amounts[0].invoiced).toBe((invoiced / 100).toFixed(2));
			const collected = fixture.statement.matched.flatMap((m) => m.events).reduce((sum, e) => sum + Math.round(Number(e.payload.amount) * 100), 0);
			expect(model.amounts[0].collected).toBe((collected / 100).toFixed(2));
		});

		it('drills an invoice down to each CDR and its price breakdown', async () => {
			const client = await asAdmin();
			const doc = fixture.outcome.documents[0];
			const detail = await client.json<{
				cdrs: { rows: Array<{ id: string; breakdown: Array<{ dimension: string; tariff_id: string }> }>; total: number };
				lines: unknown[];
				files: Array<{ format: string; sha256: string | null }>;
				audit: Array<{ type: string }>;
			}>(`/api/invoices/${doc.invoice.number}`);
			expect(detail.cdrs.total).toBe(doc.cdrIds.length);
			expect(detail.cdrs.rows[0].breakdown.length).toBeGreaterThan(0);
			expect(detail.cdrs.rows[0].breakdown[0].tariff_id).toBeTruthy();
			expect(detail.files.every((f) => f.sha256)).toBe(true);
			expect(detail.audit.map((e) => e.type)).toContain('INVOICE_ISSUED');
			const html = await client.html(`/invoices/${doc.invoice.number}`);
			expect(html).toContain(`data-testid="breakdown-${detail.cdrs.rows[0].id}"`);
		});

		it('lists the review queues: the rejected CDR with its code, the deviation, the unmatched bank entry', async () => {
			const client = await asAdmin();
			const rejected = await client.json<{ rows: Array<{ id: string; issues: Array<{ code: string }> }> }>('/api/review/rejected');
			expect(rejected.rows.map((r) => r.id)).toEqual([fixture.brokenId]);
			expect(rejected.rows[0].issues.map((i) => i.code)).toContain('CDR_END_BEFORE_START');
			const deviations = await client.json<{ rows: Array<{ id: string; deviation: { excl_vat: string } }> }>('/api/review/deviations');
			expect(deviations.rows.map((r) => r.id)).toEqual([fixture.tamperedId]);
			// computed − declared: the declared price was raised by 2.00.
			expect(deviations.rows[0].deviation.excl_vat).toMatch(/^-2\.00/);
			const bank = await client.json<{ rows: Array<{ amount: string }> }>('/api/review/bank');
			expect(bank.rows.length).toBe(1);
		});

		it('serves the files: the one issued when its hash matches, else rendered from the stored document', async () => {
			const client = await asAdmin();
			const response = await client.get('/invoices/EVC-2026-000001/files/cii');
			expect(response.status).toBe(200);
			expect(response.headers.get('x-file-origin')).toBe('rendered');
			expect(await response.text()).toContain('<rsm:CrossIndustryInvoice');
			expect((await client.get('/invoices/EVC-2026-000001/files/exe')).status).toBe(404);
		});
	});

	describe('changes', () => {
		it('refuses a change without the CSRF token, and with a token of another session', async () => {
			const client = await asAdmin();
			const withoutToken = await client.request('/api/disputes', { method: 'POST', form: { invoice: 'EVC-2026-000002', reason: 'forged' } });
			expect(withoutToken.status).toBe(403);
			const other = await asAdmin();
			const foreign = Client.field(await other.html('/invoices/EVC-2026-000002'), '_csrf')!;
			const crossed = await client.request('/api/disputes', { method: 'POST', form: { _csrf: foreign, invoice: 'EVC-2026-000002', reason: 'forged' } });
			expect(crossed.status).toBe(403);
			expect((await ledger.events({ type: 'DISPUTE_OPENED' })).some((e) => (e.payload as { reason: string }).reason === 'forged')).toBe(false);
		});

		it('lets a viewer read but not change', async () => {
			const client = new Client(console);
			await client.signIn('vera', 'viewer password');
			expect((await client.get('/api/invoices')).status).toBe(200);
			const response = await client.post('/invoices/EVC-2026-000002', '/api/disputes', { invoice: 'EVC-2026-000002', reason: 'viewer tries' });
			expect(response.status).toBe(403);
			expect((await client.get('/api/users')).status).toBe(403);
		});

		it('opens a dispute from a form, records who did it, and redirects back with a message', async () => {
			const client = new Client(console);
			await client.signIn('oscar', 'operator password');
			const response = await client.post('/invoices/EVC-2026-000002', '/api/disputes', { invoice: 'EVC-2026-000002', reason: 'Session billed twice', amountClaimed: '5.00' });
			expect(response.status).toBe(303);
			const location = response.headers.get('location')!;
			expect(location).toMatch(/^\/invoices\/EVC-2026-000002\?flash=/);
			expect(await client.html(location)).toContain('Dispute EVC-2026-000002-D1 opened.');
			const audit = (await ledger.events({ invoiceNumber: 'EVC-2026-000002', type: CONSOLE_ACTION })).map((e) => e.payload);
			expect(audit).toContainEqual(expect.objectContaining({ action: 'dispute.open', by: 'oscar', role: 'operator', via: 'session', disputeId: 'EVC-2026-000002-D1' }));
			// An operator may not settle it: accepting issues a credit note.
			const accept = await client.post('/disputes', '/api/disputes/EVC-2026-000002-D1/accept', {});
			expect(accept.status).toBe(403);
		});

		it('accepts a dispute with the API token: the credit note is issued through the issuing path', async () => {
			const client = new Client(console);
			await openDispute(ledger, { invoice: 'EVC-2026-000003', date: '2026-12-10', reason: 'Tariff not agreed', amountClaimed: '1.00', disputeId: 'D-API' });
			const auth = { authorization: `Bearer ${TOKEN}` };
			const forbidden = await client.request('/api/disputes/D-API/accept', { method: 'POST', headers: auth, json: {} });
			expect(forbidden.status).toBe(403);
			const admin = await asAdmin();
			const page = await admin.html('/disputes');
			const csrf = Client.field(page, '_csrf')!;
			const accepted = await admin.request('/api/disputes/D-API/accept', { method: 'POST', json: { _csrf: csrf } });
			expect(accepted.status).toBe(200);
			const result = (await accepted.json()) as { ok: boolean; values: { creditNote: string } };
			expect(result.ok).toBe(true);
			expect(result.values.creditNote).toBe('EVC-AV-2026-000002');
			const note = await ledger.getInvoice('EVC-AV-2026-000002');
			expect(note).toMatchObject({ typeCode: '381', correctsInvoiceNumber: 'EVC-2026-000003', totals: { withVat: '1.00' } });
			const status = await admin.json<{ row: { credited: string } }>('/api/invoices/EVC-2026-000003');
			expect(status.row.credited).toBe('1.00');
		});

		it('reports a refused change as a coded error, writing nothing', async () => {
			const client = new Client(console);
			const response = await client.request('/api/disputes', {
				method: 'POST',
				headers: { authorization: `Bearer ${TOKEN}` },
				json: { invoice: 'NOPE-1', reason: 'x' },
			});
			expect(response.status).toBe(422);
			expect(await response.json()).toMatchObject({ ok: false, code: 'INVOICE_NOT_FOUND', field: 'invoice' });
		});

		it('matches the unmatched bank entry by hand, recording who did it', async () => {
			const client = new Client(console);
			await client.signIn('oscar', 'operator password');
			const [entry] = (await client.json<{ rows: Array<{ key: string; amount: string }> }>('/api/review/bank')).rows;
			const response = await client.post('/review?queue=bank', '/api/review/bank/match', { key: entry.key, invoice: 'EVC-2026-000004' });
			expect(response.status).toBe(303);
			const matched = await ledger.events({ type: 'BANK_ENTRY_MATCHED' });
			expect(matched.map((e) => e.payload)).toEqual([expect.objectContaining({ key: entry.key, invoiceNumber: 'EVC-2026-000004', by: 'oscar' })]);
			const payments = await ledger.events({ type: 'PAYMENT_RECORDED', invoiceNumber: 'EVC-2026-000004' });
			const manual = payments.map((e) => e.payload as { paymentId: string; amount: string; source: string }).find((p) => p.paymentId === entry.key)!;
			expect(manual.source).toBe('manual');
			expect(Number(manual.amount).toFixed(2)).toBe(entry.amount);
			expect((await client.json<{ rows: unknown[] }>('/api/review/bank')).rows).toEqual([]);
		});

		it('marks a reminder sent once', async () => {
			const client = new Client(console);
			await client.signIn('oscar', 'operator password');
			const due = await client.json<{ due: Array<{ invoiceNumber: string; level: number }> }>('/api/reminders');
			expect(due.due.length).toBeGreaterThan(0);
			const [first] = due.due;
			const response = await client.post('/reminders', '/api/reminders/mark-sent', { invoice: first.invoiceNumber, level: String(first.level) });
			expect(response.status).toBe(303);
			const after = await client.json<{ due: Array<{ invoiceNumber: string }> }>('/api/reminders');
			expect(after.due.map((r) => r.invoiceNumber)).not.toContain(first.invoiceNumber);
			expect((await ledger.events({ type: 'REMINDER_SENT', invoiceNumber: first.invoiceNumber })).length).toBe(1);
		});
	});

	describe('platform statuses', () => {
		it('lists an invoice the platform rejected (213) under "rejected by the platform", with its status on the detail page', async () => {
			await ledger.recordEvent({
				type: 'LIFECYCLE_STATUS',
				invoiceNumber: 'EVC-2026-000003',
				payload: { code: '213', label: 'Rejetée', date: '2026-12-12', source: 'platform', messageId: 'CDAR-1', reasons: [{ code: 'BR-FR-01', text: 'SIREN inconnu' }] },
			});
			const client = await asAdmin();
			const rejected = await client.json<{ rows: Array<{ number: string; status: string; platformStatus: { code: string } }> }>('/api/invoices?status=rejected_by_platform');
			expect(rejected.rows.map((r) => [r.number, r.status, r.platformStatus.code])).toEqual([['EVC-2026-000003', 'rejected', '213']]);
			const detail = await client.json<{ lifecycle: Array<{ code: string; label: string; reason?: string }> }>('/api/invoices/EVC-2026-000003');
			expect(detail.lifecycle).toEqual([expect.objectContaining({ code: '213', label: 'Rejetée', reason: 'BR-FR-01 SIREN inconnu' })]);
			expect(await client.html('/invoices?status=rejected_by_platform')).toContain('Rejected by the platform');
		});
	});

	describe('escaping', () => {
		it('renders ledger text as text: a dispute reason with markup and a script-closing JSON twin', async () => {
			const reason = '<script>alert(1)</script><img src=x onerror=alert(2)> & </script>';
			await openDispute(ledger, { invoice: 'EVC-2026-000001', date: '2026-12-11', reason });
			const client = await asAdmin();
			for (const page of ['/invoices/EVC-2026-000001', '/disputes']) {
				const html = await client.html(page);
				expect(html).not.toContain('<script>alert(1)');
				expect(html).not.toContain('<img src=x');
				expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
				// The JSON twin in the page cannot close its script block.
				const twin = /<script type="application\/json" id="view-model">([\s\S]*?)<\/script>/.exec(html)![1];
				expect(twin).not.toMatch(/<\/script/i);
				expect(JSON.stringify(JSON.parse(twin))).toContain('alert(1)');
			}
		});

		it('sends a restrictive CSP and no-sniff on its pages', async () => {
			const client = await asAdmin();
			const response = await client.get('/invoices', { accept: 'text/html' });
			expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
			expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		});
	});

	describe('languages', () => {
		it('speaks French and German when asked, and remembers it', async () => {
			const client = await asAdmin();
			expect(await client.html('/invoices?lang=fr')).toContain('Factures');
			expect(await client.html('/invoices')).toContain('<html lang="fr"');
			expect(await client.html('/invoices?lang=de')).toContain('Rechnungen');
			const english = new Client(console);
			await english.signIn('alice', 'correct horse battery');
			expect(await english.html('/')).toContain('<html lang="en"');
		});
	});
});
