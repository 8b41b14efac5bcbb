/**
 * Batch mode of the per-CDR nodes: a month of CDRs travels as one file (an n8n binary or a path on disk), read as a
 * stream, and each output is an NDJSON file with one summary item. n8n's run data then holds a few items per batch,
 * whatever the month, and the files stay on disk (n8n 2.x keeps binaries in its filesystem store by default).
 */
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';

import { NodeOperationError } from 'n8n-workflow';
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { readJsonRecords } from '../../lib/io/json-records';
import type { JsonRecord } from '../../lib/io/json-records';
import { NdjsonWriter } from '../../lib/io/ndjson-writer';

export type InputMode = 'items' | 'file';
export type BatchSource = 'binary' | 'path';

import { BATCH_SUMMARY_KIND } from '../../lib/report/batch-counts';

/** The kind every batch summary item carries, so a report or a Code node can tell it from a CDR. */
export { BATCH_SUMMARY_KIND };

export const inputModeProperty: INodeProperties = {
	displayName: 'Input',
	name: 'input',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'One Item per CDR',
			value: 'items',
			description: 'Each item is a CDR (or holds CDRs): for webhooks and small runs',
		},
		{
			name: 'NDJSON/JSON File (Batch)',
			value: 'file',
			description:
				'Each item brings a file of CDRs (JSON array, OCPI envelope or NDJSON), read as a stream; the outputs are NDJSON files with one summary item each. For a month of 100,000+ CDRs.',
		},
	],
	default: 'items',
	description: 'How the CDRs arrive. Use the file mode for a whole month: one item per file, never one item per CDR.',
};

export const batchSourceProperties: INodeProperties[] = [
	{
		displayName: 'File From',
		name: 'batchSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Binary Property of the Item', value: 'binary', description: 'E.g. the output of Read/Write Files from Disk' },
			{ name: 'Path on Disk', value: 'path', description: 'A file n8n may read (N8N_RESTRICT_FILE_ACCESS_TO)' },
		],
		default: 'binary',
		description: 'Where the file of CDRs comes from: a file attached to the incoming item, or a path on the n8n server',
		displayOptions: { show: { input: ['file'] } },
	},
	{
		displayName: 'Input Binary Property',
		name: 'binaryProperty',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary property holding the CDR file',
		displayOptions: { show: { input: ['file'], batchSource: ['binary'] } },
	},
	{
		displayName: 'File Path',
		name: 'filePath',
		type: 'string',
		default: '',
		required: true,
		placeholder: '/data/cdrs/2026-11.ndjson',
		description: 'Full path of the CDR file',
		displayOptions: { show: { input: ['file'], batchSource: ['path'] } },
	},
];

export const outputFolderProperty: INodeProperties = {
	displayName: 'Output Folder',
	name: 'outputFolder',
	type: 'string',
	default: '',
	placeholder: '/data/clearing/2026-11',
	description:
		'Folder where the NDJSON output files are written (n8n must be allowed to write there: N8N_RESTRICT_FILE_ACCESS_TO); each summary item then gives the file\'s path, for the next node\'s "Path on Disk". Empty: the files travel as binary property "data" of the summary items.',
	displayOptions: { show: { input: ['file'] } },
};

/** The batch-mode properties every per-CDR node shows first: the input mode, where the file is, where outputs go. */
export const batchProperties: INodeProperties[] = [inputModeProperty, ...batchSourceProperties, outputFolderProperty];

/** The node's per-item properties, shown only in "One Item per CDR" mode. */
export function itemModeOnly(properties: INodeProperties[]): INodeProperties[] {
	return properties.map((p) => ({
		...p,
		displayOptions: { ...p.displayOptions, show: { ...(p.displayOptions?.show ?? {}), input: ['items'] } },
	}));
}

export function inputMode(context: IExecuteFunctions): InputMode {
	return context.getNodeParameter('input', 0, 'items') as InputMode;
}

export interface BatchInput {
	/** The file's name without its extension: output files are named after it. */
	baseName: string;
	stream: Readable | Buffer;
	/** The summary of an earlier step's output without lines (e.g. no valid CDR): nothing to read. */
	empty?: boolean;
}

function baseNameOf(fileName: string | undefined): string {
	const name = (fileName ?? 'cdrs').split(/[\\/]/).pop() || 'cdrs';
	return name.replace(/\.(nd)?json$/i, '').replace(/\.(valid|priced|rejected|deviating|unpriceable)$/i, '') || 'cdrs';
}

/** Opens the CDR file of one item, as a stream when n8n stores the binary on disk (its default in 2.x). */
export async function openBatchInput(context: IExecuteFunctions, itemIndex: number): Promise<BatchInput> {
	const json = context.getInputData()[itemIndex].json;
	if (json.kind === BATCH_SUMMARY_KIND && json.lines === 0) {
		return { baseName: typeof json.source === 'string' ? json.source : 'cdrs', stream: Buffer.alloc(0), empty: true };
	}
	const source = context.getNodeParameter('batchSource', itemIndex, 'binary') as BatchSource;
	if (source === 'path') {
		const filePath = (context.getNodeParameter('filePath', itemIndex, '') as string).trim();
		if (!filePath) {
			throw new NodeOperationError(context.getNode(), 'File Path is empty: give the full path of the CDR file.', { itemIndex });
		}
		const resolved = await context.helpers.resolvePath(filePath);
		if (context.helpers.isFilePathBlocked(resolved)) {
			throw new NodeOperationError(
				context.getNode(),
				`n8n may not read "${filePath}": add its folder to N8N_RESTRICT_FILE_ACCESS_TO, or read it with Read/Write Files from Disk and use the binary.`,
				{ itemIndex },
			);
		}
		return { baseName: baseNameOf(filePath), stream: await context.helpers.createReadStream(resolved) };
	}
	const property = context.getNodeParameter('binaryProperty', itemIndex, 'data') as string;
	const binary = context.helpers.assertBinaryData(itemIndex, property);
	const stream = binary.id
		? await context.helpers.getBinaryStream(binary.id, 1 << 20)
		: Buffer.from(binary.data, 'base64');
	return { baseName: baseNameOf(binary.fileName), stream };
}

/** A folder n8n may write to, created when missing; its resolved path. */
export async function writableFolder(context: IExecuteFunctions, folder: string, parameter: string): Promise<string> {
	// n8n resolves real paths: the nearest existing ancestor is resolved, and the missing rest appended to it.
	let existing = resolve(folder);
	const missing: string[] = [];
	while (!(await fs.stat(existing).then(() => true, () => false)) && dirname(existing) !== existing) {
		missing.unshift(basename(existing));
		existing = dirname(existing);
	}
	const resolved = join(await context.helpers.resolvePath(existing), ...missing) as Awaited<ReturnType<typeof context.helpers.resolvePath>>;
	if (context.helpers.isFilePathBlocked(resolved)) {
		throw new NodeOperationError(
			context.getNode(),
			`n8n may not write to "${folder}": add it to N8N_RESTRICT_FILE_ACCESS_TO, or empty ${parameter}.`,
		);
	}
	await fs.mkdir(resolved, { recursive: true });
	return resolved;
}

/** The records of the item's CDR file: a malformed record is an error record, never the end of the run. */
export async function* batchRecords(input: BatchInput): AsyncGenerator<JsonRecord> {
	if (input.empty) return;
	const chunks: AsyncIterable<Buffer> =
		input.stream instanceof Buffer
			? (async function* (buffer: Buffer) {
					yield buffer;
				})(input.stream)
			: (input.stream as AsyncIterable<Buffer>);
	yield* readJsonRecords(chunks);
}

/**
 * One NDJSON output being written: lines go to a temporary file, handed to n8n's binary store as a stream at the end,
 * so a file of any size never sits in memory.
 */
export class NdjsonFileOutput {
	lines = 0;
	private readonly out;
	private readonly writer;

	constructor(
		readonly path: string,
		readonly fileName: string,
	) {
		this.out = createWriteStream(path);
		this.writer = new NdjsonWriter(this.out);
	}

	async write(value: unknown): Promise<void> {
		this.lines++;
		await this.writer.write(value);
	}

	async close(): Promise<void> {
		await this.writer.flush();
		await new Promise<void>((resolve, reject) => {
			this.out.once('error', reject);
			this.out.end(() => resolve());
		});
	}
}

/**
 * The output files of one batch: in the node's Output Folder (kept, named by path in the summaries), or temporary
 * ones that `toBinary` moves into n8n's binary store and `dispose` removes.
 */
export class BatchFiles {
	private constructor(
		private readonly dir: string,
		readonly kept: boolean,
	) {}

	static async create(context: IExecuteFunctions, itemIndex: number): Promise<BatchFiles> {
		const folder = (context.getNodeParameter('outputFolder', itemIndex, '') as string).trim();
		if (!folder) return new BatchFiles(await fs.mkdtemp(join(tmpdir(), 'ev-clearing-batch-')), false);
		return new BatchFiles(await writableFolder(context, folder, 'Output Folder'), true);
	}

	pathOf(output: NdjsonFileOutput): string {
		return output.path;
	}

	output(fileName: string): NdjsonFileOutput {
		return new NdjsonFileOutput(join(this.dir, fileName), fileName);
	}

	async toBinary(context: IExecuteFunctions, output: NdjsonFileOutput): Promise<IBinaryData> {
		return await context.helpers.prepareBinaryData(createReadStream(output.path), output.fileName, 'application/x-ndjson');
	}

	async dispose(): Promise<void> {
		if (!this.kept) await fs.rm(this.dir, { recursive: true, force: true });
	}
}

/** Counts by key (issue codes, statuses), kept sorted so summaries read the same run after run. */
export class Tally {
	private readonly counts = new Map<string, number>();

	add(key: string, n = 1): void {
		this.counts.set(key, (this.counts.get(key) ?? 0) + n);
	}

	toJSON(): Record<string, number> {
		return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
	}
}

/** A summary item of a batch output, its NDJSON file as the binary property "data" when the file has lines. */
export async function summaryItem(
	context: IExecuteFunctions,
	files: BatchFiles,
	json: IDataObject,
	output: NdjsonFileOutput | undefined,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const item: INodeExecutionData = { json: { kind: BATCH_SUMMARY_KIND, ...json }, pairedItem: { item: itemIndex } };
	if (output && output.lines > 0) {
		if (files.kept) item.json.path = files.pathOf(output);
		else item.binary = { data: await files.toBinary(context, output) };
	}
	return item;
}

/** The issue of a record that is not JSON: that line is rejected, the batch goes on. */
export function unreadableLineIssue(error: string) {
	return { code: 'CDR_NOT_JSON', severity: 'error' as const, path: '$', message: error };
}

/** One output file of a batch step, and the node output its summary item goes to. */
export interface BatchOutputSpec {
	/** e.g. "valid": the count's key in the summary and the file's suffix (<source>.valid.ndjson) */
	name: string;
	nodeOutput: number;
}

/** What a step makes of one record: the output it goes to, its NDJSON line, the codes it counts under. */
export interface BatchRouting {
	output: number;
	line: unknown;
	codes?: readonly string[];
}

export interface BatchStep {
	/** e.g. "validate": named in every summary item */
	step: string;
	outputs: readonly BatchOutputSpec[];
	/** How many outputs the node has. */
	nodeOutputs: number;
	/** `itemIndex`: the input item whose file the record comes from. */
	handle(record: JsonRecord, itemIndex: number): BatchRouting;
}

/**
 * Runs a per-record step over the file of each input item. Each output gets one summary item per input file (the
 * first output always, the others when they have lines), carrying the counts of every output and the issue codes, so
 * each branch of the workflow sees what the whole batch did. A file that cannot be read at all fails its item.
 */
export async function runBatchStep(context: IExecuteFunctions, step: BatchStep): Promise<INodeExecutionData[][]> {
	const result: INodeExecutionData[][] = Array.from({ length: step.nodeOutputs }, () => []);
	const items = context.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const files = await BatchFiles.create(context, itemIndex);
		try {
			const input = await openBatchInput(context, itemIndex);
			const outputs = step.outputs.map((o) => files.output(`${input.baseName}.${o.name}.ndjson`));
			const codes = new Tally();
			let read = 0;
			const started = Date.now();
			try {
				for await (const record of batchRecords(input)) {
					read++;
					const routed = step.handle(record, itemIndex);
					for (const code of routed.codes ?? []) codes.add(code);
					await outputs[routed.output].write(routed.line);
				}
			} finally {
				for (const output of outputs) await output.close();
			}
			const counts = Object.fromEntries(step.outputs.map((o, i) => [o.name, outputs[i].lines]));
			const common = { step: step.step, source: input.baseName, read, counts, codes: codes.toJSON(), seconds: (Date.now() - started) / 1000 };
			for (let i = 0; i < outputs.length; i++) {
				if (i > 0 && outputs[i].lines === 0) continue;
				const json = { ...common, output: step.outputs[i].name, lines: outputs[i].lines, file: outputs[i].lines > 0 ? outputs[i].fileName : null };
				result[step.outputs[i].nodeOutput].push(await summaryItem(context, files, json, outputs[i], itemIndex));
			}
		} catch (error) {
			const code = (error as { code?: unknown }).code;
			const message = (error as Error).message;
			if (!context.continueOnFail()) throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
			result[step.nodeOutputs - 1].push({
				json: { kind: BATCH_SUMMARY_KIND, step: step.step, error: { code: typeof code === 'string' ? code : 'BATCH_FAILED', message } },
				pairedItem: { item: itemIndex },
			});
		} finally {
			await files.dispose();
		}
	}
	return result;
}
