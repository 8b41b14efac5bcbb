/** Real Build Invoice items from the sample CDRs: summaries, files and n8n items with binaries, issued once per file. */
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseInvoicingConfig } from '../../lib/invoice/config';
import { issueInvoices } from '../../lib/issuing';
import type { IssuedDocument } from '../../lib/issuing';
import { invoiceSummary } from '../../lib/invoice/summary';
import type { InvoiceSummaryJson } from '../../lib/invoice/summary';
import { openLedger } from '../../lib/ledger';
import { createPricer } from '../../lib/pricing';
import type { PricedCdr } from '../../lib/pricing';
import type { InvoiceDocument } from '../../lib/delivery/invoice-document';

const samples = path.resolve(__dirname, '../../samples');
const load = (file: string) => JSON.parse(readFileSync(path.join(samples, file), 'utf8'));

export interface IssuedSample {
	document: IssuedDocument;
	summary: InvoiceSummaryJson;
	/** What a delivery reads from a Build Invoice item. */
	delivery: InvoiceDocument;
}

export interface SampleInvoices {
	/** Invoices (380) in number order, then the credit note (381). */
	all: IssuedSample[];
	invoice: IssuedSample;
	creditNote: IssuedSample;
	/** The invoice the credit note corrects. */
	corrected: IssuedSample;
	/** The SQLite ledger they were issued in (closed): copy it with ledgerCopy() before writing to it. */
	ledgerPath: string;
}

/** A private copy of the issuing ledger, so each test file records its deliveries apart from the others. */
export async function ledgerCopy(): Promise<string> {
	const { ledgerPath } = await sampleInvoices();
	const target = path.join(mkdtempSync(path.join(tmpdir(), 'delivery-ledger-')), 'ledger.sqlite');
	copyFileSync(ledgerPath, target);
	for (const suffix of ['-wal', '-shm']) if (existsSync(ledgerPath + suffix)) copyFileSync(ledgerPath + suffix, target + suffix);
	return target;
}

let cached: Promise<SampleInvoices> | undefined;

export function sampleInvoices(): Promise<SampleInvoices> {
	cached ??= issueSamples();
	return cached;
}

async function issueSamples(): Promise<SampleInvoices> {
	const dir = mkdtempSync(path.join(tmpdir(), 'delivery-samples-'));
	const raw = load('invoice-config.json');
	const config = parseInvoicingConfig(raw);
	const pricer = createPricer({ tariffs: load('tariffs.json') });
	const priced: PricedCdr[] = (load('cdrs.json') as unknown[]).map((c) => pricer.price(c as never));
	const ledger = await openLedger({ kind: 'sqlite', path: path.join(dir, 'issue.sqlite') });
	const outcome = await issueInvoices(priced, config, ledger, { creationDate: new Date('2026-11-02T08:00:00Z') });
	await ledger.close();
	const partners = raw.partners as Array<{ name: string; email?: string; ocpi: { country_code: string; party_id: string } }>;
	const all = outcome.documents.map((document): IssuedSample => {
		const partner = partners.find((p) => p.name === document.invoice.buyer.name);
		const files = Object.fromEntries(document.files.map((f) => [f.format, f.fileName]));
		const summary = invoiceSummary(document.invoice, {
			cdrIds: document.cdrIds,
			ocpiParty: partner ? `${partner.ocpi.country_code}*${partner.ocpi.party_id}` : null,
			email: partner?.email ?? null,
			files,
			recovered: false,
		});
		const delivery: InvoiceDocument = {
			summary,
			files: Object.fromEntries(
				document.files.map((f) => [f.format, { fileName: f.fileName, mimeType: f.mimeType, data: f.data }]),
			),
		};
		return { document, summary, delivery };
	});
	const creditNote = all.find((s) => s.summary.typeCode === '381')!;
	const corrected = all.find((s) => s.summary.number === creditNote.summary.correctsInvoiceNumber)!;
	const invoice = all.find((s) => s.summary.typeCode === '380' && s.summary.buyer.countryCode === 'FR')!;
	return { all, invoice, creditNote, corrected, ledgerPath: path.join(dir, 'issue.sqlite') };
}
