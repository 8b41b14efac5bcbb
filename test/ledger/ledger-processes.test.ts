/**
 * Several processes on one ledger, and processes killed (SIGKILL) at the worst moments: no duplicate number, no gap,
 * no orphan — on both stores. Children are plain Node processes (fixtures/ledger-child.js) running the TS sources.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openLedger } from '../../lib/ledger';
import type { Ledger, LedgerConfig } from '../../lib/ledger';
import { cdr, invoice } from './ledger-contract';
import { dropSchema, postgresUrl, uniqueSchemaName } from './postgres-server';

const CHILD = join(__dirname, 'fixtures', 'ledger-child.js');

interface ChildOutcome {
	messages: Record<string, unknown>[];
	signal: NodeJS.Signals | null;
	code: number | null;
}

interface ChildTask {
	scenario: 'issue-many' | 'credit-each' | 'credit-overlapping' | 'kill-inside-transaction' | 'kill-after-commit' | 'issue-until-killed';
	series: string;
	prefix?: string;
	count?: number;
	shared?: string[];
	invoices?: string[];
	offset?: number;
}

/** Runs a child; `killAfter` messages received, the parent kills it (SIGKILL) itself. */
function runChild(config: LedgerConfig, task: ChildTask, killAfter?: number): Promise<ChildOutcome> {
	return new Promise((resolve, reject) => {
		const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
		const child = fork(CHILD, [JSON.stringify({ config, ...task })], { stdio });
		const messages: Record<string, unknown>[] = [];
		child.on('message', (message) => {
			messages.push(message as Record<string, unknown>);
			if (killAfter !== undefined && messages.length === killAfter) child.kill('SIGKILL');
		});
		child.on('error', reject);
		child.on('exit', (code, signal) => resolve({ messages, signal, code }));
	});
}

function countBy(values: string[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
	return counts;
}

function numbersOf(series: string, count: number): string[] {
	return Array.from({ length: count }, (_, i) => `${series}-2025-${String(i + 1).padStart(6, '0')}`);
}

/** Every sequence 1..n present once, each document with its CDRs and exactly one issue event. */
async function expectConsistent(ledger: Ledger, series: string): Promise<number> {
	const invoices = await ledger.listInvoices({ series });
	expect(invoices.map((summary) => summary.number)).toEqual(numbersOf(series, invoices.length));
	const issuedEvents = await ledger.events({ type: 'INVOICE_ISSUED' });
	expect(issuedEvents.map((event) => event.invoiceNumber).sort()).toEqual(invoices.map((summary) => summary.number));
	for (const summary of invoices) {
		const record = await ledger.getInvoice(summary.number);
		expect(record?.cdrs.length).toBeGreaterThan(0);
		expect((record?.document as { number: string }).number).toBe(summary.number);
	}
	return invoices.length;
}

interface Store {
	name: string;
	fresh(): Promise<LedgerConfig>;
	cleanup(): Promise<void>;
}

const sqliteDir = mkdtempSync(join(tmpdir(), 'ledger-processes-'));
let sqliteFiles = 0;
const pgSchemas: string[] = [];

const stores: Store[] = [
	{
		name: 'SQLite',
		fresh: async () => ({ kind: 'sqlite', path: join(sqliteDir, `ledger-${++sqliteFiles}.sqlite`) }),
		cleanup: async () => rmSync(sqliteDir, { recursive: true, force: true }),
	},
	{
		name: 'PostgreSQL',
		fresh: async () => {
			const schema = uniqueSchemaName();
			pgSchemas.push(schema);
			return { kind: 'postgres', connectionString: await postgresUrl(), schema };
		},
		cleanup: async () => {
			for (const schema of pgSchemas) await dropSchema(schema);
		},
	},
];

describe.each(stores)('$name ledger shared by processes', (store) => {
	let config: LedgerConfig;
	let ledger: Ledger;

	beforeEach(async () => {
		config = await store.fresh();
		ledger = await openLedger(config); // migrated before the children start
	});
	afterEach(async () => {
		await ledger.close();
	});
	afterAll(async () => {
		await store.cleanup();
	});

	it('four concurrent writers get 1..n, no duplicate, no gap; a CDR they all want is invoiced once', async () => {
		const shared = ['SHARED-1', 'SHARED-2', 'SHARED-3', 'SHARED-4', 'SHARED-5'];
		const perChild = 25;
		const outcomes = await Promise.all(
			[0, 1, 2, 3].map((n) =>
				runChild(config, { scenario: 'issue-many', series: 'C', prefix: `W${n}`, count: perChild, shared }),
			),
		);
		for (const outcome of outcomes) expect(outcome).toMatchObject({ code: 0, signal: null });
		const issuedByChildren = outcomes.flatMap((outcome) => outcome.messages[0].done as string[]);
		expect(issuedByChildren.length).toBe(4 * perChild);
		expect([...issuedByChildren].sort()).toEqual(numbersOf('C', 4 * perChild));
		expect(await expectConsistent(ledger, 'C')).toBe(4 * perChild);
		const sharedOwners = await ledger.findInvoicedCdrs(shared.map((id) => cdr(id)));
		expect(sharedOwners.size).toBe(shared.length);
		for (const n of [0, 1, 2, 3]) {
			const own = await ledger.findInvoicedCdrs(Array.from({ length: perChild }, (_, i) => cdr(`W${n}-${i}`)));
			expect(own.size).toBe(perChild);
		}
	});

	it('eight writers sending the same credit notes: one each is issued, the others are already invoiced', async () => {
		// Issue 13.7: on PostgreSQL a writer read the credit CDRs before queueing on the invoice, and once the first
		// writer had committed, reported its duplicate as CREDIT_EXCEEDS_INVOICE instead of already invoiced.
		const invoices: string[] = [];
		for (let i = 0; i < 20; i++) {
			const total = { withoutVat: '100.00', vat: '0.00', withVat: '100.00' };
			const result = await ledger.issue(invoice([cdr(`CREDITED-${i}`)], { series: 'I', totals: total }));
			if (result.kind === 'issued') invoices.push(result.number);
		}
		const outcomes = await Promise.all(
			Array.from({ length: 8 }, () => runChild(config, { scenario: 'credit-each', series: 'CN', invoices })),
		);
		const results = outcomes.flatMap((outcome) => outcome.messages[0].done as string[]);
		const tally = Object.fromEntries(['issued', 'already_invoiced'].map((kind) => [kind, results.filter((r) => r === kind).length]));
		console.log(`${store.name}, 8 writers × 20 credit notes: ${JSON.stringify(countBy(results))}`);
		expect(tally).toEqual({ issued: 20, already_invoiced: 140 });
		for (const number of invoices) {
			expect((await ledger.listInvoices({ correctsInvoiceNumber: number })).length).toBe(1);
		}
	});

	it('eight writers of credit notes allocating on overlapping pairs of invoices: no deadlock, no invoice over-credited', async () => {
		const invoices: string[] = [];
		for (let i = 0; i < 10; i++) {
			const total = { withoutVat: '100.00', vat: '0.00', withVat: '100.00' };
			const result = await ledger.issue(invoice([cdr(`PAIRED-${i}`)], { series: 'P', totals: total }));
			if (result.kind === 'issued') invoices.push(result.number);
		}
		const outcomes = await Promise.all(
			Array.from({ length: 8 }, (_, w) => runChild(config, { scenario: 'credit-overlapping', series: 'CM', invoices, offset: w + 1 })),
		);
		for (const outcome of outcomes) expect(outcome).toMatchObject({ code: 0, signal: null });
		const results = outcomes.flatMap((outcome) => outcome.messages[0].done as string[]);
		console.log(`${store.name}, 8 writers × 10 credit notes on 2 of 10 invoices: ${JSON.stringify(countBy(results))}`);
		// Each invoice is asked 160.00 of its 100.00: some credit notes are refused, none fails otherwise.
		expect(Object.keys(countBy(results)).sort()).toEqual(['CREDIT_EXCEEDS_INVOICE', 'issued']);
		const issuedCount = results.filter((r) => r === 'issued').length;
		expect((await ledger.listInvoices({ series: 'CM' })).map((s) => s.number)).toEqual(numbersOf('CM', issuedCount));
		const allocations = await ledger.creditAllocations({ invoiceNumbers: invoices });
		expect(allocations).toHaveLength(2 * issuedCount);
		for (const number of invoices) {
			const credited = allocations.filter((a) => a.invoiceNumber === number).reduce((sum, a) => sum + Math.round(Number(a.amountWithVat) * 100), 0);
			expect(credited).toBeLessThanOrEqual(10_000);
		}
	});

	it('killed inside the transaction, before commit: no number consumed, the next invoice gets it', async () => {
		await ledger.issue(invoice([cdr('FIRST')], { series: 'K' }));
		const outcome = await runChild(config, { scenario: 'kill-inside-transaction', series: 'K', prefix: 'DOOMED' });
		expect(outcome.signal).toBe('SIGKILL');
		expect(await ledger.findInvoicedCdrs([cdr('DOOMED')])).toEqual(new Map());
		expect(await ledger.issue(invoice([cdr('DOOMED')], { series: 'K' }))).toEqual({
			kind: 'issued',
			number: 'K-2025-000002',
			sequence: 2,
		});
		expect(await expectConsistent(ledger, 'K')).toBe(2);
	});

	it('killed after commit, before markRendered: invoice kept, listed as unrendered, never numbered twice', async () => {
		const outcome = await runChild(config, { scenario: 'kill-after-commit', series: 'R', prefix: 'CRASHED' });
		expect(outcome.signal).toBe('SIGKILL');
		expect(outcome.messages[0].issued).toEqual({ kind: 'issued', number: 'R-2025-000001', sequence: 1 });
		const unrendered = await ledger.listUnrendered();
		expect(unrendered.map((record) => [record.number, record.document, record.cdrs])).toEqual([
			['R-2025-000001', { number: 'R-2025-000001', cdrs: ['CRASHED'] }, [cdr('CRASHED')]],
		]);
		// The re-run over the same CDR numbers nothing and points at the stored invoice, to be re-rendered.
		expect(await ledger.issue(invoice([cdr('CRASHED')], { series: 'R' }))).toEqual({
			kind: 'already_invoiced',
			conflicts: new Map([['FR*CPO*CRASHED', 'R-2025-000001']]),
		});
		await ledger.markRendered('R-2025-000001', [{ name: 'factur-x.pdf', sha256: 'cd'.repeat(32) }]);
		expect(await ledger.listUnrendered()).toEqual([]);
		expect((await ledger.issue(invoice([cdr('NEXT')], { series: 'R' }))).kind).toBe('issued');
		expect(await expectConsistent(ledger, 'R')).toBe(2);
	});

	it('killed from outside at any moment of a busy loop: the ledger stays gap-free and consistent', async () => {
		const outcome = await runChild(config, { scenario: 'issue-until-killed', series: 'L', prefix: 'LOOP' }, 15);
		expect(outcome.signal).toBe('SIGKILL');
		const count = await expectConsistent(ledger, 'L');
		// At least what the child reported (it runs on while its report travels and the kill lands: on a loaded
		// machine a few more); each invoice holds the child's next CDR, none twice, none lost.
		expect(count).toBeGreaterThanOrEqual(15);
		const cdrsInOrder = [];
		for (const summary of await ledger.listInvoices({ series: 'L' })) {
			cdrsInOrder.push(...((await ledger.getInvoice(summary.number))?.cdrs ?? []).map((ref) => ref.id));
		}
		expect(cdrsInOrder).toEqual(Array.from({ length: count }, (_, i) => `LOOP-${i}`));
		expect(await ledger.issue(invoice([cdr('AFTER')], { series: 'L' }))).toMatchObject({ sequence: count + 1 });
		if (config.kind === 'sqlite') {
			const db = new DatabaseSync(config.path);
			expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
			db.close();
		}
	});
});
