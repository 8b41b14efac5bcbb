/**
 * The official EN16931 / Factur-X validator (../shared/einvoice-validator), run once over a batch of files: one JVM
 * for all of them. Exit code 1 only means "some file has a fatal finding"; the JSON lines say which.
 */
import { execFile } from 'node:child_process';

import { EINVOICE_VALIDATOR, needsShared } from './shared-folder';

export const VALIDATOR = EINVOICE_VALIDATOR;

/** describe / it / test for tests that need the official validator: skipped, saying why, on a clone without ../shared. */
export const withValidator = () => needsShared(VALIDATOR, 'the official EN16931 / Factur-X validator tests');

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

/** Rule layers on top of EN 16931: Peppol BIS Billing 3.0, XRechnung 3.0 (compiled from their official Schematron). */
export type RuleLayer = 'peppol' | 'xrechnung';

export function validateEInvoices(files: string[], options: { rules?: RuleLayer[] } = {}): Promise<Verdict[]> {
	const rules = options.rules?.length ? ['--rules', options.rules.join(',')] : [];
	return new Promise((resolvePromise, reject) => {
		execFile(VALIDATOR, ['--json', ...rules, ...files], { maxBuffer: 512 * 1024 * 1024 }, (error, stdout, stderr) => {
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

/** The ids of a verdict's fatal findings, sorted, without repeats: what a test compares. */
export function fatalIds(verdict: Pick<Verdict, 'issues'>): string[] {
	return [...new Set(verdict.issues.filter((issue) => issue.severity === 'fatal').map((issue) => issue.id ?? '-'))].sort();
}

/** The fatal findings of a verdict, one per line: what a failing assertion prints. */
export function fatalFindings(verdict: Verdict): string {
	return verdict.issues
		.filter((issue) => issue.severity === 'fatal')
		.map((issue) => `${issue.id ?? '-'} @ ${issue.location ?? ''}: ${issue.text}`)
		.join('\n');
}
