/**
 * The CDR-level detail of an aggregated invoice (issue 12.2): a CSV supporting document (BG-24), one row per CDR,
 * embedded in the Factur-X PDF and in the CII / UBL files. RFC 4180: comma-separated, CRLF, fields quoted when they hold
 * a comma, a quote or a line break. Amounts are the CDR's exact amounts excl. VAT as priced (full precision, the sign of
 * the document: positive on a credit note); each invoice line's net amount is the sum of its CDRs' amounts rounded once.
 */
import type { PricedCdr } from '../pricing';
import { siteAddress, siteText } from './delivery';

export const CDR_CSV_COLUMNS = [
	'cdr_id',
	'country_code',
	'party_id',
	'start_date_time',
	'end_date_time',
	'evse_id',
	'contract_id',
	'site',
	'energy_kwh',
	'charging_time_h',
	'parking_time_h',
	'tariff_ids',
	'currency',
	'amount_excl_vat',
] as const;

const field = (value: string | null | undefined): string => {
	const v = value ?? '';
	return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
};

export const CDR_CSV_HEADER = `${CDR_CSV_COLUMNS.join(',')}\r\n`;

/** The CSV row of one CDR (with its CRLF); `sign` -1 on a credit note. */
export function cdrCsvRow(p: PricedCdr, sign: 1 | -1): string {
	const site = siteAddress(p);
	const amount = p.computed ? p.computed.total_cost.excl_vat.times(sign).toFixed() : '';
	return `${[
		p.id,
		p.country_code,
		p.party_id,
		p.cdr.start_date_time,
		p.cdr.end_date_time,
		p.cdr.evse_id,
		p.cdr.contract_id,
		site ? siteText(site) : null,
		p.billed?.energy_kwh.toFixed(),
		p.billed?.time_h.toFixed(),
		p.billed?.parking_h.toFixed(),
		p.tariff_ids.join(' '),
		p.currency,
		amount,
	]
		.map(field)
		.join(',')}\r\n`;
}

/**
 * The file name of a document's CDR list: "cdrs-<number>.csv" ('/' of a number becomes '_'). It starts with a
 * lower-case letter before "f" so that it sorts before "factur-x.xml" both as pdfkit orders a PDF's EmbeddedFiles name
 * tree (localeCompare) and as readers search it (byte order): "INV-…" would sort after it for one and before for the
 * other, and qpdf would not find factur-x.xml.
 */
export function cdrCsvFileName(number: string): string {
	return `cdrs-${number.replace(/[^A-Za-z0-9+\-_]/g, '_')}.csv`;
}
