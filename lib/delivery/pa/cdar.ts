/**
 * CDAR lifecycle messages (UN/CEFACT Cross Domain Acknowledgement and Response D22B, French CDV profile): read from
 * the platform — untrusted XML: size limit, no DOCTYPE, well-formed, bounded nesting — and the seller's own 212
 * "Encaissée" written, in the element order of the XSD (cdar-xsd/) and of the standard's examples (lifecycle-cdar/).
 */
import { XmlWriter } from '../../einvoice/xml';
import type { XmlElement, XmlValue } from '../../io/untrusted-xml';
import { UntrustedXmlError, asElement, checkUntrustedXml, elements, parseXmlTree, textOf } from '../../io/untrusted-xml';
import type { Decimal } from '../../money';
import { toFixedAmount } from '../../money';
import { CASHED_CODE, LIFECYCLE_STATUSES, isLifecycleCode } from './lifecycle-codes';
import type { LifecycleCode } from './lifecycle-codes';

export const CDAR_NAMESPACE = 'urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100';
const RAM = 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100';
const UDT = 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100';
const QDT = 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100';

/** A lifecycle message is a few kB; a megabyte is already far more than any. */
export const DEFAULT_CDAR_MAX_BYTES = 1024 * 1024;
const MAX_NESTED_TAGS = 40;

export type CdarErrorCode =
	| 'CDAR_TOO_LARGE'
	| 'CDAR_DOCTYPE_FORBIDDEN'
	| 'CDAR_ENCODING_UNSUPPORTED'
	| 'CDAR_NOT_XML'
	| 'CDAR_TRUNCATED'
	| 'CDAR_TOO_DEEP'
	| 'CDAR_NOT_CDAR'
	| 'CDAR_FIELD_MISSING'
	| 'CDAR_STATUS_UNKNOWN';

export class CdarError extends Error {
	constructor(
		readonly code: CdarErrorCode,
		message: string,
		readonly field?: string,
	) {
		super(message);
		this.name = 'CdarError';
	}
}

export interface CdarParty {
	id?: string;
	scheme?: string;
	name?: string;
	/** SE seller, BY buyer, WK platform, DFH tax administration's portal. */
	role?: string;
}

export interface CdarReason {
	code?: string;
	text?: string;
	requestedActionCode?: string;
	requestedAction?: string;
}

/** SpecifiedDocumentCharacteristic: MEN amount cashed (with the VAT rate), MPA amount paid, DIV/DVA data in error… */
export interface CdarCharacteristic {
	typeCode?: string;
	/** BT the data concerns, e.g. "BT-152". */
	id?: string;
	name?: string;
	amount?: string;
	currency?: string;
	percent?: string;
	date?: string;
}

/** One status of one invoice (a ReferenceReferencedDocument). */
export interface CdarStatus {
	/** MDT-87, the invoice number (BT-1). */
	invoiceNumber: string;
	/** MDT-91, 380 / 381… */
	invoiceTypeCode?: string;
	/** MDT-100, BT-2 as YYYY-MM-DD. */
	invoiceIssueDate?: string;
	code: LifecycleCode;
	label: string;
	/** ISO 8601: when the status was set (MDT-78), else when the message was made. */
	at?: string;
	/** MDT-129: who issued the invoice (the seller), e.g. its SIREN. */
	invoiceIssuer?: CdarParty;
	reasons: CdarReason[];
	characteristics: CdarCharacteristic[];
}

export interface CdarMessage {
	/** MDT-4: unique per message. */
	id: string;
	name?: string;
	createdAt?: string;
	/** MDT-3, e.g. urn.cpro.gouv.fr:1p0:CDV:invoice. */
	guideline?: string;
	/** Who set the statuses: the buyer (BY), the platform (WK), the seller (SE). */
	issuer?: CdarParty;
	statuses: CdarStatus[];
}

const text = (value: XmlValue | undefined): string | undefined => {
	const t = textOf(value)?.trim();
	return t === undefined || t === '' ? undefined : t;
};

/** "20250701151000" (format 204) or "20250701" (102) → ISO 8601 (UTC assumed: the examples carry no zone). */
function dateTimeOf(value: XmlValue | undefined): string | undefined {
	const element = asElement(value);
	const raw = text(element?.DateTimeString ?? value);
	if (!raw) return undefined;
	const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?$/.exec(raw);
	if (!m) return raw;
	return m[4] ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : `${m[1]}-${m[2]}-${m[3]}`;
}

function partyOf(value: XmlValue | undefined): CdarParty | undefined {
	const party = asElement(value);
	if (!party) return undefined;
	const global = asElement(party.GlobalID);
	return {
		id: text(party.GlobalID),
		scheme: typeof global?.['@schemeID'] === 'string' ? global['@schemeID'] : undefined,
		name: text(party.Name),
		role: text(party.RoleCode),
	};
}

function characteristicOf(element: XmlElement): CdarCharacteristic {
	const amountElement = asElement(element.ValueAmount);
	return {
		typeCode: text(element.TypeCode),
		id: text(element.ID),
		name: text(element.Name),
		amount: text(element.ValueAmount),
		currency: typeof amountElement?.['@currencyID'] === 'string' ? amountElement['@currencyID'] : undefined,
		percent: text(element.ValuePercent),
		date: dateTimeOf(element.ValueDateTime),
	};
}

/** Reads a CDAR; refuses hostile or malformed input with a CdarError naming what is wrong. */
export function parseCdar(input: string | Buffer, options: { maxBytes?: number } = {}): CdarMessage {
	const limits = { maxBytes: options.maxBytes ?? DEFAULT_CDAR_MAX_BYTES, what: 'CDAR message', maxNestedTags: MAX_NESTED_TAGS };
	let tree: XmlElement;
	let rootName: string;
	try {
		const { text: xml, root } = checkUntrustedXml(input, limits);
		if (root.localName !== 'CrossDomainAcknowledgementAndResponse' || root.namespace !== CDAR_NAMESPACE) {
			throw new CdarError(
				'CDAR_NOT_CDAR',
				`The root element is <${root.qualifiedName}>${root.namespace ? ` (namespace ${root.namespace})` : ''}, not a <CrossDomainAcknowledgementAndResponse> of namespace ${CDAR_NAMESPACE}: this is not a lifecycle (CDAR) message.`,
			);
		}
		tree = parseXmlTree(xml, limits);
		rootName = root.localName;
	} catch (error) {
		if (error instanceof UntrustedXmlError) throw new CdarError(`CDAR_${error.kind}`, error.message);
		throw error;
	}
	const root = asElement(tree[rootName])!;
	const exchanged = asElement(root.ExchangedDocument);
	const acknowledgement = asElement(root.AcknowledgementDocument);
	const id = text(exchanged?.ID);
	if (!exchanged || !id) throw new CdarError('CDAR_FIELD_MISSING', 'The CDAR has no ExchangedDocument/ID (MDT-4).', 'ExchangedDocument/ID');
	if (!acknowledgement) {
		throw new CdarError('CDAR_FIELD_MISSING', 'The CDAR has no AcknowledgementDocument.', 'AcknowledgementDocument');
	}
	const createdAt = dateTimeOf(exchanged.IssueDateTime);
	const statusAt = dateTimeOf(acknowledgement.IssueDateTime) ?? createdAt;
	const references = elements(acknowledgement.ReferenceReferencedDocument);
	if (references.length === 0) {
		throw new CdarError(
			'CDAR_FIELD_MISSING',
			'The CDAR references no invoice (AcknowledgementDocument/ReferenceReferencedDocument).',
			'AcknowledgementDocument/ReferenceReferencedDocument',
		);
	}
	const statuses = references.map((reference, index): CdarStatus => {
		const where = `ReferenceReferencedDocument[${index + 1}]`;
		const invoiceNumber = text(reference.IssuerAssignedID);
		if (!invoiceNumber) throw new CdarError('CDAR_FIELD_MISSING', `${where} has no IssuerAssignedID (MDT-87, the invoice number).`, `${where}/IssuerAssignedID`);
		const code = text(reference.ProcessConditionCode);
		if (!code) throw new CdarError('CDAR_FIELD_MISSING', `${where} has no ProcessConditionCode (MDT-105, the status).`, `${where}/ProcessConditionCode`);
		if (!isLifecycleCode(code)) {
			throw new CdarError(
				'CDAR_STATUS_UNKNOWN',
				`${where}: status ${code} is not a lifecycle status of the French network (200 … 213, 220).`,
				`${where}/ProcessConditionCode`,
			);
		}
		const documentStatuses = elements(reference.SpecifiedDocumentStatus);
		return {
			invoiceNumber,
			invoiceTypeCode: text(reference.TypeCode),
			invoiceIssueDate: dateTimeOf(asElement(reference.FormattedIssueDateTime)?.DateTimeString),
			code,
			label: LIFECYCLE_STATUSES[code].label,
			at: statusAt,
			invoiceIssuer: partyOf(reference.IssuerTradeParty),
			reasons: documentStatuses
				.map((s) => ({
					code: text(s.ReasonCode),
					text: text(s.Reason),
					requestedActionCode: text(s.RequestedActionCode),
					requestedAction: text(s.RequestedAction),
				}))
				.filter((r) => r.code || r.text || r.requestedAction),
			characteristics: documentStatuses.flatMap((s) => elements(s.SpecifiedDocumentCharacteristic).map(characteristicOf)),
		};
	});
	const guideline = text(asElement(asElement(root.ExchangedDocumentContext)?.GuidelineSpecifiedDocumentContextParameter)?.ID);
	return { id, name: text(exchanged.Name), createdAt, guideline, issuer: partyOf(exchanged.IssuerTradeParty), statuses };
}

export interface CashedStatusInput {
	invoice: { number: string; typeCode: '380' | '381'; issueDate: string; depositedAt?: string };
	seller: { siren: string; name: string };
	buyer: { siren: string; name: string; electronicAddress?: string };
	/** One amount cashed (VAT included) per VAT rate of the invoice. */
	cashed: Array<{ amount: Decimal; vatRate: Decimal }>;
	currency: string;
	/** When the money was received (the payment's date). */
	cashedAt: string;
	/** When this message is made. */
	createdAt: Date;
}

const stamp204 = (iso: string) => iso.replace(/[-:T]/g, '').replace(/\.\d+Z?$|Z$/, '').padEnd(14, '0').slice(0, 14);
const stamp102 = (date: string) => date.replace(/-/g, '').slice(0, 8);

/** The message id (MDT-4) of a 212: invoice, status, when, type and issue date, as the examples build it. */
export function cashedMessageId(input: Pick<CashedStatusInput, 'invoice' | 'cashedAt'>, sequence: number): string {
	return `${input.invoice.number}_212_${stamp204(input.cashedAt)}${sequence > 1 ? `-${sequence}` : ''}#${input.invoice.typeCode}_${stamp102(input.invoice.issueDate)}`;
}

/** The seller's 212 Encaissée for one payment, following UC1_…_07-CDV-212_Encaissee.xml. */
export function buildCashedCdar(input: CashedStatusInput, messageId: string): string {
	const w = new XmlWriter();
	const dateTime = (name: string, iso: string) =>
		w.group(name, {}, () => w.leaf('udt:DateTimeString', stamp204(iso), { format: '204' }));
	w.group(
		'rsm:CrossDomainAcknowledgementAndResponse',
		{ 'xmlns:qdt': QDT, 'xmlns:udt': UDT, 'xmlns:ram': RAM, 'xmlns:rsm': CDAR_NAMESPACE },
		() => {
			w.group('rsm:ExchangedDocumentContext', {}, () => {
				w.group('ram:BusinessProcessSpecifiedDocumentContextParameter', {}, () => w.leaf('ram:ID', 'REGULATED'));
				w.group('ram:GuidelineSpecifiedDocumentContextParameter', {}, () => w.leaf('ram:ID', 'urn.cpro.gouv.fr:1p0:CDV:invoice'));
			});
			w.group('rsm:ExchangedDocument', {}, () => {
				w.leaf('ram:ID', messageId);
				w.leaf('ram:Name', `${input.invoice.number}-CDV-212_Encaissee`);
				dateTime('ram:IssueDateTime', input.createdAt.toISOString());
				w.group('ram:SenderTradeParty', {}, () => w.leaf('ram:RoleCode', 'WK'));
				w.group('ram:IssuerTradeParty', {}, () => {
					w.leaf('ram:GlobalID', input.seller.siren, { schemeID: '0002' });
					w.leaf('ram:Name', input.seller.name);
					w.leaf('ram:RoleCode', 'SE');
				});
				w.group('ram:RecipientTradeParty', {}, () => {
					w.leaf('ram:GlobalID', input.buyer.siren, { schemeID: '0002' });
					w.leaf('ram:Name', input.buyer.name);
					w.leaf('ram:RoleCode', 'BY');
					if (input.buyer.electronicAddress) {
						w.group('ram:URIUniversalCommunication', {}, () => w.leaf('ram:URIID', input.buyer.electronicAddress, { schemeID: '0225' }));
					}
				});
				// 212 is one of the statuses the tax administration receives too (its portal, role DFH).
				w.group('ram:RecipientTradeParty', {}, () => {
					w.leaf('ram:GlobalID', '9998', { schemeID: '0238' });
					w.leaf('ram:Name', 'PPF');
					w.leaf('ram:RoleCode', 'DFH');
				});
			});
			w.group('rsm:AcknowledgementDocument', {}, () => {
				w.group('ram:MultipleReferencesIndicator', {}, () => w.leaf('udt:Indicator', 'false'));
				w.leaf('ram:TypeCode', '23');
				dateTime('ram:IssueDateTime', input.cashedAt);
				w.group('ram:ReferenceReferencedDocument', {}, () => {
					w.leaf('ram:IssuerAssignedID', input.invoice.number);
					w.leaf('ram:StatusCode', LIFECYCLE_STATUSES[CASHED_CODE].documentStatusCode);
					w.leaf('ram:TypeCode', input.invoice.typeCode);
					if (input.invoice.depositedAt) dateTime('ram:ReceiptDateTime', input.invoice.depositedAt);
					w.group('ram:FormattedIssueDateTime', {}, () =>
						w.leaf('qdt:DateTimeString', stamp102(input.invoice.issueDate), { format: '102' }),
					);
					w.leaf('ram:ProcessConditionCode', CASHED_CODE);
					w.leaf('ram:ProcessCondition', LIFECYCLE_STATUSES[CASHED_CODE].label);
					w.group('ram:IssuerTradeParty', {}, () => w.leaf('ram:GlobalID', input.seller.siren, { schemeID: '0002' }));
					w.group('ram:SpecifiedDocumentStatus', {}, () => {
						for (const { amount, vatRate } of input.cashed) {
							w.group('ram:SpecifiedDocumentCharacteristic', {}, () => {
								w.leaf('ram:TypeCode', 'MEN');
								w.group('ram:ValueChangedIndicator', {}, () => w.leaf('udt:IndicatorString', 'false'));
								w.leaf('ram:ValueAmount', toFixedAmount(amount), { currencyID: input.currency });
								w.leaf('ram:ValuePercent', vatRate.toFixed(2));
							});
						}
					});
				});
			});
		},
	);
	return w.toString();
}
