/**
 * Batch mode of Validate CDR and Price CDR through the n8n engine: a file of CDRs in, NDJSON files and one summary item
 * per output out (never one item per CDR), every record on exactly one output file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const scratch = mkdtempSync(path.join(tmpdir(), 'ev-clearing-batch-test-'));
// n8n 2.x lets nodes touch only these folders.
process.env.N8N_RESTRICT_FILE_ACCESS_TO = scratch;

import { PriceCdr } from '../../nodes/PriceCdr/PriceCdr.node';
import { ValidateCdr } from '../../nodes/ValidateCdr/ValidateCdr.node';
import { buildClearingReport, sortRunItems } from '../../lib/report';
import { runNode } from '../helpers/n8n-engine';

const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8'));
const lines = (file: string) =>
	readFileSync(file, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((l) => JSON.parse(l) as Record<string, unknown>);
const NOW = '2026-11-27T00:00:00Z';

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('Validate CDR and Price CDR in batch mode', () => {
	const cdrs = load('cdrs.json') as Array<Record<string, unknown>>;
	const input = path.join(scratch, 'month.ndjson');
	const out = path.join(scratch, 'out');
	// 26 sample CDRs, a line that is not JSON, a CDR ending before it starts.
	writeFileSync(
		input,
		[...cdrs.map((c) => JSON.stringify(c)), '{"id": broken', JSON.stringify(load('broken/end-before-start.json'))].join('\n') + '\n',
	);

	let validated: Awaited<ReturnType<typeof runNode>>;
	let priced: Awaited<ReturnType<typeof runNode>>;

	beforeAll(async () => {
		validated = await runNode(new ValidateCdr(), [{ month: '2026-10' }], {
			parameters: { input: 'file', batchSource: 'path', filePath: input, outputFolder: out, options: { now: NOW } },
		});
		if (validated.error) throw validated.error;
		const [summary] = validated.outputs[0];
		priced = await runNode(new PriceCdr(), [summary.json], {
			parameters: {
				input: 'file',
				batchSource: 'path',
				filePath: String(summary.json.path),
				outputFolder: out,
				tariffMode: 'parameter',
				tariffs: JSON.stringify(load('tariffs.json')),
			},
		});
	});

	it('writes each record to valid or rejected, with one summary item per output', () => {
		expect(validated.error).toBeUndefined();
		expect(validated.outputs.map((o) => o.length)).toEqual([1, 1]);
		const [valid] = validated.outputs[0];
		const [rejected] = validated.outputs[1];
		expect(valid.json).toMatchObject({
			kind: 'ev-clearing.batch',
			step: 'validate',
			source: 'month',
			read: 28,
			counts: { valid: 26, rejected: 2 },
			output: 'valid',
			lines: 26,
			file: 'month.valid.ndjson',
			path: path.join(out, 'month.valid.ndjson'),
		});
		// The broken CDR repeats a sample's id too: it counts under each of its error codes.
		expect(valid.json.codes).toEqual({ CDR_DUPLICATE: 1, CDR_END_BEFORE_START: 1, CDR_NOT_JSON: 1, CDR_PERIOD_OUTSIDE_SESSION: 1 });
		expect(rejected.json).toMatchObject({ output: 'rejected', lines: 2, path: path.join(out, 'month.rejected.ndjson') });
		expect(lines(String(valid.json.path)).map((c) => c.id)).toEqual(cdrs.map((c) => c.id));
		const bad = lines(String(rejected.json.path));
		expect(bad.map((l) => [l.record, (l.issues as Array<{ code: string }>).map((i) => i.code)])).toEqual([
			[27, ['CDR_NOT_JSON']],
			[28, expect.arrayContaining(['CDR_END_BEFORE_START'])],
		]);
		expect(valid.pairedItem).toEqual({ item: 0 });
	});

	it('prices the valid file: one priced file, each line a priced CDR Build Invoice reads', () => {
		expect(priced.error).toBeUndefined();
		const [summary] = priced.outputs[0];
		expect(summary.json).toMatchObject({ step: 'price', read: 26, counts: { priced: 26, deviating: 0, unpriceable: 0 } });
		expect(priced.outputs[1]).toEqual([]);
		const pricedLines = lines(String(summary.json.path));
		expect(pricedLines).toHaveLength(26);
		expect(pricedLines.every((p) => typeof p.cdr === 'object')).toBe(true);
		// The verdict Validate CDR wrote on each line travels with its price: Build Invoice numbers only valid CDRs.
		expect(pricedLines.map((p) => p.quality)).toEqual(cdrs.map(() => ({ valid: true, codes: [] })));
		// One sample CDR declares no price (credit CDR without total): priced, not compared.
		expect(pricedLines.map((p) => p.status).sort()).toEqual([...Array(25).fill('match'), 'not_declared']);
		expect(summary.json.codes).toEqual({ match: 25, not_declared: 1 });
		const first = pricedLines.find((p) => p.id === cdrs[0].id) as { computed: { total_cost: { excl_vat: string } } };
		// Full precision: 5.1975 computed, 5.20 declared, within the 0.01 tolerance.
		expect(first.computed.total_cost.excl_vat).toBe('5.1975');
		expect((cdrs[0].total_cost as { excl_vat: number }).excl_vat).toBe(5.2);
	});

	it('counts the month in the report from the summaries alone', () => {
		const run = sortRunItems([...validated.outputs.flat(), ...priced.outputs.flat()].map((i) => i.json));
		expect(run.ignored).toBe(0);
		const report = buildClearingReport({ generatedAt: '2026-11-02T00:00:00Z', verdicts: [], priced: [], documents: [], aging: [], batches: run.batches });
		expect(report.cdrs).toMatchObject({ received: 28, valid: 26, rejected: 2, priced: 26, notPriced: 0 });
		expect(report.cdrs.rejectedByCode.map((c) => [c.code, c.count])).toEqual([
			['CDR_DUPLICATE', 1],
			['CDR_END_BEFORE_START', 1],
			['CDR_NOT_JSON', 1],
			['CDR_PERIOD_OUTSIDE_SESSION', 1],
		]);
		expect(report.pricing.byStatus).toEqual({ match: 25, not_declared: 1, mismatch: 0, unpriceable: 0 });
	});

	it('runs the quality checks itself on CDRs that come without a verdict, and stamps it on the price', async () => {
		const raw = path.join(scratch, 'raw.ndjson');
		const late = { ...cdrs[0], id: 'LATE1', end_date_time: '2026-10-01T00:00:00Z' };
		writeFileSync(raw, [JSON.stringify(cdrs[1]), JSON.stringify(late)].join('\n'));
		const { outputs } = await runNode(new PriceCdr(), [{}], {
			parameters: { input: 'file', batchSource: 'path', filePath: raw, outputFolder: out, tariffMode: 'parameter', tariffs: JSON.stringify(load('tariffs.json')) },
		});
		const stamped = [...outputs[0], ...outputs[1]].flatMap((item) => lines(String(item.json.path)));
		expect(stamped.map((p) => [p.id, (p.quality as { valid: boolean }).valid])).toEqual(
			expect.arrayContaining([
				[cdrs[1].id, true],
				['LATE1', false],
			]),
		);
	});

	it('fails an item whose file cannot be read, with the reason, and goes on with Continue On Fail', async () => {
		const empty = path.join(scratch, 'empty.json');
		writeFileSync(empty, '   ');
		const { outputs, error } = await runNode(new ValidateCdr(), [{}], {
			continueOnFail: true,
			parameters: { input: 'file', batchSource: 'path', filePath: empty, outputFolder: out, options: { now: NOW } },
		});
		expect(error).toBeUndefined();
		expect(outputs[1].map((i) => i.json)).toEqual([
			expect.objectContaining({ kind: 'ev-clearing.batch', step: 'validate', error: expect.objectContaining({ code: 'INPUT_EMPTY' }) }),
		]);
	});
});
