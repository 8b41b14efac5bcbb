/**
 * Streams the records of a JSON input without holding the whole input in memory:
 * - NDJSON (one JSON value a line; arrays and OCPI envelopes on a line are unwrapped),
 * - a JSON array (elements are cut out by a small structural scanner and parsed one at a time),
 * - one JSON document (an object or an OCPI envelope), parsed whole: the shape of small inputs.
 * A malformed record is yielded as an error record and reading goes on; only an input that cannot be read at all throws:
 * not JSON, truncated, empty (nothing but white space: INPUT_EMPTY), or an OCPI envelope reporting an error.
 */
import { unwrapOcpiObjects } from './ocpi-input';

export type JsonRecord =
	| { ok: true; value: unknown; index: number; line?: number }
	| { ok: false; error: string; index: number; line?: number };

export type UnreadableInputCode = 'INPUT_UNREADABLE' | 'INPUT_EMPTY' | 'INPUT_NOT_JSON' | 'INPUT_TRUNCATED' | 'OCPI_STATUS_ERROR';

export class UnreadableInputError extends Error {
	constructor(
		message: string,
		readonly code: UnreadableInputCode = 'INPUT_UNREADABLE',
	) {
		super(message);
		this.name = 'UnreadableInputError';
	}
}

type Chunks = AsyncIterable<string | Buffer>;

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

async function* textChunks(input: Chunks): AsyncGenerator<string> {
	const decoder = new TextDecoder('utf-8');
	for await (const chunk of input) {
		yield typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
	}
	const rest = decoder.decode();
	if (rest) yield rest;
}

function firstNonSpace(text: string): number {
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0xfeff) return i;
	}
	return -1;
}

function parseError(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

export async function* readJsonRecords(input: Chunks): AsyncGenerator<JsonRecord> {
	const chunks = textChunks(input);
	let head = '';
	// Manual next(): a for-await loop left with break would close the generator.
	for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
		const start = firstNonSpace(next.value);
		if (start >= 0) {
			head = next.value.slice(start);
			break;
		}
	}
	if (!head) {
		throw new UnreadableInputError(
			'The input is empty: give a JSON array of CDRs, one CDR object, an OCPI response envelope or NDJSON (one CDR per ' +
				'line). A period without CDRs is "[]".',
			'INPUT_EMPTY',
		);
	}
	const first = head.charCodeAt(0);
	if (first === OPEN_BRACKET) {
		yield* readArray(head, chunks);
		return;
	}
	if (first !== OPEN_BRACE) {
		throw new UnreadableInputError(
			`The input is not JSON: it starts with "${head.slice(0, 20)}". Give a JSON array of CDRs, one CDR object, an OCPI ` +
				'response envelope or NDJSON (one CDR per line).',
			'INPUT_NOT_JSON',
		);
	}
	// An object: NDJSON when its first line is a complete JSON value, otherwise one (pretty-printed) document.
	// Each chunk is searched once and the pieces joined once: a single record of any size is read in linear time.
	const pieces = [head];
	let before = 0; // characters in the pieces before the last one
	let newline = head.indexOf('\n');
	while (newline < 0) {
		const next = await chunks.next();
		if (next.done) break;
		before += pieces[pieces.length - 1].length;
		pieces.push(next.value);
		newline = next.value.indexOf('\n');
	}
	head = pieces.length === 1 ? head : pieces.join('');
	if (newline >= 0) newline += before;
	const firstLine = newline < 0 ? head : head.slice(0, newline);
	let firstValue: unknown;
	try {
		firstValue = JSON.parse(firstLine);
	} catch {
		yield* readDocument(head, chunks);
		return;
	}
	yield* readLines(firstValue, newline < 0 ? '' : head.slice(newline + 1), chunks);
}

async function* readLines(firstValue: unknown, rest: string, chunks: AsyncGenerator<string>): AsyncGenerator<JsonRecord> {
	let index = 0;
	let line = 1;
	function* emit(value: unknown, lineNumber: number): Generator<JsonRecord> {
		// An envelope reporting an error (OcpiEnvelopeError) stops the input: the CDRs of that response are missing.
		for (const v of unwrapOcpiObjects(value)) yield { ok: true, value: v, index: index++, line: lineNumber };
	}
	function* parseLine(text: string, lineNumber: number): Generator<JsonRecord> {
		const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
		if (firstNonSpace(trimmed) < 0) return;
		let value: unknown;
		try {
			value = JSON.parse(trimmed);
		} catch (error) {
			yield { ok: false, error: `line ${lineNumber} is not valid JSON: ${parseError(error)}`, index: index++, line: lineNumber };
			return;
		}
		yield* emit(value, lineNumber);
	}
	// The unfinished line, as the pieces of the chunks it spans: joined once when its newline arrives.
	let pieces: string[] = [];
	function* feed(text: string): Generator<JsonRecord> {
		let from = 0;
		let newline = text.indexOf('\n');
		while (newline >= 0) {
			const lineText = pieces.length === 0 ? text.slice(from, newline) : pieces.join('') + text.slice(from, newline);
			pieces = [];
			yield* parseLine(lineText, ++line);
			from = newline + 1;
			newline = text.indexOf('\n', from);
		}
		if (from < text.length) pieces.push(text.slice(from));
	}

	yield* emit(firstValue, line);
	yield* feed(rest);
	for await (const chunk of chunks) yield* feed(chunk);
	if (pieces.length > 0) yield* parseLine(pieces.join(''), ++line);
}

async function* readDocument(head: string, chunks: AsyncGenerator<string>): AsyncGenerator<JsonRecord> {
	const pieces = [head];
	for await (const chunk of chunks) pieces.push(chunk);
	let value: unknown;
	try {
		value = JSON.parse(pieces.join(''));
	} catch (error) {
		throw new UnreadableInputError(
			`The input is not valid JSON (${parseError(error)}). Give a JSON array of CDRs, one CDR object, an OCPI response ` +
				'envelope or NDJSON (one CDR per line).',
			'INPUT_NOT_JSON',
		);
	}
	const values = unwrapOcpiObjects(value);
	for (let i = 0; i < values.length; i++) yield { ok: true, value: values[i], index: i };
}

/**
 * Cuts the elements of a top-level JSON array out of the stream, one at a time. The scanner's state carries over from
 * chunk to chunk, so each character is looked at once; an element spanning chunks is kept as their pieces and joined
 * once when it ends (appending to one growing string would copy it again for every chunk).
 */
async function* readArray(head: string, chunks: AsyncGenerator<string>): AsyncGenerator<JsonRecord> {
	let text = head; // the chunk being scanned
	let pos = 1; // after '['
	let elementStart = 1; // where the current element begins in `text`
	let pieces: string[] = []; // the current element's text from earlier chunks
	let depth = 0; // nesting inside the current element
	let inString = false;
	let escaped = false;
	let index = 0;
	let closed = false;

	for (;;) {
		const length = text.length;
		while (pos < length) {
			const c = text.charCodeAt(pos);
			if (inString) {
				if (escaped) escaped = false;
				else if (c === BACKSLASH) escaped = true;
				else if (c === QUOTE) inString = false;
			} else if (c === QUOTE) {
				inString = true;
			} else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
				depth++;
			} else if (c === CLOSE_BRACE || (c === CLOSE_BRACKET && depth > 0)) {
				depth--;
			} else if (depth === 0 && (c === COMMA || c === CLOSE_BRACKET)) {
				const element = pieces.length === 0 ? text.slice(elementStart, pos) : pieces.join('') + text.slice(elementStart, pos);
				pieces = [];
				if (firstNonSpace(element) >= 0) {
					try {
						yield { ok: true, value: JSON.parse(element), index };
					} catch (error) {
						yield { ok: false, error: `array element ${index} is not valid JSON: ${parseError(error)}`, index };
					}
					index++;
				} else if (c === COMMA) {
					yield { ok: false, error: `array element ${index} is empty (two commas in a row)`, index };
					index++;
				}
				elementStart = pos + 1;
				if (c === CLOSE_BRACKET) {
					closed = true;
					break;
				}
			}
			pos++;
		}
		if (closed) break;
		if (elementStart < length) pieces.push(text.slice(elementStart));
		const next = await chunks.next();
		if (next.done) break;
		text = next.value;
		pos = 0;
		elementStart = 0;
	}
	if (!closed) {
		throw new UnreadableInputError(
			`The JSON array is truncated after ${index} element(s): the closing "]" is missing. Check that the file was ` +
				'written completely.',
			'INPUT_TRUNCATED',
		);
	}
	let trailing = text.slice(pos + 1);
	for await (const chunk of chunks) {
		trailing += chunk;
		if (trailing.length > 1024) break;
	}
	if (firstNonSpace(trailing) >= 0) {
		throw new UnreadableInputError(
			`Unexpected content after the closing "]" of the JSON array: "${trailing.trim().slice(0, 40)}".`,
			'INPUT_NOT_JSON',
		);
	}
}
