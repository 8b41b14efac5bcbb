/**
 * The invoicing configuration: who sells (the CPO), who buys (the eMSPs, by OCPI party), how invoices are cut, numbered
 * and rendered. One shape for the CLI's config file and the Build Invoice node (the file's "ledger" part is the ledger's:
 * lib/ledger parseLedgerConfig).
 * `parseInvoicingConfig` checks a parsed JSON value and names the field and the fix of every problem.
 */
import type { CiiProfile, EInvoiceFormat } from './formats';
import { CII_PROFILES, EINVOICE_FORMATS } from './formats';
import { isValidIban } from './business-rules';
import { electronicAddressProblem, EAS_SCHEMES, isValidSiren, legalRegistrationProblem, PEPPOL_EAS_SCHEMES } from './identifiers';
import type { InvoiceNote, Party, PostalAddress, SchemedIdentifier } from './model';
import { createCreditorReference } from './creditor-reference';
import { invoiceNumberFormatter, sharedReferenceBody } from './numbering';
import type { EInvoiceSpecification, OperationCategory } from './specification';
import { BILLING_FRAMEWORK, defaultSpecification, EINVOICE_SPECIFICATIONS, OPERATION_CATEGORIES } from './specification';

export interface SellerConfig extends Party {
	/** BT-84 */
	iban: string;
	/** BT-86 */
	bic?: string;
	/** BT-85 */
	accountName?: string;
	/** The CPO's OCPI parties (country_code, party_id of its CDRs): CDRs of other CPOs are refused, not billed. */
	ocpi?: Array<{ country_code: string; party_id: string }>;
	/** Legal form printed with the share capital, e.g. "SAS", "GmbH" (part of BT-33). */
	legalForm?: string;
	/** Share capital, e.g. "100 000 EUR" (French mention, part of BT-33). */
	shareCapital?: string;
	/** Trade register entry: "RCS Paris 884 123 456" in France, "Amtsgericht Köln HRB 98765" in Germany (part of BT-33). */
	tradeRegister?: string;
	/** What the CPO supplies — the French category of operation (2026 mention): goods (B1), services (S1), mixed (M1). */
	operationCategory?: OperationCategory;
	/** The seller opted to pay VAT on debits (French "option pour le paiement de la taxe d'après les débits"): BT-8 = 3. */
	vatOnDebits?: boolean;
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
	/**
	 * The rules its documents meet and declare, as the network it receives on requires: `en16931`, `peppol` (Peppol BIS
	 * 3), `xrechnung` (XRechnung 3.0), `fr-ctc` (a French accredited platform, BR-FR rules). Default: `fr-ctc` between
	 * French parties, `peppol` between Belgian ones, `en16931` otherwise.
	 */
	specification: EInvoiceSpecification;
}

export type InvoiceMode = 'per_cdr' | 'per_emsp_period';
export type LineMode = 'per_cdr' | 'per_component';
/** Lines of a monthly document: aggregated (with the CDR list as a CSV supporting document), or per CDR. */
export type LineDetail = 'aggregated' | 'per_cdr';
/** What aggregated monthly lines are split by besides VAT, price component and unit price (README, "lineGrouping"). */
export type LineGrouping = 'site' | 'day';

/**
 * The most CDRs a document with per-CDR lines may bill (invoicing.lineDetail "per_cdr"): above it the document is
 * refused (INVOICE_TOO_MANY_LINES) — a PDF of tens of thousands of lines is neither readable nor renderable in bounded
 * memory; aggregated lines with the CSV of the CDRs are.
 */
export const PER_CDR_LINES_LIMIT = 5_000;

export interface InvoicingSettings {
	/** One invoice per CDR (as GIREVE does), or one per eMSP × month × currency (as Hubject does). */
	mode: InvoiceMode;
	/** One line per CDR (and VAT rate), or one per CDR and price component (with lineDetail "per_cdr"). */
	lines: LineMode;
	/**
	 * Monthly documents: "aggregated" (default) — one line per VAT treatment, price component and unit price, the CDRs
	 * in a CSV supporting document (lib/invoice/aggregated-lines.ts) — or "per_cdr" (at most PER_CDR_LINES_LIMIT CDRs a
	 * document). Per-CDR mode documents always have per-CDR lines. Read by issueStream (the CLI, any volume);
	 * issueInvoices, the list path of per-item callers, writes per-CDR lines.
	 */
	lineDetail: LineDetail;
	/** Aggregated lines split further by charging site and/or session day. */
	lineGrouping: LineGrouping[];
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
	/** BT-23, e.g. the French billing framework B1 (goods); set from the seller's operationCategory when that is given. */
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
	lineDetail: 'aggregated',
	lineGrouping: [],
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

/** Stable codes of configuration errors; the message names the field and the fix. */
export type InvoicingConfigErrorCode =
	| 'INVOICING_CONFIG_INVALID'
	| 'CONFIG_FIELD_MISSING'
	| 'ELECTRONIC_ADDRESS_SCHEME_UNKNOWN'
	| 'ELECTRONIC_ADDRESS_INVALID'
	| 'IDENTIFIER_INVALID';

export class InvoicingConfigError extends Error {
	constructor(
		readonly path: string,
		message: string,
		readonly code: InvoicingConfigErrorCode = 'INVOICING_CONFIG_INVALID',
	) {
		super(`${path}: ${message}`);
		this.name = 'InvoicingConfigError';
	}
}

const missing = (path: string, why: string) => new InvoicingConfigError(path, `is required: ${why}`, 'CONFIG_FIELD_MISSING');

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(obj: Json, key: string, path: string, required: boolean): string | undefined {
	const v = obj[key];
	if (v === undefined || v === null || v === '') {
		if (required) throw new InvoicingConfigError(`${path}.${key}`, 'is required.', 'CONFIG_FIELD_MISSING');
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
	return { value: v.value, scheme: typeof v.scheme === 'string' && v.scheme !== '' ? v.scheme : undefined };
}

/** BT-34 / BT-49: an EAS scheme is required, and the value must be right for it (SIREN Luhn, mod 97, GLN...). */
function electronicAddress(obj: Json, path: string): SchemedIdentifier | undefined {
	const address = schemed(obj, 'electronicAddress', path);
	if (!address) return undefined;
	if (!address.scheme) {
		throw new InvoicingConfigError(
			`${path}.electronicAddress.scheme`,
			'is required: the EAS code of the address, e.g. "0225" (French platform, SIREN-based), "0208" (Belgian enterprise number), "9930" (German VAT), "0088" (GLN), "EM" (e-mail).',
			'CONFIG_FIELD_MISSING',
		);
	}
	const problem = electronicAddressProblem(address.value, address.scheme);
	if (problem) {
		throw new InvoicingConfigError(
			`${path}.electronicAddress`,
			problem,
			EAS_SCHEMES.has(address.scheme) ? 'ELECTRONIC_ADDRESS_INVALID' : 'ELECTRONIC_ADDRESS_SCHEME_UNKNOWN',
		);
	}
	return address;
}

/** BT-30 / BT-47: an ISO 6523 scheme when given, and the check digits of the French and Belgian registers. */
function legalRegistration(obj: Json, path: string): SchemedIdentifier | undefined {
	const id = schemed(obj, 'legalRegistrationId', path);
	const problem = id && legalRegistrationProblem(id.value, id.scheme);
	if (problem) throw new InvoicingConfigError(`${path}.legalRegistrationId`, problem, 'IDENTIFIER_INVALID');
	return id;
}

function address(obj: Json, path: string): PostalAddress {
	const a = obj.address;
	if (!isObject(a)) throw missing(`${path}.address`, '{"line1", "city", "postCode", "countryCode"}.');
	const countryCode = text(a, 'countryCode', `${path}.address`, true)!;
	if (!/^[A-Z]{2}$/.test(countryCode)) {
		throw new InvoicingConfigError(`${path}.address.countryCode`, `must be an ISO 3166-1 alpha-2 code such as "FR", got "${countryCode}".`);
	}
	// EN 16931 needs only the country; the postal address a printed invoice, XRechnung (BR-DE-3/4/8/9) and the French
	// mentions need is the whole of it.
	return {
		line1: text(a, 'line1', `${path}.address`, true),
		line2: text(a, 'line2', `${path}.address`, false),
		line3: text(a, 'line3', `${path}.address`, false),
		city: text(a, 'city', `${path}.address`, true),
		postCode: text(a, 'postCode', `${path}.address`, true),
		countrySubdivision: text(a, 'countrySubdivision', `${path}.address`, false),
		countryCode,
	};
}

function party(obj: Json, path: string): Party {
	const contact = isObject(obj.contact) ? obj.contact : undefined;
	return {
		name: text(obj, 'name', path, true)!,
		tradingName: text(obj, 'tradingName', path, false),
		legalRegistrationId: legalRegistration(obj, path),
		vatId: vatIdentifier(obj, path),
		electronicAddress: electronicAddress(obj, path),
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

/** BT-84: the IBAN payments are made to, check digits verified. */
function iban(seller: Json): string {
	const value = text(seller, 'iban', '$.seller', true)!.replace(/\s/g, '');
	if (!isValidIban(value)) throw new InvoicingConfigError('$.seller.iban', `"${value}" is not a valid IBAN (check digits).`, 'IDENTIFIER_INVALID');
	return value;
}

function flag(obj: Json, key: string, path: string): boolean | undefined {
	const v = obj[key];
	if (v === undefined) return undefined;
	if (typeof v !== 'boolean') throw new InvoicingConfigError(`${path}.${key}`, `must be true or false, got ${JSON.stringify(v)}.`);
	return v;
}

/** BT-31 / BT-48 with its country prefix (BR-CO-09). */
function vatIdentifier(obj: Json, path: string): string | undefined {
	const vatId = text(obj, 'vatId', path, false)?.replace(/\s/g, '');
	if (vatId !== undefined && !/^[A-Z]{2}[A-Za-z0-9+*.]{2,13}$/.test(vatId)) {
		throw new InvoicingConfigError(`${path}.vatId`, `"${vatId}" must start with the ISO 3166-1 country prefix (EL for Greece), e.g. "FR52884123456" (EN16931 BR-CO-09).`, 'IDENTIFIER_INVALID');
	}
	return vatId;
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

function partner(value: unknown, path: string, seller: SellerConfig): PartnerConfig {
	if (!isObject(value)) throw new InvoicingConfigError(path, 'must be an object describing one eMSP.');
	const ocpi = value.ocpi;
	if (!isObject(ocpi)) {
		throw missing(`${path}.ocpi`, '{"country_code": "NL", "party_id": "ROM"}, as in the CDRs\' cdr_token.');
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
		specification: 'en16931',
	};
	p.specification = oneOf(value, 'specification', path, EINVOICE_SPECIFICATIONS, defaultSpecification(seller.address.countryCode, p.address.countryCode));
	if (vatRegime === 'reverse_charge' && !p.vatId) {
		throw new InvoicingConfigError(`${path}.vatId`, 'is required with "vatRegime": "reverse_charge" (EN16931 BR-AE-02).', 'CONFIG_FIELD_MISSING');
	}
	partnerMeetsSpecification(p, path);
	return p;
}

/** What the partner's network needs of the buyer (BG-7), refused here rather than on each document. */
function partnerMeetsSpecification(p: PartnerConfig, path: string): void {
	const spec = p.specification;
	if (spec === 'peppol') {
		if (!p.electronicAddress) throw missing(`${path}.electronicAddress`, 'Peppol delivers to the buyer\'s participant id (PEPPOL-EN16931-R010), e.g. {"value": "0403123486", "scheme": "0208"}.');
		if (!PEPPOL_EAS_SCHEMES.has(p.electronicAddress.scheme!)) {
			throw new InvoicingConfigError(
				`${path}.electronicAddress.scheme`,
				`"${p.electronicAddress.scheme}" is no Peppol participant scheme (PEPPOL-EN16931-CL008): use e.g. 0208 or 9925 (Belgium), 0225 or 0009 (France), 9930 (Germany), 0106 or 0190 (Netherlands), 0088 (GLN).`,
				'ELECTRONIC_ADDRESS_INVALID',
			);
		}
	}
	if (spec === 'xrechnung' && !p.buyerReference) {
		throw missing(`${path}.buyerReference`, 'XRechnung needs the buyer reference (BR-DE-15): the Leitweg-ID or the reference the buyer gave.');
	}
	if (spec === 'fr-ctc') {
		if (!p.electronicAddress) throw missing(`${path}.electronicAddress`, 'a French platform routes by the buyer\'s electronic address (BR-FR-12), e.g. {"value": "901543215", "scheme": "0225"}.');
		if (!/^[A-Za-z0-9\-_.]{1,125}$/.test(p.electronicAddress.value)) {
			throw new InvoicingConfigError(`${path}.electronicAddress`, 'a French platform address holds only letters, digits, "-", "_" and "." (BR-FR-23): use the SIREN-based scheme 0225, not an e-mail.', 'ELECTRONIC_ADDRESS_INVALID');
		}
		const siren = p.legalRegistrationId;
		if (p.address.countryCode === 'FR' && (siren?.scheme !== '0002' || !isValidSiren(siren.value))) {
			throw missing(`${path}.legalRegistrationId`, 'the buyer\'s SIREN is a mandatory mention (2026 reform, BR-FR-11): {"value": "901543215", "scheme": "0002"}.');
		}
	}
}

/** What the partners' networks need of the seller (BG-4), named once for the first partner that needs it. */
function sellerMeetsSpecifications(seller: SellerConfig, partners: PartnerConfig[], invoicing: InvoicingSettings): void {
	const first = (spec: EInvoiceSpecification) => partners.findIndex((p) => p.specification === spec);
	const because = (spec: EInvoiceSpecification, i: number) => `$.partners[${i}] (${partners[i].name}) receives ${spec} documents`;
	const peppol = first('peppol');
	if (peppol >= 0) {
		if (!seller.electronicAddress) throw missing('$.seller.electronicAddress', `${because('peppol', peppol)}, and Peppol needs the seller's participant id (PEPPOL-EN16931-R020).`);
		if (!PEPPOL_EAS_SCHEMES.has(seller.electronicAddress.scheme!)) {
			throw new InvoicingConfigError('$.seller.electronicAddress.scheme', `"${seller.electronicAddress.scheme}" is no Peppol participant scheme (PEPPOL-EN16931-CL008), and ${because('peppol', peppol)}.`, 'ELECTRONIC_ADDRESS_INVALID');
		}
	}
	const xrechnung = first('xrechnung');
	const germanPeppol = partners.findIndex((p) => p.specification === 'peppol' && p.address.countryCode === 'DE' && seller.address.countryCode === 'DE');
	const contactNeeded = xrechnung >= 0 ? because('xrechnung', xrechnung) : germanPeppol >= 0 ? because('peppol', germanPeppol) + ' between German parties' : undefined;
	if (contactNeeded) {
		const contact = seller.contact;
		if (!contact?.name) throw missing('$.seller.contact.name', `${contactNeeded}, which need the seller contact point (BR-DE-5).`);
		if (!contact.telephone) throw missing('$.seller.contact.telephone', `${contactNeeded}, which need the seller contact telephone (BR-DE-6).`);
		if (!contact.email) throw missing('$.seller.contact.email', `${contactNeeded}, which need the seller contact e-mail (BR-DE-7).`);
	}
	const french = first('fr-ctc');
	if (french >= 0) {
		const siren = seller.legalRegistrationId;
		if (siren?.scheme !== '0002' || !isValidSiren(siren.value)) {
			throw missing('$.seller.legalRegistrationId', `${because('fr-ctc', french)}, which need the seller SIREN (BR-FR-10): {"value": "884123456", "scheme": "0002"}.`);
		}
		if (!seller.electronicAddress) throw missing('$.seller.electronicAddress', `${because('fr-ctc', french)}, which need the seller's platform address (BR-FR-13), e.g. {"value": "884123456", "scheme": "0225"}.`);
		if (!/^[A-Za-z0-9\-_.]{1,125}$/.test(seller.electronicAddress.value)) {
			throw new InvoicingConfigError('$.seller.electronicAddress', `a French platform address holds only letters, digits, "-", "_" and "." (BR-FR-23), and ${because('fr-ctc', french)}.`, 'ELECTRONIC_ADDRESS_INVALID');
		}
		if (!invoicing.businessProcess) {
			throw missing('$.seller.operationCategory', `${because('fr-ctc', french)}, which state the category of operation (BR-FR-08): "goods", "services" or "mixed".`);
		}
	}
}

function lineGrouping(value: unknown, path: string): LineGrouping[] {
	if (value === undefined) return [];
	if (!Array.isArray(value) || value.some((v) => v !== 'site' && v !== 'day') || new Set(value).size !== value.length) {
		throw new InvoicingConfigError(path, 'must list "site" and/or "day" once each, e.g. ["site"].');
	}
	return value as LineGrouping[];
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
		lineDetail: oneOf(value, 'lineDetail', path, ['aggregated', 'per_cdr'] as const, DEFAULT_INVOICING.lineDetail),
		lineGrouping: lineGrouping(value.lineGrouping, `${path}.lineGrouping`),
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
	// Each document's RF reference (BT-83) is its number without separators, and unique in the ledger.
	const shared = sharedReferenceBody(s.numberPattern, s.series, s.creditNoteSeries);
	if (shared !== undefined) {
		let example = shared;
		try {
			example = createCreditorReference(shared);
		} catch {
			// longer than an RF holds: show the characters both would have
		}
		throw new InvoicingConfigError(
			`${path}.creditNoteSeries`,
			`"${s.creditNoteSeries}" and ${path}.series "${s.series}" can give an invoice and a credit note the same ISO 11649 ` +
				`creditor reference under ${path}.numberPattern "${s.numberPattern}" (e.g. ${example}: ` +
				'separators and case do not count in it), and the ledger would refuse every such credit note. Choose a ' +
				`credit-note series that differs in its letters or digits, e.g. "${s.series}-AV".`,
		);
	}
	return s;
}

export function parseInvoicingConfig(value: unknown): InvoicingConfig {
	if (!isObject(value)) throw new InvoicingConfigError('$', 'the invoicing configuration must be a JSON object.');
	if (!isObject(value.seller)) throw missing('$.seller', 'the CPO that issues the invoices.');
	const seller: SellerConfig = {
		...party(value.seller, '$.seller'),
		iban: iban(value.seller),
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
		legalForm: text(value.seller, 'legalForm', '$.seller', false),
		shareCapital: text(value.seller, 'shareCapital', '$.seller', false),
		tradeRegister: text(value.seller, 'tradeRegister', '$.seller', false),
		vatOnDebits: flag(value.seller, 'vatOnDebits', '$.seller'),
		operationCategory:
			value.seller.operationCategory === undefined ? undefined : oneOf(value.seller, 'operationCategory', '$.seller', OPERATION_CATEGORIES, 'goods'),
	};
	// Every document carries VAT categories S, Z, E or AE, all of which need the seller VAT id (BR-S-02 & co.).
	if (!seller.vatId) throw missing('$.seller.vatId', 'the seller VAT identifier, with its country prefix, e.g. "FR52884123456" (EN16931 BR-S-02, BR-AE-02).');
	if (!Array.isArray(value.partners)) {
		throw missing('$.partners', 'a list of the eMSPs billed, each with its OCPI party.');
	}
	const partners = value.partners.map((p, i) => partner(p, `$.partners[${i}]`, seller));
	const seen = new Set<string>();
	partners.forEach((p, i) => {
		const key = `${p.ocpi.country_code}*${p.ocpi.party_id}`;
		if (seen.has(key)) throw new InvoicingConfigError(`$.partners[${i}].ocpi`, `${key} is listed twice.`);
		seen.add(key);
	});
	const invoicing = settings(value.invoicing);
	if (seller.operationCategory) {
		const framework = BILLING_FRAMEWORK[seller.operationCategory];
		if (invoicing.businessProcess && invoicing.businessProcess[0] !== framework[0]) {
			throw new InvoicingConfigError('$.invoicing.businessProcess', `"${invoicing.businessProcess}" contradicts the seller's "operationCategory": "${seller.operationCategory}" (${framework}).`);
		}
		invoicing.businessProcess ??= framework;
	}
	sellerMeetsSpecifications(seller, partners, invoicing);
	return { seller, partners, invoicing };
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
