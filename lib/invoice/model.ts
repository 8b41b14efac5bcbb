/**
 * EN16931 semantic model of an invoice or credit note: the business terms (BT-n) and groups (BG-n) of EN 16931-1,
 * independent of the syntax (CII, UBL) it is rendered in. Names follow the standard; each field says which term it is.
 *
 * Amounts are `Decimal` (lib/money.ts). A complete `Invoice` carries the VAT breakdown and the document totals; build it
 * with `completeInvoice()` (lib/invoice/totals.ts) from an `InvoiceDraft`, so the arithmetic rules hold by construction.
 */
import type { Decimal } from '../money';
import type { EInvoiceSpecification } from './specification';

/** ISO 8601 calendar date, "2026-03-31". EN16931 dates carry no time of day. */
export type IsoDate = string;

/** The languages documents are written in. */
export type DocumentLanguage = 'fr' | 'en' | 'de';

/** A party's language by its country: French, German (Germany, Austria), else English. */
export function languageOfCountry(countryCode: string): DocumentLanguage {
	return countryCode === 'FR' ? 'fr' : countryCode === 'DE' || countryCode === 'AT' ? 'de' : 'en';
}

/** The language a document is written in: its own, else its seller's. */
export function documentLanguage(invoice: Pick<InvoiceDraft, 'language' | 'seller'>): DocumentLanguage {
	return invoice.language ?? languageOfCountry(invoice.seller.address.countryCode);
}

/** BT-3 (UNTDID 1001): 380 commercial invoice, 381 credit note. */
export type InvoiceTypeCode = '380' | '381';

/**
 * BT-118 / BT-151 (UNTDID 5305 subset of EN16931): S standard rate, Z zero rated, E exempt, AE reverse charge,
 * K intra-community supply, G export outside the EU, O outside the scope of VAT.
 */
export type VatCategoryCode = 'S' | 'Z' | 'E' | 'AE' | 'K' | 'G' | 'O';
export const VAT_CATEGORY_CODES: readonly VatCategoryCode[] = ['S', 'Z', 'E', 'AE', 'K', 'G', 'O'];

/** Categories whose VAT breakdown must state an exemption reason (BR-E-10, BR-AE-10, BR-IC-10, BR-G-10, BR-O-10). */
export const CATEGORIES_WITH_EXEMPTION_REASON: readonly VatCategoryCode[] = ['E', 'AE', 'K', 'G', 'O'];

/** An identifier with its scheme: ISO 6523 ICD (e.g. 0002 SIREN, 0009 SIRET) or EAS code for electronic addresses. */
export interface SchemedIdentifier {
	value: string;
	scheme?: string;
}

/** BG-5 / BG-8 postal address. */
export interface PostalAddress {
	/** BT-35 / BT-50 */
	line1?: string;
	/** BT-36 / BT-51 */
	line2?: string;
	/** BT-162 / BT-163 */
	line3?: string;
	/** BT-37 / BT-52 */
	city?: string;
	/** BT-38 / BT-53 */
	postCode?: string;
	/** BT-39 / BT-54 */
	countrySubdivision?: string;
	/** BT-40 / BT-55, ISO 3166-1 alpha-2 */
	countryCode: string;
}

/** BG-6 / BG-9 contact. */
export interface Contact {
	/** BT-41 / BT-56 */
	name?: string;
	/** BT-42 / BT-57 */
	telephone?: string;
	/** BT-43 / BT-58 */
	email?: string;
}

/** BG-4 seller / BG-7 buyer. */
export interface Party {
	/** BT-27 / BT-44 legal name */
	name: string;
	/** BT-28 / BT-45 trading name */
	tradingName?: string;
	/** BT-30 / BT-47 legal registration identifier, e.g. { value: '123456782', scheme: '0002' } (SIREN) */
	legalRegistrationId?: SchemedIdentifier;
	/** BT-31 / BT-48 VAT identifier with its country prefix, e.g. "FR32123456782" */
	vatId?: string;
	/** BT-34 / BT-49 electronic address, scheme from the EAS list (e.g. 0225, 0009, EM) */
	electronicAddress?: SchemedIdentifier;
	/** BG-5 / BG-8 */
	address: PostalAddress;
	/** BG-6 / BG-9 */
	contact?: Contact;
	/** BT-33 seller additional legal information: legal form, share capital, trade register (RCS) entry. */
	additionalLegalInformation?: string;
}

/** BG-13 delivery information: where the goods or services were supplied. */
export interface DeliverTo {
	/** BT-70 deliver-to party name (the charging site's name) */
	name?: string;
	/** BG-15 deliver-to address; BT-80 its country (needed with category K, BR-IC-12) */
	address: PostalAddress;
}

/** BG-1 invoice note: BT-22 text with its BT-21 subject code (UNTDID 4451: PMT, PMD, AAB, REG, ABL...). */
export interface InvoiceNote {
	subjectCode?: string;
	text: string;
}

/** BG-3 preceding invoice reference. */
export interface PrecedingInvoiceReference {
	/** BT-25 */
	number: string;
	/** BT-26 */
	issueDate?: IsoDate;
}

/** BG-14 invoicing period / BG-26 line period. */
export interface Period {
	/** BT-73 / BT-134 */
	start: IsoDate;
	/** BT-74 / BT-135 */
	end: IsoDate;
}

/** BG-16 payment instructions, credit transfer. */
export interface PaymentInstructions {
	/** BT-81 (UNTDID 4461): 58 SEPA credit transfer, 30 credit transfer. */
	meansCode: '58' | '30';
	/** BT-83 remittance information: the ISO 11649 creditor reference (RF...) the payer must quote. */
	remittanceInformation?: string;
	/** BT-84 payment account identifier (IBAN for 58) */
	iban: string;
	/** BT-85 payment account name */
	accountName?: string;
	/** BT-86 payment service provider identifier (BIC) */
	bic?: string;
}

/** BG-32 item attribute: BT-160 name, BT-161 value (EVSE ID, contract id, tariff id, session start/end...). */
export interface ItemAttribute {
	name: string;
	value: string;
}

/**
 * BT-160 names of the CDR details on a per-CDR line, shared by the invoice builder and the PDF layout (which prints
 * session start-end together and the others as "name value").
 */
export const CDR_ITEM_ATTRIBUTES = {
	cdrId: 'CDR ID',
	sessionStart: 'Session start',
	sessionEnd: 'Session end',
	evseId: 'EVSE ID',
	contractId: 'Contract ID',
	tariffId: 'Tariff ID',
	duration: 'Duration',
	parkingTime: 'Parking time',
	energyPrice: 'Energy price',
	site: 'Charging site',
	timeZone: 'Time zone',
} as const;

/** BG-24 additional supporting document. */
export interface SupportingDocument {
	/** BT-122 supporting document reference (the file name, e.g. "cdrs-INV-2026-000001.csv") */
	id: string;
	/** BT-123 */
	description?: string;
	/** BT-125 attachment file name and mime code */
	fileName: string;
	mimeCode: 'text/csv';
}

/** BG-30 line VAT information. */
export interface LineVat {
	/** BT-151 */
	category: VatCategoryCode;
	/** BT-152 percent, e.g. 20 or 5.5; 0 for Z, E, AE, K, G; absent for O */
	rate?: Decimal;
}

/** BG-25 invoice line. */
export interface InvoiceLine {
	/** BT-126 line identifier, unique in the invoice */
	id: string;
	/** BT-127 */
	note?: string;
	/** BT-128 invoiced object identifier (the OCPI CDR id), scheme from UNTDID 1153 when given */
	objectId?: SchemedIdentifier;
	/** BT-129 invoiced quantity (negative on a corrective line) */
	quantity: Decimal;
	/** BT-130 UN/ECE Rec 20 unit: KWH, HUR (hour), MIN, C62 (one), ... */
	unitCode: string;
	/** BT-131 line net amount, 2 decimals in a complete invoice */
	netAmount: Decimal;
	/** BG-26 */
	period?: Period;
	/** BT-146 item net price (never negative, BR-27; more than 2 decimals allowed) */
	netPrice: Decimal;
	/** BT-149 price base quantity, 1 when absent */
	baseQuantity?: Decimal;
	/** BG-30 */
	vat: LineVat;
	/** BG-31 item information */
	item: {
		/** BT-153 */
		name: string;
		/** BT-154 */
		description?: string;
		/** BT-155 */
		sellersId?: string;
		/** BG-32 */
		attributes?: ItemAttribute[];
	};
}

/** BG-23 VAT breakdown, one per (category, rate). */
export interface VatBreakdown {
	/** BT-116 */
	taxableAmount: Decimal;
	/** BT-117 */
	taxAmount: Decimal;
	/** BT-118 */
	category: VatCategoryCode;
	/** BT-119, absent for O */
	rate?: Decimal;
	/** BT-120 */
	exemptionReason?: string;
	/** BT-121 (VATEX code list), e.g. VATEX-EU-AE */
	exemptionReasonCode?: string;
}

/** BG-22 document totals. */
export interface DocumentTotals {
	/** BT-106 sum of invoice line net amounts */
	lineNetTotal: Decimal;
	/** BT-109 invoice total amount without VAT */
	taxExclusive: Decimal;
	/** BT-110 invoice total VAT amount */
	vatTotal: Decimal;
	/** BT-112 invoice total amount with VAT */
	taxInclusive: Decimal;
	/** BT-113 paid amount */
	paid: Decimal;
	/** BT-115 amount due for payment */
	due: Decimal;
}

/** Everything of an invoice except what is computed from its lines. */
export interface InvoiceDraft {
	/** BT-1 invoice number: ≤ 35 characters of A-Z a-z 0-9 + - _ / (French rule BR-FR-01/02) */
	number: string;
	/** BT-2 */
	issueDate: IsoDate;
	/** BT-3 */
	typeCode: InvoiceTypeCode;
	/** BT-5 ISO 4217 */
	currency: string;
	/** BT-9 */
	dueDate?: IsoDate;
	/** BT-10 */
	buyerReference?: string;
	/** BT-12 contract reference (the roaming agreement) */
	contractReference?: string;
	/** BT-13 purchase order reference */
	orderReference?: string;
	/** BT-20 payment terms, free text */
	paymentTerms?: string;
	/** BT-23 business process type; in France the billing framework ("cadre de facturation"), e.g. B1, S1, M1 */
	businessProcess?: string;
	/** BG-1 */
	notes: InvoiceNote[];
	/** BG-3 */
	precedingInvoices: PrecedingInvoiceReference[];
	/**
	 * BG-24 supporting documents, by reference: the renderer embeds their content when it is given one
	 * (RenderAllOptions.attachments), e.g. the CSV of a monthly invoice's CDRs. The content never sits in the model,
	 * which the ledger stores.
	 */
	supportingDocuments?: SupportingDocument[];
	/** BG-14 */
	period?: Period;
	/** BT-72 actual delivery date: the day the last charging session of the document ended */
	deliveryDate?: IsoDate;
	/** BG-13 deliver-to: the charging site, when it is not the buyer's address (French 2026 mention). */
	deliverTo?: DeliverTo;
	/**
	 * BT-8 VAT point date code (UNTDID 2005): 3 invoice date — a French seller's option for VAT on debits —, 35 delivery
	 * date, 432 paid to date (VAT on receipts). CII writes the UNTDID 2475 equivalents 5, 29, 72.
	 */
	vatPointDateCode?: '3' | '35' | '432';
	/** The language its texts are written in (not an EN 16931 term): the PDF and the e-mail speak it. */
	language?: DocumentLanguage;
	/** BT-24 the rules the document meets beyond EN 16931, and declares in UBL and CII (Factur-X declares its profile). */
	specification?: EInvoiceSpecification;
	/** BG-4 */
	seller: Party;
	/** BG-7 */
	buyer: Party;
	/** BG-16 */
	payment?: PaymentInstructions;
	/** BG-25, at least one */
	lines: InvoiceLine[];
}

/** A complete invoice: draft + computed VAT breakdown and totals that satisfy the EN16931 arithmetic rules. */
export interface Invoice extends InvoiceDraft {
	/** BG-23 */
	vatBreakdown: VatBreakdown[];
	/** BG-22 */
	totals: DocumentTotals;
}

export function isCreditNote(invoice: Pick<InvoiceDraft, 'typeCode'>): boolean {
	return invoice.typeCode === '381';
}
