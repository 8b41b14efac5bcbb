import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { recordDelivery } from '../../lib/delivery/ledger-deliveries';
import { openLedger } from '../../lib/ledger';
import type { Ledger } from '../../lib/ledger';
import { statusReport } from '../../lib/payments/tracking';
import { syncFromOdoo } from '../../lib/payments/odoo-sync';
import type { OdooReader } from '../../lib/payments/odoo-sync';
import { issueSampleInvoices, numberOf, SAMPLE_INVOICES } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'payments-odoo-'));
let ledger: Ledger;
let moves: Record<string, unknown>[] = [];
const odoo: OdooReader = { searchRead: async () => moves };

beforeAll(async () => {
	ledger = await openLedger({ kind: 'sqlite', path: join(dir, 'ledger.sqlite') });
	await issueSampleInvoices(ledger, SAMPLE_INVOICES.slice(0, 3));
	for (const [sequence, moveId] of [[101, 118], [102, 119]]) {
		await recordDelivery(ledger, numberOf(sequence), { channel: 'odoo', at: '2026-03-05T10:00:00Z', remoteId: String(moveId), outcome: 'sent', attempts: 1 });
	}
});

afterAll(async () => {
	await ledger.close();
	rmSync(dir, { recursive: true, force: true });
});

it('records what Odoo shows paid beyond the ledger, once', async () => {
	moves = [
		{ id: 118, payment_state: 'partial', amount_total: 1250.4, amount_residual: 250.4 },
		{ id: 119, payment_state: 'not_paid', amount_total: 842.16, amount_residual: 842.16 },
	];
	const results = await syncFromOdoo(ledger, odoo, { date: '2026-04-03' });
	expect(results.map((r) => [r.invoiceNumber, r.outcome, r.event?.payload.amount])).toEqual([
		[numberOf(103), 'not_in_odoo', undefined],
		[numberOf(101), 'recorded', '1000'],
		[numberOf(102), 'unchanged', undefined],
	]);
	const again = await syncFromOdoo(ledger, odoo, { date: '2026-04-04' });
	expect(again.filter((r) => r.outcome === 'recorded')).toEqual([]);

	moves = [{ id: 118, payment_state: 'paid', amount_total: 1250.4, amount_residual: 0 }, { id: 119, payment_state: 'reversed', amount_total: 842.16, amount_residual: 0 }];
	const paid = await syncFromOdoo(ledger, odoo, { date: '2026-04-05' });
	expect(paid.map((r) => [r.outcome, r.event?.payload.amount, r.event?.payload.paymentId])).toEqual([
		['not_in_odoo', undefined, undefined],
		['recorded', '250.4', 'odoo:118:paid:1250.40'],
		['reversed_in_odoo', undefined, undefined],
	]);
	const { statuses } = await statusReport(ledger, '2026-04-05', { invoice: numberOf(101) });
	expect(statuses[0]).toMatchObject({ status: 'paid' });
	expect(statuses[0].paid.toFixed(2)).toBe('1250.40');
});
