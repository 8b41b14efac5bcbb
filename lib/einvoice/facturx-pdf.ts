/**
 * Factur-X 1.0 hybrid invoice: a PDF/A-3b file (pdfkit's native PDF/A mode: pdfaid XMP, sRGB output intent, trailer
 * /ID) whose readable pages come from invoice-layout.ts and which carries the CII XML as `factur-x.xml`
 * (associated file, listed in the catalog /AF), described by the Factur-X XMP extension schema.
 *
 * Fonts: DejaVu Sans from the `dejavu-fonts-ttf` package, read once per process and subset into each file (PDF/A
 * requires every font embedded; the standard 14 fonts are not).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { Invoice } from '../invoice/model';
import { isCreditNote } from '../invoice/model';
import { renderCii } from './cii';
import type { CiiProfile } from './cii';
import { FACTURX_FILE_NAME, facturXXmp, xmpDates } from './facturx-xmp';
import { FONT_BOLD, FONT_REGULAR, defaultLanguage, drawInvoice } from './invoice-layout';
import type { LayoutLanguage } from './invoice-layout';
import type { SupportingAttachment } from './supporting';

export interface FacturXOptions {
	profile?: CiiProfile;
	/** Layout language; French for a French seller by default. */
	language?: LayoutLanguage;
	/** PDF creation date (Info + XMP); now by default. Fix it for reproducible output. */
	creationDate?: Date;
	/** The CII XML to embed, when already rendered (it must be of `profile`); rendered from the invoice otherwise. */
	ciiXml?: string;
	/** Supporting documents (BG-24) attached beside factur-x.xml, e.g. the CSV of a monthly invoice's CDRs. */
	attachments?: readonly SupportingAttachment[];
}

/** The parsed font objects pdfkit accepts in place of font files (anything with a `layout` method). */
type ParsedFont = { layout: (text: string) => unknown };
interface FontKit {
	create(buffer: Buffer): ParsedFont;
}

let fonts: { regular: ParsedFont; bold: ParsedFont } | undefined;

/**
 * The fonts, read and parsed once per process. Parsing DejaVu Sans is ~90 % of the cost of a one-page invoice, so the
 * parsed objects are shared by every document (each document still makes its own subset). The parser is pdfkit's own
 * fontkit, loaded through pdfkit so the versions match.
 */
function parsedFonts(): { regular: ParsedFont; bold: ParsedFont } {
	if (!fonts) {
		const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as FontKit;
		const directory = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
		fonts = {
			regular: fontkit.create(readFileSync(join(directory, 'DejaVuSans.ttf'))),
			bold: fontkit.create(readFileSync(join(directory, 'DejaVuSans-Bold.ttf'))),
		};
	}
	return fonts;
}

/** Words already shaped, per parsed font, shared by every document of the process (bounded). */
const layoutCaches = new Map<ParsedFont, { cache: Record<string, unknown>; documents: number }>();
const LAYOUT_CACHE_RESET_EVERY = 500;

/**
 * pdfkit shapes each word through fontkit (OpenType lookups) and caches the result per document only: invoices repeat
 * the same words, so one cache per font for the whole process spares most of the shaping. Shaped runs are in font
 * units and carry glyph ids, which each document still subsets for itself. Reset every few hundred documents, so the
 * CDR ids and amounts that never recur do not pile up.
 */
function shareLayoutCaches(doc: PDFKit.PDFDocument, parsed: ParsedFont[]): void {
	doc.font(FONT_BOLD).font(FONT_REGULAR);
	const families = (doc as unknown as { _fontFamilies: Record<string, { font?: ParsedFont; layoutCache?: Record<string, unknown> }> })._fontFamilies;
	for (const embedded of Object.values(families)) {
		if (!embedded.font || !parsed.includes(embedded.font) || !embedded.layoutCache) continue;
		let shared = layoutCaches.get(embedded.font);
		if (!shared || shared.documents >= LAYOUT_CACHE_RESET_EVERY) {
			shared = { cache: Object.create(null) as Record<string, unknown>, documents: 0 };
			layoutCaches.set(embedded.font, shared);
		}
		shared.documents++;
		embedded.layoutCache = shared.cache;
	}
}

const DOCUMENT_KIND: Record<LayoutLanguage, [string, string]> = {
	fr: ['Facture', 'Avoir'],
	de: ['Rechnung', 'Gutschrift'],
	en: ['Invoice', 'Credit note'],
};

/** Info dictionary strings are also copied verbatim into pdfkit's XMP: keep them free of XML markup characters. */
function infoText(value: string): string {
	return value.replace(/[<>&"]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The Factur-X PDF of an invoice or credit note. */
export function renderFacturXPdf(invoice: Invoice, options: FacturXOptions = {}): Promise<Buffer> {
	const profile = options.profile ?? 'EN16931';
	const xml = options.ciiXml ?? renderCii(invoice, { profile, prettyPrint: false });
	const language = options.language ?? defaultLanguage(invoice);
	// PDF dates have 1 s resolution; a millisecond part would make Info and XMP differ.
	const created = new Date(Math.floor((options.creationDate ?? new Date()).getTime() / 1000) * 1000);
	const kind = DOCUMENT_KIND[language][isCreditNote(invoice) ? 1 : 0];
	const { regular, bold } = parsedFonts();

	const doc = new PDFDocument({
		pdfVersion: '1.7',
		subset: 'PDF/A-3b',
		size: 'A4',
		margin: 0,
		bufferPages: true,
		lang: { fr: 'fr-FR', de: 'de-DE', en: 'en' }[language],
		info: {
			Title: infoText(`${kind} ${invoice.number}`),
			Author: infoText(invoice.seller.name),
			Subject: infoText(`${kind} ${invoice.number} - ${invoice.buyer.name}`),
			Creator: 'n8n-nodes-ev-clearing',
			Producer: 'n8n-nodes-ev-clearing (pdfkit)',
			CreationDate: created,
			ModDate: created,
		},
	});
	const chunks: Buffer[] = [];
	const done = new Promise<Buffer>((resolve, reject) => {
		doc.on('data', (chunk: Buffer) => chunks.push(chunk));
		doc.on('end', () => resolve(Buffer.concat(chunks)));
		doc.on('error', reject);
	});

	// pdfkit preselects Helvetica, which PDF/A forbids (not embedded); it is never drawn with, so never written.
	doc.registerFont(FONT_REGULAR, regular as unknown as string);
	doc.registerFont(FONT_BOLD, bold as unknown as string);
	shareLayoutCaches(doc, [regular, bold]);
	drawInvoice(doc, invoice, language);

	// @types/pdfkit lacks `relationship`, which pdfkit writes as /AFRelationship.
	const attachment: PDFKit.Mixins.PDFAttachmentOptions & { relationship: string } = {
		name: FACTURX_FILE_NAME,
		type: 'text/xml',
		relationship: 'Alternative',
		description: `Factur-X ${profile === 'EN16931' ? 'EN 16931' : 'EXTENDED'} invoice data`,
		creationDate: created,
		modifiedDate: created,
	};
	const files: Array<{ data: Buffer; options: PDFKit.Mixins.PDFAttachmentOptions & { relationship: string } }> = [
		{ data: Buffer.from(xml, 'utf8'), options: attachment },
	];
	for (const supporting of options.attachments ?? []) {
		const reference = invoice.supportingDocuments?.find((d) => d.fileName === supporting.fileName);
		files.push({
			data: supporting.data,
			options: {
				name: supporting.fileName,
				type: reference?.mimeCode ?? 'text/csv',
				relationship: 'Supplement',
				description: reference?.description ?? supporting.fileName,
				creationDate: created,
				modifiedDate: created,
			},
		});
	}
	for (const file of files) doc.file(file.data, file.options);
	doc.appendXML(xmpDates(created));
	doc.appendXML(facturXXmp(profile));
	doc.end();
	return done;
}
