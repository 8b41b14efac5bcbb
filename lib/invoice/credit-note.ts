/**
 * A credit note (381) settling an accepted dispute: it references the invoice it corrects (BG-3: BT-25, BT-26) and
 * credits either an amount (one line, at the VAT treatment of the original) or some CDRs (their original lines,
 * copied). Credit notes state positive amounts; the ledger checks that credit notes never exceed the invoice.
 */
import { amountDecimals, dec, roundMoney, ZERO } from '../money';
import type { Decimal } from '../money';
import type { DocumentLanguage, Invoice, InvoiceDraft, InvoiceLine, LineVat } from './model';
import { documentLanguage } from './model';
import { completeInvoice } from './totals';

export type DisputeCredit =
	/** The accepted amount with VAT (what comes off the invoice total, BT-112 of the credit note). */
	| { kind: 'amount'; amountWithVat: Decimal }
	/** The disputed CDRs: their lines on the original are credited in full. */
	| { kind: 'cdrs'; cdrIds: string[] };

export interface CreditNoteContext {
	number: string;
	issueDate: string;
	/** Why: printed as a note (BT-22) so the eMSP's accountant sees which dispute it settles. */
	reason: string;
}

export type CreditNoteErrorCode =
	| 'CREDIT_AMOUNT_NOT_POSITIVE'
	| 'CREDIT_AMOUNT_NOT_REACHABLE'
	| 'CREDIT_VAT_AMBIGUOUS'
	| 'CREDIT_CDR_NOT_ON_INVOICE';

export class CreditNoteError extends Error {
	constructor(
		readonly code: CreditNoteErrorCode,
		message: string,
		readonly field: string,
	) {
		super(message);
		this.name = 'CreditNoteError';
	}
}

/** Payment terms (BT-20) of a credit note: nothing is to be paid. */
export const CREDIT_NOTE_TERMS: Record<DocumentLanguage, string> = {
	fr: "Montant porté au crédit de votre compte : aucun paiement n'est demandé.",
	de: 'Der Betrag wird Ihrem Konto gutgeschrieben: keine Zahlung erforderlich.',
	en: 'Credited to your account: no payment is requested.',
};

const vatKey = (vat: LineVat) => `${vat.category}|${vat.rate?.toFixed() ?? ''}`;

/** The complete credit note for `credit` on `original`. */
export function disputeCreditNote(original: Invoice, credit: DisputeCredit, ctx: CreditNoteContext): Invoice {
	const lines = credit.kind === 'amount' ? [amountLine(original, credit.amountWithVat)] : cdrLines(original, credit.cdrIds);
	const exemptionReasons = Object.fromEntries(
		original.vatBreakdown
			.filter((b) => b.exemptionReason)
			.map((b) => [b.category, { text: b.exemptionReason!, code: b.exemptionReasonCode }]),
	);
	const draft: InvoiceDraft = {
		number: ctx.number,
		issueDate: ctx.issueDate,
		typeCode: '381',
		currency: original.currency,
		buyerReference: original.buyerReference,
		contractReference: original.contractReference,
		businessProcess: original.businessProcess,
		// The network, the mentions and the language of the invoice it corrects.
		specification: original.specification,
		language: original.language,
		vatPointDateCode: original.vatPointDateCode,
		deliveryDate: original.deliveryDate,
		deliverTo: original.deliverTo,
		notes: [...original.notes.filter((n) => n.subjectCode !== undefined), { subjectCode: 'AAI', text: ctx.reason }],
		precedingInvoices: [{ number: original.number, issueDate: original.issueDate }],
		// BR-CO-25: an amount due needs a due date or payment terms; a credit note's terms say nothing is to be paid.
		paymentTerms: CREDIT_NOTE_TERMS[documentLanguage(original)],
		period: original.period,
		seller: original.seller,
		buyer: original.buyer,
		// Nothing to pay to the seller: the account is kept for a refund, without the invoice's creditor reference.
		payment: original.payment ? { ...original.payment, remittanceInformation: undefined } : undefined,
		lines,
	};
	return completeInvoice(draft, { exemptionReasons });
}

function amountLine(original: Invoice, amountWithVat: Decimal): InvoiceLine {
	const places = amountDecimals(original.currency);
	if (!amountWithVat.gt(ZERO) || !roundMoney(amountWithVat, places).equals(amountWithVat)) {
		throw new CreditNoteError(
			'CREDIT_AMOUNT_NOT_POSITIVE',
			`The accepted amount ${amountWithVat.toFixed()} must be positive with at most ${places} decimals (${original.currency}).`,
			'amount',
		);
	}
	const treatments = new Map(original.lines.map((line) => [vatKey(line.vat), line.vat]));
	if (treatments.size !== 1) {
		throw new CreditNoteError(
			'CREDIT_VAT_AMBIGUOUS',
			`Invoice ${original.number} has lines at ${treatments.size} VAT rates: credit the disputed CDRs (cdrIds) ` +
				'instead of an amount, so each keeps its VAT.',
			'amount',
		);
	}
	const vat = [...treatments.values()][0];
	const net = netFor(amountWithVat, vat.rate ?? ZERO, places);
	if (!net) {
		throw new CreditNoteError(
			'CREDIT_AMOUNT_NOT_REACHABLE',
			`No net amount gives exactly ${amountWithVat.toFixed(places)} with ${vat.rate?.toFixed() ?? 0} % VAT rounded to ` +
				`the ${places === 0 ? 'unit' : 'cent'}: accept an amount one ${places === 0 ? 'unit' : 'cent'} more or less.`,
			'amount',
		);
	}
	return {
		id: '1',
		quantity: dec(1),
		unitCode: 'C62',
		netAmount: net,
		netPrice: net,
		period: original.period,
		vat,
		item: { name: `Credit on invoice ${original.number}` },
	};
}

/** The net (in the currency's decimals) whose VAT, rounded half up as totals.ts does, adds up to `gross`, if any. */
function netFor(gross: Decimal, rate: Decimal, places: number): Decimal | undefined {
	const guess = roundMoney(gross.dividedBy(rate.dividedBy(100).plus(1)), places);
	const step = dec(10).pow(-places);
	for (const steps of [0, -1, 1, -2, 2]) {
		const net = guess.plus(step.times(steps));
		if (net.gt(ZERO) && net.plus(roundMoney(net.times(rate).dividedBy(100), places)).equals(gross)) return net;
	}
	return undefined;
}

function cdrLines(original: Invoice, cdrIds: readonly string[]): InvoiceLine[] {
	const lines: InvoiceLine[] = [];
	for (const id of cdrIds) {
		const ofCdr = original.lines.filter((line) => line.objectId?.value === id);
		if (ofCdr.length === 0) {
			throw new CreditNoteError(
				'CREDIT_CDR_NOT_ON_INVOICE',
				`CDR ${id} is not on invoice ${original.number}: give the ids of CDRs billed on it.`,
				'cdrIds',
			);
		}
		for (const line of ofCdr) lines.push({ ...line, id: String(lines.length + 1) });
	}
	return lines;
}
