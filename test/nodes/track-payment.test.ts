import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { openLedger } from '../../lib/ledger';
import { TrackPayment } from '../../nodes/TrackPayment/TrackPayment.node';
import { runNode } from '../helpers/n8n-engine';
import { issueSampleInvoices, numberOf } from '../payments-ledger/fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'track-payment-node-'));
const ledgerPath = path.join(dir, 'ledger.sqlite');
const root = path.resolve(__dirname, '../..');

const fileItem = (file: string, fileName = path.basename(file)) => ({
	json: { file: fileName },
	binary: { data: { data: readFileSync(path.join(root, file)).toString('base64'), mimeType: 'application/xml', fileName } },
});

const parameters = (operation: string, extra: Record<string, unknown> = {}) => ({
	operation,
	ledger: 'sqlite',
	ledgerPath,
	...extra,
});

beforeAll(async () => {
	const ledger = await openLedger({ kind: 'sqlite', path: ledgerPath });
	await issueSampleInvoices(ledger);
	await ledger.close();
});

describe('Track Payment node, through the n8n engine', () => {
	it('imports a camt.053 from a binary property and routes Matched and Unmatched', async () => {
		const { outputs, error } = await runNode(new TrackPayment(), [fileItem('samples/camt/camt053-v08-2026-04-02.xml')], {
			parameters: parameters('importStatement'),
		});
		expect(error).toBeUndefined();
		const [matched, unmatched] = outputs;
		expect(matched.map((i) => (i.json.allocations as Array<{ invoiceNumber: string; amount: string }>).map((a) => [a.invoiceNumber, a.amount]))).toEqual([
			[[numberOf(101), '1250.4']],
			[[numberOf(104), '2210.75']],
			[[numberOf(105), '705.37']],
			[[numberOf(102), '842.16'], [numberOf(103), '357.84']],
			[[numberOf(106), '500']],
			[[numberOf(107), '431.55']],
		]);
		expect(matched.every((i) => JSON.stringify(i.pairedItem) === JSON.stringify({ item: 0 }))).toBe(true);
		expect(unmatched).toHaveLength(1);
		expect(unmatched[0].json).toMatchObject({ kind: 'payment', transaction: { amount: '99.90', currency: 'EUR' } });
		expect(unmatched[0].json.candidates).toContainEqual(expect.objectContaining({ invoiceNumber: numberOf(111), reason: 'CURRENCY_MISMATCH' }));

		const again = await runNode(new TrackPayment(), [fileItem('samples/camt/camt053-v08-2026-04-02.xml')], {
			parameters: parameters('importStatement'),
		});
		expect(again.outputs[0].map((i) => i.json.status)).toEqual(Array(6).fill('already_recorded'));
	});

	it('imports file by file: a file that is not a camt, or a hostile one, leaves on Unmatched, named, and the others are imported', async () => {
		const otherLedger = path.join(dir, 'files.sqlite');
		const ledger = await openLedger({ kind: 'sqlite', path: otherLedger });
		await issueSampleInvoices(ledger);
		await ledger.close();
		const { outputs, error } = await runNode(
			new TrackPayment(),
			[
				fileItem('test/payments/hostile/pain001-not-camt.xml'),
				fileItem('samples/camt/camt053-v08-2026-04-02.xml'),
				fileItem('test/payments/hostile/billion-laughs.xml'),
				fileItem('samples/camt/camt054-v08-2026-04-03.xml'),
			],
			{ parameters: { ...parameters('importStatement'), ledgerPath: otherLedger } },
		);
		expect(error).toBeUndefined();
		const [matched, unmatched] = outputs;
		expect(new Set(matched.map((i) => (i.pairedItem as { item: number }).item))).toEqual(new Set([1, 3]));
		expect(matched.filter((i) => (i.pairedItem as { item: number }).item === 1)).toHaveLength(6);
		const refused = unmatched.filter((i) => i.json.kind === 'statement');
		expect(refused.map((i) => [i.json.file, (i.json.error as { code: string }).code, i.pairedItem])).toEqual([
			['pain001-not-camt.xml', 'CAMT_NOT_CAMT', { item: 0 }],
			['billion-laughs.xml', 'CAMT_DOCTYPE_FORBIDDEN', { item: 2 }],
		]);
		expect((refused[1].json.error as { message: string }).message).toMatch(/^billion-laughs\.xml: .*DOCTYPE/);
	});

	it('puts an entry with a malformed amount on Unmatched with its code and imports the rest of the statement', async () => {
		const otherLedger = path.join(dir, 'bad-amount.sqlite');
		const ledger = await openLedger({ kind: 'sqlite', path: otherLedger });
		await issueSampleInvoices(ledger);
		await ledger.close();
		const xml = readFileSync(path.join(root, 'samples/camt/camt053-v08-2026-04-02.xml'), 'utf8').replace('>1250.40</Amt>', '>1.250,40</Amt>');
		const item = { json: {}, binary: { data: { data: Buffer.from(xml).toString('base64'), mimeType: 'application/xml', fileName: 'april.xml' } } };
		const { outputs, error } = await runNode(new TrackPayment(), [item], {
			parameters: { ...parameters('importStatement'), ledgerPath: otherLedger },
		});
		expect(error).toBeUndefined();
		expect(outputs[0]).toHaveLength(5);
		expect(outputs[1].map((i) => i.json.kind)).toEqual(['payment', 'entry']);
		expect(outputs[1][1].json).toMatchObject({ status: 'invalid', file: 'april.xml', reason: 'ENTRY_INVALID', entryIndex: 1, field: 'Stmt[1]/Ntry[1]/Amt' });
	});

	it('records a payment, and refuses one in another currency than the invoice clearly', async () => {
		const { outputs, error } = await runNode(
			new TrackPayment(),
			[
				{ invoice: numberOf(108), amount: '2034.08', currency: 'EUR' },
				{ invoice: numberOf(111), amount: '99.90', currency: 'EUR' },
			],
			{
				parameters: parameters('recordPayment', {
					invoice: '={{$json.invoice}}',
					amount: '={{$json.amount}}',
					currency: '={{$json.currency}}',
					paymentDate: '2026-04-05',
					paymentId: '={{"manual-" + $json.invoice}}',
				}),
				continueOnFail: true,
			},
		);
		expect(error).toBeUndefined();
		expect(outputs[0][0].json).toMatchObject({ outcome: 'recorded', invoiceNumber: numberOf(108), status: { status: 'paid', residual: '0.00' } });
		expect(outputs[0][1].json.error).toEqual({
			code: 'PAYMENT_CURRENCY_MISMATCH',
			field: 'currency',
			message: expect.stringContaining(`invoice ${numberOf(111)} is in CHF`),
		});
	});

	it('gets statuses with the aging per eMSP', async () => {
		const { outputs } = await runNode(new TrackPayment(), [{}], { parameters: parameters('getStatus', { scope: 'emsp', emsp: 'FR*MOB', date: '2026-04-10' }) });
		const [result] = outputs[0];
		expect((result.json.statuses as Array<{ invoiceNumber: string; status: string; residual: string }>).map((s) => [s.invoiceNumber, s.status, s.residual])).toEqual([
			[numberOf(101), 'paid', '0.00'],
			[numberOf(106), 'overdue', '480.00'],
			[numberOf(108), 'paid', '0.00'],
			[numberOf(112), 'overdue', '612.00'],
		]);
		expect(result.json.aging).toEqual([
			{ emsp: 'FR*MOB', currency: 'EUR', buckets: { current: '0.00', '1-30': '1092.00', '31-60': '0.00', '61-90': '0.00', '>90': '0.00' }, total: '1092.00', invoiceCount: 2 },
		]);
	});

	it('outputs each reminder due once, marked sent', async () => {
		const run = () => runNode(new TrackPayment(), [{}], { parameters: parameters('remindersDue', { date: '2026-04-11' }) });
		const first = await run();
		expect(first.outputs[0].map((i) => [i.json.invoiceNumber, i.json.level, (i.json.variables as { amountDue: string }).amountDue])).toEqual([
			[numberOf(106), 1, '480.00'],
			[numberOf(109), 1, '400.00'],
			[numberOf(110), 1, '1789.33'],
			[numberOf(111), 1, '99.90'],
			[numberOf(112), 1, '612.00'],
		]);
		expect((await run()).outputs[0]).toEqual([]);
	});

	it('opens a dispute and accepts it with a credit note as binaries', async () => {
		const opened = await runNode(new TrackPayment(), [{}], {
			parameters: parameters('dispute', { disputeAction: 'open', disputeInvoice: numberOf(112), reason: 'Tariff not agreed', amountClaimed: '120.00', date: '2026-04-12' }),
		});
		expect(opened.outputs[0][0].json).toMatchObject({ outcome: 'opened', disputeId: `${numberOf(112)}-D1`, amountClaimed: '120.00' });
		const accepted = await runNode(new TrackPayment(), [{}], {
			parameters: parameters('dispute', { disputeAction: 'accepted', disputeId: `${numberOf(112)}-D1`, date: '2026-04-20', formats: ['facturx', 'ubl'] }),
		});
		const [item] = accepted.outputs[0];
		expect(item.json).toMatchObject({
			outcome: 'accepted',
			creditNoteNumber: 'CN-2026-000001',
			creditNote: { typeCode: '381', correctsInvoiceNumber: numberOf(112), totals: { withVat: '120.00', withoutVat: '100.00', vat: '20.00' } },
		});
		// The item is also a Build Invoice document, ready for Send Factur-X.
		expect(item.json).toMatchObject({
			kind: 'ev-clearing.invoice',
			number: 'CN-2026-000001',
			typeCode: '381',
			correctsInvoiceNumber: numberOf(112),
			totals: { withVat: '120.00' },
			files: { facturx: 'CN-2026-000001.pdf', ubl: 'CN-2026-000001.ubl.xml' },
		});
		expect(Object.keys(item.binary ?? {})).toEqual(['facturx', 'ubl']);
		expect(Buffer.from(item.binary!.facturx.data, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
		expect(Buffer.from(item.binary!.ubl.data, 'base64').toString()).toContain(`<cbc:ID>${numberOf(112)}</cbc:ID>`);
		const status = await runNode(new TrackPayment(), [{}], { parameters: parameters('getStatus', { scope: 'invoice', statusInvoice: numberOf(112), date: '2026-04-20' }) });
		expect(status.outputs[0][0].json.statuses).toEqual([expect.objectContaining({ status: 'overdue', credited: '120.00', residual: '492.00', openDisputes: [] })]);
	});
});
