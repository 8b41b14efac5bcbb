/**
 * The human-readable side of a Factur-X invoice: an A4 layout drawn with pdfkit from the EN16931 model.
 * Seller and buyer blocks, document references, a lines table with the CDR details (header repeated on every page),
 * the VAT summary, totals, payment instructions with the RF reference, the notes, and "Page x / y" footers.
 *
 * Drawing is positioned explicitly (no pdfkit line wrapping in the table): a 10,000-line invoice is ~300 pages and
 * wrapping every cell would dominate the rendering time.
 */
import { CDR_ITEM_ATTRIBUTES, documentLanguage, isCreditNote } from '../invoice/model';
import type { DocumentLanguage, Invoice, InvoiceLine, Party, VatBreakdown } from '../invoice/model';
import { formatCreditorReference } from '../invoice/creditor-reference';
import type { Decimal } from '../money';
import { amountDecimals } from '../money';

export type LayoutLanguage = DocumentLanguage;

export const FONT_REGULAR = 'Sans';
export const FONT_BOLD = 'Sans-Bold';

const LABELS = {
	fr: {
		invoice: 'FACTURE',
		creditNote: 'AVOIR',
		number: 'N°',
		issueDate: 'Date',
		dueDate: 'Échéance',
		period: 'Période',
		contract: 'Contrat',
		buyerReference: 'Réf. client',
		currency: 'Devise',
		order: 'Commande',
		corrects: 'Avoir sur facture',
		billTo: 'Client',
		vatId: 'N° TVA',
		registration: 'SIREN',
		line: '#',
		description: 'Désignation / recharge',
		quantity: 'Quantité',
		unit: 'Unité',
		unitPrice: 'Prix unit. HT',
		vatRate: 'TVA',
		netAmount: 'Montant HT',
		continued: 'suite',
		vatSummary: 'Récapitulatif TVA',
		vatCategory: 'Taux / catégorie',
		taxable: 'Base HT',
		vatAmount: 'TVA',
		totalNet: 'Total HT',
		totalVat: 'Total TVA',
		totalGross: 'Total TTC',
		paid: 'Déjà réglé',
		due: 'Net à payer',
		creditDue: 'Montant à créditer',
		payment: 'Règlement par virement',
		settlement: 'Règlement',
		reference: 'Référence à rappeler',
		page: 'Page',
		notes: 'Mentions',
		session: 'Session',
		contractId: 'Contrat',
		tariffId: 'Tarif',
		parking: 'Stationnement',
		site: 'Site de recharge',
		deliverTo: 'Lieu de livraison',
		operation: "Catégorie d'opération",
		operations: { B: 'livraison de biens', S: 'prestation de services', M: 'mixte (biens et services)' },
		vatOnDebits: "TVA acquittée sur les débits (option pour le paiement de la taxe d'après les débits).",
		energyPrice: 'Prix du kWh',
		unitOne: 'unité',
	},
	en: {
		invoice: 'INVOICE',
		creditNote: 'CREDIT NOTE',
		number: 'No.',
		issueDate: 'Date',
		dueDate: 'Due date',
		period: 'Period',
		contract: 'Contract',
		buyerReference: 'Your reference',
		currency: 'Currency',
		order: 'Order',
		corrects: 'Credit note for invoice',
		billTo: 'Bill to',
		vatId: 'VAT ID',
		registration: 'Company ID',
		line: '#',
		description: 'Description / charging session',
		quantity: 'Quantity',
		unit: 'Unit',
		unitPrice: 'Unit price',
		vatRate: 'VAT',
		netAmount: 'Net amount',
		continued: 'continued',
		vatSummary: 'VAT summary',
		vatCategory: 'Rate / category',
		taxable: 'Taxable amount',
		vatAmount: 'VAT',
		totalNet: 'Total excl. VAT',
		totalVat: 'Total VAT',
		totalGross: 'Total incl. VAT',
		paid: 'Paid',
		due: 'Amount due',
		creditDue: 'Amount credited',
		payment: 'Payment by credit transfer',
		settlement: 'Settlement',
		reference: 'Payment reference',
		page: 'Page',
		notes: 'Notes',
		session: 'Session',
		contractId: 'Contract',
		tariffId: 'Tariff',
		parking: 'Parking',
		site: 'Charging site',
		deliverTo: 'Place of supply',
		operation: 'Category of operation',
		operations: { B: 'supply of goods', S: 'supply of services', M: 'mixed (goods and services)' },
		vatOnDebits: 'VAT paid on debits: the seller opted to pay VAT when invoicing (French "option sur les débits").',
		energyPrice: 'kWh price',
		unitOne: 'unit',
	},
	de: {
		invoice: 'RECHNUNG',
		creditNote: 'GUTSCHRIFT',
		number: 'Nr.',
		issueDate: 'Datum',
		dueDate: 'Fällig am',
		period: 'Leistungszeitraum',
		contract: 'Vertrag',
		buyerReference: 'Ihre Referenz',
		currency: 'Währung',
		order: 'Bestellung',
		corrects: 'Gutschrift zu Rechnung',
		billTo: 'Rechnungsempfänger',
		vatId: 'USt-IdNr.',
		registration: 'Registernr.',
		line: '#',
		description: 'Beschreibung / Ladevorgang',
		quantity: 'Menge',
		unit: 'Einheit',
		unitPrice: 'Einzelpreis',
		vatRate: 'USt.',
		netAmount: 'Nettobetrag',
		continued: 'Fortsetzung',
		vatSummary: 'Umsatzsteuer',
		vatCategory: 'Satz / Kategorie',
		taxable: 'Bemessungsgrundlage',
		vatAmount: 'USt.',
		totalNet: 'Summe netto',
		totalVat: 'Summe USt.',
		totalGross: 'Summe brutto',
		paid: 'Bereits bezahlt',
		due: 'Zahlbetrag',
		creditDue: 'Gutschriftsbetrag',
		payment: 'Zahlung per Überweisung',
		settlement: 'Abrechnung',
		reference: 'Verwendungszweck',
		page: 'Seite',
		notes: 'Hinweise',
		session: 'Ladevorgang',
		contractId: 'Vertrag',
		tariffId: 'Tarif',
		parking: 'Parken',
		site: 'Ladestandort',
		deliverTo: 'Leistungsort',
		operation: 'Art des Umsatzes',
		operations: { B: 'Lieferung', S: 'Dienstleistung', M: 'gemischt (Lieferung und Dienstleistung)' },
		vatOnDebits: 'Umsatzsteuer nach vereinbarten Entgelten: der Verkäufer versteuert bei Rechnungsstellung (französische „option sur les débits“).',
		energyPrice: 'kWh-Preis',
		unitOne: 'Einheit',
	},
} as const;

type Labels = (typeof LABELS)[LayoutLanguage];

const UNIT_NAMES: Record<string, string> = { KWH: 'kWh', HUR: 'h', MIN: 'min', SEC: 's' };

/** The unit column: the symbol of a measured quantity, the language's word for "one" (C62) otherwise. */
const unitName = (unitCode: string, labels: Labels) => UNIT_NAMES[unitCode] ?? (unitCode === 'C62' ? labels.unitOne : unitCode);

const PAGE = { width: 595.28, height: 841.89, margin: 36 };
const CONTENT_RIGHT = PAGE.width - PAGE.margin;
const TABLE_BOTTOM = PAGE.height - 52;
const GREY = '#555555';
const RULE = '#bbbbbb';

/** Right edges (numbers are right-aligned) or left edges of the table columns. */
const COLUMNS = {
	line: { left: PAGE.margin + 2 },
	description: { left: PAGE.margin + 26 },
	quantity: { right: 362 },
	unit: { left: 368 },
	unitPrice: { right: 452 },
	vatRate: { right: 492 },
	netAmount: { right: CONTENT_RIGHT - 2 },
};
const DESCRIPTION_WIDTH = 300 - COLUMNS.description.left;

function groupThousands(integer: string, separator: string): string {
	return integer.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

function formatNumber(value: Decimal, places: number | undefined, language: LayoutLanguage): string {
	const text = places === undefined ? value.toFixed() : value.toFixed(places);
	const negative = text.startsWith('-');
	const [integer, fraction] = (negative ? text.slice(1) : text).split('.');
	const grouped = groupThousands(integer, language === 'fr' ? '\u202f' : language === 'de' ? '.' : ',');
	const decimalMark = language === 'en' ? '.' : ',';
	return `${negative ? '−' : ''}${grouped}${fraction ? decimalMark + fraction : ''}`;
}

function formatDate(isoDate: string, language: LayoutLanguage): string {
	if (language === 'en') return isoDate;
	const [year, month, day] = isoDate.split('-');
	return language === 'de' ? `${day}.${month}.${year}` : `${day}/${month}/${year}`;
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** "2026-03-14T06:07:00Z" in Europe/Paris → ["2026-03-14", "07:07"]; in UTC when the zone is unknown. */
function localDateTime(value: string, zone: string | undefined): [string, string] | undefined {
	if (!zone) {
		// UTC, as the CDR writes it: read, not converted (a 10,000-line invoice does this 20,000 times).
		const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/.exec(value);
		if (match) return [match[1], match[2]];
	}
	const instant = Date.parse(value);
	if (Number.isNaN(instant)) return undefined;
	let clock = clocks.get(zone ?? 'UTC');
	if (!clock) {
		try {
			clock = new Intl.DateTimeFormat('en-CA', { timeZone: zone ?? 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
		} catch {
			return zone ? localDateTime(value, undefined) : undefined;
		}
		clocks.set(zone ?? 'UTC', clock);
	}
	const parts = Object.fromEntries(clock.formatToParts(instant).map((p) => [p.type, p.value]));
	return [`${parts.year}-${parts.month}-${parts.day}`, `${parts.hour}:${parts.minute}`];
}

/** Decimal numbers inside a text ("10.512 kWh", "0.35 / 0.4 EUR/kWh") in the document language's convention. */
function localizeNumbers(value: string, language: LayoutLanguage): string {
	return language === 'en' ? value : value.replace(/(\d)\.(\d)/g, '$1,$2');
}

function groupsOfFour(value: string): string {
	return value.replace(/\s/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

export interface LayoutContext {
	doc: PDFKit.PDFDocument;
	invoice: Invoice;
	labels: Labels;
	language: LayoutLanguage;
}

function text(doc: PDFKit.PDFDocument, value: string, x: number, y: number, size: number, bold = false, color = '#000000'): void {
	doc.font(bold ? FONT_BOLD : FONT_REGULAR).fontSize(size).fillColor(color).text(value, x, y, { lineBreak: false });
}

function textRight(doc: PDFKit.PDFDocument, value: string, right: number, y: number, size: number, bold = false): void {
	doc.font(bold ? FONT_BOLD : FONT_REGULAR).fontSize(size);
	doc.fillColor('#000000').text(value, right - doc.widthOfString(value), y, { lineBreak: false });
}

/**
 * Breaks a text into rows that fit `width` (current font), at the separator first, then at spaces, then anywhere:
 * nothing is cut away. The common case (it fits) costs one measurement.
 */
function wrap(doc: PDFKit.PDFDocument, value: string, width: number, separator = ' · '): string[] {
	if (doc.widthOfString(value) <= width) return [value];
	const rows: string[] = [];
	let row = '';
	const push = (piece: string, joiner: string) => {
		const candidate = row ? `${row}${joiner}${piece}` : piece;
		if (doc.widthOfString(candidate) <= width) {
			row = candidate;
			return;
		}
		if (row) rows.push(row);
		row = '';
		if (doc.widthOfString(piece) <= width) {
			row = piece;
		} else if (joiner !== '') {
			const words = piece.split(joiner === ' · ' ? ' ' : '');
			for (const word of words) push(word, joiner === ' · ' ? ' ' : '');
		} else {
			row = piece;
		}
	};
	for (const part of value.split(separator)) push(part, separator);
	if (row) rows.push(row);
	return rows;
}

function partyLines(party: Party, labels: Labels): string[] {
	const a = party.address;
	const lines = [party.tradingName, a.line1, a.line2, a.line3, [a.postCode, a.city].filter(Boolean).join(' '), a.countryCode];
	if (party.legalRegistrationId) {
		const label = party.legalRegistrationId.scheme === '0002' ? labels.registration : labels.registration.replace('SIREN', 'ID');
		lines.push(`${label} ${party.legalRegistrationId.value}`);
	}
	if (party.vatId) lines.push(`${labels.vatId} ${party.vatId}`);
	if (party.contact?.email) lines.push(party.contact.email);
	return lines.filter((line): line is string => Boolean(line));
}

function drawHeader({ doc, invoice, labels, language }: LayoutContext): number {
	const left = PAGE.margin;
	let y = PAGE.margin;
	text(doc, invoice.seller.name, left, y, 12, true);
	y += 16;
	const legal = invoice.seller.additionalLegalInformation;
	doc.font(FONT_REGULAR).fontSize(8);
	for (const line of [...partyLines(invoice.seller, labels), ...(legal ? wrap(doc, legal, 280, ' – ') : [])]) {
		text(doc, line, left, y, 8, false, GREY);
		y += 10.5;
	}
	const leftBottom = y;

	const right = 330;
	let ry = PAGE.margin;
	text(doc, isCreditNote(invoice) ? labels.creditNote : labels.invoice, right, ry, 16, true);
	ry += 24;
	const facts: Array<[string, string | undefined]> = [
		[labels.number, invoice.number],
		[labels.issueDate, formatDate(invoice.issueDate, language)],
		// A credit note asks for no payment: no due date on it.
		[labels.dueDate, !isCreditNote(invoice) && invoice.dueDate ? formatDate(invoice.dueDate, language) : undefined],
		[
			labels.period,
			invoice.period && `${formatDate(invoice.period.start, language)} – ${formatDate(invoice.period.end, language)}`,
		],
		[labels.contract, invoice.contractReference],
		[labels.order, invoice.orderReference],
		[labels.buyerReference, invoice.buyerReference],
		[labels.currency, invoice.currency],
		[labels.operation, operationText(invoice.businessProcess, labels)],
		...invoice.precedingInvoices.map(
			(ref): [string, string] => [
				labels.corrects,
				`${ref.number}${ref.issueDate ? ` (${formatDate(ref.issueDate, language)})` : ''}`,
			],
		),
	];
	for (const [label, value] of facts) {
		if (!value) continue;
		text(doc, label, right, ry, 8, false, GREY);
		text(doc, value, right + 90, ry, 8, label === labels.number);
		ry += 11;
	}

	ry += 8;
	const boxTop = ry;
	text(doc, labels.billTo, right + 8, ry + 6, 7, false, GREY);
	ry += 17;
	for (const row of wrap(doc.font(FONT_BOLD).fontSize(10), invoice.buyer.name, CONTENT_RIGHT - right - 16, ' ')) {
		text(doc, row, right + 8, ry, 10, true);
		ry += 13;
	}
	for (const line of partyLines(invoice.buyer, labels)) {
		text(doc, line, right + 8, ry, 8);
		ry += 10.5;
	}
	ry += 4;
	doc.lineWidth(0.6).roundedRect(right, boxTop, CONTENT_RIGHT - right, ry - boxTop, 3).stroke(RULE);
	// The charging site, when the document names one apart from the buyer's address (French 2026 mention).
	const deliverTo = invoice.deliverTo;
	if (deliverTo) {
		ry += 8;
		const a = deliverTo.address;
		const site = [deliverTo.name, a.line1, a.line2, [a.postCode, a.city].filter(Boolean).join(' '), a.countryCode].filter(Boolean).join(', ');
		text(doc, labels.deliverTo, right, ry, 7, false, GREY);
		ry += 9;
		doc.font(FONT_REGULAR).fontSize(7.5);
		for (const row of wrap(doc, site, CONTENT_RIGHT - right, ', ')) {
			text(doc, row, right, ry, 7.5);
			ry += 9.5;
		}
	}
	return Math.max(leftBottom, ry) + 18;
}

/** BT-23 B1 / S1 / M1 (French billing framework) as the category of operation it states. */
function operationText(businessProcess: string | undefined, labels: Labels): string | undefined {
	const kind = /^([BSM])\d$/.exec(businessProcess ?? '')?.[1] as 'B' | 'S' | 'M' | undefined;
	return kind && `${labels.operations[kind]} (${businessProcess})`;
}

function drawTableHeader({ doc, labels }: LayoutContext, y: number): number {
	doc.rect(PAGE.margin, y, CONTENT_RIGHT - PAGE.margin, 15).fill('#e8ecef');
	const ty = y + 4;
	text(doc, labels.line, COLUMNS.line.left, ty, 7, true);
	text(doc, labels.description, COLUMNS.description.left, ty, 7, true);
	textRight(doc, labels.quantity, COLUMNS.quantity.right, ty, 7, true);
	text(doc, labels.unit, COLUMNS.unit.left, ty, 7, true);
	textRight(doc, labels.unitPrice, COLUMNS.unitPrice.right, ty, 7, true);
	textRight(doc, labels.vatRate, COLUMNS.vatRate.right, ty, 7, true);
	textRight(doc, labels.netAmount, COLUMNS.netAmount.right, ty, 7, true);
	return y + 19;
}

function lineDetails(line: InvoiceLine, labels: Labels, language: LayoutLanguage): { cdrId?: string; details: string } {
	const attributes = new Map((line.item.attributes ?? []).map((a) => [a.name, a.value]));
	const parts: string[] = [];
	const start = attributes.get(CDR_ITEM_ATTRIBUTES.sessionStart);
	const end = attributes.get(CDR_ITEM_ATTRIBUTES.sessionEnd);
	// Session times in the site's local time, the zone named (UTC when the CDR's zone is unknown).
	const zone = attributes.get(CDR_ITEM_ATTRIBUTES.timeZone);
	const from = start && localDateTime(start, zone);
	const to = end && localDateTime(end, zone);
	if (from && to) {
		const toText = from[0] === to[0] ? to[1] : `${formatDate(to[0], language)} ${to[1]}`;
		parts.push(`${formatDate(from[0], language)} ${from[1]} → ${toText} ${zone && localDateTime(start!, zone) ? zone : 'UTC'}`);
	} else if (line.period) {
		parts.push(`${formatDate(line.period.start, language)} – ${formatDate(line.period.end, language)}`);
	}
	const short: Record<string, string> = {
		[CDR_ITEM_ATTRIBUTES.evseId]: 'EVSE',
		[CDR_ITEM_ATTRIBUTES.contractId]: labels.contractId,
		[CDR_ITEM_ATTRIBUTES.tariffId]: labels.tariffId,
		[CDR_ITEM_ATTRIBUTES.parkingTime]: labels.parking,
		[CDR_ITEM_ATTRIBUTES.energyPrice]: labels.energyPrice,
		[CDR_ITEM_ATTRIBUTES.site]: labels.site,
		[CDR_ITEM_ATTRIBUTES.duration]: '',
	};
	const shown = new Set<string>([CDR_ITEM_ATTRIBUTES.cdrId, CDR_ITEM_ATTRIBUTES.sessionStart, CDR_ITEM_ATTRIBUTES.sessionEnd, CDR_ITEM_ATTRIBUTES.timeZone]);
	for (const [name, value] of attributes) {
		if (shown.has(name)) continue;
		const label = name in short ? short[name] : name;
		// Measured values ("10.512 kWh", "0.35 EUR/kWh") take the document's decimal mark; identifiers stay as they are.
		const written = /^\d/.test(value) ? localizeNumbers(value, language) : value;
		parts.push(label ? `${label} ${written}` : written);
	}
	if (line.note) parts.push(line.note);
	return { cdrId: attributes.get(CDR_ITEM_ATTRIBUTES.cdrId) ?? line.objectId?.value, details: parts.join(' · ') };
}

function vatRateText(category: string, rate: Decimal | undefined, language: LayoutLanguage): string {
	return category === 'S' && rate ? `${formatNumber(rate, rate.decimalPlaces() > 0 ? undefined : 0, language)} %` : category;
}

const TITLE_WIDTH = DESCRIPTION_WIDTH + 40;
const DETAILS_WIDTH = COLUMNS.netAmount.right - COLUMNS.description.left;

/** A line's rows: its title and its details, each wrapped to the column, never cut. */
interface LineRows {
	title: string[];
	details: string[];
}

function lineRows(context: LayoutContext, line: InvoiceLine): LineRows {
	const { doc, labels, language } = context;
	const { cdrId, details } = lineDetails(line, labels, language);
	doc.font(FONT_BOLD).fontSize(7);
	const title = wrap(doc, cdrId ? `${line.item.name} — ${cdrId}` : line.item.name, TITLE_WIDTH, ' — ');
	doc.font(FONT_REGULAR).fontSize(6.3);
	return { title, details: details ? wrap(doc, details, DETAILS_WIDTH) : [] };
}

const lineHeight = (rows: LineRows) => rows.title.length * 9.5 + rows.details.length * 8.5 + 4;

function drawLine(context: LayoutContext, line: InvoiceLine, rows: LineRows, y: number): number {
	const { doc, labels, language } = context;
	text(doc, line.id, COLUMNS.line.left, y, 7);
	const quantityPlaces = Math.max(line.quantity.decimalPlaces(), line.unitCode === 'KWH' ? 3 : 0);
	textRight(doc, formatNumber(line.quantity, quantityPlaces, language), COLUMNS.quantity.right, y, 7);
	text(doc, unitName(line.unitCode, labels), COLUMNS.unit.left, y, 7);
	textRight(doc, formatNumber(line.netPrice, Math.max(line.netPrice.decimalPlaces(), 2), language), COLUMNS.unitPrice.right, y, 7);
	textRight(doc, vatRateText(line.vat.category, line.vat.rate, language), COLUMNS.vatRate.right, y, 7);
	textRight(doc, formatNumber(line.netAmount, amountDecimals(context.invoice.currency), language), COLUMNS.netAmount.right, y, 7);
	let next = y;
	for (const row of rows.title) {
		text(doc, row, COLUMNS.description.left, next, 7, true);
		next += 9.5;
	}
	for (const row of rows.details) {
		text(doc, row, COLUMNS.description.left, next, 6.3, false, GREY);
		next += 8.5;
	}
	doc.moveTo(PAGE.margin, next + 1).lineTo(CONTENT_RIGHT, next + 1).lineWidth(0.3).stroke('#dddddd');
	return next + 4;
}

/** Lines by date: in the order of their sessions (or periods), the line id kept. */
function linesByDate(lines: readonly InvoiceLine[]): InvoiceLine[] {
	const key = (line: InvoiceLine) =>
		line.item.attributes?.find((a) => a.name === CDR_ITEM_ATTRIBUTES.sessionStart)?.value ?? line.period?.start ?? '';
	return lines
		.map((line, index) => ({ line, index, key: key(line) }))
		.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index))
		.map((entry) => entry.line);
}

function drawContinuationHeader({ doc, invoice, labels }: LayoutContext): number {
	const title = `${invoice.seller.name} — ${isCreditNote(invoice) ? labels.creditNote : labels.invoice} ${labels.number} ${invoice.number} (${labels.continued})`;
	text(doc, title, PAGE.margin, PAGE.margin, 8, true);
	return PAGE.margin + 18;
}

function newPage(context: LayoutContext): number {
	context.doc.addPage({ size: 'A4', margin: 0 });
	return drawContinuationHeader(context);
}

/** "20 %", "5,5 %", "AE 0 %", "O". */
function vatCategoryText(entry: VatBreakdown, language: LayoutLanguage): string {
	if (entry.category === 'S') return `${vatRateText('S', entry.rate, language)} (S)`;
	return entry.category === 'O' ? 'O' : `${entry.category} 0 %`;
}

function summaryHeight(context: LayoutContext): number {
	const { doc, invoice } = context;
	doc.font(FONT_REGULAR).fontSize(7);
	const notes = mentions(invoice, context.labels);
	const notesHeight = notes.reduce(
		(total, note) => total + doc.heightOfString(note, { width: CONTENT_RIGHT - PAGE.margin }) + 3,
		notes.length ? 14 : 0,
	);
	return 40 + invoice.vatBreakdown.length * 31 + 90 + notesHeight;
}

function drawSummary(context: LayoutContext, startY: number): void {
	const { doc, invoice, labels, language } = context;
	const money = (value: Decimal) => `${formatNumber(value, amountDecimals(invoice.currency), language)} ${invoice.currency}`;
	let y = startY + 6;

	// VAT summary, left.
	text(doc, labels.vatSummary, PAGE.margin, y, 8, true);
	let vy = y + 13;
	const vatColumns = { category: PAGE.margin, taxable: 250, amount: 320 };
	text(doc, labels.vatCategory, vatColumns.category, vy, 6.5, false, GREY);
	doc.font(FONT_REGULAR).fontSize(6.5);
	textRight(doc, labels.taxable, vatColumns.taxable, vy, 6.5);
	textRight(doc, labels.vatAmount, vatColumns.amount, vy, 6.5);
	vy += 10;
	for (const entry of invoice.vatBreakdown) {
		text(doc, vatCategoryText(entry, language), vatColumns.category, vy, 7.5);
		textRight(doc, money(entry.taxableAmount), vatColumns.taxable, vy, 7.5);
		textRight(doc, money(entry.taxAmount), vatColumns.amount, vy, 7.5);
		vy += 10;
		if (entry.exemptionReason) {
			const reason = [entry.exemptionReason, entry.exemptionReasonCode && `(${entry.exemptionReasonCode})`].filter(Boolean).join(' ');
			doc.font(FONT_REGULAR).fontSize(6.5);
			for (const row of wrap(doc, reason, vatColumns.amount - PAGE.margin, ' ')) {
				text(doc, row, vatColumns.category + 6, vy, 6.5, false, GREY);
				vy += 9;
			}
		}
	}

	// Totals, right.
	const totalsLeft = 370;
	let ty = y;
	const totals = invoice.totals;
	const rows: Array<[string, Decimal, boolean]> = [
		[labels.totalNet, totals.taxExclusive, false],
		[labels.totalVat, totals.vatTotal, false],
		[labels.totalGross, totals.taxInclusive, true],
	];
	if (!totals.paid.isZero()) rows.push([labels.paid, totals.paid, false]);
	rows.push([isCreditNote(invoice) ? labels.creditDue : labels.due, totals.due, true]);
	for (const [label, value, bold] of rows) {
		if (bold) doc.rect(totalsLeft - 4, ty - 3, CONTENT_RIGHT - totalsLeft + 4, 14).fill('#f1f3f5');
		text(doc, label, totalsLeft, ty, 8.5, bold);
		textRight(doc, money(value), COLUMNS.netAmount.right, ty, 8.5, bold);
		ty += 15;
	}

	y = Math.max(vy, ty) + 12;
	// A credit note is not paid by the buyer: printing the seller's IBAN and a reference to quote would invite a transfer
	// in the wrong direction, so it only states its settlement terms.
	const credit = isCreditNote(invoice);
	const payment = credit ? undefined : invoice.payment;
	// Nor a due date: a credit note asks for no payment.
	const dueDate = credit ? undefined : invoice.dueDate;
	if (payment || invoice.paymentTerms || dueDate) {
		doc.lineWidth(0.6).roundedRect(PAGE.margin, y, CONTENT_RIGHT - PAGE.margin, 52, 3).stroke(RULE);
		text(doc, payment ? labels.payment : labels.settlement, PAGE.margin + 8, y + 7, 8, true);
		const facts: Array<[string, string | undefined, boolean]> = payment
			? [
					['IBAN', groupsOfFour(payment.iban), false],
					['BIC', payment.bic, false],
					[labels.reference, payment.remittanceInformation && formatCreditorReference(payment.remittanceInformation), true],
				]
			: [];
		let py = y + 20;
		for (const [label, value, bold] of facts) {
			if (!value) continue;
			text(doc, label, PAGE.margin + 8, py, 7.5, false, GREY);
			text(doc, value, PAGE.margin + 100, py, 8, bold);
			py += 10;
		}
		// Due date and terms: right of the bank details, or in their place on a credit note.
		const left = payment ? 340 : PAGE.margin + 8;
		let ry = y + 20;
		if (dueDate) {
			text(doc, labels.dueDate, left, ry, 7.5, false, GREY);
			text(doc, formatDate(dueDate, language), left + 60, ry, 8, true);
			ry += 10;
		}
		if (invoice.paymentTerms) {
			doc.font(FONT_REGULAR).fontSize(7);
			for (const row of wrap(doc, invoice.paymentTerms, CONTENT_RIGHT - left - 8, ' ')) {
				text(doc, row, left, ry, 7);
				ry += 9;
			}
		}
		y += 62;
	}

	const notes = mentions(invoice, labels);
	if (notes.length) {
		text(doc, labels.notes, PAGE.margin, y, 7.5, true);
		y += 11;
		doc.font(FONT_REGULAR).fontSize(7).fillColor(GREY);
		for (const note of notes) {
			doc.text(note, PAGE.margin, y, { width: CONTENT_RIGHT - PAGE.margin });
			y = doc.y + 3;
		}
	}
}

/** The notes, and the mentions the model codes rather than writes: the VAT-on-debits option (BT-8 = 3). */
function mentions(invoice: Invoice, labels: Labels): string[] {
	return [...invoice.notes.map((note) => note.text), ...(invoice.vatPointDateCode === '3' ? [labels.vatOnDebits] : [])];
}

function drawFooters({ doc, invoice, labels }: LayoutContext): void {
	const range = doc.bufferedPageRange();
	const seller = invoice.seller;
	const legal = [
		seller.name,
		seller.legalRegistrationId && `${labels.registration} ${seller.legalRegistrationId.value}`,
		seller.vatId && `${labels.vatId} ${seller.vatId}`,
		seller.additionalLegalInformation,
	]
		.filter(Boolean)
		.join(' · ');
	doc.font(FONT_REGULAR).fontSize(6.5);
	const legalRows = wrap(doc, legal, 380);
	for (let i = 0; i < range.count; i++) {
		doc.switchToPage(range.start + i);
		const y = PAGE.height - 30;
		doc.moveTo(PAGE.margin, y - 5).lineTo(CONTENT_RIGHT, y - 5).lineWidth(0.4).stroke(RULE);
		doc.font(FONT_REGULAR).fontSize(6.5);
		legalRows.forEach((row, k) => text(doc, row, PAGE.margin, y + k * 8, 6.5, false, GREY));
		textRight(doc, `${invoice.number} · ${labels.page} ${i + 1} / ${range.count}`, CONTENT_RIGHT, y, 6.5);
	}
}

/** Draws the whole invoice on `doc` (created with bufferPages: true and its first page added with margin 0). */
export function drawInvoice(doc: PDFKit.PDFDocument, invoice: Invoice, language: LayoutLanguage): void {
	const context: LayoutContext = { doc, invoice, labels: LABELS[language], language };
	let y = drawHeader(context);
	y = drawTableHeader(context, y);
	for (const line of linesByDate(invoice.lines)) {
		const rows = lineRows(context, line);
		if (y + lineHeight(rows) > TABLE_BOTTOM) y = drawTableHeader(context, newPage(context));
		y = drawLine(context, line, rows, y);
	}
	if (y + summaryHeight(context) > TABLE_BOTTOM) y = newPage(context);
	drawSummary(context, y);
	drawFooters(context);
}

/** The document's own language, else its seller's. */
export function defaultLanguage(invoice: Invoice): LayoutLanguage {
	return documentLanguage(invoice);
}
