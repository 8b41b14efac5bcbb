/** Opens the CLI's input files ("-" is stdin) as one stream of JSON records. */
import { createReadStream, promises as fs } from 'node:fs';

import { readJsonRecords, UnreadableInputError } from '../lib/io/json-records';
import type { JsonRecord } from '../lib/io/json-records';
import { OcpiEnvelopeError } from '../lib/io/ocpi-input';

export interface SourcedRecord {
	record: JsonRecord;
	source: string;
}

async function checkReadable(file: string): Promise<void> {
	try {
		const stat = await fs.stat(file);
		if (stat.isDirectory()) throw new UnreadableInputError(`${file} is a folder; give a file of CDRs (JSON or NDJSON).`);
		if (stat.size === 0) throw emptyFile(file);
	} catch (error) {
		if (error instanceof UnreadableInputError) throw error;
		const code = (error as NodeJS.ErrnoException).code;
		throw new UnreadableInputError(
			code === 'ENOENT' ? `${file}: no such file.` : `${file} cannot be read (${code ?? String(error)}).`,
		);
	}
}

const emptyFile = (source: string) =>
	new UnreadableInputError(`${source} is empty (0 bytes): was it written completely? A period without CDRs is "[]".`, 'INPUT_EMPTY');

export async function* readInputs(files: string[]): AsyncGenerator<SourcedRecord> {
	for (const file of files) {
		if (file !== '-') await checkReadable(file);
		const stream = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 20 });
		const source = file === '-' ? 'stdin' : file;
		try {
			for await (const record of readJsonRecords(stream)) yield { record, source };
		} catch (error) {
			if (error instanceof UnreadableInputError) throw new UnreadableInputError(`${source}: ${error.message}`, error.code);
			if (error instanceof OcpiEnvelopeError) throw new UnreadableInputError(`${source}: ${error.message}`, error.code);
			throw error;
		}
	}
}

/** Every record of a run's output file (`validate`, `price` NDJSON) in memory: for outputs a report or the console reads whole. */
export async function readRecords<T>(file: string | undefined): Promise<T[]> {
	if (!file) return [];
	const out: T[] = [];
	for await (const { record } of readInputs([file])) {
		if (!record.ok) throw new UnreadableInputError(`${file}: ${record.error}`);
		out.push(record.value as T);
	}
	return out;
}

/** Reads a whole small JSON file (tariffs, configuration). */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
	await checkReadable(file);
	const text = await fs.readFile(file, 'utf8');
	try {
		return JSON.parse(text);
	} catch (error) {
		throw new UnreadableInputError(
			`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); it should hold ${what}.`,
		);
	}
}
