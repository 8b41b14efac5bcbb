/**
 * The Clearing Console in a real browser (Debian's chromium driven by playwright-core) over a month's clearing,
 * served by the same Node server as `ev-clearing console`: sign-in, filtering and sorting, CSV export, drill-down to
 * a CDR's price breakdown, a dispute opened and accepted until a credit note exists that the official validator
 * passes, a bank entry matched by hand, a reminder marked sent; axe-core on every view (no serious or critical
 * violation); the keyboard and a phone-sized screen. With EV_CLEARING_SCREENSHOTS=<dir>, each view is saved there
 * (docs/images holds the README's).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import type { ClearingConsole, ServedConsole } from '../../lib/console';
import { createConsole, serveConsole, setUser } from '../../lib/console';
import type { Ledger } from '../../lib/ledger';
import { openLedger } from '../../lib/ledger';
import { statusReport } from '../../lib/payments/tracking';
import { fatalFindings, validateEInvoices, VALIDATOR } from '../helpers/einvoice-validator';
import type { ConsoleFixture } from './fixtures';
import { clearMonth } from './fixtures';

const CHROMIUM = '/usr/bin/chromium';
const AXE = require.resolve('axe-core/axe.min.js');
const SHOTS = process.env.EV_CLEARING_SCREENSHOTS;

interface AxeViolation {
	id: string;
	impact: string | null;
	help: string;
	nodes: Array<{ target: string[] }>;
}

async function axeViolations(page: Page): Promise<string[]> {
	// Evaluated as strings (the test is compiled without the DOM library) through the debugging protocol: the console's CSP (script-src 'self') rightly refuses inline scripts.
	if (!(await page.evaluate("'axe' in window"))) await page.evaluate(readFileSync(AXE, 'utf8'));
	const violations = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)")) as AxeViolation[];
	return violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

describe('the Clearing Console in a browser', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'console-browser-'));
	const files = path.join(dir, 'files');
	let ledger: Ledger;
	let fixture: ConsoleFixture;
	let console: ClearingConsole;
	let served: ServedConsole;
	let browser: Browser;
	let context: BrowserContext;
	let page: Page;
	const errors: string[] = [];

	const shot = async (name: string, fullPage = true) => {
		if (!SHOTS) return;
		mkdirSync(SHOTS, { recursive: true });
		await page.screenshot({ path: path.join(SHOTS, `console-${name}.png`), fullPage });
	};
	const url = (route: string) => `${served.url}${route}`;
	const signIn = async (user: string, password: string) => {
		await page.goto(url('/login'));
		await page.getByLabel('User name').fill(user);
		await page.getByLabel('Password').fill(password);
		await page.getByRole('button', { name: 'Sign in' }).click();
	};
	const signOut = async () => {
		await page.getByRole('button', { name: 'Sign out' }).click();
		await page.waitForURL(/\/login$/);
	};

	beforeAll(async () => {
		expect(existsSync(CHROMIUM)).toBe(true);
		ledger = await openLedger({ kind: 'sqlite', path: path.join(dir, 'ledger.sqlite') });
		fixture = await clearMonth(ledger);
		const usersFile = path.join(dir, 'users.json');
		await setUser(usersFile, 'alice', 'admin', 'correct horse battery');
		await setUser(usersFile, 'oscar', 'operator', 'operator password');
		console = await createConsole({ ledger, cdrs: fixture.cdrs, config: fixture.config, filesDir: files, today: () => '2026-12-20', auth: { usersFile } });
		served = await serveConsole(console, { port: 0, host: '127.0.0.1' });
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
		});
		context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', acceptDownloads: true });
		page = await context.newPage();
		page.on('pageerror', (error) => errors.push(error.message));
		page.on('console', (message) => {
			// The sign-in page answers 401 on purpose (an unauthenticated request): the browser logs that as a failed load.
			if (message.type() === 'error' && !/status of 401/.test(message.text())) errors.push(message.text());
		});
	}, 180_000);

	afterAll(async () => {
		await browser?.close();
		await served?.close();
		await ledger?.close();
	});

	it('signs in: a wrong password is refused on the page, the right one opens the overview', async () => {
		await page.goto(url('/'));
		expect(page.url()).toMatch(/\/$/);
		expect(await page.getByTestId('login-form').isVisible()).toBe(true);
		expect(await axeViolations(page)).toEqual([]);
		await shot('login', false);
		await signIn('alice', 'not the password');
		expect(await page.getByTestId('login-error').textContent()).toContain('User name or password is wrong.');
		await signIn('alice', 'correct horse battery');
		await page.waitForURL(url('/'));
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Overview');
	}, 60_000);

	it('shows the overview with its figures and both charts drawn from its JSON twin', async () => {
		expect(await page.getByTestId('cdrs-rejected').textContent()).toBe('1');
		expect(await page.getByTestId('cdrs-deviating').textContent()).toBe('1');
		// Chart.js drew on both canvases (a drawn canvas has a chart instance and a non-blank bitmap).
		const drawn = (await page.evaluate(`['chart-per-emsp', 'chart-aging'].map((id) => {
			const canvas = document.getElementById(id);
			const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
			let painted = 0;
			for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
			return { chart: Boolean(Chart.getChart(canvas)), painted };
		})`)) as Array<{ chart: boolean; painted: number }>;
		for (const chart of drawn) {
			expect(chart.chart).toBe(true);
			expect(chart.painted).toBeGreaterThan(1000);
		}
		const twin = await page.evaluate("JSON.parse(document.getElementById('view-model').textContent)");
		const api = await (await page.request.get(url('/api/overview'))).json();
		expect(twin).toEqual(api);
		expect(await axeViolations(page)).toEqual([]);
		await shot('overview');
	}, 60_000);

	it('filters, sorts and exports the invoice list', async () => {
		await page.getByRole('link', { name: 'Invoices' }).first().click();
		await page.waitForURL(/\/invoices$/);
		expect(await page.getByTestId('invoice-row').count()).toBe(5);
		await page.getByLabel('Status', { exact: true }).selectOption('overdue');
		await page.getByRole('button', { name: 'Apply' }).click();
		await page.waitForURL(/status=overdue/);
		const { statuses } = await statusReport(ledger, '2026-12-20');
		const overdue = statuses.filter((s) => s.status === 'overdue').map((s) => s.invoiceNumber);
		expect(overdue.length).toBeGreaterThan(0);
		expect((await page.getByTestId('invoice-row').locator('th').allTextContents()).sort()).toEqual(overdue.sort());
		for (const badge of await page.getByTestId('invoice-row').locator('.badge.status-overdue').all()) expect(await badge.textContent()).toBe('Overdue');
		await page.getByLabel('Status', { exact: true }).selectOption('');
		await page.getByRole('button', { name: 'Apply' }).click();
		await page.waitForURL(/status=(&|$)/);
		await page.getByTestId('sort-total').click();
		await page.waitForURL(/sort=total&dir=asc/);
		const totals = await page.getByTestId('invoice-row').locator('td.num:nth-of-type(5)').allTextContents();
		const values = totals.map((text) => Number(text.replace(/[^\d.,-]/g, '').replace(',', '')));
		expect(values).toEqual([...values].sort((a, b) => a - b));
		expect(await page.locator('th[aria-sort="ascending"]').count()).toBe(1);
		await page.getByLabel('Search').fill(fixture.outcome.documents[1].cdrIds[0]);
		await page.getByRole('button', { name: 'Apply' }).click();
		await page.waitForURL(/q=/);
		expect(await page.getByTestId('invoice-row').allTextContents()).toHaveLength(1);
		expect(await page.getByTestId('invoice-row').textContent()).toContain(fixture.outcome.documents[1].invoice.number);
		await page.getByRole('link', { name: 'Reset' }).click();
		await page.waitForURL(/\/invoices$/);
		expect(await axeViolations(page)).toEqual([]);
		await shot('invoices');
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-export').click()]);
		const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
		const lines = csv.trim().split('\r\n');
		expect(lines[0]).toMatch(/^number,typeCode,issueDate,dueDate,emsp/);
		expect(lines.slice(1).map((line) => line.split(',')[0]).sort()).toEqual(fixture.outcome.documents.map((d) => d.invoice.number).sort());
	}, 90_000);

	it('drills an invoice down to a CDR and its price breakdown', async () => {
		const doc = fixture.outcome.documents[0];
		await page.getByRole('link', { name: doc.invoice.number }).click();
		await page.waitForURL(new RegExp(`/invoices/${doc.invoice.number}$`));
		expect(await page.getByTestId('cdr-row').count()).toBe(doc.cdrIds.length);
		const cdrId = doc.cdrIds[0];
		const details = page.getByTestId(`cdr-details-${cdrId}`);
		expect(await details.getByTestId(`breakdown-${cdrId}`).isVisible()).toBe(false);
		await details.locator('summary').click();
		const breakdown = details.getByTestId(`breakdown-${cdrId}`);
		expect(await breakdown.isVisible()).toBe(true);
		const text = await breakdown.textContent();
		expect(text).toMatch(/ENERGY|TIME|FLAT|PARKING_TIME/);
		const record = fixture.run.priced!.find((p) => p.id === cdrId)!;
		expect(text).toContain(record.breakdown[0].tariff_id);
		expect(text).toContain(record.breakdown[0].cost.excl_vat);
		expect(await page.getByTestId('audit-table').textContent()).toContain('INVOICE_ISSUED');
		expect(await axeViolations(page)).toEqual([]);
		await shot('invoice');
	}, 60_000);

	it('opens a dispute as operator, accepts it as admin, and the credit note passes the official validator', async () => {
		const invoice = fixture.outcome.documents.find((d) => d.invoice.typeCode === '380' && d.invoice.number === 'EVC-2026-000003')!;
		await signOut();
		await signIn('oscar', 'operator password');
		await page.goto(url(`/invoices/${invoice.invoice.number}`));
		const form = page.getByTestId('open-dispute');
		await form.getByLabel('Reason').fill('Session billed twice');
		await form.getByLabel('Amount claimed (incl. VAT)').fill('2.40');
		await form.getByRole('button', { name: 'Open dispute' }).click();
		await page.waitForURL(/flash=/);
		expect(await page.getByTestId('flash').textContent()).toContain(`Dispute ${invoice.invoice.number}-D1 opened.`);
		expect(await page.getByTestId(`accept-${invoice.invoice.number}-D1`).count()).toBe(0);
		await signOut();
		await signIn('alice', 'correct horse battery');
		await page.getByRole('link', { name: 'Disputes' }).first().click();
		expect(await axeViolations(page)).toEqual([]);
		await shot('disputes');
		await page.getByTestId(`accept-${invoice.invoice.number}-D1`).getByRole('button', { name: 'Accept' }).click();
		await page.waitForURL(/flash=/);
		const flash = await page.getByTestId('flash').textContent();
		const creditNote = /credit note (\S+) issued/.exec(flash ?? '')?.[1];
		expect(creditNote).toBe('EVC-AV-2026-000002');
		await page.goto(url(`/invoices/${creditNote}`));
		expect(await page.getByTestId('invoice-totals').textContent()).toContain('2.40');
		const downloads: string[] = [];
		for (const format of ['facturx', 'cii', 'ubl']) {
			const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`file-${format}`).click()]);
			const target = path.join(dir, 'downloads', download.suggestedFilename());
			await download.saveAs(target);
			downloads.push(target);
		}
		expect(downloads.map((file) => path.basename(file))).toEqual(['EVC-AV-2026-000002.pdf', 'EVC-AV-2026-000002.cii.xml', 'EVC-AV-2026-000002.ubl.xml']);
		// The credit note's files were also written where issuing writes them, and served as issued.
		expect(existsSync(path.join(files, 'EVC-AV-2026-000002.pdf'))).toBe(true);
		const ledgerNote = await ledger.getInvoice(creditNote!);
		expect(ledgerNote).toMatchObject({ typeCode: '381', correctsInvoiceNumber: invoice.invoice.number, totals: { withVat: '2.40' } });
		if (!existsSync(VALIDATOR)) {
			process.stderr.write(`skipped: the official validator is not at ${VALIDATOR} (a clone without ../shared); CI has it\n`);
			return;
		}
		const verdicts = await validateEInvoices(downloads);
		for (const verdict of verdicts) expect(`${path.basename(verdict.file)} ${verdict.fatal}\n${fatalFindings(verdict)}`).toBe(`${path.basename(verdict.file)} 0\n`);
	}, 240_000);

	it('matches the unmatched bank entry by hand', async () => {
		await page.goto(url('/review?queue=bank'));
		expect(await page.getByTestId('bank-row').count()).toBe(1);
		expect(await axeViolations(page)).toEqual([]);
		await shot('review-bank');
		await page.getByTestId('match-0').getByLabel('Match to invoice').fill('EVC-2026-000004');
		await page.getByTestId('match-0').getByRole('button', { name: 'Match' }).click();
		await page.waitForURL(/flash=/);
		expect(await page.getByTestId('flash').textContent()).toContain('Bank entry matched to EVC-2026-000004.');
		expect(await page.getByTestId('bank-row').count()).toBe(0);
		const matched = await ledger.events({ type: 'BANK_ENTRY_MATCHED' });
		expect(matched.map((event) => (event.payload as { by: string }).by)).toEqual(['alice']);
		for (const queue of ['rejected', 'deviations']) {
			await page.goto(url(`/review?queue=${queue}`));
			expect(await axeViolations(page)).toEqual([]);
			await shot(`review-${queue}`);
		}
		expect(await page.getByTestId('cdr-row').textContent()).toContain(fixture.tamperedId);
	}, 60_000);

	it('marks a reminder sent', async () => {
		await page.goto(url('/reminders'));
		const before = await page.getByTestId('reminder-row').count();
		expect(before).toBeGreaterThan(0);
		expect(await axeViolations(page)).toEqual([]);
		await shot('reminders');
		await page.getByTestId('reminder-row').first().getByRole('button', { name: 'Mark sent' }).click();
		await page.waitForURL(/flash=/);
		expect(await page.getByTestId('flash').textContent()).toMatch(/Reminder level \d of EVC-2026-\d+ marked sent\./);
		expect(await page.getByTestId('reminder-row').count()).toBe(before - 1);
	}, 60_000);

	it('is usable with the keyboard: skip link first, then the navigation', async () => {
		await page.goto(url('/invoices'));
		await page.keyboard.press('Tab');
		expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
		await page.keyboard.press('Enter');
		expect(await page.evaluate('document.activeElement?.id')).toBe('main');
		// Every interactive element of the list can be reached: none has a negative tabindex or is hidden from focus.
		expect(await page.locator('a[tabindex="-1"], button[tabindex="-1"], input[tabindex="-1"], select[tabindex="-1"]').count()).toBe(0);
		for (let i = 0; i < 40; i++) {
			await page.keyboard.press('Tab');
			if ((await page.evaluate('document.activeElement?.textContent')) === 'EVC-2026-000001') break;
		}
		expect(await page.evaluate('document.activeElement?.textContent')).toBe('EVC-2026-000001');
		await page.keyboard.press('Enter');
		await page.waitForURL(/\/invoices\/EVC-2026-000001$/);
	}, 60_000);

	it('fits a phone screen and speaks French and German', async () => {
		const phone = await context.newPage();
		await phone.setViewportSize({ width: 390, height: 844 });
		await phone.goto(url('/invoices?lang=fr'));
		expect(await phone.getByRole('heading', { level: 1 }).textContent()).toBe('Factures');
		const overflow = await phone.evaluate('document.documentElement.scrollWidth - window.innerWidth');
		expect(overflow).toBeLessThanOrEqual(0);
		expect(await axeViolations(phone)).toEqual([]);
		if (SHOTS) await phone.screenshot({ path: path.join(SHOTS, 'console-phone-fr.png'), fullPage: false });
		await phone.goto(url('/?lang=de'));
		expect(await phone.getByRole('heading', { level: 1 }).textContent()).toBe('Übersicht');
		expect(await axeViolations(phone)).toEqual([]);
		await phone.close();
		await page.goto(url('/?lang=en'));
	}, 60_000);

	it('logged no script error in the browser', () => {
		expect(errors).toEqual([]);
	});
});
