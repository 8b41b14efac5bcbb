/**
 * Which tariff prices a CDR. Sources, in the run's order (default: the CDR's own `tariffs[]`, the run's tariff set,
 * the per-eMSP override). Within a source a tariff is found by the periods' `tariff_id` (and the CDR's party), else
 * it is the only one valid at session start. Finding none is a result with a reason, never a throw.
 */
import type { AnyCdr, AnyTariff } from '../ocpi/types-v230';
import type { CdrVersion } from '../ocpi/version';
import { DEFAULT_CDR_VERSION } from '../ocpi/version';
import type { NormalizedTariff } from '../tariff/tariff';
import { TariffDefinitionError, normalizeTariff } from '../tariff/tariff';
import type { PricingIssue } from './priced-cdr';

export type TariffSource = 'cdr' | 'run' | 'emsp_override';
export const TARIFF_SOURCES: readonly TariffSource[] = ['cdr', 'run', 'emsp_override'];

interface Entry {
	tariff: AnyTariff;
	normalized: NormalizedTariff | null;
	error: TariffDefinitionError | null;
}

function entryOf(tariff: AnyTariff, version: CdrVersion): Entry {
	try {
		return { tariff, normalized: normalizeTariff(tariff, version), error: null };
	} catch (error) {
		if (error instanceof TariffDefinitionError) return { tariff, normalized: null, error };
		throw error;
	}
}

export type Selection =
	| { kind: 'found'; tariff: NormalizedTariff; source: TariffSource; issues: PricingIssue[] }
	| { kind: 'none'; issues: PricingIssue[] };

const upper = (v: string | undefined | null): string => (typeof v === 'string' ? v.toUpperCase() : '');

function validAt(t: NormalizedTariff, ms: number): boolean {
	return (t.validFromMs === undefined || ms >= t.validFromMs) && (t.validToMs === undefined || ms < t.validToMs);
}

/** Tariffs of a run, normalised once and indexed. */
export class TariffCatalog {
	private readonly run: Entry[];
	private readonly runById = new Map<string, Entry[]>();
	private readonly overrides = new Map<string, Entry[]>();

	constructor(
		tariffs: readonly AnyTariff[] = [],
		overrides: Readonly<Record<string, AnyTariff | readonly AnyTariff[]>> = {},
		private readonly order: readonly TariffSource[] = TARIFF_SOURCES,
		private readonly version: CdrVersion = DEFAULT_CDR_VERSION,
	) {
		this.run = tariffs.map((t) => entryOf(t, version));
		for (const e of this.run) {
			const key = upper(e.tariff.id);
			const list = this.runById.get(key);
			if (list) list.push(e);
			else this.runById.set(key, [e]);
		}
		for (const [emsp, value] of Object.entries(overrides)) {
			const list = Array.isArray(value) ? value : [value as AnyTariff];
			this.overrides.set(upper(emsp), list.map((t) => entryOf(t, version)));
		}
	}

	select(cdr: AnyCdr, startMs: number): Selection {
		const ids = new Set<string>();
		for (const p of cdr.charging_periods ?? []) if (p?.tariff_id) ids.add(upper(p.tariff_id));
		if (ids.size > 1) {
			return {
				kind: 'none',
				issues: [
					{
						code: 'MULTIPLE_TARIFFS',
						severity: 'error',
						message: `the charging periods name ${ids.size} tariffs (${[...ids].join(', ')}); pricing a switch between tariffs is not supported: price this CDR by hand`,
						path: 'charging_periods[].tariff_id',
					},
				],
			};
		}
		const id = ids.size === 1 ? [...ids][0] : null;
		const issues: PricingIssue[] = [];
		for (const source of this.order) {
			const candidates = this.candidates(source, cdr, id);
			if (candidates.length === 0) continue;
			const chosen = this.choose(source, candidates, id, startMs, issues);
			if (chosen === 'stop') return { kind: 'none', issues };
			if (chosen === null) continue;
			if (chosen.error || !chosen.normalized) {
				issues.push({
					code: chosen.error?.code ?? 'TARIFF_INVALID',
					severity: 'error',
					message: `tariff ${chosen.tariff.id} cannot be priced with: ${chosen.error?.message}; correct the tariff`,
					path: `tariff ${chosen.tariff.id}: ${chosen.error?.field}`,
				});
				return { kind: 'none', issues };
			}
			// A source passed over (tariff out of validity) is worth knowing, but another source priced the CDR.
			for (const issue of issues) if (issue.severity === 'error') issue.severity = 'warning';
			return { kind: 'found', tariff: chosen.normalized, source, issues };
		}
		if (issues.length === 0) {
			issues.push({
				code: 'NO_TARIFF',
				severity: 'error',
				message: id
					? `no tariff "${id}" for party ${cdr.country_code}*${cdr.party_id} in ${this.order.join(', ')}: supply it with the run's tariffs`
					: `no tariff for this CDR in ${this.order.join(', ')}: supply the roaming agreement's tariff`,
				path: id ? 'charging_periods[].tariff_id' : 'tariffs',
			});
		}
		return { kind: 'none', issues };
	}

	private candidates(source: TariffSource, cdr: AnyCdr, id: string | null): Entry[] {
		if (source === 'cdr') {
			const own: readonly AnyTariff[] = Array.isArray(cdr.tariffs) ? cdr.tariffs : [];
			if (own.length === 0) return [];
			const entries = own.map((t) => entryOf(t, this.version));
			return id ? entries.filter((e) => upper(e.tariff.id) === id) : entries;
		}
		if (source === 'run') {
			if (this.run.length === 1) return this.run;
			const sameParty = (e: Entry): boolean =>
				(!e.tariff.country_code || upper(e.tariff.country_code) === upper(cdr.country_code)) &&
				(!e.tariff.party_id || upper(e.tariff.party_id) === upper(cdr.party_id));
			if (id) return (this.runById.get(id) ?? []).filter(sameParty);
			return this.run.filter(sameParty);
		}
		const token = cdr.cdr_token;
		const list = this.overrides.get(`${upper(token?.country_code)}*${upper(token?.party_id)}`) ?? [];
		return id && list.length > 1 ? list.filter((e) => upper(e.tariff.id) === id) : list;
	}

	private choose(
		source: TariffSource,
		candidates: Entry[],
		id: string | null,
		startMs: number,
		issues: PricingIssue[],
	): Entry | null | 'stop' {
		const usable = candidates.filter((e) => !e.normalized || validAt(e.normalized, startMs));
		if (usable.length === 0) {
			const t = candidates[0].tariff;
			issues.push({
				code: 'TARIFF_NOT_VALID_AT_SESSION_START',
				severity: 'error',
				message: `tariff ${t.id} (${source}) is valid from ${t.start_date_time ?? 'always'} until ${t.end_date_time ?? 'forever'}, not at the session start; supply the tariff in force then`,
				path: 'start_date_time',
			});
			return null;
		}
		const chosen = usable[0];
		if (usable.length > 1 && source !== 'cdr' && !id) {
			issues.push({
				code: 'TARIFF_AMBIGUOUS',
				severity: 'error',
				message: `${usable.length} tariffs (${usable.map((e) => e.tariff.id).join(', ')}) could price this CDR and its periods name none: set tariff_id or supply one tariff`,
				path: 'charging_periods[].tariff_id',
			});
			return 'stop';
		}
		if (id && upper(chosen.tariff.id) !== id) {
			issues.push({
				code: 'TARIFF_ID_DIFFERS',
				severity: 'warning',
				message: `the periods name tariff "${id}" but the run's single tariff "${chosen.tariff.id}" was used`,
				path: 'charging_periods[].tariff_id',
			});
		}
		return chosen;
	}
}
