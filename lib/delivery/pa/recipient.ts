/**
 * Who receives an invoice on the French network, read from the document the ledger stored (the EN16931 model): the
 * buyer's electronic address BT-49 (scheme 0225, "SIREN", "SIREN_SIRET" or "SIREN_SUFFIX"), else its legal registration
 * BT-47 (0002 SIREN, 0009 SIRET), else the SIREN inside a French VAT number. Identifiers the network does not route on
 * and numbers with a wrong check digit are refused here, before anything is asked of the platform.
 */
import { DeliveryError } from '../errors';
import { isValidSiren, isValidSiret } from '../../invoice/identifiers';

/** EAS code of the French network's SIREN-based electronic addresses. */
export const FRENCH_ADDRESS_SCHEME = '0225';
/** ISO 6523 ICD of SIREN and SIRET. */
export const SIREN_SCHEME = '0002';
export const SIRET_SCHEME = '0009';

export interface PaRecipient {
	siren: string;
	/** BT-49 (BT-34 for the seller) as invoiced, scheme 0225: the key of the directory line when given. */
	electronicAddress?: string;
	/** Which invoice field the identity came from, for messages: "buyer.electronicAddress"… */
	source: string;
	name?: string;
}

interface Schemed {
	value?: unknown;
	scheme?: unknown;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

interface StoredParty {
	name?: unknown;
	electronicAddress?: Schemed;
	legalRegistrationId?: Schemed;
	vatId?: unknown;
}

/** The buyer of a stored invoice document, as the French network knows it. */
export function paRecipientOf(document: unknown, invoiceNumber: string): PaRecipient {
	return frenchPartyOf(document, 'buyer', invoiceNumber);
}

/** The buyer or seller of a stored invoice document by its SIREN (and 0225 address when invoiced with one). */
export function frenchPartyOf(document: unknown, role: 'buyer' | 'seller', invoiceNumber: string): PaRecipient {
	const party = ((document ?? {}) as Record<string, StoredParty | undefined>)[role];
	const partyName = text(party?.name);
	const name = partyName ?? `the ${role}`;
	const bt = role === 'buyer' ? { address: 'BT-49', registration: 'BT-47' } : { address: 'BT-34', registration: 'BT-30' };
	const configured = role === 'buyer' ? "the partner's" : "the seller's";
	const found = (found: Omit<PaRecipient, 'name'>): PaRecipient => ({ ...found, ...(partyName ? { name: partyName } : {}) });
	const address = party?.electronicAddress;
	if (text(address?.value)) {
		const value = text(address!.value)!;
		const scheme = text(address!.scheme);
		if (scheme !== FRENCH_ADDRESS_SCHEME) {
			throw new DeliveryError(
				'PA_ADDRESS_SCHEME_UNSUPPORTED',
				`Invoice ${invoiceNumber}: ${name}'s electronic address (${bt.address}) "${value}" has scheme "${scheme ?? 'none'}"; the French network routes on scheme ${FRENCH_ADDRESS_SCHEME} (SIREN-based address). Give ${role === 'buyer' ? 'this partner' : 'the seller'} "electronicAddress": {"value": "<SIREN>", "scheme": "${FRENCH_ADDRESS_SCHEME}"}, or send it through another channel.`,
				{ field: `${role}.electronicAddress.scheme` },
			);
		}
		const siren = value.slice(0, 9);
		if (!isValidSiren(siren) || (value.length > 9 && value[9] !== '_')) {
			throw new DeliveryError(
				'PA_SIREN_INVALID',
				`Invoice ${invoiceNumber}: ${name}'s electronic address (${bt.address}) "${value}" does not start with a valid SIREN (9 digits, Luhn check digit), followed by nothing or "_" and a suffix: correct ${configured} electronicAddress.`,
				{ field: `${role}.electronicAddress.value` },
			);
		}
		return found({ siren, electronicAddress: value, source: `${role}.electronicAddress` });
	}
	const registration = party?.legalRegistrationId;
	if (text(registration?.value)) {
		const value = text(registration!.value)!.replace(/\s/g, '');
		const scheme = text(registration!.scheme);
		if (scheme === SIREN_SCHEME || scheme === SIRET_SCHEME) {
			const valid = scheme === SIREN_SCHEME ? isValidSiren(value) : isValidSiret(value);
			if (!valid) {
				const what = scheme === SIREN_SCHEME ? 'SIREN (9 digits' : 'SIRET (14 digits';
				throw new DeliveryError(
					'PA_SIREN_INVALID',
					`Invoice ${invoiceNumber}: ${name}'s legal registration (${bt.registration}) "${value}" is not a valid ${what}, Luhn check digit): correct ${configured} legalRegistrationId.`,
					{ field: `${role}.legalRegistrationId.value` },
				);
			}
			return found({ siren: value.slice(0, 9), source: `${role}.legalRegistrationId` });
		}
		throw new DeliveryError(
			'PA_ADDRESS_SCHEME_UNSUPPORTED',
			`Invoice ${invoiceNumber}: ${name}'s legal registration (${bt.registration}) has scheme "${scheme ?? 'none'}"; the French directory is keyed by SIREN (${SIREN_SCHEME}) or SIRET (${SIRET_SCHEME}). Give ${role === 'buyer' ? 'the partner' : 'the seller'} its SIREN, or an "electronicAddress" with scheme ${FRENCH_ADDRESS_SCHEME}.`,
			{ field: `${role}.legalRegistrationId.scheme` },
		);
	}
	const vatId = text(party?.vatId)?.replace(/\s/g, '').toUpperCase();
	if (vatId && /^FR[0-9A-Z]{2}\d{9}$/.test(vatId)) {
		const siren = vatId.slice(4);
		if (!isValidSiren(siren)) {
			throw new DeliveryError(
				'PA_SIREN_INVALID',
				`Invoice ${invoiceNumber}: the SIREN inside ${name}'s VAT number "${vatId}" fails its Luhn check: correct ${configured} vatId, or give its SIREN as legalRegistrationId.`,
				{ field: `${role}.vatId` },
			);
		}
		return found({ siren, source: `${role}.vatId` });
	}
	throw new DeliveryError(
		'PA_BUYER_ID_MISSING',
		`Invoice ${invoiceNumber}: ${name} has neither an electronic address (${bt.address}, scheme ${FRENCH_ADDRESS_SCHEME}) nor a SIREN (${bt.registration}, scheme ${SIREN_SCHEME}): the platform cannot route it. Add them to ${role === 'buyer' ? 'the partner' : 'the seller'} in the invoicing configuration.`,
		{ field: `${role}.electronicAddress` },
	);
}
