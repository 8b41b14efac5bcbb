/**
 * The guarantees every ledger store must keep, as one suite run against each store (sqlite-ledger.test.ts,
 * postgres-ledger.test.ts).
 */
import { invoiceNumberFormatter } from '../../lib/invoice/numbering';
import { creditedByEvent, openLedger } from '../../lib/ledger';
import type {
	CdrRef,
	InvoicePageQuery,
	InvoiceSortKey,
	InvoiceSummary,
	IssueCreditNoteRequest,
	IssueInvoiceRequest,
	Ledger,
	LedgerConfig,
} from '../../lib/ledger';
import { cdrKey } from '../../lib/ocpi/types';

export interface StoreHarness {
	/** A fresh, empty ledger location. */
	freshConfig(): Promise<LedgerConfig>;
	/** Removes every location handed out. */
	cleanup(): Promise<void>;
}

export const formatNumber = invoiceNumberFormatter('{series}-{yyyy}-{seq:6}');

export function cdr(id: string, countryCode = 'FR', partyId = 'CPO'): CdrRef {
	return { country_code: countryCode, party_id: partyId, id };
}

export function invoice(cdrs: CdrRef[], overrides: Partial<IssueInvoiceRequest> = {}): IssueInvoiceRequest {
	return {
		series: 'INV',
		typeCode: '380',
		issueDate: '2025-03-31',
		dueDate: '2025-04-30',
		buyer: { countryCode: 'NL', partyId: 'EMS' },
		currency: 'EUR',
		totals: { withoutVat: '100.00', vat: '20.00', withVat: '120.00' },
		cdrs,
		formatNumber,
		buildDocument: (number) => ({ number, lines: cdrs.map((ref) => ref.id) }),
		...overrides,
	};
}

export function creditNote(corrects: string, overrides: Partial<IssueCreditNoteRequest> = {}): IssueCreditNoteRequest {
	return {
		series: 'CN',
		typeCode: '381',
		correctsInvoiceNumber: corrects,
		issueDate: '2025-04-02',
		buyer: { countryCode: 'NL', partyId: 'EMS' },
		currency: 'EUR',
		totals: { withoutVat: '10.00', vat: '2.00', withVat: '12.00' },
		cdrs: [],
		formatNumber,
		buildDocument: (number) => ({ number, corrects }),
		...overrides,
	};
}

/** A credit note allocating the given amounts (with VAT) on several invoices; its total is their sum. */
export function allocatedCreditNote(allocations: Array<[invoiceNumber: string, amountWithVat: string]>, overrides: Partial<IssueCreditNoteRequest> = {}): IssueCreditNoteRequest {
	const cents = allocations.reduce((sum, [, amount]) => sum + Math.round(Number(amount) * 100), 0);
	const withVat = `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
	return {
		series: 'CN',
		typeCode: '381',
		allocations: allocations.map(([invoiceNumber, amountWithVat]) => ({ invoiceNumber, amountWithVat })),
		issueDate: '2025-04-02',
		buyer: { countryCode: 'NL', partyId: 'EMS' },
		currency: 'EUR',
		totals: { withoutVat: withVat, vat: '0.00', withVat },
		cdrs: [],
		formatNumber,
		buildDocument: (number) => ({ number, corrects: allocations.map(([invoiceNumber]) => invoiceNumber) }),
		...overrides,
	};
}

/**
 * An older ledger (schema 4: one corrects_number per credit note, CREDIT_NOTE_ISSUED events without allocations)
 * reopened by this version: migration 5 moves each credit note into credit_allocations, and every reader reports the
 * same credited amounts. `downgrade` runs SQL on the store to turn a fresh ledger back into what schema 4 wrote.
 */
export async function expectOlderLedgerMigrates(config: LedgerConfig, downgrade: (statements: string[]) => Promise<void>, stripAllocations: string): Promise<void> {
	let ledger = await openLedger(config);
	const a = await issued(ledger, invoice([cdr('OLD-1')]));
	const b = await issued(ledger, invoice([cdr('OLD-2')]));
	const first = await issued(ledger, creditNote(a, { totals: { withoutVat: '50.00', vat: '10.00', withVat: '60.00' } }));
	const second = await issued(ledger, creditNote(a, { totals: { withoutVat: '10.00', vat: '2.00', withVat: '12.00' } }));
	await ledger.close();
	await downgrade([
		'DROP TABLE credit_allocations',
		'DELETE FROM ledger_migrations WHERE version >= 5',
		`UPDATE ledger_events SET payload = ${stripAllocations} WHERE type = 'CREDIT_NOTE_ISSUED'`,
	]);
	ledger = await openLedger(config);
	try {
		expect(await ledger.creditAllocations({ invoiceNumbers: [a, b] })).toEqual([
			{ creditNoteNumber: first, invoiceNumber: a, amountWithVat: '60.00' },
			{ creditNoteNumber: second, invoiceNumber: a, amountWithVat: '12.00' },
		]);
		expect((await ledger.listInvoices({ correctsInvoiceNumber: a })).map((s) => s.number)).toEqual([first, second]);
		const events = await ledger.events({ type: 'CREDIT_NOTE_ISSUED' });
		expect(events.map((e) => (e.payload as { allocations?: unknown }).allocations)).toEqual([undefined, undefined]);
		expect(events.map((e) => creditedByEvent(e.payload))).toEqual([[{ invoiceNumber: a, amountWithVat: '60.00' }], [{ invoiceNumber: a, amountWithVat: '12.00' }]]);
		// What remains creditable counts the migrated credit notes: 120.00 − 72.00.
		await expect(ledger.issue(creditNote(a, { totals: { withoutVat: '48.01', vat: '0.00', withVat: '48.01' } }))).rejects.toMatchObject({ code: 'CREDIT_EXCEEDS_INVOICE' });
		expect(await issued(ledger, creditNote(a, { totals: { withoutVat: '48.00', vat: '0.00', withVat: '48.00' } }))).toBe('CN-2025-000003');
	} finally {
		await ledger.close();
	}
}

async function issued(ledger: Ledger, request: IssueInvoiceRequest | IssueCreditNoteRequest): Promise<string> {
	const result = await ledger.issue(request);
	if (result.kind !== 'issued') throw new Error(`expected issued, got conflicts ${[...result.conflicts]}`);
	return result.number;
}

const SHA = 'ab'.repeat(32);

export function describeLedgerContract(harness: StoreHarness): void {
	let ledger: Ledger;
	let config: LedgerConfig;

	beforeEach(async () => {
		config = await harness.freshConfig();
		ledger = await openLedger(config);
	});
	afterEach(async () => {
		await ledger.close();
	});
	afterAll(async () => {
		await harness.cleanup();
	});

	describe('numbering', () => {
		it('records an event with an idempotency key once, reporting the repeat as a duplicate', async () => {
			await ledger.issue(invoice([cdr('KEYED-1')], { series: 'KEY' }));
			const [number] = (await ledger.listInvoices({ series: 'KEY' })).map((i) => i.number);
			const first = await ledger.recordEvent({ type: 'PAYMENT_RECORDED', invoiceNumber: number, payload: { n: 1 }, key: 'k-1' });
			const again = await ledger.recordEvent({ type: 'PAYMENT_RECORDED', invoiceNumber: number, payload: { n: 2 }, key: 'k-1' });
			const [a, b] = await Promise.all([
				ledger.recordEvent({ type: 'PAYMENT_RECORDED', invoiceNumber: number, payload: { n: 3 }, key: 'k-2' }),
				ledger.recordEvent({ type: 'PAYMENT_RECORDED', invoiceNumber: number, payload: { n: 4 }, key: 'k-2' }),
			]);
			expect(first.duplicate).toBeUndefined();
			expect(again).toMatchObject({ id: first.id, duplicate: true, payload: { n: 1 } });
			expect([a.duplicate, b.duplicate].filter(Boolean)).toHaveLength(1);
			const events = await ledger.events({ invoiceNumber: number, type: 'PAYMENT_RECORDED' });
			expect(events.map((e) => (e.payload as { n: number }).n).sort()).toEqual([1, a.duplicate ? 4 : 3].sort());
		});

		it('numbers each series 1, 2, 3… without gaps, formatted by the caller\'s pattern', async () => {
			const numbers: string[] = [];
			for (let i = 1; i <= 3; i++) numbers.push(await issued(ledger, invoice([cdr(`A${i}`)])));
			numbers.push(await issued(ledger, invoice([cdr('B1')], { series: 'OTHER' })));
			expect(numbers).toEqual(['INV-2025-000001', 'INV-2025-000002', 'INV-2025-000003', 'OTHER-2025-000001']);
			const result = await ledger.issue(invoice([cdr('A4')]));
			expect(result).toEqual({ kind: 'issued', number: 'INV-2025-000004', sequence: 4 });
			expect((await ledger.listInvoices({ series: 'INV' })).map((summary) => summary.sequence)).toEqual([1, 2, 3, 4]);
		});

		it('consumes no number when buildDocument throws, and writes nothing', async () => {
			await issued(ledger, invoice([cdr('A1')]));
			const failing = invoice([cdr('A2')], {
				buildDocument: () => {
					throw new Error('model incomplete');
				},
			});
			await expect(ledger.issue(failing)).rejects.toMatchObject({ code: 'DOCUMENT_NOT_JSON', field: 'buildDocument' });
			expect(await ledger.findInvoicedCdrs([cdr('A2')])).toEqual(new Map());
			expect(await issued(ledger, invoice([cdr('A2')]))).toBe('INV-2025-000002');
			const numbers = (await ledger.events()).map((event) => event.invoiceNumber);
			expect(numbers).toEqual(['INV-2025-000001', 'INV-2025-000002']);
		});

		it('refuses a formatted number over 35 characters and releases the sequence', async () => {
			const long = invoice([cdr('A1')], { formatNumber: ({ sequence }) => `${'X'.repeat(30)}-${sequence}-2025` });
			await expect(ledger.issue(long)).rejects.toMatchObject({ code: 'INVOICE_NUMBER_TOO_LONG' });
			expect((await ledger.issue(invoice([cdr('A1')]))).kind).toBe('issued');
			expect((await ledger.getInvoice('INV-2025-000001'))?.sequence).toBe(1);
		});

		it('refuses a pattern that makes two series collide (INVOICE_NUMBER_TAKEN), consuming no number', async () => {
			const noSeries = invoiceNumberFormatter('F{seq:4}');
			await issued(ledger, invoice([cdr('A1')], { series: 'S1', formatNumber: noSeries }));
			await expect(ledger.issue(invoice([cdr('A2')], { series: 'S2', formatNumber: noSeries }))).rejects.toMatchObject({
				code: 'INVOICE_NUMBER_TAKEN',
			});
			expect((await ledger.issue(invoice([cdr('A2')], { series: 'S2' })))).toEqual({
				kind: 'issued',
				number: 'S2-2025-000001',
				sequence: 1,
			});
		});

		it('keeps numbers in date order: an issue date before the series\' last one is refused', async () => {
			await issued(ledger, invoice([cdr('A1')], { issueDate: '2025-04-10' }));
			await expect(ledger.issue(invoice([cdr('A2')], { issueDate: '2025-04-09' }))).rejects.toMatchObject({
				code: 'ISSUE_DATE_BEFORE_PREVIOUS',
				field: 'issueDate',
			});
			expect(await issued(ledger, invoice([cdr('A2')], { issueDate: '2025-04-10' }))).toBe('INV-2025-000002');
		});

		it('gives concurrent calls of one process distinct consecutive numbers', async () => {
			const results = await Promise.all(Array.from({ length: 20 }, (_, i) => ledger.issue(invoice([cdr(`P${i}`)]))));
			const sequences = results.map((result) => (result.kind === 'issued' ? result.sequence : 0)).sort((a, b) => a - b);
			expect(sequences).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
		});

		it('gives two ledgers opened on one store in one process (two n8n nodes) consecutive numbers', async () => {
			const other = await openLedger(config);
			try {
				const results = await Promise.all(
					Array.from({ length: 20 }, (_, i) => (i % 2 ? other : ledger).issue(invoice([cdr(`Q${i}`)]))),
				);
				const sequences = results.map((result) => (result.kind === 'issued' ? result.sequence : 0)).sort((a, b) => a - b);
				expect(sequences).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
				expect((await other.listInvoices()).length).toBe(20);
			} finally {
				await other.close();
			}
		});
	});

	describe('a CDR is invoiced at most once', () => {
		it('re-running over the same CDRs issues nothing and names the invoice of each', async () => {
			const first = await issued(ledger, invoice([cdr('A1'), cdr('A2')]));
			const again = await ledger.issue(invoice([cdr('A2'), cdr('A1')]));
			expect(again).toEqual({
				kind: 'already_invoiced',
				conflicts: new Map([
					['FR*CPO*A2', first],
					['FR*CPO*A1', first],
				]),
			});
			expect((await ledger.listInvoices()).length).toBe(1);
			expect((await ledger.events()).length).toBe(1);
			// The refused run consumed no number.
			expect(await issued(ledger, invoice([cdr('A3')]))).toBe('INV-2025-000002');
		});

		it('is all or nothing on partial overlap; findInvoicedCdrs lets the caller issue for the rest', async () => {
			const first = await issued(ledger, invoice([cdr('A1')]));
			const request = [cdr('A1'), cdr('A2'), cdr('A3')];
			const result = await ledger.issue(invoice(request));
			expect(result).toEqual({ kind: 'already_invoiced', conflicts: new Map([['FR*CPO*A1', first]]) });
			expect(await ledger.findInvoicedCdrs(request)).toEqual(new Map([['FR*CPO*A1', first]]));
			const taken = await ledger.findInvoicedCdrs(request);
			const rest = request.filter((ref) => !taken.has(cdrKey(ref)));
			expect(await issued(ledger, invoice(rest))).toBe('INV-2025-000002');
			expect(await ledger.findInvoicedCdrs(request)).toEqual(
				new Map([
					['FR*CPO*A1', first],
					['FR*CPO*A2', 'INV-2025-000002'],
					['FR*CPO*A3', 'INV-2025-000002'],
				]),
			);
		});

		it('compares CDR identities case-insensitively (OCPI CiString), keyed as the caller wrote them', async () => {
			const first = await issued(ledger, invoice([cdr('abc-1', 'fr', 'cpo')]));
			const result = await ledger.issue(invoice([cdr('ABC-1', 'FR', 'CPO')]));
			expect(result).toEqual({ kind: 'already_invoiced', conflicts: new Map([['FR*CPO*ABC-1', first]]) });
			// Same id under another party is another CDR.
			expect((await ledger.issue(invoice([cdr('abc-1', 'DE', 'CPO')]))).kind).toBe('issued');
		});

		it('refuses the same CDR twice in one request, and an invoice without CDRs', async () => {
			await expect(ledger.issue(invoice([cdr('A1'), cdr('a1')]))).rejects.toMatchObject({ code: 'CDR_LISTED_TWICE' });
			await expect(ledger.issue(invoice([]))).rejects.toMatchObject({ code: 'INVOICE_WITHOUT_CDRS', field: 'cdrs' });
			await expect(ledger.issue(invoice([cdr('A1', 'FRA')]))).rejects.toMatchObject({
				code: 'CDR_REF_INVALID',
				field: 'cdrs[0]',
			});
		});
	});

	describe('run journal (staged CDRs, issue 12.1)', () => {
		const staged = (id: string, docKey: string, line: number, creditedKey?: string) => ({
			ref: cdr(id),
			docKey,
			creditedKey,
			sortKey: `2025-03-${String(line).padStart(2, '0')}`,
			line,
			data: JSON.stringify({ id }),
		});

		it('stages a batch once: repeats of this attempt are reported, an earlier attempt\'s rows are taken over, invoiced CDRs skipped', async () => {
			await issued(ledger, invoice([cdr('J-0')], { series: 'J0' }));
			const first = await ledger.stageCdrs('run-1', 'attempt-1', [staged('J-1', '1|A', 1), staged('J-2', '1|A', 2), staged('j-1', '1|A', 3), staged('J-0', '1|A', 4)]);
			expect(first.staged).toBe(2);
			expect(first.repeated).toEqual([{ ref: cdr('j-1'), line: 3, firstLine: 1 }]);
			expect(first.invoiced).toEqual([{ ref: cdr('J-0'), line: 4, invoiceNumber: 'J0-2025-000001' }]);
			const again = await ledger.stageCdrs('run-1', 'attempt-1', [staged('J-2', '1|A', 5)]);
			expect(again.repeated).toEqual([{ ref: cdr('J-2'), line: 5, firstLine: 2 }]);
			// A resumed run (new attempt) takes its rows over instead of calling them repeats.
			const resumed = await ledger.stageCdrs('run-1', 'attempt-2', [staged('J-1', '1|A', 1), staged('J-3', '1|A', 2)]);
			expect(resumed).toEqual({ staged: 2, repeated: [], invoiced: [] });
			const rows: string[] = [];
			const [document] = await ledger.stagedDocuments('run-1', '1|A');
			expect(document).toEqual({ docKey: '1|A', corrects: [], count: 3 });
			await ledger.forEachStaged('run-1', document, false, (row) => void rows.push(row.ref.id));
			expect(rows).toEqual(['J-1', 'J-2', 'J-3']);
		});

		it('issues a document from its staged rows (links by INSERT … SELECT), and one credit note for the invoiced originals', async () => {
			await ledger.stageCdrs('run-2', 'a', [staged('S-1', '1|X', 1), staged('S-2', '1|X', 2), staged('S-3', '1|Y', 3)]);
			expect(await ledger.stagedDocumentKeys('run-2', null, 10)).toEqual(['1|X', '1|Y']);
			expect(await ledger.stagedDocumentKeys('run-2', '1|X', 10)).toEqual(['1|Y']);
			const number = await issued(ledger, invoice([], { series: 'ST', staged: { runId: 'run-2', docKey: '1|X', count: 2 } }));
			expect((await ledger.getInvoice(number))!.cdrs.map((c) => c.id)).toEqual(['S-1', 'S-2']);
			const credit = [staged('S-1-C', '2|X', 4, 'FR*CPO*S-1'), staged('S-9-C', '2|X', 5, 'FR*CPO*S-9')];
			await ledger.stageCdrs('run-2', 'a', credit);
			const documents = await ledger.stagedDocuments('run-2', '2|X');
			expect(documents).toEqual([
				{ docKey: '2|X', corrects: [number], count: 1 },
				{ docKey: '2|X', corrects: null, count: 1 },
			]);
			const cn = await issued(ledger, creditNote(number, { staged: { runId: 'run-2', docKey: '2|X', count: 1 } }));
			expect((await ledger.getInvoice(cn))!.cdrs.map((c) => c.id)).toEqual(['S-1-C']);
			// Staged again by another run: the document reports them already invoiced and uses no number.
			await ledger.stageCdrs('run-3', 'b', [staged('S-1', '1|X', 1)]);
			await ledger.unstage('run-2');
			expect(await ledger.stagedDocumentKeys('run-2', null, 10)).toEqual([]);
		});

		it('stages and links a month read in random order: each document in session order, every CDR linked once', async () => {
			// ids unrelated to session time, documents interleaved, as a month exported in random order arrives
			const rows = [
				{ ...staged('Q-5', '1|Q', 1), sortKey: '2025-03-09' },
				{ ...staged('Q-1', '1|P', 2), sortKey: '2025-03-07' },
				{ ...staged('Q-4', '1|Q', 3), sortKey: '2025-03-02' },
				{ ...staged('Q-3', '1|P', 4), sortKey: '2025-03-01' },
				{ ...staged('Q-2', '1|Q', 5), sortKey: '2025-03-05' },
			];
			expect((await ledger.stageCdrs('run-q', 'a', rows)).staged).toBe(5);
			const order: Record<string, string[]> = {};
			for (const docKey of await ledger.stagedDocumentKeys('run-q', null, 10)) {
				const [document] = await ledger.stagedDocuments('run-q', docKey);
				order[docKey] = [];
				await ledger.forEachStaged('run-q', document, false, (row) => void order[docKey].push(row.ref.id));
			}
			expect(order).toEqual({ '1|P': ['Q-3', 'Q-1'], '1|Q': ['Q-4', 'Q-2', 'Q-5'] });
			const number = await issued(ledger, invoice([], { series: 'QQ', staged: { runId: 'run-q', docKey: '1|Q', count: 3 } }));
			expect((await ledger.getInvoice(number))!.cdrs.map((c) => c.id).sort()).toEqual(['Q-2', 'Q-4', 'Q-5']);
			const again = await ledger.stageCdrs('run-q2', 'b', [staged('Q-5', '1|Q', 1), staged('Q-1', '1|P', 2)]);
			expect(again.invoiced).toEqual([{ ref: cdr('Q-5'), line: 1, invoiceNumber: number }]);
			expect(again.staged).toBe(1);
		});

		it('reports a staged document another run billed meanwhile, consuming no number', async () => {
			await ledger.stageCdrs('run-4', 'a', [staged('R-1', '1|Z', 1), staged('R-2', '1|Z', 2)]);
			await issued(ledger, invoice([cdr('R-2')], { series: 'RZ' }));
			const result = await ledger.issue(invoice([], { series: 'RZ', staged: { runId: 'run-4', docKey: '1|Z', count: 2 } }));
			expect(result).toEqual({ kind: 'already_invoiced', conflicts: new Map([['FR*CPO*R-2', 'RZ-2025-000001']]) });
			expect(await issued(ledger, invoice([cdr('R-9')], { series: 'RZ' }))).toBe('RZ-2025-000002');
			expect(await ledger.pruneStaged('2999-01-01T00:00:00Z')).toBe(2);
		});
	});

	describe('records', () => {
		it('stores the document built with its number, the CDRs, totals and payment reference', async () => {
			const cdrs = [cdr('B'), cdr('A')];
			const number = await issued(
				ledger,
				invoice(cdrs, {
					totals: { withoutVat: '0.1', vat: '0.02', withVat: '0.12' },
					paymentReferenceFor: (n) => `RF-${n}`,
				}),
			);
			const record = await ledger.getInvoice(number);
			expect(record).toMatchObject({
				number,
				series: 'INV',
				sequence: 1,
				typeCode: '380',
				issueDate: '2025-03-31',
				dueDate: '2025-04-30',
				buyer: { countryCode: 'NL', partyId: 'EMS' },
				currency: 'EUR',
				totals: { withoutVat: '0.10', vat: '0.02', withVat: '0.12' },
				paymentReference: 'RF-INV-2025-000001',
				document: { number: 'INV-2025-000001', lines: ['B', 'A'] },
				cdrs: [cdr('A'), cdr('B')],
			});
			expect(record?.renderedAt).toBeUndefined();
			expect(record?.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
			expect(await ledger.getInvoice('NOPE-1')).toBeUndefined();
		});

		it('refuses totals that do not add up (BR-CO-15) or have more than 2 decimals', async () => {
			await expect(
				ledger.issue(invoice([cdr('A1')], { totals: { withoutVat: '100.00', vat: '20.00', withVat: '120.01' } })),
			).rejects.toMatchObject({ code: 'TOTALS_INCONSISTENT', field: 'totals.withVat' });
			await expect(
				ledger.issue(invoice([cdr('A1')], { totals: { withoutVat: '100.001', vat: '20.00', withVat: '120.001' } })),
			).rejects.toMatchObject({ code: 'AMOUNT_INVALID', field: 'totals.withoutVat' });
			expect(await ledger.listInvoices()).toEqual([]);
		});

		it('refuses two documents with the same payment reference', async () => {
			await issued(ledger, invoice([cdr('A1')], { paymentReferenceFor: () => 'RF18539007547034' }));
			await expect(
				ledger.issue(invoice([cdr('A2')], { paymentReferenceFor: () => 'RF18539007547034' })),
			).rejects.toMatchObject({ code: 'PAYMENT_REFERENCE_TAKEN' });
			expect(await issued(ledger, invoice([cdr('A2')]))).toBe('INV-2025-000002');
		});

		it('lists invoices by series, type, buyer, corrected invoice and issue dates', async () => {
			const a = await issued(ledger, invoice([cdr('A1')], { issueDate: '2025-03-01' }));
			const otherBuyer = { countryCode: 'de', partyId: 'xyz' };
			const b = await issued(ledger, invoice([cdr('A2')], { issueDate: '2025-03-15', buyer: otherBuyer }));
			const c = await issued(ledger, creditNote(a));
			const numbers = async (filter: Parameters<Ledger['listInvoices']>[0]) =>
				(await ledger.listInvoices(filter)).map((summary) => summary.number);
			expect(await numbers({})).toEqual([c, a, b]);
			expect(await numbers({ typeCode: '380' })).toEqual([a, b]);
			expect(await numbers({ buyer: { countryCode: 'DE', partyId: 'XYZ' } })).toEqual([b]);
			expect(await numbers({ correctsInvoiceNumber: a })).toEqual([c]);
			expect(await numbers({ issuedFrom: '2025-03-02', issuedTo: '2025-03-31' })).toEqual([b]);
		});

		it('keeps its data and schema when reopened (migrations run once)', async () => {
			const number = await issued(ledger, invoice([cdr('A1')]));
			await ledger.close();
			ledger = await openLedger(config);
			expect((await ledger.getInvoice(number))?.document).toEqual({ number, lines: ['A1'] });
			expect(await issued(ledger, invoice([cdr('A2')]))).toBe('INV-2025-000002');
		});
	});

	describe('credit notes', () => {
		it('are numbered in their series and reference the invoice they correct', async () => {
			const inv = await issued(ledger, invoice([cdr('A1')]));
			const credit = await ledger.issue(creditNote(inv, { cdrs: [cdr('A1-CREDIT')] }));
			expect(credit).toEqual({ kind: 'issued', number: 'CN-2025-000001', sequence: 1 });
			expect(await ledger.getInvoice('CN-2025-000001')).toMatchObject({
				typeCode: '381',
				correctsInvoiceNumber: inv,
				cdrs: [cdr('A1-CREDIT')],
				document: { number: 'CN-2025-000001', corrects: inv },
			});
			// A credit CDR is a CDR too: once only.
			expect(await ledger.issue(creditNote(inv, { cdrs: [cdr('A1-CREDIT')] }))).toEqual({
				kind: 'already_invoiced',
				conflicts: new Map([['FR*CPO*A1-CREDIT', 'CN-2025-000001']]),
			});
			// Same series as invoices when the caller wants it.
			expect(await issued(ledger, creditNote(inv, { series: 'INV' }))).toBe('INV-2025-000002');
		});

		it('never credit more than the invoice, in total over partial credit notes', async () => {
			const inv = await issued(ledger, invoice([cdr('A1')]));
			const part = { withoutVat: '50.00', vat: '10.00', withVat: '60.00' };
			await issued(ledger, creditNote(inv, { totals: part }));
			await issued(ledger, creditNote(inv, { totals: { withoutVat: '49.99', vat: '10.00', withVat: '59.99' } }));
			await expect(
				ledger.issue(creditNote(inv, { totals: { withoutVat: '0.01', vat: '0.01', withVat: '0.02' } })),
			).rejects.toMatchObject({ code: 'CREDIT_EXCEEDS_INVOICE', field: 'totals.withVat' });
			await issued(ledger, creditNote(inv, { totals: { withoutVat: '0.01', vat: '0.00', withVat: '0.01' } }));
			expect((await ledger.listInvoices({ correctsInvoiceNumber: inv })).map((s) => s.sequence)).toEqual([1, 2, 3]);
		});

		it('refuse an unknown invoice, a credit note as target, another buyer or currency', async () => {
			const inv = await issued(ledger, invoice([cdr('A1')]));
			const cn = await issued(ledger, creditNote(inv));
			await expect(ledger.issue(creditNote('INV-2025-000099'))).rejects.toMatchObject({
				code: 'CORRECTED_INVOICE_NOT_FOUND',
				field: 'correctsInvoiceNumber',
			});
			await expect(ledger.issue(creditNote(cn))).rejects.toMatchObject({ code: 'CORRECTED_DOCUMENT_NOT_AN_INVOICE' });
			await expect(
				ledger.issue(creditNote(inv, { buyer: { countryCode: 'BE', partyId: 'EMS' } })),
			).rejects.toMatchObject({ code: 'CREDIT_NOTE_BUYER_MISMATCH' });
			await expect(ledger.issue(creditNote(inv, { currency: 'CHF' }))).rejects.toMatchObject({
				code: 'CREDIT_NOTE_CURRENCY_MISMATCH',
			});
			expect(await issued(ledger, creditNote(inv))).toBe('CN-2025-000002');
		});
	});

	describe('credit notes correcting several invoices (allocations)', () => {
		const three = async () => [
			await issued(ledger, invoice([cdr('M1')], { totals: { withoutVat: '100.00', vat: '20.00', withVat: '120.00' } })),
			await issued(ledger, invoice([cdr('M2')], { totals: { withoutVat: '50.00', vat: '10.00', withVat: '60.00' } })),
			await issued(ledger, invoice([cdr('M3')], { totals: { withoutVat: '10.00', vat: '2.00', withVat: '12.00' } })),
		];
		const multi = allocatedCreditNote;

		it('record one credit note, every corrected invoice with its amount; what is credited on each is its allocations', async () => {
			const [a, b, c] = await three();
			const cn = await issued(ledger, multi([[c, '12.00'], [a, '30.50'], [b, '0.01']]));
			expect(await ledger.creditAllocations({ creditNoteNumbers: [cn] })).toEqual([
				{ creditNoteNumber: cn, invoiceNumber: a, amountWithVat: '30.50' },
				{ creditNoteNumber: cn, invoiceNumber: b, amountWithVat: '0.01' },
				{ creditNoteNumber: cn, invoiceNumber: c, amountWithVat: '12.00' },
			]);
			expect(await ledger.getInvoice(cn)).toMatchObject({
				typeCode: '381',
				correctsInvoiceNumber: a,
				totals: { withVat: '42.51' },
				creditAllocations: [
					{ invoiceNumber: a, amountWithVat: '30.50' },
					{ invoiceNumber: b, amountWithVat: '0.01' },
					{ invoiceNumber: c, amountWithVat: '12.00' },
				],
			});
			expect((await ledger.getInvoice(a))!.creditAllocations).toEqual([]);
			for (const number of [a, b, c]) expect((await ledger.listInvoices({ correctsInvoiceNumber: number })).map((s) => s.number)).toEqual([cn]);
			expect((await ledger.pageInvoices({ correcting: [c], limit: 10 })).rows.map((s) => s.number)).toEqual([cn]);
			const [event] = await ledger.events({ invoiceNumber: cn });
			expect(event.payload).toMatchObject({
				correctsInvoiceNumber: a,
				allocations: [
					{ invoiceNumber: a, amountWithVat: '30.50' },
					{ invoiceNumber: b, amountWithVat: '0.01' },
					{ invoiceNumber: c, amountWithVat: '12.00' },
				],
			});
			// A later credit note counts the earlier allocations: 12.00 of c is credited, nothing remains.
			await expect(ledger.issue(creditNote(c, { totals: { withoutVat: '0.01', vat: '0.00', withVat: '0.01' } }))).rejects.toMatchObject({
				code: 'CREDIT_EXCEEDS_INVOICE',
			});
			expect(await issued(ledger, creditNote(a, { totals: { withoutVat: '89.50', vat: '0.00', withVat: '89.50' } }))).toBe('CN-2025-000002');
			expect(await ledger.creditAllocations({ invoiceNumbers: [a] })).toEqual([
				{ creditNoteNumber: cn, invoiceNumber: a, amountWithVat: '30.50' },
				{ creditNoteNumber: 'CN-2025-000002', invoiceNumber: a, amountWithVat: '89.50' },
			]);
		});

		it('refuse the whole credit note when one allocation exceeds its invoice (naming it), nothing recorded, no number used', async () => {
			const [a, b, c] = await three();
			await issued(ledger, creditNote(b, { totals: { withoutVat: '59.00', vat: '0.00', withVat: '59.00' } }));
			await expect(ledger.issue(multi([[a, '10.00'], [b, '1.01'], [c, '1.00']]))).rejects.toMatchObject({
				code: 'CREDIT_EXCEEDS_INVOICE',
				field: 'allocations[1].amountWithVat',
				message: expect.stringContaining(`invoice ${b} (1.00 EUR of 60.00)`),
			});
			expect(await ledger.listInvoices({ typeCode: '381' })).toHaveLength(1);
			expect(await ledger.creditAllocations({ invoiceNumbers: [a, b, c] })).toEqual([
				{ creditNoteNumber: 'CN-2025-000001', invoiceNumber: b, amountWithVat: '59.00' },
			]);
			expect(await issued(ledger, multi([[a, '10.00'], [b, '1.00'], [c, '1.00']]))).toBe('CN-2025-000002');
		});

		it('refuse allocations that do not add up, name an invoice twice, are not positive, or name another buyer\'s invoice', async () => {
			const [a, b] = await three();
			const other = await issued(ledger, invoice([cdr('O1')], { buyer: { countryCode: 'BE', partyId: 'EMS' } }));
			await expect(ledger.issue({ ...multi([[a, '1.00']]), totals: { withoutVat: '2.00', vat: '0.00', withVat: '2.00' } })).rejects.toMatchObject({
				code: 'CREDIT_ALLOCATIONS_INVALID',
			});
			await expect(ledger.issue(multi([[a, '1.00'], [a, '1.00']]))).rejects.toMatchObject({ code: 'CREDIT_ALLOCATIONS_INVALID' });
			await expect(ledger.issue(multi([[a, '1.00'], [b, '0.00']]))).rejects.toMatchObject({ code: 'CREDIT_ALLOCATIONS_INVALID' });
			await expect(ledger.issue({ ...multi([[a, '1.00']]), correctsInvoiceNumber: a })).rejects.toMatchObject({ code: 'CREDIT_ALLOCATIONS_INVALID' });
			await expect(ledger.issue(multi([[a, '1.00'], [other, '1.00']]))).rejects.toMatchObject({ code: 'CREDIT_NOTE_BUYER_MISMATCH' });
			expect(await ledger.listInvoices({ typeCode: '381' })).toEqual([]);
		});
	});

	describe('rendering and the audit trail', () => {
		it('lists issued documents as unrendered until markRendered, which is an event', async () => {
			const a = await issued(ledger, invoice([cdr('A1')]));
			const b = await issued(ledger, invoice([cdr('A2')]));
			expect((await ledger.listUnrendered()).map((record) => [record.number, record.document])).toEqual([
				[a, { number: a, lines: ['A1'] }],
				[b, { number: b, lines: ['A2'] }],
			]);
			await ledger.markRendered(a, [{ name: 'factur-x.pdf', sha256: SHA }]);
			expect((await ledger.listUnrendered()).map((record) => record.number)).toEqual([b]);
			expect(await ledger.getInvoice(a)).toMatchObject({ renderedFiles: [{ name: 'factur-x.pdf', sha256: SHA }] });
			const events = await ledger.events({ invoiceNumber: a });
			expect(events.map((event) => event.type)).toEqual(['INVOICE_ISSUED', 'INVOICE_RENDERED']);
			expect(events[1].payload).toEqual({ files: [{ name: 'factur-x.pdf', sha256: SHA }] });
			await expect(ledger.markRendered('INV-2025-000099', [])).rejects.toMatchObject({ code: 'INVOICE_NOT_FOUND' });
			await expect(ledger.markRendered(b, [{ name: 'x.pdf', sha256: 'ABC' }])).rejects.toMatchObject({
				code: 'RENDERED_FILE_INVALID',
				field: 'files[0]',
			});
		});

		it('writes an event for every change, with timestamp, type, number and payload', async () => {
			const before = new Date().toISOString();
			const inv = await issued(ledger, invoice([cdr('A1'), cdr('A2')]));
			const cn = await issued(ledger, creditNote(inv));
			const payment = { type: 'PAYMENT_RECORDED', invoiceNumber: inv, payload: { amount: '120.00' } };
			const custom = await ledger.recordEvent(payment);
			const events = await ledger.events();
			expect(events.map((event) => [event.type, event.invoiceNumber])).toEqual([
				['INVOICE_ISSUED', inv],
				['CREDIT_NOTE_ISSUED', cn],
				['PAYMENT_RECORDED', inv],
			]);
			expect(events[0].payload).toEqual({
				series: 'INV',
				sequence: 1,
				typeCode: '380',
				issueDate: '2025-03-31',
				buyer: { countryCode: 'NL', partyId: 'EMS' },
				currency: 'EUR',
				totals: { withoutVat: '100.00', vat: '20.00', withVat: '120.00' },
				cdrCount: 2,
			});
			expect(events[1].payload).toMatchObject({ correctsInvoiceNumber: inv, typeCode: '381' });
			expect(events[2]).toEqual(custom);
			expect(events.every((event) => event.at >= before && event.at <= new Date().toISOString())).toBe(true);
			expect(events[0].id < events[1].id && events[1].id < events[2].id).toBe(true);
			expect((await ledger.events({ afterId: events[0].id, limit: 1 })).map((event) => event.type)).toEqual([
				'CREDIT_NOTE_ISSUED',
			]);
			expect((await ledger.events({ type: 'PAYMENT_RECORDED' })).length).toBe(1);
			await expect(ledger.recordEvent({ type: 'paid', payload: {} })).rejects.toMatchObject({
				code: 'EVENT_TYPE_INVALID',
			});
			await expect(
				ledger.recordEvent({ type: 'PAYMENT_RECORDED', invoiceNumber: 'INV-2025-000099', payload: {} }),
			).rejects.toMatchObject({ code: 'INVOICE_NOT_FOUND' });
		});
	});

	describe('pages of invoices (lists)', () => {
		/** 23 invoices over 3 buyers, dates and totals in another order than the numbers, and a credit note. */
		async function issueMany(): Promise<string[]> {
			const numbers: string[] = [];
			for (let i = 0; i < 23; i++) {
				const net = 100 + ((i * 37) % 23) * 10; // totals 120.00 … repeated, out of number order
				numbers.push(
					await issued(
						ledger,
						invoice([cdr(`PAGE-${i}`)], {
							issueDate: `2025-03-${String(1 + Math.floor(i / 2)).padStart(2, '0')}`,
							dueDate: `2025-05-${String(28 - (i % 20)).padStart(2, '0')}`,
							buyer: { countryCode: 'NL', partyId: ['EMS', 'ROM', 'ABC'][i % 3] },
							totals: { withoutVat: `${net}.00`, vat: `${net / 5}.00`, withVat: `${net * 1.2}.00` },
							paymentReferenceFor: () => `RF${i}X${i}`,
						}),
					),
				);
			}
			numbers.push(await issued(ledger, creditNote(numbers[0], { issueDate: '2025-03-20' })));
			return numbers;
		}

		/** Every page of `query` followed by its cursor. */
		async function allPages(query: Omit<InvoicePageQuery, 'limit'>, limit: number): Promise<string[]> {
			const seen: string[] = [];
			let after: string | undefined;
			do {
				const page = await ledger.pageInvoices({ ...query, limit, after });
				seen.push(...page.rows.map((row) => row.number));
				after = page.next;
			} while (after);
			return seen;
		}

		it('reads every order forwards and backwards page by page (keyset), each document once', async () => {
			const numbers = await issueMany();
			const all = await ledger.listInvoices();
			const key: Record<InvoiceSortKey, (s: InvoiceSummary) => string | number> = {
				number: () => 0,
				issueDate: (s) => s.issueDate,
				dueDate: (s) => s.dueDate ?? s.issueDate,
				total: (s) => Number(s.totals.withVat.replace('.', '')),
			};
			for (const sort of ['number', 'issueDate', 'dueDate', 'total'] as InvoiceSortKey[]) {
				const expected = [...all]
					.sort((a, b) => {
						const [x, y] = [key[sort](a), key[sort](b)];
						return x < y ? -1 : x > y ? 1 : a.series === b.series ? a.sequence - b.sequence : a.series < b.series ? -1 : 1;
					})
					.map((s) => s.number);
				expect(await allPages({ sort }, 5)).toEqual(expected);
				expect(await allPages({ sort, descending: true }, 7)).toEqual([...expected].reverse());
			}
			expect((await ledger.pageInvoices({ limit: 50 })).rows).toHaveLength(numbers.length);
		});

		it('filters, searches, counts and jumps to a page by offset', async () => {
			const numbers = await issueMany();
			const ems = await ledger.pageInvoices({ buyer: { countryCode: 'nl', partyId: 'ems' }, typeCode: '380', limit: 3 });
			expect(ems.total).toBe(8);
			expect(ems.rows.map((r) => r.number)).toEqual([numbers[0], numbers[3], numbers[6]]);
			expect(ems.next).toBeDefined();
			const march = await ledger.pageInvoices({ issuedFrom: '2025-03-05', issuedTo: '2025-03-06', limit: 10 });
			expect(march.rows.map((r) => r.issueDate)).toEqual(['2025-03-05', '2025-03-05', '2025-03-06', '2025-03-06']);
			expect((await ledger.pageInvoices({ search: 'rf12 x12', limit: 10 })).rows.map((r) => r.number)).toEqual([numbers[12]]);
			expect((await ledger.pageInvoices({ search: numbers[7].toLowerCase(), limit: 10 })).rows.map((r) => r.number)).toEqual([numbers[7]]);
			expect((await ledger.pageInvoices({ search: numbers[1].slice(0, -1), limit: 30 })).rows.map((r) => r.number)).toEqual(numbers.slice(0, 9));
			// LIKE wildcards in a search are taken literally.
			expect((await ledger.pageInvoices({ search: '%', limit: 10 })).total).toBe(0);
			expect((await ledger.pageInvoices({ search: 'INV_2025', limit: 10 })).total).toBe(0);
			const third = await ledger.pageInvoices({ sort: 'total', offset: 10, limit: 5 });
			expect(third.rows.map((r) => r.number)).toEqual((await allPages({ sort: 'total' }, 100)).slice(10, 15));
			expect(third.total).toBe(numbers.length);
			expect((await ledger.pageInvoices({ numbers: [numbers[2], numbers[23], 'NOPE'], limit: 10 })).rows.map((r) => r.number)).toEqual([numbers[23], numbers[2]].sort());
			expect((await ledger.pageInvoices({ correcting: [numbers[0], numbers[1]], limit: 10 })).rows.map((r) => r.number)).toEqual([numbers[23]]);
			const last = await ledger.pageInvoices({ limit: 24 });
			expect(last.next).toBeUndefined();
		});

		it('refuses a cursor it did not give, an unknown order and a limit out of range', async () => {
			await expect(ledger.pageInvoices({ after: 'not-a-cursor', limit: 5 })).rejects.toMatchObject({ code: 'LEDGER_QUERY_INVALID', field: 'after' });
			await expect(ledger.pageInvoices({ sort: 'buyer' as InvoiceSortKey, limit: 5 })).rejects.toMatchObject({ code: 'LEDGER_QUERY_INVALID', field: 'sort' });
			await expect(ledger.pageInvoices({ limit: 0 })).rejects.toMatchObject({ code: 'LEDGER_QUERY_INVALID', field: 'limit' });
		});

		it('finds the documents of a CDR id whatever its CPO, case-insensitively, and the events of several invoices', async () => {
			const a = await issued(ledger, invoice([cdr('Shared-1', 'FR', 'AAA')]));
			const b = await issued(ledger, invoice([cdr('SHARED-1', 'DE', 'BBB'), cdr('other')]));
			expect((await ledger.findCdrsById('shared-1')).map((c) => [c.country_code, c.party_id, c.id, c.invoiceNumber])).toEqual([
				['DE', 'BBB', 'SHARED-1', b],
				['FR', 'AAA', 'Shared-1', a],
			]);
			expect(await ledger.findCdrsById('nothing')).toEqual([]);
			await ledger.recordEvent({ type: 'PAYMENT_RECORDED', invoiceNumber: b, payload: { amount: '1' } });
			const events = await ledger.events({ invoiceNumbers: [a, b] });
			expect(events.map((e) => [e.type, e.invoiceNumber])).toEqual([
				['INVOICE_ISSUED', a],
				['INVOICE_ISSUED', b],
				['PAYMENT_RECORDED', b],
			]);
			expect(await ledger.events({ invoiceNumbers: [] })).toEqual([]);
		});
	});

	it('records a 10,000-CDR monthly invoice and finds its CDRs', async () => {
		const cdrs = Array.from({ length: 10_000 }, (_, i) => cdr(`M-${String(i).padStart(5, '0')}`));
		const number = await issued(ledger, invoice(cdrs));
		const found = await ledger.findInvoicedCdrs([...cdrs.slice(0, 3), cdr('NOT-INVOICED')]);
		expect([...found.values()]).toEqual([number, number, number]);
		expect((await ledger.getInvoice(number))?.cdrs.length).toBe(10_000);
		expect((await ledger.issue(invoice([cdr('X'), cdrs[9_999]]))).kind).toBe('already_invoiced');
	});
}
