/**
 * Issue 13.1 / 13.2 through the CLI chain, in-process through main(): `price` then `invoice` over the samples with a
 * CDR without party_id, a CDR `validate` rejects, and the priced file concatenated twice. Before: `invoice` exited 2
 * with an uncaught LedgerError (CDR_LISTED_TWICE, CDR_REF_INVALID) and invoiced nothing, or numbered the rejected CDR.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { main } from '../../cli/main';

const dir = mkdtempSync(path.join(tmpdir(), 'cli-bad-lines-'));
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

describe('ev-clearing price → invoice with bad lines', () => {
	const cdrs = (JSON.parse(readFileSync(path.join(samples, 'cdrs.json'), 'utf8')) as Array<Record<string, unknown>>).filter(
		(c) => c.country_code === 'FR',
	);
	const noParty = { ...cdrs[1], id: 'FREVC-NO-PARTY' } as Record<string, unknown>;
	delete noParty.party_id;
	const negative = JSON.parse(JSON.stringify(cdrs[2])) as Record<string, unknown>;
	negative.id = 'FREVC-NEGATIVE-ENERGY';
	negative.total_energy = -5;
	const input = path.join(dir, 'cdrs.json');
	writeFileSync(input, JSON.stringify([...cdrs, noParty, negative]));
	let priced: string[];
	let invoiced: Awaited<ReturnType<typeof run>>;

	beforeAll(async () => {
		priced = (await run(['price', '--tariffs', path.join(samples, 'tariffs.json'), input])).stdout;
		const twice = path.join(dir, 'twice.ndjson');
		writeFileSync(twice, `${[...priced, ...priced].join('\n')}\n`);
		invoiced = await run(['invoice', '--config', path.join(samples, 'invoice-config.json'), '--ledger', path.join(dir, 'ledger.sqlite'), '--out', path.join(dir, 'out'), twice]);
	}, 60_000);

	it('price writes the quality verdict on each line: the CDR validate rejects is marked, with its codes', () => {
		const lines = priced.map((l) => JSON.parse(l) as { id: string | null; quality?: { valid: boolean; codes: string[] } });
		expect(lines.find((l) => l.id === 'FREVC-NEGATIVE-ENERGY')!.quality).toEqual({ valid: false, codes: expect.arrayContaining(['CDR_ENERGY_NEGATIVE']) });
		expect(lines.filter((l) => l.quality?.valid).length).toBe(cdrs.length);
	});

	it('invoice exits 0, bills every good CDR once and fails each bad line on its own, with a code', () => {
		expect(invoiced.code).toBe(0);
		const lines = invoiced.stdout.map((l) => JSON.parse(l) as { kind: string; id?: string; code?: string; cdrCount?: number });
		const billed = lines.filter((l) => l.kind === 'ev-clearing.invoice').reduce((n, l) => n + l.cdrCount!, 0);
		expect(billed).toBe(cdrs.length);
		const failed = lines.filter((l) => l.kind === 'failed');
		expect(failed.filter((f) => f.code === 'CDR_REPEATED')).toHaveLength(cdrs.length);
		expect(failed.filter((f) => f.id === 'FREVC-NEGATIVE-ENERGY').map((f) => f.code)).toEqual(['CDR_QUALITY_REJECTED', 'CDR_QUALITY_REJECTED']);
		const noPartyCodes = failed.filter((f) => f.id === 'FREVC-NO-PARTY').map((f) => f.code);
		expect(noPartyCodes).toHaveLength(2);
		expect(noPartyCodes.every((c) => c && c !== 'CDR_REPEATED')).toBe(true);
		expect(invoiced.stderr).toMatch(new RegExp(`for ${cdrs.length} CDR\\(s\\), 0 CDR\\(s\\) already invoiced, ${failed.length} not invoiced`));
	});
});
