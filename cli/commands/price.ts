import { parseArgs } from 'node:util';

import { unwrapTariffs } from '../../lib/io/ocpi-input';
import type { AnyCdr, AnyTariff } from '../../lib/ocpi/types-v230';
import { CDR_VERSIONS, isCdrVersion } from '../../lib/ocpi/version';
import { createPricer, PricerOptionsError, pricedCdrToJson, ROUNDING_POLICIES, TARIFF_SOURCES } from '../../lib/pricing';
import type { PricerOptions, RoundingPolicy, TariffSource } from '../../lib/pricing';
import { qualityStamp } from '../../lib/invoice/quality-stamp';
import { createCdrValidator } from '../../lib/quality';
import { readJsonFile } from '../input';
import { forEachRecord, unreadableRecordIssue } from '../record-loop';
import type { Command } from '../usage';
import { listOption, parseNumberOption, UsageError } from '../usage';

const usage = `Usage: ev-clearing price [options] <cdrs...>     ("-" reads stdin)

Prices each CDR under its OCPI tariff and compares the result with the price the CDR declares. One line per CDR:
  {"id", "status": "match"|"mismatch"|"not_declared"|"unpriceable", "computed": {"total_cost": {"excl_vat", "incl_vat"},
   ...}, "declared": {...}|null, "deviation": {...}, "breakdown": [...], "issues": [...], ...}
Each line carries "quality": {"valid", "codes"}, the verdict of the checks \`ev-clearing validate\` runs (without the
duplicate check: \`invoice\` reports repeated CDRs itself): \`invoice\` refuses a CDR that fails them.
Amounts are decimal strings. Exit code 0 whatever the statuses; 2 when an input cannot be read.

Options:
  --ocpi-version <v>           ${CDR_VERSIONS.join(' | ')}: the version of the CDRs and tariffs (default 2.2.1); data shaped
                               as the other version is refused (OCPI_VERSION_MISMATCH), never guessed
  --tariffs <file>             the roaming agreement's tariffs: one tariff, an array, or an OCPI envelope
  --emsp-tariffs <file>        per-eMSP overrides: {"NL*ROM": tariff or [tariffs], ...}
  --source-order <list>        where a CDR's tariff comes from, first found wins (default ${TARIFF_SOURCES.join(',')})
  --time-zone <IANA>           zone of tariff restrictions for every CDR, e.g. Europe/Paris (default: from the
                               location's country when it has one zone)
  --time-zones <file>          {"<cdr_location.id>": "<IANA zone>", ...} for countries with several zones
  --tolerance <amount>         absolute tolerance of the cross-check, currency units (default 0.01)
  --relative-tolerance <frac>  relative tolerance, e.g. 0.001 for 0.1 % (default: not used)
  --rounding <policy>          ${ROUNDING_POLICIES.join(' | ')} (default full_precision; see docs/pricing-choices.md)`;

function tariffsOf(value: unknown, file: string): AnyTariff[] {
	try {
		return unwrapTariffs(value, file);
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
}

export async function pricerOptionsFromArgs(values: Record<string, string | undefined>): Promise<PricerOptions> {
	const rounding = values.rounding as RoundingPolicy | undefined;
	if (rounding !== undefined && !ROUNDING_POLICIES.includes(rounding)) {
		throw new UsageError(`--rounding must be one of ${ROUNDING_POLICIES.join(', ')}, got "${rounding}".`);
	}
	const version = values['ocpi-version'];
	if (version !== undefined && !isCdrVersion(version)) {
		throw new UsageError(`--ocpi-version must be one of ${CDR_VERSIONS.join(', ')}, got "${version}".`);
	}
	const order = listOption(values['source-order']) as TariffSource[] | undefined;
	for (const source of order ?? []) {
		if (!TARIFF_SOURCES.includes(source)) {
			throw new UsageError(`--source-order: unknown source "${source}"; use ${TARIFF_SOURCES.join(', ')}.`);
		}
	}
	const tariffs = values.tariffs ? tariffsOf(await readJsonFile(values.tariffs, 'OCPI tariffs'), values.tariffs) : undefined;
	const byEmsp = values['emsp-tariffs']
		? ((await readJsonFile(values['emsp-tariffs'], 'per-eMSP tariffs')) as PricerOptions['tariffsByEmsp'])
		: undefined;
	const zones = values['time-zones']
		? ((await readJsonFile(values['time-zones'], 'a map of location ids to IANA zones')) as Record<string, string>)
		: undefined;
	return {
		ocpiVersion: version,
		tariffs,
		tariffsByEmsp: byEmsp,
		sourceOrder: order,
		timeZone: values['time-zone'],
		timeZonesByLocation: zones,
		tolerance: {
			absolute: parseNumberOption('tolerance', values.tolerance),
			relative: parseNumberOption('relative-tolerance', values['relative-tolerance']),
		},
		rounding,
	};
}

export const priceCommand: Command = {
	name: 'price',
	summary: 'price CDRs under their tariff and cross-check the declared price',
	usage,
	async run(argv) {
		const { values, positionals } = parseArgs({
			args: argv,
			allowPositionals: true,
			options: {
				'ocpi-version': { type: 'string' },
				tariffs: { type: 'string' },
				'emsp-tariffs': { type: 'string' },
				'source-order': { type: 'string' },
				'time-zone': { type: 'string' },
				'time-zones': { type: 'string' },
				tolerance: { type: 'string' },
				'relative-tolerance': { type: 'string' },
				rounding: { type: 'string' },
			},
		});
		if (positionals.length === 0) throw new UsageError('give at least one file of CDRs, or "-" for stdin.');
		let pricer;
		try {
			pricer = createPricer(await pricerOptionsFromArgs(values));
		} catch (error) {
			if (error instanceof PricerOptionsError) throw new UsageError(error.message);
			throw error;
		}
		const rounding = values.rounding ?? 'full_precision';
		// The quality verdict travels with the price, so the invoice step never numbers a CDR \`validate\` rejects (issue
		// 13.2). Duplicates are left to the invoice step (already_invoiced / CDR_REPEATED): remembering every key here
		// would make memory grow with the month.
		const validator = createCdrValidator({ ocpiVersion: values['ocpi-version'] as '2.2.1' | undefined, exclude: ['CDR_DUPLICATE'] });
		const unpriceable = (id: unknown, issue: { code: string; severity: 'error'; path: string; message: string }) => ({
			line: {
				id: typeof id === 'string' ? id : null,
				status: 'unpriceable',
				computed: null,
				declared: null,
				deviation: {},
				breakdown: [],
				issues: [issue],
				rounding,
			},
			outcome: 'unpriceable',
		});
		await forEachRecord(
			positionals,
			(record) => {
				if (!record.ok) return unpriceable(null, unreadableRecordIssue(record.error));
				const value = record.value;
				if (typeof value !== 'object' || value === null || Array.isArray(value)) {
					return unpriceable(null, {
						code: 'CDR_NOT_AN_OBJECT',
						severity: 'error',
						path: '$',
						message: `Record ${record.index + 1} is not a CDR object.`,
					});
				}
				const priced = pricer.price(value as AnyCdr);
				priced.quality = qualityStamp(validator.validate(value));
				return { line: pricedCdrToJson(priced), outcome: priced.status };
			},
			'price',
		);
		return 0;
	},
};
