import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { paymentsCommand } from '../../cli/commands/payments';
import { openLedger } from '../../lib/ledger';
import { issueSampleInvoices, numberOf } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'payments-cli-'));
const ledgerPath = join(dir, 'ledger.sqlite');

async function run(args: string[], ledger = ledgerPath): Promise<{ code: number; lines: Record<string, unknown>[]; stderr: string }> {
	const chunks: string[] = [];
	const errors: string[] = [];
	const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
		chunks.push(String(chunk));
		return true;
	});
	const errorSpy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
		errors.push(String(chunk));
		return true;
	});
	try {
		const code = await paymentsCommand.run([args[0], '--ledger', ledger, ...args.slice(1)]);
		return { code, lines: chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l)), stderr: errors.join('') };
	} finally {
		spy.mockRestore();
		errorSpy.mockRestore();
	}
}

beforeAll(async () => {
	const ledger = await openLedger({ kind: 'sqlite', path: ledgerPath });
	await issueSampleInvoices(ledger);
	await ledger.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('imports, reports and refuses over a ledger file, in NDJSON', async () => {
	const camt = join(__dirname, '../../samples/camt/camt053-v08-2026-04-02.xml');
	const imported = await run(['import', camt]);
	expect(imported.lines.map((l) => l.kind)).toEqual([...Array(6).fill('matched'), 'unmatched', 'skipped', 'skipped']);
	expect((await run(['import', camt])).lines.filter((l) => l.kind === 'already_recorded')).toHaveLength(6);

	const status = await run(['status', '--date', '2026-04-10', '--emsp', 'FR*MOB']);
	expect(status.lines.map((l) => [l.kind, l.invoiceNumber ?? l.emsp, l.residual ?? l.total])).toEqual([
		['status', numberOf(106), '480.00'],
		['status', numberOf(108), '2034.08'],
		['status', numberOf(112), '612.00'],
		['aging', 'FR*MOB', '3126.08'],
	]);

	const refused = await run(['record', '--invoice', numberOf(111), '--amount', '99.90', '--currency', 'EUR', '--date', '2026-04-10', '--payment-id', 'x']);
	expect(refused.code).toBe(1);
	expect(refused.lines).toEqual([expect.objectContaining({ kind: 'failed', code: 'PAYMENT_CURRENCY_MISMATCH', field: 'currency' })]);

	const reminders = await run(['reminders', '--date', '2026-04-11', '--mark-sent']);
	expect(reminders.lines.map((l) => [l.invoiceNumber, l.level, l.markedSent])).toEqual(
		[106, 108, 109, 110, 111, 112].map((n) => [numberOf(n), 1, true]),
	);
	expect((await run(['reminders', '--date', '2026-04-12'])).lines).toEqual([]);
});

it('imports each camt file on its own: a refused file fails alone, named, and the others are imported', async () => {
	const otherLedger = join(dir, 'files.sqlite');
	const ledger = await openLedger({ kind: 'sqlite', path: otherLedger });
	await issueSampleInvoices(ledger);
	await ledger.close();
	const good = join(__dirname, '../../samples/camt/camt053-v08-2026-04-02.xml');
	const notCamt = join(__dirname, '../payments/hostile/pain001-not-camt.xml');
	const other = join(__dirname, '../../samples/camt/camt053-v02-2026-04-07.xml');
	const missing = join(dir, 'no-such-statement.xml');

	const result = await run(['import', good, notCamt, missing, other], otherLedger);
	expect(result.code).toBe(2);
	const byFile = (file: string) => result.lines.filter((l) => l.file === file).map((l) => l.kind);
	expect(byFile(good)).toEqual([...Array(6).fill('matched'), 'unmatched', 'skipped', 'skipped']);
	expect(result.lines.filter((l) => l.kind === 'failed')).toEqual([
		{ kind: 'failed', file: notCamt, code: 'CAMT_NOT_CAMT', message: expect.stringMatching(/^.*pain001-not-camt\.xml: The root element/) },
		{ kind: 'failed', file: missing, code: 'FILE_UNREADABLE', message: `${missing}: no such file.` },
	]);
	expect(byFile(other).filter((kind) => kind === 'matched').length).toBeGreaterThan(0);
	// One summary line per file on stderr, the refused ones with their code.
	expect(result.stderr).toMatch(/camt053-v08-2026-04-02\.xml: 6 matched, 1 unmatched, 0 already recorded, 0 reversals, 2 skipped/);
	expect(result.stderr).toMatch(/pain001-not-camt\.xml: refused, CAMT_NOT_CAMT/);
});

it('imports a statement whose one entry has a malformed amount: that entry skipped with a code, the rest recorded', async () => {
	const otherLedger = join(dir, 'bad-amount.sqlite');
	const ledger = await openLedger({ kind: 'sqlite', path: otherLedger });
	await issueSampleInvoices(ledger);
	await ledger.close();
	const xml = readFileSync(join(__dirname, '../../samples/camt/camt053-v08-2026-04-02.xml'), 'utf8').replace('>1250.40</Amt>', '>1.250,40</Amt>');
	const file = join(dir, 'bad-amount.xml');
	writeFileSync(file, xml);
	const result = await run(['import', file], otherLedger);
	expect(result.code).toBe(0);
	expect(result.lines.map((l) => l.kind)).toEqual([...Array(5).fill('matched'), 'unmatched', 'skipped', 'skipped', 'skipped']);
	expect(result.lines[8]).toMatchObject({ reason: 'ENTRY_INVALID', entryIndex: 1, field: 'Stmt[1]/Ntry[1]/Amt' });
});
