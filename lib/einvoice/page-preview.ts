/**
 * A PNG of an invoice PDF's first page, for eyes: n8n 2.41's editor previews images but not PDFs (its viewable MIME
 * types leave application/pdf out), so Build Invoice can attach this picture beside the Factur-X file when asked.
 * Drawn by poppler's `pdftoppm`, found on the PATH of the server: no PDF rasteriser is bundled. Without it the preview
 * is refused with PAGE_PREVIEW_UNAVAILABLE, and the invoice itself is unaffected.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export class PagePreviewError extends Error {
	readonly code = 'PAGE_PREVIEW_UNAVAILABLE';
}

/** Page 1 at `dpi` (default 60: a readable thumbnail of about 500 × 700 px for A4). */
export async function firstPagePng(pdf: Buffer, options: { dpi?: number; timeoutMs?: number } = {}): Promise<Buffer> {
	const dir = await mkdtemp(path.join(tmpdir(), 'ev-clearing-preview-'));
	try {
		const input = path.join(dir, 'invoice.pdf');
		await writeFile(input, pdf);
		await new Promise<void>((resolve, reject) => {
			execFile(
				'pdftoppm',
				['-png', '-r', String(options.dpi ?? 60), '-f', '1', '-l', '1', '-singlefile', input, path.join(dir, 'page')],
				{ timeout: options.timeoutMs ?? 20_000 },
				(error) => {
					if (!error) return resolve();
					const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
					reject(
						new PagePreviewError(
							missing
								? 'pdftoppm is not installed on the n8n server: install poppler-utils (apt-get install poppler-utils) for page previews, or turn Page Preview off.'
								: `pdftoppm could not draw the first page: ${error.message}`,
						),
					);
				},
			);
		});
		return await readFile(path.join(dir, 'page.png'));
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}
