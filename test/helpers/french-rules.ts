/**
 * The French BR-FR rules of Factur-X 1.09 (UBL), run with SaxonJS (scripts/lib/french-rules.js): the stylesheet is
 * compiled once to SEF (about 20 s, cached under node_modules/.cache), then each document takes a fraction of a second.
 */
import { existsSync } from 'node:fs';

export interface FrenchFinding {
	id: string;
	severity: 'fatal' | 'warning' | 'info';
	location: string;
	text: string;
}

interface FrenchRules {
	FR_UBL_STYLESHEET: string;
	compiledStylesheet(stylesheet?: string): string;
	checkFrenchRules(sef: string, ublXml: string): FrenchFinding[];
}

// A CommonJS script shared with `npm run validate:invoices`, which runs without a TypeScript step.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rules = require('../../scripts/lib/french-rules.js') as FrenchRules;

export const FR_UBL_STYLESHEET = rules.FR_UBL_STYLESHEET;

/** Whether ../shared carries the French stylesheets (a user's clone has no ../shared; CI has it). */
export const frenchRulesAvailable = (): boolean => existsSync(rules.FR_UBL_STYLESHEET);

/** A checker bound to the compiled stylesheet: UBL text in, failed assertions out. */
export function frenchRulesChecker(): (ublXml: string) => FrenchFinding[] {
	const sef = rules.compiledStylesheet();
	return (ublXml) => rules.checkFrenchRules(sef, ublXml);
}

/** The ids of the fatal findings, sorted, without repeats. */
export const frenchFatalIds = (findings: FrenchFinding[]): string[] =>
	[...new Set(findings.filter((f) => f.severity === 'fatal').map((f) => f.id))].sort();
