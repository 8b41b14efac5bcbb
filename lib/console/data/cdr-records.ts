/**
 * What the console knows of each CDR of a run: rejected with its codes, or priced with computed / declared /
 * deviation and its price breakdown, and the document it went on. The review queues (rejected CDRs, price
 * deviations), the overview's CDR counts and the invoice → CDR → breakdown drill-down read it through this interface.
 *
 * Sources: a run's outputs (`ev-clearing validate` / `price` NDJSON, or the items of a run) held in memory
 * (`runCdrRecords`), and, where nothing else is known, the CDR lines of the stored documents themselves
 * (`documentCdrRecords`: ids and amounts, no breakdown). A ledger table of the run's CDRs plugs in here as a third.
 */
import type { InvoiceRecord, Ledger } from '../../ledger';
import { CDR_ITEM_ATTRIBUTES } from '../../invoice/model';
import type { Decimal } from '../../money';
import { dec, toFixedAmount, ZERO } from '../../money';
import type { BreakdownLineJson, PricedCdrJson } from '../../pricing';

export type CdrOutcome = 'rejected' | 'match' | 'mismatch' | 'not_declared' | 'unpriceable';

export const DEVIATING: readonly CdrOutcome[] = ['mismatch', 'unpriceable'];

export interface CdrIssue {
	code: string;
	severity: string;
	message: string;
	path?: string;
}

export interface MoneyPair {
	excl_vat: string;
	incl_vat: string | null;
}

export interface CdrRecord {
	countryCode: string;
	partyId: string;
	id: string;
	/** The eMSP of the token, "FR*MOB". */
	emsp?: string;
	startDateTime?: string;
	endDateTime?: string;
	/** kWh */
	totalEnergy?: string;
	currency?: string;
	outcome: CdrOutcome;
	issues: CdrIssue[];
	computed?: MoneyPair | null;
	declared?: MoneyPair | null;
	/** computed − declared */
	deviation?: MoneyPair | null;
	breakdown: BreakdownLineJson[];
	tariffIds?: string[];
	/** The IANA zone the tariff restrictions were read in. */
	timeZone?: string | null;
	invoiceNumber?: string;
}

export interface CdrFilter {
	emsp?: string;
	/** Inclusive YYYY-MM-DD bounds on the session start. */
	from?: string;
	to?: string;
}

export interface CdrPage {
	rows: CdrRecord[];
	total: number;
}

export interface CdrCounts {
	received: number;
	rejected: number;
	priced: number;
	/** Priced with a price that differs from the declared one, or that could not be priced. */
	deviating: number;
}

export interface CdrRecords {
	/** What the records come from, for the page to say ("run outputs", "invoice lines"). */
	readonly kind: string;
	ofInvoice(number: string, offset: number, limit: number): Promise<CdrPage>;
	/** The records of a CDR id (several CPOs may use the same id). */
	find(id: string): Promise<CdrRecord[]>;
	queue(kind: 'rejected' | 'deviations', filter: CdrFilter, offset: number, limit: number): Promise<CdrPage>;
	counts(filter: CdrFilter): Promise<CdrCounts>;
}

const day = (timestamp: string | undefined) => timestamp?.slice(0, 10);

export function inFilter(record: CdrRecord, filter: CdrFilter): boolean {
	if (filter.emsp && record.emsp?.toUpperCase() !== filter.emsp.toUpperCase()) return false;
	const start = day(record.startDateTime);
	if (filter.from && (!start || start < filter.from)) return false;
	if (filter.to && (!start || start > filter.to)) return false;
	return true;
}

/** A run's verdicts and priced CDRs, as `ev-clearing validate` and `price` print them. */
export interface RunOutputs {
	verdicts?: ReadonlyArray<{
		id: string | null;
		valid: boolean;
		issues: CdrIssue[];
		cdr?: Record<string, unknown>;
	}>;
	priced?: readonly PricedCdrJson[];
}

/** Records held in memory: a run's outputs (or records seeded by a test), invoices looked up in the ledger. */
export class MemoryCdrRecords implements CdrRecords {
	readonly kind = 'run';
	private readonly byInvoice = new Map<string, CdrRecord[]>();

	constructor(private readonly records: CdrRecord[]) {
		for (const record of records) {
			if (!record.invoiceNumber) continue;
			this.byInvoice.set(record.invoiceNumber, [...(this.byInvoice.get(record.invoiceNumber) ?? []), record]);
		}
	}

	/** From a run's outputs; the document each priced CDR went on is read from the ledger. */
	static async fromRun(run: RunOutputs, ledger?: Ledger): Promise<MemoryCdrRecords> {
		const records: CdrRecord[] = [];
		const priced = new Set<string>();
		for (const p of run.priced ?? []) {
			priced.add(p.id.toUpperCase());
			const cdr = p.cdr;
			const total = p.computed?.total_cost;
			const declared = p.declared?.total_cost;
			const deviation = p.deviation.total_cost;
			records.push({
				countryCode: p.country_code ?? '',
				partyId: p.party_id ?? '',
				id: p.id,
				emsp: cdr.emsp_country_code && cdr.emsp_party_id ? `${cdr.emsp_country_code}*${cdr.emsp_party_id}` : undefined,
				startDateTime: cdr.start_date_time ?? undefined,
				endDateTime: cdr.end_date_time ?? undefined,
				totalEnergy: cdr.total_energy === null ? undefined : String(cdr.total_energy),
				currency: p.currency ?? undefined,
				outcome: p.status,
				issues: p.issues,
				computed: total ? { excl_vat: total.excl_vat, incl_vat: total.incl_vat } : null,
				declared: declared ? { excl_vat: declared.excl_vat, incl_vat: declared.incl_vat } : null,
				deviation: deviation ? { excl_vat: deviation.excl_vat, incl_vat: deviation.incl_vat } : null,
				breakdown: p.breakdown,
				tariffIds: p.tariff_ids,
				timeZone: p.time_zone,
			});
		}
		for (const verdict of run.verdicts ?? []) {
			if (verdict.valid) continue;
			const cdr = verdict.cdr ?? {};
			const token = (cdr.cdr_token ?? {}) as Record<string, unknown>;
			const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
			records.push({
				countryCode: text(cdr.country_code) ?? '',
				partyId: text(cdr.party_id) ?? '',
				id: verdict.id ?? '(no id)',
				emsp: text(token.country_code) && text(token.party_id) ? `${text(token.country_code)}*${text(token.party_id)}` : undefined,
				startDateTime: text(cdr.start_date_time),
				endDateTime: text(cdr.end_date_time),
				currency: text(cdr.currency),
				outcome: 'rejected',
				issues: verdict.issues.filter((issue) => issue.severity === 'error'),
				breakdown: [],
			});
		}
		if (ledger) {
			const refs = records
				.filter((record) => record.outcome !== 'rejected')
				.map((record) => ({ country_code: record.countryCode, party_id: record.partyId, id: record.id }));
			const invoiced = refs.length ? await ledger.findInvoicedCdrs(refs) : new Map<string, string>();
			for (const record of records) {
				const number = invoiced.get(`${record.countryCode}*${record.partyId}*${record.id}`.toUpperCase());
				if (number) record.invoiceNumber = number;
			}
		}
		return new MemoryCdrRecords(records);
	}

	async ofInvoice(number: string, offset: number, limit: number): Promise<CdrPage> {
		const rows = this.byInvoice.get(number) ?? [];
		return { rows: rows.slice(offset, offset + limit), total: rows.length };
	}

	async find(id: string): Promise<CdrRecord[]> {
		const wanted = id.trim().toUpperCase();
		return this.records.filter((record) => record.id.toUpperCase() === wanted);
	}

	async queue(kind: 'rejected' | 'deviations', filter: CdrFilter, offset: number, limit: number): Promise<CdrPage> {
		const rows = this.records.filter(
			(record) => (kind === 'rejected' ? record.outcome === 'rejected' : DEVIATING.includes(record.outcome)) && inFilter(record, filter),
		);
		return { rows: rows.slice(offset, offset + limit), total: rows.length };
	}

	async counts(filter: CdrFilter): Promise<CdrCounts> {
		const counts: CdrCounts = { received: 0, rejected: 0, priced: 0, deviating: 0 };
		for (const record of this.records) {
			if (!inFilter(record, filter)) continue;
			counts.received++;
			if (record.outcome === 'rejected') counts.rejected++;
			else counts.priced++;
			if (DEVIATING.includes(record.outcome)) counts.deviating++;
		}
		return counts;
	}
}

/**
 * Where no run was recorded: the CDRs of a document read back from its stored lines (BT-128 / the CDR ID
 * attribute, the line's period and net amount). No breakdown and no queues: the run's outputs are not there.
 */
export class DocumentCdrRecords implements CdrRecords {
	readonly kind = 'document';

	constructor(private readonly ledger: Ledger) {}

	async ofInvoice(number: string, offset: number, limit: number): Promise<CdrPage> {
		const record = await this.ledger.getInvoice(number);
		if (!record) return { rows: [], total: 0 };
		const rows = documentCdrs(record);
		return { rows: rows.slice(offset, offset + limit), total: rows.length };
	}

	async find(): Promise<CdrRecord[]> {
		return [];
	}

	async queue(): Promise<CdrPage> {
		return { rows: [], total: 0 };
	}

	async counts(): Promise<CdrCounts> {
		return { received: 0, rejected: 0, priced: 0, deviating: 0 };
	}
}

interface StoredLine {
	objectId?: { value?: string };
	netAmount?: string;
	period?: { start?: string; end?: string };
	item?: { attributes?: Array<{ name: string; value: string }> };
}

/** The CDRs of a stored document, with what its lines say of each. */
export function documentCdrs(record: InvoiceRecord): CdrRecord[] {
	const lines = ((record.document as { lines?: StoredLine[] } | null)?.lines ?? []) as StoredLine[];
	const amounts = new Map<string, { net: Decimal; start?: string; end?: string }>();
	for (const line of lines) {
		const id = line.objectId?.value ?? line.item?.attributes?.find((a) => a.name === CDR_ITEM_ATTRIBUTES.cdrId)?.value;
		if (!id) continue;
		const known = amounts.get(id.toUpperCase());
		const net = (known?.net ?? ZERO).plus(dec(line.netAmount ?? '0'));
		amounts.set(id.toUpperCase(), { net, start: line.period?.start, end: line.period?.end });
	}
	return record.cdrs.map((cdr) => {
		const line = amounts.get(cdr.id.toUpperCase());
		return {
			countryCode: cdr.country_code,
			partyId: cdr.party_id,
			id: cdr.id,
			emsp: `${record.buyer.countryCode}*${record.buyer.partyId}`,
			startDateTime: line?.start,
			endDateTime: line?.end,
			currency: record.currency,
			outcome: 'match',
			issues: [],
			computed: line ? { excl_vat: toFixedAmount(line.net), incl_vat: null } : null,
			breakdown: [],
			invoiceNumber: record.number,
		};
	});
}
