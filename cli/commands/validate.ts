import { parseArgs } from 'node:util';

import { createCdrValidator, DEFAULT_THRESHOLDS, QUALITY_CHECK_BY_CODE } from '../../lib/quality';
import type { QualityOptions, QualityThresholds, ThresholdName } from '../../lib/quality';
import type { Ocpi211UpgradeOptions } from '../../lib/ocpi/v211';
import { CDR_VERSIONS, isCdrVersion } from '../../lib/ocpi/version';
import { forEachRecord, unreadableRecordIssue } from '../record-loop';
import type { Command } from '../usage';
import { listOption, UsageError } from '../usage';

const usage = `Usage: ev-clearing validate [options] <file...>     ("-" reads stdin)

Runs the CDR quality checks and prints one line per CDR:
  {"id": "...", "valid": true|false, "issues": [{"code", "severity", "path", "message"}]}
Exit code 0 whatever the verdicts; 2 when the input cannot be read.

Options:
  --ocpi-version <v>             ${CDR_VERSIONS.join(' | ')}: the version of the CDRs (default 2.2.1); a CDR shaped as the
                                 other version gets CDR_OCPI_VERSION_MISMATCH, never a guess
  --skip <codes>                 comma-separated check codes not to run
  --only <codes>                 run only these checks
  --threshold <name>=<value>     set a threshold; repeatable. Names and defaults:
${(Object.keys(DEFAULT_THRESHOLDS) as ThresholdName[]).map((n) => `                                   ${n} = ${DEFAULT_THRESHOLDS[n]}`).join('\n')}
  --treat-warnings-as-errors     a warning rejects the CDR too
  --allow-negative-energy        vehicle-to-grid: negative energy is expected
  --now <DateTime>               the "now" of the future-timestamp check (default: the clock)
  --ocpi211 <key>=<value>,...    complete OCPI 2.1.1 CDRs: countryCode, partyId, tokenCountryCode, tokenPartyId,
                                 tokenType, tokenUidFromAuthId=true (without it 2.1.1 CDRs are rejected)`;

function checkCodes(codes: string[] | undefined, option: string): string[] | undefined {
	for (const code of codes ?? []) {
		if (!QUALITY_CHECK_BY_CODE.has(code)) {
			throw new UsageError(`--${option}: unknown check "${code}". Known checks: ${[...QUALITY_CHECK_BY_CODE.keys()].join(', ')}.`);
		}
	}
	return codes;
}

function thresholds(values: string[] | undefined): Partial<QualityThresholds> | undefined {
	if (!values?.length) return undefined;
	const out: Partial<QualityThresholds> = {};
	for (const entry of values) {
		const [name, raw] = entry.split('=');
		if (!(name in DEFAULT_THRESHOLDS)) {
			throw new UsageError(`--threshold: unknown threshold "${name}". Known: ${Object.keys(DEFAULT_THRESHOLDS).join(', ')}.`);
		}
		const value = Number(raw);
		if (raw === undefined || !Number.isFinite(value) || value < 0) {
			throw new UsageError(`--threshold ${name} expects a number >= 0, as in --threshold ${name}=${DEFAULT_THRESHOLDS[name as ThresholdName]}.`);
		}
		out[name as ThresholdName] = value;
	}
	return out;
}

function ocpi211(value: string | undefined): Ocpi211UpgradeOptions | undefined {
	if (value === undefined) return undefined;
	const known = ['countryCode', 'partyId', 'tokenCountryCode', 'tokenPartyId', 'tokenType', 'tokenUidFromAuthId'];
	const out: Record<string, string | boolean> = {};
	for (const pair of listOption(value) ?? []) {
		const [key, v] = pair.split('=');
		if (!known.includes(key) || v === undefined) {
			throw new UsageError(`--ocpi211: "${pair}" is not one of ${known.map((k) => `${k}=...`).join(', ')}.`);
		}
		out[key] = key === 'tokenUidFromAuthId' ? v === 'true' : v;
	}
	return out as Ocpi211UpgradeOptions;
}

export function qualityOptionsFromArgs(argv: string[]): { options: QualityOptions; files: string[] } {
	const { values, positionals } = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			'ocpi-version': { type: 'string' },
			skip: { type: 'string' },
			only: { type: 'string' },
			threshold: { type: 'string', multiple: true },
			'treat-warnings-as-errors': { type: 'boolean' },
			'allow-negative-energy': { type: 'boolean' },
			now: { type: 'string' },
			ocpi211: { type: 'string' },
		},
	});
	if (positionals.length === 0) throw new UsageError('give at least one file of CDRs, or "-" for stdin.');
	const version = values['ocpi-version'];
	if (version !== undefined && !isCdrVersion(version)) {
		throw new UsageError(`--ocpi-version must be one of ${CDR_VERSIONS.join(', ')}, got "${version}".`);
	}
	let now: Date | undefined;
	if (values.now !== undefined) {
		now = new Date(values.now);
		if (Number.isNaN(now.getTime())) throw new UsageError(`--now expects a DateTime such as 2026-11-01T00:00:00Z, got "${values.now}".`);
	}
	return {
		files: positionals,
		options: {
			ocpiVersion: version,
			exclude: checkCodes(listOption(values.skip), 'skip'),
			include: checkCodes(listOption(values.only), 'only'),
			thresholds: thresholds(values.threshold),
			treatWarningsAsErrors: values['treat-warnings-as-errors'],
			allowNegativeEnergy: values['allow-negative-energy'],
			now,
			ocpi211: ocpi211(values.ocpi211),
		},
	};
}

export const validateCommand: Command = {
	name: 'validate',
	summary: 'run the CDR quality checks; one verdict per CDR',
	usage,
	async run(argv) {
		const { options, files } = qualityOptionsFromArgs(argv);
		const validator = createCdrValidator(options);
		await forEachRecord(
			files,
			(record) => {
				if (!record.ok) {
					return { line: { id: null, valid: false, issues: [unreadableRecordIssue(record.error)] }, outcome: 'rejected' };
				}
				const verdict = validator.validate(record.value);
				return {
					line: { id: verdict.id, valid: verdict.valid, issues: verdict.issues },
					outcome: verdict.valid ? 'valid' : 'rejected',
				};
			},
			'validate',
		);
		return 0;
	},
};
