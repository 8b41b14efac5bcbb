/**
 * Monthly invoice lines a person can read at any volume (issue 12.2): the CDRs of a document folded into one line per
 *
 *     VAT treatment × price component (energy, charging time, parking time, session fee, reservation, min/max
 *     adjustment) × unit price  [× charging site] [× day]        (`invoicing.lineGrouping`: "site", "day")
 *
 * Each line states its quantity in the component's unit (KWH kilowatt-hour, HUR hour, C62 one session fee / one
 * adjustment), its unit price, and its net amount. Exactness: every CDR contributes its breakdown amounts at full
 * precision; a line's net amount is the exact sum of its contributions rounded half up to the currency's decimals, and
 * the cents these separate roundings lose are given back by largest remainder (allocateRounding), so the lines of each
 * VAT treatment add up to the exact sum of its CDRs' amounts rounded once; the document's net total is the sum of its
 * lines (BR-CO-10). A line thus differs from quantity × unit price by at most 0.01 plus the quantity's rounding (4
 * decimals), within Peppol's 0.02 (PEPPOL-EN16931-R120). docs/pricing-choices.md ("Monthly lines"). The CDR-level detail goes in the CSV supporting document (cdr-csv.ts).
 *
 * Memory: one accumulator per line key, whatever the number of CDRs; a CDR is reduced to its `CdrLineParts` (what the
 * run journal stores) before it is added.
 */
import { amountDecimals, dec, Decimal, DecimalSum, roundMoney, ZERO } from '../money';
import type { PricedCdr } from '../pricing';
import type { InvoicingConfig, LineGrouping, PartnerConfig } from './config';
import { siteAddress, siteText } from './delivery';
import { COMPONENT_UNITS, vatGroups, vatKey, vatOfKey, WORDS } from './line-parts';
import type { Language } from './line-parts';
import type { DeliverTo, InvoiceLine } from './model';

/** One CDR reduced to what aggregated lines need: [vatKey, category, unit price | "", billed quantity, amount excl. VAT]. */
export interface CdrLineParts {
	p: Array<[string, string, string, string, string]>;
	/** Session start day (YYYY-MM-DD) and end day. */
	d: string;
	e: string;
	/** The charging site as a deliver-to party, when the CDR gives one. */
	s?: DeliverTo;
}

/** The parts of one priced CDR; `sign` -1 on a credit note (credit CDRs carry negative amounts). */
export function cdrLineParts(p: PricedCdr, partner: PartnerConfig, config: InvoicingConfig, sign: 1 | -1): CdrLineParts {
	const parts: CdrLineParts['p'] = [];
	for (const group of vatGroups(p, partner, config, sign)) {
		const vat = vatKey(group.vat);
		for (const line of group.lines) {
			const flatAdjustment = line.category === 'price_limit' || line.price === null;
			parts.push([vat, line.category, flatAdjustment ? '' : line.price!.toFixed(), flatAdjustment ? '1' : line.billedVolume.toFixed(), line.excl.times(sign).toFixed()]);
		}
	}
	const start = (p.cdr.start_date_time ?? '').slice(0, 10);
	const site = siteAddress(p);
	return { p: parts, d: start, e: (p.cdr.end_date_time ?? p.cdr.start_date_time ?? '').slice(0, 10), ...(site ? { s: site } : {}) };
}

interface LineTotal {
	vat: string;
	category: string;
	price: string;
	site?: string;
	day?: string;
	quantity: Decimal;
	excl: Decimal;
	sessions: number;
}

/** A line being folded: its quantity and amount summed exactly from the CDRs' decimal strings. */
interface LineSum extends Omit<LineTotal, 'quantity' | 'excl'> {
	quantity: DecimalSum;
	excl: DecimalSum;
}

const CATEGORY_ORDER = ['energy', 'time', 'parking', 'fixed', 'reservation', 'price_limit'];

const UNIT_WORDS: Record<string, string> = { KWH: 'kWh', HUR: 'h', C62: '' };

/** Folds CDRs into the lines of one document. */
export class LineAggregator {
	private readonly totals = new Map<string, LineSum>();
	private lastDay = '';
	private site: DeliverTo | undefined;
	private oneSite = true;
	/** CDRs added. */
	count = 0;

	constructor(private readonly grouping: readonly LineGrouping[] = []) {}

	add(parts: CdrLineParts): void {
		this.count++;
		if (parts.e > this.lastDay) this.lastDay = parts.e;
		if (this.count === 1) this.site = parts.s;
		else if (this.oneSite && JSON.stringify(parts.s) !== JSON.stringify(this.site)) this.oneSite = false;
		const site = this.grouping.includes('site') ? (parts.s ? siteText(parts.s) : '') : undefined;
		const day = this.grouping.includes('day') ? parts.d : undefined;
		const counted = new Set<string>();
		for (const [vat, category, price, quantity, excl] of parts.p) {
			const key = `${vat}|${category}|${price}|${site ?? ''}|${day ?? ''}`;
			let total = this.totals.get(key);
			if (!total) {
				total = { vat, category, price, site, day, quantity: new DecimalSum(), excl: new DecimalSum(), sessions: 0 };
				this.totals.set(key, total);
			}
			if (category !== 'price_limit') total.quantity.add(quantity);
			total.excl.add(excl);
			if (!counted.has(key)) {
				total.sessions++;
				counted.add(key);
			}
		}
	}

	/** BT-72 and BG-15 of the document: the last day supplied, and the one site when every CDR was charged there. */
	delivery(buyerAddress: { line1?: string; city?: string; postCode?: string; countryCode: string }): { deliveryDate?: string; deliverTo?: DeliverTo } {
		const same = (a: { line1?: string; city?: string; postCode?: string; countryCode: string }) =>
			[a.line1, a.postCode, a.city, a.countryCode].map((v) => (v ?? '').trim().toLowerCase()).join('|');
		const deliverTo = this.oneSite && this.site && same(this.site.address) !== same(buyerAddress) ? this.site : undefined;
		return { deliveryDate: this.lastDay || undefined, ...(deliverTo ? { deliverTo } : {}) };
	}

	/** The lines, in a stable order: VAT treatment, component, unit price, site, day. */
	lines(language: Language, currency: string): InvoiceLine[] {
		const words = WORDS[language];
		const places = amountDecimals(currency);
		const sorted = [...this.totals.values()].map((t): LineTotal => ({ ...t, quantity: t.quantity.value(), excl: t.excl.value() })).sort(
			(a, b) =>
				a.vat.localeCompare(b.vat) ||
				CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category) ||
				(a.price === '' || b.price === '' ? a.price.localeCompare(b.price) : dec(a.price).cmp(dec(b.price))) ||
				(a.site ?? '').localeCompare(b.site ?? '') ||
				(a.day ?? '').localeCompare(b.day ?? ''),
		);
		const nets = allocateRounding(sorted, places);
		const out: InvoiceLine[] = [];
		sorted.forEach((total, index) => {
			const net = nets[index];
			if (net.isZero() && total.category === 'price_limit') return;
			const adjustment = total.price === '';
			const unitCode = adjustment ? 'C62' : COMPONENT_UNITS[total.category];
			// Hours may not terminate (1 min = 0.0166… h): 4 decimals, the most the French rules allow (BR-FR-DEC-02);
			// the net amount comes from the exact amounts, so quantity × price differs from it by far less than 0.01.
			const quantity = adjustment ? dec(1) : total.quantity.toDecimalPlaces(4, Decimal.ROUND_HALF_UP);
			const negative = net.isNegative();
			const unit = UNIT_WORDS[unitCode] ? `${currency}/${UNIT_WORDS[unitCode]}` : currency;
			const name = [
				adjustment ? words[total.category] : `${words[total.category]} — ${dec(total.price).toFixed()} ${unit}`,
				total.site,
				total.day,
			]
				.filter(Boolean)
				.join(' — ');
			out.push({
				id: String(out.length + 1),
				quantity: negative ? quantity.negated() : quantity,
				unitCode,
				netAmount: net,
				netPrice: adjustment ? net.abs() : dec(total.price),
				vat: vatOfKey(total.vat),
				...(total.day ? { period: { start: total.day, end: total.day } } : {}),
				item: { name, attributes: [{ name: words.sessions ?? 'Sessions', value: String(total.sessions) }] },
			});
		});
		return out;
	}
}

/**
 * Each line's net amount: its exact amount rounded half up, then, per VAT treatment, the cents the separate roundings
 * lost or gained given back by largest remainder (one cent at most per line), so the lines of a VAT treatment add up to
 * their exact sum rounded once — the document's taxable amounts and total are the CDRs' exact amounts rounded once.
 */
function allocateRounding(totals: readonly LineTotal[], places: number): Decimal[] {
	const nets = totals.map((t) => roundMoney(t.excl, places));
	const unit = dec(10).pow(-places);
	const byVat = new Map<string, number[]>();
	totals.forEach((t, i) => byVat.set(t.vat, [...(byVat.get(t.vat) ?? []), i]));
	for (const indexes of byVat.values()) {
		const target = roundMoney(indexes.reduce((s, i) => s.plus(totals[i].excl), ZERO), places);
		let steps = target.minus(indexes.reduce((s, i) => s.plus(nets[i]), ZERO)).dividedBy(unit).toNumber();
		const remainder = (i: number) => totals[i].excl.minus(nets[i]);
		const order = [...indexes].sort((a, b) => (steps > 0 ? remainder(b).cmp(remainder(a)) : remainder(a).cmp(remainder(b))));
		for (const i of order) {
			if (steps === 0) break;
			nets[i] = steps > 0 ? nets[i].plus(unit) : nets[i].minus(unit);
			steps += steps > 0 ? -1 : 1;
		}
	}
	return nets;
}
