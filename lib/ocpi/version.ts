/**
 * Which OCPI version a CDR or tariff is read in. OCPI objects do not carry their version: it belongs to the connection
 * (the credential's version, the endpoint URL), so the run says it (option `ocpiVersion`), and it is never guessed from
 * the shape. A shape only one version has, in a run of the other, is a coded error naming the field
 * (docs/pricing-choices.md, "OCPI 2.3.0").
 */
import { CDR_PRICE_FIELDS } from './types';

export const OCPI_VERSIONS = ['2.1.1', '2.2.1', '2.3.0'] as const;
export type OcpiVersion = (typeof OCPI_VERSIONS)[number];

/** The version of an OCPI connection as a credential stores it; 2.2.1 for one saved before it could say. */
export function connectionOcpiVersion(value: unknown): OcpiVersion {
	return (OCPI_VERSIONS as readonly unknown[]).includes(value) ? (value as OcpiVersion) : '2.2.1';
}

/** Versions whose CDRs and tariffs are checked and priced as they are (2.1.1 CDRs are upgraded to 2.2.1 first). */
export const CDR_VERSIONS = ['2.2.1', '2.3.0'] as const;
export type CdrVersion = (typeof CDR_VERSIONS)[number];
export const DEFAULT_CDR_VERSION: CdrVersion = '2.2.1';

export function isCdrVersion(value: unknown): value is CdrVersion {
	return (CDR_VERSIONS as readonly unknown[]).includes(value);
}

/** A field whose shape belongs to the other version. */
export interface VersionConflict {
	path: string;
	message: string;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Fields of a Price (CDR) or a min/max price (tariff) that only one version has. */
const ONLY_IN: Record<CdrVersion, { price: string[]; limit: string[]; tariff: string[] }> = {
	'2.2.1': { price: ['excl_vat', 'incl_vat'], limit: ['excl_vat', 'incl_vat'], tariff: [] },
	'2.3.0': { price: ['before_taxes', 'taxes'], limit: ['before_taxes', 'after_taxes'], tariff: ['tax_included', 'preauthorize_amount'] },
};
const other = (version: CdrVersion): CdrVersion => (version === '2.2.1' ? '2.3.0' : '2.2.1');

function conflict(path: string, field: string, version: CdrVersion): VersionConflict {
	const at = path ? `${path}.${field}` : field;
	return {
		path: at,
		message:
			`${at} is an OCPI ${other(version)} field, but this run reads OCPI ${version}: set the run's OCPI version to ` +
			`${other(version)} if the data is ${other(version)}, or correct the sender.`,
	};
}

function firstForeign(value: unknown, fields: string[]): string | undefined {
	return isObject(value) ? fields.find((field) => field in value) : undefined;
}

/** The first field of a tariff whose shape belongs to the other version; `path` is the tariff's JSON path ('' = none). */
export function tariffVersionConflict(tariff: unknown, version: CdrVersion, path = '$'): VersionConflict | null {
	if (!isObject(tariff)) return null;
	const foreign = ONLY_IN[other(version)];
	const own = firstForeign(tariff, foreign.tariff);
	if (own) return conflict(path, own, version);
	for (const limit of ['min_price', 'max_price']) {
		const field = firstForeign(tariff[limit], foreign.limit);
		if (field) return conflict(path ? `${path}.${limit}` : limit, field, version);
	}
	return null;
}

/** The first field of a CDR (its prices, its embedded tariffs) whose shape belongs to the other version. */
export function cdrVersionConflict(cdr: unknown, version: CdrVersion): VersionConflict | null {
	if (!isObject(cdr)) return null;
	const foreign = ONLY_IN[other(version)];
	for (const name of CDR_PRICE_FIELDS) {
		const field = firstForeign(cdr[name], foreign.price);
		if (field) return conflict(`$.${name}`, field, version);
	}
	if (Array.isArray(cdr.tariffs)) {
		for (let i = 0; i < cdr.tariffs.length; i++) {
			const found = tariffVersionConflict(cdr.tariffs[i], version, `$.tariffs[${i}]`);
			if (found) return found;
		}
	}
	return null;
}
