/**
 * The official EN16931 / Factur-X validator (../shared/einvoice-validator), run once over a batch of files: one JVM
 * for all of them. Exit code 1 only means "some file has a fatal finding"; the JSON lines say which.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

export const VALIDATOR = resolve(__dirname, '../../../shared/einvoice-validator/validate-einvoice');

export interface Finding {
	severity: 'fatal' | 'warning' | 'info';
	id?: string;
	location?: string;
	text: string;
}

export interface Verdict {
	file: string;
	valid: boolean;
	fatal: number;
	warnings: number;
	profile: string | null;
	syntax: string | null;
	issues: Finding[];
}

export function validateEInvoices(files: string[]): Promise<Verdict[]> {
	return new Promise((resolvePromise, reject) => {
		execFile(VALIDATOR, ['--json', ...files], { maxBuffer: 512 * 1024 * 1024 }, (error, stdout, stderr) => {
			const verdicts = stdout
				.split('\n')
				.filter((line) => line.startsWith('{'))
				.map((line) => JSON.parse(line) as Verdict);
			if (verdicts.length !== files.length) {
				reject(
					new Error(`validate-einvoice gave ${verdicts.length} verdicts for ${files.length} files: ${error?.message ?? ''}\n${stderr}`),
				);
			} else {
				resolvePromise(verdicts);
			}
		});
	});
}

/** The fatal findings of a verdict, one per line: what a failing assertion prints. */
export function fatalFindings(verdict: Verdict): string {
	return verdict.issues
		.filter((issue) => issue.severity === 'fatal')
		.map((issue) => `${issue.id ?? '-'} @ ${issue.location ?? ''}: ${issue.text}`)
		.join('\n');
}
