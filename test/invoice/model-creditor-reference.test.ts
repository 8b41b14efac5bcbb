import {
	CreditorReferenceError,
	createCreditorReference,
	findCreditorReference,
	formatCreditorReference,
	isValidCreditorReference,
} from '../../lib/invoice/creditor-reference';

describe('ISO 11649 creditor reference', () => {
	it('accepts the standard example RF18539007547034, compact or printed', () => {
		expect(isValidCreditorReference('RF18539007547034')).toBe(true);
		expect(isValidCreditorReference('RF18 5390 0754 7034')).toBe(true);
		expect(isValidCreditorReference('rf18 5390 0754 7034')).toBe(true);
	});

	it('computes the check digits of the standard example', () => {
		expect(createCreditorReference('539007547034')).toBe('RF18539007547034');
		expect(createCreditorReference(539007547034)).toBe('RF18539007547034');
	});

	it('rejects wrong check digits, a transposition and malformed values', () => {
		expect(isValidCreditorReference('RF19539007547034')).toBe(false);
		expect(isValidCreditorReference('RF18539007547043')).toBe(false);
		expect(isValidCreditorReference('RF18')).toBe(false);
		expect(isValidCreditorReference('RF18539007547034539007547034')).toBe(false);
		expect(isValidCreditorReference('XX18539007547034')).toBe(false);
	});

	it('makes a reference from an invoice number, dropping separators, letters included', () => {
		const reference = createCreditorReference('CDR-2026-000001');
		expect(reference).toBe('RF21CDR2026000001');
		expect(isValidCreditorReference(reference)).toBe(true);
		expect(createCreditorReference('m/2026/03_42')).toBe(createCreditorReference('M2026034 2'));
	});

	it('prints in groups of four', () => {
		expect(formatCreditorReference('RF18539007547034')).toBe('RF18 5390 0754 7034');
		expect(formatCreditorReference('RF21CDR2026000001')).toBe('RF21 CDR2 0260 0000 1');
	});

	it('refuses what cannot be a reference, with a code and the reason', () => {
		const attempt = (value: string) => {
			try {
				createCreditorReference(value);
				return undefined;
			} catch (error) {
				expect(error).toBeInstanceOf(CreditorReferenceError);
				return (error as CreditorReferenceError).code;
			}
		};
		expect(attempt('INV-2026-0000000000000000001')).toBe('CREDITOR_REFERENCE_TOO_LONG');
		expect(attempt('---')).toBe('CREDITOR_REFERENCE_EMPTY');
		expect(attempt('FACTURE#12')).toBe('CREDITOR_REFERENCE_CHARACTERS');
		expect(attempt('123456789012345678901')).toBeUndefined();
	});

	it('finds the reference in bank remittance text', () => {
		expect(findCreditorReference('VIR SEPA MOBILITE PARTAGEE REF RF18 5390 0754 7034 MARS')).toBe('RF18539007547034');
		expect(findCreditorReference('/ROC/RF21CDR2026000001/')).toBe('RF21CDR2026000001');
		expect(findCreditorReference('payment for invoice CDR-2026-000001')).toBeUndefined();
		expect(findCreditorReference('RF19539007547034')).toBeUndefined();
	});
});
