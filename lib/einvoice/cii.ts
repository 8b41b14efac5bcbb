/**
 * UN/CEFACT Cross Industry Invoice D16B, as Factur-X 1.0 EN 16931 (default) or EXTENDED profile.
 *
 * Element order is the XSD's sequence order (Factur-X profile XSDs, subsets of D16B): it is written out here in that
 * order on purpose, a reordering makes the file invalid.
 */
import type { CiiProfile } from '../invoice/formats';
import type { Invoice, InvoiceLine, Party, PostalAddress, VatBreakdown, VatCategoryCode } from '../invoice/model';
import { SPECIFICATION_IDS } from '../invoice/specification';
import { ZERO } from '../money';
import type { Decimal } from '../money';
import type { SupportingAttachment } from './supporting';
import { XmlWriter, amount, date102, decimal, rate } from './xml';

export type { CiiProfile } from '../invoice/formats';

/** BT-24 specification identifiers. */
export const CII_GUIDELINES: Readonly<Record<CiiProfile, string>> = {
	EN16931: 'urn:cen.eu:en16931:2017',
	EXTENDED: 'urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended',
};

/** fx:ConformanceLevel of the Factur-X XMP for each profile. */
export const FACTURX_CONFORMANCE_LEVELS: Readonly<Record<CiiProfile, string>> = {
	EN16931: 'EN 16931',
	EXTENDED: 'EXTENDED',
};

const NS = {
	rsm: 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
	ram: 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
	qdt: 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
	udt: 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
};

/** BT-8 in CII: UNTDID 2475 codes for the UNTDID 2005 codes of the model (EN 16931 syntax binding). */
const CII_VAT_POINT_DATE_CODES: Readonly<Record<string, string>> = { '3': '5', '35': '29', '432': '72' };

export interface CiiOptions {
	profile?: CiiProfile;
	/**
	 * Declare the invoice's own specification (BT-24, e.g. XRechnung) instead of the Factur-X profile: for a CII sent
	 * alone. The CII inside a Factur-X PDF always declares its Factur-X profile.
	 */
	declareSpecification?: boolean;
	/** Indented output (default true). */
	prettyPrint?: boolean;
	/** Contents of the supporting documents (BG-24) to embed, by file name; one not given is referenced only. */
	attachments?: readonly SupportingAttachment[];
}

const NONE = {};

function dateTime(w: XmlWriter, name: string, isoDate: string, type: 'udt' | 'qdt' = 'udt'): void {
	w.group(name, NONE, () => w.leaf(`${type}:DateTimeString`, date102(isoDate), { format: '102' }));
}

function postalAddress(w: XmlWriter, address: PostalAddress): void {
	w.group('ram:PostalTradeAddress', NONE, () => {
		w.leaf('ram:PostcodeCode', address.postCode);
		w.leaf('ram:LineOne', address.line1);
		w.leaf('ram:LineTwo', address.line2);
		w.leaf('ram:LineThree', address.line3);
		w.leaf('ram:CityName', address.city);
		w.leaf('ram:CountryID', address.countryCode);
		w.leaf('ram:CountrySubDivisionName', address.countrySubdivision);
	});
}

function tradeParty(w: XmlWriter, name: string, party: Party): void {
	w.group(name, NONE, () => {
		w.leaf('ram:Name', party.name);
		w.leaf('ram:Description', party.additionalLegalInformation);
		if (party.legalRegistrationId || party.tradingName) {
			w.group('ram:SpecifiedLegalOrganization', NONE, () => {
				w.leaf('ram:ID', party.legalRegistrationId?.value, { schemeID: party.legalRegistrationId?.scheme });
				w.leaf('ram:TradingBusinessName', party.tradingName);
			});
		}
		const contact = party.contact;
		if (contact && (contact.name || contact.telephone || contact.email)) {
			w.group('ram:DefinedTradeContact', NONE, () => {
				w.leaf('ram:PersonName', contact.name);
				if (contact.telephone) {
					w.group('ram:TelephoneUniversalCommunication', NONE, () => w.leaf('ram:CompleteNumber', contact.telephone));
				}
				if (contact.email) w.group('ram:EmailURIUniversalCommunication', NONE, () => w.leaf('ram:URIID', contact.email));
			});
		}
		postalAddress(w, party.address);
		const electronicAddress = party.electronicAddress;
		if (electronicAddress) {
			w.group('ram:URIUniversalCommunication', NONE, () =>
				w.leaf('ram:URIID', electronicAddress.value, { schemeID: electronicAddress.scheme }),
			);
		}
		if (party.vatId) w.group('ram:SpecifiedTaxRegistration', NONE, () => w.leaf('ram:ID', party.vatId, { schemeID: 'VA' }));
	});
}

function lineTradeTax(w: XmlWriter, category: VatCategoryCode, vatRate: Decimal | undefined, exemption?: VatBreakdown): void {
	w.group('ram:ApplicableTradeTax', NONE, () => {
		w.leaf('ram:TypeCode', 'VAT');
		w.leaf('ram:ExemptionReason', exemption?.exemptionReason);
		w.leaf('ram:CategoryCode', category);
		w.leaf('ram:ExemptionReasonCode', exemption?.exemptionReasonCode);
		if (category !== 'O') w.leaf('ram:RateApplicablePercent', rate(vatRate ?? ZERO));
	});
}

/**
 * EXTENDED checks that a line's exemption reason equals its breakdown's (BR-FXEXT-*-08rev), so lines repeat it there;
 * the EN 16931 profile has no line-level exemption reason.
 */
function lineExemptions(invoice: Invoice, profile: CiiProfile): Map<VatCategoryCode, VatBreakdown> {
	const map = new Map<VatCategoryCode, VatBreakdown>();
	if (profile !== 'EXTENDED') return map;
	for (const entry of invoice.vatBreakdown) if (entry.exemptionReason || entry.exemptionReasonCode) map.set(entry.category, entry);
	return map;
}

function lineItem(w: XmlWriter, line: InvoiceLine, exemptions: Map<VatCategoryCode, VatBreakdown>, currency: string): void {
	w.group('ram:IncludedSupplyChainTradeLineItem', NONE, () => {
		w.group('ram:AssociatedDocumentLineDocument', NONE, () => {
			w.leaf('ram:LineID', line.id);
			if (line.note) w.group('ram:IncludedNote', NONE, () => w.leaf('ram:Content', line.note));
		});
		w.group('ram:SpecifiedTradeProduct', NONE, () => {
			w.leaf('ram:SellerAssignedID', line.item.sellersId);
			w.leaf('ram:Name', line.item.name);
			w.leaf('ram:Description', line.item.description);
			for (const attribute of line.item.attributes ?? []) {
				w.group('ram:ApplicableProductCharacteristic', NONE, () => {
					w.leaf('ram:Description', attribute.name);
					w.leaf('ram:Value', attribute.value);
				});
			}
		});
		w.group('ram:SpecifiedLineTradeAgreement', NONE, () =>
			w.group('ram:NetPriceProductTradePrice', NONE, () => {
				w.leaf('ram:ChargeAmount', decimal(line.netPrice));
				if (line.baseQuantity) w.leaf('ram:BasisQuantity', decimal(line.baseQuantity), { unitCode: line.unitCode });
			}),
		);
		w.group('ram:SpecifiedLineTradeDelivery', NONE, () =>
			w.leaf('ram:BilledQuantity', decimal(line.quantity), { unitCode: line.unitCode }),
		);
		w.group('ram:SpecifiedLineTradeSettlement', NONE, () => {
			lineTradeTax(w, line.vat.category, line.vat.rate, exemptions.get(line.vat.category));
			const period = line.period;
			if (period) {
				w.group('ram:BillingSpecifiedPeriod', NONE, () => {
					dateTime(w, 'ram:StartDateTime', period.start);
					dateTime(w, 'ram:EndDateTime', period.end);
				});
			}
			w.group('ram:SpecifiedTradeSettlementLineMonetarySummation', NONE, () =>
				w.leaf('ram:LineTotalAmount', amount(line.netAmount, currency)),
			);
			const objectId = line.objectId;
			if (objectId) {
				w.group('ram:AdditionalReferencedDocument', NONE, () => {
					w.leaf('ram:IssuerAssignedID', objectId.value);
					w.leaf('ram:TypeCode', '130');
					w.leaf('ram:ReferenceTypeCode', objectId.scheme);
				});
			}
		});
	});
}

function headerAgreement(w: XmlWriter, invoice: Invoice, attachments?: readonly SupportingAttachment[]): void {
	w.group('ram:ApplicableHeaderTradeAgreement', NONE, () => {
		w.leaf('ram:BuyerReference', invoice.buyerReference);
		tradeParty(w, 'ram:SellerTradeParty', invoice.seller);
		tradeParty(w, 'ram:BuyerTradeParty', invoice.buyer);
		if (invoice.orderReference) {
			w.group('ram:BuyerOrderReferencedDocument', NONE, () => w.leaf('ram:IssuerAssignedID', invoice.orderReference));
		}
		if (invoice.contractReference) {
			w.group('ram:ContractReferencedDocument', NONE, () => w.leaf('ram:IssuerAssignedID', invoice.contractReference));
		}
		for (const supporting of invoice.supportingDocuments ?? []) {
			const content = attachments?.find((a) => a.fileName === supporting.fileName);
			w.group('ram:AdditionalReferencedDocument', NONE, () => {
				w.leaf('ram:IssuerAssignedID', supporting.id);
				w.leaf('ram:TypeCode', '916');
				w.leaf('ram:Name', supporting.description);
				if (content) {
					w.leaf('ram:AttachmentBinaryObject', content.data.toString('base64'), { mimeCode: supporting.mimeCode, filename: supporting.fileName });
				}
			});
		}
	});
}

function headerDelivery(w: XmlWriter, invoice: Invoice): void {
	// Mandatory (the XSD requires it; several generators forget it), and not to be left empty (FX-SCH-A-000372): the
	// builder always gives the delivery date, and the charging site when it is not the buyer's address.
	w.group('ram:ApplicableHeaderTradeDelivery', NONE, () => {
		const deliverTo = invoice.deliverTo;
		if (deliverTo) {
			w.group('ram:ShipToTradeParty', NONE, () => {
				w.leaf('ram:Name', deliverTo.name);
				postalAddress(w, deliverTo.address);
			});
		}
		const deliveryDate = invoice.deliveryDate;
		if (deliveryDate) {
			w.group('ram:ActualDeliverySupplyChainEvent', NONE, () => dateTime(w, 'ram:OccurrenceDateTime', deliveryDate));
		}
	});
}

function headerSettlement(w: XmlWriter, invoice: Invoice, d16b: boolean): void {
	w.group('ram:ApplicableHeaderTradeSettlement', NONE, () => {
		const payment = invoice.payment;
		w.leaf('ram:PaymentReference', payment?.remittanceInformation);
		w.leaf('ram:InvoiceCurrencyCode', invoice.currency);
		if (payment) {
			w.group('ram:SpecifiedTradeSettlementPaymentMeans', NONE, () => {
				w.leaf('ram:TypeCode', payment.meansCode);
				w.group('ram:PayeePartyCreditorFinancialAccount', NONE, () => {
					w.leaf('ram:IBANID', payment.iban.replace(/\s/g, ''));
					w.leaf('ram:AccountName', payment.accountName);
				});
				if (payment.bic) w.group('ram:PayeeSpecifiedCreditorFinancialInstitution', NONE, () => w.leaf('ram:BICID', payment.bic));
			});
		}
		for (const entry of invoice.vatBreakdown) {
			w.group('ram:ApplicableTradeTax', NONE, () => {
				w.leaf('ram:CalculatedAmount', amount(entry.taxAmount, invoice.currency));
				w.leaf('ram:TypeCode', 'VAT');
				w.leaf('ram:ExemptionReason', entry.exemptionReason);
				w.leaf('ram:BasisAmount', amount(entry.taxableAmount, invoice.currency));
				w.leaf('ram:CategoryCode', entry.category);
				w.leaf('ram:ExemptionReasonCode', entry.exemptionReasonCode);
				w.leaf('ram:DueDateTypeCode', invoice.vatPointDateCode && CII_VAT_POINT_DATE_CODES[invoice.vatPointDateCode]);
				if (entry.category !== 'O') w.leaf('ram:RateApplicablePercent', rate(entry.rate ?? ZERO));
			});
		}
		const period = invoice.period;
		if (period) {
			w.group('ram:BillingSpecifiedPeriod', NONE, () => {
				dateTime(w, 'ram:StartDateTime', period.start);
				dateTime(w, 'ram:EndDateTime', period.end);
			});
		}
		const dueDate = invoice.dueDate;
		if (invoice.paymentTerms || dueDate) {
			w.group('ram:SpecifiedTradePaymentTerms', NONE, () => {
				w.leaf('ram:Description', invoice.paymentTerms);
				if (dueDate) dateTime(w, 'ram:DueDateDateTime', dueDate);
			});
		}
		const totals = invoice.totals;
		w.group('ram:SpecifiedTradeSettlementHeaderMonetarySummation', NONE, () => {
			w.leaf('ram:LineTotalAmount', amount(totals.lineNetTotal, invoice.currency));
			w.leaf('ram:TaxBasisTotalAmount', amount(totals.taxExclusive, invoice.currency));
			w.leaf('ram:TaxTotalAmount', amount(totals.vatTotal, invoice.currency), { currencyID: invoice.currency });
			w.leaf('ram:GrandTotalAmount', amount(totals.taxInclusive, invoice.currency));
			if (!totals.paid.isZero()) w.leaf('ram:TotalPrepaidAmount', amount(totals.paid, invoice.currency));
			w.leaf('ram:DuePayableAmount', amount(totals.due, invoice.currency));
		});
		// BG-3 is 0..n: the Factur-X XSDs (EN 16931 and EXTENDED) repeat InvoiceReferencedDocument (maxOccurs unbounded);
		// the UN/CEFACT D16B subset, which a CII declaring its own specification (XRechnung) is checked against, has
		// room for one: there only the first is written (business-rules.ts warns).
		const preceding = d16b ? invoice.precedingInvoices.slice(0, 1) : invoice.precedingInvoices;
		for (const reference of preceding) {
			w.group('ram:InvoiceReferencedDocument', NONE, () => {
				w.leaf('ram:IssuerAssignedID', reference.number);
				if (reference.issueDate) dateTime(w, 'ram:FormattedIssueDateTime', reference.issueDate, 'qdt');
			});
		}
	});
}

/** The CII XML of an invoice or credit note, as a string with an XML declaration. */
export function renderCii(invoice: Invoice, options: CiiOptions = {}): string {
	const profile = options.profile ?? 'EN16931';
	const w = new XmlWriter(options.prettyPrint ?? true);
	const namespaces = { 'xmlns:rsm': NS.rsm, 'xmlns:qdt': NS.qdt, 'xmlns:ram': NS.ram, 'xmlns:udt': NS.udt };
	const guideline =
		options.declareSpecification && profile === 'EN16931' && invoice.specification === 'xrechnung' ? SPECIFICATION_IDS.xrechnung : CII_GUIDELINES[profile];
	w.group('rsm:CrossIndustryInvoice', namespaces, () => {
		w.group('rsm:ExchangedDocumentContext', NONE, () => {
			if (invoice.businessProcess) {
				w.group('ram:BusinessProcessSpecifiedDocumentContextParameter', NONE, () => w.leaf('ram:ID', invoice.businessProcess));
			}
			w.group('ram:GuidelineSpecifiedDocumentContextParameter', NONE, () => w.leaf('ram:ID', guideline));
		});
		w.group('rsm:ExchangedDocument', NONE, () => {
			w.leaf('ram:ID', invoice.number);
			w.leaf('ram:TypeCode', invoice.typeCode);
			dateTime(w, 'ram:IssueDateTime', invoice.issueDate);
			for (const note of invoice.notes) {
				w.group('ram:IncludedNote', NONE, () => {
					w.leaf('ram:Content', note.text);
					w.leaf('ram:SubjectCode', note.subjectCode);
				});
			}
		});
		w.group('rsm:SupplyChainTradeTransaction', NONE, () => {
			const exemptions = lineExemptions(invoice, profile);
			for (const line of invoice.lines) lineItem(w, line, exemptions, invoice.currency);
			headerAgreement(w, invoice, options.attachments);
			headerDelivery(w, invoice);
			headerSettlement(w, invoice, guideline === SPECIFICATION_IDS.xrechnung);
		});
	});
	return w.toString();
}
