/**
 * Bad configuration (issue 17, item 1): removing each mandatory seller or partner field in turn gives a message
 * naming the field, and consumes no number — on every path. The parser refuses the configuration (library, CLI, node);
 * a library caller who builds the configuration object without the parser meets the in-process business rules,
 * which refuse the document before the ledger numbers it. Ledger rows are counted.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { main } from '../../cli/main';
import { InvoicingConfigError, parseInvoicingConfig } from '../../lib/invoice/config';
import type { InvoicingConfig } from '../../lib/invoice/config';
import { issueInvoices } from '../../lib/issuing';
import { openLedger } from '../../lib/ledger';
import { createPricer, pricedCdrToJson } from '../../lib/pricing';
import type { PricedCdr } from '../../lib/pricing';

const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8')) as Record<string, unknown>;
const cdrs = load('cdrs.json') as unknown as Array<Record<string, unknown>>;
const pricer = createPricer({ tariffs: load('tariffs.json') as never });
const priced: PricedCdr[] = cdrs.map((c) => pricer.price(c as never));
const dir = mkdtempSync(path.join(tmpdir(), 'config-refusal-'));

/** The sample configuration with one field removed, by its JSONPath-like name ("$.partners[1].vatId"). */
function without(file: string, field: string): Record<string, unknown> {
	const config = load(file);
	const keys = field.replace(/^\$\./, '').split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '');
	let target = config as Record<string, unknown>;
	for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
	delete target[keys[keys.length - 1]];
	return config;
}

const FR = 'invoice-config.json';
const DE = 'invoice-config-de.json';

/** [sample, field removed]: EN 16931, the postal address, and what the partners' networks need. */
const MANDATORY: Array<[string, string]> = [
	[FR, '$.seller.name'],
	[FR, '$.seller.vatId'],
	[FR, '$.seller.address'],
	[FR, '$.seller.address.line1'],
	[FR, '$.seller.address.city'],
	[FR, '$.seller.address.postCode'],
	[FR, '$.seller.address.countryCode'],
	[FR, '$.seller.iban'],
	[FR, '$.seller.legalRegistrationId'], // the French platform partner: seller SIREN (BR-FR-10)
	[FR, '$.seller.electronicAddress'], // Peppol and French platform partners (R020, BR-FR-13)
	[FR, '$.seller.operationCategory'], // the French platform partner: category of operation (BR-FR-08)
	[DE, '$.seller.contact.name'], // the XRechnung partner (BR-DE-5)
	[DE, '$.seller.contact.telephone'], // BR-DE-6
	[DE, '$.seller.contact.email'], // BR-DE-7
	[FR, '$.partners[0].name'],
	[FR, '$.partners[0].ocpi'],
	[FR, '$.partners[0].address'],
	[FR, '$.partners[0].address.line1'],
	[FR, '$.partners[0].address.city'],
	[FR, '$.partners[0].address.postCode'],
	[FR, '$.partners[0].address.countryCode'],
	[FR, '$.partners[0].legalRegistrationId'], // French platform: buyer SIREN
	[FR, '$.partners[0].electronicAddress'], // French platform: BR-FR-12
	[FR, '$.partners[1].vatId'], // reverse charge: BR-AE-02
	[FR, '$.partners[2].electronicAddress'], // Peppol: R010
	[DE, '$.partners[1].buyerReference'], // XRechnung: BR-DE-15
];

describe('a sample configuration with a mandatory field removed', () => {
	it.each(MANDATORY)('%s without %s is refused, naming the field', (file, field) => {
		let error: unknown;
		try {
			parseInvoicingConfig(without(file, field));
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(InvoicingConfigError);
		expect((error as InvoicingConfigError).path).toBe(field);
		expect((error as InvoicingConfigError).message.startsWith(`${field}: `)).toBe(true);
		expect((error as InvoicingConfigError).code).toBe('CONFIG_FIELD_MISSING');
	});

	it('accepts both sample configurations whole', () => {
		expect(parseInvoicingConfig(load(FR)).partners.map((p) => p.specification)).toEqual(['fr-ctc', 'en16931', 'peppol', 'peppol']);
		expect(parseInvoicingConfig(load(DE)).partners.map((p) => p.specification)).toEqual(['peppol', 'xrechnung', 'peppol', 'peppol']);
	});

	it('refuses it on the CLI too (exit 2, the field named) and writes no invoice', async () => {
		const bad = path.join(dir, 'no-vat.json');
		writeFileSync(bad, JSON.stringify(without(FR, '$.seller.vatId')));
		const input = path.join(dir, 'priced.ndjson');
		writeFileSync(input, priced.map((p) => JSON.stringify(pricedCdrToJson(p))).join('\n'));
		const ledgerPath = path.join(dir, 'cli.sqlite');
		const errors: string[] = [];
		const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
			errors.push(String(chunk));
			return true;
		});
		let code: number;
		try {
			code = await main(['invoice', '--config', bad, '--out', path.join(dir, 'out'), '--ledger', ledgerPath, input]);
		} finally {
			spy.mockRestore();
		}
		expect(code).toBe(2);
		expect(errors.join('')).toContain('$.seller.vatId: is required');
		const ledger = await openLedger({ kind: 'sqlite', path: ledgerPath });
		expect(await ledger.listInvoices()).toEqual([]);
		await ledger.close();
	});
});

/**
 * [sample, field removed from the parsed configuration, EN16931 term the refusal names, rule]: a library caller
 * skipping the parser. Only fields a rule of EN 16931 or of the partner's network needs can be held to in process.
 */
const IN_PROCESS: Array<[string, (c: InvoicingConfig) => void, string, string]> = [
	[FR, (c) => delete (c.seller as Partial<InvoicingConfig['seller']>).vatId, 'seller.vatId (BT-31)', 'BR-S-02'],
	[FR, (c) => (c.seller.name = ''), 'seller.name (BT-27)', 'BR-06'],
	[FR, (c) => (c.seller.address = { ...c.seller.address, countryCode: '' }), 'seller.address.countryCode (BT-40)', 'BR-09'],
	[FR, (c) => (c.seller.iban = ''), 'payment.iban (BT-84)', 'BR-61'],
	[FR, (c) => delete c.seller.legalRegistrationId, 'seller.legalRegistrationId (BT-30)', 'BR-FR-10'],
	[FR, (c) => delete c.seller.electronicAddress, 'seller.electronicAddress (BT-34)', 'BR-FR-13'],
	[FR, (c) => delete c.partners[0].legalRegistrationId, 'buyer.legalRegistrationId (BT-47)', 'BR-FR-11'],
	[FR, (c) => delete c.partners[0].electronicAddress, 'buyer.electronicAddress (BT-49)', 'BR-FR-12'],
	[FR, (c) => delete c.partners[1].vatId, 'buyer.vatId (BT-48)', 'BR-AE-02'],
	[FR, (c) => delete c.partners[2].electronicAddress, 'buyer.electronicAddress (BT-49)', 'PEPPOL-EN16931-R010'],
	[FR, (c) => (c.partners[3].name = ''), 'buyer.name (BT-44)', 'BR-07'],
	[DE, (c) => (c.seller.contact = { ...c.seller.contact, telephone: undefined }), 'seller.contact.telephone (BT-42)', 'BR-DE-6'],
	[DE, (c) => (c.seller.contact = { ...c.seller.contact, email: undefined }), 'seller.contact.email (BT-43)', 'BR-DE-7'],
];

describe('a configuration object built without the parser (library)', () => {
	it.each(IN_PROCESS.map(([file, mutate, field, rule], i) => ({ i, file, mutate, field, rule })))(
		'$file: refuses the documents naming $field ($rule), and numbers nothing',
		async ({ i, file, mutate, field, rule }) => {
			const config = parseInvoicingConfig(load(file));
			mutate(config);
			const ledger = await openLedger({ kind: 'sqlite', path: path.join(dir, `library-${i}.sqlite`) });
			try {
				const outcome = await issueInvoices(priced, config, ledger, { creationDate: new Date('2026-11-02T08:00:00Z') });
				const refused = outcome.failures.filter((f) => f.code === 'INVOICE_RULES_VIOLATED');
				expect(refused.length).toBeGreaterThan(0);
				for (const failure of refused) expect(failure.message).toContain(` ${field}: `);
				expect(refused.some((failure) => failure.message.includes(`${rule} ${field}`))).toBe(true);
				expect(refused[0].message).toMatch(/^Not issued, no number used/);
				// Nothing numbered for the refused documents: the ledger holds only the others, and no number is missing.
				const issued = await ledger.listInvoices();
				expect(issued).toHaveLength(outcome.documents.length);
				const numbers = issued.map((s) => s.number).sort();
				const series = (n: string) => n.replace(/\d+$/, '');
				for (const s of new Set(numbers.map(series))) {
					const sequence = numbers.filter((n) => series(n) === s).map((n) => Number(/\d+$/.exec(n)![0]));
					expect(sequence).toEqual(sequence.map((_, k) => k + 1));
				}
			} finally {
				await ledger.close();
			}
		},
	);
});
