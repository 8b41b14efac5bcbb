/**
 * The CLI's answers to inputs it cannot use, in-process through main(): an OCPI error envelope and an empty file exit
 * 2 with a code on stderr (as the README promises), and `invoice` given CDRs that were never priced counts each of
 * them in its summary.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { main } from '../../cli/main';

const dir = mkdtempSync(path.join(tmpdir(), 'cli-inputs-'));
const samples = path.resolve(__dirname, '../../samples');

async function run(argv: string[]): Promise<{ code: number; stdout: string[]; stderr: string }> {
	const out: string[] = [];
	const err: string[] = [];
	const capture = (into: string[]) => (chunk: string | Uint8Array) => {
		into.push(String(chunk));
		return true;
	};
	const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture(out));
	const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture(err));
	try {
		const code = await main(argv);
		return { code, stdout: out.join('').split('\n').filter(Boolean), stderr: err.join('') };
	} finally {
		stdout.mockRestore();
		stderr.mockRestore();
	}
}

const file = (name: string, text: string) => {
	const target = path.join(dir, name);
	writeFileSync(target, text);
	return target;
};

describe('ev-clearing on inputs it cannot use', () => {
	const envelope = { status_code: 2001, status_message: 'Invalid or missing parameters', timestamp: '2026-11-01T00:00:00Z' };

	it.each([
		['on one line', JSON.stringify(envelope) + '\n'],
		['pretty-printed', JSON.stringify(envelope, null, 2)],
	])('exits 2 on an OCPI error envelope %s, with its code and the file named', async (_shape, text) => {
		const input = file('error-envelope.json', text);
		for (const command of [['validate'], ['price', '--tariffs', path.join(samples, 'tariffs.json')]]) {
			const result = await run([...command, input]);
			expect(result.code).toBe(2);
			expect(result.stderr).toMatch(new RegExp(`^ev-clearing ${command[0]}: OCPI_STATUS_ERROR: .*error-envelope\\.json: The OCPI response reports status_code 2001`));
		}
	});

	it('exits 2 on an empty file, or one of white space, saying so with INPUT_EMPTY', async () => {
		for (const text of ['', ' \n\n ']) {
			const result = await run(['validate', file('empty.json', text)]);
			expect(result).toMatchObject({ code: 2, stdout: [] });
			expect(result.stderr).toMatch(/^ev-clearing validate: INPUT_EMPTY: .*empty\.json(:| is empty)/);
		}
		// An empty array is a period without CDRs: done, nothing to say but the count.
		const none = await run(['validate', file('none.json', '[]')]);
		expect(none).toMatchObject({ code: 0, stdout: [] });
		expect(none.stderr).toBe('validate: 0 CDRs\n');
	});

	it('counts in its summary every line invoice could not invoice, raw CDRs included', async () => {
		const result = await run([
			'invoice',
			'--config', path.join(samples, 'invoice-config.json'),
			'--ledger', path.join(dir, 'ledger.sqlite'),
			'--out', path.join(dir, 'invoices'),
			path.join(samples, 'cdrs.json'),
		]);
		const cdrs = JSON.parse(readFileSync(path.join(samples, 'cdrs.json'), 'utf8')) as unknown[];
		expect(result.code).toBe(0);
		expect(result.stdout.map((line) => JSON.parse(line).code)).toEqual(cdrs.map(() => 'NOT_A_PRICED_CDR'));
		expect(result.stderr).toMatch(new RegExp(`0 document\\(s\\) written .*, 0 CDR\\(s\\) already invoiced, ${cdrs.length} not invoiced \\(${cdrs.length} not a priced CDR: run \`ev-clearing price\` first\\)`));
	});
});
