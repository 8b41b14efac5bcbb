/**
 * issueStream (issue 12.1, 12.2, 13.1, 13.2, 13.6): priced CDRs stream through the ledger's run journal into one
 * document per eMSP, period, currency and kind, with aggregated lines and the CDR list as a CSV supporting document.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseInvoicingConfig } from '../../lib/invoice/config';
import type { InvoicingConfig } from '../../lib/invoice/config';
import type { JsonRecord } from '../../lib/io/json-records';
import { issueStream } from '../../lib/issuing';
import type { IssuedDocument, StreamOutcomeLine } from '../../lib/issuing';
import { openLedger } from '../../lib/ledger';
import type { Ledger } from '../../lib/ledger';
import { dec, roundMoney, sum, ZERO } from '../../lib/money';
import { paymentEventsOf, paymentStatus } from '../../lib/payments';
import { createPricer, pricedCdrToJson } from '../../lib/pricing';
import type { PricedCdr } from '../../lib/pricing';
import { fatalFindings, validateEInvoices, withValidator } from '../helpers/einvoice-validator';
import { frenchFatalIds, frenchRulesAvailable, frenchRulesChecker } from '../helpers/french-rules';
import { creditOf, CREDITED, monthlyConfig, monthlyCreditScenario, pricedJson, streamRun } from '../helpers/monthly-credit';

const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8'));
const pricer = createPricer({ tariffs: load('tariffs.json') });
const sampleCdrs = load('cdrs.json') as Array<Record<string, unknown>>;
const CREATED = new Date('2026-11-02T08:00:00Z');

function monthly(extra: Record<string, unknown> = {}): InvoicingConfig {
	const raw = load('invoice-config.json');
	raw.invoicing = { ...raw.invoicing, mode: 'per_emsp_period', issueDate: '2026-11-05', ...extra };
	return parseInvoicingConfig(raw);
}

const stamped = (p: PricedCdr): PricedCdr => ({ ...p, quality: p.quality ?? { valid: true, codes: [] } });
const priceAll = (cdrs: Array<Record<string, unknown>>) => cdrs.map((c) => stamped(pricer.price(c as never)));

async function* recordsOf(values: unknown[]): AsyncGenerator<JsonRecord> {
	let index = 0;
	for (const value of values) {
		yield { ok: true, value, index, line: index + 1 };
		index++;
	}
}

async function freshLedger(): Promise<Ledger> {
	return openLedger({ kind: 'sqlite', path: path.join(mkdtempSync(path.join(tmpdir(), 'issue-stream-')), 'ledger.sqlite') });
}

async function run(ledger: Ledger, values: unknown[], config = monthly(), extra: Parameters<typeof issueStream>[3] = {}) {
	const documents: IssuedDocument[] = [];
	const outcomes: StreamOutcomeLine[] = [];
	const summary = await issueStream(recordsOf(values), config, ledger, {
		creationDate: CREATED,
		onRendered: async (d) => {
			documents.push(d);
		},
		onOutcome: async (o) => {
			outcomes.push(o);
		},
		...extra,
	});
	return { summary, documents, outcomes };
}

const french = sampleCdrs.filter((c) => c.country_code === 'FR');
const frenchInvoiceCdrs = french.filter((c) => !c.credit);

describe('issueStream: monthly documents from the run journal', () => {
	let ledger: Ledger;
	let result: Awaited<ReturnType<typeof run>>;
	const priced = priceAll(french);

	beforeAll(async () => {
		ledger = await freshLedger();
		result = await run(ledger, priced.map(pricedCdrToJson));
	});
	afterAll(async () => ledger.close());

	it('bills every French CDR once: one invoice per eMSP and month, and the credit CDR on a credit note', async () => {
		const invoices = result.documents.filter((d) => d.invoice.typeCode === '380');
		const emsps = new Set(frenchInvoiceCdrs.map((c) => (c.cdr_token as { party_id: string }).party_id));
		expect(invoices).toHaveLength(emsps.size);
		expect(result.summary).toMatchObject({ read: french.length, staged: french.length, cdrsInvoiced: french.length, failed: 0, alreadyInvoiced: 0 });
		const credit = result.documents.filter((d) => d.invoice.typeCode === '381');
		expect(credit).toHaveLength(1);
		expect(invoices.reduce((n, d) => n + d.cdrCount!, 0)).toBe(frenchInvoiceCdrs.length);
		for (const doc of result.documents) {
			const record = await ledger.getInvoice(doc.invoice.number);
			expect(record!.cdrs).toHaveLength(doc.cdrCount!);
		}
	});

	it('aggregates lines by component and unit price; the net total is the sum of lines, each its CDRs\' exact amounts rounded once', () => {
		for (const doc of result.documents.filter((d) => d.invoice.typeCode === '380')) {
			const members = priced.filter((p) => doc.cdrIds.includes(p.id));
			expect(doc.invoice.lines.length).toBeLessThan(members.length * 2);
			for (const line of doc.invoice.lines) {
				expect(['KWH', 'HUR', 'C62']).toContain(line.unitCode);
				// Peppol R120: net = quantity × price within 0.02.
				if (line.unitCode !== 'C62') expect(line.netAmount.minus(line.quantity.times(line.netPrice)).abs().lte('0.02')).toBe(true);
			}
			const lineSum = sum(doc.invoice.lines.map((l) => l.netAmount));
			expect(doc.invoice.totals.taxExclusive.toFixed(2)).toBe(lineSum.toFixed(2));
			const exact = members.reduce((t, p) => t.plus(p.computed!.total_cost.excl_vat), ZERO);
			// The documented rule: at most half a cent per line away from the exact sum of the CDRs.
			expect(lineSum.minus(exact).abs().lte(doc.invoice.lines.length * 0.005)).toBe(true);
			expect(lineSum.toFixed(2)).toBe(roundMoney(exact).toFixed(2));
		}
	});

	it('attaches the CDR list as a CSV supporting document, referenced as BG-24 in CII and UBL', () => {
		const doc = result.documents.find((d) => d.invoice.typeCode === '380')!;
		const csv = doc.attachments![0];
		expect(csv.fileName).toBe(`cdrs-${doc.invoice.number}.csv`);
		const rows = csv.data.toString('utf8').trim().split('\r\n');
		expect(rows[0]).toMatch(/^cdr_id,country_code,party_id,/);
		expect(rows).toHaveLength(doc.cdrCount! + 1);
		const cii = doc.files.find((f) => f.format === 'cii')!.data.toString('utf8');
		expect(cii).toContain('<ram:TypeCode>916</ram:TypeCode>');
		expect(cii).toContain(`filename="${csv.fileName}"`);
		expect(cii).toContain(csv.data.toString('base64').slice(0, 60));
		const ubl = doc.files.find((f) => f.format === 'ubl')!.data.toString('utf8');
		expect(ubl).toMatch(/<cbc:EmbeddedDocumentBinaryObject mimeCode="text\/csv" filename="cdrs-[^"]+.csv">/);
		const pdf = doc.files.find((f) => f.format === 'facturx')!.data.toString('latin1');
		expect(pdf).toContain(csv.fileName);
		expect(pdf).toContain('/AFRelationship /Supplement');
	});

	it('makes the credit note request no payment and reference the invoice it corrects', () => {
		const credit = result.documents.find((d) => d.invoice.typeCode === '381')!;
		const original = priced.find((p) => p.id === french.find((c) => c.credit)!.credit_reference_id)!;
		const invoice = result.documents.find((d) => d.cdrIds.includes(original.id))!;
		expect(credit.invoice.precedingInvoices.map((p) => p.number)).toEqual([invoice.invoice.number]);
		expect(credit.invoice.dueDate).toBeUndefined();
		expect(credit.invoice.payment?.remittanceInformation).toBeUndefined();
		expect(credit.invoice.paymentTerms).toMatch(/aucun paiement|no payment/);
		for (const note of credit.invoice.notes.filter((n) => ['PMD', 'PMT'].includes(n.subjectCode ?? ''))) expect(note.text).toMatch(/Sans objet|Not applicable/);
	});

	it('re-run: every CDR is already invoiced, nothing is issued twice', async () => {
		const again = await run(ledger, priced.map(pricedCdrToJson));
		expect(again.documents).toEqual([]);
		expect(again.summary).toMatchObject({ alreadyInvoiced: french.length, failed: 0, documents: 0 });
	});
});

describe('issueStream: one bad line costs that line', () => {
	it('reports a repeated CDR (CDR_REPEATED), a line that is not JSON, an unpriceable line and a rejected CDR, and bills the rest', async () => {
		const ledger = await freshLedger();
		const priced = priceAll(frenchInvoiceCdrs);
		priced[2] = { ...priced[2], quality: { valid: false, codes: ['CDR_ENERGY_NEGATIVE'] } };
		const values: unknown[] = priced.map(pricedCdrToJson);
		values.push(pricedCdrToJson(priced[0]));
		values.push({ id: 'X1', status: 'unpriceable', computed: null, breakdown: [], issues: [] });
		const records = recordsOf(values);
		async function* withBroken(): AsyncGenerator<JsonRecord> {
			yield* records;
			yield { ok: false, error: 'line 99 is not JSON', index: values.length, line: values.length + 1 };
		}
		const outcomes: StreamOutcomeLine[] = [];
		const summary = await issueStream(withBroken(), monthly(), ledger, { onOutcome: async (o) => void outcomes.push(o) });
		expect(summary.failuresByCode).toEqual({ CDR_QUALITY_REJECTED: 1, CDR_REPEATED: 1, CDR_UNPRICEABLE: 1, NOT_A_PRICED_CDR: 1 });
		expect(outcomes.find((o) => o.code === 'CDR_REPEATED')).toMatchObject({ id: priced[0].id, line: priced.length + 1 });
		expect(outcomes.find((o) => o.code === 'CDR_QUALITY_REJECTED')!.message).toContain('CDR_ENERGY_NEGATIVE');
		expect(summary.cdrsInvoiced).toBe(priced.length - 1);
		expect((await ledger.findInvoicedCdrs([{ country_code: 'FR', party_id: 'EVC', id: priced[2].id }])).size).toBe(0);
		await ledger.close();
	});

	it('refuses CDRs priced without the quality checks unless invalid CDRs are accepted', async () => {
		const ledger = await freshLedger();
		const unchecked = frenchInvoiceCdrs.map((c) => pricedCdrToJson(pricer.price(c as never)));
		const refused = await run(ledger, unchecked);
		expect(refused.summary.failuresByCode).toEqual({ CDR_QUALITY_UNCHECKED: unchecked.length });
		const accepted = await run(ledger, unchecked, monthly(), { acceptInvalidCdrs: true });
		expect(accepted.summary.cdrsInvoiced).toBe(unchecked.length);
		await ledger.close();
	});

	it('refuses per-CDR lines above the limit, and keeps them below it', async () => {
		const ledger = await freshLedger();
		const values = priceAll(frenchInvoiceCdrs).map(pricedCdrToJson);
		const perCdr = await run(ledger, values, monthly({ lineDetail: 'per_cdr' }));
		const doc = perCdr.documents[0];
		expect(doc.invoice.lines.every((l) => l.objectId?.value)).toBe(true);
		expect(doc.attachments).toBeUndefined();
		await ledger.close();
	});
});

describe('issueStream: aggregated documents pass the official validators', () => {
	withValidator().test(
		'EN 16931 (CII, UBL, Factur-X PDF with the CSV attached) and the partner network rules (Peppol, XRechnung), with credit notes',
		async () => {
			const out = mkdtempSync(path.join(tmpdir(), 'issue-stream-validate-'));
			const written: Array<{ file: string; specification?: string }> = [];
			const check = frenchRulesAvailable() ? frenchRulesChecker() : undefined;
			const french: string[] = [];
			for (const [configFile, cpo] of [['invoice-config.json', 'FR'], ['invoice-config-de.json', 'DE']] as const) {
				const raw = load(configFile);
				raw.invoicing = { ...raw.invoicing, mode: 'per_emsp_period', issueDate: '2026-11-05', lineGrouping: ['site'] };
				const config = parseInvoicingConfig(raw);
				const ledger = await freshLedger();
				const values = priceAll(sampleCdrs.filter((c) => c.country_code === cpo)).map(pricedCdrToJson);
				await issueStream(recordsOf(values), config, ledger, {
					creationDate: CREATED,
					onRendered: async (d) => {
						for (const f of d.files) {
							const file = path.join(out, f.fileName);
							writeFileSync(file, f.data);
							written.push({ file, specification: d.invoice.specification });
							if (check && f.format === 'ubl' && d.invoice.specification === 'fr-ctc') french.push(...frenchFatalIds(check(f.data.toString('utf8'))));
						}
					},
				});
				await ledger.close();
			}
			expect(written.length).toBeGreaterThan(12);
			for (const verdict of await validateEInvoices(written.map((w) => w.file))) expect({ file: verdict.file, fatal: fatalFindings(verdict) }).toEqual({ file: verdict.file, fatal: '' });
			for (const rules of ['peppol', 'xrechnung'] as const) {
				// Peppol travels as UBL; XRechnung as CII or UBL.
				const files = written.filter((w) => w.specification === rules && (w.file.endsWith('.ubl.xml') || (rules === 'xrechnung' && w.file.endsWith('.cii.xml')))).map((w) => w.file);
				expect(files.length).toBeGreaterThan(0);
				for (const verdict of await validateEInvoices(files, { rules: [rules] })) expect({ file: verdict.file, fatal: fatalFindings(verdict) }).toEqual({ file: verdict.file, fatal: '' });
			}
			expect(french).toEqual([]);
		},
		180_000,
	);
});

describe('issueStream: a killed run resumes without re-billing', () => {
	it('re-run with the same runId: the document numbered before the kill is rendered, its CDRs reported once, the rest issued once', async () => {
		const ledger = await freshLedger();
		const values = priceAll(frenchInvoiceCdrs).map(pricedCdrToJson);
		let rendered = 0;
		await expect(
			issueStream(recordsOf(values), monthly(), ledger, {
				runId: 'month-03',
				onRendered: async () => {
					if (++rendered === 2) throw new Error('killed while writing the second document');
				},
			}),
		).rejects.toThrow('killed');
		const numbered = await ledger.listInvoices();
		expect(numbered).toHaveLength(2);
		const again = await run(ledger, values, monthly(), { runId: 'month-03', recoverAfterMs: 0 });
		const invoices = await ledger.listInvoices();
		const emsps = new Set(frenchInvoiceCdrs.map((c) => (c.cdr_token as { party_id: string }).party_id));
		expect(invoices).toHaveLength(emsps.size);
		// Every CDR on exactly one invoice; the ones billed before the kill reported once each.
		const billed = (await Promise.all(invoices.map((i) => ledger.getInvoice(i.number)))).flatMap((r) => r!.cdrs.map((c) => c.id));
		expect(billed.sort()).toEqual(frenchInvoiceCdrs.map((c) => c.id as string).sort());
		const before = (await Promise.all(numbered.map((i) => ledger.getInvoice(i.number)))).flatMap((r) => r!.cdrs.map((c) => c.id));
		expect(again.outcomes.map((o) => o.id).sort()).toEqual(before.sort());
		expect(again.outcomes.every((o) => o.kind === 'already_invoiced')).toBe(true);
		// The second document, numbered but not written before the kill, is rendered by the re-run.
		expect(again.documents.filter((d) => d.recovered).map((d) => d.invoice.number)).toEqual([numbered[1].number]);
		await ledger.close();
	});

	it('per-CDR mode: one invoice per CDR from the journal, the credit CDR on its own credit note', async () => {
		const ledger = await freshLedger();
		const values = priceAll(french).map(pricedCdrToJson);
		const result = await run(ledger, values, monthly({ mode: 'per_cdr' }));
		expect(result.documents.filter((d) => d.invoice.typeCode === '380')).toHaveLength(frenchInvoiceCdrs.length);
		expect(result.documents.filter((d) => d.invoice.typeCode === '381')).toHaveLength(1);
		expect(result.documents.every((d) => d.cdrCount === 1 && d.invoice.lines.every((l) => l.objectId?.value === d.cdrIds[0]))).toBe(true);
		await ledger.close();
	});
});

describe('issueStream: one monthly credit note for every invoice its credit CDRs correct (issue 13.6)', () => {
	it('issues ONE credit note with three BT-25 references, its allocations in the ledger to the cent, each invoice\'s status reduced by exactly its allocation', async () => {
		const ledger = await freshLedger();
		const { invoices, credit } = await monthlyCreditScenario(ledger);
		expect(invoices.map((d) => d.invoice.typeCode)).toEqual(['380', '380', '380']);
		expect(credit!.outcomes).toEqual([]);
		expect(credit!.documents).toHaveLength(1);
		const note = credit!.documents[0].invoice;
		expect(note.typeCode).toBe('381');
		const numbers = invoices.map((d) => d.invoice.number);
		expect(note.precedingInvoices).toEqual(invoices.map((d) => ({ number: d.invoice.number, issueDate: d.invoice.issueDate })));
		// Each credit CDR credits its original's amount with VAT (what an invoice of that CDR alone totals), on the
		// invoice that billed it; the second invoice billed only that CDR, so it is credited in full.
		const expected: string[] = [];
		for (const c of CREDITED) {
			const alone = await freshLedger();
			expected.push((await streamRun(alone, pricedJson([c]))).documents[0].invoice.totals.taxInclusive.toFixed(2));
			await alone.close();
		}
		expect(expected[1]).toBe(invoices[1].invoice.totals.taxInclusive.toFixed(2));
		// The credit note's VAT is rounded once per rate over all its lines: the difference to the sum of the shares
		// (at most a cent here) goes to the invoice with the largest share.
		const difference = note.totals.taxInclusive.minus(sum(expected.map((e) => dec(e))));
		expect(difference.abs().lte('0.01')).toBe(true);
		const largest = expected.reduce((best, e, i) => (dec(e).gt(expected[best]) ? i : best), 0);
		expected[largest] = dec(expected[largest]).plus(difference).toFixed(2);
		const allocations = await ledger.creditAllocations({ creditNoteNumbers: [note.number] });
		expect(allocations).toEqual(numbers.map((invoiceNumber, i) => ({ creditNoteNumber: note.number, invoiceNumber, amountWithVat: expected[i] })));
		expect(sum(allocations.map((a) => dec(a.amountWithVat))).toFixed(2)).toBe(note.totals.taxInclusive.toFixed(2));
		expect((await ledger.getInvoice(note.number))!.creditAllocations.map((a) => a.invoiceNumber)).toEqual(numbers);
		expect((await ledger.getInvoice(note.number))!.cdrs.map((c) => c.id).sort()).toEqual(CREDITED.map((c) => `${String(c.id)}-C`).sort());
		// Payment status: each invoice's open amount is its total less its own allocation, not the whole credit note.
		const events = paymentEventsOf(await ledger.events());
		for (const [i, doc] of invoices.entries()) {
			const facts = { number: doc.invoice.number, emsp: 'FR*MOB', currency: 'EUR', total: doc.invoice.totals.taxInclusive, issueDate: doc.invoice.issueDate, dueDate: doc.invoice.dueDate! };
			const status = paymentStatus(facts, events, '2026-11-06');
			expect(status.credited.toFixed(2)).toBe(expected[i]);
			expect(status.residual.toFixed(2)).toBe(doc.invoice.totals.taxInclusive.minus(expected[i]).toFixed(2));
			expect((await ledger.listInvoices({ correctsInvoiceNumber: doc.invoice.number })).map((s) => s.number)).toEqual([note.number]);
		}
		await ledger.close();
	});

	withValidator().test(
		'the credit note with three references passes the official validator (CII, UBL, Factur-X PDF)',
		async () => {
			const ledger = await freshLedger();
			const { credit } = await monthlyCreditScenario(ledger);
			const out = mkdtempSync(path.join(tmpdir(), 'issue-stream-credit-'));
			const files = credit!.documents[0].files.map((f) => {
				const file = path.join(out, f.fileName);
				writeFileSync(file, f.data);
				return file;
			});
			expect(files).toHaveLength(3);
			const cii = credit!.documents[0].files.find((f) => f.format === 'cii')!.data.toString('utf8');
			const ubl = credit!.documents[0].files.find((f) => f.format === 'ubl')!.data.toString('utf8');
			expect(cii.match(/<ram:InvoiceReferencedDocument>/g)).toHaveLength(3);
			expect(ubl.match(/<cac:BillingReference>/g)).toHaveLength(3);
			for (const verdict of await validateEInvoices(files)) expect({ file: verdict.file, fatal: fatalFindings(verdict) }).toEqual({ file: verdict.file, fatal: '' });
			await ledger.close();
		},
		120_000,
	);

	it('refuses the whole credit note when one allocation exceeds what remains on its invoice: nothing recorded', async () => {
		const ledger = await freshLedger();
		const { invoices } = await monthlyCreditScenario(ledger, monthlyConfig(), false);
		// A dispute already credited all but 0.01 of the second invoice.
		const second = invoices[1].invoice;
		const almost = second.totals.taxInclusive.minus('0.01').toFixed(2);
		const cn = await ledger.issue({
			series: 'AV',
			typeCode: '381',
			issueDate: '2026-11-05',
			buyer: { countryCode: 'FR', partyId: 'MOB' },
			currency: 'EUR',
			totals: { withoutVat: almost, vat: '0.00', withVat: almost },
			correctsInvoiceNumber: second.number,
			cdrs: [],
			formatNumber: ({ sequence }) => `AV-${sequence}`,
			buildDocument: (number) => ({ number }),
		});
		expect(cn.kind).toBe('issued');
		const before = await ledger.listInvoices();
		const credit = await streamRun(ledger, pricedJson(CREDITED.map(creditOf)));
		expect(credit.documents).toEqual([]);
		expect(credit.outcomes.map((o) => o.code)).toEqual(['CREDIT_EXCEEDS_INVOICE', 'CREDIT_EXCEEDS_INVOICE', 'CREDIT_EXCEEDS_INVOICE']);
		expect(credit.outcomes[0].message).toContain(`invoice ${second.number}`);
		expect(await ledger.listInvoices()).toEqual(before);
		expect(await ledger.creditAllocations({ invoiceNumbers: invoices.map((d) => d.invoice.number) })).toEqual([
			{ creditNoteNumber: 'AV-1', invoiceNumber: second.number, amountWithVat: almost },
		]);
		await ledger.close();
	});

	it('per-CDR lines (lineDetail per_cdr): still one credit note, one line per credit CDR, the allocations adding up to it', async () => {
		const ledger = await freshLedger();
		const { invoices, credit } = await monthlyCreditScenario(ledger, monthlyConfig({ lineDetail: 'per_cdr' }));
		expect(credit!.documents).toHaveLength(1);
		const note = credit!.documents[0].invoice;
		expect(note.precedingInvoices.map((p) => p.number)).toEqual(invoices.map((d) => d.invoice.number));
		expect(new Set(note.lines.map((l) => l.objectId?.value))).toEqual(new Set(CREDITED.map((c) => `${String(c.id)}-C`)));
		const allocations = await ledger.creditAllocations({ creditNoteNumbers: [note.number] });
		expect(allocations.map((a) => a.invoiceNumber)).toEqual(invoices.map((d) => d.invoice.number));
		expect(sum(allocations.map((a) => dec(a.amountWithVat))).toFixed(2)).toBe(note.totals.taxInclusive.toFixed(2));
		await ledger.close();
	});
});
