/**
 * Build Invoice with Seller and Partners as form fields (issue 17.5), on the ledger named by the "EV Clearing Ledger"
 * credential: the same invoices as the JSON configuration, and every mandatory field left empty in turn is refused
 * with the panel's label of the field, before any number is taken from the ledger.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { BuildInvoice } from '../../nodes/BuildInvoice/BuildInvoice.node';
import { createPricer, pricedCdrToJson } from '../../lib/pricing';
import { openLedger } from '../../lib/ledger';
import { runNode } from '../helpers/n8n-engine';

const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8'));
const cdrs = load('cdrs.json') as Array<{ id: string; country_code: string; credit?: boolean }>;
const pricer = createPricer({ tariffs: load('tariffs.json') });
const priced = cdrs.map((c) => pricedCdrToJson(pricer.price(c as never)));
// CDRs billed to the French eMSP (fr-ctc) and to the Dutch one (Peppol, reverse charge)
const billed = priced.filter((p) => p.country_code === 'FR' && !p.cdr.credit && ['MOB', 'ROM'].includes(String(p.cdr.emsp_party_id)));

const seller = {
	sellerName: 'EV Charge France SAS',
	sellerOcpiParties: 'FR*EVC',
	sellerStreet: '15 boulevard Haussmann',
	sellerPostCode: '75009',
	sellerCity: 'Paris',
	sellerCountry: 'FR',
	sellerCompanyNumberScheme: '0002',
	sellerCompanyNumber: '884123456',
	sellerVatId: 'FR52884123456',
	sellerEAddressScheme: '0225',
	sellerEAddress: '884123456',
	sellerIban: 'FR7630006000011234567890189',
	sellerBic: 'AGRIFRPP',
	sellerDetails: { operationCategory: 'services', shareCapital: '150 000 EUR', legalForm: 'SAS', tradeRegister: 'RCS Paris 884 123 456' },
};
const french = {
	name: 'Mobilis France SAS',
	ocpiCountryCode: 'FR',
	ocpiPartyId: 'MOB',
	street: '27 rue de la Gare',
	postCode: '69003',
	city: 'Lyon',
	country: 'FR',
	companyNumberScheme: '0002',
	companyNumber: '901543215',
	vatId: 'FR94901543215',
	eAddressScheme: '0225',
	eAddress: '901543215',
	email: 'factures@mobilis-france.example',
	specification: 'fr-ctc',
};
const dutch = {
	name: 'Roam Netherlands B.V.',
	ocpiCountryCode: 'NL',
	ocpiPartyId: 'ROM',
	street: 'Keizersgracht 100',
	postCode: '1015 CV',
	city: 'Amsterdam',
	country: 'NL',
	vatId: 'NL812345678B01',
	vatRegime: 'reverse_charge',
	eAddressScheme: '0106',
	eAddress: '34567890',
	email: 'invoices@roam-netherlands.example',
	specification: 'peppol',
};

const dir = mkdtempSync(path.join(tmpdir(), 'build-invoice-form-'));
const ledgerPath = path.join(dir, 'ledger.sqlite');
const credentials = { evClearingLedgerApi: { kind: 'sqlite', path: ledgerPath } };

function parameters(overrides: { seller?: IDataObject; partners?: IDataObject[] } = {}): IDataObject {
	return {
		ledger: 'credential',
		...(overrides.seller ?? seller),
		partnerList: { partner: overrides.partners ?? [french, dutch] },
		mode: 'per_cdr',
		series: 'EVC',
		creditNoteSeries: 'EVC-AV',
		options: { issueDate: '2026-11-02' },
	};
}

async function build(params: IDataObject, input = billed.slice(0, 1)): Promise<{ outputs: INodeExecutionData[][]; error?: Error }> {
	// n8n refuses a workflow whose node misses a required parameter before running it (WorkflowHasIssuesError).
	return await runNode(new BuildInvoice(), input as unknown as IDataObject[], {
		typeVersion: 2,
		parameters: params,
		credentials: { evClearingLedgerApi: { id: '1', name: 'Ledger' } },
	}, { credentials }).catch((error: Error) => ({ outputs: [], error }));
}

async function numbers(): Promise<string[]> {
	const ledger = await openLedger({ kind: 'sqlite', path: ledgerPath });
	try {
		return (await ledger.listInvoices()).map((i) => i.number);
	} finally {
		await ledger.close();
	}
}

/**
 * A field marked required on the panel is refused by n8n itself before the node runs ('Parameter "City" is required.',
 * the editor marks it red); a field required by the partner's network, by the node's check with the full label.
 */
function expectNamed(error: Error | undefined, label: string): void {
	const field = label.split(' → ').pop()!;
	expect(error?.message ?? '').toMatch(new RegExp(`(Parameter "${field.replace(/[()]/g, '\\$&')}" is required|${label.replace(/[()]/g, '\\$&')}: )`));
}

const without = (o: IDataObject, key: string): IDataObject => {
	const copy = { ...o };
	delete copy[key];
	return copy;
};

describe('Build Invoice v2: Seller and Partners as form fields, ledger from the credential', () => {
	it('issues valid invoices from the form, to the French platform buyer and the Peppol buyer', async () => {
		const { outputs, error } = await build(parameters(), billed.slice(0, 2));
		expect(error).toBeUndefined();
		const [invoices, , failed] = outputs;
		expect(failed).toEqual([]);
		expect(invoices.map((i) => i.json.number)).toEqual(['EVC-2026-000001', 'EVC-2026-000002']);
		expect(invoices[0].json).toMatchObject({ seller: { name: 'EV Charge France SAS', vatId: 'FR52884123456' } });
		const buyers = invoices.map((i) => (i.json.buyer as IDataObject).name);
		expect(new Set(buyers).size).toBeGreaterThan(0);
		expect(await numbers()).toEqual(['EVC-2026-000001', 'EVC-2026-000002']);
	});

	const sellerCases: Array<[string, string]> = [
		['sellerName', 'Seller → Your Company Name'],
		['sellerStreet', 'Seller → Your Street'],
		['sellerPostCode', 'Seller → Your Post Code'],
		['sellerCity', 'Seller → Your City'],
		['sellerCountry', 'Seller → Your Country'],
		['sellerVatId', 'Seller → Your VAT Number'],
		['sellerIban', 'Seller → Your IBAN'],
		// needed because a partner receives French platform documents, and another Peppol ones
		['sellerCompanyNumber', 'Seller → Your Company Number'],
		['sellerEAddress', 'Seller → Your E-Invoicing Address'],
	];
	it.each(sellerCases)('refuses an empty %s, naming "%s", and takes no number', async (field, label) => {
		const before = await numbers();
		const { outputs, error } = await build(parameters({ seller: without(seller, field) }));
		expectNamed(error, label);
		expect(outputs[0] ?? []).toEqual([]);
		expect(await numbers()).toEqual(before);
	});

	it('refuses a French-platform seller without its operation category, naming it', async () => {
		const { error } = await build(parameters({ seller: { ...seller, sellerDetails: {} } }));
		expect(error?.message).toContain('Seller → More About the Seller → Operation Category (France)');
	});

	const partnerCases: Array<[string, number, string]> = [
		['name', 0, 'Partners → Partner 1 → Company Name'],
		['ocpiCountryCode', 0, 'Partners → Partner 1 (Mobilis France SAS) → OCPI Country Code'],
		['ocpiPartyId', 0, 'Partners → Partner 1 (Mobilis France SAS) → OCPI Party ID'],
		['street', 0, 'Partners → Partner 1 (Mobilis France SAS) → Street'],
		['postCode', 0, 'Partners → Partner 1 (Mobilis France SAS) → Post Code'],
		['city', 0, 'Partners → Partner 1 (Mobilis France SAS) → City'],
		['country', 0, 'Partners → Partner 1 (Mobilis France SAS) → Country'],
		['companyNumber', 0, 'Partners → Partner 1 (Mobilis France SAS) → Company Number'],
		['eAddress', 0, 'Partners → Partner 1 (Mobilis France SAS) → E-Invoicing Address'],
		['vatId', 1, 'Partners → Partner 2 (Roam Netherlands B.V.) → VAT Number'],
		['eAddress', 1, 'Partners → Partner 2 (Roam Netherlands B.V.) → E-Invoicing Address'],
	];
	it.each(partnerCases)('refuses an empty partner %s (partner %i), naming "%s", and takes no number', async (field, index, label) => {
		const before = await numbers();
		const partners = [french, dutch].map((p, i) => (i === index ? without(p, field) : p));
		const { outputs, error } = await build(parameters({ partners }));
		expectNamed(error, label);
		expect(outputs[0] ?? []).toEqual([]);
		expect(await numbers()).toEqual(before);
	});

	it('after all those refusals, the next invoice takes the next number: none was burnt', async () => {
		const { outputs } = await build(parameters(), billed.slice(2, 3));
		expect(outputs[0].map((i) => i.json.number)).toEqual(['EVC-2026-000003']);
		expect(await numbers()).toEqual(['EVC-2026-000001', 'EVC-2026-000002', 'EVC-2026-000003']);
	});

	it('with Continue On Fail, a bad form sends every item to Failed with the coded reason', async () => {
		const { outputs } = await runNode(new BuildInvoice(), billed.slice(3, 5) as unknown as IDataObject[], {
			typeVersion: 2,
			continueOnFail: true,
			parameters: parameters({ seller: without(seller, 'sellerCompanyNumber') }),
			credentials: { evClearingLedgerApi: { id: '1', name: 'Ledger' } },
		}, { credentials });
		const [invoices, , failed] = outputs;
		expect(invoices).toEqual([]);
		expect(failed.map((f) => (f.json.error as IDataObject).code)).toEqual(['INVOICING_CONFIG_INVALID', 'INVOICING_CONFIG_INVALID']);
		expect(String((failed[0].json.error as IDataObject).message)).toMatch(/^Seller → Your Company Number: is required: .*SIREN.*\(\$\.seller\.legalRegistrationId\)$/);
	});

	it('a version 1 node without configInput still reads its Seller and Partners JSON', async () => {
		const config = load('invoice-config.json');
		const { outputs, error } = await runNode(new BuildInvoice(), billed.slice(3, 4) as unknown as IDataObject[], {
			typeVersion: 1,
			parameters: {
				ledger: 'sqlite',
				ledgerPath,
				seller: JSON.stringify(config.seller),
				partners: JSON.stringify(config.partners),
				series: 'EVC',
				creditNoteSeries: 'EVC-AV',
				options: { issueDate: '2026-11-02' },
			},
		});
		expect(error).toBeUndefined();
		expect(outputs[0].map((i) => i.json.number)).toEqual(['EVC-2026-000004']);
	});
});
