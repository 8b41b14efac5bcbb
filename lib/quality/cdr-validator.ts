/**
 * The CDR quality checks a clearing house runs before pricing, as one validator per run.
 *
 * Every input gets a verdict and never an exception: structure (the OCPI 2.2.1 or 2.3.0 schema, ISO codes),
 * timestamps, sums, plausibility, credit CDRs, embedded tariffs and duplicates within the run. Checks read only fields
 * whose type is right, so a broken field yields its schema issue and not a cascade of follow-up issues. Each group of
 * checks has its own module.
 */
import { validateCdrStructure } from '../ocpi/schema';
import type { AnyCdr } from '../ocpi/types-v230';
import type { Ocpi211UpgradeOptions } from '../ocpi/v211';
import { detectOcpiVersion, upgradeCdr211 } from '../ocpi/v211';
import type { CdrVersion } from '../ocpi/version';
import { CDR_VERSIONS, DEFAULT_CDR_VERSION, cdrVersionConflict, isCdrVersion } from '../ocpi/version';
import type { CheckContext } from './check-context';
import type { QualityCheckCode, QualityThresholds, Severity } from './checks';
import { DEFAULT_THRESHOLDS, QUALITY_CHECK_BY_CODE } from './checks';
import { checkCosts } from './costs';
import { checkCredit } from './credit';
import { checkSessionOnlyDimensions, collectDimensions } from './dimensions';
import { SeenCdrs } from './duplicates';
import { checkEmbeddedTariffs } from './embedded-tariffs';
import { checkIdentifiers, schemaCode } from './identifiers';
import type { Json } from './json-values';
import { isObject } from './json-values';
import { checkPlausibility } from './plausibility';
import { checkTimestamps } from './timestamps';
import { checkVolumes } from './volumes';

export interface QualityIssue {
	code: QualityCheckCode;
	severity: Severity;
	/** JSON path of the field concerned, e.g. `$.charging_periods[2].start_date_time`. */
	path: string;
	message: string;
}

export interface QualityOptions {
	/**
	 * The OCPI version of the run's CDRs: '2.2.1' (default) or '2.3.0'. Never guessed: a CDR shaped as the other
	 * version gets CDR_OCPI_VERSION_MISMATCH. OCPI 2.1.1 CDRs are recognised by their own fields and upgraded to 2.2.1.
	 */
	ocpiVersion?: CdrVersion;
	/** Run only these checks (codes). Always-on checks (CDR_NOT_AN_OBJECT, CDR_ID_MISSING) run regardless. */
	include?: readonly string[];
	/** Skip these checks (codes). */
	exclude?: readonly string[];
	/** Override a check's default severity, e.g. `{ CDR_SESSION_TOO_SHORT: 'error' }`. */
	severities?: Readonly<Record<string, Severity>>;
	thresholds?: Partial<QualityThresholds>;
	/** A warning rejects the CDR too. */
	treatWarningsAsErrors?: boolean;
	/** Vehicle-to-grid: negative energy is expected, not an error. */
	allowNegativeEnergy?: boolean;
	/** The "now" of the future-timestamp check; default: the clock at each validation. */
	now?: Date;
	/** How OCPI 2.1.1 CDRs are completed; without it they are rejected with CDR_OCPI_211_UNMAPPABLE. */
	ocpi211?: Ocpi211UpgradeOptions;
}

export interface CdrVerdict {
	/** The CDR's id when it has one (string), else null. */
	id: string | null;
	valid: boolean;
	issues: QualityIssue[];
	/** The CDR as checked: the input, or its 2.2.1 upgrade for an OCPI 2.1.1 CDR. Absent when unreadable. */
	cdr?: AnyCdr;
}

export interface CdrValidator {
	validate(input: unknown): CdrVerdict;
	/** Number of distinct CDR keys remembered for the duplicate check. */
	readonly seenCount: number;
}

export function createCdrValidator(options: QualityOptions = {}): CdrValidator {
	const thresholds: QualityThresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
	const include = options.include ? new Set(options.include) : undefined;
	const exclude = new Set(options.exclude ?? []);
	const severities = options.severities ?? {};
	const treatWarningsAsErrors = options.treatWarningsAsErrors === true;
	const version = options.ocpiVersion ?? DEFAULT_CDR_VERSION;
	if (!isCdrVersion(version)) {
		throw new Error(`Unknown OCPI version "${String(version)}" in the validator options; use ${CDR_VERSIONS.join(' or ')}.`);
	}

	for (const code of [...(options.include ?? []), ...exclude, ...Object.keys(severities)]) {
		if (!QUALITY_CHECK_BY_CODE.has(code)) {
			throw new Error(`Unknown quality check code "${code}" in the validator options; see QUALITY_CHECKS for the list.`);
		}
	}
	const enabled = (code: QualityCheckCode): boolean =>
		QUALITY_CHECK_BY_CODE.get(code)?.alwaysOn === true || ((!include || include.has(code)) && !exclude.has(code));
	const enabledCodes = new Set<string>();
	for (const code of QUALITY_CHECK_BY_CODE.keys()) if (enabled(code as QualityCheckCode)) enabledCodes.add(code);

	const seen = new SeenCdrs();

	function validate(input: unknown): CdrVerdict {
		const issues: QualityIssue[] = [];
		const ctx: CheckContext = {
			report(code, path, message) {
				if (!enabledCodes.has(code)) return;
				const severity = severities[code] ?? QUALITY_CHECK_BY_CODE.get(code)!.severity;
				issues.push({ code, severity, path, message });
			},
			version,
			thresholds,
			allowNegativeEnergy: options.allowNegativeEnergy === true,
			fixedNow: options.now?.getTime(),
		};
		const { report } = ctx;
		const verdict = (id: string | null, cdr?: AnyCdr): CdrVerdict => ({
			id,
			valid: !issues.some((issue) => issue.severity === 'error' || treatWarningsAsErrors),
			issues,
			...(cdr ? { cdr } : {}),
		});

		if (!isObject(input)) {
			const kind = input === null ? 'null' : Array.isArray(input) ? 'an array' : `a ${typeof input}`;
			report('CDR_NOT_AN_OBJECT', '$', `The item is ${kind}, not a CDR object. Pass one OCPI CDR JSON object per item.`);
			return verdict(null);
		}
		const rawId = typeof input.id === 'string' && input.id !== '' ? input.id : null;

		let cdr: Json = input;
		if (detectOcpiVersion(input) === '2.1.1') {
			const upgrade = upgradeCdr211(input, options.ocpi211);
			for (const issue of upgrade.issues) report(issue.code, issue.path, issue.message);
			if (!upgrade.cdr) return verdict(rawId);
			cdr = upgrade.cdr as unknown as Json;
		}

		if (rawId === null) {
			const got = input.id === undefined ? 'missing' : `${JSON.stringify(input.id)} (${typeof input.id})`;
			report('CDR_ID_MISSING', '$.id', `id is ${got}: every CDR needs a non-empty string id, unique per CPO.`);
		}

		// Read in the wrong version, every price would be a schema issue: one coded issue says what to set instead.
		const conflict = cdrVersionConflict(cdr, version);
		if (conflict) {
			report('CDR_OCPI_VERSION_MISMATCH', conflict.path, conflict.message);
			return verdict(rawId);
		}

		const violations = validateCdrStructure(cdr, version);
		for (const violation of violations) {
			if (violation.path === '$.id' && rawId === null) continue;
			report(schemaCode(violation), violation.path, violation.message);
		}

		checkIdentifiers(cdr, rawId, ctx);
		checkSessionOnlyDimensions(cdr, ctx);
		const dimensions = collectDimensions(cdr);
		checkTimestamps(cdr, dimensions, ctx);
		checkVolumes(cdr, dimensions, ctx);
		checkCosts(cdr, ctx);
		checkPlausibility(cdr, dimensions, ctx);
		checkCredit(cdr, ctx);
		checkEmbeddedTariffs(
			cdr,
			violations.map((v) => v.path),
			ctx,
		);
		if (rawId !== null && enabledCodes.has('CDR_DUPLICATE')) seen.check(cdr, rawId, report);

		return verdict(rawId, cdr as unknown as AnyCdr);
	}

	return {
		validate,
		get seenCount() {
			return seen.size;
		},
	};
}
