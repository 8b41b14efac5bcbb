import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { paymentsCommand } from '../../cli/commands/payments';
import { openLedger } from '../../lib/ledger';
import { issueSampleInvoices, numberOf } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'payments-cli-'));
const ledgerPath = join(dir, 'ledger.sqlite');

async function run(args: string[]): Promise<{ code: number; lines: Record<string, unknown>[] }> {
	const chunks: string[] = [];
	const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
		chunks.push(String(chunk));
		return true;
	});
	try {
		const code = await paymentsCommand.run([args[0], '--ledger', ledgerPath, ...args.slice(1)]);
		return { code, lines: chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
	} finally {
		spy.mockRestore();
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
