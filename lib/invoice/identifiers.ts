/**
 * Party identifiers and electronic addresses with their schemes, and the check digits a receiver verifies: an
 * identifier the network rejects is refused in the configuration, where the ops team can fix it, not at the platform.
 *
 * - Electronic addresses (BT-34 / BT-49) take a scheme from the CEF EAS code list (the one EN16931 BR-CL-25 checks);
 *   Peppol accepts the subset without the non-ISO 6523 codes (EM, AN, AQ, AS, AU: PEPPOL-EN16931-CL008).
 * - Legal registration identifiers (BT-30 / BT-47) take an ISO 6523 ICD (BR-CL-11).
 */

/** EAS codes (EN16931 code list, as of the 1.3.16 validation artefacts). */
const EAS =
	'0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0147 0151 0154 0158 0170 0177 0183 0184 0188 0190 ' +
	'0191 0192 0193 0194 0195 0196 0198 0199 0200 0201 0202 0203 0204 0205 0208 0209 0210 0211 0212 0213 0215 0216 ' +
	'0217 0218 0219 0220 0221 0225 0230 0235 0240 0242 0244 0245 0246 0248 9910 9913 9914 9915 9918 9919 9920 9922 ' +
	'9923 9924 9925 9926 9927 9928 9929 9930 9931 9932 9933 9934 9935 9936 9937 9938 9939 9940 9941 9942 9943 9944 ' +
	'9945 9946 9947 9948 9949 9950 9951 9952 9953 9957 9959';

export const EAS_SCHEMES: ReadonlySet<string> = new Set([...EAS.split(' '), 'AN', 'AQ', 'AS', 'AU', 'EM']);

/** The EAS codes a Peppol participant identifier may use (no e-mail, no OFTP/X.400/AS2 addresses). */
export const PEPPOL_EAS_SCHEMES: ReadonlySet<string> = new Set(
	EAS.split(' ').filter((code) => !['0219', '0220', '0242', '0244', '0245', '0246', '0248'].includes(code)),
);

/** The schemes people use most, named for error messages and the README. */
export const COMMON_EAS_SCHEMES: Readonly<Record<string, string>> = {
	'0225': 'French e-invoicing address, SIREN-based (annuaire PPF)',
	'0009': 'French SIRET',
	'0002': 'French SIREN',
	'9957': 'French VAT number',
	'0208': 'Belgian enterprise number',
	'9925': 'Belgian VAT number',
	'9930': 'German VAT number',
	'0204': 'German Leitweg-ID',
	'0106': 'Dutch Chamber of Commerce (KvK) number',
	'0190': 'Dutch OIN',
	'0088': 'GS1 GLN',
	'0060': 'DUNS number',
	EM: 'e-mail address (not on Peppol, not on French platforms)',
};

/** ISO 6523 ICD codes 0002-0248 (BR-CL-11); 0092, 0103, 0181 and 0182 are not assigned. */
export function isIcdScheme(scheme: string): boolean {
	if (!/^\d{4}$/.test(scheme)) return false;
	const n = Number(scheme);
	return n >= 2 && n <= 248 && ![92, 103, 181, 182].includes(n);
}

/** Luhn check (SIREN, SIRET). */
export function luhnValid(digits: string): boolean {
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let d = Number(digits[digits.length - 1 - i]);
		if (i % 2 === 1) {
			d *= 2;
			if (d > 9) d -= 9;
		}
		sum += d;
	}
	return sum % 10 === 0;
}

/** French SIREN: 9 digits, Luhn. */
export function isValidSiren(value: string): boolean {
	return /^\d{9}$/.test(value) && luhnValid(value);
}

const LA_POSTE_SIREN = '356000000';

/**
 * French SIRET: 14 digits, a valid SIREN then a Luhn check over all 14 — except La Poste's establishments (SIREN
 * 356000000), whose digits add up to a multiple of 5 instead.
 */
export function isValidSiret(value: string): boolean {
	if (!/^\d{14}$/.test(value)) return false;
	if (value.startsWith(LA_POSTE_SIREN)) return [...value].reduce((total, c) => total + Number(c), 0) % 5 === 0;
	return isValidSiren(value.slice(0, 9)) && luhnValid(value);
}

/** Belgian enterprise number: 10 digits, the last two = 97 − (first eight mod 97). */
export function isValidBelgianEnterpriseNumber(value: string): boolean {
	if (!/^[01]\d{9}$/.test(value)) return false;
	return 97 - (Number(value.slice(0, 8)) % 97) === Number(value.slice(8));
}

/** German USt-IdNr: DE + 9 digits, ISO 7064 MOD 11,10 check digit. */
export function isValidGermanVatId(value: string): boolean {
	const match = /^DE(\d{9})$/.exec(value);
	if (!match) return false;
	const digits = match[1];
	let product = 10;
	for (let i = 0; i < 8; i++) {
		let sum = (Number(digits[i]) + product) % 10;
		if (sum === 0) sum = 10;
		product = (2 * sum) % 11;
	}
	const check = 11 - product === 10 ? 0 : 11 - product;
	return check === Number(digits[8]);
}

/** French VAT number: FR + 2 check digits + SIREN, key = (12 + 3 × (SIREN mod 97)) mod 97. */
export function isValidFrenchVatId(value: string): boolean {
	const match = /^FR(\d{2})(\d{9})$/.exec(value);
	if (!match) return /^FR[A-HJ-NP-Z0-9]{2}\d{9}$/.test(value) && isValidSiren(value.slice(4));
	return isValidSiren(match[2]) && Number(match[1]) === (12 + 3 * (Number(match[2]) % 97)) % 97;
}

/** GS1 GLN: 13 digits, mod 10 with weights 3/1 from the right. */
export function isValidGln(value: string): boolean {
	if (!/^\d{13}$/.test(value)) return false;
	let sum = 0;
	for (let i = 0; i < 12; i++) sum += Number(value[11 - i]) * (i % 2 === 0 ? 3 : 1);
	return (10 - (sum % 10)) % 10 === Number(value[12]);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * What is wrong with an electronic address for its scheme, or undefined. Checks the schemes whose format is known;
 * any other EAS scheme needs a value without spaces.
 */
export function electronicAddressProblem(value: string, scheme: string): string | undefined {
	if (!EAS_SCHEMES.has(scheme)) {
		const known = Object.entries(COMMON_EAS_SCHEMES)
			.map(([code, name]) => `${code} ${name}`)
			.join(', ');
		return `scheme "${scheme}" is not in the EAS code list (EN16931 BR-CL-25). Use e.g. ${known}.`;
	}
	if (!value || /\s/.test(value)) return `"${value}" must be one word without spaces.`;
	switch (scheme) {
		case '0225': {
			// The SIREN, optionally followed by "_" and a SIRET or routing code (annuaire PPF); BR-FR-23 characters.
			const siren = value.slice(0, 9);
			if (!isValidSiren(siren) || !/^\d{9}([_.-][A-Za-z0-9_.-]+)?$/.test(value)) {
				return `"${value}" must start with the party's SIREN (9 digits, Luhn check), optionally followed by "_" and a SIRET or routing code.`;
			}
			return value.length > 125 ? `"${value}" is longer than 125 characters (BR-FR-25).` : undefined;
		}
		case '0002':
			return isValidSiren(value) ? undefined : `"${value}" is not a SIREN (9 digits, Luhn check).`;
		case '0009':
			return isValidSiret(value) ? undefined : `"${value}" is not a SIRET (14 digits, Luhn check).`;
		case '9957':
			return isValidFrenchVatId(value) ? undefined : `"${value}" is not a French VAT number (FR + key + SIREN).`;
		case '0208':
			return isValidBelgianEnterpriseNumber(value) ? undefined : `"${value}" is not a Belgian enterprise number (10 digits, mod 97).`;
		case '9925': {
			const digits = value.replace(/^BE/i, '');
			return isValidBelgianEnterpriseNumber(digits) ? undefined : `"${value}" is not a Belgian VAT number (BE + 10 digits, mod 97).`;
		}
		case '9930':
			return isValidGermanVatId(value.toUpperCase()) ? undefined : `"${value}" is not a German VAT number (DE + 9 digits, check digit).`;
		case '0106':
			return /^\d{8}$/.test(value) ? undefined : `"${value}" is not a Dutch KvK number (8 digits).`;
		case '0190':
			return /^\d{20}$/.test(value) ? undefined : `"${value}" is not a Dutch OIN (20 digits).`;
		case '0088':
			return isValidGln(value) ? undefined : `"${value}" is not a GLN (13 digits, GS1 check digit).`;
		case '0060':
			return /^\d{9}$/.test(value) ? undefined : `"${value}" is not a DUNS number (9 digits).`;
		case 'EM':
			return EMAIL.test(value) ? undefined : `"${value}" is not an e-mail address.`;
		default:
			return undefined;
	}
}

/** What is wrong with a legal registration identifier (BT-30 / BT-47) for its scheme, or undefined. */
export function legalRegistrationProblem(value: string, scheme: string | undefined): string | undefined {
	if (scheme === undefined) return undefined;
	if (!isIcdScheme(scheme)) return `scheme "${scheme}" is not an ISO 6523 ICD code (EN16931 BR-CL-11), e.g. 0002 SIREN, 0009 SIRET, 0208 Belgian enterprise number.`;
	if (scheme === '0002' && !isValidSiren(value)) return `"${value}" is not a SIREN (9 digits, Luhn check).`;
	if (scheme === '0009' && !isValidSiret(value)) return `"${value}" is not a SIRET (14 digits, Luhn check).`;
	if (scheme === '0208' && !isValidBelgianEnterpriseNumber(value)) return `"${value}" is not a Belgian enterprise number (10 digits, mod 97).`;
	if (scheme === '0088' && !isValidGln(value)) return `"${value}" is not a GLN (13 digits, GS1 check digit).`;
	return undefined;
}
