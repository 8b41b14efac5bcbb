/**
 * Who receives an invoice on the French network, read from the document the ledger stored (the EN16931 model): the
 * buyer's electronic address BT-49 (scheme 0225, "SIREN", "SIREN_SIRET" or "SIREN_SUFFIX"), else its legal registration
 * BT-47 (0002 SIREN, 0009 SIRET), else the SIREN inside a French VAT number. Identifiers the network does not route on
 * and numbers with a wrong check digit are refused here, before anything is asked of the platform.
 */
import { DeliveryError } from '../errors';
import { isValidSiren, isValidSiret } from './siren';

/** EAS code of the French network's SIREN-based electronic addresses. */
export const FRENCH_ADDRESS_SCHEME = '0225';
/** ISO 6523 ICD of SIREN and SIRET. */
export const SIREN_SCHEME = '0002';
export const SIRET_SCHEME = '0009';

export interface PaRecipient {
	siren: string;
	/** BT-49 as invoiced (scheme 0225), the key of the directory line when given. */
	electronicAddress?: string;
	/** Which invoice field the identity came from, for messages. */
	source: 'buyer.electronicAddress' | 'buyer.legalRegistrationId' | 'buyer.vatId';
}

interface Schemed {
	value?: unknown;
	scheme?: unknown;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

export function paRecipientOf(document: unknown, invoiceNumber: string): PaRecipient {
	const buyer = ((document ?? {}) as { buyer?: { name?: unknown; electronicAddress?: Schemed; legalRegistrationId?: Schemed; vatId?: unknown } })
		.buyer;
	const name = text(buyer?.name) ?? 'the buyer';
	const address = buyer?.electronicAddress;
	if (text(address?.value)) {
		const value = text(address!.value)!;
		const scheme = text(address!.scheme);
		if (scheme !== FRENCH_ADDRESS_SCHEME) {
			throw new DeliveryError(
				'PA_ADDRESS_SCHEME_UNSUPPORTED',
				`Invoice ${invoiceNumber}: ${name}'s electronic address (BT-49) "${value}" has scheme "${scheme ?? 'none'}"; the French network routes on scheme ${FRENCH_ADDRESS_SCHEME} (SIREN-based address). Give this partner "electronicAddress": {"value": "<SIREN>", "scheme": "${FRENCH_ADDRESS_SCHEME}"}, or send it through another channel.`,
				{ field: 'buyer.electronicAddress.scheme' },
			);
		}
		const siren = value.slice(0, 9);
		if (!isValidSiren(siren) || (value.length > 9 && value[9] !== '_')) {
			throw new DeliveryError(
				'PA_SIREN_INVALID',
				`Invoice ${invoiceNumber}: ${name}'s electronic address (BT-49) "${value}" does not start with a valid SIREN (9 digits, Luhn check digit), followed by nothing or "_" and a suffix: correct the partner's electronicAddress.`,
				{ field: 'buyer.electronicAddress.value' },
			);
		}
		return { siren, electronicAddress: value, source: 'buyer.electronicAddress' };
	}
	const registration = buyer?.legalRegistrationId;
	if (text(registration?.value)) {
		const value = text(registration!.value)!.replace(/\s/g, '');
		const scheme = text(registration!.scheme);
		if (scheme === SIREN_SCHEME || scheme === SIRET_SCHEME) {
			const valid = scheme === SIREN_SCHEME ? isValidSiren(value) : isValidSiret(value);
			if (!valid) {
				const what = scheme === SIREN_SCHEME ? 'SIREN (9 digits' : 'SIRET (14 digits';
				throw new DeliveryError(
					'PA_SIREN_INVALID',
					`Invoice ${invoiceNumber}: ${name}'s legal registration (BT-47) "${value}" is not a valid ${what}, Luhn check digit): correct the partner's legalRegistrationId.`,
					{ field: 'buyer.legalRegistrationId.value' },
				);
			}
			return { siren: value.slice(0, 9), source: 'buyer.legalRegistrationId' };
		}
		throw new DeliveryError(
			'PA_ADDRESS_SCHEME_UNSUPPORTED',
			`Invoice ${invoiceNumber}: ${name}'s legal registration (BT-47) has scheme "${scheme ?? 'none'}"; the French directory is keyed by SIREN (${SIREN_SCHEME}) or SIRET (${SIRET_SCHEME}). Give the partner its SIREN, or an "electronicAddress" with scheme ${FRENCH_ADDRESS_SCHEME}.`,
			{ field: 'buyer.legalRegistrationId.scheme' },
		);
	}
	const vatId = text(buyer?.vatId)?.replace(/\s/g, '').toUpperCase();
	if (vatId && /^FR[0-9A-Z]{2}\d{9}$/.test(vatId)) {
		const siren = vatId.slice(4);
		if (!isValidSiren(siren)) {
			throw new DeliveryError(
				'PA_SIREN_INVALID',
				`Invoice ${invoiceNumber}: the SIREN inside ${name}'s VAT number "${vatId}" fails its Luhn check: correct the partner's vatId, or give its SIREN as legalRegistrationId.`,
				{ field: 'buyer.vatId' },
			);
		}
		return { siren, source: 'buyer.vatId' };
	}
	throw new DeliveryError(
		'PA_BUYER_ID_MISSING',
		`Invoice ${invoiceNumber}: ${name} has neither an electronic address (BT-49, scheme ${FRENCH_ADDRESS_SCHEME}) nor a SIREN (BT-47, scheme ${SIREN_SCHEME}): the platform cannot route it. Add them to the partner in the invoicing configuration.`,
		{ field: 'buyer.electronicAddress' },
	);
}
