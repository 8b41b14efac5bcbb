/**
 * The French-platform sample workflows in a real n8n 2.41.1 against the local accredited platform (test/helpers/
 * fake-pa.ts: the AFNOR XP Z12-013 OpenAPI files validating every request): the monthly clearing of the French seller
 * deposits the French eMSP's invoice on the platform and e-mails the others; then the scheduled lifecycle workflow
 * reads the standard's example CDAR flows for it into the ledger and reports the payment as 212 Encaissée.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { openLedger } from '../../lib/ledger';
import { recordPayment, statusReport } from '../../lib/payments/tracking';
import { FakePa, HAVE_FR_REFORM } from '../helpers/fake-pa';
import { startMailSink } from './mail-sink';
import type { MailSink } from './mail-sink';
import type { JsonObject, N8nRun } from './n8n';
import { N8nSandbox, REPO_ROOT, loadWorkflow, sampleCredentials } from './n8n';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generate, FOREIGN_EVERY, MISMATCH_EVERY } = require('../../scripts/bench/generate') as {
	generate: (count: number, cdrFile: string, tariffFile: string) => void;
	FOREIGN_EVERY: number;
	MISMATCH_EVERY: number;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { lastExecution } = require('../../scripts/demo') as { lastExecution: (userFolder: string) => { runDataBytes: number } };

const MONTHLY = path.join(REPO_ROOT, 'workflows/french-platform-monthly-clearing.json');
const LIFECYCLE = path.join(REPO_ROOT, 'workflows/french-platform-lifecycle.json');
const INSTALL_TIMEOUT = 30 * 60_000;
const SELLER_SIREN = '884123456';
const BUYER_SIREN = '901543215';
/** Mobilis (FR*MOB), the French eMSP: its October invoice is the third of the month (documents in order of eMSP). */
const FRENCH_INVOICE = 'EVC-2026-000003';

const describeWithReference = HAVE_FR_REFORM ? describe : describe.skip;
if (!HAVE_FR_REFORM) console.warn('french-platform e2e skipped: ../shared/reference/fr-reform is not beside this clone.');

let sandbox: N8nSandbox;
let sink: MailSink;
let pa: FakePa;
let out: string;
let monthly: N8nRun;
let monthlyId: string;

function pinned(file: string, outDir = out) {
	const workflow = loadWorkflow(file, { __OUT__: outDir });
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
		...sampleCredentials(out),
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
	it('moves the month as files: one summary item per step output, never one item per CDR', () => {
		expect(monthly.status).toBe('success');
		expect(monthly.items('Validate CDR', 0)).toEqual([
			expect.objectContaining({ kind: 'ev-clearing.batch', step: 'validate', read: 26, counts: { valid: 26, rejected: 0 }, path: path.join(out, 'batches', 'cdrs.valid.ndjson') }),
		]);
		expect(monthly.items('Price CDR', 0)).toEqual([
			expect.objectContaining({ step: 'price', read: 26, counts: { priced: 26, deviating: 0, unpriceable: 0 }, codes: { match: 25, not_declared: 1 } }),
		]);
		// The other CPO's CDRs are refused by Build Invoice and reach the report as one summary with the file of their lines.
		expect(monthly.items('Build Invoice', 2)).toEqual([
			expect.objectContaining({ step: 'invoice', read: 26, documents: 5, cdrsInvoiced: 15, failed: 11, failuresByCode: { SELLER_MISMATCH: 11 }, lines: 11 }),
		]);
		expect(monthly.items('Build Invoice', 1)).toEqual([]);
		const items = monthly.nodesRun.flatMap((node) => [0, 1, 2].flatMap((o) => monthly.items(node, o)));
		expect(items.length).toBeLessThan(40);
	});

	it('deposits the French eMSP invoice on the platform, e-mails the others, and reports every document', () => {
		// Documents in order of eMSP (BE*EMS, DE*CHP, FR*MOB, NL*ROM), then the credit note of DE*CHP's credit CDR.
		expect(monthly.items('Build Invoice', 0).map((i) => [i.number, (i.buyer as JsonObject).ocpiParty, (i.totals as JsonObject).withVat])).toEqual([
			['EVC-2026-000001', 'BE*EMS', '21.28'],
			['EVC-2026-000002', 'DE*CHP', '48.90'],
			['EVC-2026-000003', 'FR*MOB', '79.84'],
			['EVC-2026-000004', 'NL*ROM', '55.18'],
			['EVC-AV-2026-000001', 'DE*CHP', '26.19'],
		]);
		const deposited = monthly.items('Deposit on platform', 0);
		expect(deposited.map((i) => [i.number, (i.delivery as JsonObject).status, (i.delivery as JsonObject).remoteId])).toEqual([
			['EVC-2026-000003', 'sent', pa.deposits[0].flowId],
		]);
		expect(pa.deposits.map((d) => [d.trackingId, d.flowSyntax, d.flowProfile, d.contentType])).toEqual([
			['EVC-2026-000003', 'Factur-X', 'CIUS', 'application/pdf'],
		]);
		expect(monthly.items('Deposit on platform', 1)).toEqual([]);
		const mailed = monthly.items('E-mail (cross-border)', 0).map((i) => i.number);
		expect(mailed).toEqual(['EVC-2026-000001', 'EVC-2026-000002', 'EVC-2026-000004', 'EVC-AV-2026-000001']);
		expect(sink.messages).toHaveLength(4);
		expect(monthly.items('Clearing Report', 0)[0]).toMatchObject({
			cdrs: { received: 26, valid: 26, rejected: 0, priced: 26 },
			invoices: { documentCount: 5 },
		});
		expect(readdirSync(path.join(out, 'invoices'))).toHaveLength(15);
		expect(pa.invalidRequests).toEqual([]);
		expect(pa.invalidResponses).toEqual([]);
	});

	it('a second run deposits and mails nothing again', async () => {
		const again = await sandbox.execute(monthlyId);
		expect(again.status).toBe('success');
		// Every CDR is already on its invoice: Build Invoice says so on its second output, nothing reaches the platform.
		expect(again.items('Build Invoice', 1)).toEqual([expect.objectContaining({ documents: 0, alreadyInvoiced: 15, lines: 15 })]);
		expect(again.nodesRun).not.toContain('Deposit on platform');
		expect(pa.deposits).toHaveLength(1);
		expect(sink.messages).toHaveLength(4);
	});

	it('the scheduled lifecycle workflow records the statuses and reports the payment cashed (212), once', async () => {
		const replace = { invoiceNumber: FRENCH_INVOICE, sellerSiren: SELLER_SIREN, buyerSiren: BUYER_SIREN };
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
		await recordPayment(ledger, FRENCH_INVOICE, { paymentId: 'CAMT-2026-12-04-01', amount: '79.84', currency: 'EUR', date: '2026-12-04' });
		await ledger.close();

		const id = await sandbox.importWorkflow(pinned(LIFECYCLE));
		const run = await sandbox.execute(id);
		expect(run.status).toBe('success');
		expect(run.items('Pull statuses', 0).map((i) => [i.invoiceNumber, i.code, i.status])).toEqual([
			[FRENCH_INVOICE, '200', 'recorded'],
			[FRENCH_INVOICE, '202', 'recorded'],
			[FRENCH_INVOICE, '203', 'recorded'],
			[FRENCH_INVOICE, '205', 'recorded'],
		]);
		expect(run.items('Report payments cashed (212)', 0).map((i) => [i.invoiceNumber, i.paymentId, i.status, i.amount])).toEqual([
			[FRENCH_INVOICE, 'CAMT-2026-12-04-01', 'deposited', '79.84'],
		]);
		// whatever "Invoices to correct" lists reaches the ops review node wired to it
		const toCorrect = run.items('Invoices to correct', 0);
		expect(run.nodesRun.includes('Ops review: invoices to correct') ? run.items('Ops review: invoices to correct') : []).toEqual(toCorrect);
		expect(pa.depositedStatuses).toHaveLength(1);
		expect(pa.invalidCdars).toEqual([]);
		expect(pa.depositedStatuses[0].file.toString('utf8')).toContain('<ram:ValueAmount currencyID="EUR">79.84</ram:ValueAmount>');

		const again = await sandbox.execute(id);
		expect(again.status).toBe('success');
		expect(again.items('Pull statuses', 0).filter((i) => i.status === 'recorded')).toEqual([]);
		expect(pa.depositedStatuses).toHaveLength(1);

		const check = await openLedger({ kind: 'sqlite', path: ledgerPath });
		try {
			expect((await check.events({ invoiceNumber: FRENCH_INVOICE, type: 'LIFECYCLE_STATUS' })).map((e) => (e.payload as JsonObject).code)).toEqual([
				'200',
				'202',
				'203',
				'205',
				'212',
			]);
			const [status] = (await statusReport(check, '2026-12-05', { invoice: FRENCH_INVOICE })).statuses;
			expect(status).toMatchObject({ status: 'paid', lifecycle: { code: '212', label: 'Encaissée', source: 'seller' } });
		} finally {
			await check.close();
		}
		expect(pa.invalidRequests).toEqual([]);
	});
});

describeWithReference('French seller: the same workflow on a month of generated CDRs', () => {
	const COUNT = 3000;
	let gen: string;
	let genPa: FakePa;
	let run: N8nRun;
	let runDataBytes: number;
	let mailsBefore: number;

	beforeAll(async () => {
		gen = path.join(out, 'generated');
		mkdirSync(path.join(gen, 'invoices'), { recursive: true });
		const cdrFile = path.join(gen, 'cdrs.ndjson');
		const tariffFile = path.join(gen, 'tariffs.json');
		generate(COUNT, cdrFile, tariffFile);
		// A ledger and a platform of its own: the numbers of this month are those of the sample month.
		genPa = await new FakePa().start();
		genPa.addDirectoryLine({ addressingIdentifier: BUYER_SIREN, siren: BUYER_SIREN, businessName: 'Mobilis France SAS' });
		const paCredential = { id: 'evcPaGenerated01', name: 'French e-invoicing platform - generated month', type: 'evClearingFrenchPlatformApi' };
		const ledgerCredential = { id: 'evcLedgerGen0001', name: 'EV Clearing Ledger - generated month', type: 'evClearingLedgerApi' };
		await sandbox.importCredentials([
			{ ...paCredential, data: { ...genPa.connection(), clientAuthentication: 'basic' } as JsonObject },
			{ ...ledgerCredential, data: { kind: 'sqlite', path: path.join(gen, 'ledger.sqlite') } },
		]);
		const workflow = pinned(MONTHLY, gen);
		workflow.id = 'evcFrPlatGen0001';
		const node = (name: string) => workflow.nodes.find((n) => n.name === name)!;
		(node('Read CDRs').parameters as JsonObject).fileSelector = cdrFile;
		(node('Read Tariffs').parameters as JsonObject).fileSelector = tariffFile;
		node('Deposit on platform').credentials = {
			...(node('Deposit on platform').credentials as JsonObject),
			evClearingFrenchPlatformApi: { id: paCredential.id, name: paCredential.name },
		};
		for (const n of workflow.nodes) {
			const credentials = n.credentials as JsonObject | undefined;
			if (credentials?.evClearingLedgerApi) credentials.evClearingLedgerApi = { id: ledgerCredential.id, name: ledgerCredential.name };
		}
		mailsBefore = sink.messages.length;
		run = await sandbox.execute(await sandbox.importWorkflow(workflow));
		runDataBytes = lastExecution(sandbox.userFolder).runDataBytes;
	}, 10 * 60_000);

	afterAll(async () => {
		await genPa?.stop();
	});

	it('keeps the run data small and issues one invoice per eMSP, the French one deposited on the platform', () => {
		expect(run.status).toBe('success');
		const items = run.nodesRun.flatMap((node) => [0, 1, 2].flatMap((o) => run.items(node, o)));
		expect(items.length).toBeLessThan(40);
		// A few summaries and documents, whatever the month: far under the 10 MB per execution of issue 12.3.
		expect(runDataBytes).toBeLessThan(300_000);
		const [validated] = run.items('Validate CDR', 0);
		expect(validated).toMatchObject({ read: COUNT });
		const [priced] = run.items('Price CDR', 0);
		const [invoicing] = run.items('Build Invoice', 2);
		// generate.js: one CDR in FOREIGN_EVERY is the other CPO's (refused at Build Invoice), one in MISMATCH_EVERY (none of
		// them the other CPO's) declares 5 % too much and goes to review; every other CDR is billed.
		const foreign = COUNT / FOREIGN_EVERY;
		const mismatched = COUNT / MISMATCH_EVERY;
		expect(priced.counts).toMatchObject({ priced: COUNT - mismatched });
		expect(invoicing).toMatchObject({ read: COUNT - mismatched, failuresByCode: { SELLER_MISMATCH: foreign }, documents: 4 });
		expect(invoicing.cdrsInvoiced).toBe(COUNT - mismatched - foreign);
		const documents = run.items('Build Invoice', 0);
		expect(documents.map((d) => [d.number, (d.buyer as JsonObject).ocpiParty])).toEqual([
			['EVC-2026-000001', 'BE*EMS'],
			['EVC-2026-000002', 'DE*CHP'],
			['EVC-2026-000003', 'FR*MOB'],
			['EVC-2026-000004', 'NL*ROM'],
		]);
		expect(documents.reduce((n, d) => n + Number(d.cdrCount), 0)).toBe(invoicing.cdrsInvoiced);
		expect(documents.every((d) => d.cdrIdsTruncated === true)).toBe(true);
		expect(run.items('Deposit on platform', 0).map((i) => [i.number, (i.delivery as JsonObject).status])).toEqual([['EVC-2026-000003', 'sent']]);
		expect(genPa.deposits.map((d) => d.trackingId)).toEqual(['EVC-2026-000003']);
		expect(run.items('E-mail (cross-border)', 0).map((i) => i.number)).toEqual(['EVC-2026-000001', 'EVC-2026-000002', 'EVC-2026-000004']);
		expect(sink.messages.length - mailsBefore).toBe(3);
		expect(readdirSync(path.join(gen, 'invoices'))).toHaveLength(12);
		expect(genPa.invalidRequests).toEqual([]);
	});
});
