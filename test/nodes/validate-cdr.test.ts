import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ValidateCdr } from '../../nodes/ValidateCdr/ValidateCdr.node';
import { runNode } from '../helpers/n8n-engine';

const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8'));
const codes = (json: { issues?: unknown }) => ((json.issues ?? []) as Array<{ code: string }>).map((i) => i.code);
const NOW = '2026-11-27T00:00:00Z';

describe('Validate CDR node, through the n8n engine', () => {
	it('passes every sample CDR to Valid, paired to its input item', async () => {
		const cdrs = load('cdrs.json') as Array<{ id: string }>;
		const { outputs, error } = await runNode(new ValidateCdr(), cdrs, { parameters: { options: { now: NOW } } });
		expect(error).toBeUndefined();
		expect(outputs[1]).toEqual([]);
		expect(outputs[0].map((i) => i.json.id)).toEqual(cdrs.map((c) => c.id));
		expect(outputs[0].map((i) => i.pairedItem)).toEqual(cdrs.map((_, item) => ({ item })));
		expect(outputs[0].every((i) => Array.isArray(i.json.issues))).toBe(true);
	});

	it('rejects broken CDRs with their codes, keeps warnings on valid items, and loses nothing', async () => {
		const [good] = load('cdrs.json');
		const items = [good, load('broken/end-before-start.json'), load('broken/zero-energy.json'), load('broken/bad-currency.json')];
		const { outputs } = await runNode(new ValidateCdr(), items, { parameters: { options: { now: NOW } } });
		expect(outputs[0].map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(codes(outputs[0][1].json)).toEqual(['CDR_ENERGY_ZERO']);
		expect(outputs[1].map((i) => i.pairedItem)).toEqual([{ item: 1 }, { item: 3 }]);
		expect(codes(outputs[1][0].json)).toEqual(expect.arrayContaining(['CDR_END_BEFORE_START']));
		expect(codes(outputs[1][1].json)).toContain('CDR_CURRENCY_INVALID');
		expect(outputs[1][1].json.issues).toEqual(
			expect.arrayContaining([expect.objectContaining({ severity: 'error', path: '$.currency' })]),
		);
	});

	it('treats warnings as errors when asked', async () => {
		const { outputs } = await runNode(new ValidateCdr(), [load('broken/zero-energy.json')], {
			parameters: { options: { now: NOW, treatWarningsAsErrors: true } },
		});
		expect(outputs[0]).toEqual([]);
		expect(codes(outputs[1][0].json)).toEqual(['CDR_ENERGY_ZERO']);
	});

	it('unwraps an OCPI envelope held in a field into one item per CDR, all paired to the envelope item', async () => {
		const envelope = load('ocpi-envelope.json') as { data: Array<{ id: string }> };
		const { outputs } = await runNode(new ValidateCdr(), [{ headers: {}, body: envelope }], {
			parameters: { cdrSource: 'field', cdrField: 'body', options: { now: NOW } },
		});
		expect(outputs[0].map((i) => i.json.id)).toEqual(envelope.data.map((c) => c.id));
		expect(outputs[0].every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('rejects malformed items with a clear issue instead of failing the run', async () => {
		const { outputs, error } = await runNode(
			new ValidateCdr(),
			[{ body: [42, 'text', null] }, { other: 1 }, { body: { status_code: 2001, status_message: 'Invalid parameters' } }],
			{ parameters: { cdrSource: 'field', cdrField: 'body', options: { now: NOW } } },
		);
		expect(error).toBeUndefined();
		expect(outputs[0]).toEqual([]);
		expect(outputs[1].map((i) => codes(i.json))).toEqual([
			['CDR_NOT_AN_OBJECT'],
			['CDR_NOT_AN_OBJECT'],
			['CDR_NOT_AN_OBJECT'],
			['CDR_FIELD_MISSING'],
			['OCPI_ENVELOPE_ERROR'],
		]);
		expect(outputs[1].map((i) => (i.pairedItem as { item: number }).item)).toEqual([0, 0, 0, 1, 2]);
		expect((outputs[1][3].json.issues as Array<{ message: string }>)[0].message).toMatch(/no field "body"/);
	});

	it('catches a duplicate across the items of one run', async () => {
		const [good] = load('cdrs.json');
		const { outputs } = await runNode(new ValidateCdr(), [good, good], { parameters: { options: { now: NOW } } });
		expect(outputs[0].map((i) => i.pairedItem)).toEqual([{ item: 0 }]);
		expect(codes(outputs[1][0].json)).toEqual(['CDR_DUPLICATE']);
	});

	it('stops on a fault of the node itself, or routes every item to Rejected with Continue On Fail', async () => {
		const [good] = load('cdrs.json');
		const parameters = { options: { now: 'not a date' } };
		const failed = await runNode(new ValidateCdr(), [good], { parameters });
		expect(failed.error?.message).toMatch(/Reference Time/);
		const continued = await runNode(new ValidateCdr(), [good, good], { parameters, continueOnFail: true });
		expect(continued.error).toBeUndefined();
		expect(continued.outputs[0]).toEqual([]);
		expect(continued.outputs[1].map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(continued.outputs[1][0].json.error).toMatch(/Reference Time/);
	});
});
