/**
 * The Clearing Console inside n8n: the sample workflow workflows/clearing-console.json (Webhook with Basic Auth →
 * Clearing Console → Respond to Webhook) served by a started n8n 2.41.1, driven by a real browser (playwright-core and
 * Debian's chromium): the same views as `ev-clearing console`, under n8n's sandboxed webhook pages, with changes
 * recorded in the ledger under the Basic Auth user.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

import { openLedger } from '../../lib/ledger';
import { clearMonth } from '../console/fixtures';
import type { JsonObject, N8nServer } from './n8n';
import { N8nSandbox, REPO_ROOT, loadWorkflow, sampleCredentials } from './n8n';

const WORKFLOW = path.join(REPO_ROOT, 'workflows/clearing-console.json');
const INSTALL_TIMEOUT = 30 * 60_000;
const USER = 'alice';
const PASSWORD = 'e2e-console-password-not-a-secret';
const AXE = require.resolve('axe-core/axe.min.js');

let sandbox: N8nSandbox;
let server: N8nServer;
let out: string;
let browser: Browser;
let page: Page;
let console: string;

beforeAll(async () => {
	out = mkdtempSync(path.join(tmpdir(), 'ev-clearing-e2e-console-'));
	const ledger = await openLedger({ kind: 'sqlite', path: path.join(out, 'ledger.sqlite') });
	await clearMonth(ledger);
	await ledger.close();
	sandbox = await N8nSandbox.create({ fileAccess: [path.join(REPO_ROOT, 'samples'), out] });
	await sandbox.importCredentials([...sampleCredentials(out), { id: 'evcConsoleUsers1', name: 'Clearing Console users', type: 'httpBasicAuth', data: { user: USER, password: PASSWORD } }]);
	const workflow = loadWorkflow(WORKFLOW, { __OUT__: out });
	(workflow.nodes.find((n) => n.name === 'Clearing Console')!.parameters as JsonObject).admins = USER;
	await sandbox.publishWorkflow(await sandbox.importWorkflow(workflow));
	server = await sandbox.startN8n();
	await server.waitForWebhook('clearing-console');
	console = `${server.baseUrl}/webhook/clearing-console`;
	expect(existsSync('/usr/bin/chromium')).toBe(true);
	browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
	});
	const context = await browser.newContext({ httpCredentials: { username: USER, password: PASSWORD }, acceptDownloads: true, viewport: { width: 1280, height: 900 } });
	page = await context.newPage();
}, INSTALL_TIMEOUT);

afterAll(async () => {
	await browser?.close();
	await sandbox?.dispose();
	if (out && process.env.EV_CLEARING_E2E_KEEP !== '1') rmSync(out, { recursive: true, force: true });
}, 60_000);

const failure = async (response: Response) => `${response.status} ${(await response.text()).slice(0, 300)}\n${server.log().slice(-3000)}`;

describe('the Clearing Console served by n8n', () => {
	it('refuses a request without the Webhook credential', async () => {
		const response = await fetch(console);
		expect(response.status).toBe(401);
	});

	it('answers the JSON twins to a script with the credential', async () => {
		const auth = { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` };
		const response = await fetch(`${console}?route=/api/invoices&status=overdue&asOf=2027-01-15`, { headers: auth });
		if (response.status !== 200) throw new Error(await failure(response));
		expect(response.headers.get('content-type')).toMatch(/application\/json/);
		const list = (await response.json()) as { rows: Array<{ status: string }> };
		expect(list.rows.length).toBeGreaterThan(0);
		expect(list.rows.every((row) => row.status === 'overdue')).toBe(true);
	}, 60_000);

	it('shows the overview, the invoices and an invoice down to a CDR\'s breakdown in the browser', async () => {
		const response = await page.goto(console);
		expect(response?.status()).toBe(200);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Overview');
		expect(await page.getByTestId('cdrs-received').textContent()).not.toBe('');
		await page.getByRole('link', { name: 'Invoices' }).first().click();
		await page.waitForURL(/route=%2Finvoices/);
		expect(await page.getByTestId('invoice-row').count()).toBe(5);
		await page.getByRole('link', { name: 'EVC-2026-000001' }).click();
		await page.waitForURL(/route=%2Finvoices%2FEVC-2026-000001/);
		expect(await page.getByTestId('cdr-row').count()).toBe(4);
		const details = page.locator('[data-testid^="cdr-details-"]').first();
		await details.locator('summary').click();
		// The CDRs come from the stored document's lines here (no run outputs given to the node): ids and amounts;
		// each CDR's breakdown shows where the run's records are in the console (test/console/console-browser).
		expect(await details.textContent()).toMatch(/ENERGY|TIME|FLAT|No breakdown recorded/);
		if (!(await page.evaluate("'axe' in window"))) await page.evaluate(readFileSync(AXE, 'utf8'));
		const violations = (await page.evaluate("axe.run(document).then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id))")) as string[];
		expect(violations).toEqual([]);
	}, 120_000);

	it('opens and accepts a dispute, recorded under the Basic Auth user', async () => {
		await page.goto(`${console}?route=${encodeURIComponent('/invoices/EVC-2026-000002')}`);
		const form = page.getByTestId('open-dispute');
		await form.getByLabel('Reason').fill('Tariff not agreed');
		await form.getByLabel('Amount claimed (incl. VAT)').fill('1.20');
		await form.getByRole('button', { name: 'Open dispute' }).click();
		await page.waitForURL(/flash=/);
		expect(await page.getByTestId('flash').textContent()).toContain('Dispute EVC-2026-000002-D1 opened.');
		await page.getByTestId('accept-EVC-2026-000002-D1').getByRole('button', { name: 'Accept' }).click();
		await page.waitForURL(/flash=/);
		expect(await page.getByTestId('flash').textContent()).toContain('credit note EVC-AV-2026-000002 issued');
		const ledger = await openLedger({ kind: 'sqlite', path: path.join(out, 'ledger.sqlite') });
		try {
			expect(await ledger.getInvoice('EVC-AV-2026-000002')).toMatchObject({ typeCode: '381', correctsInvoiceNumber: 'EVC-2026-000002', totals: { withVat: '1.20' } });
			const actions = (await ledger.events({ type: 'CONSOLE_ACTION' })).map((event) => event.payload);
			expect(actions).toEqual([
				expect.objectContaining({ action: 'dispute.open', by: USER, via: 'webhook', role: 'admin' }),
				expect.objectContaining({ action: 'dispute.accept', by: USER, via: 'webhook', creditNoteNumber: 'EVC-AV-2026-000002' }),
			]);
		} finally {
			await ledger.close();
		}
		expect(existsSync(path.join(out, 'invoices', 'EVC-AV-2026-000002.pdf'))).toBe(true);
	}, 120_000);

	it('exports the invoice list as CSV from n8n', async () => {
		await page.goto(`${console}?route=/invoices`);
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-export').click()]);
		const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
		expect(csv.split('\r\n')[0]).toMatch(/^number,typeCode/);
		expect(csv).toContain('EVC-AV-2026-000002');
	}, 60_000);
});
