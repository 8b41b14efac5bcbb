/**
 * Invoices of the French sample seller (samples/invoice-config.json) issued into a fresh SQLite ledger, with settings
 * changed where a test needs it (billing framework S1 = services, whose VAT is due on receipts).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { InvoiceDocument } from '../../lib/delivery/invoice-document';
import { parseInvoicingConfig } from '../../lib/invoice/config';
import { invoiceSummary } from '../../lib/invoice/summary';
import { issueInvoices } from '../../lib/issuing';
import { openLedger } from '../../lib/ledger';
import type { Ledger } from '../../lib/ledger';
import { createPricer } from '../../lib/pricing';

const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8'));

export const SELLER_SIREN = '884123456';
export const BUYER_SIREN = '901543215';

export interface FrenchLedger {
	ledger: Ledger;
	path: string;
	/** The invoices (380) to the French eMSP (FR*MOB), ready for a delivery. */
	french: InvoiceDocument[];
	all: InvoiceDocument[];
}

export async function issueFrenchInvoices(
	invoicing: Record<string, unknown> = {},
	mode = 'per_cdr',
	seller: Record<string, unknown> = {},
): Promise<FrenchLedger> {
	const raw = load('invoice-config.json');
	raw.invoicing = { ...raw.invoicing, mode, issueDate: '2026-11-02', ...invoicing };
	raw.seller = { ...(raw.seller as Record<string, unknown>), ...seller };
	const config = parseInvoicingConfig(raw);
	const pricer = createPricer({ tariffs: load('tariffs.json') });
	const priced = (load('cdrs.json') as unknown[]).map((c) => pricer.price(c as never));
	const file = path.join(mkdtempSync(path.join(tmpdir(), 'pa-ledger-')), 'ledger.sqlite');
	const ledger = await openLedger({ kind: 'sqlite', path: file });
	const outcome = await issueInvoices(priced, config, ledger, { creationDate: new Date('2026-11-02T08:00:00Z') });
	const all = outcome.documents.map(
		(document): InvoiceDocument => ({
			summary: invoiceSummary(document.invoice, {
				cdrIds: document.cdrIds,
				ocpiParty: null,
				email: null,
				files: Object.fromEntries(document.files.map((f) => [f.format, f.fileName])),
				recovered: false,
			}),
			files: Object.fromEntries(document.files.map((f) => [f.format, { fileName: f.fileName, mimeType: f.mimeType, data: f.data }])),
		}),
	);
	const french = all.filter((d) => d.summary.typeCode === '380' && d.summary.buyer.name === 'Mobilis France SAS');
	return { ledger, path: file, french, all };
}
