/**
 * The French-platform sample workflows in a real n8n 2.41.1 against the local accredited platform (test/helpers/
 * fake-pa.ts: the AFNOR XP Z12-013 OpenAPI files validating every request): the monthly clearing of the French seller
 * deposits the French eMSP's invoice on the platform and e-mails the others; then the scheduled lifecycle workflow
 * reads the standard's example CDAR flows for it into the ledger and reports the payment as 212 Encaissée.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { openLedger } from '../../lib/ledger';
import { recordPayment, statusReport } from '../../lib/payments/tracking';
import { FakePa, HAVE_FR_REFORM } from '../helpers/fake-pa';
import { startMailSink } from './mail-sink';
import type { MailSink } from './mail-sink';
import type { JsonObject, N8nRun } from './n8n';
import { N8nSandbox, REPO_ROOT, loadWorkflow } from './n8n';

const MONTHLY = path.join(REPO_ROOT, 'workflows/french-platform-monthly-clearing.json');
const LIFECYCLE = path.join(REPO_ROOT, 'workflows/french-platform-lifecycle.json');
const INSTALL_TIMEOUT = 30 * 60_000;
const SELLER_SIREN = '884123456';
const BUYER_SIREN = '901543215';

const describeWithReference = HAVE_FR_REFORM ? describe : describe.skip;
if (!HAVE_FR_REFORM) console.warn('french-platform e2e skipped: ../shared/reference/fr-reform is not beside this clone.');

let sandbox: N8nSandbox;
let sink: MailSink;
let pa: FakePa;
let out: string;
let monthly: N8nRun;
let monthlyId: string;

function pinned(file: string) {
	const workflow = loadWorkflow(file, { __OUT__: out });
	const node = (name: string) => workflow.nodes.find((n) => n.name === name)?.parameters as JsonObject | undefined;
	const validate = node('Validate CDR');
	if (validate) validate.options = { now: '2026-11-01T00:00:00Z' };
	const build = node('Build Invoice');
	if (build) build.options = { ...(build.options as JsonObject), issueDate: '2026-11-02' };
	const report = node('Clearing Report');
	if (report) report.asOf = '2026-11-02';
	return workflow;
}

beforeAll(async () => {
	if (!HAVE_FR_REFORM) return;
	out = mkdtempSync(path.join(tmpdir(), 'ev-clearing-e2e-pa-'));
	mkdirSync(path.join(out, 'invoices'));
	pa = await new FakePa().start();
	pa.addDirectoryLine({ addressingIdentifier: BUYER_SIREN, siren: BUYER_SIREN, businessName: 'Mobilis France SAS' });
	sink = await startMailSink();
	sandbox = await N8nSandbox.create({ fileAccess: [path.join(REPO_ROOT, 'samples'), out] });
	await sandbox.importCredentials([
		{ id: 'evcSmtpSample001', name: 'SMTP (EV Clearing) - your relay', type: 'evClearingSmtp', data: { host: '127.0.0.1', port: sink.port, secure: false, user: '', password: '', rejectUnauthorized: true } },
		{ id: 'evcPaSample00001', name: 'French e-invoicing platform - your PA', type: 'evClearingFrenchPlatformApi', data: { ...pa.connection(), clientAuthentication: 'basic' } as JsonObject },
	]);
	monthlyId = await sandbox.importWorkflow(pinned(MONTHLY));
	monthly = await sandbox.execute(monthlyId);
}, INSTALL_TIMEOUT);

afterAll(async () => {
	await sandbox?.dispose();
	await sink?.close();
	await pa?.stop();
	if (out && process.env.EV_CLEARING_E2E_KEEP !== '1') rmSync(out, { recursive: true, force: true });
}, 60_000);

describeWithReference('French seller: monthly clearing on its accredited platform, then the lifecycle', () => {
	it('deposits the French eMSP invoice on the platform, e-mails the others, and reports every item', () => {
		expect(monthly.status).toBe('success');
		const deposited = monthly.items('Deposit on platform', 0);
		expect(deposited.map((i) => [i.number, (i.delivery as JsonObject).status, (i.delivery as JsonObject).remoteId])).toEqual([
			['EVC-2026-000001', 'sent', pa.deposits[0].flowId],
		]);
		expect(pa.deposits.map((d) => [d.trackingId, d.flowSyntax, d.flowProfile, d.contentType])).toEqual([
			['EVC-2026-000001', 'Factur-X', 'CIUS', 'application/pdf'],
		]);
		expect(monthly.items('Deposit on platform', 1)).toEqual([]);
		const mailed = monthly.items('E-mail (cross-border)', 0).map((i) => i.number);
		expect(mailed).toEqual(['EVC-2026-000002', 'EVC-2026-000003', 'EVC-2026-000004', 'EVC-AV-2026-000001']);
		expect(sink.messages).toHaveLength(4);
		// The other CPO's CDRs are refused by Build Invoice and reach the report, not nowhere.
		expect(monthly.items('Build Invoice', 2)).toHaveLength(11);
		expect(monthly.items('Clearing Report', 0)[0]).toMatchObject({ invoices: { documentCount: 5 } });
		expect(pa.invalidRequests).toEqual([]);
		expect(pa.invalidResponses).toEqual([]);
	});

	it('a second run deposits and mails nothing again', async () => {
		const again = await sandbox.execute(monthlyId);
		expect(again.status).toBe('success');
		// Every CDR is already on its invoice: Build Invoice says so on its second output, nothing reaches the platform.
		expect(again.items('Build Invoice', 1)).toHaveLength(15);
		expect(again.nodesRun).not.toContain('Deposit on platform');
		expect(pa.deposits).toHaveLength(1);
		expect(sink.messages).toHaveLength(4);
	});

	it('the scheduled lifecycle workflow records the statuses and reports the payment cashed (212), once', async () => {
		const replace = { invoiceNumber: 'EVC-2026-000001', sellerSiren: SELLER_SIREN, buyerSiren: BUYER_SIREN };
		for (const example of [
			'UC1_F202500003_01-CDV-200_Deposee.xml',
			'UC1_F202500003_02-CDV-202_Recue.xml',
			'UC1_F202500003_03-CDV-203_Mise_a_disposition.xml',
			'UC1_F202500003_05-CDV-205_Approuvee.xml',
		]) {
			pa.offerLifecycle(example, replace);
		}
		const ledgerPath = path.join(out, 'ledger.sqlite');
		const ledger = await openLedger({ kind: 'sqlite', path: ledgerPath });
		await recordPayment(ledger, 'EVC-2026-000001', { paymentId: 'CAMT-2026-12-04-01', amount: '79.85', currency: 'EUR', date: '2026-12-04' });
		await ledger.close();

		const id = await sandbox.importWorkflow(pinned(LIFECYCLE));
		const run = await sandbox.execute(id);
		expect(run.status).toBe('success');
		expect(run.items('Pull statuses', 0).map((i) => [i.invoiceNumber, i.code, i.status])).toEqual([
			['EVC-2026-000001', '200', 'recorded'],
			['EVC-2026-000001', '202', 'recorded'],
			['EVC-2026-000001', '203', 'recorded'],
			['EVC-2026-000001', '205', 'recorded'],
		]);
		expect(run.items('Report payments cashed (212)', 0).map((i) => [i.invoiceNumber, i.paymentId, i.status, i.amount])).toEqual([
			['EVC-2026-000001', 'CAMT-2026-12-04-01', 'deposited', '79.85'],
		]);
		// whatever "Invoices to correct" lists reaches the ops review node wired to it
		const toCorrect = run.items('Invoices to correct', 0);
		expect(run.nodesRun.includes('Ops review: invoices to correct') ? run.items('Ops review: invoices to correct') : []).toEqual(toCorrect);
		expect(pa.depositedStatuses).toHaveLength(1);
		expect(pa.invalidCdars).toEqual([]);
		expect(pa.depositedStatuses[0].file.toString('utf8')).toContain('<ram:ValueAmount currencyID="EUR">79.85</ram:ValueAmount>');

		const again = await sandbox.execute(id);
		expect(again.status).toBe('success');
		expect(again.items('Pull statuses', 0).filter((i) => i.status === 'recorded')).toEqual([]);
		expect(pa.depositedStatuses).toHaveLength(1);

		const check = await openLedger({ kind: 'sqlite', path: ledgerPath });
		try {
			expect((await check.events({ invoiceNumber: 'EVC-2026-000001', type: 'LIFECYCLE_STATUS' })).map((e) => (e.payload as JsonObject).code)).toEqual([
				'200',
				'202',
				'203',
				'205',
				'212',
			]);
			const [status] = (await statusReport(check, '2026-12-05', { invoice: 'EVC-2026-000001' })).statuses;
			expect(status).toMatchObject({ status: 'paid', lifecycle: { code: '212', label: 'Encaissée', source: 'seller' } });
		} finally {
			await check.close();
		}
		expect(pa.invalidRequests).toEqual([]);
	});
});
