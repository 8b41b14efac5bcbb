/**
 * Writes NDJSON lines to a stream in batches, waiting for 'drain' when the reader is slower: memory stays flat on
 * runs of any size.
 */
import type { Writable } from 'node:stream';

const BATCH_CHARS = 1 << 16;

export class NdjsonWriter {
	private pending: string[] = [];
	private pendingChars = 0;

	constructor(private readonly out: Writable) {}

	/** Resolves at once unless the batch was flushed into a full stream. */
	async write(value: unknown): Promise<void> {
		const line = JSON.stringify(value);
		this.pending.push(line);
		this.pendingChars += line.length + 1;
		if (this.pendingChars >= BATCH_CHARS) await this.flush();
	}

	async flush(): Promise<void> {
		if (this.pending.length === 0) return;
		const text = this.pending.join('\n') + '\n';
		this.pending = [];
		this.pendingChars = 0;
		if (!this.out.write(text)) {
			await new Promise<void>((resolve, reject) => {
				const onDrain = () => {
					this.out.off('error', onError);
					resolve();
				};
				const onError = (error: Error) => {
					this.out.off('drain', onDrain);
					reject(error);
				};
				this.out.once('drain', onDrain);
				this.out.once('error', onError);
			});
		}
	}
}
