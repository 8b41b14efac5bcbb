/**
 * OASIS UBL 2.1 Invoice (380) or CreditNote (381), declaring the specification the invoice meets (BT-24): EN 16931,
 * Peppol BIS Billing 3.0, XRechnung 3.0, or EN 16931 under the French CTC rules.
 *
 * Element order follows the UBL 2.1 XSD sequences; Invoice and CreditNote differ in three places: the type code
 * element, the line/quantity element names, and BT-9 (cbc:DueDate on an Invoice, PaymentMeans/PaymentDueDate on a
 * CreditNote, which has no DueDate: a credit note without payment instructions (BG-16) cannot carry BT-9 in UBL).
 */
import type { Invoice, InvoiceLine, InvoiceNote, Party, PostalAddress, VatCategoryCode } from '../invoice/model';
import { isCreditNote } from '../invoice/model';
import { PEPPOL_PROFILE_ID, SPECIFICATION_IDS } from '../invoice/specification';
import { ZERO } from '../money';
import type { Decimal } from '../money';
import { XmlWriter, amount, decimal, rate } from './xml';

export { PEPPOL_CUSTOMIZATION_ID, PEPPOL_PROFILE_ID } from '../invoice/specification';

const NS = {
	invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
	creditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
	cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
	cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
};

export interface UblOptions {
	prettyPrint?: boolean;
	/** Contents of the supporting documents (BG-24) to embed, by file name; one not given is referenced only. */
	attachments?: readonly SupportingAttachment[];
}

import type { SupportingAttachment } from './supporting';

const NONE = {};

/** TaxCategory / ClassifiedTaxCategory: ID, Percent (none for O), exemption reason, TaxScheme VAT. */
function taxCategory(
	w: XmlWriter,
	name: string,
	category: VatCategoryCode,
	vatRate: Decimal | undefined,
	exemption?: { code?: string; text?: string },
): void {
	w.group(name, NONE, () => {
		w.leaf('cbc:ID', category);
		if (category !== 'O') w.leaf('cbc:Percent', rate(vatRate ?? ZERO));
		w.leaf('cbc:TaxExemptionReasonCode', exemption?.code);
		w.leaf('cbc:TaxExemptionReason', exemption?.text);
		w.group('cac:TaxScheme', NONE, () => w.leaf('cbc:ID', 'VAT'));
	});
}

function postalAddress(w: XmlWriter, name: string, address: PostalAddress): void {
	w.group(name, NONE, () => {
		w.leaf('cbc:StreetName', address.line1);
		w.leaf('cbc:AdditionalStreetName', address.line2);
		w.leaf('cbc:CityName', address.city);
		w.leaf('cbc:PostalZone', address.postCode);
		w.leaf('cbc:CountrySubentity', address.countrySubdivision);
		if (address.line3) w.group('cac:AddressLine', NONE, () => w.leaf('cbc:Line', address.line3));
		w.group('cac:Country', NONE, () => w.leaf('cbc:IdentificationCode', address.countryCode));
	});
}

function party(w: XmlWriter, name: string, value: Party): void {
	w.group(name, NONE, () =>
		w.group('cac:Party', NONE, () => {
			const endpoint = value.electronicAddress;
			if (endpoint) w.leaf('cbc:EndpointID', endpoint.value, { schemeID: endpoint.scheme });
			if (value.tradingName) w.group('cac:PartyName', NONE, () => w.leaf('cbc:Name', value.tradingName));
			postalAddress(w, 'cac:PostalAddress', value.address);
			if (value.vatId) {
				w.group('cac:PartyTaxScheme', NONE, () => {
					w.leaf('cbc:CompanyID', value.vatId);
					w.group('cac:TaxScheme', NONE, () => w.leaf('cbc:ID', 'VAT'));
				});
			}
			w.group('cac:PartyLegalEntity', NONE, () => {
				w.leaf('cbc:RegistrationName', value.name);
				w.leaf('cbc:CompanyID', value.legalRegistrationId?.value, { schemeID: value.legalRegistrationId?.scheme });
				w.leaf('cbc:CompanyLegalForm', value.additionalLegalInformation);
			});
			const contact = value.contact;
			if (contact && (contact.name || contact.telephone || contact.email)) {
				w.group('cac:Contact', NONE, () => {
					w.leaf('cbc:Name', contact.name);
					w.leaf('cbc:Telephone', contact.telephone);
					w.leaf('cbc:ElectronicMail', contact.email);
				});
			}
		}),
	);
}

function line(w: XmlWriter, value: InvoiceLine, currency: string, creditNote: boolean): void {
	w.group(creditNote ? 'cac:CreditNoteLine' : 'cac:InvoiceLine', NONE, () => {
		w.leaf('cbc:ID', value.id);
		w.leaf('cbc:Note', value.note);
		w.leaf(creditNote ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity', decimal(value.quantity), { unitCode: value.unitCode });
		w.leaf('cbc:LineExtensionAmount', amount(value.netAmount, currency), { currencyID: currency });
		const period = value.period;
		if (period) {
			w.group('cac:InvoicePeriod', NONE, () => {
				w.leaf('cbc:StartDate', period.start);
				w.leaf('cbc:EndDate', period.end);
			});
		}
		const objectId = value.objectId;
		if (objectId) {
			w.group('cac:DocumentReference', NONE, () => {
				w.leaf('cbc:ID', objectId.value, { schemeID: objectId.scheme });
				w.leaf('cbc:DocumentTypeCode', '130');
			});
		}
		w.group('cac:Item', NONE, () => {
			w.leaf('cbc:Description', value.item.description);
			w.leaf('cbc:Name', value.item.name);
			if (value.item.sellersId) w.group('cac:SellersItemIdentification', NONE, () => w.leaf('cbc:ID', value.item.sellersId));
			taxCategory(w, 'cac:ClassifiedTaxCategory', value.vat.category, value.vat.rate);
			for (const attribute of value.item.attributes ?? []) {
				w.group('cac:AdditionalItemProperty', NONE, () => {
					w.leaf('cbc:Name', attribute.name);
					w.leaf('cbc:Value', attribute.value);
				});
			}
		});
		w.group('cac:Price', NONE, () => {
			w.leaf('cbc:PriceAmount', decimal(value.netPrice), { currencyID: currency });
			if (value.baseQuantity) w.leaf('cbc:BaseQuantity', decimal(value.baseQuantity), { unitCode: value.unitCode });
		});
	});
}

function totals(w: XmlWriter, invoice: Invoice): void {
	const currency = { currencyID: invoice.currency };
	w.group('cac:TaxTotal', NONE, () => {
		w.leaf('cbc:TaxAmount', amount(invoice.totals.vatTotal, invoice.currency), currency);
		for (const entry of invoice.vatBreakdown) {
			w.group('cac:TaxSubtotal', NONE, () => {
				w.leaf('cbc:TaxableAmount', amount(entry.taxableAmount, invoice.currency), currency);
				w.leaf('cbc:TaxAmount', amount(entry.taxAmount, invoice.currency), currency);
				taxCategory(w, 'cac:TaxCategory', entry.category, entry.rate, {
					code: entry.exemptionReasonCode,
					text: entry.exemptionReason,
				});
			});
		}
	});
	const t = invoice.totals;
	w.group('cac:LegalMonetaryTotal', NONE, () => {
		w.leaf('cbc:LineExtensionAmount', amount(t.lineNetTotal, invoice.currency), currency);
		w.leaf('cbc:TaxExclusiveAmount', amount(t.taxExclusive, invoice.currency), currency);
		w.leaf('cbc:TaxInclusiveAmount', amount(t.taxInclusive, invoice.currency), currency);
		if (!t.paid.isZero()) w.leaf('cbc:PrepaidAmount', amount(t.paid, invoice.currency), currency);
		w.leaf('cbc:PayableAmount', amount(t.due, invoice.currency), currency);
	});
}

/**
 * BG-1 as UBL writes it: the subject code in front of the text as #CODE# (UBL has no element for it). Peppol allows
 * one note (PEPPOL-EN16931-R002, except between German parties): there the texts are joined into one.
 */
function noteTexts(invoice: Invoice): string[] {
	const written = (note: InvoiceNote) => (note.subjectCode ? `#${note.subjectCode}#${note.text}` : note.text);
	const german = invoice.seller.address.countryCode === 'DE' && invoice.buyer.address.countryCode === 'DE';
	if (invoice.specification !== 'peppol' || german || invoice.notes.length <= 1) return invoice.notes.map(written);
	return [invoice.notes.map((note) => note.text).join('\n')];
}

/** The UBL XML of an invoice (Invoice document) or credit note (CreditNote document). */
export function renderUbl(invoice: Invoice, options: UblOptions = {}): string {
	const creditNote = isCreditNote(invoice);
	const w = new XmlWriter(options.prettyPrint ?? true);
	const namespaces = { xmlns: creditNote ? NS.creditNote : NS.invoice, 'xmlns:cac': NS.cac, 'xmlns:cbc': NS.cbc };
	w.group(creditNote ? 'CreditNote' : 'Invoice', namespaces, () => {
		const specification = invoice.specification ?? 'en16931';
		w.leaf('cbc:CustomizationID', SPECIFICATION_IDS[specification]);
		// BT-23: Peppol's billing process on Peppol, the business process (the French billing framework) elsewhere.
		w.leaf('cbc:ProfileID', specification === 'peppol' ? PEPPOL_PROFILE_ID : invoice.businessProcess);
		w.leaf('cbc:ID', invoice.number);
		w.leaf('cbc:IssueDate', invoice.issueDate);
		if (!creditNote) w.leaf('cbc:DueDate', invoice.dueDate);
		w.leaf(creditNote ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode', invoice.typeCode);
		for (const note of noteTexts(invoice)) w.leaf('cbc:Note', note);
		w.leaf('cbc:DocumentCurrencyCode', invoice.currency);
		w.leaf('cbc:BuyerReference', invoice.buyerReference);
		const period = invoice.period;
		if (period || invoice.vatPointDateCode) {
			w.group('cac:InvoicePeriod', NONE, () => {
				w.leaf('cbc:StartDate', period?.start);
				w.leaf('cbc:EndDate', period?.end);
				w.leaf('cbc:DescriptionCode', invoice.vatPointDateCode);
			});
		}
		if (invoice.orderReference) w.group('cac:OrderReference', NONE, () => w.leaf('cbc:ID', invoice.orderReference));
		for (const reference of invoice.precedingInvoices) {
			w.group('cac:BillingReference', NONE, () =>
				w.group('cac:InvoiceDocumentReference', NONE, () => {
					w.leaf('cbc:ID', reference.number);
					w.leaf('cbc:IssueDate', reference.issueDate);
				}),
			);
		}
		if (invoice.contractReference) {
			w.group('cac:ContractDocumentReference', NONE, () => w.leaf('cbc:ID', invoice.contractReference));
		}
		for (const supporting of invoice.supportingDocuments ?? []) {
			const content = options.attachments?.find((a) => a.fileName === supporting.fileName);
			w.group('cac:AdditionalDocumentReference', NONE, () => {
				w.leaf('cbc:ID', supporting.id);
				w.leaf('cbc:DocumentDescription', supporting.description);
				if (content) {
					w.group('cac:Attachment', NONE, () =>
						w.leaf('cbc:EmbeddedDocumentBinaryObject', content.data.toString('base64'), { mimeCode: supporting.mimeCode, filename: supporting.fileName }),
					);
				}
			});
		}
		party(w, 'cac:AccountingSupplierParty', invoice.seller);
		party(w, 'cac:AccountingCustomerParty', invoice.buyer);
		const deliverTo = invoice.deliverTo;
		if (deliverTo || invoice.deliveryDate) {
			w.group('cac:Delivery', NONE, () => {
				w.leaf('cbc:ActualDeliveryDate', invoice.deliveryDate);
				if (deliverTo) {
					w.group('cac:DeliveryLocation', NONE, () => postalAddress(w, 'cac:Address', deliverTo.address));
					if (deliverTo.name) w.group('cac:DeliveryParty', NONE, () => w.group('cac:PartyName', NONE, () => w.leaf('cbc:Name', deliverTo.name)));
				}
			});
		}
		const payment = invoice.payment;
		if (payment) {
			w.group('cac:PaymentMeans', NONE, () => {
				w.leaf('cbc:PaymentMeansCode', payment.meansCode);
				if (creditNote) w.leaf('cbc:PaymentDueDate', invoice.dueDate);
				w.leaf('cbc:PaymentID', payment.remittanceInformation);
				w.group('cac:PayeeFinancialAccount', NONE, () => {
					w.leaf('cbc:ID', payment.iban.replace(/\s/g, ''));
					w.leaf('cbc:Name', payment.accountName);
					if (payment.bic) w.group('cac:FinancialInstitutionBranch', NONE, () => w.leaf('cbc:ID', payment.bic));
				});
			});
		}
		if (invoice.paymentTerms) w.group('cac:PaymentTerms', NONE, () => w.leaf('cbc:Note', invoice.paymentTerms));
		totals(w, invoice);
		for (const value of invoice.lines) line(w, value, invoice.currency, creditNote);
	});
	return w.toString();
}
