/**
 * The invoice lines (EN16931 BG-25) read back from the structured XML that travels with a Build Invoice item (CII,
 * else UBL): what an accounting system needs to book the invoice line by line. Values stay decimal strings from the
 * XML, so nothing is rounded on the way.
 */
import { XMLParser } from 'fast-xml-parser';

import { dec } from '../money';
import type { Decimal } from '../money';
import { DeliveryError } from './errors';
import type { InvoiceDocument } from './invoice-document';
import { invoiceXml } from './invoice-document';

export interface DeliveredLine {
	/** BT-126 */
	id: string;
	/** BT-153 */
	name: string;
	/** BT-129 */
	quantity: Decimal;
	/** BT-130 */
	unitCode: string;
	/** BT-146 / BT-149: the price of one unit of the quantity. */
	unitPrice: Decimal;
	/** BT-131 */
	netAmount: Decimal;
	/** BT-151 */
	vatCategory: string;
	/** BT-152, absent for category O */
	vatRate: Decimal | null;
}

const MAX_XML_BYTES = 20 * 1024 * 1024;

type Node = Record<string, unknown>;

function asArray(value: unknown): unknown[] {
	return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function child(node: unknown, ...path: string[]): unknown {
	let value = node;
	for (const key of path) {
		if (typeof value !== 'object' || value === null) return undefined;
		value = (value as Node)[key];
	}
	return value;
}

function text(node: unknown): string | undefined {
	if (typeof node === 'string') return node.trim();
	if (typeof node === 'object' && node !== null && typeof (node as Node)['#text'] === 'string') {
		return ((node as Node)['#text'] as string).trim();
	}
	return undefined;
}

function attribute(node: unknown, name: string): string | undefined {
	const value = child(node, `@_${name}`);
	return typeof value === 'string' ? value : undefined;
}

function parse(xml: Buffer, fileName: string): Node {
	if (xml.length > MAX_XML_BYTES) throw unreadable(fileName, 'is larger than 20 MB');
	const source = xml.toString('utf8');
	// DTDs are refused outright: an invoice never needs one, and entities are the classic XML attack.
	if (/<!DOCTYPE/i.test(source)) throw unreadable(fileName, 'declares a DTD');
	const parser = new XMLParser({
		ignoreAttributes: false,
		removeNSPrefix: true,
		parseTagValue: false,
		parseAttributeValue: false,
		processEntities: false,
		trimValues: true,
	});
	try {
		return parser.parse(source) as Node;
	} catch (error) {
		throw unreadable(fileName, `is not well-formed XML (${(error as Error).message})`);
	}
}

function unreadable(fileName: string, why: string): DeliveryError {
	return new DeliveryError('INVOICE_LINES_UNREADABLE', `${fileName} ${why}: pass Build Invoice's files unchanged.`, {
		field: 'binary',
	});
}

function decimalOf(value: string | undefined, fileName: string, what: string): Decimal {
	if (value === undefined || !/^-?\d+(\.\d+)?$/.test(value)) throw unreadable(fileName, `has no valid ${what} on a line`);
	return dec(value);
}

function ciiLines(root: Node, fileName: string): DeliveredLine[] {
	const items = asArray(child(root, 'CrossIndustryInvoice', 'SupplyChainTradeTransaction', 'IncludedSupplyChainTradeLineItem'));
	return items.map((item) => {
		const price = child(item, 'SpecifiedLineTradeAgreement', 'NetPriceProductTradePrice');
		const billed = child(item, 'SpecifiedLineTradeDelivery', 'BilledQuantity');
		const tax = child(item, 'SpecifiedLineTradeSettlement', 'ApplicableTradeTax');
		const basis = text(child(price, 'BasisQuantity'));
		const rate = text(child(tax, 'RateApplicablePercent'));
		const netPrice = decimalOf(text(child(price, 'ChargeAmount')), fileName, 'net price');
		return {
			id: text(child(item, 'AssociatedDocumentLineDocument', 'LineID')) ?? '',
			name: text(child(item, 'SpecifiedTradeProduct', 'Name')) ?? '',
			quantity: decimalOf(text(billed), fileName, 'quantity'),
			unitCode: attribute(billed, 'unitCode') ?? 'C62',
			unitPrice: basis ? netPrice.dividedBy(decimalOf(basis, fileName, 'base quantity')) : netPrice,
			netAmount: decimalOf(
				text(child(item, 'SpecifiedLineTradeSettlement', 'SpecifiedTradeSettlementLineMonetarySummation', 'LineTotalAmount')),
				fileName,
				'line amount',
			),
			vatCategory: text(child(tax, 'CategoryCode')) ?? '',
			vatRate: rate === undefined ? null : decimalOf(rate, fileName, 'VAT rate'),
		};
	});
}

function ublLines(root: Node, fileName: string): DeliveredLine[] {
	const credit = root.CreditNote !== undefined;
	const doc = credit ? root.CreditNote : root.Invoice;
	const lines = asArray(child(doc, credit ? 'CreditNoteLine' : 'InvoiceLine'));
	return lines.map((line) => {
		const quantity = child(line, credit ? 'CreditedQuantity' : 'InvoicedQuantity');
		const tax = child(line, 'Item', 'ClassifiedTaxCategory');
		const basis = text(child(line, 'Price', 'BaseQuantity'));
		const rate = text(child(tax, 'Percent'));
		const netPrice = decimalOf(text(child(line, 'Price', 'PriceAmount')), fileName, 'net price');
		return {
			id: text(child(line, 'ID')) ?? '',
			name: text(child(line, 'Item', 'Name')) ?? '',
			quantity: decimalOf(text(quantity), fileName, 'quantity'),
			unitCode: attribute(quantity, 'unitCode') ?? 'C62',
			unitPrice: basis ? netPrice.dividedBy(decimalOf(basis, fileName, 'base quantity')) : netPrice,
			netAmount: decimalOf(text(child(line, 'LineExtensionAmount')), fileName, 'line amount'),
			vatCategory: text(child(tax, 'ID')) ?? '',
			vatRate: rate === undefined ? null : decimalOf(rate, fileName, 'VAT rate'),
		};
	});
}

export function readInvoiceLines(document: InvoiceDocument): DeliveredLine[] {
	const xml = invoiceXml(document);
	const root = parse(xml.data, xml.fileName);
	const lines = xml.format === 'cii' ? ciiLines(root, xml.fileName) : ublLines(root, xml.fileName);
	if (lines.length === 0) throw unreadable(xml.fileName, 'has no invoice line');
	return lines;
}
