/**
 * Checks and normalises an issue request before any store opens a transaction, and finishes the document inside it
 * once the sequence is known. Shared by both stores so they refuse exactly the same requests.
 */
import { assertIsoDate, assertValidInvoiceNumber, assertValidSeries } from '../invoice/numbering';
import { dec, type Decimal } from '../money';
import { cdrKey } from '../ocpi/types';
import { LedgerError } from './errors';
import type { BuyerParty, CdrRef, CreditAllocation, InvoiceTotals, IssueRequest } from './types';

export interface PreparedCdr {
	ref: CdrRef;
	/** cdrKey(ref) as the caller wrote it: the key of the maps returned to the caller. */
	key: string;
	/** Upper-cased key: OCPI CiStrings compare case-insensitively, so this is what is unique in the ledger. */
	uniqueKey: string;
}

export interface PreparedIssue {
	request: IssueRequest;
	buyer: BuyerParty;
	totals: InvoiceTotals;
	totalWithVat: Decimal;
	/** Sorted by uniqueKey: concurrent writers then lock CDR rows in the same order and cannot deadlock. */
	cdrs: PreparedCdr[];
	/**
	 * Credit notes: the invoices corrected, sorted by number (writers lock them in this order and cannot deadlock),
	 * amounts normalised to 2 decimals; they sum to the total with VAT. Invoices: [].
	 */
	allocations: PreparedAllocation[];
}

export interface PreparedAllocation {
	invoiceNumber: string;
	amount: Decimal;
	/** amount.toFixed(2), as stored. */
	amountWithVat: string;
}

export interface FinishedDocument {
	number: string;
	documentJson: string;
	paymentReference?: string;
}

const COUNTRY_CODE = /^[A-Za-z]{2}$/;
const PARTY_ID = /^[A-Za-z0-9]{3}$/;
const CURRENCY = /^[A-Z]{3}$/;
const AMOUNT = /^-?\d+(\.\d{1,2})?$/;

/** Why the ledger would refuse this CDR reference (CDR_REF_INVALID), if it would: lets a batch fail that CDR alone. */
export function cdrRefProblem(ref: CdrRef): string | undefined {
	if (COUNTRY_CODE.test(ref.country_code ?? '') && PARTY_ID.test(ref.party_id ?? '') && typeof ref.id === 'string' && ref.id) return undefined;
	return `CDR ${String(ref.id)}: the ledger keys a CDR by a 2-letter country_code, a 3-character party_id and a non-empty id (got ${JSON.stringify(ref)}): correct the CDR's identity.`;
}

export function prepareCdrs(cdrs: readonly CdrRef[], field = 'cdrs'): PreparedCdr[] {
	const seen = new Set<string>();
	const prepared = cdrs.map((ref, index) => {
		if (!COUNTRY_CODE.test(ref.country_code) || !PARTY_ID.test(ref.party_id) || typeof ref.id !== 'string' || !ref.id) {
			throw new LedgerError(
				'CDR_REF_INVALID',
				`${field}[${index}] must have a 2-letter country_code, a 3-character party_id and a non-empty id ` +
					`(got ${JSON.stringify(ref)}).`,
				`${field}[${index}]`,
			);
		}
		const key = cdrKey(ref);
		const uniqueKey = key.toUpperCase();
		if (seen.has(uniqueKey)) {
			throw new LedgerError('CDR_LISTED_TWICE', `${field} lists the CDR ${key} twice: list each CDR once.`, field);
		}
		seen.add(uniqueKey);
		return { ref: { country_code: ref.country_code, party_id: ref.party_id, id: ref.id }, key, uniqueKey };
	});
	return prepared.sort((a, b) => (a.uniqueKey < b.uniqueKey ? -1 : a.uniqueKey > b.uniqueKey ? 1 : 0));
}

function amount(value: string, field: string): Decimal {
	if (typeof value !== 'string' || !AMOUNT.test(value)) {
		throw new LedgerError(
			'AMOUNT_INVALID',
			`${field} "${value}" must be a decimal string with at most 2 decimals (EN16931 amounts), e.g. "12.50".`,
			field,
		);
	}
	return dec(value);
}

export function prepareIssue(request: IssueRequest): PreparedIssue {
	assertValidSeries(request.series);
	assertIsoDate(request.issueDate, 'issueDate');
	if (request.dueDate !== undefined) assertIsoDate(request.dueDate, 'dueDate');
	if (!COUNTRY_CODE.test(request.buyer?.countryCode ?? '') || !PARTY_ID.test(request.buyer?.partyId ?? '')) {
		throw new LedgerError(
			'BUYER_INVALID',
			'buyer must be the eMSP\'s OCPI party: a 2-letter countryCode and a 3-character partyId.',
			'buyer',
		);
	}
	if (!CURRENCY.test(request.currency)) {
		const message = `currency "${request.currency}" must be an ISO 4217 code like EUR.`;
		throw new LedgerError('CURRENCY_INVALID', message, 'currency');
	}
	const withoutVat = amount(request.totals.withoutVat, 'totals.withoutVat');
	const vat = amount(request.totals.vat, 'totals.vat');
	const withVat = amount(request.totals.withVat, 'totals.withVat');
	if (!withoutVat.plus(vat).equals(withVat)) {
		throw new LedgerError(
			'TOTALS_INCONSISTENT',
			`totals.withVat ${request.totals.withVat} must equal totals.withoutVat ${request.totals.withoutVat} + ` +
				`totals.vat ${request.totals.vat} (EN16931 BR-CO-15).`,
			'totals.withVat',
		);
	}
	const cdrs = prepareCdrs(request.cdrs);
	if (request.staged && (cdrs.length > 0 || !(request.staged.count >= 1) || !request.staged.runId || !request.staged.docKey)) {
		throw new LedgerError('STAGED_REQUEST_INVALID', 'staged needs runId, docKey and a count of at least 1, and cdrs empty: a document takes its CDRs from a list or from the run journal, not both.', 'staged');
	}
	if (request.typeCode === '380' && cdrs.length === 0 && !request.staged) {
		throw new LedgerError('INVOICE_WITHOUT_CDRS', 'cdrs is empty: an invoice bills at least one CDR.', 'cdrs');
	}
	const allocations = request.typeCode === '381' ? prepareAllocations(request.allocations, request.correctsInvoiceNumber, withVat) : [];
	return {
		request,
		buyer: { countryCode: request.buyer.countryCode.toUpperCase(), partyId: request.buyer.partyId.toUpperCase() },
		totals: { withoutVat: withoutVat.toFixed(2), vat: vat.toFixed(2), withVat: withVat.toFixed(2) },
		totalWithVat: withVat,
		cdrs,
		allocations,
	};
}

/** A credit note's allocations, checked (one per invoice, positive, summing to its total) and sorted by invoice number. */
function prepareAllocations(given: readonly CreditAllocation[] | undefined, correctsInvoiceNumber: string | undefined, total: Decimal): PreparedAllocation[] {
	if ((given === undefined) === (correctsInvoiceNumber === undefined) || (given !== undefined && given.length === 0)) {
		throw new LedgerError(
			'CREDIT_ALLOCATIONS_INVALID',
			'A credit note names the invoices it corrects: give either correctsInvoiceNumber (one invoice, the whole credit) or allocations (at least one).',
			'allocations',
		);
	}
	const list = given ?? [{ invoiceNumber: correctsInvoiceNumber!, amountWithVat: total.toFixed(2) }];
	const seen = new Set<string>();
	const prepared = list.map((allocation, index) => {
		const field = given ? `allocations[${index}]` : 'correctsInvoiceNumber';
		assertValidInvoiceNumber(allocation.invoiceNumber, given ? `${field}.invoiceNumber` : field);
		if (seen.has(allocation.invoiceNumber)) {
			throw new LedgerError('CREDIT_ALLOCATIONS_INVALID', `allocations lists invoice ${allocation.invoiceNumber} twice: give one allocation per invoice.`, field);
		}
		seen.add(allocation.invoiceNumber);
		const value = amount(allocation.amountWithVat, `${field}.amountWithVat`);
		if (given && !value.greaterThan(0)) {
			throw new LedgerError('CREDIT_ALLOCATIONS_INVALID', `${field}.amountWithVat ${allocation.amountWithVat} must be positive.`, `${field}.amountWithVat`);
		}
		return { invoiceNumber: allocation.invoiceNumber, amount: value, amountWithVat: value.toFixed(2) };
	});
	const sum = prepared.reduce((all, a) => all.plus(a.amount), dec(0));
	if (!sum.equals(total)) {
		throw new LedgerError(
			'CREDIT_ALLOCATIONS_INVALID',
			`allocations sum to ${sum.toFixed(2)}, the credit note's totals.withVat is ${total.toFixed(2)}: allocate exactly its total.`,
			'allocations',
		);
	}
	return prepared.sort((a, b) => (a.invoiceNumber < b.invoiceNumber ? -1 : a.invoiceNumber > b.invoiceNumber ? 1 : 0));
}

/** Inside the transaction, once the sequence is allocated: the number, the stored document, the payment reference. */
export function finishDocument(prepared: PreparedIssue, sequence: number): FinishedDocument {
	const { request } = prepared;
	const number = request.formatNumber({ series: request.series, sequence, issueDate: request.issueDate });
	assertValidInvoiceNumber(number, 'formatNumber()');
	let documentJson: string | undefined;
	try {
		documentJson = JSON.stringify(request.buildDocument(number));
	} catch (error) {
		throw new LedgerError(
			'DOCUMENT_NOT_JSON',
			`buildDocument() for ${number} failed or returned a value JSON cannot hold: ${(error as Error).message}`,
			'buildDocument',
		);
	}
	if (documentJson === undefined) {
		throw new LedgerError('DOCUMENT_NOT_JSON', `buildDocument() returned nothing for ${number}.`, 'buildDocument');
	}
	const paymentReference = request.paymentReferenceFor?.(number);
	return { number, documentJson, paymentReference };
}

/** What a credit allocation is checked against: the corrected document and what is already credited on it. */
export interface CorrectedDocument {
	typeCode: string;
	buyer: BuyerParty;
	currency: string;
	totalWithVat: string;
	/** The allocations of earlier credit notes on it (with VAT). */
	creditedWithVat: string[];
}

/** Checks every allocation of a credit note against its invoice; the first that fails refuses the whole credit note. */
export function checkCorrections(prepared: PreparedIssue, corrected: ReadonlyMap<string, CorrectedDocument>): void {
	const request = prepared.request;
	const single = request.typeCode === '381' && request.allocations === undefined;
	prepared.allocations.forEach((allocation, index) => {
		const target = allocation.invoiceNumber;
		const field = single ? 'correctsInvoiceNumber' : 'allocations';
		const invoice = corrected.get(target);
		if (!invoice) {
			throw new LedgerError('CORRECTED_INVOICE_NOT_FOUND', `Invoice ${target} is not in this ledger: a credit note corrects an invoice issued here.`, field);
		}
		if (invoice.typeCode !== '380') {
			throw new LedgerError('CORRECTED_DOCUMENT_NOT_AN_INVOICE', `${target} is a credit note: reference the invoice it corrected instead.`, field);
		}
		const { countryCode, partyId } = prepared.buyer;
		if (invoice.buyer.countryCode !== countryCode || invoice.buyer.partyId !== partyId) {
			throw new LedgerError(
				'CREDIT_NOTE_BUYER_MISMATCH',
				`buyer ${countryCode}*${partyId} differs from invoice ${target}'s buyer ${invoice.buyer.countryCode}*${invoice.buyer.partyId}.`,
				'buyer',
			);
		}
		if (invoice.currency !== request.currency) {
			throw new LedgerError('CREDIT_NOTE_CURRENCY_MISMATCH', `currency ${request.currency} differs from invoice ${target}'s currency ${invoice.currency}.`, 'currency');
		}
		const alreadyCredited = invoice.creditedWithVat.reduce((total, value) => total.plus(value), dec(0));
		const remaining = dec(invoice.totalWithVat).minus(alreadyCredited);
		if (allocation.amount.greaterThan(remaining)) {
			throw new LedgerError(
				'CREDIT_EXCEEDS_INVOICE',
				`${single ? `totals.withVat ${prepared.totals.withVat}` : `allocations[${index}].amountWithVat ${allocation.amountWithVat}`} exceeds what ` +
					`remains creditable on invoice ${target} (${remaining.toFixed(2)} ${invoice.currency} of ${invoice.totalWithVat}).`,
				single ? 'totals.withVat' : `allocations[${index}].amountWithVat`,
			);
		}
	});
}

export function issueDateBeforePrevious(series: string, issueDate: string, lastIssueDate: string): LedgerError {
	return new LedgerError(
		'ISSUE_DATE_BEFORE_PREVIOUS',
		`issueDate ${issueDate} is earlier than ${lastIssueDate}, the issue date of the last document of series ` +
			`${series}: numbers must follow the dates. Issue with today's date or use another series.`,
		'issueDate',
	);
}

export const EVENT_TYPE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;
const SHA256 = /^[0-9a-f]{64}$/;

export function checkRenderedFiles(files: readonly { name: string; sha256: string }[]): void {
	files.forEach((file, index) => {
		if (typeof file.name !== 'string' || file.name.length === 0 || !SHA256.test(file.sha256)) {
			throw new LedgerError(
				'RENDERED_FILE_INVALID',
				`files[${index}] needs a non-empty name and a lower-case hex SHA-256 (64 characters).`,
				`files[${index}]`,
			);
		}
	});
}

/** What INVOICE_ISSUED / CREDIT_NOTE_ISSUED events carry (the CDR list lives in invoice_cdrs, not in the event). */
export function issuedPayload(prepared: PreparedIssue, sequence: number): Record<string, unknown> {
	const { request } = prepared;
	return {
		series: request.series,
		sequence,
		typeCode: request.typeCode,
		issueDate: request.issueDate,
		buyer: prepared.buyer,
		currency: request.currency,
		totals: prepared.totals,
		cdrCount: request.staged ? request.staged.count : prepared.cdrs.length,
		...(request.typeCode === '381'
			? {
					correctsInvoiceNumber: prepared.allocations[0].invoiceNumber,
					allocations: prepared.allocations.map(({ invoiceNumber, amountWithVat }) => ({ invoiceNumber, amountWithVat })),
				}
			: {}),
	};
}

/**
 * What a CREDIT_NOTE_ISSUED event credits, on which invoice: its `allocations`, or for events written before credit
 * notes had several (one `correctsInvoiceNumber`), the whole credit note on that invoice.
 */
export function creditedByEvent(payload: unknown): CreditAllocation[] {
	const p = (payload ?? {}) as { allocations?: CreditAllocation[]; correctsInvoiceNumber?: string; totals?: { withVat?: string } };
	if (Array.isArray(p.allocations)) return p.allocations;
	return typeof p.correctsInvoiceNumber === 'string' && typeof p.totals?.withVat === 'string'
		? [{ invoiceNumber: p.correctsInvoiceNumber, amountWithVat: p.totals.withVat }]
		: [];
}
