/**
 * Invoice numbers from a configurable pattern, e.g. `{series}-{yyyy}-{seq:6}` → `INV-2025-000042`.
 *
 * French rule (CGI art. 242 nonies A, and the e-invoicing reform's BT-1 constraint): at most 35 characters of
 * `A-Z a-z 0-9 + - _ /`. The ledger allocates the sequence; this module only turns (series, sequence, issue date) into
 * the string, and rejects patterns and results that break the rule with an error naming what to change.
 */

import { normalizeReference } from './creditor-reference';

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

/** One character position of a number's RF body: the characters it may hold; `repeat` for the open end of {seq}. */
interface BodyPosition {
	chars: string;
	repeat?: true;
}

const DIGITS = '0123456789';

/**
 * The RF bodies (normalizeReference) the numbers of a series can have, as character positions. Dates are read as
 * they occur (years 2000-2099, months 0x-1x, days 0x-3x); {seq:N} is N digits or more, {seq} does not start with 0.
 */
function referenceBodyPositions(pattern: string, series: string): BodyPosition[] {
	const fixed = (text: string) => [...normalizeReference(text)].map((chars) => ({ chars }));
	return parsePattern(pattern).flatMap((segment): BodyPosition[] => {
		if ('literal' in segment) return fixed(segment.literal);
		if ('seqWidth' in segment) {
			// Unpadded, a sequence starts with 1-9; padded, it may start with 0 (read as such even past N digits: this
			// can only refuse a configuration too many, never accept one too many).
			const first = segment.seqWidth === 1 ? '123456789' : DIGITS;
			return [{ chars: first }, ...Array<BodyPosition>(segment.seqWidth - 1).fill({ chars: DIGITS }), { chars: DIGITS, repeat: true }];
		}
		switch (segment.token) {
			case 'series':
				return fixed(series);
			case 'yyyy':
				return [{ chars: '2' }, { chars: '0' }, { chars: DIGITS }, { chars: DIGITS }];
			case 'yy':
				return [{ chars: DIGITS }, { chars: DIGITS }];
			case 'mm':
				return [{ chars: '01' }, { chars: DIGITS }];
			case 'dd':
				return [{ chars: '0123' }, { chars: DIGITS }];
		}
	});
}

/**
 * An RF body that a number of `seriesA` and a number of `seriesB` can both have under `pattern`, or undefined when
 * none can: their creditor references would then never collide. (A walk over the pairs of positions of the two bodies,
 * character by character; a handful of states.)
 */
export function sharedReferenceBody(pattern: string, seriesA: string, seriesB: string): string | undefined {
	const a = referenceBodyPositions(pattern, seriesA);
	const b = referenceBodyPositions(pattern, seriesB);
	// Positions reachable without reading a character: an open {seq} end may read nothing more.
	const closure = (body: BodyPosition[], i: number): number[] => (i < body.length && body[i].repeat ? [i, ...closure(body, i + 1)] : [i]);
	const step = (body: BodyPosition[], i: number, char: string): number[] =>
		i < body.length && body[i].chars.includes(char) ? (body[i].repeat ? closure(body, i) : closure(body, i + 1)) : [];
	const seen = new Map<string, string>();
	let frontier: [number, number, string][] = [];
	for (const i of closure(a, 0)) for (const j of closure(b, 0)) frontier.push([i, j, '']);
	while (frontier.length > 0) {
		const next: [number, number, string][] = [];
		for (const [i, j, text] of frontier) {
			if (i === a.length && j === b.length) return text;
			const key = `${i},${j}`;
			if (seen.has(key)) continue;
			seen.set(key, text);
			for (const char of new Set(i < a.length ? a[i].chars : '')) {
				for (const i2 of step(a, i, char)) for (const j2 of step(b, j, char)) next.push([i2, j2, text + char]);
			}
		}
		frontier = next;
	}
	return undefined;
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
