/**
 * Every rendering of every test invoice, judged by the official artefacts (../shared/einvoice-validator): EN16931 and
 * Factur-X schematrons, XSDs, PDF/A-3 container checks. One validator run (one JVM) for the whole batch.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currencyProfileProblem, renderAll, renderCii, renderFacturXPdf, renderUbl } from '../../lib/einvoice';
import type { Invoice } from '../../lib/invoice/model';
import { ALL_FIXTURES, BUYER_FR, monthlyInvoice, perCdrInvoice } from './fixtures';
import { fatalFindings as describeFatal, validateEInvoices as runValidator, withValidator } from '../helpers/einvoice-validator';
import type { Verdict } from '../helpers/einvoice-validator';

const CREATED = new Date('2026-03-31T10:00:00Z');

withValidator().describe('renderings judged by the official EN16931 / Factur-X validator', () => {
	const dir = mkdtempSync(join(tmpdir(), 'einvoice-test-'));
	const expected = new Map<string, { syntax: string; profile: string }>();
	let verdicts: Verdict[] = [];
	let control: Verdict | undefined;

	async function write(name: string, invoice: Invoice): Promise<void> {
		// EXTENDED is not offered where it cannot hold the currency (whole-yen VAT, see currencyProfileProblem).
		const extended = currencyProfileProblem(invoice.currency, 'EXTENDED') === undefined;
		const files: Array<[string, string | Buffer, string, string]> = [
			[`${name}.cii.xml`, renderCii(invoice), 'CII', 'EN 16931'],
			...(extended ? [[`${name}.cii-extended.xml`, renderCii(invoice, { profile: 'EXTENDED' }), 'CII', 'EXTENDED'] as [string, string, string, string]] : []),
			[`${name}.ubl.xml`, renderUbl(invoice), 'UBL', ''],
			[`${name}.pdf`, await renderFacturXPdf(invoice, { creationDate: CREATED }), 'CII', 'EN 16931'],
			...(extended ? [[`${name}.extended.pdf`, await renderFacturXPdf(invoice, { profile: 'EXTENDED', creationDate: CREATED }), 'CII', 'EXTENDED'] as [string, Buffer, string, string]] : []),
		];
		for (const [file, data, syntax, profile] of files) {
			writeFileSync(join(dir, file), data);
			expected.set(join(dir, file), { syntax, profile });
		}
	}

	beforeAll(async () => {
		for (const [name, make] of Object.entries(ALL_FIXTURES)) await write(name, make());
		// Markup characters in names must be escaped in the XML and kept out of the XMP.
		const awkward = perCdrInvoice(7);
		await write('escaping', { ...awkward, buyer: { ...BUYER_FR, name: 'Dupont & Fils <Mobilité> "SARL"' } });

		const big = monthlyInvoice(10_000);
		const [pdf] = await renderAll(big, ['facturx'], { creationDate: CREATED });
		writeFileSync(join(dir, 'monthly-10000.pdf'), pdf.data);
		expected.set(join(dir, 'monthly-10000.pdf'), { syntax: 'CII', profile: 'EN 16931' });
		writeFileSync(join(dir, 'monthly-10000.ubl.xml'), renderUbl(big));
		expected.set(join(dir, 'monthly-10000.ubl.xml'), { syntax: 'UBL', profile: '' });

		// A control: the same per-CDR CII with a wrong grand total must be caught, or the harness proves nothing.
		const broken = renderCii(perCdrInvoice(1)).replace(/<ram:GrandTotalAmount>9.85</, '<ram:GrandTotalAmount>9.86<');
		writeFileSync(join(dir, 'control-broken.cii.xml'), broken);

		verdicts = await runValidator([...expected.keys(), join(dir, 'control-broken.cii.xml')]);
		control = verdicts.pop();
	}, 600_000);

	it('judges every file of the batch', () => {
		expect(verdicts.map((v) => v.file).sort()).toEqual([...expected.keys()].sort());
		// Every fixture in 5 files, but the yen one in 3 (no EXTENDED); the escaping case in 5; the 10,000-line invoice in 2.
		expect(verdicts.length).toBe(Object.keys(ALL_FIXTURES).length * 5 - 2 + 5 + 2);
	});

	it('catches a wrong total in the control file (BR-CO-15)', () => {
		expect(control?.valid).toBe(false);
		expect(control?.issues.filter((i) => i.severity === 'fatal').map((i) => i.id)).toContain('BR-CO-15');
	});

	it('finds zero fatal issues in any file', () => {
		const failures = verdicts.filter((v) => v.fatal > 0).map((v) => `${v.file}\n${describeFatal(v)}`);
		expect(failures).toEqual([]);
		for (const verdict of verdicts) expect(verdict.valid).toBe(true);
	});

	it('is read with the syntax and profile it was written in', () => {
		for (const verdict of verdicts) {
			const { syntax, profile } = expected.get(verdict.file)!;
			expect(`${verdict.file}: ${verdict.syntax}`).toBe(`${verdict.file}: ${syntax}`);
			if (profile) expect(`${verdict.file}: ${verdict.profile}`).toBe(`${verdict.file}: ${profile}`);
		}
	});

	it('raises no warning on the UBL files and the PDF container', () => {
		const warnings = verdicts.flatMap((v) =>
			v.issues
				.filter((i) => i.severity === 'warning' && (v.syntax === 'UBL' || (i.id ?? '').startsWith('PDF')))
				.map((i) => `${v.file}: ${i.id} ${i.text}`),
		);
		expect(warnings).toEqual([]);
	});

});
