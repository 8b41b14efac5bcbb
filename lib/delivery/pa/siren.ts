/**
 * SIREN (9 digits) and SIRET (14 digits), the French company and establishment numbers of the INSEE register: both end
 * with a Luhn check digit, except the establishments of La Poste (SIREN 356000000), whose SIRET digits add up to a
 * multiple of 5 instead. A number that fails its check was mistyped: the directory would not find it.
 */

function luhnValid(digits: string): boolean {
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
		if (i % 2 === 1) {
			digit *= 2;
			if (digit > 9) digit -= 9;
		}
		sum += digit;
	}
	return sum % 10 === 0;
}

const LA_POSTE = '356000000';

export function isValidSiren(value: string): boolean {
	return /^\d{9}$/.test(value) && luhnValid(value);
}

export function isValidSiret(value: string): boolean {
	if (!/^\d{14}$/.test(value)) return false;
	if (value.startsWith(LA_POSTE)) {
		const sum = [...value].reduce((total, c) => total + Number(c), 0);
		return sum % 5 === 0;
	}
	return isValidSiren(value.slice(0, 9)) && luhnValid(value);
}
