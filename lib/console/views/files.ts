/**
 * A document's files for download: the file issuing wrote (in the console's files folder) when its SHA-256 is the
 * one the ledger recorded, else rendered again from the document the ledger stored (the same path a re-render after
 * a crash takes), in the buyer's language when the invoicing configuration is known.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

import type { EInvoiceFormat } from '../../einvoice';
import { renderAll } from '../../einvoice';
import { languageOf } from '../../invoice/build';
import { partnerFor } from '../../invoice/config';
import { invoiceFromDocument } from '../../invoice/document-json';
import type { ConsoleContext } from './context';

export const FORMATS: readonly EInvoiceFormat[] = ['facturx', 'cii', 'ubl'];

export interface DownloadFile {
	name: string;
	mimeType: string;
	data: Buffer;
	/** Read back as issued (hash checked), or rendered again from the stored document. */
	origin: 'issued' | 'rendered';
}

const SUFFIX: Record<EInvoiceFormat, string> = { facturx: '.pdf', cii: '.cii.xml', ubl: '.ubl.xml' };

export async function documentFile(ctx: ConsoleContext, number: string, format: EInvoiceFormat): Promise<DownloadFile | undefined> {
	const record = await ctx.ledger.getInvoice(number);
	if (!record) return undefined;
	const mimeType = format === 'facturx' ? 'application/pdf' : 'application/xml';
	const recorded = record.renderedFiles?.find((file) => file.name.endsWith(SUFFIX[format]));
	for (const folder of [ctx.filesDir, ctx.creditNoteDir]) {
		if (!folder || !recorded) continue;
		// The recorded name is ours (number-based), never a path a request chose.
		const file = path.join(folder, path.basename(recorded.name));
		const data = await fs.readFile(file).catch(() => undefined);
		if (data && createHash('sha256').update(data).digest('hex') === recorded.sha256) {
			return { name: recorded.name, mimeType, data, origin: 'issued' };
		}
	}
	const invoice = invoiceFromDocument(record.document);
	const partner = ctx.config ? partnerFor(ctx.config, record.buyer.countryCode, record.buyer.partyId) : undefined;
	const [file] = await renderAll(invoice, [format], {
		profile: ctx.config?.invoicing.profile,
		language: partner && ctx.config ? languageOf(partner, ctx.config) : undefined,
	});
	return { name: file.fileName, mimeType, data: file.data, origin: 'rendered' };
}
