/**
 * Where and when the charging was supplied, as the invoice states it (BG-13): the delivery date (BT-72) is the day
 * the last session ended, and the charging site is the deliver-to address (BG-15) when every CDR of the document was
 * charged at the same site and that site is not the buyer's address — a French 2026 mention ("adresse de livraison si
 * différente de celle du client"). A document with several sites names each one on its lines instead (BT-160/161),
 * since EN 16931 has one delivery address per document.
 */
import type { PricedCdr } from '../pricing';
import { alpha2Of } from './country-codes';
import type { DeliverTo, IsoDate, Period, PostalAddress } from './model';

/** The postal address of a CDR's charging site, when its CDR gives one in a country the table knows. */
export function siteAddress(p: PricedCdr): DeliverTo | undefined {
	const site = p.cdr.site;
	const countryCode = alpha2Of(p.cdr.country);
	if (!site?.address || !site.city || !countryCode) return undefined;
	const address: PostalAddress = { line1: site.address, city: site.city, postCode: site.postal_code ?? undefined, countryCode };
	return { name: site.name ?? undefined, address };
}

/** "Parking Gare de Lyon, 20 Boulevard Diderot, 75012 Paris": a site as one line of text. */
export function siteText(site: DeliverTo): string {
	const a = site.address;
	return [site.name, a.line1, [a.postCode, a.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
}

const sameAddress = (a: PostalAddress, b: PostalAddress) =>
	[a.line1, a.postCode, a.city, a.countryCode].map((v) => (v ?? '').trim().toLowerCase()).join('|') ===
	[b.line1, b.postCode, b.city, b.countryCode].map((v) => (v ?? '').trim().toLowerCase()).join('|');

/** BG-13 of a document: BT-72 always, BG-15 when all its CDRs share one site other than the buyer's address. */
export function deliveryOf(priced: readonly PricedCdr[], buyerAddress: PostalAddress): { deliveryDate?: IsoDate; deliverTo?: DeliverTo } {
	const ends = priced.map((p) => (p.cdr.end_date_time ?? p.cdr.start_date_time ?? '').slice(0, 10)).filter(Boolean).sort();
	const sites = priced.map(siteAddress);
	const first = sites[0];
	const oneSite = first && sites.every((s) => s && sameAddress(s.address, first.address));
	return {
		deliveryDate: ends[ends.length - 1],
		deliverTo: oneSite && !sameAddress(first.address, buyerAddress) ? first : undefined,
	};
}

/** The invoicing period widened to cover every line period (a session that ends after midnight on the last day). */
export function periodCovering(period: Period, lines: ReadonlyArray<{ period?: Period }>): Period {
	let { start, end } = period;
	for (const line of lines) {
		if (line.period && line.period.start < start) start = line.period.start;
		if (line.period && line.period.end > end) end = line.period.end;
	}
	return { start, end };
}
