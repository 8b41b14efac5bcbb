/**
 * A ledger with a month's clearing in it, as the console shows it: the sample CDRs of the French CPO (plus a broken
 * CDR and one whose declared price is 2.00 too high) validated, priced and invoiced per eMSP with the sample
 * configuration (EVC-2026-000001…4 and the credit note EVC-AV-2026-000001, issued 2026-11-02), then the demo bank
 * statement imported: two invoices paid, one entry matching nothing (kept for manual matching).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { RunOutputs } from '../../lib/console';
import { MemoryCdrRecords } from '../../lib/console';
import { parseInvoicingConfig } from '../../lib/invoice/config';
import type { InvoicingConfig } from '../../lib/invoice/config';
import { issueInvoices } from '../../lib/issuing';
import type { IssueOutcome } from '../../lib/issuing';
import type { Ledger } from '../../lib/ledger';
import type { Cdr, Tariff } from '../../lib/ocpi/types';
import { importBankStatement } from '../../lib/payments/tracking';
import type { StatementImport } from '../../lib/payments/tracking';
import { createPricer, pricedCdrToJson } from '../../lib/pricing';
import { createCdrValidator } from '../../lib/quality';

export const REPO = path.resolve(__dirname, '../..');
export const sample = <T>(name: string): T => JSON.parse(readFileSync(path.join(REPO, 'samples', name), 'utf8')) as T;

export interface ConsoleFixture {
	config: InvoicingConfig;
	outcome: IssueOutcome;
	statement: StatementImport;
	run: RunOutputs;
	cdrs: MemoryCdrRecords;
	/** The CDR whose declared price is 2.00 above the tariff's. */
	tamperedId: string;
	/** The rejected CDR. */
	brokenId: string;
}

export async function clearMonth(ledger: Ledger): Promise<ConsoleFixture> {
	const all = sample<Cdr[]>('cdrs.json').filter((cdr) => cdr.country_code === 'FR' && cdr.party_id === 'EVC');
	const broken = { ...sample<Cdr>('broken/end-before-start.json'), country_code: 'FR', party_id: 'EVC' } as Cdr;
	// The last French CDR charges energy only: claim 2.00 more on its total and its energy subtotal.
	const index = all.findIndex((cdr) => !cdr.credit && cdr.total_cost.excl_vat > 5 && cdr.total_energy_cost?.excl_vat === cdr.total_cost.excl_vat);
	const tampered = all[index];
	const claimed = { excl_vat: tampered.total_cost.excl_vat + 2, incl_vat: (tampered.total_cost.incl_vat ?? 0) + 2.4 };
	all[index] = { ...tampered, total_cost: claimed, total_energy_cost: claimed };
	const validator = createCdrValidator({ now: new Date('2026-11-01T00:00:00Z') });
	const verdicts = [...all, broken].map((cdr) => validator.validate(cdr));
	const pricer = createPricer({ tariffs: sample<Tariff[]>('tariffs.json') });
	const priced = verdicts.filter((v) => v.valid).map((v) => pricer.price(v.cdr!));
	const config = parseInvoicingConfig(sample('invoice-config.json'));
	const outcome = await issueInvoices(
		priced.filter((p) => p.status !== 'mismatch'),
		config,
		ledger,
		{ creationDate: new Date('2026-11-02T08:00:00Z') },
	);
	const statement = await importBankStatement(ledger, readFileSync(path.join(REPO, 'samples/camt/demo-camt053-2026-12-04.xml')));
	const run: RunOutputs = {
		verdicts: verdicts.map((v, i) => ({ id: v.id, valid: v.valid, issues: v.issues, cdr: [...all, broken][i] as unknown as Record<string, unknown> })),
		priced: priced.map(pricedCdrToJson),
	};
	const cdrs = await MemoryCdrRecords.fromRun(run, ledger);
	return { config, outcome, statement, run, cdrs, tamperedId: tampered.id, brokenId: broken.id };
}
