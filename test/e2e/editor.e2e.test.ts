/**
 * The editor as the ops team meets it (issue 17): a real n8n 2.41.1 started with this package, its editor opened in
 * Debian's chromium (playwright-core). The sample workflows are imported; Send Factur-X's panel shows the Channel
 * parameter; a small tour workflow with every node of the package is executed in the editor, and the Factur-X PDF
 * Build Invoice made is opened in n8n's binary preview. Each node's panel is photographed into docs/images/panel-*.png,
 * the two monthly workflows' canvases into docs/images/*-workflow.png (the README's pictures).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import type { JsonObject, N8nServer, N8nWorkflow } from './n8n';
import { N8nSandbox, REPO_ROOT, loadWorkflow, sampleCredentials } from './n8n';

const CHROMIUM = '/usr/bin/chromium';
const INSTALL_TIMEOUT = 30 * 60_000;
const IMAGES = path.join(REPO_ROOT, 'docs/images');
const OWNER = { email: 'ops@evcharge-france.example', firstName: 'Ops', lastName: 'Team', password: 'Clearing-e2e-2026' };
const TOUR_ID = 'evcEditorTour001';

const samples = (file: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, 'samples', file), 'utf8'));

let sandbox: N8nSandbox;
let server: N8nServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let out: string;
const sampleIds: Record<string, string> = {};

/** Where a user's clone fills the placeholders (scripts/n8n/n8n-env.sh: the repository, its out folder). */
const USER_PATHS = { __REPO__: '~/n8n-nodes-ev-clearing', __SAMPLES__: '~/n8n-nodes-ev-clearing/samples', __OUT__: '~/n8n-nodes-ev-clearing/out' };

/**
 * A sample workflow as this test runs it (its files in `out`), its sticky notes as a user's clone shows them: the
 * canvases are the README's pictures, which should not show this test's temp folder.
 */
function pictured(file: string, out: string): N8nWorkflow {
	const workflow = loadWorkflow(file, { __OUT__: out });
	const notes = new Map(loadWorkflow(file, USER_PATHS).nodes.map((node) => [node.name, node]));
	return { ...workflow, nodes: workflow.nodes.map((node) => (node.type === 'n8n-nodes-base.stickyNote' ? notes.get(node.name)! : node)) };
}

/** A partner of samples/invoice-config.json as the form of Build Invoice v2 takes it. */
function partnerFields(p: JsonObject): JsonObject {
	const ocpi = p.ocpi as JsonObject;
	const address = p.address as JsonObject;
	const id = p.legalRegistrationId as JsonObject | undefined;
	const eAddress = p.electronicAddress as JsonObject | undefined;
	const fields: JsonObject = {
		name: p.name,
		ocpiCountryCode: ocpi.country_code,
		ocpiPartyId: ocpi.party_id,
		street: address.line1,
		postCode: address.postCode,
		city: address.city,
		country: address.countryCode,
		companyNumberScheme: id?.scheme ?? '',
		companyNumber: id?.value ?? '',
		vatId: p.vatId ?? '',
		vatRegime: p.vatRegime ?? 'domestic',
		eAddressScheme: eAddress?.scheme ?? '',
		eAddress: eAddress?.value ?? '',
		email: p.email ?? '',
		specification: p.specification ?? '',
		contractReference: p.contractReference ?? '',
	};
	return fields;
}

/** Every node of the package on one canvas: CDRs pinned on the trigger run through Validate → Price → Build Invoice. */
function tourWorkflow(ledgerCredential: { id: string; name: string }): N8nWorkflow {
	const config = samples('invoice-config.json');
	const cdrs = (samples('cdrs.json') as JsonObject[]).filter((c) => c.country_code === 'FR' && c.cdr_token && !c.credit).slice(0, 3);
	const node = (name: string, type: string, position: [number, number], parameters: JsonObject, extra: JsonObject = {}): JsonObject => ({
		id: `tour-${name.toLowerCase().replace(/\W+/g, '-')}`,
		name,
		type,
		typeVersion: 1,
		position,
		parameters,
		...extra,
	});
	const ledger = { evClearingLedgerApi: ledgerCredential };
	return {
		id: TOUR_ID,
		name: 'Editor tour: every EV clearing node',
		nodes: [
			node('When clicking Execute workflow', 'n8n-nodes-base.manualTrigger', [0, 0], {}),
			node('Validate CDR', 'n8n-nodes-ev-clearing.validateCdr', [220, 0], { options: { now: '2026-11-01T00:00:00Z' } }),
			node('Price CDR', 'n8n-nodes-ev-clearing.priceCdr', [440, 0], { tariffMode: 'parameter', tariffs: JSON.stringify(samples('tariffs.json')) }),
			node(
				'Build Invoice',
				'n8n-nodes-ev-clearing.buildInvoice',
				[660, 0],
				{
					ledger: 'credential',
					sellerName: config.seller.name,
					sellerOcpiParties: 'FR*EVC',
					sellerStreet: config.seller.address.line1,
					sellerPostCode: config.seller.address.postCode,
					sellerCity: config.seller.address.city,
					sellerCountry: 'FR',
					sellerCompanyNumberScheme: '0002',
					sellerCompanyNumber: config.seller.legalRegistrationId.value,
					sellerVatId: config.seller.vatId,
					sellerEAddressScheme: '0225',
					sellerEAddress: config.seller.electronicAddress.value,
					sellerIban: config.seller.iban,
					sellerDetails: { operationCategory: 'services', legalForm: 'SAS', shareCapital: '150 000 EUR' },
					partnerList: { partner: (config.partners as JsonObject[]).map(partnerFields) },
					series: 'EVC',
					creditNoteSeries: 'EVC-AV',
					options: { issueDate: '2026-11-02', pagePreview: true },
				},
				{ typeVersion: 2, credentials: ledger },
			),
			node('Send Factur-X', 'n8n-nodes-ev-clearing.sendFacturX', [880, 0], { channel: 'email', from: 'Billing <billing@evcharge-france.example>', ledger: 'credential' }, { credentials: ledger }),
			node('Track Payment', 'n8n-nodes-ev-clearing.trackPayment', [220, 260], { operation: 'getStatus', ledger: 'credential' }, { credentials: ledger }),
			node('Clearing Report', 'n8n-nodes-ev-clearing.clearingReport', [440, 260], { ledger: 'credential' }, { credentials: ledger }),
			node('Clearing Console', 'n8n-nodes-ev-clearing.clearingConsole', [660, 260], { ledger: 'credential' }, { credentials: ledger }),
			node('OCPI', 'n8n-nodes-ev-clearing.ocpi', [880, 260], { operation: 'getCdrs' }),
		],
		connections: {
			'When clicking Execute workflow': { main: [[{ node: 'Validate CDR', type: 'main', index: 0 }]] },
			'Validate CDR': { main: [[{ node: 'Price CDR', type: 'main', index: 0 }]] },
			'Price CDR': { main: [[{ node: 'Build Invoice', type: 'main', index: 0 }]] },
		},
		pinData: { 'When clicking Execute workflow': cdrs.map((json) => ({ json })) },
		settings: { executionOrder: 'v1' },
	};
}

beforeAll(async () => {
	if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: bash scripts/ci/install-system-packages.sh installs it.`);
	out = mkdtempSync(path.join(tmpdir(), 'ev-clearing-e2e-editor-'));
	mkdirSync(IMAGES, { recursive: true });
	sandbox = await N8nSandbox.create({ fileAccess: [path.join(REPO_ROOT, 'samples'), out] });
	const ledgerCredential = { id: 'evcLedgerTour001', name: 'EV Clearing Ledger - this n8n' };
	// The sample workflows' credentials as an ops team creates them (placeholders: nothing is sent), so that their
	// canvases show no missing credential.
	await sandbox.importCredentials([
		{ ...ledgerCredential, type: 'evClearingLedgerApi', data: { kind: 'sqlite', path: path.join(out, 'ledger.sqlite') } },
		...sampleCredentials(out),
		{ id: 'evcSmtpSample001', name: 'SMTP (EV Clearing) - your relay', type: 'evClearingSmtp', data: { host: 'smtp.example', port: 587, secure: false, user: 'billing', password: 'placeholder', rejectUnauthorized: true } },
	]);
	for (const file of readdirSync(path.join(REPO_ROOT, 'workflows')).filter((f) => f.endsWith('.json'))) {
		sampleIds[file.replace(/\.json$/, '')] = await sandbox.importWorkflow(pictured(path.join(REPO_ROOT, 'workflows', file), out));
	}
	await sandbox.importWorkflow(tourWorkflow(ledgerCredential));
	server = await sandbox.startN8n();
	browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
	context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
	// The owner account, made through the REST API the setup page calls: its session cookie lands in the browser context.
	const setup = await context.request.post(`${server.baseUrl}/rest/owner/setup`, { data: OWNER });
	if (!setup.ok()) throw new Error(`owner setup: ${setup.status()} ${await setup.text()}`);
	page = await context.newPage();
}, INSTALL_TIMEOUT);

afterAll(async () => {
	await browser?.close();
	await sandbox?.dispose();
	if (out && process.env.EV_CLEARING_E2E_KEEP !== '1') rmSync(out, { recursive: true, force: true });
}, 60_000);

const canvasNode = (name: string) => page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);

async function openWorkflow(id: string): Promise<void> {
	await page.goto(`${server.baseUrl}/workflow/${id}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60_000 });
	await dismissPopups();
}

/** Banners, tours and "what's new" dialogs a fresh instance may show. */
async function dismissPopups(): Promise<void> {
	await page.keyboard.press('Escape');
}

async function openPanel(name: string): Promise<void> {
	await canvasNode(name).dblclick();
	await page.locator('[data-test-id="ndv"]').waitFor({ timeout: 30_000 });
}

async function closePanel(): Promise<void> {
	await page.keyboard.press('Escape');
	await page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden', timeout: 10_000 });
}

async function shoot(name: string): Promise<string> {
	const file = path.join(IMAGES, `panel-${name}.png`);
	await page.screenshot({ path: file });
	return file;
}

describe('the n8n editor with the EV clearing package', () => {
	it('shows the Channel parameter on the Send Factur-X panel of the monthly workflow', async () => {
		await openWorkflow(sampleIds['monthly-clearing']);
		const send = page.locator('[data-test-id="canvas-node"][data-node-name^="Send Factur-X"]').first();
		await send.dblclick();
		await page.locator('[data-test-id="ndv"]').waitFor();
		const channel = page.locator('[data-test-id="ndv"] [data-test-id="parameter-input-channel"]');
		await channel.waitFor({ timeout: 15_000 });
		expect(await channel.isVisible()).toBe(true);
		expect(await page.locator('[data-test-id="ndv"]').innerText()).toContain('Channel');
		await shoot('send-factur-x');
		await closePanel();
	}, 180_000);

	it('executes the tour workflow in the editor and opens the invoice PDF in the binary preview', async () => {
		await openWorkflow(TOUR_ID);
		await page.locator('[data-test-id="execute-workflow-button"]').first().click();
		await page.locator('[data-test-id="canvas-node"][data-node-name="Build Invoice"] [data-test-id="canvas-node-status-success"]').waitFor({ timeout: 120_000 });
		await openPanel('Build Invoice');
		await shoot('build-invoice');
		const output = page.locator('[data-test-id="output-panel"]');
		// every CDR of the tour is invoiced: nothing on Failed
		await output.getByText(/Invoices Branch \(3 items\)/).waitFor({ timeout: 15_000 });
		expect(await output.innerText()).not.toMatch(/Failed Branch \(\d+ items?\)/);
		// the Factur-X file as n8n shows it: name, extension, MIME type, and a Download button
		const pdfCard = output.locator('[data-test-id^="ndv-binary-data_"]').filter({ hasText: 'facturx' }).first();
		await pdfCard.waitFor({ timeout: 15_000 });
		expect(await pdfCard.innerText()).toMatch(/EVC-2026-000001\.pdf[\s\S]*pdf[\s\S]*application\/pdf/);
		// n8n 2.41 previews images, not PDFs: the first page, attached as "preview" (Page Preview option), opens with View
		const previewCard = output.locator('[data-test-id^="ndv-binary-data_"]').filter({ hasText: 'preview' }).first();
		await previewCard.locator('[data-test-id="ndv-view-binary-data"]').click();
		const image = page.locator('img[src^="data:image/png"], img[src*="binary-data"]').first();
		await image.waitFor({ timeout: 30_000 });
		expect(await image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(400);
		await page.screenshot({ path: path.join(IMAGES, 'panel-invoice-pdf-preview.png') });
		await page.keyboard.press('Escape');
	}, 240_000);

	it('photographs the panel of every node of the package', async () => {
		await openWorkflow(TOUR_ID);
		const shots: string[] = [];
		for (const name of ['Validate CDR', 'Price CDR', 'Track Payment', 'Clearing Report', 'Clearing Console', 'OCPI']) {
			await openPanel(name);
			shots.push(await shoot(name.toLowerCase().replace(/\W+/g, '-')));
			await closePanel();
		}
		expect(shots.every((file) => existsSync(file))).toBe(true);
	}, 240_000);

	it('photographs the canvases of the monthly workflows, every node of each on the picture', async () => {
		for (const [workflow, image] of [
			['monthly-clearing', 'monthly-workflow.png'],
			['french-platform-monthly-clearing', 'french-platform-workflow.png'],
		]) {
			await openWorkflow(sampleIds[workflow]);
			const fit = page.locator('[data-test-id="zoom-to-fit"]');
			if ((await fit.count()) > 0) await fit.first().click();
			const nodes = loadWorkflow(path.join(REPO_ROOT, 'workflows', `${workflow}.json`)).nodes;
			const steps = nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote').map((n) => String(n.name));
			for (const name of steps) await canvasNode(name).waitFor({ timeout: 15_000 });
			// the canvas shows what the file holds: nothing more (no node left over from an older version)
			const shown = await page.locator('[data-test-id="canvas-node"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node-name')));
			expect(shown.filter((name) => !nodes.some((n) => n.name === name))).toEqual([]);
			await page.mouse.move(0, 0);
			await page.waitForTimeout(500);
			await page.screenshot({ path: path.join(IMAGES, image) });
		}
	}, 180_000);
});

