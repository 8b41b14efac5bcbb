/**
 * Build Invoice from OCPI 2.3.0 priced CDRs, through the CLI chain a user runs (`price --ocpi-version 2.3.0`, then
 * `invoice`): the German CPO's 2.3.0 samples, one of whose tariffs states its price incl. VAT (tax_included YES),
 * invoice to the cent as their 2.2.1 twins do, and the documents pass the official EN16931 validator.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { invoiceCommand } from '../../cli/commands/invoice';
import { priceCommand } from '../../cli/commands/price';
import type { Command } from '../../cli/usage';
import { fatalFindings, validateEInvoices, withValidator } from '../helpers/einvoice-validator';

const SAMPLES = path.resolve(__dirname, '../../samples');
const dir = mkdtempSync(path.join(tmpdir(), 'ocpi-230-invoice-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Line = Record<string, unknown>;
async function run(command: Command, args: string[]): Promise<Line[]> {
	const chunks: string[] = [];
	const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
		chunks.push(String(chunk));
		return true;
	});
	const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
	try {
		expect(await command.run(args)).toBe(0);
		return chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
	} finally {
		out.mockRestore();
		err.mockRestore();
	}
}

/** price, then invoice with the German CPO's configuration, into a folder of its own with its own ledger. */
async function chain(name: string, priceArgs: string[]): Promise<{ priced: Line[]; documents: Line[]; failed: Line[]; out: string }> {
	const priced = await run(priceCommand, priceArgs);
	const file = path.join(dir, `${name}.ndjson`);
	writeFileSync(file, priced.map((l) => JSON.stringify(l)).join('\n'));
	const out = path.join(dir, name);
	const lines = await run(invoiceCommand, [
		'--config', path.join(SAMPLES, 'invoice-config-de.json'),
		'--ledger', path.join(dir, `${name}.sqlite`),
		'--issue-date', '2026-11-02',
		'--out', out,
		file,
	]);
	return { priced, documents: lines.filter((l) => l.kind === 'ev-clearing.invoice'), failed: lines.filter((l) => l.kind === 'failed'), out };
}

let v221: Awaited<ReturnType<typeof chain>>;
let v230: Awaited<ReturnType<typeof chain>>;
beforeAll(async () => {
	v221 = await chain('v221', ['--tariffs', path.join(SAMPLES, 'tariffs.json'), path.join(SAMPLES, 'cdrs.json')]);
	v230 = await chain('v230', [
		'--ocpi-version', '2.3.0',
		'--tariffs', path.join(SAMPLES, 'ocpi-2.3.0', 'tariffs.json'),
		path.join(SAMPLES, 'ocpi-2.3.0', 'cdrs.json'),
	]);
}, 60_000);

test('2.3.0 CDRs price as 2.3.0 and match what they declare', () => {
	expect(v230.priced.map((p) => [p.ocpi_version, p.status])).toEqual(v221.priced.map((p) => ['2.3.0', p.status]));
	expect(v230.priced.map((p) => p.computed)).toEqual(v221.priced.map((p) => p.computed));
});

test('the same invoices as from 2.2.1: numbers, buyers, lines, VAT breakdown and totals', () => {
	expect(v230.documents.length).toBeGreaterThan(0);
	const withoutFiles = (l: Line) => ({ ...l, files: undefined });
	expect(v230.documents.map(withoutFiles)).toEqual(v221.documents.map(withoutFiles));
	expect(v230.failed).toEqual(v221.failed);
	// The domestic eMSP is billed 19 % VAT on both tariffs, the one given incl. VAT (DE-LDN-AC) included; the foreign
	// eMSPs are reverse-charged (AE), as in 2.2.1. (Documents come in the order of their eMSP.)
	const vatOf = (d: Line) => (d.vatBreakdown as Array<{ category: string; rate: string }>).map((v) => `${v.category} ${v.rate}`);
	expect(Object.fromEntries(v230.documents.map((d) => [(d.buyer as { ocpiParty: string }).ocpiParty, vatOf(d)]))).toEqual({
		'DE*CHP': ['S 19'],
		'FR*MOB': ['AE 0'],
		'NL*ROM': ['AE 0'],
		'BE*EMS': ['AE 0'],
	});
});

withValidator().test(
	"the 2.3.0 chain's documents pass the official EN16931 / Factur-X validator",
	async () => {
		const files = readdirSync(v230.out).map((f) => path.join(v230.out, f));
		expect(files.length).toBeGreaterThan(0);
		for (const verdict of await validateEInvoices(files)) expect({ file: verdict.file, fatal: fatalFindings(verdict) }).toEqual({ file: verdict.file, fatal: '' });
	},
	120_000,
);
