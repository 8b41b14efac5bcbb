/**
 * The README's CLI section runs as written, in order, in a fresh folder holding the repository's samples — right after
 * `npm run demo` too: a demo ledger (out/ledger.sqlite) that already billed the same CDRs must not stop the examples
 * from invoicing, as they keep their own ledger (out/cli/ledger.sqlite). Runs the built CLI (`npm test` builds first).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin', 'ev-clearing.js');

/** The first ```sh block after "## CLI", one command a line. */
function readmeCommands(): string[] {
	const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
	const section = readme.slice(readme.indexOf('\n## CLI\n'));
	const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
	return block.split('\n').filter((line) => line.trim() !== '');
}

describe("the README's CLI section", () => {
	it('is a runnable sequence of ev-clearing commands on the samples', () => {
		const commands = readmeCommands();
		expect(commands.length).toBeGreaterThanOrEqual(8);
		expect(commands.every((line) => /npx ev-clearing |^mkdir /.test(line))).toBe(true);
	});

	it('runs in order right after the demo: every command succeeds and invoice issues the documents', () => {
		if (!existsSync(path.join(root, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: npm run build first (npm test does).');
		const dir = mkdtempSync(path.join(tmpdir(), 'readme-cli-'));
		symlinkSync(path.join(root, 'samples'), path.join(dir, 'samples'));
		const node = process.execPath;
		const run = (script: string) =>
			execFileSync('bash', ['-c', `set -euo pipefail\nevc() { "${node}" "${bin}" "$@"; }\n${script}`], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
		// What `npm run demo` leaves: the demo's ledger, which billed these very CDRs.
		run('mkdir -p out && evc price --tariffs samples/tariffs.json samples/cdrs.json > out/demo-priced.ndjson && evc invoice --config samples/invoice-config.json --ledger out/ledger.sqlite --out out/invoices out/demo-priced.ndjson > /dev/null 2>&1');
		expect(readdirSync(path.join(dir, 'out', 'invoices'))).toHaveLength(15);

		const outputs = readmeCommands().map((line) => run(line.replace(/npx ev-clearing /g, 'evc ')));
		const invoiced = readFileSync(path.join(dir, 'out', 'cli', 'invoices.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
		expect(invoiced.filter((l) => l.kind === 'ev-clearing.invoice').map((l) => l.number)).toEqual([
			'EVC-2026-000001',
			'EVC-2026-000002',
			'EVC-2026-000003',
			'EVC-2026-000004',
			'EVC-AV-2026-000001',
		]);
		expect(invoiced.filter((l) => l.kind === 'failed').map((l) => l.code)).toEqual(Array(11).fill('SELLER_MISMATCH'));
		expect(readdirSync(path.join(dir, 'out', 'cli', 'invoices'))).toHaveLength(15);
		const imported = outputs[readmeCommands().findIndex((line) => line.includes('payments import'))].split('\n').filter(Boolean).map((l) => JSON.parse(l).kind);
		expect(imported).toEqual(['matched', 'matched', 'unmatched']);
		expect(existsSync(path.join(dir, 'out', 'cli', 'report.html'))).toBe(true);
		expect(outputs.at(-1)!.split('\n').filter(Boolean)).toHaveLength(26);
	}, 120_000);
});
