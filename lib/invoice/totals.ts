/**
 * The arithmetic of an EN16931 invoice: line net amounts → VAT breakdown (BG-23) → document totals (BG-22).
 *
 * Rounding policy (one place, applied once), to the decimals of the currency (amountDecimals: 2, 0 for JPY, never
 * more than the 2 EN16931 allows), "2 decimals" below:
 * - each line net amount (BT-131) is rounded to 2 decimals first. BR-CO-10 and BR-S-08 & co. are sums of the line
 *   amounts *as printed*: rounding once per line makes every later sum exact, whatever the reader recomputes. Hubject
 *   does the same (net per CDR rounded, then VAT). Summing unrounded lines and rounding the sum would differ by cents
 *   from the sum of the printed lines, and the validator would reject the invoice;
 * - per VAT breakdown, BT-117 = round2(BT-116 × BT-119 / 100), half away from zero (BR-CO-17), never a sum of per-line
 *   VAT, so a receiver recomputing it gets the same cent;
 * - totals are sums of 2-decimal amounts, hence exact: BT-106 = Σ BT-131 (BR-CO-10), BT-109 = BT-106 (BR-CO-13, no
 *   document-level allowances or charges), BT-110 = Σ BT-117 (BR-CO-14), BT-112 = BT-109 + BT-110 (BR-CO-15),
 *   BT-115 = BT-112 − BT-113 (BR-CO-16).
 */
import { ZERO, amountDecimals, roundMoney, sum } from '../money';
import type { Decimal } from '../money';
import type {
	DocumentTotals,
	Invoice,
	InvoiceDraft,
	InvoiceLine,
	VatBreakdown,
	VatCategoryCode,
} from './model';

export interface ExemptionReason {
	/** BT-120 */
	text: string;
	/** BT-121 VATEX code */
	code?: string;
}

/**
 * Defaults for the categories that must state why no VAT is charged. E has none: an exemption needs its legal basis,
 * which only the seller knows (e.g. "Exonération de TVA, article 261 du CGI").
 */
export const DEFAULT_EXEMPTION_REASONS: Readonly<Partial<Record<VatCategoryCode, ExemptionReason>>> = {
	AE: { text: 'Reverse charge', code: 'VATEX-EU-AE' },
	K: { text: 'Intra-Community supply', code: 'VATEX-EU-IC' },
	G: { text: 'Export outside the EU', code: 'VATEX-EU-G' },
	O: { text: 'Not subject to VAT', code: 'VATEX-EU-O' },
};

export interface CompleteInvoiceOptions {
	/** BT-113 amount already paid; 0 when absent. */
	paidAmount?: Decimal;
	/** Exemption reasons per category, overriding DEFAULT_EXEMPTION_REASONS (e.g. AE: "Autoliquidation"). */
	exemptionReasons?: Partial<Record<VatCategoryCode, ExemptionReason>>;
}

export class InvoiceArithmeticError extends Error {
	constructor(
		readonly code: 'INVOICE_NO_LINES' | 'INVOICE_LINE_VAT_RATE' | 'INVOICE_EXEMPTION_REASON_MISSING',
		message: string,
	) {
		super(message);
		this.name = 'InvoiceArithmeticError';
	}
}

/**
 * Rounds each line net amount (BT-131) to 2 decimals and settles the line VAT rate: S needs a rate above 0, O has no
 * rate, every other category is 0 %. A non-zero rate on a 0 % category is refused rather than silently dropped: it
 * means the VAT set-up of the partner is wrong.
 */
export function roundLines(lines: readonly InvoiceLine[], places = 2): InvoiceLine[] {
	return lines.map((line) => {
		const { category, rate } = line.vat;
		if (category === 'S') {
			if (rate === undefined || !rate.greaterThan(0)) {
				throw new InvoiceArithmeticError(
					'INVOICE_LINE_VAT_RATE',
					`Line ${line.id}: VAT category S needs a rate above 0 in vat.rate (BT-152); use Z, E, AE... for 0 %.`,
				);
			}
		} else if (rate !== undefined && !rate.isZero()) {
			throw new InvoiceArithmeticError(
				'INVOICE_LINE_VAT_RATE',
				`Line ${line.id}: VAT category ${category} is charged at 0 %, but vat.rate (BT-152) is ${rate.toFixed()}.`,
			);
		}
		const vat = { category, rate: category === 'S' ? rate : category === 'O' ? undefined : ZERO };
		return { ...line, netAmount: roundMoney(line.netAmount, places), vat };
	});
}

function breakdownKey(category: VatCategoryCode, rate: Decimal | undefined): string {
	return `${category}|${rate === undefined ? '' : rate.toFixed()}`;
}

/**
 * BG-23 from lines passed through roundLines(): one entry per (category, rate), in order of first
 * appearance, so the rendering is stable.
 */
export function computeVatBreakdown(
	lines: readonly InvoiceLine[],
	exemptionReasons: Partial<Record<VatCategoryCode, ExemptionReason>> = {},
	places = 2,
): VatBreakdown[] {
	const groups = new Map<string, { category: VatCategoryCode; rate?: Decimal; amounts: Decimal[] }>();
	for (const line of lines) {
		const { category, rate } = line.vat;
		const key = breakdownKey(category, rate);
		let group = groups.get(key);
		if (!group) {
			group = { category, rate, amounts: [] };
			groups.set(key, group);
		}
		group.amounts.push(line.netAmount);
	}
	return [...groups.values()].map(({ category, rate, amounts }) => {
		const taxableAmount = sum(amounts);
		const taxAmount = rate === undefined ? ZERO : roundMoney(taxableAmount.times(rate).dividedBy(100), places);
		const entry: VatBreakdown = { taxableAmount, taxAmount, category, rate };
		if (category !== 'S' && category !== 'Z') {
			const reason = exemptionReasons[category] ?? DEFAULT_EXEMPTION_REASONS[category];
			if (!reason) {
				throw new InvoiceArithmeticError(
					'INVOICE_EXEMPTION_REASON_MISSING',
					`VAT category ${category} needs an exemption reason (BT-120): set exemptionReasons.${category}.`,
				);
			}
			entry.exemptionReason = reason.text;
			if (reason.code) entry.exemptionReasonCode = reason.code;
		}
		return entry;
	});
}

/** BG-22 from rounded lines and their breakdown. */
export function computeDocumentTotals(
	lines: readonly InvoiceLine[],
	breakdown: readonly VatBreakdown[],
	paidAmount: Decimal = ZERO,
	places = 2,
): DocumentTotals {
	const lineNetTotal = sum(lines.map((line) => line.netAmount));
	const taxExclusive = lineNetTotal;
	const vatTotal = sum(breakdown.map((entry) => entry.taxAmount));
	const taxInclusive = taxExclusive.plus(vatTotal);
	const paid = roundMoney(paidAmount, places);
	return { lineNetTotal, taxExclusive, vatTotal, taxInclusive, paid, due: taxInclusive.minus(paid) };
}

/** The complete invoice: lines rounded, VAT breakdown and totals computed so BR-CO-10…17 hold exactly. */
export function completeInvoice(draft: InvoiceDraft, options: CompleteInvoiceOptions = {}): Invoice {
	if (draft.lines.length === 0) {
		throw new InvoiceArithmeticError('INVOICE_NO_LINES', `Invoice ${draft.number}: an invoice needs at least one line (BG-25).`);
	}
	const places = amountDecimals(draft.currency);
	const lines = roundLines(draft.lines, places);
	const vatBreakdown = computeVatBreakdown(lines, options.exemptionReasons, places);
	const totals = computeDocumentTotals(lines, vatBreakdown, options.paidAmount, places);
	return { ...draft, lines, vatBreakdown, totals };
}
