/**
 * The console on a monthly credit note correcting three invoices (issue 13.6): the credit note lists every invoice it
 * corrects with the amount credited on it, each invoice lists the credit note with its own allocation, and each
 * invoice's credited amount and residual are its allocation only — in the read model of the whole ledger and in the
 * reads of one page.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { ClearingConsole } from '../../lib/console';
import { createConsole } from '../../lib/console';
import type { Ledger, RecordedCreditAllocation } from '../../lib/ledger';
import { openLedger } from '../../lib/ledger';
import type { IssuedDocument } from '../../lib/issuing';
import { monthlyCreditScenario } from '../helpers/monthly-credit';
import { Client } from './helpers';

const TOKEN = 'test-token-0123456789abcdef';

describe('Clearing Console: a credit note correcting several invoices', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'console-credit-'));
	let ledger: Ledger;
	let console: ClearingConsole;
	let invoices: IssuedDocument[];
	let note: string;
	let allocations: RecordedCreditAllocation[];
	const auth = { authorization: `Bearer ${TOKEN}` };

	beforeAll(async () => {
		ledger = await openLedger({ kind: 'sqlite', path: path.join(dir, 'ledger.sqlite') });
		const scenario = await monthlyCreditScenario(ledger);
		invoices = scenario.invoices;
		note = scenario.credit!.documents[0].invoice.number;
		allocations = await ledger.creditAllocations({ creditNoteNumbers: [note] });
		console = await createConsole({ ledger, today: () => '2026-11-20', auth: { usersFile: path.join(dir, 'users.json'), token: TOKEN } });
	}, 120_000);
	afterAll(async () => ledger?.close());

	const json = async <T>(route: string): Promise<T> => {
		const response = await new Client(console).get(route, auth);
		expect(response.status).toBe(200);
		return (await response.json()) as T;
	};

	it('shows on the credit note every invoice it corrects, with the amount credited on each', async () => {
		expect(allocations).toHaveLength(3);
		const detail = await json<{ corrects: Array<{ number: string; credited: string }>; row: { correctsInvoiceNumbers: string[] } }>(`/api/invoices/${note}`);
		expect(detail.corrects).toEqual(allocations.map((a) => ({ number: a.invoiceNumber, credited: a.amountWithVat })));
		expect(detail.row.correctsInvoiceNumbers).toEqual(invoices.map((d) => d.invoice.number));
		const html = await (await new Client(console).get(`/invoices/${note}`, { ...auth, accept: 'text/html' })).text();
		for (const d of invoices) expect(html).toContain(`/invoices/${d.invoice.number}`);
		// The CSV export names every corrected invoice in one field.
		const csv = (await (await new Client(console).get('/api/invoices.csv?type=381', auth)).text()).split('\r\n');
		const column = csv[0].split(',').indexOf('correctsInvoiceNumbers');
		const row = csv.find((line) => line.startsWith(`${note},`))!;
		expect(row.split(',')[column]).toBe(invoices.map((d) => d.invoice.number).join(' '));
	});

	it('shows on each invoice the credit note with its own allocation, and reduces its residual by exactly that', async () => {
		for (const [i, d] of invoices.entries()) {
			const detail = await json<{ creditNotes: Array<{ number: string; credited: string | null }>; row: { credited: string; residual: string } }>(
				`/api/invoices/${d.invoice.number}`,
			);
			expect(detail.creditNotes.map((c) => [c.number, c.credited])).toEqual([[note, allocations[i].amountWithVat]]);
			expect(detail.row.credited).toBe(allocations[i].amountWithVat);
			expect(detail.row.residual).toBe(d.invoice.totals.taxInclusive.minus(allocations[i].amountWithVat).toFixed(2));
		}
		// The list (the read model of the whole ledger) says the same.
		const list = await json<{ rows: Array<{ number: string; credited: string }> }>('/api/invoices?type=380');
		expect(invoices.map((d) => list.rows.find((r) => r.number === d.invoice.number)!.credited)).toEqual(allocations.map((a) => a.amountWithVat));
	});
});
