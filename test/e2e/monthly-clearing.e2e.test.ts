/**
 * Sample workflow 1 (workflows/monthly-clearing.json) in a real n8n 2.41.1, as shipped except for pinned dates: the
 * sample CDRs are validated, priced, invoiced per eMSP and month, written to disk, e-mailed through a real SMTP server of
 * this test, and reported. Then `npm run demo` itself (scripts/demo.js) end to end.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseInvoicingConfig } from '../../lib/invoice/config';
import { readJsonRecords } from '../../lib/io/json-records';
import { issueStream } from '../../lib/issuing/issue-stream';
import { Decimal } from '../../lib/money';
import { openLedger } from '../../lib/ledger';
import type { Ledger } from '../../lib/ledger';
import { fatalFindings, validateEInvoices } from '../helpers/einvoice-validator';
import { attachments, header, startMailSink } from './mail-sink';
import type { MailSink } from './mail-sink';
import type { JsonObject, N8nRun } from './n8n';
import { N8nSandbox, REPO_ROOT, loadWorkflow, sampleCredentials } from './n8n';

const WORKFLOW = path.join(REPO_ROOT, 'workflows/monthly-clearing.json');
const INSTALL_TIMEOUT = 30 * 60_000;
const SMTP = { id: 'evcSmtpSample001', name: 'SMTP (EV Clearing) - your relay', type: 'evClearingSmtp' };

/** What the demo pins too (scripts/demo.js): the sample CDRs are from October 2026. */
function pinnedWorkflow(out: string) {
	const workflow = loadWorkflow(WORKFLOW, { __OUT__: out });
	const node = (name: string) => {
		const found = workflow.nodes.find((n) => n.name === name);
		if (!found) throw new Error(`no node ${name}`);
		return found.parameters as JsonObject;
	};
	node('Validate CDR').options = { now: '2026-11-01T00:00:00Z' };
	node('Build Invoice').options = { ...(node('Build Invoice').options as JsonObject), issueDate: '2026-11-02' };
	node('Clearing Report').asOf = '2026-11-02';
	return workflow;
}

// One invoice per eMSP for October 2026, and the credit note of the negative (credit) CDR of DE*CHP. The month is
// issued by issueStream: documents in order of eMSP, lines aggregated by tariff element and unit price (the CDRs in a
// CSV supporting document), so Mobilis' 5 CDRs make 79.84 where per-CDR lines rounded one by one made 79.85.
const EXPECTED = [
	{ number: 'EVC-2026-000001', typeCode: '380', buyer: 'BE*EMS', email: 'billing@emobility-services.example', withVat: '21.28', cdrs: 2 },
	{ number: 'EVC-2026-000002', typeCode: '380', buyer: 'DE*CHP', email: 'rechnungen@chargepoint-partner.example', withVat: '48.90', cdrs: 3 },
	{ number: 'EVC-2026-000003', typeCode: '380', buyer: 'FR*MOB', email: 'factures@mobilis-france.example', withVat: '79.84', cdrs: 5 },
	{ number: 'EVC-2026-000004', typeCode: '380', buyer: 'NL*ROM', email: 'invoices@roam-netherlands.example', withVat: '55.18', cdrs: 4 },
	{ number: 'EVC-AV-2026-000001', typeCode: '381', buyer: 'DE*CHP', email: 'rechnungen@chargepoint-partner.example', withVat: '26.19', cdrs: 1 },
];

let sandbox: N8nSandbox;
let sink: MailSink;
let out: string;
let workflowId: string;
let run: N8nRun;

beforeAll(async () => {
	out = mkdtempSync(path.join(tmpdir(), 'ev-clearing-e2e-monthly-'));
	sink = await startMailSink();
	sandbox = await N8nSandbox.create({ fileAccess: [path.join(REPO_ROOT, 'samples'), out] });
	await sandbox.importCredentials([
		...sampleCredentials(out),
		{ ...SMTP, data: { host: '127.0.0.1', port: sink.port, secure: false, user: '', password: '', rejectUnauthorized: true } },
	]);
	workflowId = await sandbox.importWorkflow(pinnedWorkflow(out));
	run = await sandbox.execute(workflowId);
}, INSTALL_TIMEOUT);

afterAll(async () => {
	await sandbox?.dispose();
	await sink?.close();
	if (out && process.env.EV_CLEARING_E2E_KEEP !== '1') rmSync(out, { recursive: true, force: true });
}, 60_000);

const invoiceFile = (name: string) => path.join(out, 'invoices', name);
const load = (name: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, 'samples', name), 'utf8')) as unknown;
const ndjson = (file: string) =>
	readFileSync(file, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line) as JsonObject);

describe('monthly clearing workflow, run by `n8n execute`', () => {
	it('moves the month as files: one summary item per step output, never one item per CDR', () => {
		expect(run.status).toBe('success');
		expect(run.items('Validate CDR', 0)).toEqual([
			expect.objectContaining({
				kind: 'ev-clearing.batch',
				step: 'validate',
				read: 26,
				counts: { valid: 26, rejected: 0 },
				path: path.join(out, 'batches', 'cdrs.valid.ndjson'),
			}),
		]);
		expect(run.items('Validate CDR', 1)).toHaveLength(0);
		expect(run.items('Price CDR', 0)).toEqual([
			expect.objectContaining({
				step: 'price',
				read: 26,
				counts: { priced: 26, deviating: 0, unpriceable: 0 },
				codes: { match: 25, not_declared: 1 },
			}),
		]);
		expect(run.items('Price CDR', 1)).toHaveLength(0);
		expect(ndjson(path.join(out, 'batches', 'cdrs.valid.ndjson'))).toHaveLength(26);
		expect(ndjson(path.join(out, 'batches', 'cdrs.priced.ndjson'))).toHaveLength(26);
	});

	it("refuses the other CPO's CDRs at Build Invoice, on its Failed output with the file of their lines", () => {
		// No "Our CPO only?" filter: the 11 CDRs of DE*LDN reach Build Invoice, which refuses them by code.
		const [summary] = run.items('Build Invoice', 2);
		expect(summary).toMatchObject({
			kind: 'ev-clearing.batch',
			step: 'invoice',
			read: 26,
			documents: 5,
			cdrsInvoiced: 15,
			alreadyInvoiced: 0,
			failed: 11,
			failuresByCode: { SELLER_MISMATCH: 11 },
			lines: 11,
		});
		expect(String(summary.message)).toContain('5 document(s) issued for 15 CDR(s)');
		const failedLines = ndjson(String(summary.path));
		expect(failedLines.map((l) => l.code)).toEqual(Array(11).fill('SELLER_MISMATCH'));
		const german = (load('cdrs.json') as JsonObject[]).filter((c) => c.party_id === 'LDN').map((c) => c.id);
		expect(failedLines.map((l) => l.id).sort()).toEqual(german.sort());
		expect(run.items('Build Invoice', 1)).toHaveLength(0);
	});

	it('wires every output of every clearing node to the next step or to the review (no item can vanish)', () => {
		const workflow = loadWorkflow(WORKFLOW);
		const outputs: Record<string, number> = { 'Validate CDR': 2, 'Price CDR': 2, 'Build Invoice': 3, 'Send Factur-X': 2 };
		const connections = workflow.connections as Record<string, { main: JsonObject[][] }>;
		for (const [node, count] of Object.entries(outputs)) {
			const main = connections[node]?.main ?? [];
			expect({ node, wired: Array.from({ length: count }, (_, i) => (main[i] ?? []).length > 0) }).toEqual({
				node,
				wired: Array(count).fill(true),
			});
		}
		expect(workflow.nodes.map((n) => n.type)).not.toContain('n8n-nodes-base.if');
	});

	it('keeps the run data small: a few items per node whatever the month', () => {
		const items = run.nodesRun.flatMap((node) => [0, 1, 2].flatMap((o) => (run.runData[node] ? run.items(node, o) : [])));
		expect(items.length).toBeLessThan(40);
	});

	it('issues gap-free numbers per series with the amounts to the cent', () => {
		const invoices = run.items('Build Invoice', 0);
		expect(
			invoices.map((i) => ({
				number: i.number,
				typeCode: i.typeCode,
				buyer: (i.buyer as JsonObject).ocpiParty,
				withVat: (i.totals as JsonObject).withVat,
				cdrs: (i.cdrIds as string[]).length,
			})),
		).toEqual(EXPECTED.map(({ email: _email, ...rest }) => rest));
		// 15 priced CDRs, each on exactly one document.
		const cdrIds = invoices.flatMap((i) => i.cdrIds as string[]);
		expect(new Set(cdrIds).size).toBe(15);
		const ours = ndjson(path.join(out, 'batches', 'cdrs.priced.ndjson')).filter((p) => p.party_id === 'EVC');
		expect(new Set(cdrIds)).toEqual(new Set(ours.map((p) => p.id)));
		expect(invoices.map((i) => [i.cdrCount, i.cdrIdsTruncated])).toEqual(EXPECTED.map((d) => [d.cdrs, false]));
		const mobilis = invoices[2];
		const totals = mobilis.totals as Record<string, string>;
		expect(new Decimal(totals.withoutVat).plus(totals.vat).toFixed(2)).toBe('79.84');
		expect([totals.withVat, totals.due]).toEqual(['79.84', '79.84']);
		expect(mobilis.issueDate).toBe('2026-11-02');
		expect(mobilis.dueDate).toBe('2026-12-02');
		expect(mobilis.paymentReference).toMatch(/^RF\d\dEVC2026000003$/);
	});

	it('gives the documents the library issues in-process from the same priced file', async () => {
		const config = parseInvoicingConfig(JSON.parse(readFileSync(path.join(REPO_ROOT, 'samples/invoice-config.json'), 'utf8')));
		const scratch = mkdtempSync(path.join(tmpdir(), 'ev-clearing-e2e-inproc-'));
		const ledger = await openLedger({ kind: 'sqlite', path: path.join(scratch, 'ledger.sqlite') });
		try {
			const issued: Array<[string, string]> = [];
			const records = readJsonRecords(createReadStream(path.join(out, 'batches', 'cdrs.priced.ndjson')));
			const summary = await issueStream(records, { ...config, invoicing: { ...config.invoicing, lineDetail: 'aggregated' } }, ledger, {
				onRendered: async (d) => void issued.push([d.invoice.number, d.invoice.totals.taxInclusive.toFixed(2)]),
			});
			expect(summary).toMatchObject({ read: 26, documents: 5, cdrsInvoiced: 15, failed: 11 });
			expect(issued).toEqual(run.items('Build Invoice', 0).map((i) => [i.number, (i.totals as JsonObject).withVat]));
		} finally {
			await ledger.close();
			rmSync(scratch, { recursive: true, force: true });
		}
	});

	it('writes Factur-X PDF, CII and UBL of each document, all valid for the official EN16931 / Factur-X artefacts', async () => {
		const expectedFiles = EXPECTED.flatMap(({ number }) => [`${number}.cii.xml`, `${number}.pdf`, `${number}.ubl.xml`]);
		expect(readdirSync(path.join(out, 'invoices')).sort()).toEqual(expectedFiles.sort());
		const verdicts = await validateEInvoices(expectedFiles.map(invoiceFile));
		for (const verdict of verdicts) {
			expect({ file: path.basename(verdict.file), valid: verdict.valid, fatal: fatalFindings(verdict) }).toEqual({
				file: path.basename(verdict.file),
				valid: true,
				fatal: '',
			});
		}
		const pdfs = verdicts.filter((v) => v.file.endsWith('.pdf'));
		expect(pdfs.map((v) => v.profile)).toEqual(Array(5).fill('EN 16931'));
	}, 180_000);

	it('e-mails each document to its eMSP, the Factur-X PDF attached byte for byte as written to disk', () => {
		const byNumber = new Map(
			sink.messages.map((m) => [/(EVC-(?:AV-)?2026-\d{6})/.exec(header(m.raw, 'Subject') ?? '')?.[1], m]),
		);
		expect(sink.messages).toHaveLength(5);
		for (const doc of EXPECTED) {
			const mail = byNumber.get(doc.number);
			expect(mail?.to).toEqual([doc.email]);
			expect(mail?.from).toBe('facturation@evcharge-france.example');
			const files = attachments(mail!.raw);
			expect(files.map((f) => [f.fileName, f.contentType])).toEqual([[`${doc.number}.pdf`, 'application/pdf']]);
			expect(files[0].data.equals(readFileSync(invoiceFile(`${doc.number}.pdf`)))).toBe(true);
		}
		expect(run.items('Send Factur-X', 1)).toHaveLength(0);
		expect(run.items('Send Factur-X', 0).map((i) => (i.delivery as JsonObject).status)).toEqual(Array(5).fill('sent'));
	});

	it('records in the ledger each document, the hashes of its files and its delivery', async () => {
		const ledger: Ledger = await openLedger({ kind: 'sqlite', path: path.join(out, 'ledger.sqlite') });
		try {
			const listed = await ledger.listInvoices();
			expect(listed.map((i) => [i.number, i.typeCode, `${i.buyer.countryCode}*${i.buyer.partyId}`, i.totals.withVat])).toEqual(
				[...EXPECTED]
					.sort((a, b) => a.number.localeCompare(b.number))
					.map((d) => [d.number, d.typeCode, d.buyer, d.withVat]),
			);
			for (const invoice of listed) {
				for (const file of invoice.renderedFiles ?? []) {
					const sha256 = createHash('sha256').update(readFileSync(invoiceFile(file.name))).digest('hex');
					expect({ file: file.name, sha256 }).toEqual({ file: file.name, sha256: file.sha256 });
				}
				expect(invoice.renderedFiles).toHaveLength(3);
			}
			const delivered = await ledger.events({ type: 'DELIVERY_SUCCEEDED' });
			expect(delivered.map((e) => e.invoiceNumber).sort()).toEqual(EXPECTED.map((d) => d.number).sort());
			const invoiced = await ledger.getInvoice('EVC-2026-000003');
			expect(invoiced?.cdrs).toHaveLength(5);
		} finally {
			await ledger.close();
		}
	});

	it('writes the review report: counts that add up, every document with its delivery, the invoices per eMSP and the aging', () => {
		const [report] = run.items('Clearing Report');
		// All 26 CDRs read are counted from the batch summaries, and all 26 priced (the German CPO's refused at invoicing).
		expect(report.cdrs).toMatchObject({ received: 26, valid: 26, rejected: 0, priced: 26, notPriced: 0 });
		expect((report.pricing as JsonObject).byStatus).toEqual({ match: 25, not_declared: 1, mismatch: 0, unpriceable: 0 });
		const documents = (report.invoices as JsonObject).documents as JsonObject[];
		expect(documents.map((d) => [d.number, d.deliveries]).sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual(
			['EVC-2026-000001', 'EVC-2026-000002', 'EVC-2026-000003', 'EVC-2026-000004', 'EVC-AV-2026-000001'].map((n) => [n, [{ channel: 'email', status: 'sent' }]]),
		);
		expect((report.invoices as JsonObject).documentCount).toBe(5);
		const perEmsp = ((report.invoices as JsonObject).perEmsp as JsonObject[]).map((l) => [l.emsp, l.netWithVat]);
		// DE*CHP: 48.90 invoiced less the 26.19 credit note.
		expect(perEmsp).toEqual([
			['BE*EMS', '21.28'],
			['DE*CHP', '22.71'],
			['FR*MOB', '79.84'],
			['NL*ROM', '55.18'],
		]);
		expect(report.ignoredItems).toBe(0);
		const html = readFileSync(path.join(out, 'report.html'), 'utf8');
		expect(html).toContain('<html');
		expect(html).toContain('Mobilis France SAS');
		expect(html).toContain('79.84');
		expect(html).toContain('26</strong> CDRs received = <strong>26</strong> valid + <strong>0</strong> rejected');
		expect(html).toContain('email: sent');
		// The same report as JSON, where the demo reads the results.
		const summary = JSON.parse(readFileSync(path.join(out, 'run-summary.json'), 'utf8')) as JsonObject[];
		expect(summary).toHaveLength(1);
		expect(summary[0].cdrs).toEqual(report.cdrs);
	});

	it('invoices and e-mails nothing twice when run again', async () => {
		const again = await sandbox.execute(workflowId);
		expect(again.items('Build Invoice', 0)).toHaveLength(0);
		const [already] = again.items('Build Invoice', 1);
		expect(already).toMatchObject({ step: 'invoice', documents: 0, alreadyInvoiced: 15, failed: 11, lines: 15 });
		expect(String(already.message)).toContain('15 CDR(s) already invoiced in the ledger');
		expect(ndjson(String(already.path)).map((l) => l.invoiceNumber).sort()).toEqual(
			run.items('Build Invoice', 0).flatMap((i) => (i.cdrIds as string[]).map(() => i.number)).sort(),
		);
		expect(sink.messages).toHaveLength(5);
		const ledger = await openLedger({ kind: 'sqlite', path: path.join(out, 'ledger.sqlite') });
		try {
			expect(await ledger.listInvoices()).toHaveLength(5);
		} finally {
			await ledger.close();
		}
	}, 120_000);
});

/** Runs scripts/demo.js as `npm run demo` does, with EV_CLEARING_OUT set. */
function runDemo(demoOut: string, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(path.join(REPO_ROOT, 'node_modules/.bin/node'), [path.join(REPO_ROOT, 'scripts/demo.js'), ...args], {
			cwd: REPO_ROOT,
			env: { ...process.env, EV_CLEARING_OUT: demoOut, NODE_ENV: undefined, JEST_WORKER_ID: undefined },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
		child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

describe('`npm run demo` (scripts/demo.js)', () => {
	it('refuses to empty a folder holding a ledger it did not create, and leaves that ledger as it was', async () => {
		const foreign = mkdtempSync(path.join(tmpdir(), 'ev-clearing-e2e-foreign-'));
		try {
			writeFileSync(path.join(foreign, 'ledger.sqlite'), 'a real ledger');
			const result = await runDemo(foreign);
			expect(result.code).toBe(1);
			expect(result.stderr).toContain('was not created by the demo: it is left untouched');
			expect(readFileSync(path.join(foreign, 'ledger.sqlite'), 'utf8')).toBe('a real ledger');
		} finally {
			rmSync(foreign, { recursive: true, force: true });
		}
	});

	it('runs the monthly workflow in n8n with its own SMTP sink and leaves invoices, report and e-mails in the output folder', async () => {
		const demoOut = mkdtempSync(path.join(tmpdir(), 'ev-clearing-e2e-demo-'));
		try {
			const result = await runDemo(demoOut);
			expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr.slice(-3000) }).toEqual({ code: 0, stderr: '' });
			expect(result.stdout).toContain('26 read: 26 valid, 0 rejected');
			expect(result.stdout).toContain('5 invoice(s)');
			expect(result.stdout).toMatch(/EVC-2026-000003\s+Mobilis France SAS\s+79\.84 EUR/);
			expect(result.stdout).toContain('5 sent, 0 failed; 5 message(s) caught by the local SMTP sink');
			expect(result.stdout).toMatch(/execution \d+: success, run data \d+\.\d\d MB/);
			expect(readdirSync(path.join(demoOut, 'invoices'))).toHaveLength(15);
			expect(readdirSync(path.join(demoOut, 'mail'))).toHaveLength(5);
			expect(existsSync(path.join(demoOut, 'report.html'))).toBe(true);
			// Its own ledger, marked: a second demo run empties it and issues the same numbers again.
			expect(existsSync(path.join(demoOut, '.ev-clearing-demo'))).toBe(true);
			const again = await runDemo(demoOut);
			expect(again.code).toBe(0);
			expect(again.stdout).toMatch(/EVC-2026-000003\s+Mobilis France SAS\s+79\.84 EUR/);
		} finally {
			rmSync(demoOut, { recursive: true, force: true });
		}
	}, 300_000);
});
