/**
 * How a monthly credit note's total is split over the invoices it corrects (issue 13.6): each credit CDR credits the
 * invoice its original CDR is on, by its own amount with VAT. The shares are summed per invoice at full precision,
 * rounded to the currency's decimals, and the rounding difference to the document's total (whose VAT is rounded per
 * rate, once) goes to the invoice with the largest share, so the allocations add up to the credit note exactly.
 */
import type { CdrLineParts } from '../invoice/aggregated-lines';
import { vatOfKey } from '../invoice/line-parts';
import type { CreditAllocation } from '../ledger';
import type { Decimal } from '../money';
import { amountDecimals, dec, roundMoney, sum, ZERO } from '../money';

export class CreditAllocator {
	private readonly shares = new Map<string, Decimal>();

	/** One credit CDR (its line parts, amounts positive on a credit note) on the invoice its original is on. */
	add(invoiceNumber: string, parts: CdrLineParts): void {
		let gross = this.shares.get(invoiceNumber) ?? ZERO;
		for (const [vat, , , , excl] of parts.p) {
			const rate = vatOfKey(vat).rate ?? ZERO;
			gross = gross.plus(dec(excl).times(rate.dividedBy(100).plus(1)));
		}
		this.shares.set(invoiceNumber, gross);
	}

	/** The invoices credited, by number. */
	invoices(): string[] {
		return [...this.shares.keys()].sort();
	}

	/** The allocations of a credit note of `total` (with VAT), by invoice number; those rounding to nothing are left out. */
	allocate(total: Decimal, currency: string): CreditAllocation[] {
		const places = amountDecimals(currency);
		const numbers = this.invoices();
		const amounts = numbers.map((number) => roundMoney(this.shares.get(number)!, places));
		if (numbers.length > 0) {
			const largest = amounts.reduce((best, amount, index) => (amount.greaterThan(amounts[best]) ? index : best), 0);
			amounts[largest] = amounts[largest].plus(total.minus(sum(amounts)));
		}
		return numbers
			.map((invoiceNumber, index) => ({ invoiceNumber, amountWithVat: amounts[index].toFixed(places) }))
			.filter((allocation) => dec(allocation.amountWithVat).greaterThan(ZERO));
	}
}
