/**
 * The invoicing configuration: who sells (the CPO), who buys (the eMSPs, by OCPI party), how invoices are cut, numbered
 * and rendered. One shape for the CLI's config file and the Build Invoice node (the file's "ledger" part is the ledger's:
 * lib/ledger parseLedgerConfig).
 * `parseInvoicingConfig` checks a parsed JSON value and names the field and the fix of every problem.
 */
import type { CiiProfile, EInvoiceFormat } from './formats';
import { CII_PROFILES, EINVOICE_FORMATS } from './formats';
import type { InvoiceNote, Party, PostalAddress, SchemedIdentifier } from './model';
import { invoiceNumberFormatter } from './numbering';

export interface SellerConfig extends Party {
	/** BT-84 */
	iban: string;
	/** BT-86 */
	bic?: string;
	/** BT-85 */
	accountName?: string;
	/** The CPO's OCPI parties (country_code, party_id of its CDRs): CDRs of other CPOs are refused, not billed. */
	ocpi?: Array<{ country_code: string; party_id: string }>;
}

/**
 * How VAT applies to an eMSP: `domestic` charges the tariff's VAT (category S, Z, or the no-VAT category), while
 * `reverse_charge` bills cross-border B2B without VAT (category AE, the buyer accounts for it; buyer VAT id required).
 */
export type VatRegime = 'domestic' | 'reverse_charge';

export interface PartnerConfig extends Party {
	/** The eMSP's OCPI identity, as in the CDR's cdr_token. */
	ocpi: { country_code: string; party_id: string };
	/** Where invoices are e-mailed (billing address). */
	email?: string;
	vatRegime?: VatRegime;
	/** BT-10 */
	buyerReference?: string;
	/** BT-12: the roaming agreement. */
	contractReference?: string;
	paymentTermsDays?: number;
	language?: 'fr' | 'en' | 'de';
}

export type InvoiceMode = 'per_cdr' | 'per_emsp_period';
export type LineMode = 'per_cdr' | 'per_component';

export interface InvoicingSettings {
	/** One invoice per CDR (as GIREVE does), or one per eMSP × month × currency (as Hubject does). */
	mode: InvoiceMode;
	/** One line per CDR (and VAT rate), or one per CDR and price component. */
	lines: LineMode;
	series: string;
	creditNoteSeries: string;
	/** Tokens {series} {yyyy} {yy} {mm} {dd} {seq} {seq:N}; the result is at most 35 of A-Z a-z 0-9 + - _ / */
	numberPattern: string;
	paymentTermsDays: number;
	formats: EInvoiceFormat[];
	profile: CiiProfile;
	/** Fixed issue date (YYYY-MM-DD), e.g. to reproduce a run; default: the day of the run (UTC). */
	issueDate?: string;
	/** Category of components whose tariff states no VAT (OCPI: absent vat = "no VAT applicable"). */
	noVatCategory: 'E' | 'O';
	/** BT-120 for that category, e.g. the legal basis of an exemption. */
	noVatReason: string;
	/** Mismatching CDRs are invoiced at the computed price only when this is true. */
	invoiceMismatches: boolean;
	/** BT-23, e.g. the French billing framework B1 (goods). */
	businessProcess?: string;
	/** Notes on every invoice (BG-1); French sellers get the mandatory PMT / PMD / AAB notes when absent. */
	notes?: InvoiceNote[];
}

export interface InvoicingConfig {
	seller: SellerConfig;
	partners: PartnerConfig[];
	invoicing: InvoicingSettings;
}

export const DEFAULT_INVOICING: InvoicingSettings = {
	mode: 'per_cdr',
	lines: 'per_cdr',
	series: 'INV',
	creditNoteSeries: 'CN',
	numberPattern: '{series}-{yyyy}-{seq:6}',
	paymentTermsDays: 30,
	formats: ['facturx', 'cii', 'ubl'],
	profile: 'EN16931',
	noVatCategory: 'E',
	noVatReason: 'Exempt from VAT',
	invoiceMismatches: false,
};

export class InvoicingConfigError extends Error {
	constructor(
		readonly path: string,
		message: string,
	) {
		super(`${path}: ${message}`);
		this.name = 'InvoicingConfigError';
	}
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(obj: Json, key: string, path: string, required: boolean): string | undefined {
	const v = obj[key];
	if (v === undefined || v === null || v === '') {
		if (required) throw new InvoicingConfigError(`${path}.${key}`, 'is required.');
		return undefined;
	}
	if (typeof v !== 'string') throw new InvoicingConfigError(`${path}.${key}`, `must be a string, got ${JSON.stringify(v)}.`);
	return v;
}

function schemed(obj: Json, key: string, path: string): SchemedIdentifier | undefined {
	const v = obj[key];
	if (v === undefined || v === null) return undefined;
	if (typeof v === 'string') return { value: v };
	if (!isObject(v) || typeof v.value !== 'string') {
		throw new InvoicingConfigError(`${path}.${key}`, 'must be {"value": "...", "scheme": "..."} or a string.');
	}
	return { value: v.value, scheme: typeof v.scheme === 'string' ? v.scheme : undefined };
}

function address(obj: Json, path: string): PostalAddress {
	const a = obj.address;
	if (!isObject(a)) throw new InvoicingConfigError(`${path}.address`, 'is required: {"line1", "city", "postCode", "countryCode"}.');
	const countryCode = text(a, 'countryCode', `${path}.address`, true)!;
	if (!/^[A-Z]{2}$/.test(countryCode)) {
		throw new InvoicingConfigError(`${path}.address.countryCode`, `must be an ISO 3166-1 alpha-2 code such as "FR", got "${countryCode}".`);
	}
	return {
		line1: text(a, 'line1', `${path}.address`, false),
		line2: text(a, 'line2', `${path}.address`, false),
		line3: text(a, 'line3', `${path}.address`, false),
		city: text(a, 'city', `${path}.address`, false),
		postCode: text(a, 'postCode', `${path}.address`, false),
		countrySubdivision: text(a, 'countrySubdivision', `${path}.address`, false),
		countryCode,
	};
}

function party(obj: Json, path: string): Party {
	const contact = isObject(obj.contact) ? obj.contact : undefined;
	return {
		name: text(obj, 'name', path, true)!,
		tradingName: text(obj, 'tradingName', path, false),
		legalRegistrationId: schemed(obj, 'legalRegistrationId', path),
		vatId: text(obj, 'vatId', path, false),
		electronicAddress: schemed(obj, 'electronicAddress', path),
		address: address(obj, path),
		contact: contact
			? {
					name: text(contact, 'name', `${path}.contact`, false),
					telephone: text(contact, 'telephone', `${path}.contact`, false),
					email: text(contact, 'email', `${path}.contact`, false),
				}
			: undefined,
	};
}

function days(obj: Json, key: string, path: string): number | undefined {
	const v = obj[key];
	if (v === undefined) return undefined;
	if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
		throw new InvoicingConfigError(`${path}.${key}`, `must be a whole number of days >= 0, got ${JSON.stringify(v)}.`);
	}
	return v;
}

function oneOf<T extends string>(obj: Json, key: string, path: string, allowed: readonly T[], fallback: T): T {
	const v = obj[key];
	if (v === undefined) return fallback;
	if (!allowed.includes(v as T)) {
		throw new InvoicingConfigError(`${path}.${key}`, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(v)}.`);
	}
	return v as T;
}

function partner(value: unknown, path: string): PartnerConfig {
	if (!isObject(value)) throw new InvoicingConfigError(path, 'must be an object describing one eMSP.');
	const ocpi = value.ocpi;
	if (!isObject(ocpi)) {
		throw new InvoicingConfigError(`${path}.ocpi`, 'is required: {"country_code": "NL", "party_id": "ROM"}, as in the CDRs\' cdr_token.');
	}
	const vatRegime = oneOf(value, 'vatRegime', path, ['domestic', 'reverse_charge'] as const, 'domestic');
	const p: PartnerConfig = {
		...party(value, path),
		ocpi: {
			country_code: text(ocpi, 'country_code', `${path}.ocpi`, true)!.toUpperCase(),
			party_id: text(ocpi, 'party_id', `${path}.ocpi`, true)!.toUpperCase(),
		},
		email: text(value, 'email', path, false),
		vatRegime,
		buyerReference: text(value, 'buyerReference', path, false),
		contractReference: text(value, 'contractReference', path, false),
		paymentTermsDays: days(value, 'paymentTermsDays', path),
		language: value.language === undefined ? undefined : oneOf(value, 'language', path, ['fr', 'en', 'de'] as const, 'en'),
	};
	if (vatRegime === 'reverse_charge' && !p.vatId) {
		throw new InvoicingConfigError(`${path}.vatId`, 'is required with "vatRegime": "reverse_charge" (EN16931 BR-AE-02).');
	}
	return p;
}

function settings(value: unknown): InvoicingSettings {
	const path = '$.invoicing';
	if (value === undefined) return { ...DEFAULT_INVOICING };
	if (!isObject(value)) throw new InvoicingConfigError(path, 'must be an object.');
	const formats = value.formats ?? DEFAULT_INVOICING.formats;
	if (!Array.isArray(formats) || formats.length === 0 || formats.some((f) => !EINVOICE_FORMATS.includes(f as EInvoiceFormat))) {
		throw new InvoicingConfigError(`${path}.formats`, 'must list one or more of "facturx", "cii", "ubl".');
	}
	const s: InvoicingSettings = {
		mode: oneOf(value, 'mode', path, ['per_cdr', 'per_emsp_period'] as const, DEFAULT_INVOICING.mode),
		lines: oneOf(value, 'lines', path, ['per_cdr', 'per_component'] as const, DEFAULT_INVOICING.lines),
		series: text(value, 'series', path, false) ?? DEFAULT_INVOICING.series,
		creditNoteSeries: text(value, 'creditNoteSeries', path, false) ?? DEFAULT_INVOICING.creditNoteSeries,
		numberPattern: text(value, 'numberPattern', path, false) ?? DEFAULT_INVOICING.numberPattern,
		paymentTermsDays: days(value, 'paymentTermsDays', path) ?? DEFAULT_INVOICING.paymentTermsDays,
		formats: formats as EInvoiceFormat[],
		profile: oneOf(value, 'profile', path, CII_PROFILES, DEFAULT_INVOICING.profile),
		issueDate: text(value, 'issueDate', path, false),
		noVatCategory: oneOf(value, 'noVatCategory', path, ['E', 'O'] as const, DEFAULT_INVOICING.noVatCategory),
		noVatReason: text(value, 'noVatReason', path, false) ?? DEFAULT_INVOICING.noVatReason,
		invoiceMismatches: value.invoiceMismatches === true,
		businessProcess: text(value, 'businessProcess', path, false),
		notes: Array.isArray(value.notes)
			? value.notes.map((n, i) => {
					if (!isObject(n) || typeof n.text !== 'string') {
						throw new InvoicingConfigError(`${path}.notes[${i}]`, 'must be {"subjectCode": "PMT", "text": "..."}.');
					}
					return { subjectCode: typeof n.subjectCode === 'string' ? n.subjectCode : undefined, text: n.text };
				})
			: undefined,
	};
	if (s.issueDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(s.issueDate)) {
		throw new InvoicingConfigError(`${path}.issueDate`, `must be YYYY-MM-DD, got "${s.issueDate}".`);
	}
	try {
		invoiceNumberFormatter(s.numberPattern);
	} catch (error) {
		throw new InvoicingConfigError(`${path}.numberPattern`, (error as Error).message);
	}
	return s;
}

export function parseInvoicingConfig(value: unknown): InvoicingConfig {
	if (!isObject(value)) throw new InvoicingConfigError('$', 'the invoicing configuration must be a JSON object.');
	if (!isObject(value.seller)) throw new InvoicingConfigError('$.seller', 'is required: the CPO that issues the invoices.');
	const seller: SellerConfig = {
		...party(value.seller, '$.seller'),
		iban: text(value.seller, 'iban', '$.seller', true)!.replace(/\s/g, ''),
		bic: text(value.seller, 'bic', '$.seller', false),
		accountName: text(value.seller, 'accountName', '$.seller', false),
		ocpi: Array.isArray(value.seller.ocpi)
			? value.seller.ocpi.map((o, i) => {
					if (!isObject(o)) throw new InvoicingConfigError(`$.seller.ocpi[${i}]`, 'must be {"country_code": "FR", "party_id": "EVC"}.');
					return {
						country_code: text(o, 'country_code', `$.seller.ocpi[${i}]`, true)!.toUpperCase(),
						party_id: text(o, 'party_id', `$.seller.ocpi[${i}]`, true)!.toUpperCase(),
					};
				})
			: undefined,
	};
	if (!Array.isArray(value.partners)) {
		throw new InvoicingConfigError('$.partners', 'is required: a list of the eMSPs billed, each with its OCPI party.');
	}
	const partners = value.partners.map((p, i) => partner(p, `$.partners[${i}]`));
	const seen = new Set<string>();
	partners.forEach((p, i) => {
		const key = `${p.ocpi.country_code}*${p.ocpi.party_id}`;
		if (seen.has(key)) throw new InvoicingConfigError(`$.partners[${i}].ocpi`, `${key} is listed twice.`);
		seen.add(key);
	});
	return { seller, partners, invoicing: settings(value.invoicing) };
}

/** Whether the configured seller owns CDRs of this CPO party (any, when the seller lists no OCPI parties). */
export function sellerOwns(config: InvoicingConfig, countryCode: string | null, partyId: string | null): boolean {
	const parties = config.seller.ocpi;
	if (!parties || parties.length === 0) return true;
	return parties.some((o) => o.country_code === countryCode?.toUpperCase() && o.party_id === partyId?.toUpperCase());
}

/** The partner billed for a CDR, by its token's OCPI party. */
export function partnerFor(config: InvoicingConfig, countryCode: string | null, partyId: string | null): PartnerConfig | undefined {
	if (!countryCode || !partyId) return undefined;
	const cc = countryCode.toUpperCase();
	const pid = partyId.toUpperCase();
	return config.partners.find((p) => p.ocpi.country_code === cc && p.ocpi.party_id === pid);
}
