/**
 * The clearing report opened in a real headless browser (Debian's chromium, driven by playwright-core): the figures an
 * ops person reads must be the run's, and the page must render (a screenshot is taken).
 */
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

import { parseInvoicingConfig } from '../../lib/invoice/config';
import { issueInvoices } from '../../lib/issuing';
import { openLedger } from '../../lib/ledger';
import { recordPayment } from '../../lib/payments/tracking';
import { createPricer, pricedCdrToJson } from '../../lib/pricing';
import { createCdrValidator } from '../../lib/quality';
import { clearingReport, renderReportHtml } from '../../lib/report';

const CHROMIUM = '/usr/bin/chromium';
const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8'));

describe('the clearing report in a headless browser', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'report-test-'));
	let browser: Browser;
	let htmlFile: string;
	let expectedInvoices: number;
	let paidEmsp: string;
	let openEmsps: string[];

	beforeAll(async () => {
		// A run: the sample CDRs plus two broken ones and a tampered price; French CPO invoiced; one invoice paid.
		const cdrs = [...load('cdrs.json'), load('broken/end-before-start.json'), load('broken/bad-currency.json')];
		// The first sample CDR charges energy only: claim 2.00 more on its total and its energy subtotal.
		const claimed = { excl_vat: cdrs[0].total_cost.excl_vat + 2, incl_vat: cdrs[0].total_cost.incl_vat + 2.4 };
		cdrs[0] = { ...cdrs[0], total_cost: claimed, total_energy_cost: claimed };
		const validator = createCdrValidator({ now: new Date('2026-11-01T00:00:00Z') });
		const verdicts = cdrs.map((c) => validator.validate(c));
		const pricer = createPricer({ tariffs: load('tariffs.json') });
		const priced = verdicts.filter((v) => v.valid).map((v) => pricer.price(v.cdr!));
		const raw = load('invoice-config.json');
		const config = parseInvoicingConfig(raw);
		const ledger = await openLedger({ kind: 'sqlite', path: path.join(dir, 'ledger.sqlite') });
		const outcome = await issueInvoices(priced.filter((p) => p.status !== 'mismatch'), config, ledger);
		expectedInvoices = outcome.documents.length;
		const first = outcome.documents[0].invoice;
		paidEmsp = `${outcome.documents[0].buyerParty.countryCode}*${outcome.documents[0].buyerParty.partyId}`;
		openEmsps = outcome.documents.slice(1).filter((d) => d.invoice.typeCode === '380').map((d) => `${d.buyerParty.countryCode}*${d.buyerParty.partyId}`);
		await recordPayment(ledger, first.number, {
			paymentId: 'manual-1',
			amount: first.totals.taxInclusive.toFixed(2),
			currency: 'EUR',
			date: '2026-11-20',
		});
		const report = await clearingReport({
			title: 'Clearing report test',
			verdicts,
			priced: priced.map(pricedCdrToJson),
			ledger,
			asOf: '2027-01-15',
			generatedAt: new Date('2027-01-15T08:00:00Z'),
		});
		await ledger.close();
		htmlFile = path.join(dir, 'report.html');
		writeFileSync(htmlFile, renderReportHtml(report));
		expect(existsSync(CHROMIUM)).toBe(true);
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
		});
	}, 120_000);

	afterAll(async () => browser?.close());

	it('shows the run\'s figures, the charts, and the deviation with its breakdown', async () => {
		const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
		await page.goto(`file://${htmlFile}`);
		const text = async (id: string) => (await page.getByTestId(id).textContent())?.trim();
		expect(await text('cdrs-received')).toBe('28');
		expect(await text('cdrs-valid')).toBe('26');
		expect(await text('cdrs-rejected')).toBe('2');
		expect(await text('price-match')).toBe('24');
		expect(await text('mismatch-count')).toBe('1');
		expect(await text('deviation-sum')).toBe('2.00 EUR');
		expect(await text('documents-issued')).toBe(String(expectedInvoices));
		const rejected = await page.getByTestId('rejected-table').textContent();
		expect(rejected).toContain('CDR_END_BEFORE_START');
		expect(rejected).toContain('CDR_CURRENCY_INVALID');
		// The deviation row opens to its breakdown.
		await page.getByTestId('deviations-table').locator('summary').first().click();
		const breakdown = page.locator('[data-testid^="breakdown-"]').first();
		expect(await breakdown.isVisible()).toBe(true);
		expect(await breakdown.textContent()).toContain('ENERGY');
		// Charts are drawn: bars in the SVGs.
		const reasons = await page.getByTestId('rejected-table').locator('tbody tr').count();
		expect(reasons).toBeGreaterThanOrEqual(2);
		expect(await page.getByTestId('rejected-chart').locator('rect').count()).toBe(reasons);
		expect(await page.getByTestId('invoiced-chart').locator('rect').count()).toBe(4);
		expect(await page.getByTestId('aging-chart').locator('rect').count()).toBeGreaterThan(3);
		// Aging as of 2027-01-15: the paid invoice's eMSP has nothing open; the others are past their due dates.
		const aging = await page.getByTestId('aging-table').textContent();
		expect(aging).not.toContain(paidEmsp);
		for (const emsp of openEmsps) expect(aging).toContain(emsp);
		expect(await page.getByTestId('aging-table').locator('tbody tr').count()).toBe(openEmsps.length);
		const shot = path.join(dir, 'report.png');
		await page.screenshot({ path: shot, fullPage: true });
		expect(statSync(shot).size).toBeGreaterThan(20_000);
	}, 60_000);
});
