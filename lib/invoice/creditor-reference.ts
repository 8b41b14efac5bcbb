/**
 * ISO 11649 structured creditor reference ("RF reference"): "RF" + 2 check digits (ISO 7064 mod 97-10) + up to 21
 * alphanumerics. The payer quotes it in the remittance information, so a bank payment can be matched to its invoice
 * without reading free text. Stored and transmitted without spaces; printed in groups of 4.
 */

export class CreditorReferenceError extends Error {
	constructor(
		readonly code: 'CREDITOR_REFERENCE_EMPTY' | 'CREDITOR_REFERENCE_TOO_LONG' | 'CREDITOR_REFERENCE_CHARACTERS',
		message: string,
	) {
		super(message);
		this.name = 'CreditorReferenceError';
	}
}

const MAX_REFERENCE_LENGTH = 21;

/** A-Z → 10..35, digits kept, then mod 97 computed piecewise (the number is far beyond 2^53). */
function mod97(alphanumeric: string): number {
	let remainder = 0;
	for (const char of alphanumeric) {
		const code = char.charCodeAt(0);
		const digits = code >= 65 ? String(code - 55) : char;
		for (const digit of digits) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
	}
	return remainder;
}

/** Upper-case, spaces and the separators allowed in invoice numbers (- _ / + .) removed: what an RF is made of. */
export function normalizeReference(input: string): string {
	return input.toUpperCase().replace(/[\s\-_/+.]/g, '');
}

/**
 * Creates the RF reference for a reference part (an invoice number or a sequence): separators are dropped, letters
 * upper-cased. Throws when nothing alphanumeric remains, when other characters remain, or when it is longer than 21.
 */
export function createCreditorReference(reference: string | number | bigint): string {
	const body = normalizeReference(String(reference));
	if (body.length === 0) {
		throw new CreditorReferenceError('CREDITOR_REFERENCE_EMPTY', 'The creditor reference needs at least one letter or digit.');
	}
	if (!/^[A-Z0-9]+$/.test(body)) {
		throw new CreditorReferenceError(
			'CREDITOR_REFERENCE_CHARACTERS',
			`"${String(reference)}" cannot be a creditor reference: only letters A-Z and digits are allowed (ISO 11649).`,
		);
	}
	if (body.length > MAX_REFERENCE_LENGTH) {
		throw new CreditorReferenceError(
			'CREDITOR_REFERENCE_TOO_LONG',
			`"${String(reference)}" has ${body.length} letters and digits; an ISO 11649 reference holds at most 21: ` +
				'use a shorter invoice number pattern or the sequence number.',
		);
	}
	const check = 98 - mod97(`${body}RF00`);
	return `RF${String(check).padStart(2, '0')}${body}`;
}

/** True when `value` (spaces allowed, any case) is a well-formed RF reference with correct check digits. */
export function isValidCreditorReference(value: string): boolean {
	const compact = value.replace(/\s/g, '').toUpperCase();
	if (!/^RF[0-9]{2}[A-Z0-9]{1,21}$/.test(compact)) return false;
	return mod97(compact.slice(4) + compact.slice(0, 4)) === 1;
}

/** Printed form, groups of 4: "RF18 5390 0754 7034". */
export function formatCreditorReference(value: string): string {
	const compact = value.replace(/\s/g, '').toUpperCase();
	return compact.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * Finds the first valid RF reference in free text (bank remittance information), compact form, or undefined.
 * Compact references stand alone between non-alphanumerics; printed ones come in groups of 4 separated by single
 * spaces, and a word after them may look like a group ("RF18 5390 0754 7034 MARS"): the longest run of whole groups
 * with valid check digits wins.
 */
export function findCreditorReference(text: string): string | undefined {
	const tokens = text.toUpperCase().split(/[^A-Z0-9]+/);
	for (let i = 0; i < tokens.length; i++) {
		if (!/^RF[0-9]{2}/.test(tokens[i])) continue;
		const parts = [tokens[i]];
		// Printed groups: up to 4 characters each, at most 25 characters in all.
		for (let j = i + 1; j < tokens.length && tokens[j].length > 0 && tokens[j].length <= 4; j++) {
			if (parts.join('').length + tokens[j].length > 25) break;
			parts.push(tokens[j]);
		}
		for (let count = parts.length; count >= 1; count--) {
			const candidate = parts.slice(0, count).join('');
			if (isValidCreditorReference(candidate)) return candidate;
		}
	}
	return undefined;
}
