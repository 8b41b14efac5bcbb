/**
 * Invoice numbers from a configurable pattern, e.g. `{series}-{yyyy}-{seq:6}` → `INV-2025-000042`.
 *
 * French rule (CGI art. 242 nonies A, and the e-invoicing reform's BT-1 constraint): at most 35 characters of
 * `A-Z a-z 0-9 + - _ /`. The ledger allocates the sequence; this module only turns (series, sequence, issue date) into
 * the string, and rejects patterns and results that break the rule with an error naming what to change.
 */

export const INVOICE_NUMBER_MAX_LENGTH = 35;
const INVOICE_NUMBER_CHARACTERS = /^[A-Za-z0-9+\-_/]+$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export type InvoiceNumberErrorCode =
	| 'INVOICE_NUMBER_EMPTY'
	| 'INVOICE_NUMBER_TOO_LONG'
	| 'INVOICE_NUMBER_INVALID_CHARACTERS'
	| 'NUMBER_PATTERN_UNKNOWN_TOKEN'
	| 'NUMBER_PATTERN_WITHOUT_SEQUENCE'
	| 'NUMBER_PATTERN_INVALID_CHARACTERS'
	| 'INVOICE_SERIES_INVALID'
	| 'ISSUE_DATE_INVALID';

export class InvoiceNumberError extends Error {
	readonly code: InvoiceNumberErrorCode;
	readonly field: string;

	constructor(code: InvoiceNumberErrorCode, field: string, message: string) {
		super(message);
		this.name = 'InvoiceNumberError';
		this.code = code;
		this.field = field;
	}
}

/** What a number is made of: the ledger supplies `sequence` (1, 2, 3… per series, gap-free). */
export interface InvoiceNumberParts {
	series: string;
	sequence: number;
	/** BT-2, `YYYY-MM-DD`. */
	issueDate: string;
}

export type InvoiceNumberFormatter = (parts: InvoiceNumberParts) => string;

/** Throws InvoiceNumberError unless `value` is a valid invoice number (BT-1) under the French rule. */
export function assertValidInvoiceNumber(value: string, field = 'invoiceNumber'): void {
	if (value.length === 0) {
		throw new InvoiceNumberError('INVOICE_NUMBER_EMPTY', field, `${field} is empty: an invoice needs a number.`);
	}
	if (value.length > INVOICE_NUMBER_MAX_LENGTH) {
		throw new InvoiceNumberError(
			'INVOICE_NUMBER_TOO_LONG',
			field,
			`${field} "${value}" has ${value.length} characters; at most ${INVOICE_NUMBER_MAX_LENGTH} are allowed. ` +
				'Shorten the series or the number pattern (e.g. fewer sequence digits, {yy} instead of {yyyy}).',
		);
	}
	if (!INVOICE_NUMBER_CHARACTERS.test(value)) {
		throw new InvoiceNumberError(
			'INVOICE_NUMBER_INVALID_CHARACTERS',
			field,
			`${field} "${value}" contains characters other than A-Z a-z 0-9 + - _ /. ` +
				'Remove spaces, dots and accents from the series and the number pattern.',
		);
	}
}

/** The series name goes into numbers and keys the counter: same charset as numbers, and non-empty. */
export function assertValidSeries(series: string, field = 'series'): void {
	if (series.length === 0 || series.length > INVOICE_NUMBER_MAX_LENGTH || !INVOICE_NUMBER_CHARACTERS.test(series)) {
		throw new InvoiceNumberError(
			'INVOICE_SERIES_INVALID',
			field,
			`${field} "${series}" must be 1 to ${INVOICE_NUMBER_MAX_LENGTH} characters of A-Z a-z 0-9 + - _ /.`,
		);
	}
}

/** Throws unless `value` is a real calendar date written `YYYY-MM-DD`. */
export function assertIsoDate(value: string, field: string): void {
	const match = ISO_DATE.exec(value);
	const valid =
		match !== null &&
		(() => {
			const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
			return date.toISOString().slice(0, 10) === value;
		})();
	if (!valid) {
		throw new InvoiceNumberError('ISSUE_DATE_INVALID', field, `${field} "${value}" is not a calendar date YYYY-MM-DD.`);
	}
}

type Segment = { literal: string } | { token: 'series' | 'yyyy' | 'yy' | 'mm' | 'dd' } | { seqWidth: number };

const TOKEN = /\{([a-z]+)(?::(\d{1,2}))?\}/g;
const DATE_AND_SERIES_TOKENS = new Set(['series', 'yyyy', 'yy', 'mm', 'dd']);

function parsePattern(pattern: string): Segment[] {
	const segments: Segment[] = [];
	let last = 0;
	for (const match of pattern.matchAll(TOKEN)) {
		if (match.index > last) segments.push({ literal: pattern.slice(last, match.index) });
		const [text, name, width] = match;
		if (name === 'seq') segments.push({ seqWidth: width === undefined ? 1 : Number(width) });
		else if (width === undefined && DATE_AND_SERIES_TOKENS.has(name)) {
			segments.push({ token: name as 'series' | 'yyyy' | 'yy' | 'mm' | 'dd' });
		}
		else {
			throw new InvoiceNumberError(
				'NUMBER_PATTERN_UNKNOWN_TOKEN',
				'numberPattern',
				`numberPattern "${pattern}" has the unknown token ${text}. ` +
					'Known tokens: {series}, {yyyy}, {yy}, {mm}, {dd}, {seq} and {seq:N} (zero-padded to N digits).',
			);
		}
		last = match.index + text.length;
	}
	if (last < pattern.length) segments.push({ literal: pattern.slice(last) });
	for (const segment of segments) {
		if ('literal' in segment && !INVOICE_NUMBER_CHARACTERS.test(segment.literal)) {
			throw new InvoiceNumberError(
				'NUMBER_PATTERN_INVALID_CHARACTERS',
				'numberPattern',
				`numberPattern "${pattern}" contains "${segment.literal}": outside tokens only A-Z a-z 0-9 + - _ / are ` +
					'allowed in invoice numbers (check the braces of the tokens too).',
			);
		}
	}
	if (!segments.some((segment) => 'seqWidth' in segment)) {
		throw new InvoiceNumberError(
			'NUMBER_PATTERN_WITHOUT_SEQUENCE',
			'numberPattern',
			`numberPattern "${pattern}" has no {seq} token: numbers would repeat. Add {seq} or {seq:6}.`,
		);
	}
	return segments;
}

/**
 * Compiles a number pattern once (errors in the pattern surface at configuration time) into a formatter. Every
 * formatted number is checked: a long series can still push a number past 35 characters.
 */
export function invoiceNumberFormatter(pattern: string): InvoiceNumberFormatter {
	const segments = parsePattern(pattern);
	return ({ series, sequence, issueDate }) => {
		assertValidSeries(series);
		assertIsoDate(issueDate, 'issueDate');
		if (!Number.isSafeInteger(sequence) || sequence < 1) {
			throw new RangeError(`sequence ${sequence} must be a positive integer`);
		}
		const number = segments
			.map((segment) => {
				if ('literal' in segment) return segment.literal;
				if ('seqWidth' in segment) return String(sequence).padStart(segment.seqWidth, '0');
				switch (segment.token) {
					case 'series':
						return series;
					case 'yyyy':
						return issueDate.slice(0, 4);
					case 'yy':
						return issueDate.slice(2, 4);
					case 'mm':
						return issueDate.slice(5, 7);
					case 'dd':
						return issueDate.slice(8, 10);
				}
			})
			.join('');
		assertValidInvoiceNumber(number);
		return number;
	};
}
