/**
 * Issuing: priced CDRs in, numbered documents with their files out, the ledger as the record.
 *
 * Order of a run: (1) documents recorded by an earlier run but never rendered (a crash between numbering and files),
 * and old enough that no live run is still rendering them, are rendered again from the ledger; (2) CDRs already on a document are reported with its number, never billed
 * twice; (3) the rest is planned (lib/invoice/build.ts), and each document goes the one issuing path
 * (issue-document.ts): numbered and recorded in one ledger transaction, rendered, handed to `onRendered` (write,
 * attach, send) and marked rendered.
 */
import { currencyProfileProblem } from '../einvoice';
import type { RenderedInvoiceFile, SupportingAttachment } from '../einvoice';
import { admitPriced, draftInvoice, languageOf, planInvoices } from '../invoice/build';
import type { AdmissionOptions, InvoicePlan } from '../invoice/build';
import { partnerFor } from '../invoice/config';
import type { InvoicingConfig } from '../invoice/config';
import { createCreditorReference } from '../invoice/creditor-reference';
import type { Invoice } from '../invoice/model';
import { invoiceNumberFormatter } from '../invoice/numbering';
import { completeInvoice } from '../invoice/totals';
import type { CompleteInvoiceOptions } from '../invoice/totals';
import type { Ledger } from '../ledger';
import { cdrRefProblem, LedgerError } from '../ledger';
import { cdrKey } from '../ocpi/types';
import type { PricedCdr } from '../pricing';
import { DocumentRefusedError, issueDocument, renderStored } from './issue-document';
import type { Rendering } from './issue-document';

export interface IssuedDocument {
	invoice: Invoice;
	files: RenderedInvoiceFile[];
	/**
	 * Positions of the priced CDRs on it in the input; empty for a document recovered from an earlier run, and for a
	 * document of the stream path (issueStream), whose CDRs are counted in cdrCount.
	 */
	sourceIndexes: number[];
	/** The ids of its CDRs; from the stream path at most STREAM_CDR_IDS_CAP of them (the CSV lists them all). */
	cdrIds: string[];
	/** How many CDRs it bills (cdrIds may be capped). */
	cdrCount?: number;
	/** Supporting documents (the CSV of the CDRs of an aggregated invoice): embedded in the files, and given as files. */
	attachments?: SupportingAttachment[];
	/** The eMSP billed, by its OCPI party. */
	buyerParty: { countryCode: string; partyId: string };
	/** Rendered again from the ledger: recorded by an earlier run that stopped before its files were written. */
	recovered: boolean;
}

export interface AlreadyInvoiced {
	index: number;
	id: string;
	invoiceNumber: string;
}

export interface IssueFailure {
	index: number;
	id: string | null;
	code: string;
	message: string;
}

export interface IssueOutcome {
	documents: IssuedDocument[];
	alreadyInvoiced: AlreadyInvoiced[];
	failures: IssueFailure[];
}

export interface IssueOptions extends AdmissionOptions {
	/** Issue date when the configuration fixes none (YYYY-MM-DD); default today (UTC). */
	today?: string;
	/** Receives each document's files before the ledger marks them rendered: write them, attach them, send them. */
	onRendered?: (document: IssuedDocument) => Promise<void>;
	/** PDF creation date, for reproducible files. */
	creationDate?: Date;
	/**
	 * Documents recorded but not marked rendered are rendered again only once they are this old (default 10 minutes):
	 * younger ones belong to a run still rendering them (parallel webhook executions, queue-mode workers), and
	 * re-rendering those would deliver them twice. 0 recovers at once (a single process re-run after a crash).
	 */
	recoverAfterMs?: number;
}

/** A plan that does not make a valid document: its CDRs fail with INVOICE_INVALID, nothing is written. */
export class DocumentInvalidError extends Error {
	readonly code = 'INVOICE_INVALID';
}

export const DEFAULT_RECOVER_AFTER_MS = 10 * 60 * 1000;

const refOf = (p: PricedCdr) => ({ country_code: p.country_code ?? '', party_id: p.party_id ?? '', id: p.id });

export function completionOptions(config: InvoicingConfig): CompleteInvoiceOptions {
	const reason = { text: config.invoicing.noVatReason };
	const french = config.seller.address.countryCode === 'FR';
	return {
		exemptionReasons: {
			E: reason,
			O: { ...reason, code: 'VATEX-EU-O' },
			AE: { text: french ? 'Autoliquidation' : 'Reverse charge', code: 'VATEX-EU-AE' },
		},
	};
}

/** The PDF speaks the language its lines were written in: the partner's, else the seller's. */
export function renderingFor(buyer: { countryCode: string; partyId: string }, config: InvoicingConfig, options: IssueOptions): Rendering {
	const partner = partnerFor(config, buyer.countryCode, buyer.partyId);
	return {
		formats: config.invoicing.formats,
		profile: config.invoicing.profile,
		creationDate: options.creationDate,
		language: partner ? languageOf(partner, config) : undefined,
	};
}

/**
 * Renders again the documents an earlier run numbered but never marked rendered (a crash between numbering and
 * files), once they are old enough that no live run is still rendering them; each goes to options.onRendered.
 */
export async function recoverStaleDocuments(config: InvoicingConfig, ledger: Ledger, options: IssueOptions): Promise<IssuedDocument[]> {
	const documents: IssuedDocument[] = [];
	const recoverBefore = Date.now() - (options.recoverAfterMs ?? DEFAULT_RECOVER_AFTER_MS);
	const stale = (await ledger.listUnrendered()).filter((record) => Date.parse(record.recordedAt) <= recoverBefore);
	for (const record of stale) {
		const documentOf = (invoice: Invoice, files: RenderedInvoiceFile[]): IssuedDocument => ({
			invoice,
			files,
			sourceIndexes: [],
			cdrIds: record.cdrs.map((c) => c.id),
			buyerParty: record.buyer,
			recovered: true,
		});
		const { invoice, files } = await renderStored(ledger, record, renderingFor(record.buyer, config, options), {
			onRendered: async (invoice, files) => options.onRendered?.(documentOf(invoice, files)),
		});
		documents.push(documentOf(invoice, files));
	}

	return documents;
}

export async function issueInvoices(
	priced: readonly PricedCdr[],
	config: InvoicingConfig,
	ledger: Ledger,
	options: IssueOptions = {},
): Promise<IssueOutcome> {
	const outcome: IssueOutcome = { documents: [], alreadyInvoiced: [], failures: [] };
	const completion = completionOptions(config);

	outcome.documents.push(...(await recoverStaleDocuments(config, ledger, options)));

	// Each CDR the ledger could not key fails alone (CDR_REF_INVALID), before any ledger call (issue 13.1).
	const keyable: number[] = [];
	priced.forEach((p, index) => {
		const admission = admitPriced(p, config, options);
		const problem = admission.ok ? cdrRefProblem(refOf(p)) : admission.message;
		if (problem) outcome.failures.push({ index, id: p.id ?? null, code: admission.ok ? 'CDR_REF_INVALID' : admission.code, message: problem });
		else keyable.push(index);
	});
	// Repeats within this input are billed once, by their first occurrence; CDRs billed before are reported.
	const firstIndex = new Map<string, number>();
	const repeats: Array<{ index: number; key: string }> = [];
	const unique: number[] = [];
	for (const index of keyable) {
		const key = cdrKey(refOf(priced[index])).toUpperCase();
		if (firstIndex.has(key)) repeats.push({ index, key });
		else {
			firstIndex.set(key, index);
			unique.push(index);
		}
	}
	const taken = await ledger.findInvoicedCdrs(unique.map((i) => refOf(priced[i])));
	const fresh: number[] = [];
	for (const index of unique) {
		const number = taken.get(cdrKey(refOf(priced[index])));
		if (number) outcome.alreadyInvoiced.push({ index, id: priced[index].id, invoiceNumber: number });
		else fresh.push(index);
	}

	const { plans, failures } = planInvoices(
		fresh.map((i) => priced[i]),
		config,
		options,
	);
	for (const f of failures) outcome.failures.push({ ...f, index: fresh[f.index] });
	for (const plan of plans) for (const m of plan.members) m.index = fresh[m.index];

	const issueDate = config.invoicing.issueDate ?? options.today ?? new Date().toISOString().slice(0, 10);
	const formatNumber = invoiceNumberFormatter(config.invoicing.numberPattern);
	const numberOf = new Map<number, string>();
	// Invoices first, so a credit CDR can correct an invoice issued in the same run.
	const ordered = [...plans.filter((p) => p.kind === 'invoice'), ...plans.filter((p) => p.kind === 'credit_note')];
	for (const plan of ordered) {
		const failAll = (code: string, message: string) => {
			for (const m of plan.members) outcome.failures.push({ index: m.index, id: m.priced.id, code, message });
		};
		let corrects: { number: string; issueDate?: string } | undefined;
		if (plan.kind === 'credit_note') {
			corrects = await correctedInvoice(ledger, plan);
			if (!corrects) {
				failAll(
					'CREDIT_ORIGINAL_NOT_INVOICED',
					`Credit CDR ${plan.members[0].priced.id} corrects CDR ${plan.creditedCdrId}, which is on no invoice of this ledger: invoice the original CDR first.`,
				);
				continue;
			}
		}
		const build = (number: string): Invoice => {
			try {
				return completeInvoice(
					draftInvoice(plan, config, { number, issueDate, paymentReference: createCreditorReference(number), corrects }),
					completion,
				);
			} catch (error) {
				throw new DocumentInvalidError((error as Error).message);
			}
		};
		const buyer = { countryCode: plan.partner.ocpi.country_code, partyId: plan.partner.ocpi.party_id };
		const documentOf = (invoice: Invoice, files: RenderedInvoiceFile[]): IssuedDocument => ({
			invoice,
			files,
			sourceIndexes: plan.members.map((m) => m.index),
			cdrIds: plan.members.map((m) => m.priced.id),
			buyerParty: buyer,
			recovered: false,
		});
		const profileProblem = currencyProfileProblem(plan.currency, config.invoicing.profile);
		if (profileProblem) {
			failAll('CURRENCY_PROFILE_UNSUPPORTED', profileProblem);
			continue;
		}
		const common = {
			series: plan.kind === 'credit_note' ? config.invoicing.creditNoteSeries : config.invoicing.series,
			issueDate,
			buyer,
			currency: plan.currency,
			cdrs: plan.members.map((m) => refOf(m.priced)),
			formatNumber,
			paymentReferenceFor: (number: string) => createCreditorReference(number),
		};
		let result;
		try {
			result = await issueDocument(
				ledger,
				plan.kind === 'credit_note'
					? { ...common, typeCode: '381', correctsInvoiceNumber: corrects!.number }
					: { ...common, typeCode: '380' },
				build,
				renderingFor(buyer, config, options),
				{ onRendered: async (invoice, files) => options.onRendered?.(documentOf(invoice, files)) },
			);
		} catch (error) {
			// The store itself is unusable (server down, file locked): every next document would fail the same way.
			if (error instanceof LedgerError && error.operational) throw error;
			if (error instanceof LedgerError || error instanceof DocumentInvalidError || error instanceof DocumentRefusedError) {
				failAll(error.code, error.message);
				continue;
			}
			throw error;
		}
		if (result.kind === 'already_invoiced') {
			// Another worker billed them meanwhile: report, never bill twice.
			for (const m of plan.members) {
				const number = result.conflicts.get(cdrKey(refOf(m.priced)));
				if (number) outcome.alreadyInvoiced.push({ index: m.index, id: m.priced.id, invoiceNumber: number });
				else outcome.failures.push({ index: m.index, id: m.priced.id, code: 'INVOICE_CONFLICT', message: `CDR ${m.priced.id} was not invoiced: another CDR of its invoice was billed by a concurrent run; run again.` });
			}
			continue;
		}
		for (const m of plan.members) numberOf.set(m.index, result.invoice.number);
		outcome.documents.push(documentOf(result.invoice, result.files));
	}

	for (const r of repeats) {
		const first = firstIndex.get(r.key)!;
		const number = numberOf.get(first) ?? outcome.alreadyInvoiced.find((a) => a.index === first)?.invoiceNumber;
		if (number) outcome.alreadyInvoiced.push({ index: r.index, id: priced[r.index].id, invoiceNumber: number });
		else {
			outcome.failures.push({
				index: r.index,
				id: priced[r.index].id,
				code: 'CDR_REPEATED',
				message: `CDR ${priced[r.index].id} appears twice in the input and its first occurrence was not invoiced.`,
			});
		}
	}
	return outcome;
}

async function correctedInvoice(
	ledger: Ledger,
	plan: Extract<InvoicePlan, { kind: 'credit_note' }>,
): Promise<{ number: string; issueDate?: string } | undefined> {
	const credit = plan.members[0].priced;
	const original = { country_code: credit.country_code ?? '', party_id: credit.party_id ?? '', id: plan.creditedCdrId };
	const found = await ledger.findInvoicedCdrs([original]);
	const number = found.get(cdrKey(original));
	if (!number) return undefined;
	const record = await ledger.getInvoice(number);
	return { number, issueDate: record?.issueDate };
}
