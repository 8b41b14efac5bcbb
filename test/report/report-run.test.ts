/**
 * The per-run report, fixed (issue 15): counts that add up whatever outputs feed it, the rejected CDRs by id with
 * their codes, every document with how it left, and links to the Clearing Console.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { invoiceSummary } from '../../lib/invoice/summary';
import { issueInvoices } from '../../lib/issuing';
import { parseInvoicingConfig } from '../../lib/invoice/config';
import { openLedger } from '../../lib/ledger';
import type { Cdr, Tariff } from '../../lib/ocpi/types';
import { createPricer, pricedCdrToJson } from '../../lib/pricing';
import { createCdrValidator } from '../../lib/quality';
import { buildClearingReport, consoleLink, renderReportHtml, sortRunItems, withLedgerDeliveries } from '../../lib/report';

const samples = path.resolve(__dirname, '../../samples');
const load = <T>(file: string): T => JSON.parse(readFileSync(path.join(samples, file), 'utf8')) as T;

describe('the per-run report', () => {
	const validator = createCdrValidator({ now: new Date('2026-11-01T00:00:00Z') });
	const cdrs = [...load<Cdr[]>('cdrs.json'), load<Cdr>('broken/end-before-start.json')];
	const verdicts = cdrs.map((cdr) => validator.validate(cdr));
	// What Validate CDR puts on its outputs: each CDR with its issues attached.
	const validated = verdicts.map((v, i) => ({ ...cdrs[i], issues: v.issues }));
	const ours = verdicts.filter((v) => v.valid && v.cdr!.country_code === 'FR');
	const pricer = createPricer({ tariffs: load<Tariff[]>('tariffs.json') });
	const priced = ours.map((v) => pricedCdrToJson(pricer.price(v.cdr!)));

	it('counts each CDR once, whether it reached the report from Validate CDR, Price CDR or both', () => {
		// Validate CDR's two outputs and Price CDR's output, all merged: 27 CDRs read, 15 of them priced.
		const run = sortRunItems([...validated, ...priced]);
		const report = buildClearingReport({ generatedAt: '2026-11-02T00:00:00Z', verdicts: run.verdicts, priced: run.priced, documents: [], aging: [] });
		expect(report.cdrs).toMatchObject({ received: 27, valid: 26, rejected: 1, priced: 15, notPriced: 11 });
		expect(report.cdrs.valid + report.cdrs.rejected).toBe(report.cdrs.received);
		expect(report.cdrs.priced + report.cdrs.notPriced).toBe(report.cdrs.valid);
		const byStatus = report.pricing.byStatus;
		expect(byStatus.match + byStatus.not_declared + byStatus.mismatch + byStatus.unpriceable).toBe(report.cdrs.priced);
	});

	it("counts Build Invoice's run summary neither as a document nor as an ignored item", () => {
		const summary = { kind: 'ev-clearing.run-summary', issued: 0, alreadyInvoiced: 3, failed: 0, existingInvoices: ['EVC-2026-000001'], dryRun: false, message: '3 CDRs already invoiced' };
		const run = sortRunItems([...validated, summary, { unrelated: true }]);
		expect(run.documents).toEqual([]);
		expect(run.ignored).toBe(1);
		expect(run.verdicts).toHaveLength(validated.length);
	});

	it('lists the rejected CDRs by id with their codes', () => {
		const run = sortRunItems(validated);
		const report = buildClearingReport({ generatedAt: '2026-11-02T00:00:00Z', verdicts: run.verdicts, priced: [], documents: [], aging: [] });
		const broken = load<Cdr>('broken/end-before-start.json');
		expect(report.cdrs.rejectedCdrs).toEqual([{ id: broken.id, codes: expect.arrayContaining(['CDR_END_BEFORE_START']), message: expect.any(String) }]);
		const html = renderReportHtml(report);
		expect(html).toContain('data-testid="rejected-cdrs"');
		expect(html).toContain(`<code>${broken.id}</code>`);
	});

	it('shows every document with its delivery from the ledger, linked to the console', async () => {
		const ledger = await openLedger({ kind: 'sqlite', path: path.join(mkdtempSync(path.join(tmpdir(), 'report-run-')), 'ledger.sqlite') });
		try {
			const config = parseInvoicingConfig(load('invoice-config.json'));
			const outcome = await issueInvoices(ours.map((v) => pricer.price(v.cdr!)), config, ledger);
			const items = outcome.documents.map((d) =>
				invoiceSummary(d.invoice, { cdrIds: d.cdrIds, ocpiParty: `${d.buyerParty.countryCode}*${d.buyerParty.partyId}`, email: null, files: {}, recovered: false }),
			);
			const [first, second] = items;
			// The first went through Send Factur-X (its item says so), the second was sent later: only the ledger knows.
			const run = sortRunItems([...items, { ...first, delivery: { channel: 'email', status: 'sent' } }]);
			expect(run.documents).toHaveLength(items.length);
			await ledger.recordEvent({ type: 'DELIVERY_FAILED', invoiceNumber: second.number, payload: { channel: 'odoo', outcome: 'failed', at: '2026-11-02T10:00:00Z' } });
			const documents = await withLedgerDeliveries(ledger, run.documents);
			const report = buildClearingReport({
				generatedAt: '2026-11-02T00:00:00Z',
				verdicts: [],
				priced: [],
				documents,
				aging: [],
				consoleUrl: 'http://127.0.0.1:5680',
			});
			const byNumber = new Map(report.invoices.documents.map((d) => [d.number, d]));
			expect(byNumber.get(first.number)!.deliveries).toEqual([{ channel: 'email', status: 'sent' }]);
			expect(byNumber.get(second.number)!.deliveries).toEqual([{ channel: 'odoo', status: 'failed' }]);
			expect(byNumber.get(first.number)!.consoleLink).toBe(`http://127.0.0.1:5680/invoices/${first.number}`);
			const html = renderReportHtml(report);
			expect(html).toContain(`<a href="http://127.0.0.1:5680/invoices/${first.number}">${first.number}</a>`);
			expect(html).toContain('data-testid="console-link"');
			expect(html).toContain('odoo: failed');
		} finally {
			await ledger.close();
		}
	});

	it('links into the console behind an n8n Webhook through its route parameter', () => {
		const route = `/invoices/${encodeURIComponent('EVC/2026/1')}`;
		const behindN8n = new URL(consoleLink('https://n8n.example.com/webhook/clearing-console', route));
		expect(behindN8n.pathname).toBe('/webhook/clearing-console');
		expect(behindN8n.searchParams.get('route')).toBe('/invoices/EVC%2F2026%2F1');
		expect(consoleLink('http://host:5680/', route)).toBe('http://host:5680/invoices/EVC%2F2026%2F1');
	});
});
