import { parseInvoicingConfig } from '../../lib/invoice/config';
import type { InvoicingConfigError } from '../../lib/invoice/config';
import {
	electronicAddressProblem,
	isValidBelgianEnterpriseNumber,
	isValidFrenchVatId,
	isValidGermanVatId,
	isValidGln,
	isValidSiren,
	isValidSiret,
	PEPPOL_EAS_SCHEMES,
} from '../../lib/invoice/identifiers';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const sample = () => JSON.parse(readFileSync(path.resolve(__dirname, '../../samples/invoice-config.json'), 'utf8'));

function refusal(mutate: (config: ReturnType<typeof sample>) => void): { code: string; path: string; message: string } {
	const config = sample();
	mutate(config);
	try {
		parseInvoicingConfig(config);
	} catch (error) {
		const e = error as InvoicingConfigError;
		return { code: e.code, path: e.path, message: e.message };
	}
	throw new Error('the configuration was accepted');
}

describe('identifier check digits', () => {
	it('SIREN and SIRET: Luhn', () => {
		expect(isValidSiren('884123456')).toBe(true);
		expect(isValidSiren('884123457')).toBe(false);
		expect(isValidSiren('88412345')).toBe(false);
		expect(isValidSiret('88412345600003')).toBe(true);
		expect(isValidSiret('88412345600004')).toBe(false);
	});

	it('Belgian enterprise number (mod 97), German VAT (MOD 11,10), French VAT key, GLN', () => {
		expect(isValidBelgianEnterpriseNumber('0403123486')).toBe(true);
		expect(isValidBelgianEnterpriseNumber('0403123487')).toBe(false);
		expect(isValidGermanVatId('DE136695976')).toBe(true);
		expect(isValidGermanVatId('DE123456789')).toBe(false);
		expect(isValidFrenchVatId('FR52884123456')).toBe(true);
		expect(isValidFrenchVatId('FR53884123456')).toBe(false);
		expect(isValidGln('5412345000013')).toBe(true);
		expect(isValidGln('5412345000014')).toBe(false);
	});

	it('electronic addresses by scheme: 0225 starts with a SIREN, 0208 and 9925 mod 97, 9930, 0106, 0190, EM', () => {
		expect(electronicAddressProblem('884123456', '0225')).toBeUndefined();
		expect(electronicAddressProblem('884123456_88412345600003', '0225')).toBeUndefined();
		expect(electronicAddressProblem('884123457', '0225')).toMatch(/SIREN/);
		expect(electronicAddressProblem('0403123486', '0208')).toBeUndefined();
		expect(electronicAddressProblem('BE0403123486', '9925')).toBeUndefined();
		expect(electronicAddressProblem('BE0403123487', '9925')).toMatch(/Belgian VAT/);
		expect(electronicAddressProblem('DE136695976', '9930')).toBeUndefined();
		expect(electronicAddressProblem('1234567', '0106')).toMatch(/KvK/);
		expect(electronicAddressProblem('00000001234567890000', '0190')).toBeUndefined();
		expect(electronicAddressProblem('billing@ems.example', 'EM')).toBeUndefined();
		expect(electronicAddressProblem('billing at ems', 'EM')).toMatch(/without spaces/);
		expect(electronicAddressProblem('x', 'ZZZZ')).toMatch(/not in the EAS code list/);
		expect(PEPPOL_EAS_SCHEMES.has('EM')).toBe(false);
		expect(PEPPOL_EAS_SCHEMES.has('0225')).toBe(true);
	});
});

describe('the configuration refuses a bad identifier with a code and the field', () => {
	it('an unknown electronic address scheme', () => {
		expect(refusal((c) => (c.partners[3].electronicAddress = { value: '0403123486', scheme: 'BE' }))).toEqual({
			code: 'ELECTRONIC_ADDRESS_SCHEME_UNKNOWN',
			path: '$.partners[3].electronicAddress',
			message: expect.stringContaining('scheme "BE" is not in the EAS code list'),
		});
	});

	it('a malformed SIREN (Luhn), as a platform address and as the legal registration', () => {
		expect(refusal((c) => (c.partners[0].electronicAddress = { value: '901543216', scheme: '0225' }))).toMatchObject({
			code: 'ELECTRONIC_ADDRESS_INVALID',
			path: '$.partners[0].electronicAddress',
		});
		expect(refusal((c) => (c.seller.legalRegistrationId = { value: '884123457', scheme: '0002' }))).toMatchObject({
			code: 'IDENTIFIER_INVALID',
			path: '$.seller.legalRegistrationId',
			message: expect.stringContaining('not a SIREN'),
		});
	});

	it('an address without its scheme, an e-mail for a Peppol partner, an IBAN with wrong check digits', () => {
		expect(refusal((c) => (c.partners[2].electronicAddress = { value: '34567890' }))).toMatchObject({
			code: 'CONFIG_FIELD_MISSING',
			path: '$.partners[2].electronicAddress.scheme',
		});
		expect(refusal((c) => (c.partners[2].electronicAddress = { value: 'invoices@roam.example', scheme: 'EM' }))).toMatchObject({
			code: 'ELECTRONIC_ADDRESS_INVALID',
			path: '$.partners[2].electronicAddress.scheme',
			message: expect.stringContaining('PEPPOL-EN16931-CL008'),
		});
		expect(refusal((c) => (c.seller.iban = 'FR7630006000011234567890188'))).toMatchObject({ code: 'IDENTIFIER_INVALID', path: '$.seller.iban' });
	});

	it('an unknown specification, and a billing framework that contradicts the category of operation', () => {
		expect(refusal((c) => (c.partners[0].specification = 'pdf'))).toMatchObject({ path: '$.partners[0].specification' });
		expect(refusal((c) => (c.invoicing.businessProcess = 'B1'))).toMatchObject({ path: '$.invoicing.businessProcess' });
	});
});
