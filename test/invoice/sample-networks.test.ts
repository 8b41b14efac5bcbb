/**
 * The sample documents (both sample sellers, monthly) pass the rules of the network each travels on: Peppol BIS 3
 * for Peppol partners, XRechnung 3.0 for the German seller's XRechnung partner, BR-FR for the French platform
 * partner — and every file passes EN 16931 / Factur-X without the empty-delivery warnings (FX-SCH-A-000372/000354).
 * `npm run validate:invoices` prints the whole table (each document under every rule set).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseInvoicingConfig } from '../../lib/invoice/config';
import { issueInvoices } from '../../lib/issuing';
import type { IssuedDocument } from '../../lib/issuing';
import { openLedger } from '../../lib/ledger';
import { createPricer } from '../../lib/pricing';
import { fatalFindings, VALIDATOR, validateEInvoices } from '../helpers/einvoice-validator';
import { sharedAvailable } from '../helpers/shared-folder';
import { frenchFatalIds, frenchRulesChecker } from '../helpers/french-rules';

const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8'));
const dir = mkdtempSync(path.join(tmpdir(), 'sample-networks-'));
const shared = sharedAvailable(VALIDATOR, 'the network validator tests of the sample documents (Peppol, XRechnung, BR-FR)');

(shared ? describe : describe.skip)('the sample documents on their networks', () => {
	const documents: IssuedDocument[] = [];
	const fileOf = (document: IssuedDocument, format: string) => path.join(dir, document.files.find((f) => f.format === format)!.fileName);
	const of = (specification: string) => documents.filter((d) => d.invoice.specification === specification);

	beforeAll(async () => {
		const pricer = createPricer({ tariffs: load('tariffs.json') });
		const priced = (load('cdrs.json') as unknown[]).map((cdr) => pricer.price(cdr as never));
		const ledger = await openLedger({ kind: 'sqlite', path: path.join(dir, 'ledger.sqlite') });
		for (const file of ['invoice-config.json', 'invoice-config-de.json']) {
			const config = parseInvoicingConfig(load(file));
			const mine = priced.filter((p) => config.seller.ocpi!.some((o) => o.country_code === p.country_code && o.party_id === p.party_id));
			const outcome = await issueInvoices(mine, config, ledger, { creationDate: new Date('2026-11-02T08:00:00Z') });
			expect(outcome.failures).toEqual([]);
			documents.push(...outcome.documents);
		}
		await ledger.close();
		for (const document of documents) for (const f of document.files) writeFileSync(path.join(dir, f.fileName), f.data);
	}, 120_000);

	it('has documents for every network: French platform, Peppol, XRechnung, plain EN 16931', () => {
		expect(documents.map((d) => `${d.invoice.number} ${d.invoice.specification}`)).toEqual([
			'EVC-2026-000001 fr-ctc',
			'EVC-2026-000002 peppol',
			'EVC-2026-000003 en16931',
			'EVC-2026-000004 peppol',
			'EVC-AV-2026-000001 en16931',
			'LDN26-00001 xrechnung',
			'LDN26-00002 peppol',
			'LDN26-00003 peppol',
			'LDN26-00004 peppol',
		]);
	});

	it('passes EN 16931 and Factur-X in every file, with no empty delivery element', async () => {
		const files = documents.flatMap((d) => d.files.map((f) => path.join(dir, f.fileName)));
		const verdicts = await validateEInvoices(files);
		for (const v of verdicts) expect([v.file, fatalFindings(v)]).toEqual([v.file, '']);
		const emptyDelivery = verdicts.flatMap((v) => v.issues.filter((i) => /FX-SCH-A-000(372|354)/.test(i.id ?? '')).map((i) => `${v.file} ${i.id}`));
		expect(emptyDelivery).toEqual([]);
	}, 180_000);

	it('passes Peppol BIS 3 on the UBL of every Peppol partner (0 fatal)', async () => {
		const verdicts = await validateEInvoices(of('peppol').map((d) => fileOf(d, 'ubl')), { rules: ['peppol'] });
		expect(verdicts).toHaveLength(5);
		for (const v of verdicts) expect([v.file, fatalFindings(v)]).toEqual([v.file, '']);
	}, 120_000);

	it('passes XRechnung 3.0 on the CII and UBL of the XRechnung partner (0 fatal)', async () => {
		const files = of('xrechnung').flatMap((d) => [fileOf(d, 'cii'), fileOf(d, 'ubl')]);
		const verdicts = await validateEInvoices(files, { rules: ['xrechnung'] });
		expect(verdicts).toHaveLength(2);
		for (const v of verdicts) expect([v.file, fatalFindings(v)]).toEqual([v.file, '']);
	}, 120_000);

	it('passes the French BR-FR rules on the UBL of the French platform partner (0 fatal)', () => {
		const check = frenchRulesChecker();
		const french = of('fr-ctc');
		expect(french).toHaveLength(1);
		for (const d of french) expect([d.invoice.number, frenchFatalIds(check(readFileSync(fileOf(d, 'ubl'), 'utf8')))]).toEqual([d.invoice.number, []]);
	}, 180_000);

	it('passes them too with one line per price component (quantities in hours to 4 decimals, BR-FR-DEC-02)', async () => {
		const config = parseInvoicingConfig(load('invoice-config.json'));
		config.invoicing.lines = 'per_component';
		config.invoicing.invoiceMismatches = true;
		const pricer = createPricer({ tariffs: load('tariffs.json') });
		const cdrs = load('cdrs.json') as Array<{ id: string; charging_periods: Array<{ dimensions: Array<{ type: string; volume: number }> }> }>;
		// 1 h 31 min of paid parking for Mobilis: 1.516667 h, which no 4-decimal quantity states exactly.
		const paris = cdrs.find((c) => c.id === 'FREVC2610140005')!;
		paris.charging_periods[1].dimensions.find((d) => d.type === 'PARKING_TIME')!.volume = 1.516667;
		const priced = cdrs.map((cdr) => pricer.price(cdr as never)).filter((p) => p.country_code === 'FR');
		const ledger = await openLedger({ kind: 'sqlite', path: path.join(dir, 'per-component.sqlite') });
		const outcome = await issueInvoices(priced, config, ledger, { creationDate: new Date('2026-11-02T08:00:00Z') });
		await ledger.close();
		expect(outcome.failures).toEqual([]);
		const check = frenchRulesChecker();
		const french = outcome.documents.filter((d) => d.invoice.specification === 'fr-ctc');
		const parking = french.flatMap((d) => d.invoice.lines).find((l) => l.unitCode === 'HUR' && l.objectId?.value === paris.id)!;
		expect(parking.quantity.toFixed()).toBe('1.5333'); // 92 min billed (the tariff's step)
		for (const d of french) {
			const ubl = d.files.find((f) => f.format === 'ubl')!.data.toString('utf8');
			expect([d.invoice.number, frenchFatalIds(check(ubl))]).toEqual([d.invoice.number, []]);
		}
	}, 180_000);
});
